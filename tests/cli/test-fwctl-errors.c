/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Exit codes: every service error name, the bus's own errors, and the CLI's. */
#include "fwctl-errors.h"

#include "onemo-firmware.h"

#include <gio/gio.h>

typedef struct {
  const char *name;
  FwctlExit exit_code;
} NameCase;

/* The table of --help, one row per error name of the interface. */
static const NameCase name_cases[] = {
  { "org.onemo.Firmware.Error.Failed", FWCTL_EXIT_FAILED },
  { "org.onemo.Firmware.Error.Unknown", FWCTL_EXIT_FAILED },
  { "org.onemo.Firmware.Error.Config", FWCTL_EXIT_DOWNLOAD },
  { "org.onemo.Firmware.Error.UrlType", FWCTL_EXIT_DOWNLOAD },
  { "org.onemo.Firmware.Error.Write", FWCTL_EXIT_WRITE },
  { "org.onemo.Firmware.Error.Upgrade", FWCTL_EXIT_UPGRADE },
  { "org.onemo.Firmware.Error.Download", FWCTL_EXIT_DOWNLOAD },
  { "org.onemo.Firmware.Error.RetriesExceeded", FWCTL_EXIT_DOWNLOAD },
  { "org.onemo.Firmware.Error.NoNetwork", FWCTL_EXIT_DOWNLOAD },
  { "org.onemo.Firmware.Error.Module", FWCTL_EXIT_FAILED },
  { "org.onemo.Firmware.Error.Protocol", FWCTL_EXIT_FAILED },
  { "org.onemo.Firmware.Error.NotSupported", FWCTL_EXIT_NOT_SUPPORTED },
  { "org.onemo.Firmware.Error.InvalidArgument", FWCTL_EXIT_INVALID_ARGUMENT },
  { "org.onemo.Firmware.Error.Busy", FWCTL_EXIT_BUSY },
  { "org.onemo.Firmware.Error.Timeout", FWCTL_EXIT_TIMEOUT },
  { "org.onemo.Firmware.Error.PortGone", FWCTL_EXIT_PORT_GONE },
  { "org.onemo.Firmware.Error.NotVerified", FWCTL_EXIT_NOT_VERIFIED },
  { "org.onemo.Firmware.Error.Cancelled", FWCTL_EXIT_CANCELLED },
  { "org.onemo.Firmware.Error.PermissionDenied", FWCTL_EXIT_PERMISSION },
  { "org.onemo.Firmware.Error.Interrupted", FWCTL_EXIT_FAILED },
  { "org.onemo.Firmware.Error.NotRecorded", FWCTL_EXIT_FAILED },
  { "org.onemo.Firmware.Error.NoSuchThing", FWCTL_EXIT_FAILED },
  { "org.freedesktop.DBus.Error.ServiceUnknown", FWCTL_EXIT_NO_MODULE },
  { "org.freedesktop.DBus.Error.UnknownObject", FWCTL_EXIT_NO_MODULE },
  { "org.freedesktop.DBus.Error.AccessDenied", FWCTL_EXIT_PERMISSION },
  { "org.freedesktop.DBus.Error.NoReply", FWCTL_EXIT_TIMEOUT },
  { "com.example.Whatever", FWCTL_EXIT_FAILED },
};

static void
test_every_name (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (name_cases); i++) {
    g_test_message ("%s", name_cases[i].name);
    g_assert_cmpint (fwctl_exit_code_for_dbus_name (name_cases[i].name), ==,
                     name_cases[i].exit_code);
  }
}

/* The same error as it arrives: a remote error the registered domain maps into ONEMO_FIRMWARE_ERROR. */
static void
test_remote_errors (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (name_cases); i++) {
    g_autoptr (GError) error
        = g_dbus_error_new_for_dbus_error (name_cases[i].name, "the service's words");
    g_autofree char *name = fwctl_error_dbus_name (error);
    g_autofree char *text = NULL;

    g_assert_cmpstr (name, ==, name_cases[i].name);
    g_dbus_error_strip_remote_error (error);
    g_assert_cmpint (fwctl_exit_code_for_error (error), ==, name_cases[i].exit_code);
    text = fwctl_error_format (error);
    g_assert_true (g_str_has_suffix (text, ": the service's words"));
    g_assert_cmpuint (strlen (text), >, strlen (": the service's words"));
  }
}

