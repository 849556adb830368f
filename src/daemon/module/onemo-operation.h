/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "onemo-at-port.h"
#include "onemo-module.h"

G_BEGIN_DECLS

/**
 * OnemoOperation:
 *
 * One method call running on one module, from the moment it holds the module to its answer:
 * the caller's invocation, the open port, the cancellable Cancel() trips, ModemManager's hold
 * on the module, the journal's record, and the State it shows. A flow (onemo-flow-*.c) gets
 * one when its operation starts and ends it with onemo_operation_return_value() or
 * onemo_operation_return_error(), which close the port, hand the module back to ModemManager,
 * set State and LastError, and answer the caller. The module knows its current operation only
 * to refuse a second one (Busy) and to cancel it.
 */
#define ONEMO_TYPE_OPERATION (onemo_operation_get_type ())
G_DECLARE_FINAL_TYPE (OnemoOperation, onemo_operation, ONEMO, OPERATION, GObject)

typedef enum {
  ONEMO_OPERATION_NONE = 0,
  ONEMO_OPERATION_CANCELLABLE = 1 << 0, /* Cancel() may stop it */
  ONEMO_OPERATION_QUERY = 1 << 1,       /* leaves State and LastError alone */
} OnemoOperationFlags;

/* What an operation does once it holds the module and its open port; it owns @data from then. */
typedef void (*OnemoOperationStart) (OnemoOperation *operation, gpointer data);

/* What onemo_operation_handover() begins: a method's flow, from its argument checks on. */
typedef void (*OnemoOperationNext) (OnemoModule *module, GDBusMethodInvocation *invocation);

/**
 * onemo_operation_begin:
 * @state: the first State ("configuring" …), ignored for a query
 * @start: runs once the module is held in ModemManager (when it drives the same module) and
 *   the port is open and set up
 * @data: (transfer full): given to @start, or freed with @destroy when the begin fails
 *
 * Takes @module for one operation (a second call gets Busy), then, asynchronously, asks
 * ModemManager to let go of the module and opens the port. Any failure on the way (Busy, the
 * journal refusing, ModemManager refusing, a port that cannot be opened) answers @invocation
 * and ends the operation; @start is then never called. Callers check their arguments before,
 * so bad input changes nothing, not even ModemManager's hold.
 */
void onemo_operation_begin (OnemoModule *module, GDBusMethodInvocation *invocation,
                            const char *state, OnemoOperationFlags flags, OnemoOperationStart start,
                            gpointer data, GDestroyNotify destroy);

/* Takes @module for an operation that was running when the daemon stopped (the journal said
 * so), without a caller and without opening the port (onemo_operation_reopen_port() does);
 * its end only logs the outcome. The module holds the operation until it ends. */
OnemoOperation *onemo_operation_resume (OnemoModule *module, const char *state);

OnemoModule *onemo_operation_get_module (OnemoOperation *self);
/* The module's as it is now: the model table's row and the daemon's limits. */
const OnemoModel *onemo_operation_get_model (OnemoOperation *self);
const OnemoDaemonOptions *onemo_operation_get_options (OnemoOperation *self);
const char *onemo_operation_get_device (OnemoOperation *self);
OnemoAtPort *onemo_operation_get_port (OnemoOperation *self);
GCancellable *onemo_operation_get_cancellable (OnemoOperation *self);

/* One AT command on the operation's port, within the daemon's command time limit, stopped by a
 * Cancel; finish with onemo_at_port_command_finish() on the source object (the port). */
void onemo_operation_command_async (OnemoOperation *self, const char *command,
                                    GAsyncReadyCallback callback, gpointer user_data);

/* Opens the port afresh after the module rebooted, at its path or at @device (a discovered
 * module's port that came back under a new name); the old one is released. NULL (and the old
 * port kept) when the device cannot be opened yet. */
OnemoAtPort *onemo_operation_reopen_port (OnemoOperation *self, GError **error);
OnemoAtPort *onemo_operation_reopen_port_at (OnemoOperation *self, const char *device,
                                             GError **error);

/* Marks the operation as one Cancel() refuses from now on (an upgrade). */
void onemo_operation_set_cancellable (OnemoOperation *self, gboolean cancellable);

/* Changes State (and the journal's phase) during the operation: an upgrade that reboots. */
void onemo_operation_set_state (OnemoOperation *self, const char *state);

/* The journal's phase alone, for a step no State names ("confirming"). */
void onemo_operation_record_phase (OnemoOperation *self, const char *phase);

/* Reports progress as DownloadProgress, DownloadTotal and DownloadedBytes; "loading" reports
 * are throttled to every 1 % or 64 KiB, the final ones always go out. */
void onemo_operation_report_download (OnemoOperation *self, guint state, guint64 total,
                                      guint64 done);

/* Sets DownloadTotal and DownloadedBytes to 0: the module holds no package any more. */
void onemo_operation_clear_download (OnemoOperation *self);

/* UpgradePercent back to 0, as an upgrade begins. */
void onemo_operation_reset_upgrade (OnemoOperation *self);

/* Reports the upgrade as UpgradeProgress; @percent < 0 keeps UpgradePercent as it is. */
void onemo_operation_report_upgrade (OnemoOperation *self, guint state, int percent);

/**
 * onemo_operation_return_value:
 * @value: (nullable): the method's return value (floating refs are sunk)
 *
 * Ends the operation: releases the port and ModemManager's hold, sets State to "finished"
 * (unless a query) and answers the caller (or logs, when followed after a restart).
 */
void onemo_operation_return_value (OnemoOperation *self, GVariant *value);

/* Ends the operation like onemo_operation_return_value(), failed: State "failed" and LastError
 * say why (unless a query). Takes @error. */
void onemo_operation_return_error (OnemoOperation *self, GError *error);

/* One of the two, whichever @error says. */
void onemo_operation_return (OnemoOperation *self, GVariant *value, GError *error);

/* Ends the operation without answering its caller and keeps State: the port is released and the
 * module free, and @next begins with the same invocation (Update() hands its last step to
 * Upgrade()). ModemManager's hold passes to @next's operation, so the module is not handed
 * back to ModemManager in between. */
void onemo_operation_handover (OnemoOperation *self, OnemoOperationNext next);

G_END_DECLS
