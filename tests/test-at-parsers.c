/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The pure response parsers against every line the manual prints (spec §3, §4, §7, §8) and
 * against malformed variants of them, one table row per line. */
#include "onemo-at-parsers.h"
#include "onemo-error.h"

#include <string.h>

/* Asserts that a parser did what the row expects: a protocol error, or success without one.
 * Returns whether it succeeded, so that the caller goes on to compare the values. */
static gboolean
assert_outcome (gboolean ok, const GError *error, gboolean expected_ok)
{
  if (expected_ok) {
    g_assert_no_error (error);
    g_assert_true (ok);
  } else {
    g_assert_error (error, ONEMO_ERROR, ONEMO_ERROR_PROTOCOL);
    g_assert_false (ok);
  }
  return ok;
}

/* ---- +MFWCFG ---- */

typedef struct {
  const char *line;
  gboolean ok;
  OnemoCfgKey key;
  const char *text1; /* url or user */
  const char *text2; /* password */
  gint64 number;
} CfgCase;

static const CfgCase cfg_cases[] = {
  { "+MFWCFG: \"url\",\"http://1.15.41.92:3000/data\"", TRUE, ONEMO_CFG_URL,
    "http://1.15.41.92:3000/data" },
  { "+MFWCFG: \"url\",\"FTP://115.29.109.79:21/ML302S/system_patch.mini_1\"", TRUE, ONEMO_CFG_URL,
    "FTP://115.29.109.79:21/ML302S/system_patch.mini_1" },
  { "+MFWCFG: \"url\",\"file://usr/myfile/test.bin\"", TRUE, ONEMO_CFG_URL,
    "file://usr/myfile/test.bin" },
  /* The manual's syntax table prints a space after the comma; no space after the colon. */
  { "+MFWCFG: \"url\", \"http://a/b\"", TRUE, ONEMO_CFG_URL, "http://a/b" },
  { "+MFWCFG:\"url\",\"http://a/b\"", TRUE, ONEMO_CFG_URL, "http://a/b" },
  { "+MFWCFG: \"url\",\"\"", TRUE, ONEMO_CFG_URL, "" },
  { "+MFWCFG: \"auth\",\"ftpxy\",\"123654\"", TRUE, ONEMO_CFG_AUTH, "ftpxy", "123654" },
  { "+MFWCFG: \"auth\",\"user\",\"password\"", TRUE, ONEMO_CFG_AUTH, "user", "password" },
  { "+MFWCFG: \"auth\", \"user\", \"pass,word\"", TRUE, ONEMO_CFG_AUTH, "user", "pass,word" },
  { "+MFWCFG: \"timeout\",60", TRUE, ONEMO_CFG_TIMEOUT, NULL, NULL, 60 },
  { "+MFWCFG: \"timeout\",30", TRUE, ONEMO_CFG_TIMEOUT, NULL, NULL, 30 },
  { "+MFWCFG: \"timeout\",180", TRUE, ONEMO_CFG_TIMEOUT, NULL, NULL, 180 },
  { "+MFWCFG: \"mode\",0", TRUE, ONEMO_CFG_MODE, NULL, NULL, 0 },
  { "+MFWCFG: \"mode\",1", TRUE, ONEMO_CFG_MODE, NULL, NULL, 1 },
  { "+MFWCFG: \"progind\",0", TRUE, ONEMO_CFG_PROGIND, NULL, NULL, 0 },
  { "+MFWCFG: \"progind\",10240", TRUE, ONEMO_CFG_PROGIND, NULL, NULL, 10240 },
  { "+MFWCFG: \"ssl\",4", TRUE, ONEMO_CFG_SSL, NULL, NULL, 4 },
  { "+MFWCFG: \"pkgsize\",512", TRUE, ONEMO_CFG_PKGSIZE, NULL, NULL, 512 },
  { "+MFWCFG: \"pkgsize\",3072", TRUE, ONEMO_CFG_PKGSIZE, NULL, NULL, 3072 },
  /* Bare values, as §3.1 prints them ("+MFWCFG: \"url\", <url>"), and bare keys. */
  { "+MFWCFG: \"url\", http://1.15.41.92:3000/data", TRUE, ONEMO_CFG_URL,
    "http://1.15.41.92:3000/data" },
  { "+MFWCFG: \"url\",http://a/b", TRUE, ONEMO_CFG_URL, "http://a/b" },
  { "+MFWCFG: \"url\",http://a/b?x=1,2 ", TRUE, ONEMO_CFG_URL, "http://a/b?x=1,2" },
  { "+MFWCFG: \"url\",", TRUE, ONEMO_CFG_URL, "" },
  { "+MFWCFG: url,\"http://a/b\"", TRUE, ONEMO_CFG_URL, "http://a/b" },
  { "+MFWCFG: url, http://a/b", TRUE, ONEMO_CFG_URL, "http://a/b" },
  { "+MFWCFG: \"auth\", ftpxy, 123654", TRUE, ONEMO_CFG_AUTH, "ftpxy", "123654" },
  { "+MFWCFG: \"auth\",user,pass,word", TRUE, ONEMO_CFG_AUTH, "user", "pass,word" },
  { "+MFWCFG: \"auth\",\"user\",pw", TRUE, ONEMO_CFG_AUTH, "user", "pw" },
  { "+MFWCFG: \"auth\",user,\"pw\"", TRUE, ONEMO_CFG_AUTH, "user", "pw" },
  { "+MFWCFG: \"auth\",,", TRUE, ONEMO_CFG_AUTH, "", "" },
  { "+MFWCFG: \"timeout\", 60", TRUE, ONEMO_CFG_TIMEOUT, NULL, NULL, 60 },
  { "+MFWCFG: \"timeout\",90 ", TRUE, ONEMO_CFG_TIMEOUT, NULL, NULL, 90 },
  { "+MFWCFG: \"timeout\",\"60\"", TRUE, ONEMO_CFG_TIMEOUT, NULL, NULL, 60 },
  { "+MFWCFG: pkgsize,1536", TRUE, ONEMO_CFG_PKGSIZE, NULL, NULL, 1536 },
  /* Malformed. */
  { "+MFWCFG: \"url\"" },
  { "+MFWCFG: \"url\",\"http://a/b" },
  { "+MFWCFG: \"url\",http://a/\"b\"" },
  { "+MFWCFG: \"url\",http://a\tb" },
  { "+MFWCFG: \"url\"http://a/b" },
  { "+MFWCFG: \"auth\",user" },
  { "+MFWCFG: \"auth\",\"user\"pw,x" },
  { "+MFWCFG: \"timeout\",#?" },
  { "+MFWCFG: \"timeout\",\"6\"0" },
  { "+MFWCFG: \"timeout\",\"\"" },
  { "+MFWCFG: \"timeout\"" },
  { "+MFWCFG: \"\",60" },
  { "+MFWCFG: ,60" },
  { "+MFWCFG: \"url\",\"http://a/b\",\"x\"" },
  { "+MFWCFG: \"url\",\"http://a/b\" " },
  { "+MFWCFG: \"url\",\"http://a\tb\"" },
  { "+MFWCFG: \"auth\",\"user\"" },
  { "+MFWCFG: \"auth\",\"user\",\"pw\",\"x\"" },
  { "+MFWCFG: \"timeout\"," },
  { "+MFWCFG: \"timeout\",29" },
  { "+MFWCFG: \"timeout\",181" },
  { "+MFWCFG: \"timeout\",-60" },
  { "+MFWCFG: \"timeout\",6 0" },
  { "+MFWCFG: \"timeout\",60,1" },
  { "+MFWCFG: \"timeout\",99999999999999999999999" },
  { "+MFWCFG: \"mode\",2" },
  { "+MFWCFG: \"progind\",1000" },
  { "+MFWCFG: \"ssl\",5" },
  { "+MFWCFG: \"pkgsize\",0" },
  { "+MFWCFG: \"pkgsize\",1000" },
  { "+MFWCFG: \"pkgsize\",3584" },
  { "+MFWCFG: \"colour\",1" },
  { "+MFWCFG \"url\",\"http://a/b\"" },
  { "+MFWDLOAD: \"url\",\"http://a/b\"" },
  { "" },
};

