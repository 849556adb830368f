/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "onemo-modem-manager.h"

#include "onemo-error.h"

#include <stdlib.h>
#include <string.h>

#define MM_NAME              "org.freedesktop.ModemManager1"
#define MM_PATH              "/org/freedesktop/ModemManager1"
#define MM_MODEM_IFACE       "org.freedesktop.ModemManager1.Modem"
#define MM_ERROR_NOT_FOUND   "org.freedesktop.ModemManager1.Error.Core.NotFound"
#define MM_ERROR_WRONG_STATE "org.freedesktop.ModemManager1.Error.Core.WrongState"

/* How long ModemManager may take to set a modem up again before it can be inhibited. */
#define MODEM_SETUP_TIMEOUT_S 60

struct _OnemoModemManager {
  GObject parent_instance;

  char *address;
  GDBusObjectManager *modems; /* NULL if it could not be followed */
  GHashTable *held;           /* the inhibitions not yet released (strong refs) */
};

G_DEFINE_FINAL_TYPE (OnemoModemManager, onemo_modem_manager, G_TYPE_OBJECT)

/* Whether ModemManager is there decides how long a new module waits (tests wait for this). */
static void
log_owner (GDBusObjectManagerClient *modems)
{
  g_autofree char *owner = g_dbus_object_manager_client_get_name_owner (modems);

  g_debug ("ModemManager: %s", owner != NULL ? "on the bus" : "not on the bus");
}

static void
owner_logged (GObject *modems, GParamSpec *pspec, gpointer user_data)
{
  log_owner (G_DBUS_OBJECT_MANAGER_CLIENT (modems));
}

OnemoModemManager *
onemo_modem_manager_new (GDBusConnection *connection, const char *address)
{
  OnemoModemManager *self = g_object_new (ONEMO_TYPE_MODEM_MANAGER, NULL);
  g_autoptr (GError) error = NULL;

  self->address = g_strdup (address);
  /* Synchronously: the asynchronous constructor runs in a pool thread that lingers idle. Never
   * starts ModemManager: a daemon that is not there has no modem to hold. */
  self->modems = g_dbus_object_manager_client_new_sync (
      connection, G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_DO_NOT_AUTO_START, MM_NAME, MM_PATH, NULL,
      NULL, NULL, NULL, &error);
  if (self->modems == NULL) {
    g_warning ("Cannot follow ModemManager: %s", error->message);
    return self;
  }
  log_owner (G_DBUS_OBJECT_MANAGER_CLIENT (self->modems));
  g_signal_connect (self->modems, "notify::name-owner", G_CALLBACK (owner_logged), NULL);
  return self;
}

/* ---- Which modem is the module ---- */

typedef enum {
  MATCH_DEVICE,
  MATCH_IMEI,
  MATCH_PORT,
} MatchRule;

typedef struct {
  const char *physical_device;
  const char *imei;
  char *tty; /* the basename of the port's resolved path */
} ModuleIdentity;

