/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "onemo-authority.h"

#include "onemo-error.h"

#ifdef HAVE_POLKIT
/* polkit's own D-Bus interface, asked directly: libpolkit-gobject-1 would map libsystemd and its
 * compression and crypto libraries (some 0.9 MiB) into the daemon for two calls. */
#define POLKIT_NAME                        "org.freedesktop.PolicyKit1"
#define POLKIT_PATH                        "/org/freedesktop/PolicyKit1/Authority"
#define POLKIT_INTERFACE                   "org.freedesktop.PolicyKit1.Authority"
#define POLKIT_FLAG_ALLOW_USER_INTERACTION 1u
#endif

struct _OnemoAuthority {
  GObject parent_instance;

#ifdef HAVE_POLKIT
  GDBusConnection *system_bus; /* where polkit is; NULL until the first check finds it */
  gboolean looking_up;
  GQueue waiting; /* GTasks for checks that wait for the lookup */
  guint checks;   /* makes each check's cancellation id */
#endif
  /* sender → its pending check's GTask: one at a time per caller. */
  GHashTable *pending;
};

G_DEFINE_FINAL_TYPE (OnemoAuthority, onemo_authority, G_TYPE_OBJECT)

typedef struct {
  OnemoAuthority *authority;
  GDBusConnection *connection;
  char *sender;
  char *action_id;
  gboolean interactive;
  GCancellable *cancellable; /* cancelled when the caller leaves the bus */
  guint watch_id;
  char *cancellation_id; /* polkit's name for this check */
} CheckData;

static void
check_data_free (CheckData *data)
{
  if (data->watch_id != 0)
    g_bus_unwatch_name (data->watch_id);
  g_clear_object (&data->cancellable);
  g_clear_object (&data->connection);
  g_free (data->sender);
  g_free (data->action_id);
  g_free (data->cancellation_id);
  g_free (data);
}

/* Every answer goes through here: the caller may ask again. */
static void
check_done (GTask *task, GError *error)
{
  CheckData *data = g_task_get_task_data (task);

  if (data->watch_id != 0) {
    g_bus_unwatch_name (data->watch_id);
    data->watch_id = 0;
  }
  g_hash_table_remove (data->authority->pending, data->sender);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
check_denied (GTask *task, const char *reason)
{
  CheckData *data = g_task_get_task_data (task);

  check_done (task, g_error_new (ONEMO_ERROR, ONEMO_ERROR_PERMISSION_DENIED,
                                 "Not authorized for %s: %s", data->action_id, reason));
}

/* ---- Without polkit: root, as the bus itself knows the caller, and no one else ---- */

static void
got_unix_user (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply
      = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  guint32 uid = G_MAXUINT32;

  if (reply != NULL)
    g_variant_get (reply, "(u)", &uid);
  if (uid == 0)
    check_done (task, NULL);
  else if (reply == NULL)
    check_denied (task, "the bus does not know the caller's user");
  else
    check_denied (task, "without polkit only root may");
}

static void
check_root_only (GTask *task)
{
  CheckData *data = g_task_get_task_data (task);

  g_dbus_connection_call (data->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "GetConnectionUnixUser",
                          g_variant_new ("(s)", data->sender), G_VARIANT_TYPE ("(u)"),
                          G_DBUS_CALL_FLAGS_NONE, -1, data->cancellable, got_unix_user, task);
}

#ifdef HAVE_POLKIT
/* ---- With polkit ---- */

/* No polkitd at all on the system bus (a minimal image): not an answer, but its absence. */
static gboolean
polkit_is_absent (const GError *error)
{
  return g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN)
         || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER);
}

/* The caller left: polkit may drop the check, and an authentication dialog with it. */
static void
cancel_in_polkit (OnemoAuthority *self, CheckData *data)
{
  g_dbus_connection_call (self->system_bus, POLKIT_NAME, POLKIT_PATH, POLKIT_INTERFACE,
                          "CancelCheckAuthorization", g_variant_new ("(s)", data->cancellation_id),
                          NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL, NULL);
}

