/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "onemo-module.h"

G_BEGIN_DECLS

/* How long AddPort() retries: its caller waits, so its answer comes within D-Bus's default
 * 25 s call timeout at the default --command-timeout-ms (two silent attempts of 10 s). */
#define ONEMO_ADD_PORT_RETRY_S 10

/**
 * onemo_identify_retry_async:
 * @limit_s: no attempt starts later than this many seconds after the first failure
 *
 * Identifies @module as onemo_module_identify_async() does, and again after growing pauses
 * (1, 2, 4 … s, at most 32) while the failure may pass: a module still booting, or swallowing
 * the end of a write its previous host left, answers nothing or garbage, or hangs up. A module
 * that is another vendor's or unknown, or a bad argument, is not tried again. Discovery, AddPort(),
 * --port and the configuration file all identify this way.
 */
void onemo_identify_retry_async (OnemoModule *module, guint limit_s, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
/* On failure, the last attempt's error; @out_attempts (may be NULL): how many ran. */
gboolean onemo_identify_retry_finish (OnemoModule *module, GAsyncResult *result,
                                      guint *out_attempts, GError **error);

/* Whether a failed identification may pass, so that another attempt is worth it. */
gboolean onemo_identify_error_may_pass (const GError *error);

G_END_DECLS
