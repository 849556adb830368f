/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "onemo-at-port.h"
#include "onemo-daemon-options.h"
#include "onemo-dbus-generated.h"
#include "onemo-error.h"
#include "onemo-model.h"

G_BEGIN_DECLS

/**
 * OnemoModule:
 *
 * One module behind one AT port, exported as org.onemo.Firmware: the module's identity and
 * capabilities, its port's path, and its current operation (OnemoOperation, one at a time: the
 * others get Busy). The port is opened for each operation and closed after it, so a module that
 * vanished or misbehaved never keeps a descriptor, and the next call starts from a fresh port.
 * Its D-Bus methods are the method table's (onemo-flow-methods.c), given to onemo_module_new().
 */
#define ONEMO_TYPE_MODULE (onemo_module_get_type ())
G_DECLARE_FINAL_TYPE (OnemoModule, onemo_module, ONEMO, MODULE, OnemoDBusFirmwareSkeleton)

/**
 * onemo_module_new:
 * @device: the port's path as given (shown as the Port property)
 * @model_hint: (nullable): the sub-model to assume when the revision does not name one
 * @options: the daemon's limits and services; must outlive the module
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

/* Cancel(): stops the running operation if it may be stopped (Busy otherwise); nothing running
 * is not an error. */
void onemo_module_cancel (OnemoModule *self, GDBusMethodInvocation *invocation);

const OnemoModel *onemo_module_get_model (OnemoModule *self);
const OnemoModel *onemo_module_get_model_hint (OnemoModule *self);
const OnemoDaemonOptions *onemo_module_get_options (OnemoModule *self);
const char *onemo_module_get_device (OnemoModule *self);

/* The capability check every flow does before anything else; sets NotSupported. */
gboolean onemo_module_require (OnemoModule *self, OnemoFeature feature, const char *what,
                               GError **error);

/* Sets ONEMO_ERROR_INVALID_ARGUMENT with a formatted message; returns FALSE. */
G_GNUC_PRINTF (2, 3) gboolean onemo_set_invalid (GError **error, const char *format, ...);

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

/* The port's new path (and Port), once the module behind it is known to be this one. */
void onemo_module_set_device (OnemoModule *self, const char *device);

/* The revision the module reports after an upgrade. */
void onemo_module_set_revision (OnemoModule *self, const char *revision);

/* Discovery saw the module's physical device come back at @device: emits "port-returned"
 * (a string), which an upgrade waiting for the module's reboot follows. The module emits
 * "operation-ended" when its operation ends, before State changes and the reply goes out. */
void onemo_module_port_returned (OnemoModule *self, const char *device);

G_END_DECLS
