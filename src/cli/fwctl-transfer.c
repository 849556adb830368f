/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Loading a package into the module: "download" (by the module), "write FILE", "fetch URL". */
#include "config.h"

#include "fwctl-commands.h"
#include "fwctl-package.h"
#include "fwctl-run.h"

#include <glib/gi18n.h>

FWCTL_DEFINE_START (download)

/* The package and options of a write or a fetch. */
typedef struct {
  GFile *file;
  const char *url;
  GVariant *options;
} Load;

static void
start_write (OnemoFwModule *module, gpointer args, GAsyncReadyCallback callback, gpointer user_data)
{
  Load *load = args;

  onemo_fw_module_write_async (module, load->file, load->options, NULL, callback, user_data);
}

static void
start_fetch (OnemoFwModule *module, gpointer args, GAsyncReadyCallback callback, gpointer user_data)
{
  Load *load = args;

  onemo_fw_module_fetch_async (module, load->url, load->options, NULL, callback, user_data);
}

/* Runs a long load and reports its end; returns the exit code. */
static int
run_load (FwctlContext *ctx, OnemoFwModule *module, const char *first_state, FwctlStartFunc start,
          Load *load, gboolean (*finish) (OnemoFwModule *, GAsyncResult *, GError **))
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  result = fwctl_run_long (ctx, module, first_state, start, load, &error);
  if (result == NULL || !finish (module, result, &error))
    return fwctl_report_error (ctx, g_steal_pointer (&error));
  return fwctl_report_success (ctx, NULL, NULL);
}

int
fwctl_cmd_download (FwctlContext *ctx, int argc, char **argv)
{
  g_autoptr (OnemoFwModule) module = NULL;
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
  return run_load (ctx, module, "downloading", start_download, NULL,
                   onemo_fw_module_download_finish);
}

int
fwctl_cmd_write (FwctlContext *ctx, int argc, char **argv)
{
  g_auto (FwctlPackageOptions) options = { .offset = -1 };
  g_auto (GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  g_autoptr (GUnixFDList) fd_list = g_unix_fd_list_new ();
  g_autoptr (OnemoFwModule) module = NULL;
  g_autoptr (GFile) file = NULL;
  g_autoptr (GVariant) load_options = NULL;
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
  /* Checked above with the CLI's own messages; the library opens it again for the call. */
  file = g_file_new_for_path (argv[1]);
  load_options = g_variant_ref_sink (g_variant_builder_end (&builder));
  return run_load (ctx, module, "writing", start_write,
                   &(Load){ .file = file, .options = load_options }, onemo_fw_module_write_finish);
}

int
fwctl_cmd_fetch (FwctlContext *ctx, int argc, char **argv)
{
  g_auto (FwctlPackageOptions) options = { .offset = -1 };
  g_auto (GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  g_autoptr (OnemoFwModule) module = NULL;
  g_autoptr (GVariant) load_options = NULL;
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
  load_options = g_variant_ref_sink (g_variant_builder_end (&builder));
  return run_load (ctx, module, "downloading", start_fetch,
                   &(Load){ .url = argv[1], .options = load_options },
                   onemo_fw_module_fetch_finish);
}
