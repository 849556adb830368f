/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The simulator against the spec: every sub-model of the model table answers exactly what
 * onemo_model_supports() says, packages are checked, upgrades reboot as the family does, and
 * each fault knob does what its option promises.
 */
#include "onemo-model.h"
#include "sim-client.h"
#include "sim-expect.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

/* ---- the program's own options ---- */

static void
test_help (void)
{
  const char *argv[] = { "--help", NULL };
  const char *bad[] = { "--model", "ML305-X", "--link", "x", NULL };
  g_autofree char *out = NULL;
  g_autofree char *out_bad = NULL;

  g_assert_cmpint (sim_client_run (argv, &out), ==, 0);
  for (const char *const *word
       = (const char *const[]){ "--model", "--link", "--baud", "--stall-at", "--reboot-never",
                                "--make-package", "Exit status", NULL };
       *word != NULL; word++)
    g_assert_nonnull (strstr (out, *word));
  g_assert_cmpint (sim_client_run (bad, &out_bad), ==, 2);
}

static void
test_list_models (void)
{
  const char *argv[] = { "--list-models", NULL };
  g_autofree char *out = NULL;
  g_auto (GStrv) lines = NULL;
  guint i = 0;

  g_assert_cmpint (sim_client_run (argv, &out), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  for (const OnemoModel *m = onemo_model_table (); m->sub_model != NULL; m++, i++) {
    g_auto (GStrv) caps = onemo_model_capabilities (m);
    g_autofree char *joined = g_strjoinv (",", caps);
    g_assert_true (g_str_has_prefix (lines[i], m->sub_model));
    g_assert_nonnull (strstr (lines[i], m->series));
    g_assert_true (g_str_has_suffix (lines[i], joined));
  }
  g_assert_cmpstr (lines[i], ==, "");
}

static void
test_make_package (void)
{
  g_autofree char *dir = g_dir_make_tmp ("onemo-sim-XXXXXX", NULL);
  g_autoptr (GBytes) small = sim_expect_make_package (dir, "MN316", "MN316-DBRS-X", "100");
  g_autoptr (GBytes) large = sim_expect_make_package (dir, "MN316", "MN316-DBRS-X", "5000");
  g_autofree char *path = g_build_filename (dir, "made.pkg", NULL);
  const char *missing[] = { "--make-package", path, "--series", "MN316", NULL };
  g_autofree char *out = NULL;

  g_assert_cmpuint (g_bytes_get_size (large) - g_bytes_get_size (small), ==, 4900);
  g_assert_cmpint (sim_client_run (missing, &out), ==, 2);
  g_unlink (path);
  g_rmdir (dir);
}

/* ---- identity, echo, CMEE ---- */

static void
test_identity (void)
{
  for (const OnemoModel *m = onemo_model_table (); m->sub_model != NULL; m++) {
    g_autoptr (SimClient) c = sim_expect_start (m->sub_model, NULL);
    g_autofree char *revision = g_strdup_printf ("%s-MBRH0S00", m->sub_model);
    gboolean prefixed = g_str_equal (m->series, "ML302S") || g_str_equal (m->series, "ML307S");
    g_autofree char *cgmr = g_strdup_printf ("%s%s", prefixed ? "Revision: " : "", revision);
    g_autoptr (GPtrArray) ati = NULL;
    g_autofree char *cgmi = NULL, *cgmm = NULL, *cgmr_line = NULL, *cgsn = NULL;

    sim_expect_final (c, "AT", "OK");
    ati = sim_client_command (c, "ATI", SIM_LINE_MS);
    g_assert_nonnull (ati);
    g_assert_cmpuint (ati->len, ==, 4);
    g_assert_cmpstr (g_ptr_array_index (ati, 0), ==, "CMCC");
    g_assert_cmpstr (g_ptr_array_index (ati, 1), ==, m->series);
    g_assert_cmpstr (g_ptr_array_index (ati, 2), ==, revision);
    cgmi = sim_expect_info (c, "AT+CGMI");
    g_assert_cmpstr (cgmi, ==, "CMCC");
    cgmm = sim_expect_info (c, "AT+CGMM");
    g_assert_cmpstr (cgmm, ==, m->series);
    cgmr_line = sim_expect_info (c, "AT+CGMR");
    g_assert_cmpstr (cgmr_line, ==, cgmr);
    cgsn = sim_expect_info (c, "AT+CGSN");
    g_assert_cmpstr (cgsn, ==, "869487060000001");
    sim_expect_final (c, "AT+CGMR=?", "OK");
    sim_expect_final (c, "AT+NOSUCH", "ERROR");
    sim_expect_final (c, "garbage", "ERROR");
  }
}

static void
test_echo_cmee (void)
{
  const char *extra[] = { "--revision", "MN316-DLVS-OLD", "--imei", "123456789012345", NULL };
  g_autoptr (SimClient) c = sim_expect_start ("MN316-DLVS", extra);
  g_autofree char *cgsn = NULL, *cmee = NULL, *cgmr = NULL;

  /* Echo on by default: the command line comes back first, with its CR. */
  sim_client_send (c, "AT");
  g_assert_true (sim_client_read_until (c, "AT\r\r\nOK\r\n", SIM_LINE_MS));
  sim_expect_final (c, "ATE0", "OK");
  sim_client_send (c, "AT");
  g_assert_true (sim_client_read_until (c, "\r\nOK\r\n", SIM_LINE_MS));
  /* The echo is gone: the very next bytes are the answer. */
  sim_client_write (c, "AT+CGSN\r\n", 9);
  cgsn = sim_client_read_line (c, SIM_LINE_MS);
  g_assert_cmpstr (cgsn, ==, "123456789012345");
  sim_expect_line (c, "OK");
  cgmr = sim_expect_info (c, "AT+CGMR");
  g_assert_cmpstr (cgmr, ==, "MN316-DLVS-OLD");
  sim_expect_final (c, "ATE1", "OK");

  cmee = sim_expect_info (c, "AT+CMEE?");
  g_assert_cmpstr (cmee, ==, "+CMEE: 1");
  sim_expect_final (c, "AT+MFWCFG=\"timeout\",5", "+CME ERROR: 851");
  sim_expect_final (c, "AT+CMEE=2", "OK");
  sim_expect_final (c, "AT+MFWCFG=\"timeout\",5", "+CME ERROR: configuration error");
  sim_expect_final (c, "AT+MFWUPGRADE", "+CME ERROR: firmware upgrade error");
  sim_expect_final (c, "AT+CMEE=0", "OK");
  sim_expect_final (c, "AT+MFWCFG=\"timeout\",5", "ERROR");
  sim_expect_final (c, "AT+CMEE=3", "ERROR");
  sim_expect_final (c, "AT+CMEE=1", "OK");
  sim_expect_final (c, "AT+MFWUPGRADE", "+CME ERROR: 854");
}

/* ---- the capability table, form by form ---- */

static const char *
refusal (gboolean has_command, const char *cme)
{
  return has_command ? cme : "ERROR";
}

static void
check_cfg (SimClient *c, const OnemoModel *m)
{
  static const struct {
    const char *command;
    OnemoFeature feature;
    const char *refused;
  } cases[] = {
    { "AT+MFWCFG=\"auth\",\"user\",\"secret\"", ONEMO_FEATURE_CFG_AUTH, "+CME ERROR: 851" },
    { "AT+MFWCFG=\"timeout\",60", ONEMO_FEATURE_CFG_TIMEOUT, "+CME ERROR: 851" },
    { "AT+MFWCFG=\"mode\",1", ONEMO_FEATURE_CFG_MODE, "+CME ERROR: 851" },
    { "AT+MFWCFG=\"progind\",1024", ONEMO_FEATURE_CFG_PROGIND, "+CME ERROR: 851" },
    { "AT+MFWCFG=\"ssl\",1", ONEMO_FEATURE_CFG_SSL, "+CME ERROR: 851" },
    { "AT+MFWCFG=\"pkgsize\",1024", ONEMO_FEATURE_CFG_PKGSIZE, "+CME ERROR: 851" },
    { "AT+MFWCFG=\"url\",\"https://127.0.0.1/p\"", ONEMO_FEATURE_HTTPS, "+CME ERROR: 852" },
    { "AT+MFWCFG=\"url\",\"ftp://127.0.0.1/p\"", ONEMO_FEATURE_FTP, "+CME ERROR: 852" },
    { "AT+MFWCFG=\"url\",\"ftps://127.0.0.1/p\"", ONEMO_FEATURE_FTPS, "+CME ERROR: 852" },
    { "AT+MFWCFG=\"url\",\"file://p.bin\"", ONEMO_FEATURE_FILE, "+CME ERROR: 852" },
  };
  static const char *const keys[]
      = { "url", "auth", "timeout", "mode", "progind", "ssl", "pkgsize" };
  static const OnemoFeature key_features[] = {
    ONEMO_FEATURE_CFG_URL,     ONEMO_FEATURE_CFG_AUTH,    ONEMO_FEATURE_CFG_TIMEOUT,
    ONEMO_FEATURE_CFG_MODE,    ONEMO_FEATURE_CFG_PROGIND, ONEMO_FEATURE_CFG_SSL,
    ONEMO_FEATURE_CFG_PKGSIZE,
  };
  g_autoptr (GString) expected = g_string_new ("+MFWCFG: (");
  g_autofree char *test_form = NULL;
  gboolean pkgsize_512 = onemo_model_supports (m, ONEMO_FEATURE_CFG_PKGSIZE)
                         || onemo_model_supports (m, ONEMO_FEATURE_CFG_PKGSIZE_512);

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (onemo_model_supports (m, key_features[i]) || (i == 6 && pkgsize_512))
      g_string_append_printf (expected, "%s\"%s\"", expected->str[10] ? "," : "", keys[i]);
  g_string_append_c (expected, ')');
  test_form = sim_expect_info (c, "AT+MFWCFG=?");
  g_assert_cmpstr (test_form, ==, expected->str);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    sim_expect_final (c, cases[i].command,
                      onemo_model_supports (m, cases[i].feature) ? "OK" : cases[i].refused);
  sim_expect_final (c, "AT+MFWCFG=\"pkgsize\",512", pkgsize_512 ? "OK" : "+CME ERROR: 851");
  sim_expect_final (c, "AT+MFWCFG=\"nokey\",1", "+CME ERROR: 851");
  sim_expect_final (c, "AT+MFWCFG=\"url\",\"gopher://127.0.0.1/p\"", "+CME ERROR: 852");
  sim_expect_final (c, "AT+MFWCFG=\"url\",\"http://127.0.0.1/p\"", "OK");
}

static void
check_writes (SimClient *c, const OnemoModel *m, gboolean has_dload)
{
  gboolean hex = onemo_model_supports (m, ONEMO_FEATURE_DLOAD_HEX);
  gboolean raw = onemo_model_supports (m, ONEMO_FEATURE_DLOAD_TRANSPARENT);
  gboolean offset = onemo_model_supports (m, ONEMO_FEATURE_DLOAD_OFFSET);

  sim_expect_final (c, "AT+MFWDLOAD=?", has_dload ? "OK" : "ERROR");
  sim_expect_final (c, "AT+MFWDLOAD?", has_dload ? "OK" : "ERROR");
  sim_expect_final (c, "AT+MFWDLOAD=0,2,\"ABCD\"",
                    hex ? "OK" : refusal (has_dload, "+CME ERROR: 853"));
  if (hex) {
    sim_expect_final (c, "AT+MFWDLOAD=2,1,\"EF\"", offset ? "OK" : "+CME ERROR: 853");
    sim_expect_final (c, "AT+MFWDLOAD=9,1,\"EF\"", "+CME ERROR: 853"); /* a gap */
    sim_expect_final (c, "AT+MFWDLOAD=0,2,\"ABC\"", "+CME ERROR: 853");
    sim_expect_final (c, "AT+MFWDLOAD=0,3,\"ABCD\"", "+CME ERROR: 853");
  }
  if (!raw) {
    sim_expect_final (c, "AT+MFWDLOAD=0,4", refusal (has_dload, "+CME ERROR: 853"));
    return;
  }
  sim_client_send (c, "AT+MFWDLOAD=0,4");
  g_assert_true (sim_client_read_until (c, ">", SIM_LINE_MS));
  sim_client_write (c, "\x01\x02\r\n", 4);
  sim_expect_line (c, "OK");
  if (offset) {
    sim_client_send (c, "AT+MFWDLOAD=4,1");
    g_assert_true (sim_client_read_until (c, ">", SIM_LINE_MS));
    sim_client_write (c, "\x03", 1);
    sim_expect_line (c, "OK");
  } else {
    sim_expect_final (c, "AT+MFWDLOAD=4,1", "+CME ERROR: 853");
  }
}

/* The answers the manual does not print, as the usage text documents them. */
static void
test_forms (void)
{
  static const struct {
    const char *model;
    const char *command;
    const char *answer;
  } cases[] = {
    { "MN316-S-DLVS", "AT+MFWDLOAD=?", "+MFWDLOAD: (0-16777215),(1-512)" },
    { "ML307R-DC", "AT+MFWDLOAD=?", "+MFWDLOAD: (0),(1-16777216)" },
    { "MN316-S-DLVS", "AT+MFWCHECK=?", "+MFWCHECK: (0-2)" },
    { "ML307A-GCLN", "AT+MFWCFG=?", "+MFWCFG: (\"url\",\"auth\")" },
    { "ML307R-MC", "AT+MFWCFG=?", "+MFWCFG: (\"url\",\"auth\",\"timeout\",\"progind\",\"ssl\")" },
    { "MN316-DBRS", "AT+MFWCFG=\"timeout\"", "+MFWCFG: \"timeout\",60" },
    { "MN316-DBRS", "AT+MFWCFG=\"pkgsize\"", "+MFWCFG: \"pkgsize\",512" },
    { "MN316-DBRS", "AT+MFWCFG=\"progind\"", "+MFWCFG: \"progind\",0" },
    { "MN316-DBRS", "AT+MFWCFG=\"url\"", "+MFWCFG: \"url\",\"\"" },
    { "MN316-DBRS", "AT+MFWDLOAD?", "+MFWDLOAD: 0,0,0" },
    { "MN316-DBRS", "AT+CMEE=?", "+CMEE: (0-2)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (SimClient) c = sim_expect_start (cases[i].model, NULL);
    g_autofree char *answer = sim_expect_info (c, cases[i].command);
    g_assert_cmpstr (answer, ==, cases[i].answer);
  }
}

/* The limits of AT+MFWCFG's values (manual §3.1). */
static void
test_cfg_limits (void)
{
  {
    g_autoptr (SimClient) c = sim_expect_start ("ML302S-DNLM", NULL);
    g_autofree char *auth = NULL, *url = NULL;
    sim_expect_final (c, "AT+MFWCFG=\"auth\",\"onemo\",\"pa ss\"", "OK");
    auth = sim_expect_info (c, "AT+MFWCFG=\"auth\"");
    g_assert_cmpstr (auth, ==, "+MFWCFG: \"auth\",\"onemo\",\"pa ss\"");
    sim_expect_final (c, "AT+MFWCFG=\"url\",\"ftp://127.0.0.1:2121/system_patch.mini_1\"", "OK");
    url = sim_expect_info (c, "AT+MFWCFG=\"url\"");
    g_assert_cmpstr (url, ==, "+MFWCFG: \"url\",\"ftp://127.0.0.1:2121/system_patch.mini_1\"");
    sim_expect_final (c, "AT+MFWCFG=\"auth\",\"onemo\"", "+CME ERROR: 851");
    /* The manual's limits: a URL of 256 bytes, a user or password of 48. */
    for (guint extra = 0; extra < 2; extra++) {
      g_autofree char *path = g_strnfill (256 - strlen ("http://h/") + extra, 'p');
      g_autofree char *name = g_strnfill (48 + extra, 'u');
      g_autofree char *set_url = g_strdup_printf ("AT+MFWCFG=\"url\",\"http://h/%s\"", path);
      g_autofree char *set_auth = g_strdup_printf ("AT+MFWCFG=\"auth\",\"%s\",\"p\"", name);
      sim_expect_final (c, set_url, extra ? "+CME ERROR: 851" : "OK");
      sim_expect_final (c, set_auth, extra ? "+CME ERROR: 851" : "OK");
    }
  }
  {
    /* The numeric keys' ranges (manual §3.1): each just inside, then just outside. */
    static const char *const inside[]
        = { "\"timeout\",30", "\"timeout\",180",  "\"mode\",0", "\"progind\",2048",
            "\"ssl\",4",      "\"pkgsize\",3072", NULL };
    static const char *const outside[]
        = { "\"timeout\",29",   "\"timeout\",181", "\"mode\",2",
            "\"progind\",1000", "\"ssl\",5",       "\"pkgsize\",3584",
            "\"pkgsize\",0",    "\"timeout\",x",   NULL };
    g_autoptr (SimClient) c = sim_expect_start ("MN316-DLVS", NULL);
    for (guint i = 0; inside[i] != NULL; i++) {
      g_autofree char *command = g_strdup_printf ("AT+MFWCFG=%s", inside[i]);
      sim_expect_final (c, command, "OK");
    }
    for (guint i = 0; outside[i] != NULL; i++) {
      g_autofree char *command = g_strdup_printf ("AT+MFWCFG=%s", outside[i]);
      sim_expect_final (c, command, "+CME ERROR: 851");
    }
  }
}

static void
test_capabilities (void)
{
  for (const OnemoModel *m = onemo_model_table (); m->sub_model != NULL; m++) {
    g_autoptr (SimClient) c = sim_expect_start (m->sub_model, NULL);
    gboolean has_dload = onemo_model_supports (m, ONEMO_FEATURE_DLOAD_URL)
                         || onemo_model_supports (m, ONEMO_FEATURE_DLOAD_HEX)
                         || onemo_model_supports (m, ONEMO_FEATURE_DLOAD_TRANSPARENT);
    gboolean check = onemo_model_supports (m, ONEMO_FEATURE_CHECK);
    gboolean erase = onemo_model_supports (m, ONEMO_FEATURE_ERASE);
    gboolean url_upgrade = onemo_model_supports (m, ONEMO_FEATURE_UPGRADE_URL);

    g_test_message ("%s", m->sub_model);
    /* Without a URL: a download is a configuration error, an upgrade too where the module
     * downloads by itself, and a missing package where it does not. */
    sim_expect_final (c, "AT+MFWDLOAD",
                      onemo_model_supports (m, ONEMO_FEATURE_DLOAD_URL) ? "+CME ERROR: 851"
                                                                        : "ERROR");
    sim_expect_final (c, "AT+MFWUPGRADE", url_upgrade ? "+CME ERROR: 851" : "+CME ERROR: 854");
    sim_expect_final (c, "AT+MFWUPGRADE=?", "OK");
    check_cfg (c, m);
    check_writes (c, m, has_dload);
    sim_expect_final (c, "AT+MFWCHECK=?", check ? "OK" : "ERROR");
    sim_expect_final (c, "AT+MFWCHECK=1", check ? "OK" : "ERROR");
    sim_expect_final (c, "AT+MFWCHECK=3", check ? "+CME ERROR: 851" : "ERROR");
    sim_expect_final (c, "AT+MFWERASE=?", erase ? "OK" : "ERROR");
    sim_expect_final (c, "AT+MFWERASE", erase ? "OK" : "ERROR");
    if (erase)
      sim_expect_final (c, "AT+MFWDLOAD?", "OK");
  }
}

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
  after = sim_expect_revision (c);
  g_assert_cmpstr (after, ==, "MN316-S-DLVS-MBRH9S99");
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

/* ---- fault knobs ---- */

static void
test_fault_silent_error (void)
{
  const char *extra[]
      = { "--silent", "AT+MFWCHECK", "--error", "AT+MFWERASE=853", "--error", "AT+CGMM=850", NULL };
  g_autoptr (SimClient) c = sim_expect_start ("MN316-S-DLVS", extra);
  g_autoptr (GBytes) nothing = NULL;

  sim_client_send (c, "AT+MFWCHECK=0");
  nothing = sim_client_read_for (c, 300);
  g_assert_cmpmem (g_bytes_get_data (nothing, NULL), g_bytes_get_size (nothing), "AT+MFWCHECK=0\r",
                   14);
  sim_expect_final (c, "AT+MFWERASE", "+CME ERROR: 853");
  sim_expect_final (c, "at+cgmm", "+CME ERROR: 850");
  sim_expect_final (c, "AT+CGMI", "OK");
}

static void
test_fault_garbage (void)
{
  const char *extra[] = { "--garbage", "ATI", NULL };
  g_autoptr (SimClient) c = sim_expect_start ("M5311-E-DLVS", extra);
  g_autoptr (GBytes) bytes = NULL;
  gsize size;
  const guint8 *data;
  g_autofree char *long_line = g_strnfill (5000, 'X');

  sim_expect_final (c, "ATE0", "OK");
  sim_client_send (c, "ATI");
  bytes = sim_client_read_for (c, 500);
  data = g_bytes_get_data (bytes, &size);
  g_assert_cmpuint (size, >, 5000);
  g_assert_nonnull (memchr (data, '\0', size));
  g_assert_nonnull (memmem (data, size, long_line, 5000));
  g_assert_null (memmem (data, size, "\r\nOK\r\n", 6));
  sim_expect_final (c, "AT", "OK");
}

static void
test_fault_hangup (void)
{
  const char *extra[] = { "--hangup-after", "10", NULL };
  g_autoptr (SimClient) c = sim_expect_start ("ML307A-DSLN", extra);
  g_autoptr (GBytes) rest = NULL;

  sim_expect_final (c, "AT", "OK");     /* 3 bytes */
  sim_client_write (c, "AT+CGMR\r", 8); /* 8 more, in one write: gone after the 7th */
  g_assert_true (sim_client_wait_hangup (c, 3000));
  g_assert_false (sim_client_reopen (c, 300));
}

static void
test_fault_reboots (void)
{
  const char *never[] = { "--reboot-never", NULL };
  const char *old[] = { "--reboot-old-revision", NULL };

  {
    g_autoptr (SimClient) c = sim_expect_start ("ML307R-MC", never);
    g_autoptr (GBytes) good
        = sim_expect_make_package (sim_client_dir (c), "ML307R", "ML307R-MC-NEW", "100");
    sim_expect_write_transparent (c, good);
    sim_expect_final (c, "AT+MFWUPGRADE", "OK");
    sim_expect_line (c, "+MFWUPGRADE: 1,50");
    g_assert_true (sim_client_wait_hangup (c, 3000));
    g_assert_false (sim_client_reopen (c, 500));
  }
  {
    g_autoptr (SimClient) c = sim_expect_start ("ML307R-MC", old);
    g_autoptr (GBytes) good
        = sim_expect_make_package (sim_client_dir (c), "ML307R", "ML307R-MC-NEW", "100");
    sim_expect_write_transparent (c, good);
    sim_expect_package_upgrade (c, "ML307R-MC-MBRH0S00");
  }
}

/* ---- the line: log, baud, latency ---- */

static void
test_log (void)
{
  g_autofree char *dir = g_dir_make_tmp ("onemo-sim-log-XXXXXX", NULL);
  g_autofree char *log = g_build_filename (dir, "rx.bin", NULL);
  const char *extra[] = { "--log", log, NULL };
  g_autofree char *contents = NULL;
  gsize length;

  {
    g_autoptr (SimClient) c = sim_expect_start ("MN316-S-DLVS", extra);
    g_autoptr (GBytes) payload = g_bytes_new_static ("\0\1\2AT\r\n", 7);
    g_autofree char *before = NULL;

    /* Nothing sent, nothing logged. */
    g_assert_true (g_file_get_contents (log, &before, &length, NULL));
    g_assert_cmpuint (length, ==, 0);
    sim_expect_final (c, "AT", "OK");
    sim_expect_write_transparent (c, payload);
    g_assert_true (g_file_get_contents (log, &contents, &length, NULL));
    g_assert_cmpmem (contents, length, "AT\rAT+MFWDLOAD=0,7\r\0\1\2AT\r\n", 26);
  }
  g_unlink (log);
  g_rmdir (dir);
}

static void
test_baud (void)
{
  const char *extra[] = { "--baud", "9600", NULL };
  g_autoptr (SimClient) c = sim_expect_start ("MN316-S-DLVS", extra);
  g_autoptr (GBytes) payload = g_bytes_new_take (g_malloc0 (960), 960);
  gint64 start_time, elapsed;

  sim_expect_final (c, "ATE0", "OK");
  sim_client_send (c, "AT+MFWDLOAD=0,960");
  g_assert_true (sim_client_read_until (c, ">", SIM_LINE_MS));
  start_time = g_get_monotonic_time ();
  sim_client_write (c, g_bytes_get_data (payload, NULL), 960);
  sim_expect_line (c, "OK");
  elapsed = g_get_monotonic_time () - start_time;
  g_test_message ("960 bytes at 9600 baud in %" G_GINT64_FORMAT " µs", elapsed);
  g_assert_cmpint (elapsed, >=, 900000);
  g_assert_cmpint (elapsed, <, 2000000);
}

/* Output is throttled too: the garbage answer (5276 bytes) at 57600 baud takes 0.92 s. */
static void
test_baud_output (void)
{
  const char *extra[] = { "--baud", "57600", "--garbage", "ATI", NULL };
  g_autoptr (SimClient) c = sim_expect_start ("MN316-S-DLVS", extra);
  g_autofree char *tail = g_strnfill (5000, 'X');
  gint64 start_time, elapsed;

  sim_expect_final (c, "ATE0", "OK");
  start_time = g_get_monotonic_time ();
  sim_client_send (c, "ATI");
  g_assert_true (sim_client_read_until (c, tail, SIM_LINE_MS));
  elapsed = g_get_monotonic_time () - start_time;
  g_assert_cmpint (elapsed, >=, 880000);
  g_assert_cmpint (elapsed, <, 2500000);
}

static void
test_latency (void)
{
  const char *extra[] = { "--latency-ms", "300", NULL };
  g_autoptr (SimClient) c = sim_expect_start ("MN316-DBRS", extra);
  gint64 start_time = g_get_monotonic_time ();

  sim_expect_final (c, "AT", "OK");
  g_assert_cmpint (g_get_monotonic_time () - start_time, >=, 300000);
  /* Two commands at once: both answered, in order. */
  sim_client_write (c, "ATE0\rAT+CGMM\r", 13);
  g_assert_true (sim_client_read_until (c, "OK", SIM_LINE_MS));
  sim_expect_line (c, "MN316");
  sim_expect_line (c, "OK");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sim/help", test_help);
  g_test_add_func ("/sim/list-models", test_list_models);
  g_test_add_func ("/sim/make-package", test_make_package);
  g_test_add_func ("/sim/identity", test_identity);
  g_test_add_func ("/sim/echo-cmee", test_echo_cmee);
  g_test_add_func ("/sim/capabilities", test_capabilities);
  g_test_add_func ("/sim/forms", test_forms);
  g_test_add_func ("/sim/cfg-limits", test_cfg_limits);
  g_test_add_func ("/sim/write/hex-check", test_hex_write_check);
  g_test_add_func ("/sim/write/transparent", test_transparent_write);
  g_test_add_func ("/sim/write/max-package", test_max_package);
  g_test_add_func ("/sim/write/transparent-silence", test_transparent_silence);
  g_test_add_func ("/sim/upgrade/nbiot", test_upgrade_nbiot);
  g_test_add_func ("/sim/upgrade/ml307r-package", test_upgrade_ml307r_package);
  g_test_add_func ("/sim/fault/silent-error", test_fault_silent_error);
  g_test_add_func ("/sim/fault/garbage", test_fault_garbage);
  g_test_add_func ("/sim/fault/hangup", test_fault_hangup);
  g_test_add_func ("/sim/fault/reboots", test_fault_reboots);
  g_test_add_func ("/sim/line/log", test_log);
  g_test_add_func ("/sim/line/baud", test_baud);
  g_test_add_func ("/sim/line/baud-output", test_baud_output);
  g_test_add_func ("/sim/line/latency", test_latency);
  return g_test_run ();
}