static void
test_mfwcfg (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (cfg_cases); i++) {
    const CfgCase *c = &cfg_cases[i];
    OnemoMfwCfg cfg = { 0 };
    g_autoptr (GError) error = NULL;
    gboolean ok = onemo_at_parse_mfwcfg (c->line, &cfg, &error);

    g_test_message ("%s", c->line);
    if (!assert_outcome (ok, error, c->ok)) {
      g_assert_null (cfg.url);
      g_assert_null (cfg.user);
      g_assert_null (cfg.password);
      continue;
    }
    g_assert_cmpint (cfg.key, ==, c->key);
    switch (c->key) {
      case ONEMO_CFG_URL:
        g_assert_cmpstr (cfg.url, ==, c->text1);
        break;
      case ONEMO_CFG_AUTH:
        g_assert_cmpstr (cfg.user, ==, c->text1);
        g_assert_cmpstr (cfg.password, ==, c->text2);
        break;
      default:
        g_assert_cmpint (cfg.number, ==, c->number);
        break;
    }
    onemo_mfwcfg_clear (&cfg);
    g_assert_null (cfg.url);
    g_assert_null (cfg.password);
  }
}

static void
test_cfg_keys (void)
{
  static const char *const names[]
      = { "url", "auth", "timeout", "mode", "progind", "ssl", "pkgsize" };
  OnemoCfgKey key;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
    g_assert_cmpstr (onemo_cfg_key_to_string ((OnemoCfgKey)i), ==, names[i]);
    g_assert_true (onemo_cfg_key_from_string (names[i], &key));
    g_assert_cmpint (key, ==, i);
  }
  g_assert_true (onemo_cfg_key_from_string ("URL", &key));
  g_assert_cmpint (key, ==, ONEMO_CFG_URL);
  g_assert_null (onemo_cfg_key_to_string ((OnemoCfgKey)99));
  g_assert_false (onemo_cfg_key_from_string ("urls", &key));
  g_assert_false (onemo_cfg_key_from_string ("", &key));
  g_assert_false (onemo_cfg_key_from_string (NULL, &key));
}

