/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The simulated module fetching packages itself from real servers on 127.0.0.1: AT+MFWDLOAD
 * with progress, resume and failures over HTTP, HTTPS, FTP, FTPS and file://, and the
 * self-downloading AT+MFWUPGRADE of ML30x and ML307R with its reboots.
 */
#include "onemo-model.h"
#include "sim-fetch-fixture.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

static void
expect_upgrade_to_new (Fixture *f, const char *model)
{
  g_autofree char *revision = NULL;
  g_autofree char *expected = g_strdup_printf ("%s-MBRH9S99", model);

  sim_expect_final (f->client, "AT+MFWUPGRADE", "OK");
  sim_expect_line (f->client, "+MFWUPGRADE: 2");
  sim_expect_uart_reboot (f->client); /* all NB-IoT here */
  revision = sim_expect_revision (f->client);
  g_assert_cmpstr (revision, ==, expected);
}

/* ---- AT+MFWDLOAD ---- */

static void
test_http_progress (void)
{
  Fixture f = { 0 };
  gsize size;
  guint n_progress = 0;

  fixture_setup (&f, "MN316-S-DLVS", TEST_SERVER_HTTP, NULL, NULL, "10000", NULL);
  size = package_size (&f);
  set_url (&f, "pkg.bin");
  sim_expect_final (f.client, "AT+MFWCFG=\"progind\",1024", "OK");
  sim_expect_final (f.client, "AT+MFWDLOAD", "OK");
  for (;;) {
    g_autofree char *line = next_dload (&f, FALSE);
    g_autofree char *progress
        = g_strdup_printf ("+MFWDLOAD: 1,%zu,%u", size, (n_progress + 1) * 1024);
    if (g_str_has_prefix (line, "+MFWDLOAD: 2,")) {
      g_autofree char *done = g_strdup_printf ("+MFWDLOAD: 2,%zu,%zu", size, size);
      g_assert_cmpstr (line, ==, done);
      break;
    }
    g_assert_cmpstr (line, ==, progress);
    n_progress++;
  }
  g_assert_cmpuint (n_progress, ==, size / 1024);
  {
    g_autofree char *digest = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, f.package);
    g_autofree char *upper = g_ascii_strup (digest, -1);
    g_autofree char *expected = g_strdup_printf ("+MFWCHECK: %s", upper);
    g_autofree char *line = sim_expect_info (f.client, "AT+MFWCHECK=2");
    g_assert_cmpstr (line, ==, expected);
  }
  expect_upgrade_to_new (&f, "MN316-S-DLVS");
  fixture_teardown (&f);
}

/* A stalled download: resumable (3 then 0, and AT+MFWDLOAD continues) or final (3 alone, and
 * 855 until AT+MFWERASE). */
static void
test_stall (gconstpointer resumable)
{
  const char *resume_args[] = { "--stall-at", "3000", "--stall-resumable", NULL };
  const char *final_args[] = { "--stall-at", "3000", NULL };
  Fixture f = { 0 };
  g_autofree char *failed = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *state = NULL;

  fixture_setup (&f, "MN316-DBRS", TEST_SERVER_HTTP, NULL, NULL, "8000",
                 resumable ? resume_args : final_args);
  set_url (&f, "pkg.bin");
  sim_expect_final (f.client, "AT+MFWDLOAD", "OK");
  failed = next_dload (&f, TRUE);
  expected = g_strdup_printf ("+MFWDLOAD: 3,%zu,3000", package_size (&f));
  g_assert_cmpstr (failed, ==, expected);
  if (resumable) {
    sim_expect_line (f.client, "+MFWDLOAD: 0");
    state = sim_expect_info (f.client, "AT+MFWDLOAD?");
    g_assert_true (g_str_has_prefix (state, "+MFWDLOAD: 0,"));
    g_assert_true (g_str_has_suffix (state, ",3000"));
  } else {
    g_autoptr (GBytes) quiet = sim_client_read_for (f.client, 300);
    g_assert_cmpuint (g_bytes_get_size (quiet), ==, 0);
    sim_expect_final (f.client, "AT+MFWDLOAD", "+CME ERROR: 855");
    sim_expect_final (f.client, "AT+MFWERASE", "OK");
  }
  sim_expect_final (f.client, "AT+MFWDLOAD", "OK");
  expect_download_success (&f);
  /* Resumed or restarted, the package is whole: it validates. */
  expect_upgrade_to_new (&f, "MN316-DBRS");
  fixture_teardown (&f);
}

