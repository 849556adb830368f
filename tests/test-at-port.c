/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The AT port over a pty against scripted peers: framing, routing, final results, URCs,
 * timeouts, cancellation, hang-ups, queueing, opening, secrets. Transparent writes have their
 * own program, test-at-port-payload.c. */
#include "engine-harness.h"
#include "onemo-error.h"

#include <glib/gstdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

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

static void
script_handler (EnginePeer *peer, const char *command, gpointer user_data)
{
  const Script *script = user_data;

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

static void
fixture_set_up (EngineFixture *f, gconstpointer data)
{
  engine_fixture_set_up (f, data);
  engine_peer_set_handler (f->peer, script_handler, (gpointer)basic_script);
}

/* ---- Framing ---- */

static void
test_echo_on_and_off (EngineFixture *f, gconstpointer data)
{
  static const char *const ati[] = { "CMCC", "MN316", "MN316-DBRS-MBRH0C00", NULL };
  EngineResult r = { 0 };

  engine_run_command (f->port, "ATI", 1000, &r);
  g_assert_no_error (r.error);
  engine_assert_lines (r.lines, ati);

  engine_peer_set_echo (f->peer, FALSE);
  engine_run_command (f->port, "ATI", 1000, &r);
  g_assert_no_error (r.error);
  engine_assert_lines (r.lines, ati);
  engine_result_clear (&r);
}

static void
test_split_reads (EngineFixture *f, gconstpointer data)
{
  static const char *const ati[] = { "CMCC", "MN316", "MN316-DBRS-MBRH0C00", NULL };
  static const char *const two[] = { "CMCC", "MN316", NULL };
  EngineResult r = { 0 };

  engine_peer_set_drip (f->peer, TRUE);
  engine_run_command (f->port, "ATI", 2000, &r);
  g_assert_no_error (r.error);
  engine_assert_lines (r.lines, ati);
  engine_run_command (f->port, "AT+CRONLY", 2000, &r);
  g_assert_no_error (r.error);
  engine_assert_lines (r.lines, two);
  engine_run_command (f->port, "AT+LFONLY", 2000, &r);
  g_assert_no_error (r.error);
  engine_assert_lines (r.lines, two);
  engine_result_clear (&r);
}

static void
test_garbage (EngineFixture *f, gconstpointer data)
{
  static const char *const noise[] = { "\xff\xfe\x01 noise", NULL };
  EngineResult r = { 0 };

  /* Noise while idle is dropped; noise inside a response is a response line; NULs vanish. */
  engine_peer_send_bytes (f->peer, "\0\x13\x11junk\r\n\0", sizeof "\0\x13\x11junk\r\n\0" - 1);
  engine_settle_loop ();
  engine_run_command (f->port, "AT+GARBAGE", 1000, &r);
  g_assert_no_error (r.error);
  engine_assert_lines (r.lines, noise);
  engine_run_command (f->port, "AT", 1000, &r);
  g_assert_no_error (r.error);
  engine_result_clear (&r);
}

/* ---- Final results ---- */

static void
test_final_results (EngineFixture *f, gconstpointer data)
{
  static const struct {
    const char *command;
    OnemoError code; /* FAILED: success expected */
  } cases[] = {
    { "AT", ONEMO_ERROR_FAILED },          { "AT+OKLOWER", ONEMO_ERROR_FAILED },
    { "AT+ERR", ONEMO_ERROR_MODULE },      { "AT+MFWUPGRADE", ONEMO_ERROR_UPGRADE },
    { "AT+VERBOSE", ONEMO_ERROR_UPGRADE }, { "AT+CIS", ONEMO_ERROR_NO_NETWORK },
    { "AT+OTHERCME", ONEMO_ERROR_MODULE },
  };
  EngineResult r = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    engine_run_command (f->port, cases[i].command, 1000, &r);
    if (cases[i].code == ONEMO_ERROR_FAILED)
      g_assert_no_error (r.error);
    else
      g_assert_error (r.error, ONEMO_ERROR, (gint)cases[i].code);
  }
  engine_result_clear (&r);
}

/* ---- URCs ---- */

typedef struct {
  GPtrArray *lines;
  const char *tag;
} UrcLog;

static void
on_urc (OnemoAtPort *port, const char *line, GMatchInfo *match, gpointer user_data)
{
  UrcLog *log = user_data;

  g_assert_true (g_match_info_matches (match));
  g_ptr_array_add (log->lines, g_strdup_printf ("%s:%s", log->tag, line));
}

