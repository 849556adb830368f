/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <gio/gio.h>

#include "onemo-fetch-url.h"

G_BEGIN_DECLS

/*
 * The host-side download behind the service's Fetch() and Update(): run by the fetch helper
 * (onemo-firmware-fetch, src/fetch/), spawned once per fetch with no environment but the proxy
 * variables (http_proxy and the like) and only its stdin, stdout and stderr, which streams the package back (onemo-fetch-wire.h). The daemon
 * itself never links libcurl; it stores what arrives into an anonymous file and checks it again.
 *
 * Only http, https, ftp and ftps, for the URL and for every redirect (at most 5); a download
 * begun over TLS (https, ftps) only follows redirects to https. The daemon runs as root and
 * never reads a local file on a caller's behalf: the CA bundle comes as bytes. ftps:// is
 * *explicit* FTPS (AUTH TLS on the control port, then TLS for the data too), as in the simulator
 * (docs/package-format.md). TLS peers are always verified. Credentials travel in the options
 * only: a URL with a user part is refused. Error messages never carry the password, and no URL
 * in them keeps a user part.
 *
 * Errors, all in ONEMO_ERROR:
 *   INVALID_ARGUMENT  a bad URL or option; a package over the size cap (announced or received);
 *                     an empty package
 *   DOWNLOAD          network, TLS, authentication, HTTP status >= 400, a redirect to another
 *                     scheme or too many of them; curl's message, without credentials
 *   TIMEOUT           no connection for connect_timeout_s seconds; slower than low_speed bytes/s
 *                     for as long; or the whole fetch past timeout_s seconds
 *   CANCELLED         the cancellable was cancelled (the helper is killed and reaped first)
 *   FAILED            the helper could not be started or broke its framing; the anonymous file
 *                     could not be made or written (host out of memory/space)
 */

#define ONEMO_FETCH_DEFAULT_MAX_SIZE        ((guint64)16 * 1024 * 1024)
#define ONEMO_FETCH_DEFAULT_CONNECT_TIMEOUT 30   /* seconds */
#define ONEMO_FETCH_DEFAULT_TIMEOUT         1800 /* seconds, the whole fetch */
#define ONEMO_FETCH_DEFAULT_LOW_SPEED       1024 /* bytes/s, over the connect timeout */
#define ONEMO_FETCH_MAX_REDIRECTS           5
#define ONEMO_FETCH_PROGRESS_MAX_STEP       (64 * 1024) /* bytes between two progress reports */

typedef struct {
  const char *user;        /* NULL: none (anonymous FTP) */
  const char *password;    /* NULL: empty when a user is given */
  GBytes *ca;              /* PEM bundle trusted instead of the system's CAs; NULL: the system's */
  guint64 max_size;        /* refuse anything larger; 0: ONEMO_FETCH_DEFAULT_MAX_SIZE */
  guint connect_timeout_s; /* also the low-speed window; 0: the default */
  guint timeout_s;         /* the whole fetch; 0: the default */
  guint low_speed;         /* bytes/s; 0: the default */
  const char *helper;      /* the helper program; NULL: the installed one */
} OnemoFetchOptions;

/*
 * Progress, on the main context that started the fetch. @total is 0 while the server has not
 * said the size. Reports come whenever 1 % of the total or 64 KiB more (the smaller) has arrived,
 * with @done non-decreasing, and once more at the end with @done == @total == the size (even when
 * the size was unknown until then). Not called once the fetch was cancelled.
 */
typedef void (*OnemoFetchProgress) (guint64 done, guint64 total, gpointer user_data);

/* The URL (onemo_fetch_validate_url()) and the options: no control character in the user name
 * or password, a CA bundle of PEM text within ONEMO_FETCH_MAX_CA_SIZE. Else
 * ONEMO_ERROR_INVALID_ARGUMENT. */
gboolean onemo_fetch_validate_request (const char *url, const OnemoFetchOptions *options,
                                       GError **error);

/*
 * Downloads @url. @options may be NULL (every default); what it points to is copied. The sources
 * the fetch needs live on the thread-default main context of this call, and all of them (pipes,
 * timers, the helper's child watch) are gone, the helper reaped, when @callback runs there.
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
