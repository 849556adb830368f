/* SPDX-License-Identifier: GPL-2.0-or-later */
/* "show": every property of one module. */
#include "config.h"

#include "fwctl-commands.h"

#include <glib/gi18n.h>

/* The properties in the order shown: JSON uses the D-Bus names as keys, and their D-Bus
 * types; the values come from the library's properties. */
static const struct {
  const char *property;
  const char *name; /* OnemoFwModule's */
  const char *type;
  const char *label;
} properties[] = {
  { "Manufacturer", "manufacturer", "s", N_ ("Manufacturer") },
  { "Model", "model", "s", N_ ("Model") },
  { "SubModel", "sub-model", "s", N_ ("Sub-model") },
  { "Revision", "revision", "s", N_ ("Revision") },
  { "Imei", "imei", "s", N_ ("IMEI") },
  { "Port", "port", "s", N_ ("Port") },
  { "Capabilities", "capabilities", "as", N_ ("Capabilities") },
  { "State", "state", "s", N_ ("State") },
  { "DownloadTotal", "download-total", "t", N_ ("Download total") },
  { "DownloadedBytes", "downloaded-bytes", "t", N_ ("Downloaded") },
  { "UpgradePercent", "upgrade-percent", "u", N_ ("Upgrade percent") },
  { "LastError", "last-error", "s", N_ ("Last error") },
};

/* A property of @module as the service's D-Bus value. */
static GVariant *
property_value (OnemoFwModule *module, gsize i)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_object_get_property (G_OBJECT (module), properties[i].name, &value);
  if (G_VALUE_HOLDS (&value, G_TYPE_STRV) && g_value_get_boxed (&value) == NULL)
    return g_variant_ref_sink (g_variant_new_strv (NULL, 0));
  return g_dbus_gvalue_to_gvariant (&value, G_VARIANT_TYPE (properties[i].type));
}

static char *
value_text (GVariant *value)
{
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return g_variant_dup_string (value, NULL);
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY)) {
    g_autofree const char **strv = g_variant_get_strv (value, NULL);
    return g_strjoinv (" ", (char **)strv);
  }
  return g_variant_print (value, FALSE);
}

int
fwctl_cmd_show (FwctlContext *ctx, int argc, char **argv)
{
  g_autoptr (OnemoFwModule) module = NULL;
  g_autoptr (FwctlJson) json = fwctl_json_new ();
  int exit_code = 0;
  guint label_width = 0;

  if (!fwctl_parse_command (ctx, "", _ ("Show every property of the module."), NULL, &argc, &argv,
                            &exit_code))
    return exit_code;
  if (argc > 1)
    return fwctl_usage_error (ctx,
                              _ ("“show” takes no arguments; choose the module with --module"));
  module = fwctl_open_module (ctx, &exit_code);
  if (module == NULL)
    return exit_code;

  fwctl_json_begin_object (json);
  fwctl_json_member_string (json, "module", onemo_fw_module_get_object_path (module));
  label_width = fwctl_display_width (_ ("Module"));
  for (gsize i = 0; i < G_N_ELEMENTS (properties); i++)
    label_width = MAX (label_width, fwctl_display_width (_ (properties[i].label)));
  if (!ctx->json)
    g_print ("%s:%*s %s\n", _ ("Module"), (int)(label_width - fwctl_display_width (_ ("Module"))),
             "", onemo_fw_module_get_object_path (module));
  for (gsize i = 0; i < G_N_ELEMENTS (properties); i++) {
    g_autoptr (GVariant) value = property_value (module, i);
    const char *label = _ (properties[i].label);
    g_autofree char *text = NULL;

    if (value == NULL)
      continue;
    if (ctx->json) {
      fwctl_json_key (json, properties[i].property);
      fwctl_json_variant (json, value);
      continue;
    }
    text = value_text (value);
    /* Pad by display width: CJK labels take two columns a character. */
    g_print ("%s:%*s %s\n", label, (int)(label_width - fwctl_display_width (label)), "", text);
  }
  fwctl_json_end_object (json);
  if (ctx->json)
    fwctl_print_json (json);
  return FWCTL_EXIT_OK;
}
