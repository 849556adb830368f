/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * What a caller may ask the host to fetch, checked before any connection, and what may be told
 * back. Pure: shared by the daemon (which checks before it starts the fetch helper) and the fetch
 * helper (which checks again what it is told, trusting nobody).
 */

#define ONEMO_FETCH_MAX_URL_LENGTH 2048          /* bytes */
#define ONEMO_FETCH_MAX_CA_SIZE    (1024 * 1024) /* a PEM bundle given as bytes */

/*
 * Pure check of a URL: scheme http, https, ftp or ftps (any case); at most
 * ONEMO_FETCH_MAX_URL_LENGTH bytes; only the characters RFC 3986 allows (printable ASCII without
 * space, quotes, <>\^`{|}); a host; no user part; for ftp and ftps, a path naming a file, not a
 * directory (whose listing curl would fetch). Else ONEMO_ERROR_INVALID_ARGUMENT.
 */
gboolean onemo_fetch_validate_url (const char *url, GError **error);

/* No control character in a user name or password (it would end an FTP command early); NULL
 * passes. @what names it in the error (ONEMO_ERROR_INVALID_ARGUMENT). */
gboolean onemo_fetch_validate_credential (const char *value, const char *what, GError **error);

/* A CA bundle given as bytes: not empty, at most ONEMO_FETCH_MAX_CA_SIZE bytes, no NUL (PEM is
 * text); NULL passes. Else ONEMO_ERROR_INVALID_ARGUMENT. */
gboolean onemo_fetch_validate_ca (GBytes *ca, GError **error);

/* TRUE when @url's scheme is https or ftps: a transfer that started under TLS only follows
 * redirects to https. */
gboolean onemo_fetch_url_is_tls (const char *url);

/* @text without the "user:password@" of any URL in it, nor @secret (may be NULL) anywhere, nor
 * trailing white space. */
char *onemo_fetch_redact (const char *text, const char *secret);

G_END_DECLS
