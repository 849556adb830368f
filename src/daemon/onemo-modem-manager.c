/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "onemo-modem-manager.h"

#include "onemo-error.h"

#include <stdlib.h>

#define MM_NAME        "org.freedesktop.ModemManager1"
#define MM_PATH        "/org/freedesktop/ModemManager1"
#define MM_MODEM_IFACE "org.freedesktop.ModemManager1.Modem"

struct _OnemoModemManager {
  GObject parent_instance;

  char *address;
  GDBusObjectManager *modems; /* NULL if it could not be followed */
  GHashTable *held;           /* the inhibitions not yet released (strong refs) */
};

G_DEFINE_FINAL_TYPE (OnemoModemManager, onemo_modem_manager, G_TYPE_OBJECT)

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
  if (self->modems == NULL)
    g_warning ("Cannot follow ModemManager: %s", error->message);
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

static char *
resolved_tty_name (const char *port)
{
  g_autofree char *resolved = NULL;

  if (port == NULL)
    return NULL;
  resolved = realpath (port, NULL);
  return g_path_get_basename (resolved != NULL ? resolved : port);
}

char *
onemo_modem_manager_find_modem (OnemoModemManager *self, const char *physical_device,
                                const char *imei, const char *port)
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
        return string_property (G_DBUS_PROXY (modem), "Device");
    }
  return NULL;
}

/* ---- Holding it ---- */

static gboolean
modem_manager_gone (const GError *error)
{
  return g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN)
         || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER);
}

static void
inhibition_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  OnemoModemManager *self = g_task_get_source_object (task);
  const char *uid = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  OnemoMmInhibition *inhibition = onemo_mm_inhibition_new_finish (result, &error);

  if (inhibition != NULL) {
    g_hash_table_add (self->held, g_object_ref (inhibition));
    g_task_return_pointer (task, inhibition, g_object_unref);
    return;
  }
  if (modem_manager_gone (error)) {
    g_debug ("ModemManager left before %s could be inhibited", uid);
    g_task_return_pointer (task, NULL, NULL);
    return;
  }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  g_dbus_error_strip_remote_error (error);
  g_task_return_new_error (task, ONEMO_ERROR, ONEMO_ERROR_BUSY,
                           "ModemManager drives this module (%s) and would not let go of it: %s",
                           uid, error->message);
}

void
onemo_modem_manager_inhibit_async (OnemoModemManager *self, const char *physical_device,
                                   const char *imei, const char *port, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  char *uid = onemo_modem_manager_find_modem (self, physical_device, imei, port);

  g_task_set_source_tag (task, onemo_modem_manager_inhibit_async);
  if (uid == NULL) {
    g_task_return_pointer (task, NULL, NULL);
    return;
  }
  g_task_set_task_data (task, uid, g_free);
  onemo_mm_inhibition_new_async (self->address, uid, cancellable, inhibition_ready,
                                 g_steal_pointer (&task));
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
