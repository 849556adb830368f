/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The simulator's package store against the spec: hex and transparent writes, size limits, a
 * host gone silent mid-payload, checksums, and upgrades that check the package and reboot as
 * the family does.
 */
#include "onemo-model.h"
#include "sim-client.h"
#include "sim-expect.h"

/* ---- package store and checksums ---- */

static void
expect_digests (SimClient *c, GBytes *bytes)
{
  static const GChecksumType types[] = { G_CHECKSUM_MD5, G_CHECKSUM_SHA1, G_CHECKSUM_SHA256 };

  for (guint i = 0; i < G_N_ELEMENTS (types); i++) {
    g_autofree char *command = g_strdup_printf ("AT+MFWCHECK=%u", i);
    g_autofree char *digest = g_compute_checksum_for_bytes (types[i], bytes);
    g_autofree char *upper = g_ascii_strup (digest, -1);
    g_autofree char *expected = g_strdup_printf ("+MFWCHECK: %s", upper);
    g_autofree char *line = sim_expect_info (c, command);
    g_assert_cmpstr (line, ==, expected);
  }
}

static void
test_hex_write_check (void)
{
  g_autoptr (SimClient) c = sim_expect_start ("MN316-S-DLVS", NULL);
  g_autoptr (GBytes) package
      = sim_expect_make_package (sim_client_dir (c), "MN316-S", "MN316-S-NEW", "1500");
  g_autoptr (GBytes) head = g_bytes_new_from_bytes (package, 0, 700);
  g_autofree char *state = NULL;
  g_autofree char *held = g_strdup_printf (",%zu", g_bytes_get_size (package));

  sim_expect_final (c, "AT+MFWCHECK=0", "+CME ERROR: 853"); /* nothing held yet */
  sim_expect_write_hex (c, package);
  expect_digests (c, package);
  state = sim_expect_info (c, "AT+MFWDLOAD?");
  g_assert_true (g_str_has_suffix (state, held));
  /* A rewrite at an offset replaces everything from there. */
  sim_expect_write_hex (c, head);
  expect_digests (c, head);
  /* The manual's unquoted hex is taken too. */
  sim_expect_final (c, "AT+MFWDLOAD=0,2,0A0b", "OK");
  sim_expect_final (c, "AT+MFWERASE", "OK");
  sim_expect_final (c, "AT+MFWCHECK=2", "+CME ERROR: 853");
}

/* A host that stops mid-payload: after 10 s of silence the write fails with 853 and the sim
 * reads command lines again. */
static void
test_transparent_silence (void)
{
  g_autoptr (SimClient) c = sim_expect_start ("ML307R-DC", NULL);
  g_autofree char *line = NULL;
  gint64 start_time;

  sim_client_send (c, "AT+MFWDLOAD=0,100");
  g_assert_true (sim_client_read_until (c, ">", SIM_LINE_MS));
  sim_client_write (c, "0123456789", 10);
  start_time = g_get_monotonic_time ();
  line = sim_client_read_line (c, 12000);
  g_assert_cmpstr (line, ==, "+CME ERROR: 853");
  g_assert_cmpint (g_get_monotonic_time () - start_time, >=, 9 * G_USEC_PER_SEC);
  sim_expect_final (c, "AT+MFWUPGRADE", "+CME ERROR: 851"); /* nothing loaded: URL path */
}

static void
test_max_package (void)
{
  const char *extra[] = { "--max-package", "600", NULL };
  g_autoptr (SimClient) c = sim_expect_start ("MN316-S-DLVS", extra);
  g_autofree char *chunk = g_strnfill (1024, 'A');
  g_autofree char *first = g_strdup_printf ("AT+MFWDLOAD=0,512,\"%s\"", chunk);
  g_autofree char *second = g_strdup_printf ("AT+MFWDLOAD=512,512,\"%s\"", chunk);

  sim_expect_final (c, first, "OK");
  sim_expect_final (c, second, "+CME ERROR: 853");
  sim_expect_final (c, "AT+MFWDLOAD=0,601", "+CME ERROR: 853");
  sim_expect_final (c, "AT+MFWDLOAD=0,0", "+CME ERROR: 853");
}

