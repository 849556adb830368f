/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "onemo-manager.h"

#include "config.h"
#include "onemo-error.h"
#include "onemo-identify-retry.h"
#include "onemo-module.h"

struct _OnemoManager {
  OnemoDBusFirmwareManagerSkeleton parent_instance;

  const OnemoDaemonOptions *options;
  GDBusObjectManagerServer *object_manager;
  /* Resolved device path → object path ("" while the module is being identified). */
  GHashTable *held;
  guint next_index;
};

G_DEFINE_FINAL_TYPE (OnemoManager, onemo_manager, ONEMO_DBUS_TYPE_FIRMWARE_MANAGER_SKELETON)

typedef struct {
  char *resolved;
  OnemoModule *module;
} AddPortData;

static void
add_port_data_free (AddPortData *data)
{
  g_free (data->resolved);
  g_clear_object (&data->module);
  g_free (data);
}

static void
add_port_identified (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  OnemoManager *self = g_task_get_source_object (task);
  AddPortData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;

  if (!onemo_identify_retry_finish (data->module, result, NULL, &error)) {
    g_hash_table_remove (self->held, data->resolved);
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  path = onemo_manager_publish_module (self, data->module, data->resolved);
  g_task_return_pointer (task, g_steal_pointer (&path), g_free);
}

gboolean
onemo_manager_hold_device (OnemoManager *self, const char *key)
{
  if (g_hash_table_contains (self->held, key))
    return FALSE;
  g_hash_table_insert (self->held, g_strdup (key), g_strdup (""));
  return TRUE;
}

void
onemo_manager_release_device (OnemoManager *self, const char *key)
{
  g_hash_table_remove (self->held, key);
}

char *
onemo_manager_publish_module (OnemoManager *self, OnemoModule *module, const char *key)
{
  g_autoptr (OnemoDBusObjectSkeleton) object = NULL;
  char *path = g_strdup_printf (ONEMO_MODULE_PATH_BASE "%u", self->next_index++);

  object = onemo_dbus_object_skeleton_new (path);
  onemo_dbus_object_skeleton_set_firmware (object, ONEMO_DBUS_FIRMWARE (module));
  g_dbus_object_manager_server_export (self->object_manager, G_DBUS_OBJECT_SKELETON (object));
  g_hash_table_insert (self->held, g_strdup (key), g_strdup (path));
  g_message ("%s: %s %s at %s", onemo_dbus_firmware_get_port (ONEMO_DBUS_FIRMWARE (module)),
             onemo_dbus_firmware_get_sub_model (ONEMO_DBUS_FIRMWARE (module)),
             onemo_dbus_firmware_get_revision (ONEMO_DBUS_FIRMWARE (module)), path);
  return path;
}

void
onemo_manager_add_port_async (OnemoManager *self, const char *device,
                              const OnemoPortSettings *settings, guint retry_limit_s,
                              GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, NULL, callback, user_data);
  AddPortData *data = g_new0 (AddPortData, 1);
  GError *error = NULL;

  g_task_set_source_tag (task, onemo_manager_add_port_async);
  g_task_set_task_data (task, data, (GDestroyNotify)add_port_data_free);
  if (!onemo_port_check_device (device, self->options->session_bus, &data->resolved, NULL,
                                &error)) {
    /* A module the journal says is upgrading may be rebooting: its port comes back later. */
    if (!onemo_journal_expects_port (self->options->journal, device)) {
      g_task_return_error (task, error);
      return;
    }
    g_debug ("%s: %s; the journal says it is upgrading: waiting for it", device, error->message);
    g_clear_error (&error);
    data->resolved = g_strdup (device);
  }
  if (g_hash_table_contains (self->held, data->resolved)) {
    g_task_return_new_error (task, ONEMO_ERROR, ONEMO_ERROR_BUSY, "%s already belongs to a module",
                             device);
    return;
  }
  g_hash_table_insert (self->held, g_strdup (data->resolved), g_strdup (""));
  data->module = onemo_module_new (device, settings->baud, settings->flow_control, settings->model,
                                   self->options);
  onemo_module_check_path_at_open (data->module);
  /* A module still booting is tried again, bounded, as discovery does; the device stays held
   * meanwhile, so a second AddPort() of it is Busy. */
  onemo_identify_retry_async (data->module, retry_limit_s, NULL, add_port_identified,
                              g_steal_pointer (&task));
}

char *
onemo_manager_add_port_finish (OnemoManager *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
add_port_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GDBusMethodInvocation *invocation = user_data;
  GError *error = NULL;
  g_autofree char *path = onemo_manager_add_port_finish (ONEMO_MANAGER (source), result, &error);

  if (path == NULL) {
    onemo_error_normalize (&error);
    g_dbus_method_invocation_take_error (invocation, error);
    return;
  }
  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(o)", path));
}

