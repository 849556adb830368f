/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "onemo-daemon-options.h"
#include "onemo-dbus-generated.h"
#include "onemo-model.h"

G_BEGIN_DECLS

/**
 * OnemoModule:
 *
 * One module behind one AT port, exported as org.onemo.Firmware. It holds the module's identity
 * and capabilities, runs one operation at a time (the others get Busy), and maps each D-Bus
 * method to a flow (onemo-flow-*.c). The port is opened for each operation and closed after
 * it, so a module that vanished or misbehaved never keeps a descriptor, and the next call
 * starts from a fresh port.
 */
#define ONEMO_TYPE_MODULE (onemo_module_get_type ())
G_DECLARE_FINAL_TYPE (OnemoModule, onemo_module, ONEMO, MODULE, OnemoDBusFirmwareSkeleton)

/**
 * onemo_module_new:
 * @device: the port's path as given (shown as the Port property)
 * @model_hint: (nullable): the sub-model to assume when the revision does not name one
 * @options: the daemon's limits; must outlive the module
 */
OnemoModule *onemo_module_new (const char *device, guint baud, gboolean flow_control,
                               const OnemoModel *model_hint, const OnemoDaemonOptions *options);

/* The module's path came from a caller (AddPort()): every open checks it again
 * (onemo_port_open_checked()). */
void onemo_module_check_path_at_open (OnemoModule *self);

/* Identifies the module (onemo-module-identify.c) and fills its properties. */
void onemo_module_identify_async (OnemoModule *self, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
gboolean onemo_module_identify_finish (OnemoModule *self, GAsyncResult *result, GError **error);

/* Whether an operation runs (RemovePort refuses then). */
gboolean onemo_module_is_busy (OnemoModule *self);

G_END_DECLS
