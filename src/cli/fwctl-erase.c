/* SPDX-License-Identifier: GPL-2.0-or-later */
/* "erase" and "cancel": the two short commands that stop or undo a load. */
#include "config.h"

#include "fwctl-commands.h"
#include "fwctl-run.h"

#include <glib/gi18n.h>

FWCTL_DEFINE_START (erase)
FWCTL_DEFINE_START (cancel)

typedef gboolean (*FinishFunc) (OnemoFwModule *module, GAsyncResult *result, GError **error);

static int
run_short_command (FwctlContext *ctx, int argc, char **argv, FwctlStartFunc start,
                   FinishFunc finish, const char *summary)
{
  g_autoptr (OnemoFwModule) module = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  int exit_code = 0;

  if (!fwctl_parse_command (ctx, "", summary, NULL, &argc, &argv, &exit_code))
    return exit_code;
  if (argc > 1) {
    g_autofree char *message = g_strdup_printf (_ ("“%s” takes no arguments"), argv[0]);
    return fwctl_usage_error (ctx, message);
  }
  module = fwctl_open_module (ctx, &exit_code);
  if (module == NULL)
    return exit_code;
  result = fwctl_call_short (ctx, module, start, NULL);
  if (!finish (module, result, &error))
    return fwctl_report_error (ctx, g_steal_pointer (&error));
  return fwctl_report_success (ctx, NULL, NULL);
}

int
fwctl_cmd_erase (FwctlContext *ctx, int argc, char **argv)
{
  return run_short_command (ctx, argc, argv, start_erase, onemo_fw_module_erase_finish,
                            _ ("Erase the loaded package and the module's download state."));
}

int
fwctl_cmd_cancel (FwctlContext *ctx, int argc, char **argv)
{
  return run_short_command (ctx, argc, argv, start_cancel, onemo_fw_module_cancel_finish,
                            _ ("Stop the module's running download or write (not an upgrade)."));
}