/* ---- +MFWDLOAD ---- */

typedef struct {
  const char *line;
  gboolean ok;
  OnemoDloadState state;
  gboolean has_total;
  guint64 total;
  gboolean has_length;
  guint64 length;
} DloadCase;

static const DloadCase dload_cases[] = {
  { "+MFWDLOAD: 1,49630,1024", TRUE, ONEMO_DLOAD_DOWNLOADING, TRUE, 49630, TRUE, 1024 },
  { "+MFWDLOAD: 1,49630,2048", TRUE, ONEMO_DLOAD_DOWNLOADING, TRUE, 49630, TRUE, 2048 },
  { "+MFWDLOAD: 2,49630,49630", TRUE, ONEMO_DLOAD_SUCCESS, TRUE, 49630, TRUE, 49630 },
  { "+MFWDLOAD: 2,9508,9508", TRUE, ONEMO_DLOAD_SUCCESS, TRUE, 9508, TRUE, 9508 },
  { "+MFWDLOAD: 3,49630,0", TRUE, ONEMO_DLOAD_FAILED, TRUE, 49630, TRUE, 0 },
  { "+MFWDLOAD: 3", TRUE, ONEMO_DLOAD_FAILED },
  { "+MFWDLOAD: 0", TRUE, ONEMO_DLOAD_INTERRUPTED },
  /* <total> omitted: state and dlength. */
  { "+MFWDLOAD: 1,4096", TRUE, ONEMO_DLOAD_DOWNLOADING, FALSE, 0, TRUE, 4096 },
  { "+MFWDLOAD: 2,80362", TRUE, ONEMO_DLOAD_SUCCESS, FALSE, 0, TRUE, 80362 },
  { "+MFWDLOAD:1,49630,1024", TRUE, ONEMO_DLOAD_DOWNLOADING, TRUE, 49630, TRUE, 1024 },
  { "+MFWDLOAD: 1, 49630, 1024", TRUE, ONEMO_DLOAD_DOWNLOADING, TRUE, 49630, TRUE, 1024 },
  { "+MFWDLOAD: 1,18446744073709551615,18446744073709551615", TRUE, ONEMO_DLOAD_DOWNLOADING, TRUE,
    G_MAXUINT64, TRUE, G_MAXUINT64 },
  /* Malformed. */
  { "+MFWDLOAD: " },
  { "+MFWDLOAD:" },
  { "+MFWDLOAD: 4,49630,1024" },
  { "+MFWDLOAD: 9" },
  { "+MFWDLOAD: -1,49630,1024" },
  { "+MFWDLOAD: 1,-49630,1024" },
  { "+MFWDLOAD: 1,49630,1024,5" },
  { "+MFWDLOAD: 1,49630," },
  { "+MFWDLOAD: 1,,1024" },
  { "+MFWDLOAD: ,49630,1024" },
  { "+MFWDLOAD: 1,49630,1024 " },
  { "+MFWDLOAD: 1 ,49630,1024" },
  { "+MFWDLOAD:  1,49630,1024" },
  { "+MFWDLOAD: 1,496 30,1024" },
  { "+MFWDLOAD: 1,49630,1024x" },
  { "+MFWDLOAD: 1,0x10,1024" },
  { "+MFWDLOAD: 1,49630,49631" },
  { "+MFWDLOAD: 1,18446744073709551616,1024" },
  { "+MFWDLOAD: 1,99999999999999999999999999,1024" },
  { "+MFWDLOAD: 1,49630,1024\r" },
  { "+MFWDLOAD: 1,49630,\0011024" },
  { "+MFWDLOAD: \"1\",49630,1024" },
  { "MFWDLOAD: 1,49630,1024" },
  { "+mfwdload: 1,49630,1024" },
  { "+MFWDLOADX: 1,49630,1024" },
  { "+MFWUPGRADE: 1,64" },
  { "OK" },
};

