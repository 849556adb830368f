/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* OnemoClient: the service's module list, kept current through its ObjectManager, whether the
 * service runs, and the call settings of the Manager's AddPort and RemovePort
 * (onemo-client-ports.c). Its constructors are in onemo-client-new.c. */
#include "onemo-fw-module-private.h"

#include <string.h>

/**
 * OnemoClient:
 *
 * A client of the onemo-firmware service (`org.onemo.Firmware`, on the system bus or any
 * other): its modules, kept current as they come and go, and the ports added by hand.
 *
 * Make one with onemo_client_new_async() (or onemo_client_new_sync()), list the modules with
 * onemo_client_get_modules() and follow #OnemoClient::module-added and
 * #OnemoClient::module-removed.
 */
struct _OnemoClient {
  GObject parent_instance;
  GDBusConnection *connection;
  GDBusObjectManager *objects;
  OnemoLibDBusFirmwareManager *manager;
  GHashTable *modules; /* object path → OnemoFwModule */
  gint timeout_ms;     /* -1: the defaults of each call */
  gboolean allow_interaction;
  gboolean service_running;
};

enum { SIGNAL_MODULE_ADDED, SIGNAL_MODULE_REMOVED, N_SIGNALS };
static guint signals[N_SIGNALS];

enum {
  CLIENT_PROP_0,
  CLIENT_PROP_TIMEOUT,
  CLIENT_PROP_ALLOW_INTERACTION,
  CLIENT_PROP_SERVICE_RUNNING,
  CLIENT_N_PROPS
};
static GParamSpec *properties[CLIENT_N_PROPS];

G_DEFINE_FINAL_TYPE (OnemoClient, onemo_client, G_TYPE_OBJECT)

/* ---- the module list ---- */

static void
object_appeared (OnemoClient *self, GDBusObject *object)
{
  g_autoptr (OnemoLibDBusFirmware) proxy
      = onemo_lib_dbus_object_get_firmware (ONEMO_LIB_DBUS_OBJECT (object));
  const char *path = g_dbus_object_get_object_path (object);
  OnemoFwModule *module;

  if (proxy == NULL || g_hash_table_contains (self->modules, path))
    return;
  module = _onemo_fw_module_new (proxy, self->objects);
  g_hash_table_insert (self->modules, g_strdup (path), module);
  g_signal_emit (self, signals[SIGNAL_MODULE_ADDED], 0, module);
}

static void
object_gone (OnemoClient *self, GDBusObject *object, gboolean object_removed)
{
  const char *path = g_dbus_object_get_object_path (object);
  g_autoptr (OnemoLibDBusFirmware) proxy = NULL;
  g_autoptr (OnemoFwModule) module = NULL;
  g_autofree char *key = NULL;

  if (!object_removed) {
    proxy = onemo_lib_dbus_object_get_firmware (ONEMO_LIB_DBUS_OBJECT (object));
    if (proxy != NULL)
      return; /* another interface went */
  }
  if (!g_hash_table_steal_extended (self->modules, path, (gpointer *)&key, (gpointer *)&module))
    return;
  g_signal_emit (self, signals[SIGNAL_MODULE_REMOVED], 0, module);
}

static void
on_object_added (GDBusObjectManager *objects, GDBusObject *object, OnemoClient *self)
{
  object_appeared (self, object);
}

static void
on_object_removed (GDBusObjectManager *objects, GDBusObject *object, OnemoClient *self)
{
  object_gone (self, object, TRUE);
}

static void
on_interface_added (GDBusObjectManager *objects, GDBusObject *object, GDBusInterface *iface,
                    OnemoClient *self)
{
  object_appeared (self, object);
}

static void
on_interface_removed (GDBusObjectManager *objects, GDBusObject *object, GDBusInterface *iface,
                      OnemoClient *self)
{
  object_gone (self, object, FALSE);
}

static gboolean
has_name_owner (GDBusObjectManager *objects)
{
  g_autofree char *owner
      = g_dbus_object_manager_client_get_name_owner (G_DBUS_OBJECT_MANAGER_CLIENT (objects));

  return owner != NULL;
}

static void
remove_every_module (OnemoClient *self)
{
  g_autoptr (GHashTable) modules = g_steal_pointer (&self->modules);
  GHashTableIter iter;
  gpointer module;

  self->modules = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  g_hash_table_iter_init (&iter, modules);
  while (g_hash_table_iter_next (&iter, NULL, &module))
    g_signal_emit (self, signals[SIGNAL_MODULE_REMOVED], 0, module);
}

/* The ObjectManager removes the modules of a service that stopped only after it tells of the
 * new name owner: they go first here, so that no module of a stopped service is seen. */
static void
on_name_owner (GDBusObjectManager *objects, GParamSpec *pspec, OnemoClient *self)
{
  gboolean running = has_name_owner (objects);

  if (self->service_running == running)
    return;
  if (!running)
    remove_every_module (self);
  self->service_running = running;
  g_object_notify_by_pspec (G_OBJECT (self), properties[CLIENT_PROP_SERVICE_RUNNING]);
}