static void
checked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  CheckData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) answer = NULL;
  g_autofree char *reason = NULL;
  gboolean authorized = FALSE, challenge = FALSE;

  answer = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (answer != NULL)
    g_variant_get (answer, "((bb@a{ss}))", &authorized, &challenge, NULL);
  if (answer == NULL && polkit_is_absent (error)) {
    g_debug ("polkit is not on the bus: only root may change things");
    check_root_only (task);
    return;
  }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    cancel_in_polkit (data->authority, data);
  if (answer == NULL) {
    g_dbus_error_strip_remote_error (error);
    reason = g_strdup_printf ("polkit did not answer (%s)", error->message);
    check_denied (task, reason);
  } else if (authorized) {
    check_done (task, NULL);
  } else if (challenge) {
    check_denied (task, "authentication is needed, and the call did not allow it");
  } else {
    check_denied (task, "polkit said no");
  }
  g_object_unref (task);
}

/* CheckAuthorization(subject (sa{sv}), action_id s, details a{ss}, flags u, cancellation_id s)
 * -> ((bba{ss})), the subject being the caller's unique bus name. No timeout: an
 * administrator may take a while to type a password. */
static void
ask (OnemoAuthority *self, GTask *task)
{
  CheckData *data = g_task_get_task_data (task);
  g_auto (GVariantBuilder) subject = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);

  data->cancellation_id = g_strdup_printf ("onemo-firmwared-%u", ++self->checks);
  g_variant_builder_add (&subject, "{sv}", "name", g_variant_new_string (data->sender));
  g_dbus_connection_call (
      self->system_bus, POLKIT_NAME, POLKIT_PATH, POLKIT_INTERFACE, "CheckAuthorization",
      g_variant_new ("((sa{sv})sa{ss}us)", "system-bus-name", &subject, data->action_id, NULL,
                     data->interactive ? POLKIT_FLAG_ALLOW_USER_INTERACTION : 0u,
                     data->cancellation_id),
      G_VARIANT_TYPE ("((bba{ss}))"), G_DBUS_CALL_FLAGS_NONE, G_MAXINT, data->cancellable, checked,
      task);
}

static void
looked_up (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (OnemoAuthority) self = user_data;
  g_autoptr (GError) error = NULL;
  GTask *task;

  self->looking_up = FALSE;
  self->system_bus = g_bus_get_finish (result, &error);
  if (self->system_bus == NULL)
    g_debug ("No system bus for polkit (%s): only root may change things", error->message);
  while ((task = g_queue_pop_head (&self->waiting)) != NULL) {
    if (self->system_bus != NULL)
      ask (self, task);
    else
      check_root_only (task);
  }
}

static void
check_start (OnemoAuthority *self, GTask *task)
{
  if (self->system_bus != NULL) {
    ask (self, task);
    return;
  }
  g_queue_push_tail (&self->waiting, task);
  if (!self->looking_up) {
    self->looking_up = TRUE;
    g_bus_get (G_BUS_TYPE_SYSTEM, NULL, looked_up, g_object_ref (self));
  }
}
#else
static void
check_start (OnemoAuthority *self, GTask *task)
{
  check_root_only (task);
}
#endif

/* The caller left the bus: polkit need not think (or ask anyone) for it any longer. */
static void
caller_vanished (GDBusConnection *connection, const char *name, gpointer user_data)
{
  CheckData *data = user_data;

  g_debug ("%s left the bus: its authorization for %s is dropped", name, data->action_id);
  g_cancellable_cancel (data->cancellable);
}

