/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the client and the module's methods share, never installed. */
#pragma once

#include "onemo-firmware.h"
#include "onemo-lib-dbus.h"

#include <gio/gunixfdlist.h>

G_BEGIN_DECLS

/* The client's calls let polkit ask the user through their agent, as busctl's do; without an
 * agent polkit decides as it would anyway. */
#define ONEMO_FW_CALL_FLAGS G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION

/* The flags of @self's calls: polkit may ask the user through their agent, as busctl's
 * calls let it, unless OnemoFwModule:allow-interaction is FALSE. */
GDBusCallFlags _onemo_fw_module_call_flags (OnemoFwModule *self);

/* The D-Bus timeout of @self's calls: OnemoFwModule:timeout, or none. */
gint _onemo_fw_module_call_timeout (OnemoFwModule *self);

/* The properties carry the generated proxy's names, so that its notify is forwarded by name. */
enum {
  PROP_0,
  PROP_OBJECT_PATH,
  PROP_MANUFACTURER,
  PROP_MODEL,
  PROP_SUB_MODEL,
  PROP_REVISION,
  PROP_IMEI,
  PROP_PORT,
  PROP_PHYSICAL_DEVICE,
  PROP_CAPABILITIES,
  PROP_STATE,
  PROP_DOWNLOAD_TOTAL,
  PROP_DOWNLOADED_BYTES,
  PROP_UPGRADE_PERCENT,
  PROP_LAST_ERROR,
  PROP_TIMEOUT,
  PROP_ALLOW_INTERACTION,
  _ONEMO_FW_MODULE_N_PROPS
};

/* Fills @properties (indexed by the enum above) with OnemoFwModule's property specs. */
void _onemo_fw_module_install_properties (GParamSpec **properties);

/* A client of the service whose ObjectManager and Manager proxy are @objects and @manager on
 * @connection (onemo-client-new.c makes them). */
OnemoClient *_onemo_client_new (GDBusConnection *connection, GDBusObjectManager *objects,
                                OnemoLibDBusFirmwareManager *manager);

/* The client's proxy of the Manager (onemo-client-ports.c calls it). */
OnemoLibDBusFirmwareManager *_onemo_client_get_manager (OnemoClient *client);

/* A module backed by @proxy (the generated org.onemo.Firmware proxy of its object in
 * @objects). */
OnemoFwModule *_onemo_fw_module_new (OnemoLibDBusFirmware *proxy, GDBusObjectManager *objects);

GDBusProxy *_onemo_fw_module_get_proxy (OnemoFwModule *self);

/* The message of a remote error without GDBus's "GDBus.Error:name: " prefix, the code in
 * ONEMO_FIRMWARE_ERROR already (the domain is registered). */
void _onemo_firmware_error_strip (GError *error);

/* A task for one of @self's methods. */
GTask *_onemo_fw_module_call_task (OnemoFwModule *self, gpointer source_tag,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data);

/* Calls @method on @task's module (taking @task); the task returns the reply, a GVariant. A
 * @long_running call is not cut short by the task's cancellable: that asks the service to
 * Cancel, and the call ends with the service's answer. */
void _onemo_fw_module_call (GTask *task, const char *method, GVariant *parameters,
                            GUnixFDList *fd_list, gboolean long_running);

/* The reply of a finished call made with @source_tag, or NULL and @error. */
GVariant *_onemo_fw_module_call_finish (OnemoFwModule *self, GAsyncResult *result,
                                        gpointer source_tag, GError **error);
gboolean _onemo_fw_module_call_finish_boolean (OnemoFwModule *self, GAsyncResult *result,
                                               gpointer source_tag, GError **error);

/* An a{sv} argument in *@out: @value, or an empty one for NULL; FALSE for any other type. */
gboolean _onemo_fw_vardict_or_empty (GVariant *value, GVariant **out);

/* Ends @task (taking it) with InvalidArgument and @message. */
void _onemo_fw_return_invalid (GTask *task, const char *message);

/* Opens a local package off the caller's thread; the result is a GUnixFDList with its fd. */
void _onemo_fw_package_open_async (GFile *file, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);
GUnixFDList *_onemo_fw_package_open_finish (GAsyncResult *result, GError **error);

G_END_DECLS