OnemoClient *
_onemo_client_new (GDBusConnection *connection, GDBusObjectManager *objects,
                   OnemoLibDBusFirmwareManager *manager)
{
  OnemoClient *self = g_object_new (ONEMO_TYPE_CLIENT, NULL);
  GList *list = g_dbus_object_manager_get_objects (objects);

  self->connection = g_object_ref (connection);
  self->objects = g_object_ref (objects);
  self->manager = g_object_ref (manager);
  for (GList *l = list; l != NULL; l = l->next)
    object_appeared (self, l->data);
  g_list_free_full (list, g_object_unref);
  g_signal_connect_object (objects, "object-added", G_CALLBACK (on_object_added), self, 0);
  g_signal_connect_object (objects, "object-removed", G_CALLBACK (on_object_removed), self, 0);
  g_signal_connect_object (objects, "interface-added", G_CALLBACK (on_interface_added), self, 0);
  g_signal_connect_object (objects, "interface-removed", G_CALLBACK (on_interface_removed), self,
                           0);
  g_signal_connect_object (objects, "notify::name-owner", G_CALLBACK (on_name_owner), self, 0);
  self->service_running = has_name_owner (objects);
  return self;
}

/* ---- the object ---- */

static void
onemo_client_dispose (GObject *object)
{
  OnemoClient *self = ONEMO_CLIENT (object);

  g_clear_object (&self->objects);
  g_clear_object (&self->manager);
  g_clear_object (&self->connection);
  g_clear_pointer (&self->modules, g_hash_table_unref);
  G_OBJECT_CLASS (onemo_client_parent_class)->dispose (object);
}

static void
onemo_client_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  OnemoClient *self = ONEMO_CLIENT (object);

  if (prop_id == CLIENT_PROP_TIMEOUT)
    g_value_set_int (value, self->timeout_ms);
  else if (prop_id == CLIENT_PROP_ALLOW_INTERACTION)
    g_value_set_boolean (value, self->allow_interaction);
  else if (prop_id == CLIENT_PROP_SERVICE_RUNNING)
    g_value_set_boolean (value, self->service_running);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
onemo_client_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  OnemoClient *self = ONEMO_CLIENT (object);

  if (prop_id == CLIENT_PROP_TIMEOUT)
    onemo_client_set_timeout (self, g_value_get_int (value));
  else if (prop_id == CLIENT_PROP_ALLOW_INTERACTION)
    onemo_client_set_allow_interaction (self, g_value_get_boolean (value));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