/* Every ONEMO_FIRMWARE_ERROR code has a name in the table above, so nothing is left unmapped. */
static void
test_every_code (void)
{
  for (gint code = 0; code < FWCTL_N_SERVICE_ERRORS; code++) {
    g_autoptr (GError) error = g_error_new_literal (ONEMO_FIRMWARE_ERROR, code, "x");
    g_autofree char *name = fwctl_error_dbus_name (error);
    g_assert_cmpint (fwctl_exit_code_for_error (error), ==, fwctl_exit_code_for_dbus_name (name));
    g_assert_nonnull (fwctl_error_sentence (error));
  }
}

static void
test_local_errors (void)
{
  struct {
    GQuark domain;
    gint code;
    FwctlExit exit_code;
    const char *name;
  } cases[] = {
    { FWCTL_ERROR, FWCTL_ERROR_USAGE, FWCTL_EXIT_USAGE, "org.onemo.Fwctl.Error.Usage" },
    { FWCTL_ERROR, FWCTL_ERROR_NO_SERVICE, FWCTL_EXIT_NO_MODULE,
      "org.onemo.Fwctl.Error.NoService" },
    { FWCTL_ERROR, FWCTL_ERROR_NO_MODULE, FWCTL_EXIT_NO_MODULE, "org.onemo.Fwctl.Error.NoModule" },
    { G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, FWCTL_EXIT_USAGE, "org.onemo.Fwctl.Error.Usage" },
    { G_IO_ERROR, G_IO_ERROR_CANCELLED, FWCTL_EXIT_CANCELLED, NULL },
    { G_IO_ERROR, G_IO_ERROR_TIMED_OUT, FWCTL_EXIT_TIMEOUT, NULL },
    { G_DBUS_ERROR, G_DBUS_ERROR_NO_REPLY, FWCTL_EXIT_TIMEOUT, NULL },
    { G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN, FWCTL_EXIT_NO_MODULE, NULL },
    { G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED, FWCTL_EXIT_PERMISSION, NULL },
    { G_FILE_ERROR, G_FILE_ERROR_NOENT, FWCTL_EXIT_INVALID_ARGUMENT, NULL },
    { G_FILE_ERROR, G_FILE_ERROR_ACCES, FWCTL_EXIT_PERMISSION, NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GError) error = g_error_new_literal (cases[i].domain, cases[i].code, "m");
    g_autofree char *name = fwctl_error_dbus_name (error);
    g_assert_cmpint (fwctl_exit_code_for_error (error), ==, cases[i].exit_code);
    if (cases[i].name != NULL)
      g_assert_cmpstr (name, ==, cases[i].name);
    g_assert_nonnull (fwctl_error_sentence (error));
  }
}

/* The numbers are a promise to scripts: a change here must be deliberate. */
static void
test_stable_numbers (void)
{
  g_assert_cmpint (FWCTL_EXIT_USAGE, ==, 2);
  g_assert_cmpint (FWCTL_EXIT_NOT_SUPPORTED, ==, 3);
  g_assert_cmpint (FWCTL_EXIT_BUSY, ==, 5);
  g_assert_cmpint (FWCTL_EXIT_CANCELLED, ==, 9);
  g_assert_cmpint (FWCTL_EXIT_NO_MODULE, ==, 11);
  g_assert_cmpint (FWCTL_EXIT_WRITE, ==, 14);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  (void)onemo_firmware_error_quark ();
  g_test_add_func ("/fwctl/errors/every-name", test_every_name);
  g_test_add_func ("/fwctl/errors/remote", test_remote_errors);
  g_test_add_func ("/fwctl/errors/every-code", test_every_code);
  g_test_add_func ("/fwctl/errors/local", test_local_errors);
  g_test_add_func ("/fwctl/errors/stable-numbers", test_stable_numbers);
  return g_test_run ();
}
