/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The model table against the spec (at-mfw.md §1, §6, §7), one row of expectations per fact. */
#include "onemo-error.h"
#include "onemo-model.h"

#include <gio/gio.h>

/* Every sub-model the manual's Table 1 and the ML307R manual name. */
static const char *const spec_sub_models[] = {
  "M5311-E-DLVS", "M5311-E-XLVS", "MN316-DBRS",  "MN316-DLVS",  "MN316-S-DLVS",
  "ML302A-DCLM",  "ML302A-DSLM",  "ML302A-GCLM", "ML302A-GSLM", "ML302S-DNLM",
  "ML307A-DCLN",  "ML307A-DSLN",  "ML307A-GCLN", "ML307A-GSLN", "ML307S-DNLM",
  "ML307R-DC",    "ML307R-DL",    "ML307R-BL",   "ML307R-MC",   "ML307R-ML",
};

static void
test_every_sub_model (void)
{
  guint n_rows = 0;

  for (guint i = 0; i < G_N_ELEMENTS (spec_sub_models); i++) {
    const OnemoModel *m = onemo_model_lookup (spec_sub_models[i]);
    g_assert_nonnull (m);
    g_assert_cmpstr (m->sub_model, ==, spec_sub_models[i]);
    g_assert_true (g_str_has_prefix (m->sub_model, m->series));
  }
  for (const OnemoModel *m = onemo_model_table (); m->sub_model != NULL; m++)
    n_rows++;
  g_assert_cmpuint (n_rows, ==, G_N_ELEMENTS (spec_sub_models));
  g_assert_null (onemo_model_lookup ("ML305"));
  g_assert_nonnull (onemo_model_lookup ("ml307a-dsln"));
}

typedef struct {
  const char *sub_model;
  OnemoFeature feature;
  gboolean expected;
} FeatureCase;

