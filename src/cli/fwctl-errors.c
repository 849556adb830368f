/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Errors to exit codes and to sentences a user can act on. Pure: unit-tested. */
#include "config.h"

#include "fwctl-errors.h"

#include "onemo-firmware.h"

#include <gio/gio.h>
#include <glib/gi18n.h>

G_DEFINE_QUARK (fwctl - error - quark, fwctl_error)

#define FWCTL_SERVICE_ERROR_PREFIX "org.onemo.Firmware.Error."

/* Indexed by OnemoError: the exit code and the sentence of each service error. */
static const struct {
  FwctlExit exit_code;
  const char *sentence;
} onemo_errors[FWCTL_N_SERVICE_ERRORS] = {
  [ONEMO_FIRMWARE_ERROR_FAILED] = { FWCTL_EXIT_FAILED, N_ ("The operation failed") },
  [ONEMO_FIRMWARE_ERROR_UNKNOWN]
  = { FWCTL_EXIT_FAILED, N_ ("The module reported an unknown error") },
  [ONEMO_FIRMWARE_ERROR_CONFIG]
  = { FWCTL_EXIT_DOWNLOAD, N_ ("The module refused its download settings") },
  [ONEMO_FIRMWARE_ERROR_URL_TYPE]
  = { FWCTL_EXIT_DOWNLOAD, N_ ("The module cannot download from this kind of URL") },
  [ONEMO_FIRMWARE_ERROR_WRITE] = { FWCTL_EXIT_WRITE, N_ ("Writing the package failed") },
  [ONEMO_FIRMWARE_ERROR_UPGRADE] = { FWCTL_EXIT_UPGRADE, N_ ("The upgrade failed") },
  [ONEMO_FIRMWARE_ERROR_DOWNLOAD] = { FWCTL_EXIT_DOWNLOAD, N_ ("The download failed") },
  [ONEMO_FIRMWARE_ERROR_RETRIES_EXCEEDED]
  = { FWCTL_EXIT_DOWNLOAD, N_ ("The download failed too many times") },
  [ONEMO_FIRMWARE_ERROR_NO_NETWORK] = { FWCTL_EXIT_DOWNLOAD, N_ ("The module has no network") },
  [ONEMO_FIRMWARE_ERROR_MODULE] = { FWCTL_EXIT_FAILED, N_ ("The module reported an error") },
  [ONEMO_FIRMWARE_ERROR_PROTOCOL]
  = { FWCTL_EXIT_FAILED, N_ ("The module gave an answer that cannot be read") },
  [ONEMO_FIRMWARE_ERROR_NOT_SUPPORTED]
  = { FWCTL_EXIT_NOT_SUPPORTED, N_ ("The module does not support this") },
  [ONEMO_FIRMWARE_ERROR_INVALID_ARGUMENT]
  = { FWCTL_EXIT_INVALID_ARGUMENT, N_ ("Invalid argument") },
  [ONEMO_FIRMWARE_ERROR_BUSY] = { FWCTL_EXIT_BUSY, N_ ("The module is busy") },
  [ONEMO_FIRMWARE_ERROR_TIMEOUT] = { FWCTL_EXIT_TIMEOUT, N_ ("The module did not answer in time") },
  [ONEMO_FIRMWARE_ERROR_PORT_GONE] = { FWCTL_EXIT_PORT_GONE, N_ ("The module's port is gone") },
  [ONEMO_FIRMWARE_ERROR_NOT_VERIFIED]
  = { FWCTL_EXIT_NOT_VERIFIED, N_ ("The package could not be verified") },
  [ONEMO_FIRMWARE_ERROR_CANCELLED] = { FWCTL_EXIT_CANCELLED, N_ ("Cancelled") },
  [ONEMO_FIRMWARE_ERROR_PERMISSION_DENIED] = { FWCTL_EXIT_PERMISSION, N_ ("Permission denied") },
  [ONEMO_FIRMWARE_ERROR_INTERRUPTED]
  = { FWCTL_EXIT_FAILED, N_ ("The operation was interrupted: the service stopped") },
  [ONEMO_FIRMWARE_ERROR_NOT_RECORDED]
  = { FWCTL_EXIT_FAILED,
      N_ ("The service cannot record the upgrade in its state directory: it was not started") },
};

static FwctlExit
exit_code_for_dbus_error (gint code)
{
  switch (code) {
    case G_DBUS_ERROR_SERVICE_UNKNOWN:
    case G_DBUS_ERROR_NAME_HAS_NO_OWNER:
    case G_DBUS_ERROR_UNKNOWN_OBJECT:
    case G_DBUS_ERROR_UNKNOWN_INTERFACE:
      return FWCTL_EXIT_NO_MODULE;
    case G_DBUS_ERROR_ACCESS_DENIED:
    case G_DBUS_ERROR_AUTH_FAILED:
      return FWCTL_EXIT_PERMISSION;
    case G_DBUS_ERROR_TIMEOUT:
    case G_DBUS_ERROR_TIMED_OUT:
    case G_DBUS_ERROR_NO_REPLY:
      return FWCTL_EXIT_TIMEOUT;
    case G_DBUS_ERROR_INVALID_ARGS:
      return FWCTL_EXIT_INVALID_ARGUMENT;
    default:
      return FWCTL_EXIT_FAILED;
  }
}

