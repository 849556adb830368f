/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* OnemoFwModule's per-command methods: one async/finish pair per D-Bus method. */
#include "onemo-fw-module-private.h"

#include <gio/gunixfdlist.h>

/**
 * onemo_fw_module_configure_async:
 * @module: a module
 * @settings: an `a{sv}` of "url", "user", "password", "timeout", "mode", "progind", "ssl",
 *   "pkgsize" (introspection/org.onemo.Firmware.xml)
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when done
 * @user_data: data for @callback
 *
 * Configures the module's downloads (AT+MFWCFG); every value is checked before the first
 * command.
 */
void
onemo_fw_module_configure_async (OnemoFwModule *module, GVariant *settings,
                                 GCancellable *cancellable, GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  GTask *task = _onemo_fw_module_call_task (module, onemo_fw_module_configure_async, cancellable,
                                            callback, user_data);
  GVariant *dict;

  if (settings == NULL || !_onemo_fw_vardict_or_empty (settings, &dict)) {
    _onemo_fw_return_invalid (task, "the settings are an a{sv}");
    return;
  }
  _onemo_fw_module_call (task, "Configure", g_variant_new ("(@a{sv})", dict), NULL, FALSE);
}

/**
 * onemo_fw_module_configure_finish:
 * @module: a module
 * @result: the result given to the callback
 * @error: a #OnemoFirmwareError
 *
 * Finishes onemo_fw_module_configure_async().
 *
 * Returns: whether every setting was applied
 */
gboolean
onemo_fw_module_configure_finish (OnemoFwModule *module, GAsyncResult *result, GError **error)
{
  return _onemo_fw_module_call_finish_boolean (module, result, onemo_fw_module_configure_async,
                                               error);
}

/**
 * onemo_fw_module_get_configuration_async:
 * @module: a module
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when done
 * @user_data: data for @callback
 *
 * Reads the module's configuration (AT+MFWCFG queries).
 */
void
onemo_fw_module_get_configuration_async (OnemoFwModule *module, GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data)
{
  _onemo_fw_module_call (_onemo_fw_module_call_task (module,
                                                     onemo_fw_module_get_configuration_async,
                                                     cancellable, callback, user_data),
                         "GetConfiguration", NULL, NULL, FALSE);
}

/**
 * onemo_fw_module_get_configuration_finish:
 * @module: a module
 * @result: the result given to the callback
 * @error: a #OnemoFirmwareError
 *
 * Finishes onemo_fw_module_get_configuration_async().
 *
 * Returns: (transfer full) (nullable): the settings, an `a{sv}`: never the password, but
 *   "password-set"; keys whose answer could not be read are named in "unreadable"
 */
GVariant *
onemo_fw_module_get_configuration_finish (OnemoFwModule *module, GAsyncResult *result,
                                          GError **error)
{
  g_autoptr (GVariant) reply = _onemo_fw_module_call_finish (
      module, result, onemo_fw_module_get_configuration_async, error);

  return reply != NULL ? g_variant_get_child_value (reply, 0) : NULL;
}

/**
 * onemo_fw_module_download_async:
 * @module: a module
 * @cancellable: (nullable): cancelling it asks the service to Cancel the download
 * @callback: (scope async): called when done
 * @user_data: data for @callback
 *
 * The module downloads the package from its configured URL (AT+MFWDLOAD); progress comes as
 * #OnemoFwModule::progress.
 */
void
onemo_fw_module_download_async (OnemoFwModule *module, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  _onemo_fw_module_call (_onemo_fw_module_call_task (module, onemo_fw_module_download_async,
                                                     cancellable, callback, user_data),
                         "Download", NULL, NULL, TRUE);
}

/**
 * onemo_fw_module_download_finish:
 * @module: a module
 * @result: the result given to the callback
 * @error: a #OnemoFirmwareError
 *
 * Finishes onemo_fw_module_download_async().
 *
 * Returns: whether the module holds the whole package
 */
gboolean
onemo_fw_module_download_finish (OnemoFwModule *module, GAsyncResult *result, GError **error)
{
  return _onemo_fw_module_call_finish_boolean (module, result, onemo_fw_module_download_async,
                                               error);
}