/* The spec's §6 table and §7 notes, cell by cell where a cell differs between series. */
static const FeatureCase feature_cases[] = {
  /* AT+MFWCFG url/auth: everyone. */
  { "M5311-E-DLVS", ONEMO_FEATURE_CFG_URL, TRUE },
  { "ML307S-DNLM", ONEMO_FEATURE_CFG_AUTH, TRUE },
  { "ML307R-BL", ONEMO_FEATURE_CFG_AUTH, TRUE },
  /* timeout, mode, progind, ssl, pkgsize: NB-IoT only; M5311-E pkgsize 512 and no ssl. */
  { "M5311-E-XLVS", ONEMO_FEATURE_CFG_TIMEOUT, TRUE },
  { "M5311-E-XLVS", ONEMO_FEATURE_CFG_SSL, FALSE },
  { "M5311-E-XLVS", ONEMO_FEATURE_CFG_PKGSIZE, FALSE },
  { "M5311-E-XLVS", ONEMO_FEATURE_CFG_PKGSIZE_512, TRUE },
  { "MN316-DBRS", ONEMO_FEATURE_CFG_SSL, TRUE },
  { "MN316-DBRS", ONEMO_FEATURE_CFG_PKGSIZE, TRUE },
  { "MN316-S-DLVS", ONEMO_FEATURE_CFG_MODE, TRUE },
  { "ML302A-DCLM", ONEMO_FEATURE_CFG_TIMEOUT, FALSE },
  { "ML307A-GSLN", ONEMO_FEATURE_CFG_PROGIND, FALSE },
  { "ML302S-DNLM", ONEMO_FEATURE_CFG_PKGSIZE, FALSE },
  /* ML307R: no mode, no pkgsize; DC/MC have timeout, progind, ssl. */
  { "ML307R-DC", ONEMO_FEATURE_CFG_MODE, FALSE },
  { "ML307R-MC", ONEMO_FEATURE_CFG_PKGSIZE, FALSE },
  { "ML307R-DC", ONEMO_FEATURE_CFG_PROGIND, TRUE },
  { "ML307R-DL", ONEMO_FEATURE_CFG_TIMEOUT, FALSE },
  /* AT+MFWDLOAD, AT+MFWERASE: NB-IoT and ML307R-DC/MC. */
  { "MN316-DLVS", ONEMO_FEATURE_DLOAD_URL, TRUE },
  { "MN316-DLVS", ONEMO_FEATURE_ERASE, TRUE },
  { "ML307A-DSLN", ONEMO_FEATURE_DLOAD_URL, FALSE },
  { "ML302S-DNLM", ONEMO_FEATURE_ERASE, FALSE },
  { "ML307R-DC", ONEMO_FEATURE_DLOAD_URL, TRUE },
  { "ML307R-ML", ONEMO_FEATURE_DLOAD_URL, FALSE },
  { "ML307R-DL", ONEMO_FEATURE_ERASE, FALSE },
  /* Serial writes: hex on NB-IoT; transparent on MN316-S and ML307R-DC/MC (offset 0 only). */
  { "M5311-E-DLVS", ONEMO_FEATURE_DLOAD_HEX, TRUE },
  { "M5311-E-DLVS", ONEMO_FEATURE_DLOAD_TRANSPARENT, FALSE },
  { "MN316-DBRS", ONEMO_FEATURE_DLOAD_TRANSPARENT, FALSE },
  { "MN316-S-DLVS", ONEMO_FEATURE_DLOAD_TRANSPARENT, TRUE },
  { "ML307R-MC", ONEMO_FEATURE_DLOAD_TRANSPARENT, TRUE },
  { "ML307R-MC", ONEMO_FEATURE_DLOAD_HEX, FALSE },
  { "ML307R-DC", ONEMO_FEATURE_DLOAD_OFFSET, FALSE },
  { "MN316-S-DLVS", ONEMO_FEATURE_DLOAD_OFFSET, TRUE },
  /* file:// */
  { "MN316-S-DLVS", ONEMO_FEATURE_FILE, TRUE },
  { "MN316-DLVS", ONEMO_FEATURE_FILE, FALSE },
  { "ML307A-DSLN", ONEMO_FEATURE_FILE, FALSE },
  { "ML307R-DC", ONEMO_FEATURE_FILE, TRUE },
  /* FTP: MN316-S, the ML30x S-variants, ML302S/ML307S; not M5311-E, MN316, the C-variants. */
  { "M5311-E-DLVS", ONEMO_FEATURE_FTP, FALSE },
  { "MN316-DBRS", ONEMO_FEATURE_FTP, FALSE },
  { "MN316-S-DLVS", ONEMO_FEATURE_FTP, TRUE },
  { "ML302A-DCLM", ONEMO_FEATURE_FTP, FALSE },
  { "ML302A-GCLM", ONEMO_FEATURE_FTP, FALSE },
  { "ML302A-DSLM", ONEMO_FEATURE_FTP, TRUE },
  { "ML302A-GSLM", ONEMO_FEATURE_FTP, TRUE },
  { "ML307A-DCLN", ONEMO_FEATURE_FTP, FALSE },
  { "ML307A-GCLN", ONEMO_FEATURE_FTP, FALSE },
  { "ML307A-DSLN", ONEMO_FEATURE_FTP, TRUE },
  { "ML307A-GSLN", ONEMO_FEATURE_FTP, TRUE },
  { "ML302S-DNLM", ONEMO_FEATURE_FTP, TRUE },
  { "ML307S-DNLM", ONEMO_FEATURE_FTP, TRUE },
  /* HTTPS/FTPS: not M5311-E, not ML30x; ML307R HTTPS. */
  { "M5311-E-DLVS", ONEMO_FEATURE_HTTPS, FALSE },
  { "MN316-DBRS", ONEMO_FEATURE_HTTPS, TRUE },
  { "MN316-S-DLVS", ONEMO_FEATURE_FTPS, TRUE },
  { "ML307A-DSLN", ONEMO_FEATURE_HTTPS, FALSE },
  { "ML307S-DNLM", ONEMO_FEATURE_FTPS, FALSE },
  { "ML307R-DL", ONEMO_FEATURE_HTTPS, TRUE },
  /* AT+MFWCHECK: MN316-S only. */
  { "MN316-S-DLVS", ONEMO_FEATURE_CHECK, TRUE },
  { "MN316-DBRS", ONEMO_FEATURE_CHECK, FALSE },
  { "M5311-E-DLVS", ONEMO_FEATURE_CHECK, FALSE },
  { "ML302A-DSLM", ONEMO_FEATURE_CHECK, FALSE },
  { "ML307R-DC", ONEMO_FEATURE_CHECK, FALSE },
  /* Self-downloading upgrade with percent and reboots: ML30x and every ML307R. */
  { "ML302A-DCLM", ONEMO_FEATURE_UPGRADE_URL, TRUE },
  { "ML307S-DNLM", ONEMO_FEATURE_UPGRADE_PERCENT, TRUE },
  { "ML307R-ML", ONEMO_FEATURE_UPGRADE_URL, TRUE },
  { "ML307R-DC", ONEMO_FEATURE_UPGRADE_URL, TRUE },
  { "MN316-S-DLVS", ONEMO_FEATURE_UPGRADE_URL, FALSE },
  { "MN316-S-DLVS", ONEMO_FEATURE_UPGRADE_PERCENT, FALSE },
  { "ML307A-DSLN", ONEMO_FEATURE_REBOOTS, TRUE },
  { "M5311-E-DLVS", ONEMO_FEATURE_REBOOTS, FALSE },
  /* Upgrade of a loaded package; rollback only on the ML307R differential path. */
  { "MN316-DBRS", ONEMO_FEATURE_UPGRADE, TRUE },
  { "ML307A-DSLN", ONEMO_FEATURE_UPGRADE, FALSE },
  { "ML307R-DC", ONEMO_FEATURE_UPGRADE, TRUE },
  { "ML307R-DC", ONEMO_FEATURE_ROLLBACK, TRUE },
  { "ML307A-DSLN", ONEMO_FEATURE_ROLLBACK, FALSE },
  /* 856/857 and download resume. */
  { "ML307R-DL", ONEMO_FEATURE_ERRORS_856_857, TRUE },
  { "ML307A-DSLN", ONEMO_FEATURE_ERRORS_856_857, FALSE },
  { "MN316-DBRS", ONEMO_FEATURE_DLOAD_RESUME, TRUE },
};