static char *
string_property (GDBusProxy *modem, const char *name)
{
  g_autoptr (GVariant) value = g_dbus_proxy_get_cached_property (modem, name);

  if (value == NULL || !g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return NULL;
  return g_variant_dup_string (value, NULL);
}

static gboolean
has_port (GDBusProxy *modem, const char *tty)
{
  g_autoptr (GVariant) ports = g_dbus_proxy_get_cached_property (modem, "Ports");
  GVariantIter iter;
  const char *name;

  if (ports == NULL || !g_variant_is_of_type (ports, G_VARIANT_TYPE ("a(su)")))
    return FALSE;
  g_variant_iter_init (&iter, ports);
  while (g_variant_iter_next (&iter, "(&su)", &name, NULL))
    if (g_str_equal (name, tty))
      return TRUE;
  return FALSE;
}

static gboolean
modem_matches (GDBusProxy *modem, MatchRule rule, const ModuleIdentity *module)
{
  g_autofree char *device = NULL;
  g_autofree char *imei = NULL;

  switch (rule) {
    case MATCH_DEVICE:
      device = string_property (modem, "Device");
      return module->physical_device != NULL && g_strcmp0 (device, module->physical_device) == 0;
    case MATCH_IMEI:
      imei = string_property (modem, "EquipmentIdentifier");
      return module->imei != NULL && module->imei[0] != '\0' && g_strcmp0 (imei, module->imei) == 0;
    case MATCH_PORT:
      return module->tty != NULL && has_port (modem, module->tty);
  }
  return FALSE;
}

/* A bare name ("ttyUSB2", the kernel's, as discovery knows it) is ModemManager's port name
 * already; a path is resolved first (a /dev/serial/by-id link). */
static char *
resolved_tty_name (const char *port)
{
  g_autofree char *resolved = NULL;

  if (port == NULL)
    return NULL;
  if (strchr (port, '/') == NULL)
    return g_strdup (port);
  resolved = realpath (port, NULL);
  return g_path_get_basename (resolved != NULL ? resolved : port);
}

/* The Modem interface of the modem that is this module, or NULL. */
static GDBusProxy *
find_modem_proxy (OnemoModemManager *self, const char *physical_device, const char *imei,
                  const char *port)
{
  g_autolist (GDBusObject) objects = NULL;
  g_autofree char *tty = NULL;
  ModuleIdentity module = { physical_device, imei, NULL };

  if (self->modems == NULL)
    return NULL;
  objects = g_dbus_object_manager_get_objects (self->modems);
  if (objects == NULL)
    return NULL;
  module.tty = tty = resolved_tty_name (port);
  for (MatchRule rule = MATCH_DEVICE; rule <= MATCH_PORT; rule++)
    for (GList *l = objects; l != NULL; l = l->next) {
      g_autoptr (GDBusInterface) modem = g_dbus_object_get_interface (l->data, MM_MODEM_IFACE);

      if (modem != NULL && modem_matches (G_DBUS_PROXY (modem), rule, &module))
        return G_DBUS_PROXY (g_steal_pointer (&modem));
    }
  return NULL;
}

char *
onemo_modem_manager_find_modem (OnemoModemManager *self, const char *physical_device,
                                const char *imei, const char *port)
{
  g_autoptr (GDBusProxy) modem = find_modem_proxy (self, physical_device, imei, port);

  return modem != NULL ? string_property (modem, "Device") : NULL;
}

gboolean
onemo_modem_manager_is_running (OnemoModemManager *self)
{
  g_autofree char *owner = NULL;

  if (self->modems == NULL)
    return FALSE;
  owner = g_dbus_object_manager_client_get_name_owner (G_DBUS_OBJECT_MANAGER_CLIENT (self->modems));
  return owner != NULL;
}

/* ---- Waiting on ModemManager's modems ---- */

/* One wait for ModemManager to export a modem: each event calls back with the task,
 * ModemManager's leaving included; the deadline or a cancellation calls @over. */
typedef struct {
  gulong added_id;
  gulong owner_id;
  GSource *deadline;
  GSource *cancelled;
  GSourceFunc over;
  gpointer data;
} ModemWatch;

static gboolean
watch_cancelled (GCancellable *cancellable, gpointer user_data)
{
  ModemWatch *watch = user_data;

  return watch->over (watch->data);
}

static void
watch_start (OnemoModemManager *self, ModemWatch *watch, GTask *task, guint timeout_s,
             GCallback added, GCallback owner_changed, GSourceFunc over)
{
  watch->over = over;
  watch->data = task;
  watch->added_id = g_signal_connect (self->modems, "object-added", added, task);
  watch->owner_id = g_signal_connect (self->modems, "notify::name-owner", owner_changed, task);
  watch->deadline = g_timeout_source_new_seconds (timeout_s);
  g_source_set_callback (watch->deadline, over, task, NULL);
  g_source_attach (watch->deadline, NULL);
  if (g_task_get_cancellable (task) != NULL) {
    watch->cancelled = g_cancellable_source_new (g_task_get_cancellable (task));
    g_source_set_callback (watch->cancelled, G_SOURCE_FUNC (watch_cancelled), watch, NULL);
    g_source_attach (watch->cancelled, NULL);
  }
}

static void
watch_stop (OnemoModemManager *self, ModemWatch *watch)
{
  g_clear_signal_handler (&watch->added_id, self->modems);
  g_clear_signal_handler (&watch->owner_id, self->modems);
  if (watch->deadline != NULL)
    g_source_destroy (watch->deadline);
  g_clear_pointer (&watch->deadline, g_source_unref);
  if (watch->cancelled != NULL)
    g_source_destroy (watch->cancelled);
  g_clear_pointer (&watch->cancelled, g_source_unref);
}

/* ---- Waiting for a module's modem ---- */

void
onemo_mm_modem_identity_free (OnemoMmModemIdentity *identity)
{
  if (identity == NULL)
    return;
  g_free (identity->uid);
  g_free (identity->manufacturer);
  g_free (identity->model);
  g_free (identity->revision);
  g_free (identity->equipment_identifier);
  g_free (identity);
}

static OnemoMmModemIdentity *
modem_identity (GDBusProxy *modem)
{
  OnemoMmModemIdentity *identity = g_new0 (OnemoMmModemIdentity, 1);

  identity->uid = string_property (modem, "Device");
  identity->manufacturer = string_property (modem, "Manufacturer");
  identity->model = string_property (modem, "Model");
  identity->revision = string_property (modem, "Revision");
  identity->equipment_identifier = string_property (modem, "EquipmentIdentifier");
  return identity;
}

typedef struct {
  char *physical_device;
  char *port;
  ModemWatch watch;
} ModemWait;

static void
modem_wait_free (ModemWait *wait)
{
  g_free (wait->physical_device);
  g_free (wait->port);
  g_free (wait);
}

/* Ends the wait with @identity (NULL: no modem); takes the task's last reference. */
static void
modem_wait_end (GTask *task, OnemoMmModemIdentity *identity)
{
  ModemWait *wait = g_task_get_task_data (task);

  watch_stop (g_task_get_source_object (task), &wait->watch);
  if (identity == NULL && g_task_return_error_if_cancelled (task)) {
    g_object_unref (task);
    return;
  }
  g_task_return_pointer (task, identity, (GDestroyNotify)onemo_mm_modem_identity_free);
  g_object_unref (task);
}

static void
modem_wait_check (GTask *task)
{
  OnemoModemManager *self = g_task_get_source_object (task);
  ModemWait *wait = g_task_get_task_data (task);
  g_autoptr (GDBusProxy) modem = find_modem_proxy (self, wait->physical_device, NULL, wait->port);

  if (modem != NULL)
    modem_wait_end (task, modem_identity (modem));
}

static void
modem_wait_object_added (GDBusObjectManager *modems, GDBusObject *object, gpointer user_data)
{
  modem_wait_check (user_data);
}

static void
modem_wait_owner_changed (GObject *modems, GParamSpec *pspec, gpointer user_data)
{
  if (!onemo_modem_manager_is_running (g_task_get_source_object (user_data)))
    modem_wait_end (user_data, NULL);
}

static gboolean
modem_wait_over (gpointer user_data)
{
  modem_wait_end (user_data, NULL);
  return G_SOURCE_REMOVE;
}

void
onemo_modem_manager_wait_modem_async (OnemoModemManager *self, const char *physical_device,
                                      const char *port, guint timeout_s, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  ModemWait *wait = g_new0 (ModemWait, 1);
  g_autoptr (GDBusProxy) modem = NULL;

  g_task_set_source_tag (task, onemo_modem_manager_wait_modem_async);
  g_task_set_task_data (task, wait, (GDestroyNotify)modem_wait_free);
  wait->physical_device = g_strdup (physical_device);
  wait->port = g_strdup (port);
  if (!onemo_modem_manager_is_running (self)) {
    modem_wait_end (task, NULL);
    return;
  }
  modem = find_modem_proxy (self, physical_device, NULL, port);
  if (modem != NULL || timeout_s == 0) {
    modem_wait_end (task, modem != NULL ? modem_identity (modem) : NULL);
    return;
  }
  watch_start (self, &wait->watch, task, timeout_s, G_CALLBACK (modem_wait_object_added),
               G_CALLBACK (modem_wait_owner_changed), modem_wait_over);
}

OnemoMmModemIdentity *
onemo_modem_manager_wait_modem_finish (OnemoModemManager *self, GAsyncResult *result,
                                       GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- Holding it ---- */

/* ModemManager is not there any more, or does not know the device (it went, or was never
 * ModemManager's): nothing to hold. */
static gboolean
nothing_to_hold (GError *error)
{
  g_autofree char *name = g_dbus_error_get_remote_error (error);

  return g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN)
         || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER)
         || g_strcmp0 (name, MM_ERROR_NOT_FOUND) == 0;
}

