/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "onemo-daemon-options.h"
#include "onemo-at-port.h"
#include "onemo-dbus-generated.h"
#include "onemo-model.h"
#include "onemo-module.h"
#include "onemo-port-check.h"

G_BEGIN_DECLS

#define ONEMO_MANAGER_PATH     "/org/onemo/Firmware"
#define ONEMO_MODULE_PATH_BASE "/org/onemo/Firmware/Module/"

/**
 * OnemoManager:
 *
 * org.onemo.Firmware.Manager at /org/onemo/Firmware, and the object manager that lists one
 * module object per port. AddPort() validates the device and the options before anything is
 * opened, identifies the module (again, bounded, while it does not answer yet), then exports it.
 */
#define ONEMO_TYPE_MANAGER (onemo_manager_get_type ())
G_DECLARE_FINAL_TYPE (OnemoManager, onemo_manager, ONEMO, MANAGER, OnemoDBusFirmwareManagerSkeleton)

/* @options must outlive the manager. */
OnemoManager *onemo_manager_new (const OnemoDaemonOptions *options);

gboolean onemo_manager_export (OnemoManager *self, GDBusConnection *connection, GError **error);

/* The port's settings as AddPort() takes them. */
typedef struct {
  const OnemoModel *model; /* NULL: from the module's revision */
  guint baud;
  gboolean flow_control;
} OnemoPortSettings;

/* AddPort() without D-Bus, for --port and the configuration file: the same checks. A module
 * that does not answer yet, or answers garbage, is tried again for up to @retry_limit_s seconds
 * after its first failure (onemo_identify_retry_async()). */
void onemo_manager_add_port_async (OnemoManager *self, const char *device,
                                   const OnemoPortSettings *settings, guint retry_limit_s,
                                   GAsyncReadyCallback callback, gpointer user_data);
/* The new module's object path. */
char *onemo_manager_add_port_finish (OnemoManager *self, GAsyncResult *result, GError **error);

/* For discovery (onemo-discovery.c): @key tells devices apart as AddPort()'s resolved path does.
 * hold marks @key taken while a module is identified (FALSE if it is taken already), publish
 * exports the module under @key and returns its object path, withdraw unexports it. */
gboolean onemo_manager_hold_device (OnemoManager *self, const char *key);
void onemo_manager_release_device (OnemoManager *self, const char *key);
char *onemo_manager_publish_module (OnemoManager *self, OnemoModule *module, const char *key);
void onemo_manager_withdraw_module (OnemoManager *self, const char *object_path);

/* ---- onemo-manager-port.c: the checks, before anything is opened ---- */

/* Reads AddPort()'s options: "model" (s), "baud" (u), "flow-control" (b). */
gboolean onemo_port_settings_parse (GVariant *options, OnemoPortSettings *out, GError **error);

/* A sub-model name and a baud rate as the configuration file and --port give them. */
gboolean onemo_port_settings_check_model (const char *name, const OnemoModel **out, GError **error);
gboolean onemo_port_settings_check_baud (guint64 baud, GError **error);

G_END_DECLS
