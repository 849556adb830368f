/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "onemo-at-command.h"

#include "onemo-error.h"

#include <string.h>

/* ---- Checking what goes into a command ---- */

gboolean
onemo_at_string_validate (const char *what, const char *value, gsize max_length, GError **error)
{
  gsize len;

  if (value == NULL || value[0] == '\0') {
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT, "The %s is empty", what);
    return FALSE;
  }
  len = strlen (value);
  if (len > max_length) {
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT,
                 "The %s is %" G_GSIZE_FORMAT " bytes long; at most %" G_GSIZE_FORMAT
                 " are allowed",
                 what, len, max_length);
    return FALSE;
  }
  for (gsize i = 0; i < len; i++) {
    guchar c = (guchar)value[i];
    /* A control byte could end or split the command, a quote close the parameter, and a
     * module reads parameters as ASCII. */
    if (c < 0x20 || c > 0x7e || c == '"') {
      g_set_error (
          error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT,
          "The %s holds a byte that cannot go into an AT command (0x%02x at %" G_GSIZE_FORMAT ")",
          what, c, i);
      return FALSE;
    }
  }
  return TRUE;
}

typedef struct {
  const char *key;
  gint64 min;
  gint64 max;
  gint64 unit; /* the value must be a multiple of it */
} CfgRange;

/* The manual's §3.1. pkgsize 0 is refused: the manual gives 512 as default and asks for a
 * multiple of 512, so 0 would name no block size at all. progind has no upper bound in the
 * manual; AT integers are 32-bit signed on these modules. */
static const CfgRange cfg_ranges[] = {
  { "timeout", ONEMO_AT_TIMEOUT_MIN, ONEMO_AT_TIMEOUT_MAX, 1 },
  { "mode", 0, 1, 1 },
  { "progind", 0, G_MAXINT32 / ONEMO_AT_PROGIND_UNIT *ONEMO_AT_PROGIND_UNIT,
    ONEMO_AT_PROGIND_UNIT },
  { "ssl", 0, ONEMO_AT_SSL_MAX, 1 },
  { "pkgsize", ONEMO_AT_PKGSIZE_UNIT, ONEMO_AT_PKGSIZE_MAX, ONEMO_AT_PKGSIZE_UNIT },
};

gboolean
onemo_at_cfg_number_validate (const char *key, gint64 value, GError **error)
{
  for (guint i = 0; key != NULL && i < G_N_ELEMENTS (cfg_ranges); i++) {
    const CfgRange *range = &cfg_ranges[i];

    if (g_ascii_strcasecmp (key, range->key) != 0)
      continue;
    if (value < range->min || value > range->max || value % range->unit != 0) {
      g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT,
                   "%s %" G_GINT64_FORMAT " is out of range: %" G_GINT64_FORMAT "–%" G_GINT64_FORMAT
                   "%s",
                   range->key, value, range->min, range->max,
                   range->unit > 1 ? (range->unit == ONEMO_AT_PKGSIZE_UNIT ? ", a multiple of 512"
                                                                           : ", a multiple of 1024")
                                   : "");
      return FALSE;
    }
    return TRUE;
  }
  g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT, "“%s” is no numeric setting",
               key != NULL ? key : "(null)");
  return FALSE;
}

const char *
onemo_at_url_scheme (const char *url)
{
  /* Longest first where one is a prefix of another. */
  static const char *const schemes[] = { "https", "http", "ftps", "ftp", "file" };

  if (url == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (schemes); i++) {
    gsize len = strlen (schemes[i]);
    if (g_ascii_strncasecmp (url, schemes[i], len) == 0 && strncmp (url + len, "://", 3) == 0)
      return schemes[i];
  }
  return NULL;
}

/* ---- Building commands ---- */

char *
onemo_at_build_cfg_url (const char *url)
{
  return g_strdup_printf ("AT+MFWCFG=\"url\",\"%s\"", url);
}

char *
onemo_at_build_cfg_auth (const char *user, const char *password)
{
  return g_strdup_printf ("AT+MFWCFG=\"auth\",\"%s\",\"%s\"", user, password);
}

char *
onemo_at_build_cfg_number (const char *key, gint64 value)
{
  return g_strdup_printf ("AT+MFWCFG=\"%s\",%" G_GINT64_FORMAT, key, value);
}

char *
onemo_at_build_cfg_query (const char *key)
{
  return g_strdup_printf ("AT+MFWCFG=\"%s\"", key);
}

char *
onemo_at_build_check (OnemoAtCheckAlgorithm algorithm)
{
  return g_strdup_printf ("AT+MFWCHECK=%d", (int)algorithm);
}

