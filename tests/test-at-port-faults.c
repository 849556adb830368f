/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The AT port when things go wrong, over a pty against a scripted peer: timeouts and late
 * results, settling, cancellation, hang-ups, lines longer than the line buffer takes. */
#include "engine-harness.h"
#include "onemo-error.h"

/* ---- Timeouts, settling, cancellation ---- */

static void
test_timeout_late_result (EngineFixture *f, gconstpointer data)
{
  EngineResult slow = { 0 }, next = { 0 };
  GPtrArray *commands = engine_peer_commands (f->peer);
  gint64 start = g_get_monotonic_time ();

  onemo_at_port_command_async (f->port, "AT+SLOW", 0, 100, NULL, engine_on_command, &slow);
  onemo_at_port_command_async (f->port, "AT", 0, 1000, NULL, engine_on_command, &next);
  engine_wait_until (&slow.done, "AT+SLOW");
  g_assert_error (slow.error, ONEMO_ERROR, ONEMO_ERROR_TIMEOUT);
  g_assert_cmpint (slow.finished_at - start, >=, 100 * 1000);
  /* The next command waits for the late answer, which must not become its own. */
  engine_settle_loop ();
  g_assert_cmpuint (commands->len, ==, 1);
  engine_peer_send (f->peer, "\r\nERROR\r\n");
  engine_wait_until (&next.done, "AT");
  g_assert_no_error (next.error);
  g_assert_cmpuint (commands->len, ==, 2);
  /* ... and did not wait the whole settle time once that answer came. */
  g_assert_cmpint (next.finished_at - slow.finished_at, <, 250 * 1000);
  engine_result_clear (&slow);
  engine_result_clear (&next);
}

static void
test_timeout_settle (EngineFixture *f, gconstpointer data)
{
  EngineResult slow = { 0 }, next = { 0 };

  onemo_at_port_command_async (f->port, "AT+SLOW", 0, 50, NULL, engine_on_command, &slow);
  onemo_at_port_command_async (f->port, "AT", 0, 1000, NULL, engine_on_command, &next);
  engine_wait_until (&next.done, "AT after a silent timeout");
  g_assert_error (slow.error, ONEMO_ERROR, ONEMO_ERROR_TIMEOUT);
  g_assert_no_error (next.error);
  /* No late answer came: the port kept quiet for the settle time before writing again. */
  g_assert_cmpint (engine_peer_command_time (f->peer, 1) - slow.finished_at, >=, 250 * 1000);
  engine_result_clear (&slow);
  engine_result_clear (&next);
}

static void
test_cancel (EngineFixture *f, gconstpointer data)
{
  g_autoptr (GCancellable) queued_cancel = g_cancellable_new ();
  g_autoptr (GCancellable) running_cancel = g_cancellable_new ();
  g_autoptr (GCancellable) early_cancel = g_cancellable_new ();
  EngineResult slow = { 0 }, queued = { 0 }, early = { 0 }, after = { 0 };
  GPtrArray *commands = engine_peer_commands (f->peer);

  /* Cancelled before it is sent: it never reaches the wire. */
  g_cancellable_cancel (early_cancel);
  onemo_at_port_command_async (f->port, "AT+EARLY", 0, 1000, early_cancel, engine_on_command,
                               &early);
  engine_wait_until (&early.done, "AT+EARLY");
  g_assert_error (early.error, ONEMO_ERROR, ONEMO_ERROR_CANCELLED);

  onemo_at_port_command_async (f->port, "AT+SLOW", 0, 5000, running_cancel, engine_on_command,
                               &slow);
  onemo_at_port_command_async (f->port, "AT+QUEUED", 0, 1000, queued_cancel, engine_on_command,
                               &queued);
  g_cancellable_cancel (queued_cancel);
  engine_wait_until (&queued.done, "AT+QUEUED");
  g_assert_error (queued.error, ONEMO_ERROR, ONEMO_ERROR_CANCELLED);
  g_assert_false (slow.done);

  /* Cancelled on the wire: answered at once; its late OK is dropped. */
  g_cancellable_cancel (running_cancel);
  engine_wait_until (&slow.done, "AT+SLOW");
  g_assert_error (slow.error, ONEMO_ERROR, ONEMO_ERROR_CANCELLED);
  onemo_at_port_command_async (f->port, "AT+ERR", 0, 1000, NULL, engine_on_command, &after);
  engine_peer_send (f->peer, "\r\nOK\r\n");
  engine_wait_until (&after.done, "AT+ERR");
  g_assert_error (after.error, ONEMO_ERROR, ONEMO_ERROR_MODULE);
  g_assert_cmpuint (commands->len, ==, 2);
  g_assert_cmpstr (commands->pdata[0], ==, "AT+SLOW");
  g_assert_cmpstr (commands->pdata[1], ==, "AT+ERR");
  engine_result_clear (&slow);
  engine_result_clear (&queued);
  engine_result_clear (&early);
  engine_result_clear (&after);
}

