/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * The host-side download behind the service's Fetch(): libcurl on the caller's main context (the
 * multi interface, no thread), into an anonymous file the caller then writes as Write() does.
 *
 * Only http, https, ftp and ftps, for the URL and for every redirect (at most 5): the daemon runs
 * as root and never reads a local file on a caller's behalf. ftps:// is *explicit* FTPS (AUTH TLS
 * on the control port, then TLS for the data too), as in the simulator (docs/package-format.md);
 * implicit FTPS on port 990 is not offered. TLS peers are always verified. Credentials travel in
 * the options only: a URL with a user part ("http://u:p@host/") is refused. Error messages never
 * carry the password, and no URL in them keeps a user part.
 *
 * Errors, all in ONEMO_ERROR:
 *   INVALID_ARGUMENT  a bad URL or option; a package over the size cap (announced or received);
 *                     an empty package
 *   DOWNLOAD          network, TLS, authentication, HTTP status >= 400, a redirect to another
 *                     scheme or too many of them; curl's message, without credentials
 *   TIMEOUT           no connection, or nothing received, for connect_timeout_s seconds
 *   CANCELLED         the cancellable was cancelled
 *   FAILED            the anonymous file could not be made or written (host out of memory/space)
 */

#define ONEMO_FETCH_DEFAULT_MAX_SIZE        ((guint64)16 * 1024 * 1024)
#define ONEMO_FETCH_DEFAULT_CONNECT_TIMEOUT 30   /* seconds */
#define ONEMO_FETCH_MAX_URL_LENGTH          2048 /* bytes */
#define ONEMO_FETCH_MAX_REDIRECTS           5
#define ONEMO_FETCH_PROGRESS_MAX_STEP       (64 * 1024) /* bytes between two progress reports */

typedef struct {
  const char *user;        /* NULL: none (anonymous FTP) */
  const char *password;    /* NULL: empty when a user is given */
  const char *ca_file;     /* PEM bundle trusted instead of the system's CAs; NULL: the system's */
  guint64 max_size;        /* refuse anything larger; 0: ONEMO_FETCH_DEFAULT_MAX_SIZE */
  guint connect_timeout_s; /* also the longest silence while receiving; 0: the default */
} OnemoFetchOptions;

/*
 * Progress, on the main context that started the fetch. @total is 0 while the server has not
 * said the size. Reports come whenever 1 % of the total or 64 KiB more (the smaller) has arrived,
 * with @done non-decreasing, and once more at the end with @done == @total == the size (even when
 * the size was unknown until then). Not called once the fetch was cancelled.
 */
typedef void (*OnemoFetchProgress) (guint64 done, guint64 total, gpointer user_data);

/*
 * Pure check of a URL: scheme http, https, ftp or ftps (any case); at most
 * ONEMO_FETCH_MAX_URL_LENGTH bytes; only the characters RFC 3986 allows (printable ASCII without
 * space, quotes, <>\^`{|}); a host; no user part; for ftp and ftps, a path naming a file, not a
 * directory (whose listing curl would fetch). Else ONEMO_ERROR_INVALID_ARGUMENT.
 */
gboolean onemo_fetch_validate_url (const char *url, GError **error);

/*
 * Downloads @url. @options may be NULL (every default); its strings are copied. @ca_file must be
 * a readable regular file. The sources the fetch needs live on the thread-default main context of
 * this call, and all of them (sockets, timers) are gone when @callback runs there.
 */
void onemo_fetch_async (const char *url, const OnemoFetchOptions *options,
                        OnemoFetchProgress progress, gpointer progress_data,
                        GCancellable *cancellable, GAsyncReadyCallback callback,
                        gpointer user_data);

/*
 * The package as a file descriptor the caller owns: open for reading and writing, positioned at
 * 0, of an anonymous file (memfd, or O_TMPFILE in g_get_tmp_dir()) that has no name and vanishes
 * when closed. @out_size (may be NULL) gets its size, never 0. -1 with @error on failure.
 */
int onemo_fetch_finish (GAsyncResult *result, guint64 *out_size, GError **error);

G_END_DECLS