char *
onemo_at_build_dload_transparent (guint64 offset, guint64 length)
{
  return g_strdup_printf ("AT+MFWDLOAD=%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT, offset, length);
}

#define DLOAD_HEX_HEAD "AT+MFWDLOAD="

/* Appends @value in decimal: the hex write runs thousands of times per package, so no printf. */
static void
append_decimal (GString *out, guint64 value)
{
  char digits[20];
  guint n = 0;

  do {
    digits[n++] = (char)('0' + value % 10);
    value /= 10;
  } while (value != 0);
  while (n > 0)
    g_string_append_c (out, digits[--n]);
}

static guint
decimal_width (guint64 value)
{
  guint width = 1;

  while (value >= 10) {
    value /= 10;
    width++;
  }
  return width;
}

void
onemo_at_build_dload_hex (GString *command, guint64 offset, const guint8 *data, gsize len)
{
  static const char nibbles[] = "0123456789ABCDEF";
  gsize hex_start;
  char *hex;

  g_return_if_fail (command != NULL);
  g_return_if_fail (data != NULL);
  g_return_if_fail (len >= 1 && len <= ONEMO_AT_HEX_CHUNK);

  g_string_truncate (command, 0);
  g_string_append_len (command, DLOAD_HEX_HEAD, sizeof DLOAD_HEX_HEAD - 1);
  append_decimal (command, offset);
  g_string_append_c (command, ',');
  append_decimal (command, len);
  g_string_append_len (command, ",\"", 2);

  /* Grow once, then write the digits in place. */
  hex_start = command->len;
  g_string_set_size (command, hex_start + 2 * len + 1);
  hex = command->str + hex_start;
  for (gsize i = 0; i < len; i++) {
    *hex++ = nibbles[data[i] >> 4];
    *hex++ = nibbles[data[i] & 0x0f];
  }
  *hex = '"';
}

double
onemo_at_hex_ceiling (guint64 offset)
{
  /* AT+MFWDLOAD=<offset>,512,"<1024 hex digits>" and the CR that ends it. */
  gsize wire = (sizeof DLOAD_HEX_HEAD - 1) + decimal_width (offset) + 1
               + decimal_width (ONEMO_AT_HEX_CHUNK) + 2 + 2 * ONEMO_AT_HEX_CHUNK + 1 + 1;

  return (double)ONEMO_AT_HEX_CHUNK / (double)wire;
}

/* ---- Reading a command line: the module's side ---- */

static gboolean
fail_line (GError **error, const char *line, const char *what)
{
  g_autofree char *escaped = g_strescape (line != NULL ? line : "(null)", NULL);

  g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_PROTOCOL, "Cannot read command “%s”: %s", escaped,
               what);
  return FALSE;
}

static void
at_arg_free (gpointer data)
{
  OnemoAtArg *arg = data;

  g_free (arg->text);
  g_free (arg);
}

void
onemo_at_command_line_free (OnemoAtCommandLine *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_clear_pointer (&self->args, g_ptr_array_unref);
  g_free (self);
}

static gboolean
is_name_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '.' || c == '-';
}

/* Bare arguments are numbers, hex and the like: no quote, no '?' that hints at another form. */
static gboolean
is_bare_arg_char (char c)
{
  return g_ascii_isalnum (c) || c == ' ' || (c != '\0' && strchr ("+-._:/", c) != NULL);
}

/* One argument: "quoted" (nothing but a comma may follow the closing quote) or bare, up to
 * the next comma, surrounding spaces removed. */
static gboolean
take_arg (const char **cursor, OnemoAtArg **out_arg)
{
  const char *p = *cursor;
  OnemoAtArg *arg = g_new0 (OnemoAtArg, 1);

  while (*p == ' ')
    p++;
  if (*p == '"') {
    const char *end = strchr (p + 1, '"');
    if (end == NULL)
      goto bad;
    arg->quoted = TRUE;
    arg->text = g_strndup (p + 1, (gsize)(end - p - 1));
    p = end + 1;
    while (*p == ' ')
      p++;
    if (*p != ',' && *p != '\0')
      goto bad;
  } else {
    const char *start = p;
    while (*p != ',' && *p != '\0') {
      if (!is_bare_arg_char (*p))
        goto bad;
      p++;
    }
    arg->text = g_strstrip (g_strndup (start, (gsize)(p - start)));
  }
  *cursor = p;
  *out_arg = arg;
  return TRUE;

bad:
  at_arg_free (arg);
  return FALSE;
}

