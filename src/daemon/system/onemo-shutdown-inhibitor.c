/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "onemo-shutdown-inhibitor.h"

#include <gio/gunixfdlist.h>
#include <unistd.h>

#define LOGIN1_NAME  "org.freedesktop.login1"
#define LOGIN1_PATH  "/org/freedesktop/login1"
#define LOGIN1_IFACE "org.freedesktop.login1.Manager"
/* logind answers at once; a bus that holds the call longer is not worth waiting for. */
#define INHIBIT_TIMEOUT_MS 25000

struct _OnemoShutdownInhibitor {
  GObject parent_instance;
  char *why;
  GCancellable *cancellable; /* the request */
  gboolean released;
  int fd; /* the lock, -1 when not held */
};

G_DEFINE_FINAL_TYPE (OnemoShutdownInhibitor, onemo_shutdown_inhibitor, G_TYPE_OBJECT)

/* Each step holds a reference, so the object lives until the request ends; release() cancels
 * the request, and a lock granted after all is then dropped with the reply. */
static void
inhibit_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (OnemoShutdownInhibitor) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GUnixFDList) fds = NULL;
  g_autoptr (GVariant) reply = g_dbus_connection_call_with_unix_fd_list_finish (
      G_DBUS_CONNECTION (source), &fds, result, &error);
  gint32 handle;

  if (self->released)
    return;
  if (reply == NULL) {
    g_warning ("Cannot hold off shutdown and sleep during the upgrade: %s", error->message);
    return;
  }
  g_variant_get (reply, "(h)", &handle);
  self->fd = fds != NULL ? g_unix_fd_list_get (fds, handle, &error) : -1;
  if (self->fd < 0)
    g_warning ("logind's inhibitor reply carries no lock: %s",
               error != NULL ? error->message : "no file descriptor");
  else
    g_debug ("Holding off shutdown and sleep: %s", self->why);
}

static void
bus_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (OnemoShutdownInhibitor) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDBusConnection) bus = g_bus_get_finish (result, &error);

  if (self->released)
    return;
  if (bus == NULL) {
    g_warning ("Cannot hold off shutdown and sleep during the upgrade: %s", error->message);
    return;
  }
  g_dbus_connection_call_with_unix_fd_list (
      bus, LOGIN1_NAME, LOGIN1_PATH, LOGIN1_IFACE, "Inhibit",
      g_variant_new ("(ssss)", "shutdown:sleep", "onemo-firmware", self->why, "block"),
      G_VARIANT_TYPE ("(h)"), G_DBUS_CALL_FLAGS_NONE, INHIBIT_TIMEOUT_MS, NULL, self->cancellable,
      inhibit_done, g_object_ref (self));
}

OnemoShutdownInhibitor *
onemo_shutdown_inhibitor_new (gboolean session_bus, const char *why)
{
  OnemoShutdownInhibitor *self = g_object_new (ONEMO_TYPE_SHUTDOWN_INHIBITOR, NULL);

  self->why = g_strdup (why);
  self->cancellable = g_cancellable_new ();
  g_bus_get (session_bus ? G_BUS_TYPE_SESSION : G_BUS_TYPE_SYSTEM, self->cancellable, bus_ready,
             g_object_ref (self));
  return self;
}

gboolean
onemo_shutdown_inhibitor_is_held (OnemoShutdownInhibitor *self)
{
  return self->fd >= 0;
}

void
onemo_shutdown_inhibitor_release (OnemoShutdownInhibitor *self)
{
  self->released = TRUE;
  g_cancellable_cancel (self->cancellable);
  if (self->fd >= 0) {
    close (self->fd);
    self->fd = -1;
    g_debug ("Shutdown and sleep allowed again");
  }
}

static void
onemo_shutdown_inhibitor_dispose (GObject *object)
{
  onemo_shutdown_inhibitor_release (ONEMO_SHUTDOWN_INHIBITOR (object));
  G_OBJECT_CLASS (onemo_shutdown_inhibitor_parent_class)->dispose (object);
}

static void
onemo_shutdown_inhibitor_finalize (GObject *object)
{
  OnemoShutdownInhibitor *self = ONEMO_SHUTDOWN_INHIBITOR (object);

  g_clear_object (&self->cancellable);
  g_free (self->why);
  G_OBJECT_CLASS (onemo_shutdown_inhibitor_parent_class)->finalize (object);
}

static void
onemo_shutdown_inhibitor_class_init (OnemoShutdownInhibitorClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = onemo_shutdown_inhibitor_dispose;
  G_OBJECT_CLASS (klass)->finalize = onemo_shutdown_inhibitor_finalize;
}

static void
onemo_shutdown_inhibitor_init (OnemoShutdownInhibitor *self)
{
  self->fd = -1;
}
