/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "onemo-mm-inhibition.h"

#define MM_NAME  "org.freedesktop.ModemManager1"
#define MM_PATH  "/org/freedesktop/ModemManager1"
#define MM_IFACE "org.freedesktop.ModemManager1"

/* polkit may take a while to answer for ModemManager; an uninhibit is quick. */
#define INHIBIT_TIMEOUT_MS   30000
#define UNINHIBIT_TIMEOUT_MS 10000

struct _OnemoMmInhibition {
  GObject parent_instance;

  GDBusConnection *connection;
  char *uid;
  gboolean released;
};

G_DEFINE_FINAL_TYPE (OnemoMmInhibition, onemo_mm_inhibition, G_TYPE_OBJECT)

static GVariant *
inhibit_args (OnemoMmInhibition *self, gboolean inhibit)
{
  return g_variant_new ("(sb)", self->uid, inhibit);
}

static void
inhibited (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  OnemoMmInhibition *self = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (GVariant) reply = g_dbus_connection_call_finish (self->connection, result, &error);

  if (reply == NULL) {
    /* Whatever ModemManager did with the call, the closed connection undoes it. */
    g_dbus_connection_close (self->connection, NULL, NULL, NULL);
    self->released = TRUE;
    g_task_return_error (task, error);
    return;
  }
  g_debug ("ModemManager: %s inhibited", self->uid);
  g_task_return_pointer (task, g_object_ref (self), g_object_unref);
}

void
onemo_mm_inhibition_new_async (const char *address, const char *uid, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  OnemoMmInhibition *self = g_object_new (ONEMO_TYPE_MM_INHIBITION, NULL);
  GError *error = NULL;

  g_task_set_source_tag (task, onemo_mm_inhibition_new_async);
  self->uid = g_strdup (uid);
  g_task_set_task_data (task, self, g_object_unref);
  /* Synchronously, as the daemon's own connection: the asynchronous constructor would run in a
   * pool thread that lingers after the operation. A local bus answers at once. */
  self->connection = g_dbus_connection_new_for_address_sync (
      address,
      G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
          | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
      NULL, cancellable, &error);
  if (self->connection == NULL) {
    g_task_return_error (task, error);
    return;
  }
  g_dbus_connection_call (self->connection, MM_NAME, MM_PATH, MM_IFACE, "InhibitDevice",
                          inhibit_args (self, TRUE), NULL, G_DBUS_CALL_FLAGS_NO_AUTO_START,
                          INHIBIT_TIMEOUT_MS, cancellable, inhibited, g_steal_pointer (&task));
}

OnemoMmInhibition *
onemo_mm_inhibition_new_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
onemo_mm_inhibition_get_uid (OnemoMmInhibition *self)
{
  return self->uid;
}

static void
release_closed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;

  g_dbus_connection_close_finish (G_DBUS_CONNECTION (source), result, NULL);
  g_task_return_boolean (task, TRUE);
}

static void
uninhibited (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  OnemoMmInhibition *self = g_task_get_source_object (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = g_dbus_connection_call_finish (self->connection, result, &error);

  /* ModemManager gone or failing: closing the connection ends the hold all the same. */
  if (reply == NULL)
    g_debug ("ModemManager: uninhibiting %s: %s", self->uid, error->message);
  else
    g_debug ("ModemManager: %s uninhibited", self->uid);
  g_dbus_connection_close (self->connection, NULL, release_closed, task);
}

void
onemo_mm_inhibition_release_async (OnemoMmInhibition *self, GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);

  g_task_set_source_tag (task, onemo_mm_inhibition_release_async);
  if (self->released) {
    g_task_return_boolean (task, TRUE);
    g_object_unref (task);
    return;
  }
  self->released = TRUE;
  g_dbus_connection_call (self->connection, MM_NAME, MM_PATH, MM_IFACE, "InhibitDevice",
                          inhibit_args (self, FALSE), NULL, G_DBUS_CALL_FLAGS_NO_AUTO_START,
                          UNINHIBIT_TIMEOUT_MS, NULL, uninhibited, task);
}

void
onemo_mm_inhibition_release_sync (OnemoMmInhibition *self, guint timeout_ms)
{
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GError) error = NULL;

  if (self->connection == NULL)
    return;
  if (!self->released) {
    self->released = TRUE;
    reply = g_dbus_connection_call_sync (self->connection, MM_NAME, MM_PATH, MM_IFACE,
                                         "InhibitDevice", inhibit_args (self, FALSE), NULL,
                                         G_DBUS_CALL_FLAGS_NO_AUTO_START, timeout_ms, NULL, &error);
    if (reply == NULL)
      g_debug ("ModemManager: uninhibiting %s: %s", self->uid, error->message);
  }
  /* Also when an asynchronous release is still on its way. */
  g_dbus_connection_close_sync (self->connection, NULL, NULL);
}

static void
onemo_mm_inhibition_finalize (GObject *object)
{
  OnemoMmInhibition *self = ONEMO_MM_INHIBITION (object);

  g_clear_object (&self->connection);
  g_free (self->uid);
  G_OBJECT_CLASS (onemo_mm_inhibition_parent_class)->finalize (object);
}

static void
onemo_mm_inhibition_class_init (OnemoMmInhibitionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = onemo_mm_inhibition_finalize;
}

static void
onemo_mm_inhibition_init (OnemoMmInhibition *self)
{
}
