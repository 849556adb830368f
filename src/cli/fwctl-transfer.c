/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Loading a package into the module: "download" (by the module), "write FILE", "fetch URL". */
#include "config.h"

#include "fwctl-commands.h"
#include "fwctl-package.h"
#include "fwctl-run.h"

#include <glib/gi18n.h>

int
fwctl_cmd_download (FwctlContext *ctx, int argc, char **argv)
{
  g_autoptr (OnemoDBusFirmware) module = NULL;
  int exit_code = 0;

  if (!fwctl_parse_command (ctx, "",
                            _ ("Let the module download the package from the URL set with "
                               "“config url=…”. Run it again to resume an interrupted download."),
                            NULL, &argc, &argv, &exit_code))
    return exit_code;
  if (argc > 1)
    return fwctl_usage_error (ctx, _ ("“download” takes no arguments"));
  module = fwctl_open_module (ctx, &exit_code);
  if (module == NULL)
    return exit_code;
  exit_code = fwctl_run_long (ctx, module, "Download", NULL, NULL, NULL);
  return exit_code == FWCTL_EXIT_OK ? fwctl_report_success (ctx, NULL, NULL) : exit_code;
}

int
fwctl_cmd_write (FwctlContext *ctx, int argc, char **argv)
{
  g_auto (FwctlPackageOptions) options = { .offset = -1 };
  g_auto (GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  g_autoptr (GUnixFDList) fd_list = g_unix_fd_list_new ();
  g_autoptr (OnemoDBusFirmware) module = NULL;
  g_autoptr (GError) error = NULL;
  gint fd_index = -1;
  g_autoptr (GArray) entries
      = fwctl_package_entries (&options, FWCTL_PACKAGE_MODE | FWCTL_PACKAGE_OFFSET);
  int exit_code = 0;

  if (!fwctl_parse_command (ctx, _ ("FILE"),
                            _ ("Write the package FILE to the module over its serial port."),
                            (const GOptionEntry *)entries->data, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2)
    return fwctl_usage_error (ctx, _ ("“write” needs one FILE"));
  if (!fwctl_package_options_build (&options, &builder, &error)
      || !fwctl_package_open (argv[1], fd_list, &fd_index, &error))
    return fwctl_report_error (ctx, g_steal_pointer (&error));
  module = fwctl_open_module (ctx, &exit_code);
  if (module == NULL)
    return exit_code;
  exit_code = fwctl_run_long (
      ctx, module, "Write", g_variant_new ("(h@a{sv})", fd_index, g_variant_builder_end (&builder)),
      fd_list, NULL);
  return exit_code == FWCTL_EXIT_OK ? fwctl_report_success (ctx, NULL, NULL) : exit_code;
}

int
fwctl_cmd_fetch (FwctlContext *ctx, int argc, char **argv)
{
  g_auto (FwctlPackageOptions) options = { .offset = -1 };
  g_auto (GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  g_autoptr (OnemoDBusFirmware) module = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) entries = fwctl_package_entries (
      &options, FWCTL_PACKAGE_SERVER | FWCTL_PACKAGE_MODE | FWCTL_PACKAGE_OFFSET);
  int exit_code = 0;

  if (!fwctl_parse_command (ctx, _ ("URL"),
                            _ ("Download the package at URL (http, https, ftp, ftps) on this host "
                               "and write it to the module."),
                            (const GOptionEntry *)entries->data, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2)
    return fwctl_usage_error (ctx, _ ("“fetch” needs one URL"));
  if (!fwctl_package_options_build (&options, &builder, &error))
    return fwctl_report_error (ctx, g_steal_pointer (&error));
  module = fwctl_open_module (ctx, &exit_code);
  if (module == NULL)
    return exit_code;
  exit_code = fwctl_run_long (
      ctx, module, "Fetch", g_variant_new ("(s@a{sv})", argv[1], g_variant_builder_end (&builder)),
      NULL, NULL);
  return exit_code == FWCTL_EXIT_OK ? fwctl_report_success (ctx, NULL, NULL) : exit_code;
}