static void
test_not_found (void)
{
  Fixture f = { 0 };
  g_autofree char *line = NULL;

  fixture_setup (&f, "M5311-E-XLVS", TEST_SERVER_HTTP, NULL, NULL, "100", NULL);
  set_url (&f, "missing.bin");
  sim_expect_final (f.client, "AT+MFWDLOAD", "OK");
  line = next_dload (&f, TRUE);
  g_assert_true (g_str_has_prefix (line, "+MFWDLOAD: 3,"));
  sim_expect_final (f.client, "AT+MFWUPGRADE", "+CME ERROR: 854");
  fixture_teardown (&f);
}

/* Each scheme a sub-model can use, with auth where the server wants it. */
static void
test_schemes (void)
{
  static const struct {
    const char *model;
    int kind;
    gboolean auth;
  } cases[] = {
    { "MN316-DBRS", TEST_SERVER_HTTPS, FALSE }, { "MN316-S-DLVS", TEST_SERVER_FTP, TRUE },
    { "MN316-S-DLVS", TEST_SERVER_FTPS, TRUE }, { "ML307R-DC", TEST_SERVER_HTTPS, FALSE },
    { "ML307R-MC", TEST_SERVER_FTP, TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    Fixture f = { 0 };
    g_test_message ("%s, server kind %d", cases[i].model, cases[i].kind);
    fixture_setup (&f, cases[i].model, cases[i].kind, cases[i].auth ? "onemo" : NULL,
                   cases[i].auth ? "s3cret" : NULL, "5000", NULL);
    if (cases[i].auth)
      sim_expect_final (f.client, "AT+MFWCFG=\"auth\",\"onemo\",\"s3cret\"", "OK");
    set_url (&f, "pkg.bin");
    sim_expect_final (f.client, "AT+MFWDLOAD", "OK");
    expect_download_success (&f);
    fixture_teardown (&f);
  }
}

static void
test_file_url (void)
{
  Fixture f = { 0 };

  fixture_setup (&f, "MN316-S-DLVS", -1, NULL, NULL, "5000", NULL);
  sim_expect_final (f.client, "AT+MFWCFG=\"url\",\"file://pkg.bin\"", "OK");
  sim_expect_final (f.client, "AT+MFWDLOAD", "OK");
  expect_download_success (&f);
  expect_upgrade_to_new (&f, "MN316-S-DLVS");
  fixture_teardown (&f);
}

/* ---- the self-downloading upgrade ---- */

/* Reads +MFWUPGRADE: 1,<percent> lines up to @last; percentages never go down. */
static void
expect_percent_until (SimClient *c, const char *last)
{
  guint previous = 0;

  for (;;) {
    g_autofree char *line = sim_client_read_line (c, DOWNLOAD_MS);
    guint64 percent;
    g_assert_nonnull (line);
    g_assert_true (g_str_has_prefix (line, "+MFWUPGRADE: 1,"));
    g_assert_true (g_ascii_string_to_unsigned (line + 15, 10, previous, 100, &percent, NULL));
    previous = (guint)percent;
    if (g_str_equal (line, last))
      return;
  }
}

static void
test_url_upgrade (gconstpointer data)
{
  const char *model = data;
  const OnemoModel *m = onemo_model_lookup (model);
  Fixture f = { 0 };
  g_autofree char *revision = NULL;
  g_autofree char *expected = g_strdup_printf ("%s-MBRH9S99", model);
  guint reboots = 0;

  fixture_setup (&f, model, TEST_SERVER_HTTP, NULL, NULL, "20000", NULL);
  set_url (&f, "pkg.bin");
  sim_client_send (f.client, "AT+MFWUPGRADE");
  sim_expect_line (f.client, "AT+MFWUPGRADE"); /* the echo; no OK follows */
  expect_percent_until (f.client, "+MFWUPGRADE: 1,50");
  for (;;) {
    g_autofree char *line = NULL;
    sim_expect_reboot (f.client);
    reboots++;
    line = sim_client_read_line (f.client, DOWNLOAD_MS);
    g_assert_nonnull (line);
    if (g_str_equal (line, "+MFWUPGRADE: 1,100"))
      break;
    g_assert_true (g_str_has_prefix (line, "+MFWUPGRADE: 1,"));
  }
  sim_expect_line (f.client, "+MFWUPGRADE: 2");
  g_assert_cmpuint (reboots, ==, m->url_upgrade_reboots);
  revision = sim_expect_revision (f.client);
  g_assert_true (g_str_has_suffix (revision, expected)); /* ML302S: "Revision: " first */
  fixture_teardown (&f);
}

static void
test_url_upgrade_wrong_package (void)
{
  Fixture f = { 0 };
  g_autofree char *path = NULL;
  g_autofree char *revision = NULL;
  g_autoptr (GBytes) other = NULL;

  fixture_setup (&f, "ML302A-DSLM", TEST_SERVER_HTTP, NULL, NULL, "3000", NULL);
  other = sim_expect_make_package (f.root, "ML307A", "ML307A-DSLN-X", "3000");
  path = g_build_filename (f.root, "other.bin", NULL);
  g_file_set_contents (path, g_bytes_get_data (other, NULL), g_bytes_get_size (other), NULL);
  set_url (&f, "other.bin");
  sim_client_send (f.client, "AT+MFWUPGRADE");
  sim_expect_line (f.client, "AT+MFWUPGRADE");
  for (;;) {
    g_autofree char *line = sim_client_read_line (f.client, DOWNLOAD_MS);
    g_assert_nonnull (line);
    if (g_str_equal (line, "+MFWUPGRADE: 3"))
      break;
    g_assert_true (g_str_has_prefix (line, "+MFWUPGRADE: 1,"));
  }
  revision = sim_expect_revision (f.client); /* no reboot came, the old firmware runs */
  g_assert_cmpstr (revision, ==, "ML302A-DSLM-MBRH0S00");
  fixture_teardown (&f);
}

/* ML307R-DC: AT+MFWDLOAD loads the differential package, AT+MFWUPGRADE applies it with one
 * reboot. */
static void
test_ml307r_download_then_upgrade (void)
{
  Fixture f = { 0 };

  fixture_setup (&f, "ML307R-DC", TEST_SERVER_HTTP, NULL, NULL, "6000", NULL);
  set_url (&f, "pkg.bin");
  sim_expect_final (f.client, "AT+MFWDLOAD", "OK");
  expect_download_success (&f);
  sim_expect_package_upgrade (f.client, "ML307R-DC-MBRH9S99");
  fixture_teardown (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sim-fetch/http-progress", test_http_progress);
  g_test_add_data_func ("/sim-fetch/stall/resumable", GINT_TO_POINTER (TRUE), test_stall);
  g_test_add_data_func ("/sim-fetch/stall/final", GINT_TO_POINTER (FALSE), test_stall);
  g_test_add_func ("/sim-fetch/not-found", test_not_found);
  g_test_add_func ("/sim-fetch/schemes", test_schemes);
  g_test_add_func ("/sim-fetch/file", test_file_url);
  g_test_add_data_func ("/sim-fetch/url-upgrade/ML307A-DSLN", "ML307A-DSLN", test_url_upgrade);
  g_test_add_data_func ("/sim-fetch/url-upgrade/ML302S-DNLM", "ML302S-DNLM", test_url_upgrade);
  g_test_add_data_func ("/sim-fetch/url-upgrade/ML307R-BL", "ML307R-BL", test_url_upgrade);
  g_test_add_func ("/sim-fetch/url-upgrade/wrong-package", test_url_upgrade_wrong_package);
  g_test_add_func ("/sim-fetch/ml307r-download-then-upgrade", test_ml307r_download_then_upgrade);
  return g_test_run ();
}
