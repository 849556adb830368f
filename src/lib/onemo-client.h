/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(ONEMO_FIRMWARE_INSIDE) && !defined(ONEMO_FIRMWARE_COMPILATION)
#error "Only <onemo-firmware.h> can be included directly."
#endif

#include <gio/gio.h>

#include "onemo-fw-module.h"

G_BEGIN_DECLS

#define ONEMO_TYPE_CLIENT (onemo_client_get_type ())
G_DECLARE_FINAL_TYPE (OnemoClient, onemo_client, ONEMO, CLIENT, GObject)

void onemo_client_new_async (GDBusConnection *connection, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);
OnemoClient *onemo_client_new_finish (GAsyncResult *result, GError **error);
OnemoClient *onemo_client_new_sync (GDBusConnection *connection, GCancellable *cancellable,
                                    GError **error);

GDBusConnection *onemo_client_get_connection (OnemoClient *client);
const char *onemo_client_get_version (OnemoClient *client);
gboolean onemo_client_get_service_running (OnemoClient *client);
GPtrArray *onemo_client_get_modules (OnemoClient *client);
OnemoFwModule *onemo_client_get_module (OnemoClient *client, const char *object_path);

gint onemo_client_get_timeout (OnemoClient *client);
void onemo_client_set_timeout (OnemoClient *client, gint timeout_ms);
gboolean onemo_client_get_allow_interaction (OnemoClient *client);
void onemo_client_set_allow_interaction (OnemoClient *client, gboolean allow);

void onemo_client_add_port_async (OnemoClient *client, const char *device, GVariant *options,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data);
OnemoFwModule *onemo_client_add_port_finish (OnemoClient *client, GAsyncResult *result,
                                             GError **error);
void onemo_client_remove_port_async (OnemoClient *client, OnemoFwModule *module,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data);
gboolean onemo_client_remove_port_finish (OnemoClient *client, GAsyncResult *result,
                                          GError **error);

G_END_DECLS
