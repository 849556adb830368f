/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* How OnemoFwModule's methods call the service: a call in flight, cancellation of long
 * operations through the service's Cancel, the arguments' checks, and a local package opened
 * as an fd. */
#include "onemo-fw-module-private.h"

#include <gio/gfiledescriptorbased.h>

GDBusCallFlags
_onemo_fw_module_call_flags (OnemoFwModule *self)
{
  return onemo_fw_module_get_allow_interaction (self) ? ONEMO_FW_CALL_FLAGS
                                                      : G_DBUS_CALL_FLAGS_NONE;
}

/* The service bounds every operation itself (an upgrade follows reboots for minutes): no
 * D-Bus timeout of ours unless the caller set one. */
gint
_onemo_fw_module_call_timeout (OnemoFwModule *self)
{
  gint timeout_ms = onemo_fw_module_get_timeout (self);

  return timeout_ms < 0 ? G_MAXINT : timeout_ms;
}

void
_onemo_firmware_error_strip (GError *error)
{
  if (error != NULL && g_dbus_error_is_remote_error (error))
    g_dbus_error_strip_remote_error (error);
}

/* ---- calls ---- */

/* A call in flight: its task, and for long calls the handler that turns cancellation into
 * the service's Cancel. */
typedef struct {
  GCancellable *cancellable;
  gulong cancelled_id;
} Call;

static void
call_free (Call *call)
{
  if (call->cancelled_id != 0)
    g_cancellable_disconnect (call->cancellable, call->cancelled_id);
  g_clear_object (&call->cancellable);
  g_free (call);
}

static void
call_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  GVariant *reply;
  Call *state = g_task_get_task_data (task);

  reply = g_dbus_proxy_call_with_unix_fd_list_finish (G_DBUS_PROXY (source), NULL, result, &error);
  /* Disconnected at the reply: no Cancel is sent for an operation that ended. */
  if (state->cancelled_id != 0) {
    g_cancellable_disconnect (state->cancellable, state->cancelled_id);
    state->cancelled_id = 0;
  }
  if (reply == NULL) {
    _onemo_firmware_error_strip (error);
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  g_task_return_pointer (task, reply, (GDestroyNotify)g_variant_unref);
}

/* Cancelling a long call asks the service to stop the operation; the call then ends with the
 * service's own answer (Cancelled, or success when it had already begun the upgrade). */
static void
long_call_cancelled (GCancellable *cancellable, gpointer module)
{
  g_dbus_proxy_call (_onemo_fw_module_get_proxy (module), "Cancel", NULL,
                     _onemo_fw_module_call_flags (module), -1, NULL, NULL, NULL);
}

/* Calls @method on @task's module; the task returns the reply (a GVariant). A @long_running
 * call keeps running in the service when @cancellable is cancelled, until the service's
 * Cancel stops it. */
void
_onemo_fw_module_call (GTask *task, const char *method, GVariant *parameters, GUnixFDList *fd_list,
                       gboolean long_running)
{
  GCancellable *cancellable;
  GDBusProxy *proxy;
  Call *state;

  if (task == NULL) { /* a precondition failed, and said so */
    if (parameters != NULL)
      g_variant_unref (g_variant_ref_sink (parameters));
    return;
  }
  cancellable = g_task_get_cancellable (task);
  proxy = _onemo_fw_module_get_proxy (g_task_get_source_object (task));
  state = g_new0 (Call, 1);
  g_task_set_task_data (task, state, (GDestroyNotify)call_free);
  if (g_task_return_error_if_cancelled (task)) {
    if (parameters != NULL)
      g_variant_unref (g_variant_ref_sink (parameters));
    g_object_unref (task);
    return;
  }
  if (long_running && cancellable != NULL) {
    /* The service's answer wins over GIO's "cancelled": it says what the module holds. */
    g_task_set_check_cancellable (task, FALSE);
    state->cancellable = g_object_ref (cancellable);
    state->cancelled_id
        = g_cancellable_connect (cancellable, G_CALLBACK (long_call_cancelled),
                                 g_object_ref (g_task_get_source_object (task)), g_object_unref);
  }
  g_dbus_proxy_call_with_unix_fd_list (
      proxy, method, parameters, _onemo_fw_module_call_flags (g_task_get_source_object (task)),
      _onemo_fw_module_call_timeout (g_task_get_source_object (task)), fd_list,
      long_running ? NULL : cancellable, call_done, task);
}

GTask *
_onemo_fw_module_call_task (OnemoFwModule *self, gpointer source_tag, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;

  g_return_val_if_fail (ONEMO_IS_FW_MODULE (self), NULL);
  task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  return task;
}

/* The reply of a finished call, or NULL and @error. */
GVariant *
_onemo_fw_module_call_finish (OnemoFwModule *self, GAsyncResult *result, gpointer source_tag,
                              GError **error)
{
  g_return_val_if_fail (ONEMO_IS_FW_MODULE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
_onemo_fw_module_call_finish_boolean (OnemoFwModule *self, GAsyncResult *result,
                                      gpointer source_tag, GError **error)
{
  g_autoptr (GVariant) reply = _onemo_fw_module_call_finish (self, result, source_tag, error);

  return reply != NULL;
}

/* An a{sv} argument: @value, or an empty one for NULL; FALSE for any other type. */
gboolean
_onemo_fw_vardict_or_empty (GVariant *value, GVariant **out)
{
  if (value == NULL) {
    *out = g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0);
    return TRUE;
  }
  if (!g_variant_is_of_type (value, G_VARIANT_TYPE_VARDICT))
    return FALSE;
  *out = value;
  return TRUE;
}

void
_onemo_fw_return_invalid (GTask *task, const char *message)
{
  g_task_return_new_error (task, ONEMO_FIRMWARE_ERROR, ONEMO_FIRMWARE_ERROR_INVALID_ARGUMENT, "%s",
                           message);
  g_object_unref (task);
}

/* ---- a local package, as an fd ---- */

/* Opens @file off the caller's thread (a hung mount blocks nobody) and returns a GUnixFDList
 * holding its fd. */
static void
package_opened (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GFileInputStream) stream = g_file_read_finish (G_FILE (source), result, &error);
  g_autoptr (GUnixFDList) fd_list = NULL;

  if (stream == NULL) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  if (!G_IS_FILE_DESCRIPTOR_BASED (stream)) {
    g_task_return_new_error (task, ONEMO_FIRMWARE_ERROR, ONEMO_FIRMWARE_ERROR_INVALID_ARGUMENT,
                             "%s is not a local file: the service takes a package as an fd",
                             g_file_peek_path (G_FILE (source)) != NULL
                                 ? g_file_peek_path (G_FILE (source))
                                 : "the package");
    return;
  }
  fd_list = g_unix_fd_list_new ();
  /* The list holds a duplicate: the stream closes its own. */
  if (g_unix_fd_list_append (
          fd_list, g_file_descriptor_based_get_fd (G_FILE_DESCRIPTOR_BASED (stream)), &error)
      < 0) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  g_task_return_pointer (task, g_steal_pointer (&fd_list), g_object_unref);
}

void
_onemo_fw_package_open_async (GFile *file, GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data)
{
  GTask *task = g_task_new (file, cancellable, callback, user_data);

  g_file_read_async (file, G_PRIORITY_DEFAULT, cancellable, package_opened, task);
}

GUnixFDList *
_onemo_fw_package_open_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
