/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "onemo-at-port.h"
#include "onemo-at-writer.h"
#include "onemo-command-sequence.h"
#include "onemo-error.h"
#include "onemo-module.h"

G_BEGIN_DECLS

/* What the flows see of their module: the operation guard, the port, the model, the limits. */

typedef enum {
  ONEMO_OP_NONE = 0,
  ONEMO_OP_CANCELLABLE = 1 << 0, /* Cancel() may stop it */
  ONEMO_OP_QUERY = 1 << 1,       /* leaves State and LastError alone */
} OnemoOpFlags;

/* What an operation does once it holds the module and its open port; it owns @data from then. */
typedef void (*OnemoOpStart) (OnemoModule *self, GDBusMethodInvocation *invocation, gpointer data);

/**
 * onemo_module_op_begin:
 * @state: the State for the operation's run ("configuring" …), ignored for a query
 * @start: runs once the module is held in ModemManager (when it drives the same module) and
 *   the port is open
 * @data: (transfer full): given to @start, or freed with @destroy when the begin fails
 *
 * Takes the module for one operation at once (a second call gets Busy), then, asynchronously,
 * asks ModemManager to let go of the module and opens the port. Any failure on the way (Busy,
 * ModemManager refusing, a port that cannot be opened) answers @invocation and ends the
 * operation; @start is then never called. The flows check their arguments before, so bad input
 * changes nothing, not even ModemManager's hold.
 */
void onemo_module_op_begin (OnemoModule *self, GDBusMethodInvocation *invocation, const char *state,
                            OnemoOpFlags flags, OnemoOpStart start, gpointer data,
                            GDestroyNotify destroy);

/* Takes the module for an operation that was running when the daemon stopped (the journal
 * said so), without a caller and without opening the port: onemo_module_op_reopen_port() opens
 * it, and onemo_module_op_return() with a NULL invocation only logs the outcome. */
void onemo_module_op_resume (OnemoModule *self, const char *state);

/* The running operation's port and cancellable. */
OnemoAtPort *onemo_module_op_port (OnemoModule *self);
GCancellable *onemo_module_op_cancellable (OnemoModule *self);

/* Opens the port afresh after the module rebooted; the old one is released. NULL (and the old
 * port kept) when the device cannot be opened yet. */
OnemoAtPort *onemo_module_op_reopen_port (OnemoModule *self, GError **error);

/* The same at another path: a discovered module's port that came back under a new name. */
OnemoAtPort *onemo_module_op_reopen_port_at (OnemoModule *self, const char *device, GError **error);

/* Keeps @self with @invocation, for a flow's callbacks that get only the invocation. */
void onemo_module_op_bind (OnemoModule *self, GDBusMethodInvocation *invocation);
OnemoModule *onemo_module_op_bound (GDBusMethodInvocation *invocation);

/* The flows' entry points, as onemo_module_op_handover() takes one. */
typedef gboolean (*OnemoFlowFunc) (OnemoModule *self, GDBusMethodInvocation *invocation);

/* Ends the running operation without answering @invocation and keeps State: the port is
 * released and the module free, and @next begins with the same invocation (Update() hands its
 * last step to Upgrade()). ModemManager's hold on the module passes to @next's begin, so the
 * module is not handed back to ModemManager in between. */
void onemo_module_op_handover (OnemoModule *self, GDBusMethodInvocation *invocation,
                               OnemoFlowFunc next);

/* Cancel(): stops the running operation if it may be stopped (Busy otherwise); nothing running
 * is not an error. */
void onemo_module_op_cancel (OnemoModule *self, GDBusMethodInvocation *invocation);

/* Connects the D-Bus method handlers (onemo-module-methods.c). */
/* The interface's vtable: @generated's properties, the method table's handler. */
GDBusInterfaceVTable *onemo_module_methods_vtable (GDBusInterfaceVTable *generated);

/* Marks the running operation as one Cancel() refuses from now on (an upgrade). */
void onemo_module_op_set_cancellable (OnemoModule *self, gboolean cancellable);

/* Changes State during the operation (an upgrade that reboots). */
void onemo_module_op_set_state (OnemoModule *self, const char *state);

/**
 * onemo_module_op_return:
 * @value: (nullable): the method's return value (floating refs are sunk)
 * @error: (nullable): the failure, taken
 *
 * Ends the operation: closes the port, sets State and LastError, and answers @invocation
 * (nullable: an operation followed after a restart, whose outcome is logged).
 */
void onemo_module_op_return (OnemoModule *self, GDBusMethodInvocation *invocation, GVariant *value,
                             GError *error);

const OnemoModel *onemo_module_get_model (OnemoModule *self);
const OnemoDaemonOptions *onemo_module_get_options (OnemoModule *self);

/* The capability check every flow does before anything else; sets NotSupported. */
gboolean onemo_module_require (OnemoModule *self, OnemoFeature feature, const char *what,
                               GError **error);

/* Reports progress as DownloadProgress, DownloadTotal and DownloadedBytes; "loading" reports
 * are throttled to every 1 % or 64 KiB, the final ones always go out. */
void onemo_module_report_download (OnemoModule *self, guint state, guint64 total, guint64 done);

/* Sets ONEMO_ERROR_INVALID_ARGUMENT with a formatted message; returns FALSE. */
G_GNUC_PRINTF (2, 3) gboolean onemo_set_invalid (GError **error, const char *format, ...);

