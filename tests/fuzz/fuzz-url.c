/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * URLs and the texts that may carry credentials, fuzzed. The input is a text, a NUL, and a
 * secret (a password). The text goes through the host's URL checks (onemo_fetch_validate_url,
 * onemo_fetch_validate_credential), the module's (onemo_at_string_validate and
 * onemo_at_url_scheme, as Configure() checks a url) and the redaction of error texts. Besides
 * the sanitizers: an accepted URL is short, plain ASCII, with a known scheme and no user info;
 * a redacted text holds no "user@" after any "://" and never the secret.
 */
#include "onemo-at-command.h"
#include "onemo-error.h"
#include "onemo-fetch-url.h"
#include "fuzz-require.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
require_invalid_argument (gboolean ok, GError **error)
{
  if (ok)
    require (*error == NULL);
  else
    require (g_error_matches (*error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT));
  g_clear_error (error);
}

/* Whether the URL at @mark ("://…") has a "user@" in its authority. */
static gboolean
has_userinfo (const char *mark)
{
  const char *authority = mark + 3;

  return memchr (authority, '@', strcspn (authority, "/?# \t\r\n\"'<>")) != NULL;
}

/* No "user@" in the authority of any URL left in @text. */
static void
require_no_userinfo (const char *text)
{
  for (const char *mark = strstr (text, "://"); mark != NULL; mark = strstr (mark + 3, "://"))
    require (!has_userinfo (mark));
}

static void
fuzz_host_url (const char *url, const char *secret)
{
  GError *error = NULL;
  gboolean ok = onemo_fetch_validate_url (url, &error);
  const char *scheme = onemo_at_url_scheme (url);

  if (ok) {
    require (strlen (url) <= ONEMO_FETCH_MAX_URL_LENGTH);
    require (strpbrk (url, " \"<>\\^`{|}") == NULL);
    for (const char *c = url; *c != '\0'; c++)
      require ((guchar)*c > 0x20 && (guchar)*c < 0x7f);
    /* What the host fetches, the module's own check names too; never file://. */
    require (scheme != NULL && g_strcmp0 (scheme, "file") != 0);
    require (!has_userinfo (strstr (url, "://")));
  }
  require_invalid_argument (ok, &error);

  ok = onemo_fetch_validate_credential (secret, "password", &error);
  require_invalid_argument (ok, &error);
}

static void
fuzz_module_url (const char *url)
{
  GError *error = NULL;
  gboolean ok = onemo_at_string_validate ("url", url, ONEMO_AT_URL_MAX, &error);

  require (!ok || strlen (url) <= ONEMO_AT_URL_MAX);
  require (!ok || strchr (url, '"') == NULL);
  require_invalid_argument (ok, &error);
}

static void
fuzz_redact (const char *text, const char *secret)
{
  g_autofree char *plain = onemo_fetch_redact (text, NULL);
  g_autofree char *hidden = onemo_fetch_redact (text, secret);

  require_no_userinfo (plain);
  if (*secret != '\0') {
    /* Between the marks that replaced it, the secret is nowhere. */
    g_auto (GStrv) pieces = g_strsplit (hidden, "(hidden)", -1);
    for (guint i = 0; pieces[i] != NULL; i++)
      require (strstr (pieces[i], secret) == NULL);
  }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const uint8_t *nul = memchr (data, '\0', size);
  gsize text_len = nul != NULL ? (gsize)(nul - data) : size;
  g_autofree char *text = g_strndup ((const char *)data, text_len);
  g_autofree char *secret
      = nul != NULL ? g_strndup ((const char *)nul + 1, size - text_len - 1) : g_strdup ("");

  fuzz_host_url (text, secret);
  fuzz_module_url (text);
  fuzz_redact (text, secret);
  return 0;
}
