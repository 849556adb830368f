/* SPDX-License-Identifier: GPL-2.0-or-later */
/* "erase" and "cancel": the two short commands that stop or undo a load. */
#include "config.h"

#include "fwctl-commands.h"

#include <glib/gi18n.h>

static int
run_short_command (FwctlContext *ctx, int argc, char **argv, const char *method,
                   const char *summary)
{
  g_autoptr (OnemoDBusFirmware) module = NULL;
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
  exit_code = fwctl_call_short (ctx, module, method, NULL, NULL);
  return exit_code == FWCTL_EXIT_OK ? fwctl_report_success (ctx, NULL, NULL) : exit_code;
}

int
fwctl_cmd_erase (FwctlContext *ctx, int argc, char **argv)
{
  return run_short_command (ctx, argc, argv, "Erase",
                            _ ("Erase the loaded package and the module's download state."));
}

int
fwctl_cmd_cancel (FwctlContext *ctx, int argc, char **argv)
{
  return run_short_command (ctx, argc, argv, "Cancel",
                            _ ("Stop the module's running download or write (not an upgrade)."));
}
