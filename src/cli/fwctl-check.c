/* SPDX-License-Identifier: GPL-2.0-or-later */
/* "check [md5|sha1|sha256]": the module's digest of the loaded package (AT+MFWCHECK). */
#include "config.h"

#include "fwctl-commands.h"
#include "fwctl-run.h"

#include <glib/gi18n.h>

static const char *const algorithms[] = { "md5", "sha1", "sha256" };

static void
start_checksum (OnemoFwModule *module, gpointer args, GAsyncReadyCallback callback,
                gpointer user_data)
{
  onemo_fw_module_checksum_async (module, *(OnemoFwChecksum *)args, NULL, callback, user_data);
}

int
fwctl_cmd_check (FwctlContext *ctx, int argc, char **argv)
{
  g_autoptr (OnemoFwModule) module = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *checksum = NULL;
  guint algorithm = 2;
  OnemoFwChecksum which;
  int exit_code = 0;

  if (!fwctl_parse_command (
          ctx, "[md5|sha1|sha256]",
          _ ("Print the module's digest of the loaded package (default: sha256)."), NULL, &argc,
          &argv, &exit_code))
    return exit_code;
  if (argc > 2)
    return fwctl_usage_error (ctx, _ ("“check” takes at most one algorithm"));
  if (argc == 2) {
    for (algorithm = 0; algorithm < G_N_ELEMENTS (algorithms); algorithm++) {
      if (g_ascii_strcasecmp (argv[1], algorithms[algorithm]) == 0)
        break;
    }
    if (algorithm == G_N_ELEMENTS (algorithms))
      return fwctl_usage_error (ctx, _ ("The algorithm is md5, sha1 or sha256"));
  }
  module = fwctl_open_module (ctx, &exit_code);
  if (module == NULL)
    return exit_code;
  /* The digest alone on stdout, so that "sum=$(onemo-fwctl check)" works. */
  if (!ctx->json)
    ctx->output = FWCTL_OUTPUT_QUIET;
  /* The module reads the whole package: give it the long timeout. */
  which = (OnemoFwChecksum)algorithm;
  result = fwctl_run_long (ctx, module, "verifying", start_checksum, &which, &error);
  if (result != NULL)
    checksum = onemo_fw_module_checksum_finish (module, result, &error);
  if (checksum == NULL)
    return fwctl_report_error (ctx, g_steal_pointer (&error));
  if (ctx->json)
    return fwctl_report_success (ctx, "checksum", checksum);
  g_print ("%s\n", checksum);
  return FWCTL_EXIT_OK;
}
