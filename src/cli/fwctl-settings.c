/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Command-line words to what the service takes: settings and module IDs. Pure: unit-tested. */
#include "config.h"

#include "fwctl-settings.h"

#include "fwctl-errors.h"

#include <glib/gi18n.h>

static const char *const string_keys[] = { "url", "user", "password" };
static const char *const number_keys[] = { "timeout", "mode", "progind", "ssl", "pkgsize" };

static gboolean
key_in (const char *key, const char *const *keys, gsize n_keys)
{
  for (gsize i = 0; i < n_keys; i++) {
    if (g_str_equal (key, keys[i]))
      return TRUE;
  }
  return FALSE;
}

static gboolean
parse_number (const char *key, const char *text, guint32 *out_number, GError **error)
{
  guint64 number = 0;
  g_autoptr (GError) local_error = NULL;

  if (g_str_equal (key, "mode") && g_ascii_strcasecmp (text, "differential") == 0) {
    *out_number = 0;
    return TRUE;
  }
  if (g_str_equal (key, "mode") && g_ascii_strcasecmp (text, "full") == 0) {
    *out_number = 1;
    return TRUE;
  }
  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT32, &number, &local_error)) {
    g_set_error (error, FWCTL_ERROR, FWCTL_ERROR_USAGE, _ ("“%s” needs a whole number, not “%s”"),
                 key, text);
    return FALSE;
  }
  *out_number = (guint32)number;
  return TRUE;
}

gboolean
fwctl_setting_parse (const char *argument, char **out_key, GVariant **out_value, GError **error)
{
  const char *equals = strchr (argument, '=');
  g_autofree char *key = NULL;
  const char *text;
  guint32 number;

  if (equals == NULL || equals == argument) {
    g_set_error (error, FWCTL_ERROR, FWCTL_ERROR_USAGE, _ ("“%s” is not KEY=VALUE"), argument);
    return FALSE;
  }
  key = g_strndup (argument, (gsize)(equals - argument));
  text = equals + 1;
  if (key_in (key, string_keys, G_N_ELEMENTS (string_keys))) {
    *out_value = g_variant_ref_sink (g_variant_new_string (text));
  } else if (key_in (key, number_keys, G_N_ELEMENTS (number_keys))) {
    if (!parse_number (key, text, &number, error))
      return FALSE;
    *out_value = g_variant_ref_sink (g_variant_new_uint32 (number));
  } else {
    g_set_error (error, FWCTL_ERROR, FWCTL_ERROR_USAGE,
                 _ ("Unknown setting “%s” (known: url, user, password, timeout, mode, progind, "
                    "ssl, pkgsize)"),
                 key);
    return FALSE;
  }
  *out_key = g_steal_pointer (&key);
  return TRUE;
}

GVariant *
fwctl_settings_parse_all (const char *const *arguments, gssize n_arguments, const char *password,
                          GError **error)
{
  g_auto (GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (gsize i = 0;
       arguments != NULL && (n_arguments < 0 || i < (gsize)n_arguments) && arguments[i] != NULL;
       i++) {
    g_autofree char *key = NULL;
    g_autoptr (GVariant) value = NULL;

    if (!fwctl_setting_parse (arguments[i], &key, &value, error))
      return NULL;
    if (g_str_equal (key, "password") && password != NULL) {
      g_set_error (error, FWCTL_ERROR, FWCTL_ERROR_USAGE,
                   _ ("Give the password either as password= or with --password-stdin"));
      return NULL;
    }
    if (g_hash_table_contains (seen, key)) {
      g_set_error (error, FWCTL_ERROR, FWCTL_ERROR_USAGE, _ ("“%s” is given twice"), key);
      return NULL;
    }
    g_variant_builder_add (&builder, "{sv}", key, value);
    g_hash_table_add (seen, g_steal_pointer (&key));
  }
  if (password != NULL)
    g_variant_builder_add (&builder, "{sv}", "password", g_variant_new_string (password));
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

static gboolean
is_number (const char *text)
{
  if (*text == '\0')
    return FALSE;
  for (; *text != '\0'; text++) {
    if (!g_ascii_isdigit (*text))
      return FALSE;
  }
  return TRUE;
}

gboolean
fwctl_module_id_matches (const char *module_id, const char *object_path, const char *imei,
                         const char *port)
{
  const char *last_slash;

  if (module_id == NULL || *module_id == '\0')
    return FALSE;
  if (g_strcmp0 (module_id, object_path) == 0)
    return TRUE;
  if (object_path != NULL && is_number (module_id)) {
    last_slash = strrchr (object_path, '/');
    if (last_slash != NULL && g_str_equal (last_slash + 1, module_id))
      return TRUE;
  }
  if (imei != NULL && *imei != '\0' && g_str_equal (module_id, imei))
    return TRUE;
  if (port != NULL && *port != '\0') {
    if (g_str_equal (module_id, port))
      return TRUE;
    /* "ttyUSB2" for "/dev/ttyUSB2". */
    if (strchr (module_id, '/') == NULL && g_str_has_prefix (port, "/dev/")
        && g_str_equal (port + strlen ("/dev/"), module_id))
      return TRUE;
  }
  return FALSE;
}