static void
test_features (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (feature_cases); i++) {
    const FeatureCase *c = &feature_cases[i];
    const OnemoModel *m = onemo_model_lookup (c->sub_model);
    g_assert_nonnull (m);
    if (onemo_model_supports (m, c->feature) != c->expected)
      g_error ("%s: feature %s should be %s", c->sub_model, onemo_feature_to_string (c->feature),
               c->expected ? "supported" : "unsupported");
  }
}

static void
test_reboots (void)
{
  g_assert_cmpuint (onemo_model_lookup ("ML307A-DSLN")->url_upgrade_reboots, >, 1);
  g_assert_cmpuint (onemo_model_lookup ("ML307R-DC")->package_upgrade_reboots, ==, 1);
  g_assert_cmpuint (onemo_model_lookup ("MN316-DBRS")->package_upgrade_reboots, ==, 0);
  for (const OnemoModel *m = onemo_model_table (); m->sub_model != NULL; m++)
    g_assert_true (onemo_model_supports (m, ONEMO_FEATURE_REBOOTS)
                   == (m->url_upgrade_reboots + m->package_upgrade_reboots > 0));
}

static void
test_revision_and_series (void)
{
  g_assert_cmpstr (onemo_model_from_revision ("MN316-S-DLVS-MBRH0C00")->sub_model, ==,
                   "MN316-S-DLVS");
  g_assert_cmpstr (onemo_model_from_revision ("MN316-DBRS-MBRH0C00")->sub_model, ==, "MN316-DBRS");
  g_assert_cmpstr (onemo_model_from_revision ("ML307A-DSLN-MBRH1S00")->sub_model, ==,
                   "ML307A-DSLN");
  g_assert_cmpstr (onemo_model_from_revision ("ML307R-DC")->sub_model, ==, "ML307R-DC");
  g_assert_null (onemo_model_from_revision ("ML307R-DCX"));
  g_assert_null (onemo_model_from_revision ("L610-CN-00"));
  g_assert_cmpstr (onemo_model_lookup_series ("MN316-S")->sub_model, ==, "MN316-S-DLVS");
  g_assert_cmpstr (onemo_model_lookup_series ("ML307R")->series, ==, "ML307R");
  g_assert_null (onemo_model_lookup_series ("ML305"));
}

