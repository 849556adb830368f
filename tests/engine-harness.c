/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "engine-harness.h"

#include <string.h>

gboolean
engine_safety_expired (gpointer user_data)
{
  g_error ("%s: nothing happened within %d s", (const char *)user_data, SAFETY_SECONDS);
  return G_SOURCE_REMOVE;
}

void
engine_wait_for (EngineCondition done, gconstpointer data, const char *what)
{
  guint safety = g_timeout_add_seconds (SAFETY_SECONDS, engine_safety_expired, (gpointer)what);

  while (!done (data))
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (safety);
}

static gboolean
flag_is_set (gconstpointer data)
{
  return *(const gboolean *)data;
}

void
engine_wait_until (const gboolean *flag, const char *what)
{
  engine_wait_for (flag_is_set, flag, what);
}

/* Runs the loop until nothing is pending, so that what should not happen had its chance. */
void
engine_settle_loop (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

void
engine_result_clear (EngineResult *result)
{
  g_clear_pointer (&result->lines, g_strfreev);
  g_clear_error (&result->error);
  result->done = FALSE;
}

void
engine_on_command (GObject *source, GAsyncResult *res, gpointer user_data)
{
  EngineResult *result = user_data;

  g_assert_false (result->done);
  result->lines = onemo_at_port_command_finish (ONEMO_AT_PORT (source), res, &result->error);
  g_assert_true ((result->lines == NULL) != (result->error == NULL));
  result->finished_at = g_get_monotonic_time ();
  result->done = TRUE;
}

void
engine_on_payload (GObject *source, GAsyncResult *res, gpointer user_data)
{
  EngineResult *result = user_data;

  g_assert_false (result->done);
  if (onemo_at_port_command_with_payload_finish (ONEMO_AT_PORT (source), res, &result->error))
    g_assert_no_error (result->error);
  else
    g_assert_nonnull (result->error);
  result->finished_at = g_get_monotonic_time ();
  result->done = TRUE;
}

/* Sends @command and waits for its result. */
void
engine_run_command (OnemoAtPort *port, const char *command, guint timeout_ms, EngineResult *result)
{
  engine_result_clear (result);
  onemo_at_port_command_async (port, command, ONEMO_AT_COMMAND_FLAG_NONE, timeout_ms, NULL,
                               engine_on_command, result);
  engine_wait_until (&result->done, command);
}

void
engine_assert_lines (GStrv lines, const char *const *expected)
{
  g_assert_nonnull (lines);
  g_assert_cmpuint (g_strv_length (lines), ==, g_strv_length ((GStrv)expected));
  for (guint i = 0; expected[i] != NULL; i++)
    g_assert_cmpstr (lines[i], ==, expected[i]);
}

void
engine_wait_for_lines (GPtrArray *lines, guint n, const char *what)
{
  guint safety = g_timeout_add_seconds (SAFETY_SECONDS, engine_safety_expired, (gpointer)what);

  while (lines->len < n)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (safety);
}

void
engine_fixture_set_up (EngineFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->peer = engine_peer_new ();
  f->port = onemo_at_port_open (engine_peer_slave_path (f->peer), 115200, FALSE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->port);
}

void
engine_fixture_tear_down (EngineFixture *f, gconstpointer data)
{
  g_clear_object (&f->port);
  g_clear_pointer (&f->peer, engine_peer_free);
  engine_settle_loop ();
}

/* ---- A scripted module: a table of command → answer ---- */

typedef struct {
  const char *command;
  const char *answer; /* NULL: stay silent */
} Script;

#define GARBAGE_ANSWER "\0\0\xff\xfe\x01 noise\0\r\n\r\n\0OK\0\r\n"

static const Script basic_script[] = {
  { "ATI", "\r\nCMCC\r\nMN316\r\nMN316-DBRS-MBRH0C00\r\n\r\nOK\r\n" },
  { "AT", "\r\nOK\r\n" },
  { "AT+OKLOWER", "\r\nOk\r\n" },
  { "AT+CRONLY", "\rCMCC\rMN316\rOK\r" },
  { "AT+LFONLY", "\nCMCC\nMN316\nOK\n" },
  { "AT+ERR", "\r\nERROR\r\n" },
  { "AT+MFWUPGRADE", "\r\n+CME ERROR: 854\r\n" },
  { "AT+VERBOSE", "\r\n+CME ERROR: firmware upgrade error\r\n" },
  { "AT+CIS", "\r\n+CIS ERROR: 857\r\n" },
  { "AT+OTHERCME", "\r\n+CME ERROR: 3\r\n" },
  { "AT+MFWDLOAD", "\r\n+MFWDLOAD: 1,100,50\r\n\r\nOK\r\n\r\n+MFWDLOAD: 2,100,100\r\n" },
  { "AT+MFWDLOAD?", "\r\n+MFWDLOAD: 1,100,50\r\n\r\nOK\r\n" },
  { "AT+MFWCHECK=0", "\r\n+MFWUPGRADE: 1,10\r\n+MFWCHECK: 5156E9D92129AA04B3488A991AED40C4\r\n"
                     "+MATREADY\r\n\r\nOK\r\n" },
  { "AT+GARBAGE", GARBAGE_ANSWER },
  { "AT+SLOW", NULL },
  { "AT+LONG", NULL }, /* answered by the test */
  { NULL, NULL },
};

void
engine_script_handler (EnginePeer *peer, const char *command, gpointer user_data)
{
  const Script *script = basic_script;

  for (guint i = 0; script[i].command != NULL; i++) {
    if (strcmp (script[i].command, command) != 0)
      continue;
    if (script[i].answer == NULL)
      return;
    /* The garbage answer carries NUL bytes: send it by its real length. */
    if (strcmp (command, "AT+GARBAGE") == 0)
      engine_peer_send_bytes (peer, GARBAGE_ANSWER, sizeof GARBAGE_ANSWER - 1);
    else
      engine_peer_send (peer, script[i].answer);
    return;
  }
  engine_peer_send (peer, "\r\nERROR\r\n");
}

void
engine_script_fixture_set_up (EngineFixture *f, gconstpointer data)
{
  engine_fixture_set_up (f, data);
  engine_peer_set_handler (f->peer, engine_script_handler, NULL);
}
