/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The simulator's knobs for the readings of the manual the host must all handle (docs/
 * spec-notes.md, "Readings the service handles"): each plays exactly the answer its option
 * promises.
 */
#include "sim-client.h"
#include "sim-expect.h"

#include <string.h>

/* @command's lines, the final result included, joined with "|". */
static char *
answer (SimClient *c, const char *command)
{
  g_autoptr (GPtrArray) lines = sim_client_command (c, command, SIM_LINE_MS);

  g_assert_nonnull (lines);
  g_ptr_array_add (lines, NULL);
  return g_strjoinv ("|", (char **)lines->pdata);
}

static void
assert_answer (SimClient *c, const char *command, const char *expected)
{
  g_autofree char *got = answer (c, command);

  g_assert_cmpstr (got, ==, expected);
}

/* g: quoted (the default) or bare, as §3.1 prints them. */
static void
test_cfg_values (void)
{
  static const struct {
    const char *how;
    const char *url, *auth, *timeout;
  } cases[] = {
    { "quoted", "+MFWCFG: \"url\",\"http://h/a\"|OK", "+MFWCFG: \"auth\",\"u\",\"p\"|OK",
      "+MFWCFG: \"timeout\",60|OK" },
    { "bare", "+MFWCFG: \"url\", http://h/a|OK", "+MFWCFG: \"auth\", u, p|OK",
      "+MFWCFG: \"timeout\", 60|OK" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    /* quoted is the default: the first case runs without the option. */
    const char *extra[] = { i == 0 ? NULL : "--cfg-values", cases[i].how, NULL };
    g_autoptr (SimClient) c = sim_expect_start ("MN316-S-DLVS", extra);

    sim_expect_final (c, "ATE0", "OK");
    sim_expect_final (c, "AT+MFWCFG=\"url\",\"http://h/a\"", "OK");
    sim_expect_final (c, "AT+MFWCFG=\"auth\",\"u\",\"p\"", "OK");
    assert_answer (c, "AT+MFWCFG=\"url\"", cases[i].url);
    assert_answer (c, "AT+MFWCFG=\"auth\"", cases[i].auth);
    assert_answer (c, "AT+MFWCFG=\"timeout\"", cases[i].timeout);
  }
}

/* g: one key's query unreadable, the others untouched. */
static void
test_cfg_unreadable (void)
{
  const char *extra[]
      = { "--cfg-unreadable", "timeout=garbage", "--cfg-unreadable", "SSL=error", NULL };
  const char *bad[][3] = { { "--cfg-unreadable", "timeout", NULL },
                           { "--cfg-unreadable", "colour=garbage", NULL },
                           { "--cfg-unreadable", "timeout=noise", NULL },
                           { "--cfg-values", "single", NULL },
                           { "--test-form", "json", NULL },
                           { "--start-deaf-ms", "-1", NULL },
                           { "--faults-for-ms", "-5", NULL } };
  g_autoptr (SimClient) c = sim_expect_start ("MN316-S-DLVS", extra);

  sim_expect_final (c, "ATE0", "OK");
  assert_answer (c, "AT+MFWCFG=\"timeout\"", "+MFWCFG: \"timeout\",\"#?(|OK");
  assert_answer (c, "AT+MFWCFG=\"ssl\"", "ERROR");
  assert_answer (c, "AT+MFWCFG=\"mode\"", "+MFWCFG: \"mode\",0|OK");
  /* Setting the key still works. */
  sim_expect_final (c, "AT+MFWCFG=\"timeout\",90", "OK");
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    const char *argv[]
        = { "--model", "MN316-S-DLVS", "--link", "/nonexistent/tty", bad[i][0], bad[i][1], NULL };
    g_test_message ("%s %s", bad[i][0], bad[i][1]);
    g_assert_cmpint (sim_client_run (argv, NULL), ==, 2);
  }
}

