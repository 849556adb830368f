/* SPDX-License-Identifier: GPL-2.0-or-later */
/* "list": one line per module. */
#include "config.h"

#include "fwctl-commands.h"

#include <glib/gi18n.h>

/* One object per line, as every --json output: no module, no line. */
static void
list_json (GList *modules)
{
  for (GList *l = modules; l != NULL; l = l->next) {
    g_autoptr (FwctlJson) json = fwctl_json_new ();
    OnemoFwModule *module = l->data;
    const char *path = onemo_fw_module_get_object_path (module);

    fwctl_json_begin_object (json);
    fwctl_json_member_string (json, "module", path);
    fwctl_json_member_string (json, "id", fwctl_module_short_id (path));
    fwctl_json_member_string (json, "sub-model", onemo_fw_module_get_sub_model (module));
    fwctl_json_member_string (json, "revision", onemo_fw_module_get_revision (module));
    fwctl_json_member_string (json, "port", onemo_fw_module_get_port (module));
    fwctl_json_member_string (json, "imei", onemo_fw_module_get_imei (module));
    fwctl_json_member_string (json, "state", onemo_fw_module_get_state (module));
    fwctl_json_end_object (json);
    fwctl_print_json (json);
  }
}

static const char *
or_dash (const char *text)
{
  return text != NULL && *text != '\0' ? text : "-";
}

int
fwctl_cmd_list (FwctlContext *ctx, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  GList *modules;
  int exit_code;

  if (!fwctl_parse_command (ctx, "",
                            _ ("List the modules: number, sub-model, revision, port, state."), NULL,
                            &argc, &argv, &exit_code))
    return exit_code;
  if (argc > 1)
    return fwctl_usage_error (ctx, _ ("“list” takes no arguments"));
  if (!fwctl_connect (ctx, &error))
    return fwctl_report_error (ctx, g_steal_pointer (&error));

  modules = fwctl_list_modules (ctx);
  if (ctx->json) {
    list_json (modules);
  } else if (modules == NULL) {
    if (ctx->output != FWCTL_OUTPUT_QUIET)
      g_print ("%s\n", _ ("No modules."));
  } else {
    for (GList *l = modules; l != NULL; l = l->next) {
      OnemoFwModule *module = l->data;
      g_print ("%-3s %-14s %-26s %-16s %s\n",
               fwctl_module_short_id (onemo_fw_module_get_object_path (module)),
               or_dash (onemo_fw_module_get_sub_model (module)),
               or_dash (onemo_fw_module_get_revision (module)),
               or_dash (onemo_fw_module_get_port (module)),
               or_dash (onemo_fw_module_get_state (module)));
    }
  }
  g_list_free_full (modules, g_object_unref);
  return FWCTL_EXIT_OK;
}
