/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "onemo-fetch.h"

G_BEGIN_DECLS

/* The REQUEST frame for the helper: @url, @options' credentials and CA bundle, and the limits
 * (@max_size, @timeout_s, and the connect timeout and low speed of @options or their
 * defaults). */
GBytes *onemo_fetch_request_frame (const char *url, const OnemoFetchOptions *options,
                                   guint64 max_size, guint timeout_s);

/* Starts the helper at @path with a pipe on its stdin and stdout, stderr shared, / as its
 * directory, no other fd, and no environment but the proxy variables (http_proxy and the
 * like, which libcurl reads). NULL with ONEMO_ERROR_FAILED if it cannot be started. */
GSubprocess *onemo_fetch_spawn_helper (const char *path, GError **error);

G_END_DECLS
