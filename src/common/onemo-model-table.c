/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What every OneMO sub-model can do, from the vendor's firmware-upgrade manual V4.0.0 (§1.1 and
 * the notes of §3) and the ML307R manual V1.0.0. Read the spec digest (at-mfw.md §6 and §7)
 * beside this table. A correction to the manual is a one-line change: either a series' base set
 * below, or one sub-model's row.
 */
#include "onemo-model.h"

#include <string.h>

#define F(x) ONEMO_F (x)

/* NB-IoT parts: everything loads with AT+MFWDLOAD, then AT+MFWUPGRADE applies it. */
#define NBIOT_BASE                                                                                 \
  (F (CFG_URL) | F (CFG_AUTH) | F (CFG_TIMEOUT) | F (CFG_MODE) | F (CFG_PROGIND) | F (DLOAD_URL)   \
   | F (DLOAD_HEX) | F (DLOAD_OFFSET) | F (DLOAD_RESUME) | F (ERASE) | F (HTTP) | F (UPGRADE))
/* M5311-E ("M5310-E" in the manual's notes): pkgsize 512 only, no SSL profile. */
#define M5311E_FEATURES (NBIOT_BASE | F (CFG_PKGSIZE_512))
/* MN316: SSL and HTTPS, but no transparent write, no file://, no FTP (hence no FTPS). */
#define MN316_FEATURES (NBIOT_BASE | F (CFG_SSL) | F (CFG_PKGSIZE) | F (HTTPS))
/* MN316-S: the whole command set. */
#define MN316S_FEATURES                                                                            \
  (MN316_FEATURES | F (DLOAD_TRANSPARENT) | F (FILE) | F (FTP) | F (FTPS) | F (CHECK))

/* ML30x: only url/auth and a self-downloading AT+MFWUPGRADE over HTTP; no rollback. */
#define ML30X_BASE                                                                                 \
  (F (CFG_URL) | F (CFG_AUTH) | F (HTTP) | F (UPGRADE_URL) | F (UPGRADE_PERCENT) | F (REBOOTS))

/* ML307R minimum-system FOTA (-DL, -BL, -ML): as ML30x, and HTTPS without certificate checks. */
#define ML307R_FOTA                                                                                \
  (F (CFG_URL) | F (CFG_AUTH) | F (HTTP) | F (HTTPS) | F (FTP) | F (UPGRADE_URL)                   \
   | F (UPGRADE_PERCENT) | F (REBOOTS) | F (ERRORS_856_857))
/* ML307R -DC, -MC: also a full-system differential package, loaded whole from offset 0. */
#define ML307R_DIFF                                                                                \
  (ML307R_FOTA | F (CFG_TIMEOUT) | F (CFG_PROGIND) | F (CFG_SSL) | F (DLOAD_URL)                   \
   | F (DLOAD_TRANSPARENT) | F (FILE) | F (ERASE) | F (UPGRADE) | F (ROLLBACK))

#define NB ONEMO_FAMILY_NBIOT
#define ML ONEMO_FAMILY_ML30X
#define MR ONEMO_FAMILY_ML307R

static const OnemoModel models[] = {
  /* sub-model       series     family features                  url-reboots pkg-reboots */
  { "M5311-E-DLVS", "M5311-E", NB, M5311E_FEATURES, 0, 0 },
  { "M5311-E-XLVS", "M5311-E", NB, M5311E_FEATURES, 0, 0 },
  { "MN316-DBRS", "MN316", NB, MN316_FEATURES, 0, 0 },
  { "MN316-DLVS", "MN316", NB, MN316_FEATURES, 0, 0 },
  { "MN316-S-DLVS", "MN316-S", NB, MN316S_FEATURES, 0, 0 },
  { "ML302A-DCLM", "ML302A", ML, ML30X_BASE, 3, 0 },
  { "ML302A-DSLM", "ML302A", ML, ML30X_BASE | F (FTP), 3, 0 },
  { "ML302A-GCLM", "ML302A", ML, ML30X_BASE, 3, 0 },
  { "ML302A-GSLM", "ML302A", ML, ML30X_BASE | F (FTP), 3, 0 },
  { "ML302S-DNLM", "ML302S", ML, ML30X_BASE | F (FTP), 3, 0 },
  { "ML307A-DCLN", "ML307A", ML, ML30X_BASE, 3, 0 },
  { "ML307A-DSLN", "ML307A", ML, ML30X_BASE | F (FTP), 3, 0 },
  { "ML307A-GCLN", "ML307A", ML, ML30X_BASE, 3, 0 },
  { "ML307A-GSLN", "ML307A", ML, ML30X_BASE | F (FTP), 3, 0 },
  { "ML307S-DNLM", "ML307S", ML, ML30X_BASE | F (FTP), 3, 0 },
  { "ML307R-DC", "ML307R", MR, ML307R_DIFF, 3, 1 },
  { "ML307R-DL", "ML307R", MR, ML307R_FOTA, 3, 0 },
  { "ML307R-BL", "ML307R", MR, ML307R_FOTA, 3, 0 },
  { "ML307R-MC", "ML307R", MR, ML307R_DIFF, 3, 1 },
  { "ML307R-ML", "ML307R", MR, ML307R_FOTA, 3, 0 },
  { NULL },
};