static void
test_mfwdload (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (dload_cases); i++) {
    const DloadCase *c = &dload_cases[i];
    OnemoMfwDload dload = { .state = 42, .total = 42, .length = 42 };
    g_autoptr (GError) error = NULL;
    gboolean ok = onemo_at_parse_mfwdload (c->line, &dload, &error);

    g_test_message ("%s", c->line);
    if (!assert_outcome (ok, error, c->ok)) {
      /* Untouched on failure. */
      g_assert_cmpint (dload.state, ==, 42);
      g_assert_cmpuint (dload.total, ==, 42);
      continue;
    }
    g_assert_cmpint (dload.state, ==, c->state);
    g_assert_cmpint (dload.has_total, ==, c->has_total);
    g_assert_cmpuint (dload.total, ==, c->total);
    g_assert_cmpint (dload.has_length, ==, c->has_length);
    g_assert_cmpuint (dload.length, ==, c->length);
  }
}

/* ---- +MFWCHECK ---- */

typedef struct {
  const char *line;
  const char *checksum; /* NULL: must fail */
} CheckCase;

static const CheckCase check_cases[] = {
  { "+MFWCHECK: 5156E9D92129AA04B3488A991AED40C4", "5156E9D92129AA04B3488A991AED40C4" },
  { "+MFWCHECK:5156E9D92129AA04B3488A991AED40C4", "5156E9D92129AA04B3488A991AED40C4" },
  /* Lower case is accepted and returned in upper case. */
  { "+MFWCHECK: 5156e9d92129aa04b3488a991aed40c4", "5156E9D92129AA04B3488A991AED40C4" },
  { "+MFWCHECK: DA39A3EE5E6B4B0D3255BFEF95601890AFD80709",
    "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709" },
  { "+MFWCHECK: E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
    "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855" },
  /* Malformed. */
  { "+MFWCHECK: " },
  { "+MFWCHECK: 5156E9D92129AA04B3488A991AED40C" },
  { "+MFWCHECK: 5156E9D92129AA04B3488A991AED40C4A" },
  { "+MFWCHECK: 5156E9D92129AA04B3488A991AED40C4 " },
  { "+MFWCHECK: 5156E9D92129AA04B3488A991AED40G4" },
  { "+MFWCHECK: 5156E9D92129AA04 3488A991AED40C4" },
  { "+MFWCHECK: \"5156E9D92129AA04B3488A991AED40C4\"" },
  { "+MFWCHECK: 5156E9D92129AA04B3488A991AED40C4,1" },
  { "+MFWCHECK: 0x5156E9D92129AA04B3488A991AED40C4" },
  { "+MFWCHECK: 5156E9D92129AA04B3488A991AED40\x01\x02" },
  { "+MFWCHECK 5156E9D92129AA04B3488A991AED40C4" },
  { "5156E9D92129AA04B3488A991AED40C4" },
};

