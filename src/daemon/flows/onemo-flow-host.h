/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "onemo-at-writer.h"
#include "onemo-fetch.h"
#include "onemo-flows.h"

G_BEGIN_DECLS

/* What Fetch() and Update() share: the host-side options, and the serial write of a package the
 * host holds that also digests what it sends. */

typedef struct {
  const char *user; /* borrowed from the call's options */
  const char *password;
  GBytes *ca; /* owned: onemo_host_options_clear() */
  gboolean have_mode;
  OnemoAtWriteMode mode;
} OnemoHostOptions;

/* Takes "user", "password", "ca" (ay: a PEM bundle, never a path the daemon would open for the
 * caller) and "mode" into @out; FALSE with *@handled FALSE for any
 * other key. A value of the wrong type is InvalidArgument. */
gboolean onemo_host_options_take (OnemoModule *self, OnemoHostOptions *out, const char *key,
                                  GVariant *value, gboolean *handled, GError **error);

/* Checks the credentials (a password needs a user; each at most 48 printable bytes) and the CA
 * bundle (PEM text within ONEMO_FETCH_MAX_CA_SIZE); absent ones pass. */
gboolean onemo_host_options_check_fetch (const OnemoHostOptions *options, GError **error);

/* Picks the write mode (transparent where the sub-model has it) and checks the module can take
 * serial writes at all, and at @offset. */
gboolean onemo_host_options_check_write (OnemoModule *self, OnemoHostOptions *options,
                                         guint64 offset, GError **error);

void onemo_host_options_clear (OnemoHostOptions *options);

/* The fetch options for onemo_fetch_async(), borrowing the strings and the CA bundle; the
 * daemon's limits (--max-package, --fetch-timeout) and helper come with them. */
void onemo_host_options_to_fetch (OnemoModule *self, const OnemoHostOptions *options,
                                  OnemoFetchOptions *out);

/* Fetch progress as DownloadProgress (state 1) for @user_data, the operation. */
void onemo_host_fetch_progress (guint64 done, guint64 total, gpointer user_data);

/**
 * onemo_host_write_async:
 * @fd: the package, taken (a regular file of @size bytes)
 *
 * Writes bytes @offset … @size of @fd to the running operation's port, reporting
 * DownloadProgress (1 … then 2, or 3 on failure), and hashes them with SHA-256 as they go.
 * A failed transparent write is answered only once the module takes commands again.
 */
void onemo_host_write_async (OnemoOperation *operation, int fd, guint64 size, guint64 offset,
                             OnemoAtWriteMode mode, GAsyncReadyCallback callback,
                             gpointer user_data);

/* @out_sha256 (nullable): lower-case hex SHA-256 of the bytes the module acknowledged. */
gboolean onemo_host_write_finish (GAsyncResult *result, char **out_sha256, GError **error);

/* Fetch()'s options (onemo-flow-fetch.c): the shared host options and "offset" (t). */
gboolean onemo_flow_fetch_parse_options (OnemoModule *self, GVariant *options,
                                         OnemoHostOptions *host, guint64 *offset, GError **error);

G_END_DECLS
