/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The simulator's knobs for the readings of the module's own download (docs/spec-notes.md,
 * "Readings the service handles", points b, c, f and k): each plays what it says, and only
 * that.
 */
#include "sim-fetch-fixture.h"

#include <string.h>

static char *
expected_sha256 (Fixture *f)
{
  g_autofree char *digest = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, f->package);
  g_autofree char *upper = g_ascii_strup (digest, -1);

  return g_strdup_printf ("+MFWCHECK: %s", upper);
}

static void
expect_silence (Fixture *f, guint ms)
{
  g_autoptr (GBytes) quiet = sim_client_read_for (f->client, ms);

  g_assert_cmpuint (g_bytes_get_size (quiet), ==, 0);
}

/* b: file:// answers OK once the file is in, and nothing follows; a missing file is 855. */
static void
test_file_no_report (void)
{
  const char *args[] = { "--file-no-report", NULL };
  Fixture f = { 0 };
  g_autofree char *check = NULL;
  g_autofree char *expected = NULL;

  fixture_setup (&f, "MN316-S-DLVS", -1, NULL, NULL, "6000", args);
  sim_expect_final (f.client, "AT+MFWCFG=\"url\",\"file:///pkg.bin\"", "OK");
  sim_expect_final (f.client, "AT+MFWDLOAD", "OK");
  expect_silence (&f, 500);
  check = sim_expect_info (f.client, "AT+MFWCHECK=2");
  expected = expected_sha256 (&f);
  g_assert_cmpstr (check, ==, expected);
  sim_expect_final (f.client, "AT+MFWERASE", "OK");
  sim_expect_final (f.client, "AT+MFWCFG=\"url\",\"file:///missing.bin\"", "OK");
  sim_expect_final (f.client, "AT+MFWDLOAD", "+CME ERROR: 855");
  expect_silence (&f, 300);
  fixture_teardown (&f);
}

/* c: the final report without <total> (no-final, never), progress with it (no-final only). */
static void
test_total (gconstpointer mode)
{
  const char *args[] = { "--dload-total", mode, NULL };
  gboolean never = g_str_equal (mode, "never");
  Fixture f = { 0 };
  g_autofree char *progress = NULL;
  g_autofree char *final = NULL;
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;

  fixture_setup (&f, "MN316-DBRS", TEST_SERVER_HTTP, NULL, NULL, "5000", args);
  set_url (&f, "pkg.bin");
  sim_expect_final (f.client, "AT+MFWCFG=\"progind\",1024", "OK");
  sim_expect_final (f.client, "AT+MFWDLOAD", "OK");
  first = next_dload (&f, FALSE);
  progress = never ? g_strdup ("+MFWDLOAD: 1,1024")
                   : g_strdup_printf ("+MFWDLOAD: 1,%zu,1024", package_size (&f));
  g_assert_cmpstr (first, ==, progress);
  last = next_dload (&f, TRUE);
  final = g_strdup_printf ("+MFWDLOAD: 2,%zu", package_size (&f));
  g_assert_cmpstr (last, ==, final);
  fixture_teardown (&f);
}

/* f: a link that drops every N bytes: 3 then 0 each time, and each AT+MFWDLOAD gets further. */
static void
test_drop_every (void)
{
  const char *args[] = { "--drop-every", "2000", NULL };
  Fixture f = { 0 };
  gsize size;

  fixture_setup (&f, "MN316-DLVS", TEST_SERVER_HTTP, NULL, NULL, "5000", args);
  size = package_size (&f);
  g_assert_cmpuint (size, >, 4000);
  set_url (&f, "pkg.bin");
  for (guint held = 2000; held < size; held += 2000) {
    g_autofree char *failed = NULL;
    g_autofree char *expected = g_strdup_printf ("+MFWDLOAD: 3,%zu,%u", size, held);

    sim_expect_final (f.client, "AT+MFWDLOAD", "OK");
    failed = next_dload (&f, TRUE);
    g_assert_cmpstr (failed, ==, expected);
    sim_expect_line (f.client, "+MFWDLOAD: 0");
  }
  sim_expect_final (f.client, "AT+MFWDLOAD", "OK");
  expect_download_success (&f);
  fixture_teardown (&f);
}

