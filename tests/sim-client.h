/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * A small synchronous client for the simulator's tests: spawns onemo-modem-sim ($ONEMO_MODEM_SIM)
 * on a link in a fresh temporary folder, opens the link as a host would (raw, no controlling
 * tty), and reads lines with poll() and timeouts. Every wait fails the test when it times out.
 */

typedef struct _SimClient SimClient;

/* Spawns the sim for @model with --reboot-ms 50 and the NULL-terminated @extra arguments, waits
 * for the link and opens it. */
SimClient *sim_client_new (const char *model, const char *const *extra);

/* A client of a running sim's --socket @address (a path or "abstract:NAME"), or NULL when
 * nothing listens there. Freeing it closes the connection only; reopen reconnects. */
SimClient *sim_client_connect (const char *address);

/* The temporary folder (removed by sim_client_free) and the link in it. */
const char *sim_client_dir (SimClient *self);
const char *sim_client_link (SimClient *self);

/* Stops the sim with SIGTERM, checks that it exits 0 and removed its link. */
void sim_client_free (SimClient *self);

/* Closes the port and, after a reboot, waits up to @timeout_ms for the link to come back. */
void sim_client_close (SimClient *self);
gboolean sim_client_reopen (SimClient *self, guint timeout_ms);

void sim_client_write (SimClient *self, const void *data, gsize length);
/* Writes @command and its CR. */
void sim_client_send (SimClient *self, const char *command);

/* The next non-empty line (CR and LF stripped), or NULL on timeout or hang-up. */
char *sim_client_read_line (SimClient *self, guint timeout_ms);
/* Reads until the received bytes contain @needle; FALSE on timeout or hang-up. */
gboolean sim_client_read_until (SimClient *self, const char *needle, guint timeout_ms);
/* Every byte that arrives within @ms (for garbage and silence). */
GBytes *sim_client_read_for (SimClient *self, guint ms);
/* TRUE once the port hangs up (bytes before it are kept for read_line). */
gboolean sim_client_wait_hangup (SimClient *self, guint timeout_ms);

/**
 * sim_client_command:
 *
 * Sends @command and returns the lines up to and including the final result (OK, ERROR,
 * +CME ERROR), skipping the echo. NULL when no final result came within @timeout_ms.
 */
GPtrArray *sim_client_command (SimClient *self, const char *command, guint timeout_ms);

/* The final result of @command ("OK", "ERROR", "+CME ERROR: 851"), or "" on timeout. */
char *sim_client_final (SimClient *self, const char *command);

/* Runs the sim synchronously with @argv (NULL-terminated, without the program); returns its
 * exit status, and its standard output in @out_stdout. */
int sim_client_run (const char *const *argv, char **out_stdout);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SimClient, sim_client_free)

G_END_DECLS
