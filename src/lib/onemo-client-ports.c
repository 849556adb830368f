/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* OnemoClient's calls of the Manager: AddPort and RemovePort, with the client's timeout and
 * polkit setting. */
#include "onemo-fw-module-private.h"

/* AddPort tries a silent module for up to 10 s before it answers. */
#define ADD_PORT_TIMEOUT_MS 60000

static GDBusCallFlags
call_flags (OnemoClient *client)
{
  return onemo_client_get_allow_interaction (client) ? ONEMO_FW_CALL_FLAGS : G_DBUS_CALL_FLAGS_NONE;
}

/* OnemoClient:timeout, or @fallback when it is -1. */
static gint
call_timeout (OnemoClient *client, gint fallback)
{
  gint timeout_ms = onemo_client_get_timeout (client);

  return timeout_ms >= 0 ? timeout_ms : fallback;
}

typedef struct {
  char *path;
  gulong added_id;
} AddPort;

static void
add_port_free (AddPort *add)
{
  g_free (add->path);
  g_free (add);
}

static void
add_port_on_module_added (OnemoClient *self, OnemoFwModule *module, GTask *task)
{
  AddPort *add = g_task_get_task_data (task);

  if (g_strcmp0 (onemo_fw_module_get_object_path (module), add->path) != 0)
    return;
  g_clear_signal_handler (&add->added_id, self);
  g_task_return_pointer (task, g_object_ref (module), g_object_unref);
  g_object_unref (task);
}

static void
add_port_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  OnemoClient *self = g_task_get_source_object (task);
  AddPort *add = g_task_get_task_data (task);
  GError *error = NULL;
  OnemoFwModule *module;

  if (!onemo_lib_dbus_firmware_manager_call_add_port_finish (
          ONEMO_LIB_DBUS_FIRMWARE_MANAGER (source), &add->path, result, &error)) {
    _onemo_firmware_error_strip (error);
    g_task_return_error (task, error);
    g_object_unref (task);
    return;
  }
  module = onemo_client_get_module (self, add->path);
  if (module != NULL) {
    g_task_return_pointer (task, g_object_ref (module), g_object_unref);
    g_object_unref (task);
    return;
  }
  /* The service exports the module before it answers; its ObjectManager's news may still be
   * on its way. */
  add->added_id
      = g_signal_connect (self, "module-added", G_CALLBACK (add_port_on_module_added), task);
}

/**
 * onemo_client_add_port_async:
 * @client: a client
 * @device: a serial port's character device, e.g. "/dev/ttyS1"
 * @options: (nullable): "model" (s), "baud" (u), "flow-control" (b), an `a{sv}`
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when done
 * @user_data: data for @callback
 *
 * Asks the service to identify the module on @device (a UART, which cannot be discovered) and
 * to export it.
 */
void
onemo_client_add_port_async (OnemoClient *client, const char *device, GVariant *options,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data)
{
  GTask *task;
  GVariant *dict;

  g_return_if_fail (ONEMO_IS_CLIENT (client));
  g_return_if_fail (device != NULL);
  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, onemo_client_add_port_async);
  g_task_set_task_data (task, g_new0 (AddPort, 1), (GDestroyNotify)add_port_free);
  if (!_onemo_fw_vardict_or_empty (options, &dict)) {
    _onemo_fw_return_invalid (task, "the options are an a{sv}");
    return;
  }
  g_dbus_proxy_call (G_DBUS_PROXY (_onemo_client_get_manager (client)), "AddPort",
                     g_variant_new ("(s@a{sv})", device, dict), call_flags (client),
                     call_timeout (client, ADD_PORT_TIMEOUT_MS), cancellable, add_port_done, task);
}

/**
 * onemo_client_add_port_finish:
 * @client: a client
 * @result: the result given to the callback
 * @error: a #OnemoFirmwareError
 *
 * Finishes onemo_client_add_port_async().
 *
 * Returns: (transfer full) (nullable): the new module
 */
OnemoFwModule *
onemo_client_add_port_finish (OnemoClient *client, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, client), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
remove_port_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  if (!onemo_lib_dbus_firmware_manager_call_remove_port_finish (
          ONEMO_LIB_DBUS_FIRMWARE_MANAGER (source), result, &error)) {
    _onemo_firmware_error_strip (error);
    g_task_return_error (task, error);
    return;
  }
  g_task_return_boolean (task, TRUE);
}

/**
 * onemo_client_remove_port_async:
 * @client: a client
 * @module: a module added with onemo_client_add_port_async() (or named in the service's
 *   configuration)
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when done
 * @user_data: data for @callback
 *
 * Asks the service to forget @module and release its port; refused with Busy while an
 * operation runs.
 */
void
onemo_client_remove_port_async (OnemoClient *client, OnemoFwModule *module,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data)
{
  GTask *task;

  g_return_if_fail (ONEMO_IS_CLIENT (client));
  g_return_if_fail (ONEMO_IS_FW_MODULE (module));
  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, onemo_client_remove_port_async);
  g_dbus_proxy_call (G_DBUS_PROXY (_onemo_client_get_manager (client)), "RemovePort",
                     g_variant_new ("(o)", onemo_fw_module_get_object_path (module)),
                     call_flags (client), call_timeout (client, -1), cancellable, remove_port_done,
                     task);
}

/**
 * onemo_client_remove_port_finish:
 * @client: a client
 * @result: the result given to the callback
 * @error: a #OnemoFirmwareError
 *
 * Finishes onemo_client_remove_port_async().
 *
 * Returns: whether the service forgot the module
 */
gboolean
onemo_client_remove_port_finish (OnemoClient *client, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, client), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
