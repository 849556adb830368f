/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "onemo-at-result.h"

#include "onemo-error.h"

#include <string.h>

/* The manual (§2) lets any of the three extended forms carry the module's codes, numeric or
 * verbose depending on AT+CMEE, so all three are read the same way. */
static const char *const extended_error_prefixes[] = {
  "+CME ERROR",
  "+CMS ERROR",
  "+CIS ERROR",
};

/* Whitespace around a result is noise some modules add; the text in between is what counts. */
static char *
strip_copy (const char *line)
{
  return g_strstrip (g_strdup (line));
}

/* The code an extended error's argument stands for: a number or a verbose AT+CMEE=2 text. */
static OnemoError
error_code_of_argument (const char *argument)
{
  guint64 number;
  gint cme;

  if (*argument == '\0')
    return ONEMO_ERROR_MODULE;
  if (g_ascii_string_to_unsigned (argument, 10, 0, G_MAXINT, &number, NULL))
    return onemo_error_from_cme_code ((gint)number);
  cme = onemo_error_cme_code_from_text (argument);
  return cme >= 0 ? onemo_error_from_cme_code (cme) : ONEMO_ERROR_MODULE;
}

static gboolean
classify_extended_error (const char *text, GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (extended_error_prefixes); i++) {
    const char *prefix = extended_error_prefixes[i];
    gsize prefix_len = strlen (prefix);
    g_autofree char *argument = NULL;

    if (g_ascii_strncasecmp (text, prefix, prefix_len) != 0)
      continue;
    if (text[prefix_len] != ':' && text[prefix_len] != '\0')
      continue;
    argument = g_strstrip (g_strdup (text[prefix_len] == ':' ? text + prefix_len + 1 : ""));
    g_set_error (error, ONEMO_ERROR, error_code_of_argument (argument), "The module answered %s",
                 text);
    return TRUE;
  }
  return FALSE;
}

OnemoAtResult
onemo_at_result_classify (const char *line, GError **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (line != NULL, ONEMO_AT_RESULT_NOT_FINAL);

  /* The common case first, without copying: every response line passes through here. */
  if (line[0] == 'O' && (line[1] == 'K' || line[1] == 'k') && line[2] == '\0')
    return ONEMO_AT_RESULT_OK;
  if (line[0] != 'O' && line[0] != 'o' && line[0] != 'E' && line[0] != 'e' && line[0] != '+'
      && !g_ascii_isspace (line[0]))
    return ONEMO_AT_RESULT_NOT_FINAL;

  text = strip_copy (line);
  if (g_ascii_strcasecmp (text, "OK") == 0)
    return ONEMO_AT_RESULT_OK;
  if (g_ascii_strcasecmp (text, "ERROR") == 0) {
    g_set_error_literal (error, ONEMO_ERROR, ONEMO_ERROR_MODULE, "The module answered ERROR");
    return ONEMO_AT_RESULT_ERROR;
  }
  if (classify_extended_error (text, error))
    return ONEMO_AT_RESULT_ERROR;
  return ONEMO_AT_RESULT_NOT_FINAL;
}
