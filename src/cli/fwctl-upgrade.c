/* SPDX-License-Identifier: GPL-2.0-or-later */
/* "upgrade": install the loaded package, following the module through its reboots. */
#include "config.h"

#include "fwctl-commands.h"
#include "fwctl-run.h"

#include <glib/gi18n.h>

FWCTL_DEFINE_START (upgrade)

int
fwctl_cmd_upgrade (FwctlContext *ctx, int argc, char **argv)
{
  g_autoptr (OnemoFwModule) module = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *revision = NULL;
  int exit_code = 0;

  if (!fwctl_parse_command (ctx, "",
                            _ ("Upgrade the module with the package already loaded. An upgrade "
                               "cannot be interrupted; prefer “update”, which verifies first."),
                            NULL, &argc, &argv, &exit_code))
    return exit_code;
  if (argc > 1)
    return fwctl_usage_error (ctx, _ ("“upgrade” takes no arguments"));
  module = fwctl_open_module (ctx, &exit_code);
  if (module == NULL)
    return exit_code;
  result = fwctl_run_long (ctx, module, "upgrading", start_upgrade, NULL, &error);
  if (result == NULL || !onemo_fw_module_upgrade_finish (module, result, &error))
    return fwctl_report_error (ctx, g_steal_pointer (&error));
  revision = fwctl_get_string_property (ctx, module, "Revision");
  if (!ctx->json && !ctx->quiet)
    g_print (_ ("Upgraded: the module now runs %s\n"), revision);
  return fwctl_report_success (ctx, "revision", revision);
}
