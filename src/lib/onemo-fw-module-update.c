/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* onemo_fw_module_update_async: the service's safe flow, from a local file (as an fd) or a
 * URL, with the module's progress handed to a callback. */
#include "onemo-fw-module-private.h"

/* ---- Update ---- */

typedef struct {
  GVariant *options; /* a{sv}, without the source */
  OnemoFwProgressFunc progress;
  gpointer progress_data;
  GDestroyNotify progress_destroy;
  gulong progress_id;
} Update;

static void
update_free (Update *update)
{
  g_clear_pointer (&update->options, g_variant_unref);
  if (update->progress_destroy != NULL)
    update->progress_destroy (update->progress_data);
  g_free (update);
}

static void
update_on_progress (OnemoFwModule *module, OnemoFwPhase phase, double fraction, Update *update)
{
  update->progress (module, phase, fraction, update->progress_data);
}

static void
update_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Update *update = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = g_task_propagate_pointer (G_TASK (result), &error);

  /* No report reaches the caller after its callback. */
  g_clear_signal_handler (&update->progress_id, g_task_get_source_object (task));
  if (reply == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/* Calls Update with @update's options and @source ("fd" or "url") added. */
static void
update_call (GTask *task, const char *key, GVariant *source, GUnixFDList *fd_list)
{
  OnemoFwModule *self = g_task_get_source_object (task);
  Update *update = g_task_get_task_data (task);
  g_auto (GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  GVariantIter iter;
  const char *name;
  GVariant *value;
  GTask *inner;

  g_variant_iter_init (&iter, update->options);
  while (g_variant_iter_next (&iter, "{&sv}", &name, &value)) {
    g_variant_builder_add (&builder, "{sv}", name, value);
    g_variant_unref (value);
  }
  g_variant_builder_add (&builder, "{sv}", key, source);
  if (update->progress != NULL)
    update->progress_id
        = g_signal_connect (self, "progress", G_CALLBACK (update_on_progress), update);
  inner = _onemo_fw_module_call_task (self, onemo_fw_module_update_async,
                                      g_task_get_cancellable (task), update_done,
                                      g_object_ref (task));
  _onemo_fw_module_call (
      inner, "Update", g_variant_new ("(@a{sv})", g_variant_builder_end (&builder)), fd_list, TRUE);
}

static void
update_package_opened (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GUnixFDList) fd_list = _onemo_fw_package_open_finish (result, &error);

  if (fd_list == NULL) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  update_call (task, "fd", g_variant_new_handle (0), fd_list);
}

/**
 * onemo_fw_module_update_async:
 * @module: a module
 * @file: (nullable): a local package file, handed to the service as an fd
 * @uri: (nullable): the package's URL (http, https, ftp, ftps; or what the module itself can
 *   download, with "via" "module")
 * @options: (nullable): Update's other options, an `a{sv}`: "via", "user", "password", "ca",
 *   "mode", "sha256", "size" (introspection/org.onemo.Firmware.xml); never "fd" or "url"
 * @cancellable: (nullable): cancelling it asks the service to Cancel, which works until the
 *   upgrade starts; the call then ends with the service's answer
 * @progress: (nullable) (scope notified) (closure progress_data) (destroy progress_destroy):
 *   called for each progress report until the update ends
 * @progress_data: data for @progress
 * @progress_destroy: (nullable): frees @progress_data once the update ended
 * @callback: (scope async): called when the update ends
 * @user_data: data for @callback
 *
 * Runs the service's safe update: erase leftovers, load the package from @file or @uri,
 * verify it, upgrade, wait for the module to come back and check that its revision changed.
 * Give exactly one of @file and @uri. #OnemoFwModule:revision holds the new revision when it
 * succeeded.
 */
void
onemo_fw_module_update_async (OnemoFwModule *module, GFile *file, const char *uri,
                              GVariant *options, GCancellable *cancellable,
                              OnemoFwProgressFunc progress, gpointer progress_data,
                              GDestroyNotify progress_destroy, GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_autoptr (GVariant) fd_option = NULL;
  g_autoptr (GVariant) url_option = NULL;
  GVariant *dict = NULL;
  Update *update;
  GTask *task;

  g_return_if_fail (ONEMO_IS_FW_MODULE (module));
  g_return_if_fail (file == NULL || G_IS_FILE (file));
  task = g_task_new (module, cancellable, callback, user_data);
  g_task_set_source_tag (task, onemo_fw_module_update_async);
  g_task_set_check_cancellable (task, FALSE);
  update = g_new0 (Update, 1);
  update->progress = progress;
  update->progress_data = progress_data;
  update->progress_destroy = progress_destroy;
  g_task_set_task_data (task, update, (GDestroyNotify)update_free);

  if ((file == NULL) == (uri == NULL)) {
    _onemo_fw_return_invalid (task, "an update takes a file or a URI, exactly one");
    return;
  }
  if (!_onemo_fw_vardict_or_empty (options, &dict)) {
    _onemo_fw_return_invalid (task, "the options are an a{sv}");
    return;
  }
  update->options = g_variant_ref_sink (dict);
  fd_option = g_variant_lookup_value (dict, "fd", NULL);
  url_option = g_variant_lookup_value (dict, "url", NULL);
  if (fd_option != NULL || url_option != NULL) {
    _onemo_fw_return_invalid (task, "the package is the file or the URI, not an option");
    return;
  }
  if (uri != NULL) {
    update_call (task, "url", g_variant_new_string (uri), NULL);
    g_object_unref (task);
    return;
  }
  _onemo_fw_package_open_async (file, cancellable, update_package_opened, task);
}

/**
 * onemo_fw_module_update_finish:
 * @module: a module
 * @result: the result given to the callback
 * @error: the service's #OnemoFirmwareError, or a #GIOError of the file
 *
 * Finishes onemo_fw_module_update_async().
 *
 * Returns: whether the module was updated
 */
gboolean
onemo_fw_module_update_finish (OnemoFwModule *module, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (ONEMO_IS_FW_MODULE (module), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, module), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