static void
write_package_opened (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GUnixFDList) fd_list = _onemo_fw_package_open_finish (result, &error);
  GVariant *options = g_object_steal_data (G_OBJECT (task), "options");

  if (fd_list == NULL) {
    g_variant_unref (options);
    g_task_return_error (task, g_steal_pointer (&error));
    g_object_unref (task);
    return;
  }
  _onemo_fw_module_call (task, "Write", g_variant_new ("(h@a{sv})", 0, options), fd_list, TRUE);
  g_variant_unref (options);
}

/**
 * onemo_fw_module_write_async:
 * @module: a module
 * @file: a local package file, handed to the service as an fd
 * @options: (nullable): "mode" (s) and "offset" (t), an `a{sv}`
 * @cancellable: (nullable): cancelling it asks the service to Cancel the write
 * @callback: (scope async): called when done
 * @user_data: data for @callback
 *
 * Streams the package over the module's serial port; progress comes as
 * #OnemoFwModule::progress.
 */
void
onemo_fw_module_write_async (OnemoFwModule *module, GFile *file, GVariant *options,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data)
{
  GTask *task;
  GVariant *dict;

  g_return_if_fail (ONEMO_IS_FW_MODULE (module));
  g_return_if_fail (G_IS_FILE (file));
  task = _onemo_fw_module_call_task (module, onemo_fw_module_write_async, cancellable, callback,
                                     user_data);
  if (!_onemo_fw_vardict_or_empty (options, &dict)) {
    _onemo_fw_return_invalid (task, "the options are an a{sv}");
    return;
  }
  g_object_set_data (G_OBJECT (task), "options", g_variant_ref_sink (dict));
  _onemo_fw_package_open_async (file, cancellable, write_package_opened, task);
}

/**
 * onemo_fw_module_write_finish:
 * @module: a module
 * @result: the result given to the callback
 * @error: a #OnemoFirmwareError, or a #GIOError of the file
 *
 * Finishes onemo_fw_module_write_async().
 *
 * Returns: whether the module acknowledged the whole package
 */
gboolean
onemo_fw_module_write_finish (OnemoFwModule *module, GAsyncResult *result, GError **error)
{
  return _onemo_fw_module_call_finish_boolean (module, result, onemo_fw_module_write_async, error);
}

/**
 * onemo_fw_module_fetch_async:
 * @module: a module
 * @url: an http, https, ftp or ftps URL
 * @options: (nullable): "user", "password", "ca", "mode", "offset", an `a{sv}`
 * @cancellable: (nullable): cancelling it asks the service to Cancel the fetch
 * @callback: (scope async): called when done
 * @user_data: data for @callback
 *
 * The service downloads the package, then writes it to the module.
 */
void
onemo_fw_module_fetch_async (OnemoFwModule *module, const char *url, GVariant *options,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data)
{
  GTask *task;
  GVariant *dict;

  g_return_if_fail (ONEMO_IS_FW_MODULE (module));
  g_return_if_fail (url != NULL);
  task = _onemo_fw_module_call_task (module, onemo_fw_module_fetch_async, cancellable, callback,
                                     user_data);
  if (!_onemo_fw_vardict_or_empty (options, &dict)) {
    _onemo_fw_return_invalid (task, "the options are an a{sv}");
    return;
  }
  _onemo_fw_module_call (task, "Fetch", g_variant_new ("(s@a{sv})", url, dict), NULL, TRUE);
}

/**
 * onemo_fw_module_fetch_finish:
 * @module: a module
 * @result: the result given to the callback
 * @error: a #OnemoFirmwareError
 *
 * Finishes onemo_fw_module_fetch_async().
 *
 * Returns: whether the module acknowledged the whole package
 */
gboolean
onemo_fw_module_fetch_finish (OnemoFwModule *module, GAsyncResult *result, GError **error)
{
  return _onemo_fw_module_call_finish_boolean (module, result, onemo_fw_module_fetch_async, error);
}

/**
 * onemo_fw_module_checksum_async:
 * @module: a module
 * @algorithm: the digest
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when done
 * @user_data: data for @callback
 *
 * Asks the module for its digest of the loaded package (AT+MFWCHECK).
 */
