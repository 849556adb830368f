/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Pure parsers for every response of the spec (at-mfw.md §3, §4, §7 and §8). Each takes one line
 * (or, for ATI, the response's lines) without line endings, fills its out-struct only on success,
 * and fails with ONEMO_ERROR_PROTOCOL, saying what was wrong, on anything malformed: a missing
 * prefix, a missing space after the colon is tolerated, but not a missing field, a number out of
 * range, trailing garbage or a control byte.
 */

/* ---- +MFWCFG: "<key>",<value…> ----
 * Key and values quoted or bare (§3.1 prints `+MFWCFG: "url", <url>`): a bare url or password
 * runs to the end of the line, a bare user to the first comma; spaces around a bare value are
 * dropped, and a bare value holds no quote. An empty value (`+MFWCFG: "url",`) is "". */

typedef enum {
  ONEMO_CFG_URL,
  ONEMO_CFG_AUTH,
  ONEMO_CFG_TIMEOUT,
  ONEMO_CFG_MODE,
  ONEMO_CFG_PROGIND,
  ONEMO_CFG_SSL,
  ONEMO_CFG_PKGSIZE,
} OnemoCfgKey;

typedef struct {
  OnemoCfgKey key;
  char *url;      /* ONEMO_CFG_URL */
  char *user;     /* ONEMO_CFG_AUTH */
  char *password; /* ONEMO_CFG_AUTH: the module echoes it back; never log it */
  gint64 number;  /* the numeric keys */
} OnemoMfwCfg;

/* "url", "auth", … ↔ OnemoCfgKey. */
const char *onemo_cfg_key_to_string (OnemoCfgKey key);
gboolean onemo_cfg_key_from_string (const char *name, OnemoCfgKey *out_key);

gboolean onemo_at_parse_mfwcfg (const char *line, OnemoMfwCfg *out, GError **error);
void onemo_mfwcfg_clear (OnemoMfwCfg *cfg);

/* ---- +MFWDLOAD: <state>[,[<total>,]<dlength>] ---- */

typedef enum {
  ONEMO_DLOAD_INTERRUPTED = 0, /* follows a 3 when the download can be resumed */
  ONEMO_DLOAD_DOWNLOADING = 1,
  ONEMO_DLOAD_SUCCESS = 2,
  ONEMO_DLOAD_FAILED = 3,
} OnemoDloadState;

typedef struct {
  OnemoDloadState state;
  gboolean has_total; /* <total> is omitted when the module cannot know it */
  guint64 total;
  gboolean has_length; /* a bare "+MFWDLOAD: 0" or "+MFWDLOAD: 3" has no lengths at all */
  guint64 length;
} OnemoMfwDload;

gboolean onemo_at_parse_mfwdload (const char *line, OnemoMfwDload *out, GError **error);

/* ---- +MFWCHECK: <checksum> ---- */

/* *out_checksum: the digest in upper-case hex; its length must fit MD5, SHA1 or SHA256. */
gboolean onemo_at_parse_mfwcheck (const char *line, char **out_checksum, GError **error);

/* ---- +MFWUPGRADE: <state>[,<percent>] ---- */

typedef enum {
  ONEMO_UPGRADE_UPGRADING = 1,
  ONEMO_UPGRADE_SUCCESS = 2,
  ONEMO_UPGRADE_FAILED = 3,
} OnemoUpgradeState;

typedef struct {
  OnemoUpgradeState state;
  gboolean has_percent;
  guint percent; /* 0–100 */
} OnemoMfwUpgrade;

gboolean onemo_at_parse_mfwupgrade (const char *line, OnemoMfwUpgrade *out, GError **error);

/* ---- Identification (spec §8) ---- */

typedef struct {
  char *manufacturer; /* "CMCC" */
  char *model;        /* "MN316" */
  char *revision;     /* "MN316-DBRS-MBRH0C00" */
} OnemoIdentity;

/* ATI: three information lines, manufacturer, model, revision (other lines are ignored). */
gboolean onemo_at_parse_ati (const char *const *lines, OnemoIdentity *out, GError **error);
void onemo_identity_clear (OnemoIdentity *identity);

/* AT+CGMI, AT+CGMM: one line, optionally with a "+CGMI: "/"+CGMM: " prefix. */
gboolean onemo_at_parse_cgmi (const char *line, char **out_manufacturer, GError **error);
gboolean onemo_at_parse_cgmm (const char *line, char **out_model, GError **error);
/* AT+CGMR: "ML307A-DSLN-MBRH1S00", "Revision: ML307S-…" or "+CGMR: …". */
gboolean onemo_at_parse_cgmr (const char *line, char **out_revision, GError **error);
/* AT+CGSN: a 15-digit IMEI, optionally "+CGSN: " first. */
gboolean onemo_at_parse_cgsn (const char *line, char **out_imei, GError **error);

/* ---- Test forms: AT+CMD=? ---- */

/**
 * onemo_at_parse_test_response:
 * @line: e.g. `+MFWCFG: ("url","auth","timeout"),(30-180)`
 * @prefix: the expected prefix, e.g. "+MFWCFG"
 * @out_groups: each parenthesised group's items, as strings without quotes: for the example,
 *   [["url","auth","timeout"],["30-180"]]; a GPtrArray of GStrv
 */
gboolean onemo_at_parse_test_response (const char *line, const char *prefix, GPtrArray **out_groups,
                                       GError **error);

G_END_DECLS