onemo_client_class_init (OnemoClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = onemo_client_dispose;
  object_class->get_property = onemo_client_get_property;
  object_class->set_property = onemo_client_set_property;
  /**
   * OnemoClient:timeout:
   *
   * How long onemo_client_add_port_async() and onemo_client_remove_port_async() wait for the
   * service, in milliseconds; -1 (the default): a minute for AddPort (which tries a silent
   * module for a while), as long as the service takes for RemovePort.
   */
  properties[CLIENT_PROP_TIMEOUT]
      = g_param_spec_int ("timeout", NULL, "Milliseconds a call waits", -1, G_MAXINT, -1, flags);
  /**
   * OnemoClient:allow-interaction:
   *
   * Whether polkit may ask the user (through their agent) to authorize the client's calls;
   * %TRUE by default.
   */
  properties[CLIENT_PROP_ALLOW_INTERACTION] = g_param_spec_boolean (
      "allow-interaction", NULL, "Whether polkit may ask the user", TRUE, flags);
  /**
   * OnemoClient:service-running:
   *
   * Whether the service runs (owns `org.onemo.Firmware` on the client's bus). When it stops,
   * #OnemoClient::module-removed comes for each module before this notification; when it
   * starts again, #OnemoClient::module-added comes for each of its modules after it.
   */
  properties[CLIENT_PROP_SERVICE_RUNNING]
      = g_param_spec_boolean ("service-running", NULL, "Whether the service runs", FALSE,
                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, CLIENT_N_PROPS, properties);
  (void)onemo_firmware_error_quark ();

  /**
   * OnemoClient::module-added:
   * @client: the client
   * @module: the new module
   *
   * A module appeared: plugged in, discovered, added with onemo_client_add_port_async(), or
   * the service started.
   */
  signals[SIGNAL_MODULE_ADDED]
      = g_signal_new ("module-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, ONEMO_TYPE_FW_MODULE);
  /**
   * OnemoClient::module-removed:
   * @client: the client
   * @module: the module that went
   *
   * A module went: unplugged, removed with onemo_client_remove_port_async(), or the service
   * stopped.
   */
  signals[SIGNAL_MODULE_REMOVED]
      = g_signal_new ("module-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, ONEMO_TYPE_FW_MODULE);
}

static void
onemo_client_init (OnemoClient *self)
{
  self->modules = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->timeout_ms = -1;
  self->allow_interaction = TRUE;
}

/* ---- what the client knows ---- */

/**
 * onemo_client_get_connection:
 * @client: a client
 *
 * Gets the client's bus.
 *
 * Returns: (transfer none): the bus the client talks to the service on
 */
GDBusConnection *
onemo_client_get_connection (OnemoClient *client)
{
  g_return_val_if_fail (ONEMO_IS_CLIENT (client), NULL);
  return client->connection;
}

/**
 * onemo_client_get_version:
 * @client: a client
 *
 * Gets the service's version.
 *
 * Returns: (nullable): the service's version, e.g. "0.1.0"; %NULL while the service does not
 *   run
 */
const char *
onemo_client_get_version (OnemoClient *client)
{
  g_return_val_if_fail (ONEMO_IS_CLIENT (client), NULL);
  return onemo_lib_dbus_firmware_manager_get_version (client->manager);
}

/**
 * onemo_client_get_service_running:
 * @client: a client
 *
 * Gets whether the service runs now.
 *
 * Returns: #OnemoClient:service-running
 */
gboolean
onemo_client_get_service_running (OnemoClient *client)
{
  g_return_val_if_fail (ONEMO_IS_CLIENT (client), FALSE);
  return client->service_running;
}

/* Module/2 before Module/10. */
static gint
compare_paths (gconstpointer a, gconstpointer b)
{
  const char *pa = onemo_fw_module_get_object_path (*(OnemoFwModule **)a);
  const char *pb = onemo_fw_module_get_object_path (*(OnemoFwModule **)b);
  size_t la = strlen (pa), lb = strlen (pb);

  return la != lb ? (la < lb ? -1 : 1) : strcmp (pa, pb);
}

/**
 * onemo_client_get_modules:
 * @client: a client
 *
 * Gets the service's modules.
 *
 * Returns: (transfer container) (element-type OnemoFwModule): the service's modules now, in
 *   the order of their object paths; the client owns the modules (take a reference to keep
 *   one after #OnemoClient::module-removed)
 */
GPtrArray *
onemo_client_get_modules (OnemoClient *client)
{
  GPtrArray *modules;
  GHashTableIter iter;
  gpointer module;

  g_return_val_if_fail (ONEMO_IS_CLIENT (client), NULL);
  modules = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, client->modules);
  while (g_hash_table_iter_next (&iter, NULL, &module))
    g_ptr_array_add (modules, module);
  g_ptr_array_sort (modules, compare_paths);
  return modules;
}

/**
 * onemo_client_get_module:
 * @client: a client
 * @object_path: a module's object path
 *
 * Looks a module up by its object path.
 *
 * Returns: (transfer none) (nullable): the module at @object_path, if the service has it
 */
OnemoFwModule *
onemo_client_get_module (OnemoClient *client, const char *object_path)
{
  g_return_val_if_fail (ONEMO_IS_CLIENT (client), NULL);
  g_return_val_if_fail (object_path != NULL, NULL);
  return g_hash_table_lookup (client->modules, object_path);
}

OnemoLibDBusFirmwareManager *
_onemo_client_get_manager (OnemoClient *client)
{
  return client->manager;
}

/**
 * onemo_client_get_timeout:
 * @client: a client
 *
 * Gets how long the client's calls wait for the service.
 *
 * Returns: #OnemoClient:timeout, in milliseconds, or -1
 */
gint
onemo_client_get_timeout (OnemoClient *client)
{
  g_return_val_if_fail (ONEMO_IS_CLIENT (client), -1);
  return client->timeout_ms;
}

/**
 * onemo_client_set_timeout:
 * @client: a client
 * @timeout_ms: milliseconds, or -1 for each call's default
 *
 * Sets #OnemoClient:timeout for the calls started from now on.
 */
void
onemo_client_set_timeout (OnemoClient *client, gint timeout_ms)
{
  g_return_if_fail (ONEMO_IS_CLIENT (client));
  g_return_if_fail (timeout_ms >= -1);
  if (client->timeout_ms == timeout_ms)
    return;
  client->timeout_ms = timeout_ms;
  g_object_notify_by_pspec (G_OBJECT (client), properties[CLIENT_PROP_TIMEOUT]);
}

/**
 * onemo_client_get_allow_interaction:
 * @client: a client
 *
 * Gets whether polkit may ask the user to authorize the client's calls.
 *
 * Returns: #OnemoClient:allow-interaction
 */
gboolean
onemo_client_get_allow_interaction (OnemoClient *client)
{
  g_return_val_if_fail (ONEMO_IS_CLIENT (client), TRUE);
  return client->allow_interaction;
}

/**
 * onemo_client_set_allow_interaction:
 * @client: a client
 * @allow: whether polkit may ask
 *
 * Sets #OnemoClient:allow-interaction for the calls started from now on.
 */
void
onemo_client_set_allow_interaction (OnemoClient *client, gboolean allow)
{
  g_return_if_fail (ONEMO_IS_CLIENT (client));
  allow = !!allow;
  if (client->allow_interaction == allow)
    return;
  client->allow_interaction = allow;
  g_object_notify_by_pspec (G_OBJECT (client), properties[CLIENT_PROP_ALLOW_INTERACTION]);
}