static void
test_mfwcheck (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (check_cases); i++) {
    const CheckCase *c = &check_cases[i];
    g_autofree char *checksum = NULL;
    g_autoptr (GError) error = NULL;
    gboolean ok = onemo_at_parse_mfwcheck (c->line, &checksum, &error);

    g_test_message ("%s", c->line);
    if (!assert_outcome (ok, error, c->checksum != NULL)) {
      g_assert_null (checksum);
      continue;
    }
    g_assert_cmpstr (checksum, ==, c->checksum);
  }
}

/* ---- +MFWUPGRADE ---- */

typedef struct {
  const char *line;
  gboolean ok;
  OnemoUpgradeState state;
  gboolean has_percent;
  guint percent;
} UpgradeCase;

static const UpgradeCase upgrade_cases[] = {
  { "+MFWUPGRADE: 1,64", TRUE, ONEMO_UPGRADE_UPGRADING, TRUE, 64 },
  { "+MFWUPGRADE: 1,68", TRUE, ONEMO_UPGRADE_UPGRADING, TRUE, 68 },
  { "+MFWUPGRADE: 2", TRUE, ONEMO_UPGRADE_SUCCESS, FALSE, 0 },
  { "+MFWUPGRADE: 3", TRUE, ONEMO_UPGRADE_FAILED, FALSE, 0 },
  { "+MFWUPGRADE: 1", TRUE, ONEMO_UPGRADE_UPGRADING, FALSE, 0 },
  { "+MFWUPGRADE: 1,0", TRUE, ONEMO_UPGRADE_UPGRADING, TRUE, 0 },
  { "+MFWUPGRADE: 1,100", TRUE, ONEMO_UPGRADE_UPGRADING, TRUE, 100 },
  { "+MFWUPGRADE:2", TRUE, ONEMO_UPGRADE_SUCCESS, FALSE, 0 },
  { "+MFWUPGRADE: 1, 64", TRUE, ONEMO_UPGRADE_UPGRADING, TRUE, 64 },
  /* Malformed. */
  { "+MFWUPGRADE: 1,101" },
  { "+MFWUPGRADE: 1,18446744073709551616" },
  { "+MFWUPGRADE: 1,-5" },
  { "+MFWUPGRADE: 0" },
  { "+MFWUPGRADE: 4" },
  { "+MFWUPGRADE: -1" },
  { "+MFWUPGRADE: " },
  { "+MFWUPGRADE: 1," },
  { "+MFWUPGRADE: 1,64,1" },
  { "+MFWUPGRADE: 1,64%" },
  { "+MFWUPGRADE: 2 " },
  { "+MFWUPGRADE: 2\n" },
  { "+MFWUPGRADE: 1,6 4" },
  { "+MFWUPGRADE: two" },
  { "+MFWDLOAD: 2" },
};

