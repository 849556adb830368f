/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Pure helpers for the text of AT commands: checking what goes into one, building the
 * AT+MFW* commands, and (for the simulator, the module's side) reading a command line back.
 */

#define ONEMO_AT_URL_MAX      256
#define ONEMO_AT_AUTH_MAX     48
#define ONEMO_AT_HEX_CHUNK    512 /* bytes of payload in one AT+MFWDLOAD=<off>,<len>,"<hex>" */
#define ONEMO_AT_TIMEOUT_MIN  30
#define ONEMO_AT_TIMEOUT_MAX  180
#define ONEMO_AT_PROGIND_UNIT 1024
#define ONEMO_AT_PKGSIZE_UNIT 512
#define ONEMO_AT_PKGSIZE_MAX  3072
#define ONEMO_AT_SSL_MAX      4

typedef enum {
  ONEMO_AT_CHECK_MD5 = 0,
  ONEMO_AT_CHECK_SHA1 = 1,
  ONEMO_AT_CHECK_SHA256 = 2,
} OnemoAtCheckAlgorithm;

/**
 * onemo_at_string_validate:
 * @what: the argument's name, for the message ("url", "user")
 * @value: the string that would go inside a quoted AT parameter
 * @max_length: its largest size in bytes
 *
 * A string may reach the port only if it is 1..@max_length printable ASCII bytes (0x20–0x7E)
 * without a `"`: no CR, LF, NUL or other control byte could end or split the command, no quote
 * could close the parameter. Fails with ONEMO_ERROR_INVALID_ARGUMENT naming @what otherwise.
 */
gboolean onemo_at_string_validate (const char *what, const char *value, gsize max_length,
                                   GError **error);

/* Checks one numeric AT+MFWCFG value against the manual's ranges (§3.1); "timeout", "mode",
 * "progind", "ssl", "pkgsize". ONEMO_ERROR_INVALID_ARGUMENT when out of range or unknown. */
gboolean onemo_at_cfg_number_validate (const char *key, gint64 value, GError **error);

/* The scheme of @url if it is one the manual names (http, https, ftp, ftps, file), compared
 * case-insensitively and returned in lower case; NULL otherwise. */
const char *onemo_at_url_scheme (const char *url);

/* AT+MFWCFG="url","<url>"; the caller validated @url. */
char *onemo_at_build_cfg_url (const char *url);
/* AT+MFWCFG="auth","<user>","<password>" */
char *onemo_at_build_cfg_auth (const char *user, const char *password);
/* AT+MFWCFG="<key>",<value> for the numeric keys */
char *onemo_at_build_cfg_number (const char *key, gint64 value);
/* AT+MFWCFG="<key>": the query form */
char *onemo_at_build_cfg_query (const char *key);
/* AT+MFWCHECK=<algorithm> */
char *onemo_at_build_check (OnemoAtCheckAlgorithm algorithm);
/* AT+MFWDLOAD=<offset>,<length>: transparent write */
char *onemo_at_build_dload_transparent (guint64 offset, guint64 length);

/**
 * onemo_at_build_dload_hex:
 * @command: a GString to fill (its contents are replaced), reused from one chunk to the next
 *   so a long write allocates nothing per chunk
 *
 * AT+MFWDLOAD=<offset>,<len>,"<HEX>" with upper-case hex; @len must be 1..ONEMO_AT_HEX_CHUNK.
 */
void onemo_at_build_dload_hex (GString *command, guint64 offset, const guint8 *data, gsize len);

/* The share of a hex-write command's bytes on the wire (command and its CR) that is payload,
 * for full ONEMO_AT_HEX_CHUNK chunks at @offset: what the benchmarks compare against. */
double onemo_at_hex_ceiling (guint64 offset);

/* ---- The module's side: reading a command line (used by the simulator) ---- */

typedef enum {
  ONEMO_AT_FORM_EXECUTE, /* AT+CMD */
  ONEMO_AT_FORM_SET,     /* AT+CMD=<args> */
  ONEMO_AT_FORM_READ,    /* AT+CMD? */
  ONEMO_AT_FORM_TEST,    /* AT+CMD=? */
} OnemoAtForm;

typedef struct {
  char *name; /* upper case, without "AT": "+MFWCFG", "I", "E0", "+CMEE", "" for a bare AT */
  OnemoAtForm form;
  GPtrArray *args; /* of OnemoAtArg, for ONEMO_AT_FORM_SET */
} OnemoAtCommandLine;

typedef struct {
  gboolean quoted; /* "…" in the command */
  char *text;      /* the text, quotes removed; an empty unquoted argument is "" */
} OnemoAtArg;

/**
 * onemo_at_command_line_parse:
 *
 * Reads one command line as a module would: `AT` or `at` first, then a basic command (`I`,
 * `E0`, `E1`, `&F` …) or an extended one (`+NAME` with its form and comma-separated arguments,
 * quoted or not). Fails with ONEMO_ERROR_PROTOCOL on anything else: no AT, an unclosed quote,
 * a control byte. Empty arguments are kept as "" (`AT+X=1,,2` has three, `AT+X=` one).
 */
OnemoAtCommandLine *onemo_at_command_line_parse (const char *line, GError **error);
void onemo_at_command_line_free (OnemoAtCommandLine *self);

/* The argument at @index, or NULL past the end. */
const OnemoAtArg *onemo_at_command_line_arg (const OnemoAtCommandLine *self, guint index);
/* The argument at @index as a decimal number in [min, max]; FALSE if absent or not one. */
gboolean onemo_at_command_line_arg_number (const OnemoAtCommandLine *self, guint index, gint64 min,
                                           gint64 max, gint64 *out_value);

/* Decodes hex text (either case) into @out, replacing its contents; FALSE (and @out empty) on
 * an odd length or a non-hex digit. */
gboolean onemo_at_hex_decode (const char *hex, GByteArray *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OnemoAtCommandLine, onemo_at_command_line_free)

/* The AT vocabulary the service speaks, in one place beside the builders and parsers: every
 * fixed command and the URC patterns the flows listen for. */
#define ONEMO_AT_CMD_ATTENTION      "AT"
#define ONEMO_AT_CMD_ECHO_OFF       "ATE0"
#define ONEMO_AT_CMD_CMEE_NUMERIC   "AT+CMEE=1"
#define ONEMO_AT_CMD_IDENTIFY       "ATI"
#define ONEMO_AT_CMD_MANUFACTURER   "AT+CGMI"
#define ONEMO_AT_CMD_MODEL          "AT+CGMM"
#define ONEMO_AT_CMD_REVISION       "AT+CGMR"
#define ONEMO_AT_CMD_IMEI           "AT+CGSN"
#define ONEMO_AT_CMD_CFG_TEST       "AT+MFWCFG=?"
#define ONEMO_AT_CMD_DOWNLOAD       "AT+MFWDLOAD"
#define ONEMO_AT_CMD_DOWNLOAD_STATE "AT+MFWDLOAD?"
#define ONEMO_AT_CMD_DOWNLOAD_TEST  "AT+MFWDLOAD=?"
#define ONEMO_AT_CMD_ERASE          "AT+MFWERASE"
#define ONEMO_AT_CMD_UPGRADE        "AT+MFWUPGRADE"
#define ONEMO_AT_URC_DOWNLOAD       "^\\+MFWDLOAD:"
#define ONEMO_AT_URC_UPGRADE        "^\\+MFWUPGRADE:"

G_END_DECLS