static const char *const feature_names[ONEMO_N_FEATURES] = {
  [ONEMO_FEATURE_CFG_URL] = "cfg-url",
  [ONEMO_FEATURE_CFG_AUTH] = "cfg-auth",
  [ONEMO_FEATURE_CFG_TIMEOUT] = "cfg-timeout",
  [ONEMO_FEATURE_CFG_MODE] = "cfg-mode",
  [ONEMO_FEATURE_CFG_PROGIND] = "cfg-progind",
  [ONEMO_FEATURE_CFG_SSL] = "cfg-ssl",
  [ONEMO_FEATURE_CFG_PKGSIZE] = "cfg-pkgsize",
  [ONEMO_FEATURE_CFG_PKGSIZE_512] = "cfg-pkgsize-512",
  [ONEMO_FEATURE_DLOAD_URL] = "download",
  [ONEMO_FEATURE_DLOAD_HEX] = "write-hex",
  [ONEMO_FEATURE_DLOAD_TRANSPARENT] = "write-transparent",
  [ONEMO_FEATURE_DLOAD_OFFSET] = "write-offset",
  [ONEMO_FEATURE_DLOAD_RESUME] = "download-resume",
  [ONEMO_FEATURE_ERASE] = "erase",
  [ONEMO_FEATURE_CHECK] = "checksum",
  [ONEMO_FEATURE_HTTP] = "http",
  [ONEMO_FEATURE_HTTPS] = "https",
  [ONEMO_FEATURE_FTP] = "ftp",
  [ONEMO_FEATURE_FTPS] = "ftps",
  [ONEMO_FEATURE_FILE] = "file",
  [ONEMO_FEATURE_UPGRADE] = "upgrade",
  [ONEMO_FEATURE_UPGRADE_URL] = "upgrade-url",
  [ONEMO_FEATURE_UPGRADE_PERCENT] = "upgrade-percent",
  [ONEMO_FEATURE_REBOOTS] = "reboots",
  [ONEMO_FEATURE_ROLLBACK] = "rollback",
  [ONEMO_FEATURE_ERRORS_856_857] = "errors-856-857",
};

/* Which feature lets a module take each AT+MFWCFG key; pkgsize is there in two forms. */
static const struct {
  const char *key;
  OnemoFeatures needs; /* any of these */
} cfg_key_features[] = {
  { "url", F (CFG_URL) },
  { "auth", F (CFG_AUTH) },
  { "timeout", F (CFG_TIMEOUT) },
  { "mode", F (CFG_MODE) },
  { "progind", F (CFG_PROGIND) },
  { "ssl", F (CFG_SSL) },
  { "pkgsize", F (CFG_PKGSIZE) | F (CFG_PKGSIZE_512) },
};

static const char *const cfg_key_names[] = {
  "url", "auth", "timeout", "mode", "progind", "ssl", "pkgsize", NULL,
};

G_STATIC_ASSERT (G_N_ELEMENTS (cfg_key_names) == G_N_ELEMENTS (cfg_key_features) + 1);