static void
test_urcs (void)
{
  g_autoptr (EnginePeer) peer = engine_peer_new ();
  g_autoptr (OnemoAtPort) port = NULL;
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  UrcLog dload = { lines, "dload" }, any = { lines, "any" }, ready = { lines, "ready" };
  static const char *const check[] = { "+MFWCHECK: 5156E9D92129AA04B3488A991AED40C4", NULL };
  static const char *const read_form[] = { "+MFWDLOAD: 1,100,50", NULL };
  EngineResult r = { 0 };
  guint any_id;

  engine_peer_set_handler (peer, script_handler, (gpointer)basic_script);
  /* A boot URC waiting before the port opens is not flushed away. */
  engine_peer_send (peer, "\r\n+MATREADY\r\n");
  port = onemo_at_port_open (engine_peer_slave_path (peer), 115200, FALSE, &error);
  g_assert_no_error (error);
  onemo_at_port_add_urc_handler (port, "^\\+MATREADY$", on_urc, &ready, NULL);
  onemo_at_port_add_urc_handler (port, "^\\+MFWDLOAD: (\\d),", on_urc, &dload, NULL);
  engine_wait_for_lines (lines, 1, "+MATREADY");
  g_assert_cmpstr (lines->pdata[0], ==, "ready:+MATREADY");

  /* Execute form: its +MFWDLOAD lines are URCs, before and after OK. */
  engine_run_command (port, "AT+MFWDLOAD", 1000, &r);
  g_assert_no_error (r.error);
  g_assert_cmpuint (g_strv_length (r.lines), ==, 0);
  engine_wait_for_lines (lines, 3, "+MFWDLOAD URCs");
  g_assert_cmpstr (lines->pdata[1], ==, "dload:+MFWDLOAD: 1,100,50");
  g_assert_cmpstr (lines->pdata[2], ==, "dload:+MFWDLOAD: 2,100,100");

  /* Read form: the same line is the command's own response. */
  engine_run_command (port, "AT+MFWDLOAD?", 1000, &r);
  g_assert_no_error (r.error);
  engine_assert_lines (r.lines, read_form);
  g_assert_cmpuint (lines->len, ==, 3);

  /* Other URCs between the echo and the final result go to their handlers; the latest
   * handler is tried first. */
  any_id = onemo_at_port_add_urc_handler (port, "^\\+M", on_urc, &any, NULL);
  engine_run_command (port, "AT+MFWCHECK=0", 1000, &r);
  g_assert_no_error (r.error);
  engine_assert_lines (r.lines, check);
  g_assert_cmpuint (lines->len, ==, 5);
  g_assert_cmpstr (lines->pdata[3], ==, "any:+MFWUPGRADE: 1,10");
  g_assert_cmpstr (lines->pdata[4], ==, "any:+MATREADY");

  onemo_at_port_remove_urc_handler (port, any_id);
  engine_peer_send (peer, "\r\n+MATREADY\r\n+UNKNOWN: 1\r\n");
  engine_run_command (port, "AT", 1000, &r);
  g_assert_cmpuint (lines->len, ==, 6);
  g_assert_cmpstr (lines->pdata[5], ==, "ready:+MATREADY");
  engine_result_clear (&r);
  g_clear_object (&port);
}

/* A handler may remove itself; its destroy notify runs once, after it returned. */
static guint destroyed;

static void
count_destroy (gpointer data)
{
  destroyed++;
}

typedef struct {
  guint id;
  guint calls;
} SelfRemoving;

static void
on_urc_remove_self (OnemoAtPort *port, const char *line, GMatchInfo *match, gpointer user_data)
{
  SelfRemoving *s = user_data;

  s->calls++;
  onemo_at_port_remove_urc_handler (port, s->id);
  g_assert_cmpuint (destroyed, ==, 0);
}

static void
test_urc_handler_removes_itself (EngineFixture *f, gconstpointer data)
{
  SelfRemoving s = { 0 };
  EngineResult r = { 0 };

  destroyed = 0;
  s.id = onemo_at_port_add_urc_handler (f->port, "^\\+MATREADY", on_urc_remove_self, &s,
                                        count_destroy);
  engine_peer_send (f->peer, "\r\n+MATREADY\r\n\r\n+MATREADY\r\n");
  engine_run_command (f->port, "AT", 1000, &r);
  g_assert_cmpuint (s.calls, ==, 1);
  g_assert_cmpuint (destroyed, ==, 1);
  engine_result_clear (&r);
}

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