void
onemo_authority_check_async (OnemoAuthority *self, GDBusMethodInvocation *invocation,
                             const char *action_id, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  GDBusMessage *message = g_dbus_method_invocation_get_message (invocation);
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  CheckData *data = g_new0 (CheckData, 1);

  g_task_set_source_tag (task, onemo_authority_check_async);
  g_task_set_task_data (task, data, (GDestroyNotify)check_data_free);
  data->authority = self;
  data->connection = g_object_ref (g_dbus_method_invocation_get_connection (invocation));
  data->sender = g_strdup (g_dbus_method_invocation_get_sender (invocation));
  data->action_id = g_strdup (action_id);
  data->interactive
      = (g_dbus_message_get_flags (message) & G_DBUS_MESSAGE_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION)
        != 0;
  data->cancellable = g_cancellable_new ();

  /* A peer-to-peer caller has no bus name that polkit, or the bus, could look up. */
  if (data->sender == NULL) {
    g_task_return_new_error (task, ONEMO_ERROR, ONEMO_ERROR_PERMISSION_DENIED,
                             "Not authorized for %s: the caller has no bus name", action_id);
    return;
  }
  /* One pending check per caller: a loop of calls cannot queue up polkit dialogs or checks. */
  if (g_hash_table_contains (self->pending, data->sender)) {
    g_task_return_new_error (task, ONEMO_ERROR, ONEMO_ERROR_BUSY,
                             "An authorization of %s is still pending: wait for its answer",
                             data->sender);
    return;
  }
  g_hash_table_add (self->pending, g_strdup (data->sender));
  data->watch_id = g_bus_watch_name_on_connection (data->connection, data->sender,
                                                   G_BUS_NAME_WATCHER_FLAGS_NONE, NULL,
                                                   caller_vanished, data, NULL);
  check_start (self, g_steal_pointer (&task));
}

gboolean
onemo_authority_check_finish (OnemoAuthority *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

typedef struct {
  GObject *object;
  GDBusMethodInvocation *invocation;
  OnemoAuthorizedFunc func;
} Authorizing;

static void
authorized (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autofree Authorizing *pending = user_data;
  g_autoptr (GObject) object = pending->object;
  GDBusMethodInvocation *invocation = pending->invocation;
  GError *error = NULL;

  if (!onemo_authority_check_finish (ONEMO_AUTHORITY (source), result, &error)) {
    g_debug ("%s: %s", g_dbus_method_invocation_get_method_name (invocation), error->message);
    g_dbus_method_invocation_take_error (invocation, error);
    return;
  }
  /* The object may have been removed (RemovePort()) while polkit thought. */
  if (G_IS_DBUS_INTERFACE_SKELETON (object)
      && g_dbus_interface_skeleton_get_connection (G_DBUS_INTERFACE_SKELETON (object)) == NULL) {
    g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT,
                                           "%s no longer exists",
                                           g_dbus_method_invocation_get_object_path (invocation));
    return;
  }
  pending->func (object, invocation);
}

void
onemo_authority_run_authorized (OnemoAuthority *self, GDBusMethodInvocation *invocation,
                                const char *action_id, GObject *object, OnemoAuthorizedFunc func)
{
  Authorizing *pending;

  if (self == NULL) {
    func (object, invocation);
    return;
  }
  pending = g_new0 (Authorizing, 1);
  pending->object = g_object_ref (object);
  pending->invocation = invocation;
  pending->func = func;
  onemo_authority_check_async (self, invocation, action_id, NULL, authorized, pending);
}

OnemoAuthority *
onemo_authority_new (void)
{
  return g_object_new (ONEMO_TYPE_AUTHORITY, NULL);
}

static void
onemo_authority_finalize (GObject *object)
{
  OnemoAuthority *self = ONEMO_AUTHORITY (object);

  /* The lookup and every check hold a reference, so nothing waits here. */
#ifdef HAVE_POLKIT
  g_clear_object (&self->system_bus);
#endif
  g_hash_table_unref (self->pending);
  G_OBJECT_CLASS (onemo_authority_parent_class)->finalize (object);
}

static void
onemo_authority_class_init (OnemoAuthorityClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = onemo_authority_finalize;
}

static void
onemo_authority_init (OnemoAuthority *self)
{
#ifdef HAVE_POLKIT
  g_queue_init (&self->waiting);
#endif
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}
