/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "onemo-at-parsers.h"

#include "onemo-at-command.h"
#include "onemo-error.h"

#include <string.h>

/*
 * Every parser reads its line with a cursor: a prefix and its colon, then fields one at a time,
 * then the end. What a module may vary is tolerated (no space after the colon, spaces after a
 * comma as the manual's syntax tables print them); anything else is a protocol error.
 */

static const char *const cfg_key_names[] = {
  [ONEMO_CFG_URL] = "url",         [ONEMO_CFG_AUTH] = "auth",       [ONEMO_CFG_TIMEOUT] = "timeout",
  [ONEMO_CFG_MODE] = "mode",       [ONEMO_CFG_PROGIND] = "progind", [ONEMO_CFG_SSL] = "ssl",
  [ONEMO_CFG_PKGSIZE] = "pkgsize",
};

/* Numbers the module prints: no field of the spec comes near 20 digits, so cap it there. */
#define MAX_DECIMAL_DIGITS 20

const char *
onemo_cfg_key_to_string (OnemoCfgKey key)
{
  if ((guint)key >= G_N_ELEMENTS (cfg_key_names))
    return NULL;
  return cfg_key_names[key];
}

gboolean
onemo_cfg_key_from_string (const char *name, OnemoCfgKey *out_key)
{
  if (name == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (cfg_key_names); i++) {
    if (g_ascii_strcasecmp (name, cfg_key_names[i]) == 0) {
      if (out_key != NULL)
        *out_key = (OnemoCfgKey)i;
      return TRUE;
    }
  }
  return FALSE;
}

static gboolean
fail (GError **error, const char *line, const char *what)
{
  /* The line goes into the message escaped: it may hold anything, and it may reach a log. */
  g_autofree char *escaped = g_strescape (line != NULL ? line : "(null)", NULL);

  g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_PROTOCOL, "Cannot read “%s”: %s", escaped, what);
  return FALSE;
}

static gboolean
has_control_byte (const char *text)
{
  for (const guchar *p = (const guchar *)text; *p != '\0'; p++) {
    if (*p < 0x20 || *p == 0x7f)
      return TRUE;
  }
  return FALSE;
}

/* Checks @line for control bytes and @prefix followed by a colon and an optional space;
 * *out_rest points after them. */
static gboolean
take_prefix (const char *line, const char *prefix, const char **out_rest, GError **error)
{
  gsize prefix_len = strlen (prefix);

  if (line == NULL)
    return fail (error, line, "no line");
  if (has_control_byte (line))
    return fail (error, line, "control byte");
  if (strncmp (line, prefix, prefix_len) != 0 || line[prefix_len] != ':')
    return fail (error, line, "wrong prefix");
  line += prefix_len + 1;
  if (*line == ' ')
    line++;
  *out_rest = line;
  return TRUE;
}

/* A decimal number without sign or spaces, at most G_MAXUINT64. */
static gboolean
take_number (const char **cursor, guint64 *out_value)
{
  const char *p = *cursor;
  guint64 value = 0;
  guint digits = 0;

  while (g_ascii_isdigit (*p)) {
    guint digit = (guint)(*p - '0');
    if (value > (G_MAXUINT64 - digit) / 10 || ++digits > MAX_DECIMAL_DIGITS)
      return FALSE;
    value = value * 10 + digit;
    p++;
  }
  if (digits == 0)
    return FALSE;
  *cursor = p;
  *out_value = value;
  return TRUE;
}

/* A comma, then any spaces (the manual's tables print "<state>, <total>"). */
static gboolean
take_comma (const char **cursor)
{
  const char *p = *cursor;

  if (*p != ',')
    return FALSE;
  p++;
  while (*p == ' ')
    p++;
  *cursor = p;
  return TRUE;
}

/* "text": the quotes removed; no escapes exist in AT strings, so the next quote ends it. */
static gboolean
take_quoted (const char **cursor, char **out_text)
{
  const char *start = *cursor;
  const char *end;

  if (*start != '"')
    return FALSE;
  end = strchr (start + 1, '"');
  if (end == NULL)
    return FALSE;
  *out_text = g_strndup (start + 1, (gsize)(end - start - 1));
  *cursor = end + 1;
  return TRUE;
}

/* ---- +MFWCFG ---- */

/* One value of a query answer, "quoted" or bare: §3.1 prints them bare (`+MFWCFG: "url", <url>`),
 * modules and the spec digest quote them. A bare value runs to the next comma when @to_comma,
 * else to the end of the line, spaces around it dropped; it holds no quote. */