/* One inhibit_async() call: the uid, and the wait for ModemManager to export the modem when it
 * refused because it was still setting it up (right after an uninhibit). */
typedef struct {
  char *uid;
  gboolean waited;
  ModemWatch watch;
} InhibitRequest;

static void
stop_waiting (OnemoModemManager *self, InhibitRequest *request)
{
  watch_stop (self, &request->watch);
}

static void
inhibit_request_free (InhibitRequest *request)
{
  g_free (request->uid);
  g_free (request);
}

static void try_inhibit (GTask *task);

static void
modem_added (GDBusObjectManager *modems, GDBusObject *object, gpointer user_data)
{
  GTask *task = user_data;
  InhibitRequest *request = g_task_get_task_data (task);
  g_autoptr (GDBusInterface) modem = g_dbus_object_get_interface (object, MM_MODEM_IFACE);
  g_autofree char *device = modem != NULL ? string_property (G_DBUS_PROXY (modem), "Device") : NULL;

  if (g_strcmp0 (device, request->uid) != 0)
    return;
  stop_waiting (g_task_get_source_object (task), request);
  try_inhibit (task);
}

static void
owner_changed (GObject *modems, GParamSpec *pspec, gpointer user_data)
{
  GTask *task = user_data;

  if (onemo_modem_manager_is_running (g_task_get_source_object (task)))
    return;
  stop_waiting (g_task_get_source_object (task), g_task_get_task_data (task));
  g_task_return_pointer (task, NULL, NULL);
  g_object_unref (task);
}

