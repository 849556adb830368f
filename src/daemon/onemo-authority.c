/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "onemo-authority.h"

#include "onemo-error.h"

#include <polkit/polkit.h>

struct _OnemoAuthority {
  GObject parent_instance;

  PolkitAuthority *polkit; /* NULL until the first check finds it */
  gboolean looking_up;
  GQueue waiting; /* GTasks for checks that wait for the lookup */
};

G_DEFINE_FINAL_TYPE (OnemoAuthority, onemo_authority, G_TYPE_OBJECT)

typedef struct {
  char *sender;
  char *action_id;
  PolkitCheckAuthorizationFlags flags;
} CheckData;

static void
check_data_free (CheckData *data)
{
  g_free (data->sender);
  g_free (data->action_id);
  g_free (data);
}

static void
return_denied (GTask *task, const char *reason)
{
  CheckData *data = g_task_get_task_data (task);

  g_task_return_new_error (task, ONEMO_ERROR, ONEMO_ERROR_PERMISSION_DENIED,
                           "Not authorized for %s: %s", data->action_id, reason);
}

static void
checked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (PolkitAuthorizationResult) answer = NULL;
  g_autofree char *reason = NULL;

  answer = polkit_authority_check_authorization_finish (POLKIT_AUTHORITY (source), result, &error);
  if (answer == NULL) {
    g_dbus_error_strip_remote_error (error);
    reason = g_strdup_printf ("polkit did not answer (%s)", error->message);
    return_denied (task, reason);
  } else if (polkit_authorization_result_get_is_authorized (answer)) {
    g_task_return_boolean (task, TRUE);
  } else if (polkit_authorization_result_get_is_challenge (answer)) {
    return_denied (task, "authentication is needed, and the call did not allow it");
  } else {
    return_denied (task, "polkit said no");
  }
}

static void
ask (OnemoAuthority *self, GTask *task)
{
  CheckData *data = g_task_get_task_data (task);
  g_autoptr (PolkitSubject) subject = polkit_system_bus_name_new (data->sender);

  polkit_authority_check_authorization (self->polkit, subject, data->action_id, NULL, data->flags,
                                        g_task_get_cancellable (task), checked, task);
}

static void
looked_up (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (OnemoAuthority) self = user_data;
  g_autoptr (GError) error = NULL;
  GTask *task;

  self->looking_up = FALSE;
  self->polkit = polkit_authority_get_finish (result, &error);
  while ((task = g_queue_pop_head (&self->waiting)) != NULL) {
    if (self->polkit != NULL) {
      ask (self, task);
    } else {
      g_autofree char *reason = g_strdup_printf ("no polkit authority (%s)", error->message);
      return_denied (task, reason);
      g_object_unref (task);
    }
  }
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
  data->sender = g_strdup (g_dbus_method_invocation_get_sender (invocation));
  data->action_id = g_strdup (action_id);
  if (g_dbus_message_get_flags (message) & G_DBUS_MESSAGE_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION)
    data->flags = POLKIT_CHECK_AUTHORIZATION_FLAGS_ALLOW_USER_INTERACTION;

  /* A peer-to-peer caller has no bus name that polkit could look up. */
  if (data->sender == NULL) {
    return_denied (task, "the caller has no bus name");
    return;
  }
  if (self->polkit != NULL) {
    ask (self, g_steal_pointer (&task));
    return;
  }
  g_queue_push_tail (&self->waiting, g_steal_pointer (&task));
  if (!self->looking_up) {
    self->looking_up = TRUE;
    polkit_authority_get_async (NULL, looked_up, g_object_ref (self));
  }
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

  /* The lookup holds a reference, so nothing waits here. */
  g_clear_object (&self->polkit);
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
  g_queue_init (&self->waiting);
}