static gboolean
take_value (const char **cursor, gboolean to_comma, char **out_text)
{
  const char *p = *cursor;
  const char *end = p;
  char *text;

  if (*p == '"')
    return take_quoted (cursor, out_text);
  while (*end != '\0' && !(to_comma && *end == ','))
    end++;
  text = g_strstrip (g_strndup (p, (gsize)(end - p)));
  if (strchr (text, '"') != NULL) {
    g_free (text);
    return FALSE;
  }
  *out_text = text;
  *cursor = end;
  return TRUE;
}

/* A number, quoted or bare, that is the whole rest of the line. */
static gboolean
take_cfg_number (const char **cursor, guint64 *out_value)
{
  g_autofree char *text = NULL;
  const char *digits;

  if (!take_value (cursor, FALSE, &text))
    return FALSE;
  digits = text;
  return take_number (&digits, out_value) && *digits == '\0';
}

static gboolean
parse_cfg_value (const char *line, const char *p, OnemoMfwCfg *cfg, GError **error)
{
  guint64 number;
  g_autoptr (GError) range_error = NULL;

  switch (cfg->key) {
    case ONEMO_CFG_URL:
      if (!take_value (&p, FALSE, &cfg->url))
        return fail (error, line, "the url is neither quoted nor bare");
      break;
    case ONEMO_CFG_AUTH:
      if (!take_value (&p, TRUE, &cfg->user) || !take_comma (&p)
          || !take_value (&p, FALSE, &cfg->password))
        return fail (error, line, "auth needs a user and a password");
      break;
    default:
      if (!take_cfg_number (&p, &number) || number > G_MAXINT64)
        return fail (error, line, "the value is not a number");
      cfg->number = (gint64)number;
      if (!onemo_at_cfg_number_validate (onemo_cfg_key_to_string (cfg->key), cfg->number,
                                         &range_error))
        return fail (error, line, range_error->message);
      break;
  }
  if (*p != '\0')
    return fail (error, line, "trailing characters");
  return TRUE;
}

gboolean
onemo_at_parse_mfwcfg (const char *line, OnemoMfwCfg *out, GError **error)
{
  OnemoMfwCfg cfg = { 0 };
  g_autofree char *key_name = NULL;
  const char *p;

  g_return_val_if_fail (out != NULL, FALSE);

  if (!take_prefix (line, "+MFWCFG", &p, error))
    return FALSE;
  if (!take_value (&p, TRUE, &key_name))
    return fail (error, line, "no key");
  if (!onemo_cfg_key_from_string (key_name, &cfg.key))
    return fail (error, line, "unknown key");
  if (!take_comma (&p))
    return fail (error, line, "no value");
  if (!parse_cfg_value (line, p, &cfg, error)) {
    onemo_mfwcfg_clear (&cfg);
    return FALSE;
  }
  *out = cfg;
  return TRUE;
}

void
onemo_mfwcfg_clear (OnemoMfwCfg *cfg)
{
  if (cfg == NULL)
    return;
  g_clear_pointer (&cfg->url, g_free);
  g_clear_pointer (&cfg->user, g_free);
  if (cfg->password != NULL) {
    /* A secret: do not leave it in freed memory. */
    memset (cfg->password, 0, strlen (cfg->password));
    g_clear_pointer (&cfg->password, g_free);
  }
  cfg->number = 0;
}

/* ---- +MFWDLOAD ---- */

gboolean
onemo_at_parse_mfwdload (const char *line, OnemoMfwDload *out, GError **error)
{
  OnemoMfwDload dload = { 0 };
  guint64 numbers[3];
  guint n_numbers = 0;
  const char *p;

  g_return_val_if_fail (out != NULL, FALSE);

  if (!take_prefix (line, "+MFWDLOAD", &p, error))
    return FALSE;
  for (;;) {
    if (n_numbers == G_N_ELEMENTS (numbers))
      return fail (error, line, "too many fields");
    if (!take_number (&p, &numbers[n_numbers++]))
      return fail (error, line, "a field is not a number");
    if (*p == '\0')
      break;
    if (!take_comma (&p))
      return fail (error, line, "trailing characters");
  }

  if (numbers[0] > ONEMO_DLOAD_FAILED)
    return fail (error, line, "state out of range");
  dload.state = (OnemoDloadState)numbers[0];
  dload.has_total = n_numbers == 3;
  dload.total = dload.has_total ? numbers[1] : 0;
  dload.has_length = n_numbers >= 2;
  dload.length = dload.has_length ? numbers[n_numbers - 1] : 0;
  if (dload.has_total && dload.length > dload.total)
    return fail (error, line, "more bytes downloaded than the total");
  *out = dload;
  return TRUE;
}