/* ---- Many commands ---- */

typedef struct {
  guint outstanding;
  guint received;
} QueuePeer;

static gboolean
answer_later (gpointer user_data)
{
  EnginePeer *peer = user_data;
  engine_peer_send (peer, "\r\nOK\r\n");
  return G_SOURCE_REMOVE;
}

static void
queue_handler (EnginePeer *peer, const char *command, gpointer user_data)
{
  QueuePeer *q = user_data;
  g_autofree char *expected = g_strdup_printf ("AT+N=%u", q->received);
  g_autofree char *answer = g_strdup_printf ("\r\n+N: %u\r\n", q->received);

  /* One command on the wire at a time, in the order they were queued. */
  g_assert_cmpstr (command, ==, expected);
  q->received++;
  engine_peer_send (peer, answer);
  /* Every tenth answer comes a main-loop iteration later. */
  if (q->received % 10 == 0)
    g_idle_add (answer_later, peer);
  else
    engine_peer_send (peer, "\r\nOK\r\n");
}

#define N_QUEUED 300

static void
test_many_queued (EngineFixture *f, gconstpointer data)
{
  QueuePeer q = { 0 };
  EngineResult *results = g_new0 (EngineResult, N_QUEUED);

  engine_peer_set_handler (f->peer, queue_handler, &q);
  for (guint i = 0; i < N_QUEUED; i++) {
    g_autofree char *command = g_strdup_printf ("AT+N=%u", i);
    onemo_at_port_command_async (f->port, command, 0, 2000, NULL, engine_on_command, &results[i]);
  }
  engine_wait_until (&results[N_QUEUED - 1].done, "the last queued command");
  for (guint i = 0; i < N_QUEUED; i++) {
    g_autofree char *line = g_strdup_printf ("+N: %u", i);
    const char *const expected[] = { line, NULL };
    g_assert_true (results[i].done);
    g_assert_no_error (results[i].error);
    engine_assert_lines (results[i].lines, expected);
    if (i > 0)
      g_assert_cmpint (results[i].finished_at, >=, results[i - 1].finished_at);
    engine_result_clear (&results[i]);
  }
  g_assert_cmpuint (q.received, ==, N_QUEUED);
  g_free (results);
}

/* ---- Opening ---- */

