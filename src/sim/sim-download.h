/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * A module-side download, as a real module performs it for AT+MFWDLOAD and for the
 * self-downloading AT+MFWUPGRADE: libcurl in a worker thread, results and progress delivered on
 * the main context of the thread that started it.
 */

typedef struct _SimDownload SimDownload;

typedef struct {
  const char *url;       /* http, https, ftp, ftps, or file:// (read under fs_root) */
  const char *user;      /* AT+MFWCFG="auth", may be NULL */
  const char *password;  /* may be NULL */
  guint connect_timeout; /* seconds: AT+MFWCFG="timeout" */
  gboolean verify_tls;   /* FALSE: modules do not check certificates (ML307R manual) */
  guint64 resume_from;   /* bytes already held: continue from there (HTTP Range, FTP REST) */
  guint64 max_size;      /* refuse a package larger than this */
  guint64 stall_at;      /* fault: stop and fail after this many bytes in all; 0 = never */
  const char *fs_root;   /* the module's file system for file:// URLs; NULL = no file:// */
} SimDownloadRequest;

/* Bytes received so far (resume_from included), and the total when known (else 0). */
typedef void (*SimDownloadProgress) (guint64 received, guint64 total, gpointer user_data);

/**
 * SimDownloadDone:
 * @data: every byte received, resume_from's bytes not included: on failure, what came before
 *   it, so a resumed download can append to it
 * @total: the size the server announced, or 0
 * @error: NULL on success; else ONEMO_ERROR_DOWNLOAD (855), ONEMO_ERROR_URL_TYPE (852) for a
 *   scheme the request cannot take, ONEMO_ERROR_CONFIG (851) for a missing URL
 */
typedef void (*SimDownloadDone) (GBytes *data, guint64 total, const GError *error,
                                 gpointer user_data);

SimDownload *sim_download_start (const SimDownloadRequest *request, SimDownloadProgress progress,
                                 SimDownloadDone done, gpointer user_data);

/* Stops the transfer; @done is not called after this returns. Frees @download. Once @done has
 * been called the download is over and freed: do not cancel it then. @done always comes from
 * the main context, never from inside sim_download_start(). */
void sim_download_cancel (SimDownload *download);

G_END_DECLS
