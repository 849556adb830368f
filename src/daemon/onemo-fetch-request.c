/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a caller may ask the host to fetch, checked before any connection, and what may be told
 * back: error texts lose every credential.
 */
#include "onemo-fetch-private.h"

#include "onemo-error.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
static gboolean
validate_credential (const char *value, const char *what, GError **error)
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

static gboolean
validate_ca_file (const char *path, GError **error)
{
  struct stat info;
  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  gboolean regular = fd >= 0 && fstat (fd, &info) == 0 && S_ISREG (info.st_mode);
  int saved_errno = errno;

  if (fd >= 0)
    close (fd);
  if (regular)
    return TRUE;
  if (fd < 0)
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT, "cannot read the CA file: %s",
                 g_strerror (saved_errno));
  else
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT,
                 "the CA file is not a regular file");
  return FALSE;
}

gboolean
onemo_fetch_validate_request (const char *url, const OnemoFetchOptions *options, GError **error)
{
  if (!onemo_fetch_validate_url (url, error))
    return FALSE;
  if (options == NULL)
    return TRUE;
  return validate_credential (options->user, "user name", error)
         && validate_credential (options->password, "password", error)
         && (options->ca_file == NULL || validate_ca_file (options->ca_file, error));
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