/* ---- Hang-ups and overflows ---- */

static void
on_hangup (OnemoAtPort *port, gpointer user_data)
{
  guint *count = user_data;
  (*count)++;
}

static void
test_hangup (EngineFixture *f, gconstpointer data)
{
  EngineResult running = { 0 }, queued = { 0 }, later = { 0 };
  guint hangups = 0;

  g_signal_connect (f->port, "hangup", G_CALLBACK (on_hangup), &hangups);
  onemo_at_port_command_async (f->port, "AT+SLOW", 0, 5000, NULL, engine_on_command, &running);
  onemo_at_port_command_async (f->port, "AT", 0, 5000, NULL, engine_on_command, &queued);
  engine_settle_loop ();
  engine_peer_hangup (f->peer);
  engine_wait_until (&queued.done, "the hang-up");
  g_assert_error (running.error, ONEMO_ERROR, ONEMO_ERROR_PORT_GONE);
  g_assert_error (queued.error, ONEMO_ERROR, ONEMO_ERROR_PORT_GONE);
  g_assert_false (onemo_at_port_is_open (f->port));
  g_assert_cmpuint (hangups, ==, 1);

  engine_run_command (f->port, "AT", 1000, &later);
  g_assert_error (later.error, ONEMO_ERROR, ONEMO_ERROR_PORT_GONE);
  onemo_at_port_close (f->port);
  engine_settle_loop ();
  g_assert_cmpuint (hangups, ==, 1);
  engine_result_clear (&running);
  engine_result_clear (&queued);
  engine_result_clear (&later);
}

typedef struct {
  EngineFixture *fixture;
  gboolean done;
} DropPort;

/* The command's owner lets the port go in its callback, as a daemon does when a module vanishes. */
static void
drop_port_on_result (GObject *source, GAsyncResult *res, gpointer user_data)
{
  DropPort *drop = user_data;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) lines = onemo_at_port_command_finish (ONEMO_AT_PORT (source), res, &error);

  g_assert_null (lines);
  g_assert_error (error, ONEMO_ERROR, ONEMO_ERROR_PORT_GONE);
  g_clear_object (&drop->fixture->port);
  drop->done = TRUE;
}

static void
test_hangup_drops_last_reference (EngineFixture *f, gconstpointer data)
{
  DropPort drop = { f, FALSE };
  guint hangups = 0;

  g_signal_connect (f->port, "hangup", G_CALLBACK (on_hangup), &hangups);
  onemo_at_port_command_async (f->port, "AT+SLOW", 0, 5000, NULL, drop_port_on_result, &drop);
  engine_settle_loop ();
  engine_peer_hangup (f->peer);
  engine_wait_until (&drop.done, "the hang-up");
  engine_settle_loop ();
  g_assert_null (f->port);
  g_assert_cmpuint (hangups, ==, 1);
}

static gboolean
count_is_positive (gconstpointer data)
{
  return *(const guint *)data > 0;
}

static void
test_hangup_idle_and_close (EngineFixture *f, gconstpointer data)
{
  EngineResult pending = { 0 };
  guint hangups = 0;

  g_signal_connect (f->port, "hangup", G_CALLBACK (on_hangup), &hangups);
  /* close() fails what waits, with no hangup signal: the caller asked for it. */
  onemo_at_port_command_async (f->port, "AT+SLOW", 0, 5000, NULL, engine_on_command, &pending);
  onemo_at_port_close (f->port);
  engine_wait_until (&pending.done, "close");
  g_assert_error (pending.error, ONEMO_ERROR, ONEMO_ERROR_PORT_GONE);
  onemo_at_port_close (f->port);
  g_assert_cmpuint (hangups, ==, 0);
  engine_result_clear (&pending);

  /* A fresh port on the same pty, idle, hears the hang-up by itself. */
  g_clear_object (&f->port);
  f->port = onemo_at_port_new_for_fd (engine_peer_dup_slave (f->peer), "pty");
  g_signal_connect (f->port, "hangup", G_CALLBACK (on_hangup), &hangups);
  engine_peer_hangup (f->peer);
  engine_wait_for (count_is_positive, &hangups, "the idle hang-up");
  g_assert_cmpuint (hangups, ==, 1);
  g_assert_false (onemo_at_port_is_open (f->port));
}