/* AddPort() and RemovePort() need ONEMO_ACTION_MANAGE_PORTS, before any device is looked at. */
static void
run_add_port (gpointer object, GDBusMethodInvocation *invocation)
{
  OnemoManager *self = object;
  const char *device;
  g_autoptr (GVariant) options = NULL;
  OnemoPortSettings settings;
  GError *error = NULL;

  g_variant_get (g_dbus_method_invocation_get_parameters (invocation), "(&s@a{sv})", &device,
                 &options);
  if (!onemo_port_settings_parse (options, &settings, &error)) {
    g_dbus_method_invocation_take_error (invocation, error);
    return;
  }
  /* The caller waits: a shorter bound than --port's and the configuration file's. */
  onemo_manager_add_port_async (self, device, &settings,
                                MIN (self->options->identify_retry_limit_s, ONEMO_ADD_PORT_RETRY_S),
                                add_port_done, invocation);
}

static gboolean
remove_held (gpointer key, gpointer value, gpointer user_data)
{
  return g_str_equal (value, user_data);
}

static void
run_remove_port (gpointer object, GDBusMethodInvocation *invocation)
{
  OnemoManager *self = object;
  const char *path;
  g_autoptr (GDBusObject) found = NULL;
  g_autoptr (GDBusInterface) firmware = NULL;

  g_variant_get (g_dbus_method_invocation_get_parameters (invocation), "(&o)", &path);

  if (g_str_has_prefix (path, ONEMO_MODULE_PATH_BASE))
    found = g_dbus_object_manager_get_object (G_DBUS_OBJECT_MANAGER (self->object_manager), path);
  if (found != NULL)
    firmware = g_dbus_object_get_interface (found, "org.onemo.Firmware");
  if (firmware == NULL) {
    g_dbus_method_invocation_return_error (invocation, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT,
                                           "No module at %s", path);
    return;
  }
  if (onemo_module_is_busy (ONEMO_MODULE (firmware))) {
    g_dbus_method_invocation_return_error (invocation, ONEMO_ERROR, ONEMO_ERROR_BUSY,
                                           "An operation runs on %s", path);
    return;
  }
  onemo_manager_withdraw_module (self, path);
  g_dbus_method_invocation_return_value (invocation, NULL);
}

void
onemo_manager_withdraw_module (OnemoManager *self, const char *path)
{
  g_hash_table_foreach_remove (self->held, remove_held, (gpointer)path);
  g_dbus_object_manager_server_unexport (self->object_manager, path);
}

static gboolean
handle_add_port (OnemoDBusFirmwareManager *object, GDBusMethodInvocation *invocation,
                 const char *device, GVariant *options, gpointer user_data)
{
  OnemoManager *self = ONEMO_MANAGER (object);

  onemo_authority_run_authorized (self->options->authority, invocation, ONEMO_ACTION_MANAGE_PORTS,
                                  G_OBJECT (self), run_add_port);
  return TRUE;
}

static gboolean
handle_remove_port (OnemoDBusFirmwareManager *object, GDBusMethodInvocation *invocation,
                    const char *path, gpointer user_data)
{
  OnemoManager *self = ONEMO_MANAGER (object);

  onemo_authority_run_authorized (self->options->authority, invocation, ONEMO_ACTION_MANAGE_PORTS,
                                  G_OBJECT (self), run_remove_port);
  return TRUE;
}

gboolean
onemo_manager_export (OnemoManager *self, GDBusConnection *connection, GError **error)
{
  g_dbus_object_manager_server_set_connection (self->object_manager, connection);
  return g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self), connection,
                                           ONEMO_MANAGER_PATH, error);
}

OnemoManager *
onemo_manager_new (const OnemoDaemonOptions *options)
{
  OnemoManager *self = g_object_new (ONEMO_TYPE_MANAGER, NULL);

  self->options = options;
  return self;
}

static void
onemo_manager_finalize (GObject *object)
{
  OnemoManager *self = ONEMO_MANAGER (object);

  g_clear_object (&self->object_manager);
  g_hash_table_unref (self->held);
  G_OBJECT_CLASS (onemo_manager_parent_class)->finalize (object);
}

static void
onemo_manager_class_init (OnemoManagerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = onemo_manager_finalize;
}

static void
onemo_manager_init (OnemoManager *self)
{
  self->object_manager = g_dbus_object_manager_server_new (ONEMO_MANAGER_PATH);
  self->held = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  onemo_dbus_firmware_manager_set_version (ONEMO_DBUS_FIRMWARE_MANAGER (self), PACKAGE_VERSION);
  g_signal_connect (self, "handle-add-port", G_CALLBACK (handle_add_port), NULL);
  g_signal_connect (self, "handle-remove-port", G_CALLBACK (handle_remove_port), NULL);
}