/* f: the 0 late (state 3 until it comes), or never (state 0 all the same). */
static void
test_resume_late (gconstpointer never)
{
  const char *late[] = { "--drop-every", "2000", "--resume-delay-ms", "800", NULL };
  const char *silent[] = { "--drop-every", "2000", "--no-resume-urc", NULL };
  Fixture f = { 0 };
  g_autofree char *failed = NULL;
  g_autofree char *during = NULL;
  g_autofree char *after = NULL;

  fixture_setup (&f, "MN316-DLVS", TEST_SERVER_HTTP, NULL, NULL, "5000", never ? silent : late);
  set_url (&f, "pkg.bin");
  sim_expect_final (f.client, "AT+MFWDLOAD", "OK");
  failed = next_dload (&f, TRUE);
  g_assert_true (g_str_has_prefix (failed, "+MFWDLOAD: 3,"));
  if (never) {
    expect_silence (&f, 500);
  } else {
    during = sim_expect_info (f.client, "AT+MFWDLOAD?");
    g_assert_true (g_str_has_prefix (during, "+MFWDLOAD: 3,"));
    sim_expect_line (f.client, "+MFWDLOAD: 0");
  }
  after = sim_expect_info (f.client, "AT+MFWDLOAD?");
  g_assert_true (g_str_has_prefix (after, "+MFWDLOAD: 0,"));
  g_assert_true (g_str_has_suffix (after, ",2000"));
  fixture_teardown (&f);
}

/* k: AT+MFWERASE forgets url and auth. */
static void
test_erase_clears_config (void)
{
  const char *args[] = { "--erase-clears-config", NULL };
  Fixture f = { 0 };
  g_autofree char *url = NULL;
  g_autofree char *auth = NULL;

  fixture_setup (&f, "MN316-S-DLVS", -1, NULL, NULL, "100", args);
  sim_expect_final (f.client, "AT+MFWCFG=\"url\",\"ftp://127.0.0.1/x\"", "OK");
  sim_expect_final (f.client, "AT+MFWCFG=\"auth\",\"u\",\"p\"", "OK");
  sim_expect_final (f.client, "AT+MFWERASE", "OK");
  url = sim_expect_info (f.client, "AT+MFWCFG=\"url\"");
  g_assert_cmpstr (url, ==, "+MFWCFG: \"url\",\"\"");
  auth = sim_expect_info (f.client, "AT+MFWCFG=\"auth\"");
  g_assert_cmpstr (auth, ==, "+MFWCFG: \"auth\",\"\",\"\"");
  sim_expect_final (f.client, "AT+MFWDLOAD", "+CME ERROR: 851");
  fixture_teardown (&f);
}

/* k: AT+MFWCHECK refuses a downloaded package, and answers for a written one. */
static void
test_check_local_only (void)
{
  const char *args[] = { "--check-local-only", NULL };
  Fixture f = { 0 };
  g_autofree char *check = NULL;
  g_autofree char *expected = NULL;

  fixture_setup (&f, "MN316-S-DLVS", TEST_SERVER_HTTP, NULL, NULL, "3000", args);
  set_url (&f, "pkg.bin");
  sim_expect_final (f.client, "AT+MFWDLOAD", "OK");
  expect_download_success (&f);
  sim_expect_final (f.client, "AT+MFWCHECK=2", "ERROR");
  sim_expect_final (f.client, "AT+MFWERASE", "OK");
  sim_expect_write_hex (f.client, f.package);
  check = sim_expect_info (f.client, "AT+MFWCHECK=2");
  expected = expected_sha256 (&f);
  g_assert_cmpstr (check, ==, expected);
  fixture_teardown (&f);
}

static void
test_bad_options (void)
{
  const char *total[] = { "--model", "MN316-DBRS", "--link", "x", "--dload-total", "some", NULL };
  const char *drop[] = { "--model", "MN316-DBRS", "--link", "x", "--drop-every", "-1", NULL };
  g_autofree char *out = NULL;
  g_autofree char *out2 = NULL;

  g_assert_cmpint (sim_client_run (total, &out), ==, 2);
  g_assert_cmpint (sim_client_run (drop, &out2), ==, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sim-readings/file-no-report", test_file_no_report);
  g_test_add_data_func ("/sim-readings/total/no-final", "no-final", test_total);
  g_test_add_data_func ("/sim-readings/total/never", "never", test_total);
  g_test_add_func ("/sim-readings/drop-every", test_drop_every);
  g_test_add_data_func ("/sim-readings/resume/late", GINT_TO_POINTER (FALSE), test_resume_late);
  g_test_add_data_func ("/sim-readings/resume/no-urc", GINT_TO_POINTER (TRUE), test_resume_late);
  g_test_add_func ("/sim-readings/erase-clears-config", test_erase_clears_config);
  g_test_add_func ("/sim-readings/check-local-only", test_check_local_only);
  g_test_add_func ("/sim-readings/bad-options", test_bad_options);
  return g_test_run ();
}
