/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The simulator against the spec: its own options, identity and echo, and every sub-model of
 * the model table answering exactly what onemo_model_supports() says. Package writes and
 * upgrades are in test-sim-upgrade.c, fault knobs and the line in test-sim-faults.c.
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
  return g_test_run ();
}
