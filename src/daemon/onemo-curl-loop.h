/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <curl/curl.h>
#include <glib.h>

G_BEGIN_DECLS

/*
 * One libcurl easy handle driven by a GLib main context through curl's multi socket interface:
 * a unix-fd source per socket curl wants watched and one timeout source for curl's timer, so
 * nothing runs while no transfer does. Private to the daemon.
 */
typedef struct _OnemoCurlLoop OnemoCurlLoop;

/*
 * Called once, from a dispatch on the context (never from inside a libcurl call), with the
 * transfer's result. It may free the loop.
 */
typedef void (*OnemoCurlLoopDone) (CURLcode code, gpointer user_data);

/* Starts @easy (set up, not yet performed; still the caller's) on @context. NULL, with
 * libcurl's reason in @out_code, when libcurl refuses. */
OnemoCurlLoop *onemo_curl_loop_start (CURL *easy, GMainContext *context, OnemoCurlLoopDone done,
                                      gpointer user_data, CURLMcode *out_code);

/* Stops the transfer if it still runs, closes its connections and removes every source. @easy
 * is left to the caller to clean up afterwards. NULL is fine. */
void onemo_curl_loop_free (OnemoCurlLoop *loop);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OnemoCurlLoop, onemo_curl_loop_free)

G_END_DECLS
