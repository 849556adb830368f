/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One request of the daemon (onemo-fetch-wire.h), as the helper runs it. */
typedef struct {
  char *url;
  char *user;     /* NULL: none */
  char *password; /* NULL: none */
  GBytes *ca;     /* NULL: the system's CAs */
  guint64 max_size;
  guint connect_timeout_s;
  guint timeout_s;
  guint low_speed; /* bytes/s, over connect_timeout_s */
} FetchRequest;

void fetch_request_clear (FetchRequest *request);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FetchRequest, fetch_request_clear)

/* Runs the transfer, writing SIZE and DATA frames to @out_fd as the body arrives. FALSE with
 * @error (ONEMO_ERROR: DOWNLOAD, TIMEOUT, INVALID_ARGUMENT for the cap, FAILED) on failure. */
gboolean fetch_transfer_run (const FetchRequest *request, int out_fd, GError **error);

/* Writes one frame to @fd; FALSE when the daemon has gone. */
gboolean fetch_write_frame (int fd, char type, const void *payload, gsize length);

G_END_DECLS