FwctlExit
fwctl_exit_code_for_error (const GError *error)
{
  g_return_val_if_fail (error != NULL, FWCTL_EXIT_FAILED);

  if (error->domain == ONEMO_FIRMWARE_ERROR && error->code >= 0
      && error->code < FWCTL_N_SERVICE_ERRORS)
    return onemo_errors[error->code].exit_code;
  if (error->domain == FWCTL_ERROR)
    return error->code == FWCTL_ERROR_USAGE ? FWCTL_EXIT_USAGE : FWCTL_EXIT_NO_MODULE;
  if (error->domain == G_OPTION_ERROR)
    return FWCTL_EXIT_USAGE;
  if (error->domain == G_DBUS_ERROR)
    return exit_code_for_dbus_error (error->code);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FWCTL_EXIT_CANCELLED;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return FWCTL_EXIT_TIMEOUT;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED)
      || g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_ACCES))
    return FWCTL_EXIT_PERMISSION;
  /* A package file or CA file the user named that cannot be used. */
  if (error->domain == G_FILE_ERROR)
    return FWCTL_EXIT_INVALID_ARGUMENT;
  return FWCTL_EXIT_FAILED;
}

FwctlExit
fwctl_exit_code_for_dbus_name (const char *name)
{
  g_return_val_if_fail (name != NULL, FWCTL_EXIT_FAILED);

  if (g_str_has_prefix (name, FWCTL_SERVICE_ERROR_PREFIX)) {
    /* The library registered the names: GDBus maps a known one into its domain. */
    GQuark domain = ONEMO_FIRMWARE_ERROR;
    g_autoptr (GError) error = g_dbus_error_new_for_dbus_error (name, "");

    if (error->domain == domain && error->code >= 0 && error->code < FWCTL_N_SERVICE_ERRORS)
      return onemo_errors[error->code].exit_code;
    return FWCTL_EXIT_FAILED;
  }
  if (g_str_equal (name, "org.freedesktop.DBus.Error.ServiceUnknown")
      || g_str_equal (name, "org.freedesktop.DBus.Error.NameHasNoOwner")
      || g_str_equal (name, "org.freedesktop.DBus.Error.UnknownObject"))
    return FWCTL_EXIT_NO_MODULE;
  if (g_str_equal (name, "org.freedesktop.DBus.Error.AccessDenied"))
    return FWCTL_EXIT_PERMISSION;
  if (g_str_equal (name, "org.freedesktop.DBus.Error.NoReply")
      || g_str_equal (name, "org.freedesktop.DBus.Error.Timeout"))
    return FWCTL_EXIT_TIMEOUT;
  return FWCTL_EXIT_FAILED;
}

const char *
fwctl_error_sentence (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain == ONEMO_FIRMWARE_ERROR && error->code >= 0
      && error->code < FWCTL_N_SERVICE_ERRORS)
    return _ (onemo_errors[error->code].sentence);
  if (error->domain == FWCTL_ERROR || error->domain == G_DBUS_ERROR) {
    switch (fwctl_exit_code_for_error (error)) {
      case FWCTL_EXIT_USAGE:
        return _ ("Usage error");
      case FWCTL_EXIT_NO_MODULE:
        return error->code == FWCTL_ERROR_NO_MODULE && error->domain == FWCTL_ERROR
                   ? _ ("No such module")
                   : _ ("The firmware service is not running");
      case FWCTL_EXIT_PERMISSION:
        return _ ("Permission denied");
      case FWCTL_EXIT_TIMEOUT:
        return _ ("The service did not answer in time");
      default:
        return _ ("The service call failed");
    }
  }
  if (error->domain == G_OPTION_ERROR)
    return _ ("Usage error");
  if (error->domain == G_FILE_ERROR)
    return _ ("Cannot use the file");
  switch (fwctl_exit_code_for_error (error)) {
    case FWCTL_EXIT_CANCELLED:
      return _ ("Cancelled");
    case FWCTL_EXIT_TIMEOUT:
      return _ ("The service did not answer in time");
    case FWCTL_EXIT_PERMISSION:
      return _ ("Permission denied");
    default:
      return _ ("The operation failed");
  }
}

char *
fwctl_error_format (const GError *error)
{
  return g_strdup_printf ("%s: %s", fwctl_error_sentence (error), error->message);
}

char *
fwctl_error_dbus_name (const GError *error)
{
  static const char *const fwctl_names[] = { "Usage", "NoService", "NoModule" };

  if (g_dbus_error_is_remote_error (error))
    return g_dbus_error_get_remote_error (error);
  if (error->domain == FWCTL_ERROR && error->code >= 0
      && (gsize)error->code < G_N_ELEMENTS (fwctl_names))
    return g_strconcat ("org.onemo.Fwctl.Error.", fwctl_names[error->code], NULL);
  if (error->domain == ONEMO_FIRMWARE_ERROR || error->domain == G_DBUS_ERROR)
    return g_dbus_error_encode_gerror (error);
  if (error->domain == G_OPTION_ERROR)
    return g_strdup ("org.onemo.Fwctl.Error.Usage");
  return g_strdup ("org.onemo.Fwctl.Error.Failed");
}