void
onemo_fw_module_checksum_async (OnemoFwModule *module, OnemoFwChecksum algorithm,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data)
{
  _onemo_fw_module_call (_onemo_fw_module_call_task (module, onemo_fw_module_checksum_async,
                                                     cancellable, callback, user_data),
                         "Checksum", g_variant_new ("(u)", (guint32)algorithm), NULL, FALSE);
}

/**
 * onemo_fw_module_checksum_finish:
 * @module: a module
 * @result: the result given to the callback
 * @error: a #OnemoFirmwareError
 *
 * Finishes onemo_fw_module_checksum_async().
 *
 * Returns: (transfer full) (nullable): the digest in upper-case hexadecimal
 */
char *
onemo_fw_module_checksum_finish (OnemoFwModule *module, GAsyncResult *result, GError **error)
{
  g_autoptr (GVariant) reply
      = _onemo_fw_module_call_finish (module, result, onemo_fw_module_checksum_async, error);
  char *digest = NULL;

  if (reply != NULL)
    g_variant_get (reply, "(s)", &digest);
  return digest;
}

/**
 * onemo_fw_module_upgrade_async:
 * @module: a module
 * @cancellable: (nullable): an upgrade cannot be cancelled (the manual forbids it): the
 *   service refuses the Cancel this asks for, and the call ends when the upgrade does
 * @callback: (scope async): called when done
 * @user_data: data for @callback
 *
 * Applies the loaded package (AT+MFWUPGRADE) and follows the module through its reboots.
 */
void
onemo_fw_module_upgrade_async (OnemoFwModule *module, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  _onemo_fw_module_call (_onemo_fw_module_call_task (module, onemo_fw_module_upgrade_async,
                                                     cancellable, callback, user_data),
                         "Upgrade", NULL, NULL, TRUE);
}

/**
 * onemo_fw_module_upgrade_finish:
 * @module: a module
 * @result: the result given to the callback
 * @error: a #OnemoFirmwareError
 *
 * Finishes onemo_fw_module_upgrade_async().
 *
 * Returns: whether the module reported success and came back
 */
gboolean
onemo_fw_module_upgrade_finish (OnemoFwModule *module, GAsyncResult *result, GError **error)
{
  return _onemo_fw_module_call_finish_boolean (module, result, onemo_fw_module_upgrade_async,
                                               error);
}

/**
 * onemo_fw_module_erase_async:
 * @module: a module
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when done
 * @user_data: data for @callback
 *
 * Forgets the loaded package and the download state (AT+MFWERASE).
 */
void
onemo_fw_module_erase_async (OnemoFwModule *module, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  _onemo_fw_module_call (_onemo_fw_module_call_task (module, onemo_fw_module_erase_async,
                                                     cancellable, callback, user_data),
                         "Erase", NULL, NULL, FALSE);
}

/**
 * onemo_fw_module_erase_finish:
 * @module: a module
 * @result: the result given to the callback
 * @error: a #OnemoFirmwareError
 *
 * Finishes onemo_fw_module_erase_async().
 *
 * Returns: whether the module erased its package
 */
gboolean
onemo_fw_module_erase_finish (OnemoFwModule *module, GAsyncResult *result, GError **error)
{
  return _onemo_fw_module_call_finish_boolean (module, result, onemo_fw_module_erase_async, error);
}

/**
 * onemo_fw_module_cancel_async:
 * @module: a module
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when done
 * @user_data: data for @callback
 *
 * Stops the module's running download, write or update (until its upgrade starts).
 */
void
onemo_fw_module_cancel_async (OnemoFwModule *module, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data)
{
  _onemo_fw_module_call (_onemo_fw_module_call_task (module, onemo_fw_module_cancel_async,
                                                     cancellable, callback, user_data),
                         "Cancel", NULL, NULL, FALSE);
}

/**
 * onemo_fw_module_cancel_finish:
 * @module: a module
 * @result: the result given to the callback
 * @error: a #OnemoFirmwareError: Busy while an upgrade runs
 *
 * Finishes onemo_fw_module_cancel_async().
 *
 * Returns: whether the service stopped the operation
 */
gboolean
onemo_fw_module_cancel_finish (OnemoFwModule *module, GAsyncResult *result, GError **error)
{
  return _onemo_fw_module_call_finish_boolean (module, result, onemo_fw_module_cancel_async, error);
}