static const struct {
  const char *scheme;
  OnemoFeature feature;
} scheme_features[] = {
  { "http", ONEMO_FEATURE_HTTP }, { "https", ONEMO_FEATURE_HTTPS }, { "ftp", ONEMO_FEATURE_FTP },
  { "ftps", ONEMO_FEATURE_FTPS }, { "file", ONEMO_FEATURE_FILE },
};

const OnemoModel *
onemo_model_table (void)
{
  return models;
}

const OnemoModel *
onemo_model_lookup (const char *sub_model)
{
  g_return_val_if_fail (sub_model != NULL, NULL);

  for (const OnemoModel *m = models; m->sub_model != NULL; m++)
    if (g_ascii_strcasecmp (m->sub_model, sub_model) == 0)
      return m;
  return NULL;
}

const OnemoModel *
onemo_model_lookup_series (const char *series)
{
  g_return_val_if_fail (series != NULL, NULL);

  for (const OnemoModel *m = models; m->sub_model != NULL; m++)
    if (g_ascii_strcasecmp (m->series, series) == 0)
      return m;
  return NULL;
}

const OnemoModel *
onemo_model_from_revision (const char *revision)
{
  const OnemoModel *best = NULL;

  g_return_val_if_fail (revision != NULL, NULL);

  /* The longest sub-model name that prefixes the revision and ends at a '-' or the end:
   * "MN316-S-DLVS-…" must not be read as an MN316. */
  for (const OnemoModel *m = models; m->sub_model != NULL; m++) {
    gsize n = strlen (m->sub_model);
    if (g_ascii_strncasecmp (revision, m->sub_model, n) == 0
        && (revision[n] == '\0' || revision[n] == '-')
        && (best == NULL || n > strlen (best->sub_model)))
      best = m;
  }
  return best;
}

gboolean
onemo_model_supports (const OnemoModel *model, OnemoFeature feature)
{
  g_return_val_if_fail (model != NULL, FALSE);
  g_return_val_if_fail ((guint)feature < ONEMO_N_FEATURES, FALSE);

  return (model->features & (G_GUINT64_CONSTANT (1) << feature)) != 0;
}

const char *const *
onemo_model_cfg_keys (void)
{
  return cfg_key_names;
}

OnemoFeatures
onemo_cfg_key_features (const char *key)
{
  for (guint i = 0; key != NULL && i < G_N_ELEMENTS (cfg_key_features); i++)
    if (g_ascii_strcasecmp (key, cfg_key_features[i].key) == 0)
      return cfg_key_features[i].needs;
  return 0;
}

gboolean
onemo_model_supports_cfg_key (const OnemoModel *model, const char *key)
{
  g_return_val_if_fail (model != NULL, FALSE);

  return (model->features & onemo_cfg_key_features (key)) != 0;
}

gboolean
onemo_feature_for_url_scheme (const char *scheme, OnemoFeature *out_feature)
{
  for (guint i = 0; scheme != NULL && i < G_N_ELEMENTS (scheme_features); i++) {
    if (g_ascii_strcasecmp (scheme, scheme_features[i].scheme) == 0) {
      if (out_feature != NULL)
        *out_feature = scheme_features[i].feature;
      return TRUE;
    }
  }
  return FALSE;
}

const char *
onemo_feature_to_string (OnemoFeature feature)
{
  if ((guint)feature >= ONEMO_N_FEATURES)
    return NULL;
  return feature_names[feature];
}

gboolean
onemo_feature_from_string (const char *name, OnemoFeature *out_feature)
{
  for (guint i = 0; i < ONEMO_N_FEATURES; i++) {
    if (g_strcmp0 (feature_names[i], name) == 0) {
      if (out_feature != NULL)
        *out_feature = (OnemoFeature)i;
      return TRUE;
    }
  }
  return FALSE;
}

GStrv
onemo_model_capabilities (const OnemoModel *model)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < ONEMO_N_FEATURES; i++)
    if (onemo_model_supports (model, (OnemoFeature)i))
      g_strv_builder_add (builder, feature_names[i]);
  return g_strv_builder_end (builder);
}

const char *
onemo_family_to_string (OnemoFamily family)
{
  switch (family) {
    case ONEMO_FAMILY_NBIOT:
      return "nb-iot";
    case ONEMO_FAMILY_ML30X:
      return "ml30x";
    case ONEMO_FAMILY_ML307R:
      return "ml307r";
  }
  return "unknown";
}
