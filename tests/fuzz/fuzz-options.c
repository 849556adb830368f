/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Every a{sv} a caller may pass, fuzzed: the bytes after the first are read as a serialized
 * a{sv} (in its normal form, as GDBus hands a method its arguments) and given to each option
 * parser, on a module of the sub-model the first byte picks: Configure()'s settings, Write()'s
 * options, Update()'s options (with an fd to a regular file at index 0), the host options that
 * Fetch() and Update() share, and AddPort()'s options. Besides the sanitizers, each parser's
 * promise is checked: a refusal is InvalidArgument or NotSupported, an acceptance is something
 * the sub-model can do.
 */
#include "onemo-flow-host.h"
#include "onemo-flow-update.h"
#include "onemo-manager.h"
#include "onemo-module-private.h"
#include "fuzz-require.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* A refusal names one of the two argument errors (or @also, -1 for none), an acceptance none. */
static void
require_refusal_or (gboolean ok, GError **error, int also)
{
  if (ok)
    require (*error == NULL);
  else if (!g_error_matches (*error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT)
           && !g_error_matches (*error, ONEMO_ERROR, ONEMO_ERROR_NOT_SUPPORTED)
           && !g_error_matches (*error, ONEMO_ERROR, also)) {
    g_printerr ("refused with %s %d: %s\n", g_quark_to_string ((*error)->domain), (*error)->code,
                (*error)->message);
    abort ();
  }
  g_clear_error (error);
}

static void
require_refusal (gboolean ok, GError **error)
{
  require_refusal_or (ok, error, -1);
}

static OnemoDaemonOptions daemon_options;

/* One module per sub-model, identified as its row says, never opened. */
static OnemoModule *
module_for (guint8 selector)
{
  static GPtrArray *modules;
  const OnemoModel *table = onemo_model_table ();

  if (modules == NULL) {
    onemo_daemon_options_init (&daemon_options);
    modules = g_ptr_array_new ();
    for (guint i = 0; table[i].sub_model != NULL; i++) {
      OnemoModule *module
          = onemo_module_new ("/dev/ttyFUZZ0", 115200, FALSE, NULL, &daemon_options);
      onemo_module_set_identity (module, "CMCC", table[i].series, &table[i], table[i].features,
                                 "REVISION", "869487060000001");
      g_ptr_array_add (modules, module);
    }
  }
  return g_ptr_array_index (modules, selector % modules->len);
}

/* Update()'s fd: a regular file, never read by the parser. */
static GUnixFDList *
package_fds (void)
{
  static GUnixFDList *list;

  if (list == NULL) {
    int fd = memfd_create ("fuzz-package", MFD_CLOEXEC);
    require (fd >= 0 && write (fd, "package", 7) == 7);
    list = g_unix_fd_list_new_from_array (&fd, 1);
  }
  return list;
}

static void
fuzz_configure (OnemoModule *module, GVariant *options)
{
  GError *error = NULL;
  g_autoptr (OnemoCommandSequence) sequence = onemo_flow_configure_build (module, options, &error);

  require_refusal (sequence != NULL, &error);
}

static void
fuzz_write (OnemoModule *module, GVariant *options)
{
  const OnemoModel *model = onemo_module_get_model (module);
  OnemoWriteOptions out = { 0 };
  GError *error = NULL;
  gboolean ok = onemo_flow_write_parse_options (module, options, &out, &error);

  require (!ok
           || onemo_model_supports (model, out.mode == ONEMO_AT_WRITE_HEX
                                               ? ONEMO_FEATURE_DLOAD_HEX
                                               : ONEMO_FEATURE_DLOAD_TRANSPARENT));
  require (!ok || out.offset == 0 || onemo_model_supports (model, ONEMO_FEATURE_DLOAD_OFFSET));
  require_refusal (ok, &error);
}

static void
fuzz_update (OnemoModule *module, GVariant *options)
{
  OnemoUpdate update = { .module = module, .fd = -1 };
  GError *error = NULL;
  gboolean ok = onemo_update_parse (&update, options, package_fds (), &error);

  /* Exactly one source: an fd the host writes, or a URL. */
  require (!ok || (update.fd >= 0) != (update.url != NULL));
  require (!ok || update.fd < 0 || update.route == ONEMO_UPDATE_HOST);
  require (!ok || update.password == NULL || update.user != NULL);
  /* A URL the host cannot fetch leaves the module's digest with nothing to be checked against. */
  require_refusal_or (ok, &error, ONEMO_ERROR_NOT_VERIFIED);
  if (update.fd >= 0)
    close (update.fd);
  g_free (update.url);
  g_free (update.user);
  g_free (update.password);
  g_clear_pointer (&update.ca, g_bytes_unref);
  g_free (update.expected_sha256);
}

/* Fetch()'s options: the shared host options and its offset. */
static void
fuzz_fetch (OnemoModule *module, GVariant *options)
{
  OnemoHostOptions host = { 0 };
  guint64 offset = 0;
  GError *error = NULL;
  gboolean ok = onemo_flow_fetch_parse_options (module, options, &host, &offset, &error);

  require (!ok || host.password == NULL || host.user != NULL);
  require (!ok || offset == 0
           || onemo_model_supports (onemo_module_get_model (module), ONEMO_FEATURE_DLOAD_OFFSET));
  require_refusal (ok, &error);
  onemo_host_options_clear (&host);
}

/* The options Fetch() and Update() share, key by key, then their checks. */
static void
fuzz_host_options (OnemoModule *module, GVariant *options)
{
  OnemoHostOptions host = { 0 };
  GError *error = NULL;
  GVariantIter iter;
  const char *key;
  GVariant *value;
  gboolean ok = TRUE;

  g_variant_iter_init (&iter, options);
  while (ok && g_variant_iter_next (&iter, "{&sv}", &key, &value)) {
    gboolean handled;

    ok = onemo_host_options_take (module, &host, key, value, &handled, &error) || !handled;
    g_variant_unref (value);
  }
  ok = ok && onemo_host_options_check_fetch (&host, &error)
       && onemo_host_options_check_write (module, &host, 0, &error);
  require (!ok || host.password == NULL || host.user != NULL);
  require_refusal (ok, &error);
}

static void
fuzz_add_port (GVariant *options)
{
  OnemoPortSettings settings = { 0 };
  GError *error = NULL;
  gboolean ok = onemo_port_settings_parse (options, &settings, &error);

  require (!ok || settings.model == NULL || onemo_model_lookup (settings.model->sub_model));
  require_refusal (ok, &error);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GVariant) raw = NULL;
  g_autoptr (GVariant) options = NULL;
  OnemoModule *module;

  if (size < 1)
    return 0;
  module = module_for (data[0]);
  raw = g_variant_ref_sink (
      g_variant_new_from_data (G_VARIANT_TYPE_VARDICT, data + 1, size - 1, FALSE, NULL, NULL));
  options = g_variant_get_normal_form (raw);
  fuzz_configure (module, options);
  fuzz_write (module, options);
  fuzz_update (module, options);
  fuzz_host_options (module, options);
  fuzz_fetch (module, options);
  fuzz_add_port (options);
  return 0;
}