/* ---- +MFWCHECK ---- */

gboolean
onemo_at_parse_mfwcheck (const char *line, char **out_checksum, GError **error)
{
  const char *p;
  gsize len;

  g_return_val_if_fail (out_checksum != NULL, FALSE);

  if (!take_prefix (line, "+MFWCHECK", &p, error))
    return FALSE;
  len = strlen (p);
  /* MD5, SHA1, SHA256 */
  if (len != 32 && len != 40 && len != 64)
    return fail (error, line, "the checksum's length fits no algorithm");
  for (gsize i = 0; i < len; i++) {
    if (!g_ascii_isxdigit (p[i]))
      return fail (error, line, "the checksum is not hex");
  }
  *out_checksum = g_ascii_strup (p, (gssize)len);
  return TRUE;
}

/* ---- +MFWUPGRADE ---- */

gboolean
onemo_at_parse_mfwupgrade (const char *line, OnemoMfwUpgrade *out, GError **error)
{
  OnemoMfwUpgrade upgrade = { 0 };
  guint64 state, percent = 0;
  const char *p;

  g_return_val_if_fail (out != NULL, FALSE);

  if (!take_prefix (line, "+MFWUPGRADE", &p, error))
    return FALSE;
  if (!take_number (&p, &state))
    return fail (error, line, "the state is not a number");
  if (state < ONEMO_UPGRADE_UPGRADING || state > ONEMO_UPGRADE_FAILED)
    return fail (error, line, "state out of range");
  if (*p != '\0') {
    if (!take_comma (&p) || !take_number (&p, &percent))
      return fail (error, line, "the percentage is not a number");
    if (percent > 100)
      return fail (error, line, "percentage above 100");
    if (*p != '\0')
      return fail (error, line, "trailing characters");
    upgrade.has_percent = TRUE;
  }
  upgrade.state = (OnemoUpgradeState)state;
  upgrade.percent = (guint)percent;
  *out = upgrade;
  return TRUE;
}

/* ---- Identification ---- */

/* One identification value: @prefix (e.g. "+CGMM:") and surrounding spaces and quotes removed.
 * NULL when the line is empty or holds a control byte. */
static char *
identity_value (const char *line, const char *const *prefixes)
{
  g_autofree char *value = NULL;
  gsize len;

  if (line == NULL || has_control_byte (line))
    return NULL;
  for (guint i = 0; prefixes != NULL && prefixes[i] != NULL; i++) {
    if (g_str_has_prefix (line, prefixes[i])) {
      line += strlen (prefixes[i]);
      break;
    }
  }
  value = g_strstrip (g_strdup (line));
  len = strlen (value);
  if (len >= 2 && value[0] == '"' && value[len - 1] == '"') {
    memmove (value, value + 1, len - 2);
    value[len - 2] = '\0';
  }
  if (value[0] == '\0' || strchr (value, '"') != NULL)
    return NULL;
  return g_steal_pointer (&value);
}

static gboolean
parse_identity_line (const char *line, const char *const *prefixes, const char *what,
                     char **out_value, GError **error)
{
  char *value;

  g_return_val_if_fail (out_value != NULL, FALSE);

  value = identity_value (line, prefixes);
  if (value == NULL)
    return fail (error, line, what);
  *out_value = value;
  return TRUE;
}

/* Lines of an ATI answer that carry no identity: the echo and the final result. */
static gboolean
is_ati_noise (const char *line)
{
  g_autofree char *stripped = g_strstrip (g_strdup (line));

  return stripped[0] == '\0' || g_ascii_strcasecmp (stripped, "ATI") == 0
         || g_ascii_strcasecmp (stripped, "OK") == 0;
}

gboolean
onemo_at_parse_ati (const char *const *lines, OnemoIdentity *out, GError **error)
{
  static const char *const revision_prefixes[] = { "Revision:", NULL };
  char *values[3] = { NULL, NULL, NULL };
  guint n_values = 0;

  g_return_val_if_fail (out != NULL, FALSE);

  for (guint i = 0; lines != NULL && lines[i] != NULL && n_values < 3; i++) {
    if (is_ati_noise (lines[i]))
      continue;
    values[n_values] = identity_value (lines[i], n_values == 2 ? revision_prefixes : NULL);
    if (values[n_values] == NULL) {
      fail (error, lines[i], "not an identification line");
      break;
    }
    n_values++;
  }
  if (n_values < 3) {
    if (error == NULL || *error == NULL)
      g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_PROTOCOL,
                   "ATI answered %u identification lines, not 3", n_values);
    for (guint i = 0; i < G_N_ELEMENTS (values); i++)
      g_free (values[i]);
    return FALSE;
  }
  out->manufacturer = values[0];
  out->model = values[1];
  out->revision = values[2];
  return TRUE;
}