static gboolean
parse_extended (const char *line, const char *p, OnemoAtCommandLine *command, GError **error)
{
  const char *name_start = p++; /* the '+' */

  while (is_name_char (*p))
    p++;
  if (p == name_start + 1)
    return fail_line (error, line, "no command name after “+”");
  command->name = g_ascii_strup (name_start, p - name_start);

  if (*p == '\0') {
    command->form = ONEMO_AT_FORM_EXECUTE;
  } else if (strcmp (p, "?") == 0) {
    command->form = ONEMO_AT_FORM_READ;
  } else if (strcmp (p, "=?") == 0) {
    command->form = ONEMO_AT_FORM_TEST;
  } else if (*p == '=') {
    command->form = ONEMO_AT_FORM_SET;
    command->args = g_ptr_array_new_with_free_func (at_arg_free);
    p++;
    for (;;) {
      OnemoAtArg *arg;
      if (!take_arg (&p, &arg))
        return fail_line (error, line, "malformed argument or unclosed quote");
      g_ptr_array_add (command->args, arg);
      if (*p == '\0')
        break;
      p++; /* the comma */
    }
  } else {
    return fail_line (error, line, "unexpected characters after the command name");
  }
  return TRUE;
}

OnemoAtCommandLine *
onemo_at_command_line_parse (const char *line, GError **error)
{
  g_autoptr (OnemoAtCommandLine) command = NULL;
  const char *p;

  if (line == NULL) {
    fail_line (error, line, "no line");
    return NULL;
  }
  for (p = line; *p != '\0'; p++) {
    if ((guchar)*p < 0x20 || *p == 0x7f) {
      fail_line (error, line, "control byte");
      return NULL;
    }
  }
  if (g_ascii_toupper (line[0]) != 'A' || g_ascii_toupper (line[1]) != 'T') {
    fail_line (error, line, "does not start with AT");
    return NULL;
  }
  p = line + 2;
  command = g_new0 (OnemoAtCommandLine, 1);
  if (*p == '+') {
    if (!parse_extended (line, p, command, error))
      return NULL;
    return g_steal_pointer (&command);
  }

  /* A basic command (I, E0, &F, Z …) or a bare AT: its name is the rest, without arguments. */
  for (const char *q = p; *q != '\0'; q++) {
    if (!g_ascii_isalnum (*q) && *q != '&' && *q != '?' && *q != '=') {
      fail_line (error, line, "not a basic command");
      return NULL;
    }
  }
  command->name = g_ascii_strup (p, -1);
  command->form = ONEMO_AT_FORM_EXECUTE;
  return g_steal_pointer (&command);
}

const OnemoAtArg *
onemo_at_command_line_arg (const OnemoAtCommandLine *self, guint index)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (self->args == NULL || index >= self->args->len)
    return NULL;
  return g_ptr_array_index (self->args, index);
}

gboolean
onemo_at_command_line_arg_number (const OnemoAtCommandLine *self, guint index, gint64 min,
                                  gint64 max, gint64 *out_value)
{
  const OnemoAtArg *arg = onemo_at_command_line_arg (self, index);
  const char *p;
  gboolean negative;
  guint64 magnitude = 0;
  gint64 value;

  if (arg == NULL || arg->quoted)
    return FALSE;
  p = arg->text;
  negative = *p == '-';
  if (negative)
    p++;
  if (!g_ascii_isdigit (*p))
    return FALSE;
  for (; *p != '\0'; p++) {
    if (!g_ascii_isdigit (*p))
      return FALSE;
    /* Past G_MAXINT64 + 1 nothing fits a gint64 either way. */
    if (magnitude > ((guint64)G_MAXINT64 + 1 - (guint64)(*p - '0')) / 10)
      return FALSE;
    magnitude = magnitude * 10 + (guint64)(*p - '0');
  }
  if (negative)
    value = magnitude == (guint64)G_MAXINT64 + 1 ? G_MININT64 : -(gint64)magnitude;
  else if (magnitude > G_MAXINT64)
    return FALSE;
  else
    value = (gint64)magnitude;
  if (value < min || value > max)
    return FALSE;
  if (out_value != NULL)
    *out_value = value;
  return TRUE;
}

static gint
hex_digit_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

gboolean
onemo_at_hex_decode (const char *hex, GByteArray *out)
{
  gsize len;
  guint8 *bytes;

  g_return_val_if_fail (hex != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  len = strlen (hex);
  g_byte_array_set_size (out, 0);
  if (len % 2 != 0)
    return FALSE;
  g_byte_array_set_size (out, len / 2);
  bytes = out->data;
  for (gsize i = 0; i < len; i += 2) {
    gint high = hex_digit_value (hex[i]);
    gint low = hex_digit_value (hex[i + 1]);
    if (high < 0 || low < 0) {
      g_byte_array_set_size (out, 0);
      return FALSE;
    }
    bytes[i / 2] = (guint8)(high << 4 | low);
  }
  return TRUE;
}