static void
test_mfwupgrade (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (upgrade_cases); i++) {
    const UpgradeCase *c = &upgrade_cases[i];
    OnemoMfwUpgrade upgrade = { .state = 42 };
    g_autoptr (GError) error = NULL;
    gboolean ok = onemo_at_parse_mfwupgrade (c->line, &upgrade, &error);

    g_test_message ("%s", c->line);
    if (!assert_outcome (ok, error, c->ok)) {
      g_assert_cmpint (upgrade.state, ==, 42);
      continue;
    }
    g_assert_cmpint (upgrade.state, ==, c->state);
    g_assert_cmpint (upgrade.has_percent, ==, c->has_percent);
    g_assert_cmpuint (upgrade.percent, ==, c->percent);
  }
}

/* ---- Identification ---- */

static void
test_ati (void)
{
  static const char *const manual[] = { "CMCC", "MN316", "MN316-DBRS-MBRH0C00", NULL };
  static const char *const with_noise[]
      = { "ATI", "", "CMCC", "ML307A", "ML307A-DSLN-MBRH1S00", "", "OK", NULL };
  static const char *const with_revision[]
      = { "CMCC", "ML307S", "Revision: ML307S-DNLM-MBRH0S00", NULL };
  static const char *const too_short[] = { "CMCC", "MN316", "OK", NULL };
  static const char *const empty[] = { NULL };
  static const char *const control[] = { "CMCC",
                                         "MN\x01"
                                         "316",
                                         "MN316-DBRS-MBRH0C00", NULL };
  OnemoIdentity id = { 0 };
  GError *error = NULL;

  g_assert_true (onemo_at_parse_ati (manual, &id, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (id.manufacturer, ==, "CMCC");
  g_assert_cmpstr (id.model, ==, "MN316");
  g_assert_cmpstr (id.revision, ==, "MN316-DBRS-MBRH0C00");
  onemo_identity_clear (&id);
  g_assert_null (id.manufacturer);
  g_assert_null (id.revision);

  g_assert_true (onemo_at_parse_ati (with_noise, &id, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (id.manufacturer, ==, "CMCC");
  g_assert_cmpstr (id.model, ==, "ML307A");
  g_assert_cmpstr (id.revision, ==, "ML307A-DSLN-MBRH1S00");
  onemo_identity_clear (&id);

  g_assert_true (onemo_at_parse_ati (with_revision, &id, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (id.revision, ==, "ML307S-DNLM-MBRH0S00");
  onemo_identity_clear (&id);

  g_assert_false (onemo_at_parse_ati (too_short, &id, &error));
  g_assert_error (error, ONEMO_ERROR, ONEMO_ERROR_PROTOCOL);
  g_clear_error (&error);
  g_assert_null (id.manufacturer);
  g_assert_false (onemo_at_parse_ati (empty, &id, &error));
  g_assert_error (error, ONEMO_ERROR, ONEMO_ERROR_PROTOCOL);
  g_clear_error (&error);
  g_assert_false (onemo_at_parse_ati (NULL, &id, &error));
  g_assert_error (error, ONEMO_ERROR, ONEMO_ERROR_PROTOCOL);
  g_clear_error (&error);
  g_assert_false (onemo_at_parse_ati (control, &id, &error));
  g_assert_error (error, ONEMO_ERROR, ONEMO_ERROR_PROTOCOL);
  g_clear_error (&error);
  g_assert_null (id.model);
}

typedef gboolean (*LineParser) (const char *line, char **out, GError **error);

typedef struct {
  const char *name;
  LineParser parse;
  const char *line;
  const char *value; /* NULL: must fail */
} IdentityCase;

static const IdentityCase identity_cases[] = {
  { "cgmi", onemo_at_parse_cgmi, "CMCC", "CMCC" },
  { "cgmi", onemo_at_parse_cgmi, "+CGMI: CMCC", "CMCC" },
  { "cgmi", onemo_at_parse_cgmi, "+CGMI: \"CMCC\"", "CMCC" },
  { "cgmi", onemo_at_parse_cgmi, "+CGMI:CMCC", "CMCC" },
  { "cgmi", onemo_at_parse_cgmi, "", NULL },
  { "cgmi", onemo_at_parse_cgmi, "+CGMI: ", NULL },
  { "cgmi", onemo_at_parse_cgmi,
    "CM\x7f"
    "CC",
    NULL },
  { "cgmi", onemo_at_parse_cgmi, "\"CMCC", NULL },
  { "cgmm", onemo_at_parse_cgmm, "MN316", "MN316" },
  { "cgmm", onemo_at_parse_cgmm, "ML307A", "ML307A" },
  { "cgmm", onemo_at_parse_cgmm, "+CGMM: ML307R", "ML307R" },
  { "cgmm", onemo_at_parse_cgmm, "ML307A\t", NULL },
  { "cgmr", onemo_at_parse_cgmr, "ML307A-DSLN-MBRH1S00", "ML307A-DSLN-MBRH1S00" },
  { "cgmr", onemo_at_parse_cgmr, "Revision: ML307S-DNLM-MBRH0S00", "ML307S-DNLM-MBRH0S00" },
  { "cgmr", onemo_at_parse_cgmr, "Revision:ML302S-DNLM-MBRH0S00", "ML302S-DNLM-MBRH0S00" },
  { "cgmr", onemo_at_parse_cgmr, "+CGMR: MN316-DBRS-MBRH0C00", "MN316-DBRS-MBRH0C00" },
  { "cgmr", onemo_at_parse_cgmr, "Revision: ", NULL },
  { "cgmr", onemo_at_parse_cgmr, "", NULL },
  { "cgsn", onemo_at_parse_cgsn, "869999051234567", "869999051234567" },
  { "cgsn", onemo_at_parse_cgsn, "+CGSN: 869999051234567", "869999051234567" },
  { "cgsn", onemo_at_parse_cgsn, "+CGSN: \"869999051234567\"", "869999051234567" },
  { "cgsn", onemo_at_parse_cgsn, "86999905123456", NULL },
  { "cgsn", onemo_at_parse_cgsn, "8699990512345678", NULL },
  { "cgsn", onemo_at_parse_cgsn, "86999905123456A", NULL },
  { "cgsn", onemo_at_parse_cgsn, "-86999905123456", NULL },
  { "cgsn", onemo_at_parse_cgsn, "869999 051234567", NULL },
  { "cgsn", onemo_at_parse_cgsn, "", NULL },
};

static void
test_identity_lines (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (identity_cases); i++) {
    const IdentityCase *c = &identity_cases[i];
    g_autofree char *value = NULL;
    g_autoptr (GError) error = NULL;
    gboolean ok = c->parse (c->line, &value, &error);

    g_test_message ("%s: %s", c->name, c->line);
    if (!assert_outcome (ok, error, c->value != NULL)) {
      g_assert_null (value);
      continue;
    }
    g_assert_cmpstr (value, ==, c->value);
  }
}

/* ---- Test forms ---- */

typedef struct {
  const char *line;
  const char *prefix;
  const char *groups; /* groups joined by '|', items by ';'; NULL: must fail */
} TestFormCase;

static const TestFormCase test_form_cases[] = {
  { "+MFWCFG: (\"url\",\"auth\",\"timeout\"),(30-180)", "+MFWCFG", "url;auth;timeout|30-180" },
  { "+MFWCFG: \"timeout\",(30-180)", "+MFWCFG", "timeout|30-180" },
  { "+MFWCHECK: (0-2)", "+MFWCHECK", "0-2" },
  { "+MFWCHECK:(0,1,2)", "+MFWCHECK", "0;1;2" },
  { "+MFWDLOAD: (0-4294967295),(1-512),\"hex\"", "+MFWDLOAD", "0-4294967295|1-512|hex" },
  { "+MFWCFG: (\"url\"), (0-1)", "+MFWCFG", "url|0-1" },
  { "+MFWCFG: ( 0 , 1 )", "+MFWCFG", "0;1" },
  { "+MFWCFG: ()", "+MFWCFG", "" },
  { "+MFWCFG: (\"a,b\")", "+MFWCFG", "a,b" },
  /* Malformed. */
  { "+MFWCFG: (\"url\",\"auth\"", "+MFWCFG", NULL },
  { "+MFWCFG: (\"url", "+MFWCFG", NULL },
  { "+MFWCFG: ((0-1))", "+MFWCFG", NULL },
  { "+MFWCFG: (0-1))", "+MFWCFG", NULL },
  { "+MFWCFG: (0-1)x", "+MFWCFG", NULL },
  { "+MFWCFG: (0,,1)", "+MFWCFG", NULL },
  { "+MFWCFG: ", "+MFWCFG", NULL },
  { "+MFWCFG: (0-1),", "+MFWCFG", NULL },
  { "+MFWCFG: (0-1\x01)", "+MFWCFG", NULL },
  { "+MFWCHECK: (0-2)", "+MFWCFG", NULL },
  { "OK", "+MFWCFG", NULL },
};

static char *
join_groups (GPtrArray *groups)
{
  g_autoptr (GString) joined = g_string_new (NULL);

  for (guint i = 0; i < groups->len; i++) {
    g_autofree char *items = g_strjoinv (";", g_ptr_array_index (groups, i));
    if (i > 0)
      g_string_append_c (joined, '|');
    g_string_append (joined, items);
  }
  return g_string_free (g_steal_pointer (&joined), FALSE);
}

static void
test_test_forms (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (test_form_cases); i++) {
    const TestFormCase *c = &test_form_cases[i];
    g_autoptr (GPtrArray) groups = NULL;
    g_autoptr (GError) error = NULL;
    g_autofree char *joined = NULL;
    gboolean ok = onemo_at_parse_test_response (c->line, c->prefix, &groups, &error);

    g_test_message ("%s", c->line);
    if (!assert_outcome (ok, error, c->groups != NULL)) {
      g_assert_null (groups);
      continue;
    }
    joined = join_groups (groups);
    g_assert_cmpstr (joined, ==, c->groups);
  }
}

/* Messages escape what the module sent: a log line must not carry its control bytes. */
static void
test_error_message_escaped (void)
{
  OnemoMfwDload dload;
  g_autoptr (GError) error = NULL;

  g_assert_false (onemo_at_parse_mfwdload ("+MFWDLOAD: 1\x1b[2J", &dload, &error));
  g_assert_error (error, ONEMO_ERROR, ONEMO_ERROR_PROTOCOL);
  g_assert_null (strchr (error->message, '\x1b'));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/at-parsers/mfwcfg", test_mfwcfg);
  g_test_add_func ("/at-parsers/cfg-keys", test_cfg_keys);
  g_test_add_func ("/at-parsers/mfwdload", test_mfwdload);
  g_test_add_func ("/at-parsers/mfwcheck", test_mfwcheck);
  g_test_add_func ("/at-parsers/mfwupgrade", test_mfwupgrade);
  g_test_add_func ("/at-parsers/ati", test_ati);
  g_test_add_func ("/at-parsers/identity-lines", test_identity_lines);
  g_test_add_func ("/at-parsers/test-forms", test_test_forms);
  g_test_add_func ("/at-parsers/error-message-escaped", test_error_message_escaped);

  return g_test_run ();
}
