/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* What the AT port's test programs share: waiting on the main loop with a safety timeout that
 * fails the test, collecting a command's result, and a fixture of a peer and a port on it. */

#include "engine-peer.h"
#include "onemo-at-port.h"

G_BEGIN_DECLS

#define SAFETY_SECONDS 5

/* A timeout callback that fails the test, naming @user_data (a string) as what never came. */
gboolean engine_safety_expired (gpointer user_data);
/* Iterates the thread-default main context until @done (@data) holds. */
typedef gboolean (*EngineCondition) (gconstpointer data);
void engine_wait_for (EngineCondition done, gconstpointer data, const char *what);
/* Iterates the thread-default main context until *@flag is set. */
void engine_wait_until (const gboolean *flag, const char *what);
/* Until @lines holds at least @n lines. */
void engine_wait_for_lines (GPtrArray *lines, guint n, const char *what);
/* Runs the loop until nothing is pending, so that what should not happen had its chance. */
void engine_settle_loop (void);

typedef struct {
  gboolean done;
  GStrv lines;
  GError *error;
  gint64 finished_at;
} EngineResult;

void engine_result_clear (EngineResult *result);
/* GAsyncReadyCallbacks for onemo_at_port_command_async() and its payload form;
 * @user_data: an EngineResult. */
void engine_on_command (GObject *source, GAsyncResult *res, gpointer user_data);
void engine_on_payload (GObject *source, GAsyncResult *res, gpointer user_data);
/* Sends @command and waits for its result. */
void engine_run_command (OnemoAtPort *port, const char *command, guint timeout_ms,
                         EngineResult *result);
void engine_assert_lines (GStrv lines, const char *const *expected);

/* A peer on a new pty and a port opened on its slave at 115200 baud; the peer has no handler. */
typedef struct {
  EnginePeer *peer;
  OnemoAtPort *port;
} EngineFixture;

void engine_fixture_set_up (EngineFixture *f, gconstpointer data);
void engine_fixture_tear_down (EngineFixture *f, gconstpointer data);

/* A scripted module: answers a fixed table of commands (ATI, AT, every kind of final result,
 * +MFWDLOAD and +MFWCHECK with URCs around them, noise for AT+GARBAGE, silence for AT+SLOW and
 * AT+LONG) and anything else with ERROR. @user_data is unused. */
void engine_script_handler (EnginePeer *peer, const char *command, gpointer user_data);
/* engine_fixture_set_up(), with engine_script_handler answering on the peer. */
void engine_script_fixture_set_up (EngineFixture *f, gconstpointer data);
/* Adds a test run on a fresh EngineFixture whose peer is the scripted module. */
#define engine_add_scripted_test(path, func)                                                       \
  g_test_add (path, EngineFixture, NULL, engine_script_fixture_set_up, func,                       \
              engine_fixture_tear_down)

G_END_DECLS
