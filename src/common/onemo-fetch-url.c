/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a caller may ask the host to fetch, checked before any connection, and what may be told
 * back: error texts lose every credential.
 */
#include "onemo-fetch-url.h"

#include "onemo-error.h"

#include <string.h>

/* Only what RFC 3986 allows in a URL: no space, quote, control byte or non-ASCII byte. */
static gboolean
has_only_url_chars (const char *url, GError **error)
{
  for (gsize i = 0; url[i] != '\0'; i++) {
    if (!g_ascii_isalnum (url[i]) && strchr ("-._~:/?#[]@!$&'()*+,;=%", url[i]) == NULL) {
      g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT,
                   "URL has a character no URL may hold at byte %" G_GSIZE_FORMAT, i);
      return FALSE;
    }
  }
  return TRUE;
}

gboolean
onemo_fetch_validate_url (const char *url, GError **error)
{
  static const char *const schemes[] = { "http", "https", "ftp", "ftps" };
  g_autofree char *scheme = NULL;
  g_autofree char *userinfo = NULL;
  g_autofree char *host = NULL;
  g_autofree char *path = NULL;
  gboolean known_scheme = FALSE;

  if (url == NULL || *url == '\0') {
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT, "no URL given");
    return FALSE;
  }
  if (strlen (url) > ONEMO_FETCH_MAX_URL_LENGTH) {
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT, "URL longer than %d bytes",
                 ONEMO_FETCH_MAX_URL_LENGTH);
    return FALSE;
  }
  if (!has_only_url_chars (url, error))
    return FALSE;
  if (!g_uri_split (url, G_URI_FLAGS_ENCODED, &scheme, &userinfo, &host, NULL, &path, NULL, NULL,
                    NULL)
      || scheme == NULL) {
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT, "not an absolute URL");
    return FALSE;
  }
  for (guint i = 0; i < G_N_ELEMENTS (schemes); i++)
    known_scheme = known_scheme || g_ascii_strcasecmp (scheme, schemes[i]) == 0;
  if (!known_scheme) {
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT,
                 "URL scheme not one of http, https, ftp, ftps");
    return FALSE;
  }
  if (userinfo != NULL) {
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT,
                 "URL holds a user name or password: give them as options instead");
    return FALSE;
  }
  if (host == NULL || *host == '\0') {
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT, "URL names no host");
    return FALSE;
  }
  /* curl would list an FTP directory, and the listing is no package. */
  if (g_ascii_strncasecmp (scheme, "ftp", 3) == 0
      && (*path == '\0' || g_str_has_suffix (path, "/"))) {
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT, "FTP URL names no file");
    return FALSE;
  }
  return TRUE;
}

/* A line break in a user name or password would end an FTP command early. */
gboolean
onemo_fetch_validate_credential (const char *value, const char *what, GError **error)
{
  for (const char *c = value; c != NULL && *c != '\0'; c++) {
    if ((guchar)*c < 0x20 || *c == 0x7f) {
      g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT,
                   "the %s holds a control character", what);
      return FALSE;
    }
  }
  return TRUE;
}

gboolean
onemo_fetch_validate_ca (GBytes *ca, GError **error)
{
  gsize size = 0;
  const char *bytes = ca != NULL ? g_bytes_get_data (ca, &size) : NULL;

  if (ca == NULL)
    return TRUE;
  if (size == 0 || size > ONEMO_FETCH_MAX_CA_SIZE || memchr (bytes, '\0', size) != NULL) {
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT,
                 "the CA bundle must be PEM text of 1 to %d bytes", ONEMO_FETCH_MAX_CA_SIZE);
    return FALSE;
  }
  return TRUE;
}

gboolean
onemo_fetch_url_is_tls (const char *url)
{
  return g_ascii_strncasecmp (url, "https://", 8) == 0
         || g_ascii_strncasecmp (url, "ftps://", 7) == 0;
}

/* ---- texts without credentials ---- */

/* Drops the "user:password@" of every URL in @text. */
static void
strip_userinfo (GString *text)
{
  gsize from = 0;
  const char *mark;

  while ((mark = strstr (text->str + from, "://")) != NULL) {
    gsize authority = (gsize)(mark - text->str) + 3;
    gsize end = authority;
    gsize at = G_MAXSIZE;

    while (end < text->len && strchr ("/?# \t\r\n\"'<>", text->str[end]) == NULL) {
      if (text->str[end] == '@')
        at = end;
      end++;
    }
    if (at != G_MAXSIZE)
      g_string_erase (text, (gssize)authority, (gssize)(at + 1 - authority));
    from = authority;
  }
}

char *
onemo_fetch_redact (const char *text, const char *secret)
{
  GString *redacted = g_string_new (text);

  strip_userinfo (redacted);
  if (secret != NULL && *secret != '\0')
    g_string_replace (redacted, secret, "(hidden)", 0);
  return g_strchomp (g_string_free (redacted, FALSE));
}