static gboolean
wait_ended (gpointer user_data)
{
  GTask *task = user_data;
  InhibitRequest *request = g_task_get_task_data (task);

  stop_waiting (g_task_get_source_object (task), request);
  if (!g_task_return_error_if_cancelled (task))
    g_task_return_new_error (task, ONEMO_ERROR, ONEMO_ERROR_BUSY,
                             "ModemManager did not finish setting up the module (%s) within %u s",
                             request->uid, MODEM_SETUP_TIMEOUT_S);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

/* ModemManager is still setting the modem up: wait (for an event, bounded) until it exports it,
 * then ask once more. */
static void
wait_for_export (GTask *task)
{
  OnemoModemManager *self = g_task_get_source_object (task);
  InhibitRequest *request = g_task_get_task_data (task);

  request->waited = TRUE;
  g_debug ("ModemManager: waiting for %s to be set up", request->uid);
  watch_start (self, &request->watch, task, MODEM_SETUP_TIMEOUT_S, G_CALLBACK (modem_added),
               G_CALLBACK (owner_changed), wait_ended);
}

static gboolean
still_setting_up (GError *error)
{
  g_autofree char *name = g_dbus_error_get_remote_error (error);

  return g_strcmp0 (name, MM_ERROR_WRONG_STATE) == 0;
}

static void
inhibition_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  OnemoModemManager *self = g_task_get_source_object (task);
  InhibitRequest *request = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  OnemoMmInhibition *inhibition = onemo_mm_inhibition_new_finish (result, &error);

  if (inhibition != NULL) {
    g_hash_table_add (self->held, g_object_ref (inhibition));
    g_task_return_pointer (task, inhibition, g_object_unref);
  } else if (nothing_to_hold (error)) {
    g_debug ("ModemManager: nothing to inhibit for %s: %s", request->uid, error->message);
    g_task_return_pointer (task, NULL, NULL);
  } else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    g_task_return_error (task, g_steal_pointer (&error));
  } else if (still_setting_up (error) && !request->waited && self->modems != NULL) {
    wait_for_export (task);
    return;
  } else {
    g_dbus_error_strip_remote_error (error);
    g_task_return_new_error (task, ONEMO_ERROR, ONEMO_ERROR_BUSY,
                             "ModemManager drives this module (%s) and would not let go of it: %s",
                             request->uid, error->message);
  }
  g_object_unref (task);
}

