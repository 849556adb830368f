/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* What the module's own room (the module, its operation, identification, the journal's side)
 * shares; flows see onemo-module.h and onemo-operation.h only. */

#include "onemo-journal.h"
#include "onemo-mm-inhibition.h"
#include "onemo-module.h"
#include "onemo-operation.h"

G_BEGIN_DECLS

/* The running operation, NULL when idle: set by the operation's begin, cleared by its end. */
OnemoOperation *onemo_module_get_operation (OnemoModule *self);
void onemo_module_set_operation (OnemoModule *self, OnemoOperation *operation);

/* Opens a port to the module outside an operation (identification), or at @device; a port the
 * last operation released is closed first, since two open ports would race for the answers. */
OnemoAtPort *onemo_module_open_port (OnemoModule *self, GError **error);
OnemoAtPort *onemo_module_open_port_at (OnemoModule *self, const char *device, GError **error);

/* Keeps an ended operation's @port (taken) until an idle closes it: the end may come from
 * inside the port's own dispatch (a hang-up). */
void onemo_module_release_port (OnemoModule *self, OnemoAtPort *port);

/* ModemManager's hold between two operations of a handover (taken, nullable), and the module's
 * uid in ModemManager from its last hold. */
void onemo_module_keep_inhibition (OnemoModule *self, OnemoMmInhibition *inhibition);
OnemoMmInhibition *onemo_module_take_inhibition (OnemoModule *self);
const char *onemo_module_get_mm_uid (OnemoModule *self);
void onemo_module_set_mm_uid (OnemoModule *self, const char *uid);

/* Whether onemo_operation_handover() is beginning the next operation right now. */
gboolean onemo_module_is_handing_over (OnemoModule *self);
void onemo_module_set_handing_over (OnemoModule *self, gboolean handing_over);

/* State, sent at once with the property changes made before it (see announce_properties()). */
void onemo_module_set_state (OnemoModule *self, const char *state);
void onemo_module_announce_properties (OnemoModule *self);
void onemo_module_emit_operation_ended (OnemoModule *self);

/* The identification's results (onemo-module-identify.c). */
void onemo_module_set_identity (OnemoModule *self, const char *manufacturer, const char *model,
                                const OnemoModel *sub_model, OnemoFeatures features,
                                const char *revision, const char *imei);

/* Whether the identity came from ModemManager's modem and has not been read over the port yet:
 * the first operation confirms it (onemo_module_confirm_identity_async()). */
void onemo_module_set_identity_from_mm (OnemoModule *self, gboolean from_mm);
gboolean onemo_module_get_identity_from_mm (OnemoModule *self);

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

/* The operation's journal record (onemo-module-journal.c keeps it there), NULL if none. */
OnemoJournalRecord *onemo_operation_get_record (OnemoOperation *self);
void onemo_operation_set_record (OnemoOperation *self, OnemoJournalRecord *record);

/* Cancel(): FALSE when the operation may not be stopped (any more). */
gboolean onemo_operation_cancel (OnemoOperation *self);

/* The method name the operation runs for ("Following" after a restart). */
const char *onemo_operation_get_method (OnemoOperation *self);

G_END_DECLS
