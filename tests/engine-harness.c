/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "engine-harness.h"

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