/* The identification's results (onemo-module-identify.c). */
void onemo_module_set_identity (OnemoModule *self, const char *manufacturer, const char *model,
                                const OnemoModel *sub_model, OnemoFeatures features,
                                const char *revision, const char *imei);

const char *onemo_module_get_device (OnemoModule *self);

/* The physical device a discovered module is (the USB device's sysfs path; a UART's tty's),
 * NULL for a module added by path. ModemManager's Device property names the same. */
const char *onemo_module_get_physical_device (OnemoModule *self);
void onemo_module_set_physical_device (OnemoModule *self, const char *physical_device);

/* What udev tells of a discovered module's tty: its kernel name, which is ModemManager's name
 * for the port, and whether ModemManager may take the device (not ignored by its udev tags):
 * identification then waits for ModemManager's modem (onemo-module-identify-mm.c). */
void onemo_module_set_udev_tty (OnemoModule *self, const char *tty_name, gboolean mm_may_drive);
gboolean onemo_module_get_mm_may_drive (OnemoModule *self);

/* The module's port as ModemManager's Ports name it: the tty's kernel name when udev gave it,
 * else the path it was added by. */
const char *onemo_module_get_mm_port (OnemoModule *self);

/* Whether the identity came from ModemManager's modem and has not been read over the port yet:
 * the first operation confirms it (onemo_module_confirm_identity_async()). */
void onemo_module_set_identity_from_mm (OnemoModule *self, gboolean from_mm);

/**
 * onemo_module_confirm_identity_async:
 * @port: the operation's open port
 *
 * Reads the module's identity over @port (ATE0, AT+CMEE=1, ATI, AT+CGMI/CGMM/CGMR/CGSN) in place
 * of ModemManager's reading. The same IMEI and sub-model: the properties take the module's own
 * strings, the capabilities stay. Another module: the properties become what it answered and
 * the result is Protocol, so that the operation does nothing.
 */
void onemo_module_confirm_identity_async (OnemoModule *self, OnemoAtPort *port,
                                          GCancellable *cancellable, GAsyncReadyCallback callback,
                                          gpointer user_data);
gboolean onemo_module_confirm_identity_finish (OnemoModule *self, GAsyncResult *result,
                                               GError **error);

/* The port's new path (and Port), once the module behind it is known to be this one. */
void onemo_module_set_device (OnemoModule *self, const char *device);

/* Discovery saw the module's physical device come back at @device: emits "port-returned"
 * (a string), which an upgrade waiting for the module's reboot follows. The module emits
 * "operation-ended" when onemo_module_op_return() frees it, before State changes and the reply
 * goes out. */
void onemo_module_port_returned (OnemoModule *self, const char *device);

const OnemoModel *onemo_module_get_model_hint (OnemoModule *self);

/* Opens a port to the module outside an operation (identification). */
OnemoAtPort *onemo_module_open_port (OnemoModule *self, GError **error);

/* A url the module itself would open (AT+MFWCFG="url"): its length, characters, and a scheme
 * the sub-model has; InvalidArgument or NotSupported (onemo-flow-configure.c). */
gboolean onemo_flow_url_supported (OnemoModule *self, const char *url, GError **error);

/* Configure()'s settings checked against the sub-model and turned into commands; nothing is
 * sent unless all of it is right (onemo-flow-configure.c). */
OnemoCommandSequence *onemo_flow_configure_build (OnemoModule *self, GVariant *settings,
                                                  GError **error);

/* Write()'s options, checked against the sub-model (onemo-flow-write.c). */
typedef struct {
  OnemoAtWriteMode mode;
  guint64 offset;
} OnemoWriteOptions;
gboolean onemo_flow_write_parse_options (OnemoModule *self, GVariant *options,
                                         OnemoWriteOptions *out, GError **error);

/* The flows, one per file: each validates its arguments, then runs and answers @invocation. */
gboolean onemo_flow_configure (OnemoModule *self, GDBusMethodInvocation *invocation,
                               GVariant *settings);
gboolean onemo_flow_get_configuration (OnemoModule *self, GDBusMethodInvocation *invocation);
gboolean onemo_flow_checksum (OnemoModule *self, GDBusMethodInvocation *invocation,
                              guint algorithm);
gboolean onemo_flow_erase (OnemoModule *self, GDBusMethodInvocation *invocation);
gboolean onemo_flow_download (OnemoModule *self, GDBusMethodInvocation *invocation);
gboolean onemo_flow_write (OnemoModule *self, GDBusMethodInvocation *invocation,
                           GUnixFDList *fd_list, GVariant *fd_handle, GVariant *options);
gboolean onemo_flow_upgrade (OnemoModule *self, GDBusMethodInvocation *invocation);
/* Follows an upgrade the module was running when the daemon stopped, from the journal's
 * @phase ("upgrading", "rebooting" or "confirming"), without commanding it again. */
void onemo_flow_upgrade_follow (OnemoModule *self, const char *phase);
gboolean onemo_flow_fetch (OnemoModule *self, GDBusMethodInvocation *invocation, const char *url,
                           GVariant *options);
gboolean onemo_flow_update (OnemoModule *self, GDBusMethodInvocation *invocation);

G_END_DECLS
