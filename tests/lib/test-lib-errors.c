/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The library's public OnemoFirmwareError (LGPL, src/lib/) and the service's OnemoError
 * (src/common/) list the same codes under the same D-Bus names, in the same order: one is a
 * copy of the other, and this test keeps them in step. (Only this test links both.) */
#include "onemo-error.h"
#include "onemo-firmware.h"

#include <gio/gio.h>

/* "UrlType" → "url-type", glib-mkenums' nick of ONEMO_FIRMWARE_ERROR_URL_TYPE. */
static char *
nick_of_name (const char *name)
{
  GString *nick = g_string_new (NULL);

  for (const char *p = name; *p != '\0'; p++) {
    if (g_ascii_isupper (*p) && p != name)
      g_string_append_c (nick, '-');
    g_string_append_c (nick, g_ascii_tolower (*p));
  }
  return g_string_free (nick, FALSE);
}

static void
test_same_count (void)
{
  g_autoptr (GEnumClass) klass = g_type_class_ref (ONEMO_TYPE_FIRMWARE_ERROR);

  g_assert_cmpuint (klass->n_values, ==, ONEMO_ERROR_N_CODES);
  g_assert_cmpint (klass->maximum, ==, ONEMO_ERROR_N_CODES - 1);
}

static void
test_same_names (void)
{
  g_autoptr (GEnumClass) klass = g_type_class_ref (ONEMO_TYPE_FIRMWARE_ERROR);

  for (gint code = 0; code < ONEMO_ERROR_N_CODES; code++) {
    const char *name = onemo_error_code_to_name ((OnemoError)code);
    g_autofree char *dbus_name = g_strconcat (ONEMO_DBUS_ERROR_PREFIX, name, NULL);
    g_autoptr (GError) error = g_error_new_literal (ONEMO_FIRMWARE_ERROR, code, "m");
    g_autofree char *encoded = g_dbus_error_encode_gerror (error);
    g_autofree char *nick = nick_of_name (name);
    GEnumValue *value = g_enum_get_value (klass, code);

    /* The library sends and reads each code under the service's name for it. */
    g_assert_cmpstr (encoded, ==, dbus_name);
    g_assert_nonnull (value);
    g_assert_cmpstr (value->value_nick, ==, nick);
  }
}

static void
test_remote_errors_map (void)
{
  for (gint code = 0; code < ONEMO_ERROR_N_CODES; code++) {
    g_autofree char *dbus_name
        = g_strconcat (ONEMO_DBUS_ERROR_PREFIX, onemo_error_code_to_name ((OnemoError)code), NULL);
    g_autoptr (GError) error = g_dbus_error_new_for_dbus_error (dbus_name, "the message");

    g_assert_error (error, ONEMO_FIRMWARE_ERROR, code);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lib/errors/same-count", test_same_count);
  g_test_add_func ("/lib/errors/same-names", test_same_names);
  g_test_add_func ("/lib/errors/remote-errors-map", test_remote_errors_map);
  return g_test_run ();
}
