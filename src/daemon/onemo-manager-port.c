/* SPDX-License-Identifier: GPL-2.0-or-later */
/* AddPort()'s options and the configuration file's values, checked before anything is opened
 * (the path itself: onemo-port-check.c). */
#include "onemo-manager.h"

#include "onemo-error.h"

#define DEFAULT_BAUD 115200

gboolean
onemo_port_settings_check_model (const char *name, const OnemoModel **out, GError **error)
{
  const OnemoModel *model = onemo_model_lookup (name);

  if (model == NULL) {
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT, "Unknown sub-model \"%s\"",
                 g_utf8_validate (name, -1, NULL) ? name : "(not UTF-8)");
    return FALSE;
  }
  *out = model;
  return TRUE;
}

gboolean
onemo_port_settings_check_baud (guint64 baud, GError **error)
{
  /* The rates Linux termios has (Bxxx); AT+IPR spans 1200–921600. */
  static const guint rates[]
      = { 1200,    1800,    2400,    4800,    9600,    19200,  38400,   57600,
          115200,  230400,  460800,  500000,  576000,  921600, 1000000, 1152000,
          1500000, 2000000, 2500000, 3000000, 3500000, 4000000 };

  for (guint i = 0; i < G_N_ELEMENTS (rates); i++)
    if (rates[i] == baud)
      return TRUE;
  g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT,
               "%" G_GUINT64_FORMAT " is not a baud rate a tty can take", baud);
  return FALSE;
}

static gboolean
check_type (const char *key, GVariant *value, const GVariantType *type, GError **error)
{
  if (g_variant_is_of_type (value, type))
    return TRUE;
  g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT,
               "Option \"%s\" must be of type %.*s, not %s", key,
               (int)g_variant_type_get_string_length (type), g_variant_type_peek_string (type),
               g_variant_get_type_string (value));
  return FALSE;
}

gboolean
onemo_port_settings_parse (GVariant *options, OnemoPortSettings *out, GError **error)
{
  OnemoPortSettings settings = { NULL, DEFAULT_BAUD, FALSE };
  GVariantIter iter;
  const char *key;
  GVariant *value;

  g_variant_iter_init (&iter, options);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value)) {
    g_autoptr (GVariant) owned = value;

    if (g_str_equal (key, "model")) {
      if (!check_type (key, value, G_VARIANT_TYPE_STRING, error)
          || !onemo_port_settings_check_model (g_variant_get_string (value, NULL), &settings.model,
                                               error))
        return FALSE;
    } else if (g_str_equal (key, "baud")) {
      if (!check_type (key, value, G_VARIANT_TYPE_UINT32, error)
          || !onemo_port_settings_check_baud (g_variant_get_uint32 (value), error))
        return FALSE;
      settings.baud = g_variant_get_uint32 (value);
    } else if (g_str_equal (key, "flow-control")) {
      if (!check_type (key, value, G_VARIANT_TYPE_BOOLEAN, error))
        return FALSE;
      settings.flow_control = g_variant_get_boolean (value);
    } else {
      g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT, "Unknown option \"%s\"",
                   g_utf8_validate (key, -1, NULL) ? key : "(not UTF-8)");
      return FALSE;
    }
  }
  *out = settings;
  return TRUE;
}
