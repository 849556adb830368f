/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "onemo-command-sequence.h"

G_BEGIN_DECLS

/*
 * What every freshly opened port is told before the commands that matter (point i of the
 * real-modules issue): ATE0 and AT+CMEE=1. A module that rebooted (also during an upgrade) is
 * back at its defaults, echo on and, often, AT+CMEE=0, which reports 850-857 as a bare ERROR.
 * ATE0 may be refused (the port tells echoes apart anyway); AT+CMEE=1 may not.
 */

/* Adds the two commands to @sequence (identification runs them before its own). */
void onemo_port_setup_add (OnemoCommandSequence *sequence);

/* Runs them alone on @port. */
void onemo_port_setup_async (OnemoAtPort *port, guint timeout_ms, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);
gboolean onemo_port_setup_finish (GAsyncResult *result, GError **error);

G_END_DECLS
