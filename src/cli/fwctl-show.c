/* SPDX-License-Identifier: GPL-2.0-or-later */
/* "show": every property of one module. */
#include "config.h"

#include "fwctl-commands.h"

#include <glib/gi18n.h>

/* The properties in the order shown; JSON uses the D-Bus names as keys. */
static const struct {
  const char *property;
  const char *label;
} properties[] = {
  { "Manufacturer", N_ ("Manufacturer") },
  { "Model", N_ ("Model") },
  { "SubModel", N_ ("Sub-model") },
  { "Revision", N_ ("Revision") },
  { "Imei", N_ ("IMEI") },
  { "Port", N_ ("Port") },
  { "Capabilities", N_ ("Capabilities") },
  { "State", N_ ("State") },
  { "DownloadTotal", N_ ("Download total") },
  { "DownloadedBytes", N_ ("Downloaded") },
  { "UpgradePercent", N_ ("Upgrade percent") },
  { "LastError", N_ ("Last error") },
};

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
  g_autoptr (OnemoDBusFirmware) module = NULL;
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
  fwctl_json_member_string (json, "module", g_dbus_proxy_get_object_path (G_DBUS_PROXY (module)));
  label_width = fwctl_display_width (_ ("Module"));
  for (gsize i = 0; i < G_N_ELEMENTS (properties); i++)
    label_width = MAX (label_width, fwctl_display_width (_ (properties[i].label)));
  if (!ctx->json)
    g_print ("%s:%*s %s\n", _ ("Module"), (int)(label_width - fwctl_display_width (_ ("Module"))),
             "", g_dbus_proxy_get_object_path (G_DBUS_PROXY (module)));
  for (gsize i = 0; i < G_N_ELEMENTS (properties); i++) {
    g_autoptr (GVariant) value
        = g_dbus_proxy_get_cached_property (G_DBUS_PROXY (module), properties[i].property);
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
