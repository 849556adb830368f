/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * fwctl_agent_wanted:
 * @ask_password: FALSE with --no-ask-password
 * @stdin_is_tty: standard input is a terminal
 * @is_root: the effective user is root, whom polkit never asks
 *
 * Whether onemo-fwctl runs a polkit text agent for its own requests, as systemctl does: only
 * on a text console where someone can answer, never for root. Pure.
 */
gboolean fwctl_agent_wanted (gboolean ask_password, gboolean stdin_is_tty, gboolean is_root);

/**
 * fwctl_agent_start:
 * @program: pkttyagent's path
 * @error: why it could not be started
 *
 * Spawns `pkttyagent --notify-fd N [--fallback]` for this process (its parent) and waits until
 * it has registered with polkit (it closes fd N) or exited. In a login session, --fallback
 * leaves the session's own agent in charge. Returns the agent's pid, or 0 with @error set.
 */
GPid fwctl_agent_start (const char *program, GError **error);

/* Ends the agent fwctl_agent_start() spawned (SIGTERM) and reaps it; 0 does nothing. */
void fwctl_agent_stop (GPid pid);

G_END_DECLS