static void
test_open (void)
{
  g_autoptr (EnginePeer) peer = engine_peer_new ();
  g_autoptr (OnemoAtPort) port = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("onemo-port-XXXXXX", NULL);
  g_autofree char *file = g_build_filename (dir, "not-a-tty", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing", NULL);
  struct termios tio;
  EngineResult r = { 0 };

  g_assert_true (g_file_set_contents (file, "", 0, NULL));
  g_assert_null (onemo_at_port_open (file, 115200, FALSE, &error));
  g_assert_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (onemo_at_port_open (missing, 115200, FALSE, &error));
  g_assert_error (error, ONEMO_ERROR, ONEMO_ERROR_PORT_GONE);
  g_clear_error (&error);
  g_assert_null (onemo_at_port_open (engine_peer_slave_path (peer), 12345, FALSE, &error));
  g_assert_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_unlink (file);
  g_rmdir (dir);

  /* Raw, 8N1, the rate asked for, hardware flow control when asked. */
  port = onemo_at_port_open (engine_peer_slave_path (peer), 921600, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (onemo_at_port_get_name (port), ==, engine_peer_slave_path (peer));
  g_assert_true (onemo_at_port_is_open (port));
  g_assert_cmpint (tcgetattr (engine_peer_slave_fd (peer), &tio), ==, 0);
  g_assert_cmpint (cfgetospeed (&tio), ==, B921600);
  g_assert_cmpint (cfgetispeed (&tio), ==, B921600);
  g_assert_true (tio.c_cflag & CRTSCTS);
  g_assert_cmpint (tio.c_cflag & CSIZE, ==, CS8);
  g_assert_false (tio.c_cflag & (PARENB | CSTOPB));
  g_assert_false (tio.c_lflag & (ICANON | ECHO | ISIG));
  g_assert_false (tio.c_iflag & (ICRNL | IXON | INLCR));
  g_assert_false (tio.c_oflag & OPOST);
  g_clear_object (&port);

  port = onemo_at_port_open (engine_peer_slave_path (peer), 4000000, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tcgetattr (engine_peer_slave_fd (peer), &tio), ==, 0);
  g_assert_cmpint (cfgetospeed (&tio), ==, B4000000);
  g_assert_false (tio.c_cflag & CRTSCTS);

  /* A port wrapped around an fd works the same. */
  g_clear_object (&port);
  engine_peer_set_echo (peer, FALSE);
  port = onemo_at_port_new_for_fd (engine_peer_dup_slave (peer), "wrapped");
  g_assert_cmpstr (onemo_at_port_get_name (port), ==, "wrapped");
  onemo_at_port_command_async (port, "AT", 0, 1000, NULL, engine_on_command, &r);
  engine_settle_loop ();
  engine_peer_send (peer, "\r\nOK\r\n");
  engine_wait_until (&r.done, "AT on a wrapped fd");
  g_assert_no_error (r.error);
  engine_result_clear (&r);
}

/* ---- Secrets stay out of the log ---- */

static GString *captured_log;

static GLogWriterOutput
capture_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  for (gsize i = 0; i < n_fields; i++) {
    if (g_strcmp0 (fields[i].key, "MESSAGE") == 0 && captured_log != NULL) {
      g_string_append_len (captured_log, fields[i].value,
                           fields[i].length < 0 ? (gssize)strlen (fields[i].value)
                                                : fields[i].length);
      g_string_append_c (captured_log, '\n');
    }
  }
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    return g_log_writer_default (level, fields, n_fields, user_data);
  return G_LOG_WRITER_HANDLED;
}

static void
secret_handler (EnginePeer *peer, const char *command, gpointer user_data)
{
  if (g_str_has_prefix (command, "AT+MFWCFG=\"auth\",\"user\""))
    engine_peer_send (peer, "\r\n+MFWCFG: \"auth\",\"user\",\"hunter2\"\r\n\r\nOK\r\n");
  else
    engine_peer_send (peer, "\r\n+MFWCFG: \"url\",\"http://example.org/pkg\"\r\n\r\nOK\r\n");
}

static void
test_secret (EngineFixture *f, gconstpointer data)
{
  EngineResult r = { 0 };

  engine_peer_set_handler (f->peer, secret_handler, NULL);
  captured_log = g_string_new (NULL);
  g_log_set_debug_enabled (TRUE);
  onemo_at_port_command_async (f->port, "AT+MFWCFG=\"auth\",\"user\",\"hunter2\"",
                               ONEMO_AT_COMMAND_FLAG_SECRET, 1000, NULL, engine_on_command, &r);
  engine_wait_until (&r.done, "the secret command");
  g_assert_no_error (r.error);
  g_assert_cmpstr (r.lines[0], ==, "+MFWCFG: \"auth\",\"user\",\"hunter2\"");
  engine_run_command (f->port, "AT+MFWCFG=\"url\"", 1000, &r);
  g_log_set_debug_enabled (FALSE);
  g_assert_null (strstr (captured_log->str, "hunter2"));
  /* The log does work: the plain command and its answer are there. */
  g_assert_nonnull (strstr (captured_log->str, "--> AT+MFWCFG=\"url\""));
  g_assert_nonnull (strstr (captured_log->str, "<-- +MFWCFG: \"url\",\"http://example.org/pkg\""));
  g_string_free (g_steal_pointer (&captured_log), TRUE);
  engine_result_clear (&r);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_log_set_writer_func (capture_writer, NULL, NULL);

#define ADD(path, func)                                                                            \
  g_test_add (path, EngineFixture, NULL, fixture_set_up, func, engine_fixture_tear_down)
  ADD ("/at/port/echo-on-and-off", test_echo_on_and_off);
  ADD ("/at/port/split-reads", test_split_reads);
  ADD ("/at/port/garbage", test_garbage);
  ADD ("/at/port/final-results", test_final_results);
  g_test_add_func ("/at/port/urcs", test_urcs);
  ADD ("/at/port/urc-handler-removes-itself", test_urc_handler_removes_itself);
  ADD ("/at/port/timeout-late-result", test_timeout_late_result);
  ADD ("/at/port/timeout-settle", test_timeout_settle);
  ADD ("/at/port/cancel", test_cancel);
  ADD ("/at/port/hangup", test_hangup);
  ADD ("/at/port/hangup-idle-and-close", test_hangup_idle_and_close);
  ADD ("/at/port/overlong-line", test_overlong_line);
  ADD ("/at/port/many-queued", test_many_queued);
  g_test_add_func ("/at/port/open", test_open);
  ADD ("/at/port/secret", test_secret);
#undef ADD
  return g_test_run ();
}