static void
test_transparent_write (void)
{
  const char *const models[] = { "MN316-S-DLVS", "ML307R-DC" };

  for (guint i = 0; i < G_N_ELEMENTS (models); i++) {
    g_autoptr (SimClient) c = sim_expect_start (models[i], NULL);
    const OnemoModel *m = onemo_model_lookup (models[i]);
    g_autoptr (GBytes) package
        = sim_expect_make_package (sim_client_dir (c), m->series, "X-NEW", "3000");
    g_autofree char *state = NULL;
    g_autofree char *expected = NULL;

    sim_expect_write_transparent (c, package);
    /* The payload's CRs and "AT"s were not read as commands: the sim answers normally. */
    sim_expect_final (c, "AT", "OK");
    state = sim_expect_info (c, "AT+MFWDLOAD?");
    expected = g_strdup_printf (",%zu", g_bytes_get_size (package));
    g_assert_true (g_str_has_suffix (state, expected));
    if (onemo_model_supports (m, ONEMO_FEATURE_CHECK))
      expect_digests (c, package);
  }
}

/* ---- upgrades ---- */

static GBytes *
corrupt (GBytes *package, gsize at)
{
  gsize size = g_bytes_get_size (package);
  guint8 *data = g_memdup2 (g_bytes_get_data (package, NULL), size);

  data[at] ^= 0x55;
  return g_bytes_new_take (data, size);
}

static void
test_upgrade_nbiot (void)
{
  g_autoptr (SimClient) c = sim_expect_start ("MN316-S-DLVS", NULL);
  const char *dir = sim_client_dir (c);
  g_autoptr (GBytes) good
      = sim_expect_make_package (dir, "MN316-S", "MN316-S-DLVS-MBRH9S99", "2000");
  g_autoptr (GBytes) other = sim_expect_make_package (dir, "MN316", "MN316-DLVS-MBRH9S99", "2000");
  g_autoptr (GBytes) truncated = g_bytes_new_from_bytes (good, 0, 1500);
  g_autoptr (GBytes) bad_body = corrupt (good, 1900);
  GBytes *refused[] = { truncated, bad_body, other };
  g_autofree char *after = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++) {
    g_autofree char *revision = NULL;
    sim_expect_write_transparent (c, refused[i]);
    sim_expect_final (c, "AT+MFWUPGRADE", "+CME ERROR: 854");
    revision = sim_expect_revision (c);
    g_assert_cmpstr (revision, ==, "MN316-S-DLVS-MBRH0S00");
  }
  sim_expect_write_transparent (c, good);
  sim_expect_final (c, "AT+MFWUPGRADE", "OK");
  sim_expect_line (c, "+MFWUPGRADE: 2");
  sim_expect_uart_reboot (c);
  after = sim_expect_revision (c);
  g_assert_cmpstr (after, ==, "MN316-S-DLVS-MBRH9S99");
}

/* ---- the upgrade readings (points d, e, i, j) ---- */

/* d, i, j: no OK for AT+MFWUPGRADE, CMEE 0 after the reboot, a lost AT+CGMR. */
static void
test_readings_nbiot (void)
{
  const char *extra[] = { "--upgrade-no-ok",     "--boot-cmee", "0", "--uart-reboot-ms", "1000",
                          "--lose-after-reboot", "AT+CGMR",     NULL };
  g_autoptr (SimClient) c = sim_expect_start ("MN316-S-DLVS", extra);
  g_autoptr (GBytes) good
      = sim_expect_make_package (sim_client_dir (c), "MN316-S", "MN316-S-DLVS-MBRH9S99", "2000");
  g_autoptr (GBytes) lost = NULL;
  g_autofree char *cmee = NULL;
  g_autofree char *echo = NULL;
  g_autofree char *after = NULL;

  sim_expect_final (c, "AT+CMEE=1", "OK");
  sim_expect_final (c, "ATE0", "OK");
  sim_expect_write_transparent (c, good);
  sim_client_send (c, "AT+MFWUPGRADE");
  sim_expect_line (c, "+MFWUPGRADE: 2"); /* no echo (ATE0), no OK */
  sim_expect_uart_reboot (c);
  /* Echo is back on, CMEE back at 0, and the first AT+CGMR is lost. */
  sim_client_send (c, "AT+CGMR");
  lost = sim_client_read_for (c, 300);
  g_assert_cmpuint (g_bytes_get_size (lost), ==, 0);
  cmee = sim_expect_info (c, "AT+CMEE?");
  g_assert_cmpstr (cmee, ==, "+CMEE: 0");
  sim_expect_final (c, "AT+MFWCHECK=7", "ERROR");
  after = sim_expect_revision (c);
  g_assert_cmpstr (after, ==, "MN316-S-DLVS-MBRH9S99");
  sim_client_send (c, "AT");
  echo = sim_client_read_line (c, SIM_LINE_MS);
  g_assert_cmpstr (echo, ==, "AT");
}