/* h: every shape of the test forms' answers. */
static void
test_test_forms (void)
{
  static const struct {
    const char *shape;
    const char *cfg;
    const char *dload;
  } cases[] = {
    { "list", "+MFWCFG: (\"url\",\"auth\",\"timeout\",\"mode\",\"progind\",\"pkgsize\")|OK",
      "+MFWDLOAD: (0-16777215),(1-512)|OK" },
    { "per-key",
      "+MFWCFG: \"url\"|+MFWCFG: \"auth\"|+MFWCFG: \"timeout\",(30-180)|+MFWCFG: \"mode\",(0,1)|"
      "+MFWCFG: \"progind\"|+MFWCFG: \"pkgsize\",(512)|OK",
      "+MFWDLOAD: (0-16777215)|+MFWDLOAD: (1-512)|OK" },
    { "error", "ERROR", "ERROR" },
    { "ok", "OK", "OK" },
    { "garbage",
      "+MFWCFG: ((\"#?,|~~(\"url\",\"auth\",\"timeout\",\"mode\",\"progind\",\"pkgsize\"|OK",
      "+MFWDLOAD: ((\"#?,|~~((0-16777215),(1-512)|OK" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    const char *extra[] = { "--test-form", cases[i].shape, NULL };
    g_autoptr (SimClient) c = sim_expect_start ("M5311-E-DLVS", extra);

    g_test_message ("--test-form %s", cases[i].shape);
    sim_expect_final (c, "ATE0", "OK");
    assert_answer (c, "AT+MFWCFG=?", cases[i].cfg);
    assert_answer (c, "AT+MFWDLOAD=?", cases[i].dload);
  }
  {
    const char *extra[] = { "--test-form", "per-key", NULL };
    g_autoptr (SimClient) c = sim_expect_start ("MN316-S-DLVS", extra);

    sim_expect_final (c, "ATE0", "OK");
    assert_answer (c, "AT+MFWCFG=?",
                   "+MFWCFG: \"url\"|+MFWCFG: \"auth\"|+MFWCFG: \"timeout\",(30-180)|"
                   "+MFWCFG: \"mode\",(0,1)|+MFWCFG: \"progind\"|+MFWCFG: \"ssl\",(0-4)|"
                   "+MFWCFG: \"pkgsize\",(512-3072)|OK");
  }
}

/* Section 1: a module still booting loses what it is sent, then answers. */
static void
test_start_deaf (void)
{
  const char *extra[] = { "--start-deaf-ms", "1500", NULL };
  g_autoptr (SimClient) c = sim_expect_start ("MN316-DBRS", extra);
  g_autoptr (GBytes) nothing = NULL;
  gint64 start = g_get_monotonic_time ();

  sim_client_send (c, "AT+CGSN");
  nothing = sim_client_read_for (c, 500);
  g_assert_cmpuint (g_bytes_get_size (nothing), ==, 0); /* not even the echo */
  while (g_get_monotonic_time () - start < 1600 * G_TIME_SPAN_MILLISECOND)
    g_usleep (50 * G_TIME_SPAN_MILLISECOND);
  sim_expect_final (c, "ATE0", "OK");
  assert_answer (c, "AT+CGSN", "869487060000001|OK");
}

/* Section 1: --faults-for-ms, a module that answers garbage while it boots, then well. */
static void
test_faults_for_ms (void)
{
  const char *extra[] = { "--garbage", "AT+CGSN", "--faults-for-ms", "1500", NULL };
  g_autoptr (SimClient) c = sim_expect_start ("MN316-DBRS", extra);
  g_autoptr (GBytes) garbage = NULL;
  gint64 start = g_get_monotonic_time ();

  sim_expect_final (c, "ATE0", "OK");
  sim_client_send (c, "AT+CGSN");
  garbage = sim_client_read_for (c, 300);
  g_assert_cmpuint (g_bytes_get_size (garbage), >, 5000);
  while (g_get_monotonic_time () - start < 1600 * G_TIME_SPAN_MILLISECOND)
    g_usleep (50 * G_TIME_SPAN_MILLISECOND);
  assert_answer (c, "AT+CGSN", "869487060000001|OK");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sim/readings/cfg-values", test_cfg_values);
  g_test_add_func ("/sim/readings/cfg-unreadable", test_cfg_unreadable);
  g_test_add_func ("/sim/readings/test-forms", test_test_forms);
  g_test_add_func ("/sim/readings/start-deaf", test_start_deaf);
  g_test_add_func ("/sim/readings/faults-for-ms", test_faults_for_ms);
  return g_test_run ();
}