void
onemo_identity_clear (OnemoIdentity *identity)
{
  if (identity == NULL)
    return;
  g_clear_pointer (&identity->manufacturer, g_free);
  g_clear_pointer (&identity->model, g_free);
  g_clear_pointer (&identity->revision, g_free);
}

gboolean
onemo_at_parse_cgmi (const char *line, char **out_manufacturer, GError **error)
{
  static const char *const prefixes[] = { "+CGMI:", NULL };

  return parse_identity_line (line, prefixes, "no manufacturer", out_manufacturer, error);
}

gboolean
onemo_at_parse_cgmm (const char *line, char **out_model, GError **error)
{
  static const char *const prefixes[] = { "+CGMM:", NULL };

  return parse_identity_line (line, prefixes, "no model", out_model, error);
}

gboolean
onemo_at_parse_cgmr (const char *line, char **out_revision, GError **error)
{
  static const char *const prefixes[] = { "+CGMR:", "Revision:", NULL };

  return parse_identity_line (line, prefixes, "no revision", out_revision, error);
}

#define IMEI_DIGITS 15

gboolean
onemo_at_parse_cgsn (const char *line, char **out_imei, GError **error)
{
  static const char *const prefixes[] = { "+CGSN:", NULL };
  g_autofree char *imei = NULL;

  g_return_val_if_fail (out_imei != NULL, FALSE);

  imei = identity_value (line, prefixes);
  if (imei == NULL || strlen (imei) != IMEI_DIGITS)
    return fail (error, line, "not a 15-digit IMEI");
  for (guint i = 0; i < IMEI_DIGITS; i++) {
    if (!g_ascii_isdigit (imei[i]))
      return fail (error, line, "not a 15-digit IMEI");
  }
  *out_imei = g_steal_pointer (&imei);
  return TRUE;
}

/* ---- Test forms ---- */

/* One item of a test response: "quoted" or bare (up to a comma or a parenthesis), not empty. */
static gboolean
take_test_item (const char **cursor, char **out_item)
{
  const char *p = *cursor;

  while (*p == ' ')
    p++;
  if (*p == '"') {
    if (!take_quoted (&p, out_item))
      return FALSE;
  } else {
    const char *start = p;
    while (*p != '\0' && *p != ',' && *p != '(' && *p != ')' && *p != '"')
      p++;
    if (p == start)
      return FALSE;
    *out_item = g_strstrip (g_strndup (start, (gsize)(p - start)));
  }
  while (*p == ' ')
    p++;
  *cursor = p;
  return TRUE;
}

/* "(a,b,c)" into a GStrv, or a bare item outside parentheses as a group of one. */
static GStrv
take_test_group (const char **cursor)
{
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_free);
  const char *p = *cursor;
  gboolean parenthesised = *p == '(';
  char *item;

  if (parenthesised) {
    p++;
    while (*p == ' ')
      p++;
    if (*p == ')') {
      *cursor = p + 1;
      g_ptr_array_add (items, NULL);
      return (GStrv)g_ptr_array_steal (items, NULL);
    }
  }
  for (;;) {
    if (!take_test_item (&p, &item))
      return NULL;
    g_ptr_array_add (items, item);
    if (!parenthesised || *p != ',')
      break;
    p++;
  }
  if (parenthesised) {
    if (*p != ')')
      return NULL;
    p++;
  }
  *cursor = p;
  g_ptr_array_add (items, NULL);
  return (GStrv)g_ptr_array_steal (items, NULL);
}

gboolean
onemo_at_parse_test_response (const char *line, const char *prefix, GPtrArray **out_groups,
                              GError **error)
{
  g_autoptr (GPtrArray) groups = g_ptr_array_new_with_free_func ((GDestroyNotify)g_strfreev);
  const char *p;

  g_return_val_if_fail (prefix != NULL, FALSE);
  g_return_val_if_fail (out_groups != NULL, FALSE);

  if (!take_prefix (line, prefix, &p, error))
    return FALSE;
  for (;;) {
    GStrv group = take_test_group (&p);
    if (group == NULL)
      return fail (error, line, "malformed group");
    g_ptr_array_add (groups, group);
    if (*p == '\0')
      break;
    if (!take_comma (&p))
      return fail (error, line, "trailing characters");
  }
  *out_groups = g_steal_pointer (&groups);
  return TRUE;
}