static void
test_feature_names (void)
{
  g_auto (GStrv) caps = onemo_model_capabilities (onemo_model_lookup ("MN316-S-DLVS"));

  for (guint i = 0; i < ONEMO_N_FEATURES; i++) {
    OnemoFeature back;
    const char *name = onemo_feature_to_string ((OnemoFeature)i);
    g_assert_nonnull (name);
    g_assert_true (onemo_feature_from_string (name, &back));
    g_assert_cmpint (back, ==, i);
  }
  g_assert_null (onemo_feature_to_string (ONEMO_N_FEATURES));
  g_assert_false (onemo_feature_from_string ("teleport", NULL));
  g_assert_true (g_strv_contains ((const char *const *)caps, "checksum"));
  g_assert_false (g_strv_contains ((const char *const *)caps, "upgrade-url"));
}

static void
test_cfg_keys_and_schemes (void)
{
  const OnemoModel *m5311 = onemo_model_lookup ("M5311-E-DLVS");
  const OnemoModel *ml307a = onemo_model_lookup ("ML307A-DSLN");
  OnemoFeature feature;
  guint n_keys = 0;

  for (const char *const *key = onemo_model_cfg_keys (); *key != NULL; key++) {
    n_keys++;
    g_assert_true (onemo_model_supports_cfg_key (onemo_model_lookup ("MN316-S-DLVS"), *key));
  }
  g_assert_cmpuint (n_keys, ==, 7);
  g_assert_true (onemo_model_supports_cfg_key (m5311, "pkgsize")); /* 512 only, but the key */
  g_assert_false (onemo_model_supports_cfg_key (m5311, "ssl"));
  g_assert_true (onemo_model_supports_cfg_key (ml307a, "URL"));
  g_assert_false (onemo_model_supports_cfg_key (ml307a, "timeout"));
  g_assert_false (onemo_model_supports_cfg_key (ml307a, "colour"));
  g_assert_false (onemo_model_supports_cfg_key (ml307a, NULL));

  g_assert_true (onemo_feature_for_url_scheme ("FTPS", &feature));
  g_assert_cmpint (feature, ==, ONEMO_FEATURE_FTPS);
  g_assert_true (onemo_feature_for_url_scheme ("file", &feature));
  g_assert_cmpint (feature, ==, ONEMO_FEATURE_FILE);
  g_assert_false (onemo_feature_for_url_scheme ("gopher", &feature));
  g_assert_false (onemo_feature_for_url_scheme (NULL, &feature));
}

static void
test_error_names (void)
{
  static const struct {
    gint cme;
    const char *dbus_name;
  } cases[] = {
    { 850, "org.onemo.Firmware.Error.Unknown" },
    { 851, "org.onemo.Firmware.Error.Config" },
    { 852, "org.onemo.Firmware.Error.UrlType" },
    { 853, "org.onemo.Firmware.Error.Write" },
    { 854, "org.onemo.Firmware.Error.Upgrade" },
    { 855, "org.onemo.Firmware.Error.Download" },
    { 856, "org.onemo.Firmware.Error.RetriesExceeded" },
    { 857, "org.onemo.Firmware.Error.NoNetwork" },
    { 3, "org.onemo.Firmware.Error.Module" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GError) error
        = g_error_new_literal (ONEMO_ERROR, onemo_error_from_cme_code (cases[i].cme), "x");
    g_autofree char *name = g_dbus_error_encode_gerror (error);
    g_assert_cmpstr (name, ==, cases[i].dbus_name);
    if (cases[i].cme >= 850) {
      const char *text = onemo_error_cme_text (cases[i].cme);
      g_assert_nonnull (text);
      g_assert_cmpint (onemo_error_cme_code_from_text (text), ==, cases[i].cme);
      g_assert_cmpint (onemo_error_to_cme_code (error->code), ==, cases[i].cme);
    }
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/model/every-sub-model", test_every_sub_model);
  g_test_add_func ("/model/features", test_features);
  g_test_add_func ("/model/reboots", test_reboots);
  g_test_add_func ("/model/revision-and-series", test_revision_and_series);
  g_test_add_func ("/model/feature-names", test_feature_names);
  g_test_add_func ("/model/cfg-keys-and-schemes", test_cfg_keys_and_schemes);
  g_test_add_func ("/error/dbus-names", test_error_names);
  return g_test_run ();
}
