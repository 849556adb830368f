/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sim-fetch-fixture.h"

#include "onemo-model.h"

#include <glib/gstdio.h>

void
fixture_setup (Fixture *f, const char *model, int kind, const char *user, const char *password,
               const char *size, const char *const *extra)
{
  const OnemoModel *m = onemo_model_lookup (model);
  g_autofree char *revision = g_strdup_printf ("%s-MBRH9S99", model);
  g_autofree char *path = NULL;
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;

  f->root = g_dir_make_tmp ("onemo-fetch-XXXXXX", &error);
  g_assert_no_error (error);
  g_ptr_array_add (args, (gpointer) "--fs-root");
  g_ptr_array_add (args, f->root);
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer)extra[i]);
  g_ptr_array_add (args, NULL);
  f->client = sim_expect_start (model, (const char *const *)args->pdata);
  f->package = sim_expect_make_package (f->root, m->series, revision, size);
  path = g_build_filename (f->root, "pkg.bin", NULL);
  g_file_set_contents (path, g_bytes_get_data (f->package, NULL), g_bytes_get_size (f->package),
                       &error);
  g_assert_no_error (error);
  if (kind >= 0)
    f->server = test_server_start ((TestServerKind)kind, f->root, user, password);
}

void
fixture_teardown (Fixture *f)
{
  g_autoptr (GDir) dir = g_dir_open (f->root, 0, NULL);
  const char *name;

  g_clear_pointer (&f->client, sim_client_free);
  g_clear_pointer (&f->server, test_server_stop);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
    g_autofree char *path = g_build_filename (f->root, name, NULL);
    g_unlink (path);
  }
  g_rmdir (f->root);
  g_free (f->root);
  g_bytes_unref (f->package);
}

void
set_url (Fixture *f, const char *path)
{
  g_autofree char *url = test_server_url (f->server, path);
  g_autofree char *command = g_strdup_printf ("AT+MFWCFG=\"url\",\"%s\"", url);

  sim_expect_final (f->client, command, "OK");
}

gsize
package_size (Fixture *f)
{
  return g_bytes_get_size (f->package);
}

char *
next_dload (Fixture *f, gboolean skip_progress)
{
  for (;;) {
    char *line = sim_client_read_line (f->client, DOWNLOAD_MS);
    g_assert_nonnull (line);
    g_assert_true (g_str_has_prefix (line, "+MFWDLOAD: "));
    if (!skip_progress || !g_str_has_prefix (line, "+MFWDLOAD: 1,"))
      return line;
    g_free (line);
  }
}

void
expect_download_success (Fixture *f)
{
  g_autofree char *line = next_dload (f, TRUE);
  g_autofree char *expected
      = g_strdup_printf ("+MFWDLOAD: 2,%zu,%zu", package_size (f), package_size (f));

  g_assert_cmpstr (line, ==, expected);
}
