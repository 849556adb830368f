/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* OnemoClient's constructors: the bus, the service's ObjectManager and its Manager's proxy, in
 * steps (asynchronous) or at once (blocking). */
#include "onemo-fw-module-private.h"

#define SERVICE_NAME "org.onemo.Firmware"
#define MANAGER_PATH "/org/onemo/Firmware"

static void new_step (GTask *task);

/* What the asynchronous constructor has so far. */
typedef struct {
  GDBusConnection *connection;
  GDBusObjectManager *objects;
} Construction;

static void
construction_free (Construction *c)
{
  g_clear_object (&c->connection);
  g_clear_object (&c->objects);
  g_free (c);
}

static void
got_bus (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Construction *c = g_task_get_task_data (task);
  GError *error = NULL;

  c->connection = g_bus_get_finish (result, &error);
  if (c->connection == NULL) {
    g_task_return_error (task, error);
    g_object_unref (task);
    return;
  }
  new_step (task);
}

static void
got_objects (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Construction *c = g_task_get_task_data (task);
  GError *error = NULL;

  c->objects = onemo_lib_dbus_object_manager_client_new_finish (result, &error);
  if (c->objects == NULL) {
    g_task_return_error (task, error);
    g_object_unref (task);
    return;
  }
  new_step (task);
}

static void
got_manager (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Construction *c = g_task_get_task_data (task);
  g_autoptr (OnemoLibDBusFirmwareManager) manager = NULL;
  GError *error = NULL;

  manager = onemo_lib_dbus_firmware_manager_proxy_new_finish (result, &error);
  if (manager == NULL) {
    g_task_return_error (task, error);
    return;
  }
  g_task_return_pointer (task, _onemo_client_new (c->connection, c->objects, manager),
                         g_object_unref);
}

/* The next step: the bus, the ObjectManager, the Manager's proxy. */
static void
new_step (GTask *task)
{
  Construction *c = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (c->connection == NULL)
    g_bus_get (G_BUS_TYPE_SYSTEM, cancellable, got_bus, task);
  else if (c->objects == NULL)
    onemo_lib_dbus_object_manager_client_new (c->connection,
                                              G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_NONE, SERVICE_NAME,
                                              MANAGER_PATH, cancellable, got_objects, task);
  else
    onemo_lib_dbus_firmware_manager_proxy_new (c->connection, G_DBUS_PROXY_FLAGS_NONE, SERVICE_NAME,
                                               MANAGER_PATH, cancellable, got_manager, task);
}

/**
 * onemo_client_new_async:
 * @connection: (nullable): the bus the service is on, %NULL for the system bus
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the client is ready
 * @user_data: data for @callback
 *
 * Makes a client of the service `org.onemo.Firmware` on @connection, with its module list.
 * The service need not run: its modules appear when it starts.
 */
void
onemo_client_new_async (GDBusConnection *connection, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;
  Construction *c;

  g_return_if_fail (connection == NULL || G_IS_DBUS_CONNECTION (connection));
  task = g_task_new (NULL, cancellable, callback, user_data);
  c = g_new0 (Construction, 1);
  g_task_set_source_tag (task, onemo_client_new_async);
  c->connection = connection != NULL ? g_object_ref (connection) : NULL;
  g_task_set_task_data (task, c, (GDestroyNotify)construction_free);
  new_step (task);
}

/**
 * onemo_client_new_finish:
 * @result: the result given to the callback
 * @error: the error
 *
 * Finishes onemo_client_new_async().
 *
 * Returns: (transfer full) (nullable): the client
 */
OnemoClient *
onemo_client_new_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * onemo_client_new_sync:
 * @connection: (nullable): the bus the service is on, %NULL for the system bus
 * @cancellable: (nullable): a #GCancellable
 * @error: the error
 *
 * As onemo_client_new_async(), blocking the calling thread.
 *
 * Returns: (transfer full) (nullable): the client
 */
OnemoClient *
onemo_client_new_sync (GDBusConnection *connection, GCancellable *cancellable, GError **error)
{
  g_autoptr (GDBusConnection) bus = NULL;
  g_autoptr (GDBusObjectManager) objects = NULL;
  g_autoptr (OnemoLibDBusFirmwareManager) manager = NULL;

  g_return_val_if_fail (connection == NULL || G_IS_DBUS_CONNECTION (connection), NULL);
  bus = connection != NULL ? g_object_ref (connection)
                           : g_bus_get_sync (G_BUS_TYPE_SYSTEM, cancellable, error);
  if (bus == NULL)
    return NULL;
  objects = onemo_lib_dbus_object_manager_client_new_sync (
      bus, G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_NONE, SERVICE_NAME, MANAGER_PATH, cancellable, error);
  if (objects == NULL)
    return NULL;
  manager = onemo_lib_dbus_firmware_manager_proxy_new_sync (
      bus, G_DBUS_PROXY_FLAGS_NONE, SERVICE_NAME, MANAGER_PATH, cancellable, error);
  if (manager == NULL)
    return NULL;
  return _onemo_client_new (bus, objects, manager);
}
