/* SPDX-License-Identifier: GPL-2.0-or-later */
/* "update FILE|URL": the service's safe flow: erase, load, verify, upgrade, confirm. */
#include "config.h"

#include "fwctl-commands.h"
#include "fwctl-package.h"
#include "fwctl-run.h"
#include "fwctl-update.h"

#include <glib/gi18n.h>
#include <string.h>

/* What the caller knows of the package: the service checks it before the upgrade. */
typedef struct {
  char *sha256;
  gint64 size;
} Expected;

static gboolean
expected_build (const Expected *expected, GVariantBuilder *builder, GError **error)
{
  if (expected->sha256 != NULL) {
    if (strlen (expected->sha256) != 64
        || strspn (expected->sha256, "0123456789abcdefABCDEF") != 64) {
      g_set_error_literal (error, FWCTL_ERROR, FWCTL_ERROR_USAGE,
                           _ ("--sha256 takes the 64 hexadecimal digits of a SHA-256 digest"));
      return FALSE;
    }
    g_variant_builder_add (builder, "{sv}", "sha256", g_variant_new_string (expected->sha256));
  }
  if (expected->size < -1 || expected->size == 0) {
    g_set_error_literal (error, FWCTL_ERROR, FWCTL_ERROR_USAGE,
                         _ ("--size takes the package's size in bytes"));
    return FALSE;
  }
  if (expected->size > 0)
    g_variant_builder_add (builder, "{sv}", "size", g_variant_new_uint64 ((guint64)expected->size));
  return TRUE;
}

gboolean
fwctl_update_check_source (const char *source, GError **error)
{
  g_autoptr (GUnixFDList) fd_list = g_unix_fd_list_new ();
  gint fd_index = -1;

  return fwctl_package_is_url (source) || fwctl_package_open (source, fd_list, &fd_index, error);
}

/* The package and options of an update. */
typedef struct {
  GFile *file;
  const char *uri;
  GVariant *options;
} Update;

static void
start_update (OnemoFwModule *module, gpointer args, GAsyncReadyCallback callback,
              gpointer user_data)
{
  Update *update = args;

  onemo_fw_module_update_async (module, update->file, update->uri, update->options, NULL, NULL,
                                NULL, NULL, callback, user_data);
}

gboolean
fwctl_update_module (FwctlContext *ctx, OnemoFwModule *module, GVariant *base, const char *source,
                     GError **error)
{
  g_autoptr (GFile) file = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  Update update = { .options = base };

  /* A file is opened anew for each module: checked first with the CLI's own messages. */
  if (!fwctl_update_check_source (source, error))
    return FALSE;
  if (fwctl_package_is_url (source))
    update.uri = source;
  else
    update.file = file = g_file_new_for_path (source);
  result = fwctl_run_long (ctx, module, NULL, start_update, &update, error);
  return result != NULL && onemo_fw_module_update_finish (module, result, error);
}

static int
update_one (FwctlContext *ctx, GVariant *base, const char *source)
{
  g_autoptr (OnemoFwModule) module = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *revision = NULL;
  int exit_code = 0;

  if (!fwctl_update_check_source (source, &error))
    return fwctl_report_error (ctx, g_steal_pointer (&error));
  module = fwctl_open_module (ctx, &exit_code);
  if (module == NULL)
    return exit_code;
  if (!fwctl_update_module (ctx, module, base, source, &error))
    return fwctl_report_error (ctx, g_steal_pointer (&error));
  revision = fwctl_get_string_property (ctx, module, "Revision");
  if (!ctx->json && !ctx->quiet)
    g_print (_ ("Updated: the module now runs %s\n"), revision);
  return fwctl_report_success (ctx, "revision", revision);
}

int
fwctl_cmd_update (FwctlContext *ctx, int argc, char **argv)
{
  g_auto (FwctlPackageOptions) options = { .offset = -1 };
  g_auto (GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  g_autoptr (GVariant) base = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) entries = fwctl_package_entries (
      &options, FWCTL_PACKAGE_VIA | FWCTL_PACKAGE_SERVER | FWCTL_PACKAGE_MODE);
  Expected expected = { .size = -1 };
  g_autofree char *sha256 = NULL;
  gboolean all = FALSE;
  g_auto (GStrv) sub_models = NULL;
  g_autofree char *revision = NULL;
  const GOptionEntry checks[] = {
    { "sha256", 0, 0, G_OPTION_ARG_STRING, &sha256,
      N_ ("The package's SHA-256 digest: nothing is upgraded unless it matches"), N_ ("HEX") },
    { "size", 0, 0, G_OPTION_ARG_INT64, &expected.size,
      N_ ("The package's size in bytes: nothing is upgraded unless it matches"), N_ ("BYTES") },
    { "all", 0, 0, G_OPTION_ARG_NONE, &all,
      N_ ("Update every module: one first, the others only if it succeeded"), NULL },
    { "sub-model", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sub_models,
      N_ ("With --all: only the modules of this sub-model (repeatable)"), N_ ("SUB-MODEL") },
    { "expect-revision", 0, 0, G_OPTION_ARG_STRING, &revision,
      N_ ("With --all: the revision the package installs; modules running it are left alone"),
      N_ ("REVISION") },
  };
  int exit_code = 0;

  g_array_insert_vals (entries, 0, checks, G_N_ELEMENTS (checks));

  if (!fwctl_parse_command (ctx, _ ("FILE|URL"),
                            _ ("Update the module from a package FILE or URL: erase leftovers, "
                               "load the package, verify it, upgrade, and check the new revision."),
                            (const GOptionEntry *)entries->data, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2)
    return fwctl_usage_error (ctx, _ ("“update” needs one FILE or URL"));
  if (all && ctx->module_id != NULL)
    return fwctl_usage_error (ctx, _ ("--all and --module cannot go together"));
  if ((sub_models != NULL || revision != NULL) && !all)
    return fwctl_usage_error (ctx, _ ("--sub-model and --expect-revision go with --all"));
  expected.sha256 = sha256;
  if (!fwctl_package_options_build (&options, &builder, &error)
      || !expected_build (&expected, &builder, &error))
    return fwctl_report_error (ctx, g_steal_pointer (&error));
  base = g_variant_ref_sink (g_variant_builder_end (&builder));
  if (all)
    return fwctl_update_all (ctx, base, argv[1], (const char *const *)sub_models, revision);
  return update_one (ctx, base, argv[1]);
}