/* d, e, i on the loaded-package route of ML307R-DC: no OK, commands while it flashes get
 * ERROR, and the reboot restores CMEE 0. */
static void
test_readings_ml307r (void)
{
  const char *extra[]
      = { "--upgrade-no-ok", "--while-flashing", "error", "--boot-cmee", "0", NULL };
  g_autoptr (SimClient) c = sim_expect_start ("ML307R-DC", extra);
  g_autoptr (GBytes) good
      = sim_expect_make_package (sim_client_dir (c), "ML307R", "ML307R-DC-MBRH9S99", "4000");
  g_autofree char *cmee = NULL;

  sim_expect_final (c, "AT+CMEE=1", "OK");
  sim_expect_write_transparent (c, good);
  sim_client_send (c, "AT+MFWUPGRADE");
  g_assert_true (sim_client_read_until (c, "+MFWUPGRADE: 1,50", SIM_LINE_MS));
  sim_expect_final (c, "AT+CGSN", "ERROR");
  sim_expect_reboot (c);
  sim_expect_line (c, "+MFWUPGRADE: 1,100");
  sim_expect_line (c, "+MFWUPGRADE: 2");
  cmee = sim_expect_info (c, "AT+CMEE?");
  g_assert_cmpstr (cmee, ==, "+CMEE: 0");
}

/* e: by default a flashing module says nothing at all. */
static void
test_flashing_silent (void)
{
  g_autoptr (SimClient) c = sim_expect_start ("ML307R-DC", NULL);
  g_autoptr (GBytes) good
      = sim_expect_make_package (sim_client_dir (c), "ML307R", "ML307R-DC-MBRH9S99", "4000");
  g_autoptr (GBytes) quiet = NULL;

  sim_expect_write_transparent (c, good);
  sim_expect_final (c, "AT+MFWUPGRADE", "OK");
  sim_expect_line (c, "+MFWUPGRADE: 1,50");
  sim_client_send (c, "AT+CGSN");
  quiet = sim_client_read_for (c, 200);
  g_assert_cmpuint (g_bytes_get_size (quiet), ==, 0);
  sim_expect_reboot (c);
}

static void
test_upgrade_ml307r_package (void)
{
  g_autoptr (SimClient) c = sim_expect_start ("ML307R-DC", NULL);
  const char *dir = sim_client_dir (c);
  g_autoptr (GBytes) good = sim_expect_make_package (dir, "ML307R", "ML307R-DC-MBRH9S99", "4000");
  g_autoptr (GBytes) bad = corrupt (good, 3000);
  g_autofree char *before = NULL;

  sim_expect_write_transparent (c, bad);
  sim_expect_final (c, "AT+MFWUPGRADE", "+CME ERROR: 854"); /* rolled back, no reboot */
  before = sim_expect_revision (c);
  g_assert_cmpstr (before, ==, "ML307R-DC-MBRH0S00");

  sim_expect_write_transparent (c, good);
  sim_expect_package_upgrade (c, "ML307R-DC-MBRH9S99");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sim/write/hex-check", test_hex_write_check);
  g_test_add_func ("/sim/write/transparent", test_transparent_write);
  g_test_add_func ("/sim/write/max-package", test_max_package);
  g_test_add_func ("/sim/write/transparent-silence", test_transparent_silence);
  g_test_add_func ("/sim/upgrade/nbiot", test_upgrade_nbiot);
  g_test_add_func ("/sim/upgrade/ml307r-package", test_upgrade_ml307r_package);
  g_test_add_func ("/sim/upgrade/readings-nbiot", test_readings_nbiot);
  g_test_add_func ("/sim/upgrade/readings-ml307r", test_readings_ml307r);
  g_test_add_func ("/sim/upgrade/flashing-silent", test_flashing_silent);
  return g_test_run ();
}
