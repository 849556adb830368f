/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The AT port over a pty against scripted peers: framing, final results, queueing, opening,
 * discarding stale input, secrets. URCs, faults (timeouts, cancellation, hang-ups, overlong
 * lines) and transparent writes have their own programs: test-at-port-urc.c,
 * test-at-port-faults.c, test-at-port-payload.c. */
#include "engine-harness.h"

#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include "onemo-error.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

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
  /* Bytes that are no UTF-8 come escaped (onemo-at-line-buffer.h). */
  static const char *const noise[] = { "\\xFF\\xFE\x01 noise", NULL };
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

/* Waits until the pty has passed @peer's bytes to the tty: no event tells. */
static void
wait_for_slave_input (EnginePeer *peer)
{
  int queued = 0;

  for (guint i = 0; i < 5000 && queued == 0; i++) {
    g_assert_cmpint (ioctl (engine_peer_slave_fd (peer), FIONREAD, &queued), ==, 0);
    if (queued == 0)
      g_usleep (1000);
  }
  g_assert_cmpint (queued, >, 0);
}

/* An answer that came after its asker closed the port must not answer the next opener. */
static void
test_discard_input (void)
{
  static const char *const cgmi[] = { "CMCC", NULL };
  g_autoptr (EnginePeer) peer = engine_peer_new ();
  g_autoptr (OnemoAtPort) port = NULL;
  g_autoptr (GError) error = NULL;
  EngineResult r = { 0 };

  engine_peer_set_echo (peer, FALSE);
  engine_peer_send (peer, "\r\nSTALE\r\nOK\r\n");
  wait_for_slave_input (peer);
  port = onemo_at_port_open (engine_peer_slave_path (peer), 115200, FALSE, &error);
  g_assert_no_error (error);
  onemo_at_port_discard_input (port);
  onemo_at_port_command_async (port, "AT+CGMI", 0, 1000, NULL, engine_on_command, &r);
  engine_settle_loop ();
  engine_peer_send (peer, "\r\nCMCC\r\nOK\r\n");
  engine_wait_until (&r.done, "AT+CGMI after the stale answer");
  g_assert_no_error (r.error);
  engine_assert_lines (r.lines, cgmi);
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

/* A checked node is opened as it was checked: not through a link, not another device. */
static void
test_open_node (void)
{
  g_autoptr (EnginePeer) peer = engine_peer_new ();
  g_autofree char *dir = g_dir_make_tmp ("onemo-node-XXXXXX", NULL);
  g_autofree char *link = g_build_filename (dir, "tty", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (OnemoAtPort) port = NULL;
  struct stat st;

  g_assert_cmpint (stat (engine_peer_slave_path (peer), &st), ==, 0);
  g_assert_cmpint (symlink (engine_peer_slave_path (peer), link), ==, 0);
  port = onemo_at_port_open_node (engine_peer_slave_path (peer), st.st_rdev, 115200, FALSE, &error);
  g_assert_no_error (error);
  g_clear_object (&port);
  port = onemo_at_port_open_node (link, st.st_rdev, 115200, FALSE, &error);
  g_assert_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT);
  g_assert_null (port);
  g_clear_error (&error);
  port = onemo_at_port_open_node (engine_peer_slave_path (peer), st.st_rdev + 1, 115200, FALSE,
                                  &error);
  g_assert_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT);
  g_assert_null (port);
  g_unlink (link);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/at/port/open-node", test_open_node);
  g_log_set_writer_func (capture_writer, NULL, NULL);

  engine_add_scripted_test ("/at/port/echo-on-and-off", test_echo_on_and_off);
  engine_add_scripted_test ("/at/port/split-reads", test_split_reads);
  engine_add_scripted_test ("/at/port/garbage", test_garbage);
  engine_add_scripted_test ("/at/port/final-results", test_final_results);
  engine_add_scripted_test ("/at/port/many-queued", test_many_queued);
  g_test_add_func ("/at/port/open", test_open);
  g_test_add_func ("/at/port/discard-input", test_discard_input);
  engine_add_scripted_test ("/at/port/secret", test_secret);
  return g_test_run ();
}