static void
try_inhibit (GTask *task)
{
  OnemoModemManager *self = g_task_get_source_object (task);
  InhibitRequest *request = g_task_get_task_data (task);

  onemo_mm_inhibition_new_async (self->address, request->uid, g_task_get_cancellable (task),
                                 inhibition_ready, task);
}

void
onemo_modem_manager_inhibit_async (OnemoModemManager *self, const char *physical_device,
                                   const char *imei, const char *port, const char *known_uid,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  InhibitRequest *request = g_new0 (InhibitRequest, 1);

  g_task_set_source_tag (task, onemo_modem_manager_inhibit_async);
  g_task_set_task_data (task, request, (GDestroyNotify)inhibit_request_free);
  request->uid = onemo_modem_manager_find_modem (self, physical_device, imei, port);
  if (request->uid == NULL && known_uid != NULL && onemo_modem_manager_is_running (self))
    request->uid = g_strdup (known_uid);
  if (request->uid == NULL) {
    g_task_return_pointer (task, NULL, NULL);
    g_object_unref (task);
    return;
  }
  try_inhibit (task);
}

OnemoMmInhibition *
onemo_modem_manager_inhibit_finish (OnemoModemManager *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
released (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (OnemoModemManager) self = user_data;

  g_hash_table_remove (self->held, source);
}

void
onemo_modem_manager_uninhibit (OnemoModemManager *self, OnemoMmInhibition *inhibition)
{
  onemo_mm_inhibition_release_async (inhibition, released, g_object_ref (self));
}

void
onemo_modem_manager_release_all (OnemoModemManager *self, guint timeout_ms)
{
  GHashTableIter iter;
  gpointer inhibition;

  g_hash_table_iter_init (&iter, self->held);
  while (g_hash_table_iter_next (&iter, &inhibition, NULL))
    onemo_mm_inhibition_release_sync (inhibition, timeout_ms);
  g_hash_table_remove_all (self->held);
}

static void
onemo_modem_manager_dispose (GObject *object)
{
  OnemoModemManager *self = ONEMO_MODEM_MANAGER (object);

  g_clear_object (&self->modems);
  G_OBJECT_CLASS (onemo_modem_manager_parent_class)->dispose (object);
}

static void
onemo_modem_manager_finalize (GObject *object)
{
  OnemoModemManager *self = ONEMO_MODEM_MANAGER (object);

  g_hash_table_unref (self->held);
  g_free (self->address);
  G_OBJECT_CLASS (onemo_modem_manager_parent_class)->finalize (object);
}

static void
onemo_modem_manager_class_init (OnemoModemManagerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = onemo_modem_manager_dispose;
  G_OBJECT_CLASS (klass)->finalize = onemo_modem_manager_finalize;
}

static void
onemo_modem_manager_init (OnemoModemManager *self)
{
  self->held = g_hash_table_new_full (g_direct_hash, g_direct_equal, g_object_unref, NULL);
}
