/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * OnemoFamily:
 *
 * How a series upgrades, which decides the shape of every flow:
 * - NBIOT: the host or the module loads a package (AT+MFWDLOAD), then AT+MFWUPGRADE applies it
 *   without a reboot the host can see (M5311-E, MN316, MN316-S);
 * - ML30X: AT+MFWUPGRADE downloads from the configured URL by itself, reports percentages and
 *   reboots several times with no OK and no rollback (ML302A/S, ML307A/S);
 * - ML307R: minimum-system FOTA as ML30X; the -DC/-MC sub-models can also load a differential
 *   package with AT+MFWDLOAD and apply it with one reboot and a rollback on failure.
 */
typedef enum {
  ONEMO_FAMILY_NBIOT,
  ONEMO_FAMILY_ML30X,
  ONEMO_FAMILY_ML307R,
} OnemoFamily;

/**
 * OnemoFeature:
 *
 * One thing a sub-model can or cannot do, as a bit in OnemoModel.features. Each has a stable
 * name (onemo_feature_to_string()), used for the D-Bus `Capabilities` property.
 */
typedef enum {
  ONEMO_FEATURE_CFG_URL,            /* AT+MFWCFG="url" */
  ONEMO_FEATURE_CFG_AUTH,           /* AT+MFWCFG="auth" */
  ONEMO_FEATURE_CFG_TIMEOUT,        /* AT+MFWCFG="timeout" */
  ONEMO_FEATURE_CFG_MODE,           /* AT+MFWCFG="mode" */
  ONEMO_FEATURE_CFG_PROGIND,        /* AT+MFWCFG="progind" */
  ONEMO_FEATURE_CFG_SSL,            /* AT+MFWCFG="ssl" */
  ONEMO_FEATURE_CFG_PKGSIZE,        /* AT+MFWCFG="pkgsize", any multiple of 512 up to 3072 */
  ONEMO_FEATURE_CFG_PKGSIZE_512,    /* AT+MFWCFG="pkgsize" accepts 512 only */
  ONEMO_FEATURE_DLOAD_URL,          /* AT+MFWDLOAD: the module downloads from its URL */
  ONEMO_FEATURE_DLOAD_HEX,          /* AT+MFWDLOAD=<off>,<len>,"<hex>" */
  ONEMO_FEATURE_DLOAD_TRANSPARENT,  /* AT+MFWDLOAD=<off>,<len> then raw bytes */
  ONEMO_FEATURE_DLOAD_OFFSET,       /* serial writes may start at an offset other than 0 */
  ONEMO_FEATURE_DLOAD_RESUME,       /* "+MFWDLOAD: 3" then "0": AT+MFWDLOAD again resumes */
  ONEMO_FEATURE_ERASE,              /* AT+MFWERASE */
  ONEMO_FEATURE_CHECK,              /* AT+MFWCHECK: MD5, SHA1, SHA256 */
  ONEMO_FEATURE_HTTP,               /* http:// URLs */
  ONEMO_FEATURE_HTTPS,              /* https:// URLs */
  ONEMO_FEATURE_FTP,                /* ftp:// URLs */
  ONEMO_FEATURE_FTPS,               /* ftps:// URLs */
  ONEMO_FEATURE_FILE,               /* file:// URLs into the module's own file system */
  ONEMO_FEATURE_UPGRADE,            /* AT+MFWUPGRADE of a loaded package */
  ONEMO_FEATURE_UPGRADE_URL,        /* AT+MFWUPGRADE downloads from the URL by itself */
  ONEMO_FEATURE_UPGRADE_PERCENT,    /* "+MFWUPGRADE: 1,<percent>" */
  ONEMO_FEATURE_REBOOTS,            /* the module reboots during the upgrade: the port goes away */
  ONEMO_FEATURE_ROLLBACK,           /* a failed upgrade returns to the old firmware */
  ONEMO_FEATURE_ERRORS_856_857,     /* reports +CME ERROR 856 and 857 */
  ONEMO_N_FEATURES
} OnemoFeature;

typedef guint64 OnemoFeatures;

#define ONEMO_F(feature) (G_GUINT64_CONSTANT (1) << ONEMO_FEATURE_##feature)

typedef struct {
  const char *sub_model; /* "ML307A-DSLN": what the module is, precisely */
  const char *series;    /* "ML307A": what AT+CGMM starts with */
  OnemoFamily family;
  OnemoFeatures features;
  guint url_upgrade_reboots;     /* port losses during a self-downloading AT+MFWUPGRADE */
  guint package_upgrade_reboots; /* port losses while a loaded package is applied */
} OnemoModel;

/* Every sub-model of the spec, in the manual's order, ending with a zeroed row. */
const OnemoModel *onemo_model_table (void);

/* The sub-model named exactly @sub_model (case-insensitive), or NULL. */
const OnemoModel *onemo_model_lookup (const char *sub_model);

/* The first sub-model of @series, as a default when only the series is known, or NULL. */
const OnemoModel *onemo_model_lookup_series (const char *series);

/* The sub-model a revision string names ("ML307A-DSLN-MBRH1S00" → ML307A-DSLN), or NULL. */
const OnemoModel *onemo_model_from_revision (const char *revision);

/* The one question every caller asks. */
gboolean onemo_model_supports (const OnemoModel *model, OnemoFeature feature);

/* The AT+MFWCFG keys in the manual's order ("url", "auth", "timeout", "mode", "progind", "ssl",
 * "pkgsize"), NULL-terminated. */
const char *const *onemo_model_cfg_keys (void);

/* The features that let a module take the AT+MFWCFG key @key (any one of them suffices);
 * 0 for a key the manual does not name. */
OnemoFeatures onemo_cfg_key_features (const char *key);

/* Whether @model takes the AT+MFWCFG key @key (case-insensitive); FALSE for an unknown key. */
gboolean onemo_model_supports_cfg_key (const OnemoModel *model, const char *key);

/* The feature a URL scheme needs ("http" → ONEMO_FEATURE_HTTP, … "file"); FALSE for a scheme the
 * manual does not name. The host and the simulator both ask this, so they agree. */
gboolean onemo_feature_for_url_scheme (const char *scheme, OnemoFeature *out_feature);

/* "cfg-url", "dload-hex", …; NULL past the end. */
const char *onemo_feature_to_string (OnemoFeature feature);
gboolean onemo_feature_from_string (const char *name, OnemoFeature *out_feature);

/* The features as a NULL-terminated list of names. */
GStrv onemo_model_capabilities (const OnemoModel *model);

const char *onemo_family_to_string (OnemoFamily family);

G_END_DECLS
