/* SPDX-License-Identifier: GPL-2.0-or-later */
/* "config": GetConfiguration without arguments, Configure with KEY=VALUE arguments. */
#include "config.h"

#include "fwctl-commands.h"
#include "fwctl-run.h"
#include "fwctl-settings.h"

#include <glib/gi18n.h>

static gint
compare_keys (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *)a, *(const char *const *)b);
}

FWCTL_DEFINE_START (get_configuration)

static void
start_configure (OnemoFwModule *module, gpointer settings, GAsyncReadyCallback callback,
                 gpointer user_data)
{
  onemo_fw_module_configure_async (module, settings, NULL, callback, user_data);
}

static int
show_configuration (FwctlContext *ctx, OnemoFwModule *module)
{
  g_autoptr (GAsyncResult) result = fwctl_call_short (ctx, module, start_get_configuration, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) settings = onemo_fw_module_get_configuration_finish (module, result, &error);
  g_autoptr (FwctlJson) json = fwctl_json_new ();

  if (settings == NULL)
    return fwctl_report_error (ctx, g_steal_pointer (&error));
  if (ctx->json) {
    fwctl_json_variant (json, settings);
    fwctl_print_json (json);
    return FWCTL_EXIT_OK;
  }

  /* Sorted, so the output is the same every time. */
  {
    g_autoptr (GVariantDict) dict = g_variant_dict_new (settings);
    g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
    GVariantIter iter;
    const char *key;

    g_variant_iter_init (&iter, settings);
    while (g_variant_iter_next (&iter, "{&sv}", &key, NULL))
      g_ptr_array_add (keys, g_strdup (key));
    g_ptr_array_sort (keys, compare_keys);
    for (guint i = 0; i < keys->len; i++) {
      g_autoptr (GVariant) value = g_variant_dict_lookup_value (dict, keys->pdata[i], NULL);
      g_autofree char *text = g_variant_is_of_type (value, G_VARIANT_TYPE_STRING)
                                  ? g_variant_dup_string (value, NULL)
                                  : g_variant_print (value, FALSE);
      g_print ("%s=%s\n", (const char *)keys->pdata[i], text);
    }
  }
  return FWCTL_EXIT_OK;
}

int
fwctl_cmd_config (FwctlContext *ctx, int argc, char **argv)
{
  g_autoptr (OnemoFwModule) module = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GVariant) settings = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *password = NULL;
  gboolean password_stdin = FALSE;
  int exit_code = 0;
  const GOptionEntry entries[] = {
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin,
      N_ ("Read the password from the first line of standard input"), NULL },
    { NULL },
  };

  if (!fwctl_parse_command (ctx, _ ("[KEY=VALUE…]"),
                            _ ("Without arguments, show the module's download settings; with "
                               "KEY=VALUE arguments, change them.\n\nKeys: url, user, password "
                               "(text); timeout, mode, progind, ssl, pkgsize (numbers; mode also "
                               "“differential” or “full”)."),
                            entries, &argc, &argv, &exit_code))
    return exit_code;
  if (password_stdin) {
    password = fwctl_read_stdin_line (&error);
    if (password == NULL)
      return fwctl_report_error (ctx, g_steal_pointer (&error));
  }
  /* Check the arguments before touching the bus: a typo is a usage error wherever it runs. */
  if (argc > 1 || password != NULL) {
    settings = fwctl_settings_parse_all ((const char *const *)argv + 1, argc - 1, password, &error);
    if (settings == NULL)
      return fwctl_report_error (ctx, g_steal_pointer (&error));
  }
  module = fwctl_open_module (ctx, &exit_code);
  if (module == NULL)
    return exit_code;
  if (settings == NULL)
    return show_configuration (ctx, module);

  result = fwctl_call_short (ctx, module, start_configure, settings);
  if (!onemo_fw_module_configure_finish (module, result, &error))
    return fwctl_report_error (ctx, g_steal_pointer (&error));
  return fwctl_report_success (ctx, NULL, NULL);
}