static void
test_overlong_line (EngineFixture *f, gconstpointer data)
{
  g_autofree char *long_line = g_strnfill (3 * 4096, 'x');
  EngineResult r = { 0 }, next = { 0 };

  onemo_at_port_command_async (f->port, "AT+LONG", 0, 1000, NULL, engine_on_command, &r);
  engine_settle_loop ();
  engine_peer_send (f->peer, "\r\n");
  engine_peer_send (f->peer, long_line);
  engine_peer_send (f->peer, "\r\nOK\r\n");
  engine_wait_until (&r.done, "AT+LONG");
  g_assert_error (r.error, ONEMO_ERROR, ONEMO_ERROR_PROTOCOL);
  /* The late OK belongs to AT+LONG, not to the next command. */
  onemo_at_port_command_async (f->port, "AT+ERR", 0, 1000, NULL, engine_on_command, &next);
  engine_wait_until (&next.done, "AT+ERR");
  g_assert_error (next.error, ONEMO_ERROR, ONEMO_ERROR_MODULE);
  g_assert_true (onemo_at_port_is_open (f->port));
  engine_result_clear (&r);
  engine_result_clear (&next);
}

static void
close_port_on_answer (GObject *source, GAsyncResult *res, gpointer user_data)
{
  gboolean *done = user_data;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) lines = onemo_at_port_command_finish (ONEMO_AT_PORT (source), res, &error);

  g_assert_error (error, ONEMO_ERROR, ONEMO_ERROR_TIMEOUT);
  onemo_at_port_close (ONEMO_AT_PORT (source));
  *done = TRUE;
}

/* A caller that closes the port from its timeout's callback: the port must not touch the
 * command it just freed (sanitize.sh runs this under AddressSanitizer). */
static void
test_timeout_callback_closes (EngineFixture *f, gconstpointer data)
{
  gboolean done = FALSE;

  onemo_at_port_command_async (f->port, "AT+SLOW", 0, 100, NULL, close_port_on_answer, &done);
  engine_wait_until (&done, "the timeout");
  engine_settle_loop ();
  g_assert_false (onemo_at_port_is_open (f->port));
}

/* 100 000 lines for one command: it fails with Protocol once its answer passes the bound, the
 * rest of the flood is dropped, and the next command gets its own answer. */
static void
test_flood (EngineFixture *f, gconstpointer data)
{
  g_autoptr (GString) flood = g_string_new (NULL);
  EngineResult r = { 0 }, next = { 0 };

  for (guint i = 0; i < 100000; i++)
    g_string_append_printf (flood, "\r\nFLOOD %06u\r\n", i);
  g_string_append (flood, "\r\nOK\r\n");
  onemo_at_port_command_async (f->port, "AT+LONG", 0, 5000, NULL, engine_on_command, &r);
  engine_settle_loop ();
  engine_peer_send_bytes (f->peer, flood->str, flood->len);
  engine_wait_until (&r.done, "AT+LONG");
  g_assert_error (r.error, ONEMO_ERROR, ONEMO_ERROR_PROTOCOL);
  onemo_at_port_command_async (f->port, "AT+ERR", 0, 5000, NULL, engine_on_command, &next);
  engine_wait_until (&next.done, "AT+ERR");
  g_assert_error (next.error, ONEMO_ERROR, ONEMO_ERROR_MODULE);
  engine_result_clear (&r);
  engine_result_clear (&next);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  engine_add_scripted_test ("/at/port/timeout-late-result", test_timeout_late_result);
  engine_add_scripted_test ("/at/port/timeout-settle", test_timeout_settle);
  engine_add_scripted_test ("/at/port/cancel", test_cancel);
  engine_add_scripted_test ("/at/port/hangup", test_hangup);
  engine_add_scripted_test ("/at/port/hangup-idle-and-close", test_hangup_idle_and_close);
  engine_add_scripted_test ("/at/port/hangup-drops-last-reference",
                            test_hangup_drops_last_reference);
  engine_add_scripted_test ("/at/port/overlong-line", test_overlong_line);
  engine_add_scripted_test ("/at/port/flood", test_flood);
  engine_add_scripted_test ("/at/port/timeout-callback-closes", test_timeout_callback_closes);
  return g_test_run ();
}
