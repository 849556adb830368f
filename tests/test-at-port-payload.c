/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Transparent writes over a pty: a 200 KiB payload checked byte for byte by the peer, progress,
 * cancellation mid-payload and a stream that ends early (both padded with 0xFF so the module
 * leaves raw mode; a cancelled one answered only after the module's late answer), answers
 * instead of the prompt, a bare OK that enters raw mode as the manual's examples show, a module
 * error mid-payload, a hang-up. */
#include "engine-harness.h"
#include "onemo-error.h"

#include <gio/gunixinputstream.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define PAYLOAD_SIZE (200 * 1024)

typedef struct {
  GBytes *expected;          /* what the peer should receive */
  const char *answer;        /* after the raw bytes; NULL: none */
  const char *prompt;        /* instead of "\r\n> "; NULL: the default */
  gboolean ok_enters;        /* answer the command with a bare OK, then take the raw bytes */
  const char *before_prompt; /* a URC before the prompt (or the OK); NULL: none */
  GByteArray *received;
  guint64 last_progress;
  guint n_progress;
  GCancellable *cancel_at; /* cancelled once this many bytes are out... */
  guint64 cancel_after;
  guint answer_delay_ms; /* the answer comes this long after the last raw byte */
  EnginePeer *peer;
  gint64 answered_at;
} PayloadPeer;

static gboolean
payload_send_late_answer (gpointer user_data)
{
  PayloadPeer *p = user_data;

  p->answered_at = g_get_monotonic_time ();
  engine_peer_send (p->peer, p->answer);
  return G_SOURCE_REMOVE;
}

static void
payload_raw_done (EnginePeer *peer, GByteArray *raw, gpointer user_data)
{
  PayloadPeer *p = user_data;

  p->received = g_byte_array_ref (raw);
  if (p->answer != NULL && p->answer_delay_ms > 0) {
    p->peer = peer;
    g_timeout_add (p->answer_delay_ms, payload_send_late_answer, p);
  } else if (p->answer != NULL) {
    engine_peer_send (peer, p->answer);
  }
}

static void
payload_handler (EnginePeer *peer, const char *command, gpointer user_data)
{
  PayloadPeer *p = user_data;
  guint64 offset, length;

  if (strcmp (command, "AT") == 0) {
    engine_peer_send (peer, "\r\nOK\r\n");
    return;
  }
  g_assert_cmpint (
      sscanf (command, "AT+MFWDLOAD=%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT, &offset, &length),
      ==, 2);
  if (p->prompt != NULL) {
    engine_peer_send (peer, p->prompt);
    return;
  }
  engine_peer_expect_raw (peer, length, payload_raw_done, p);
  if (p->before_prompt != NULL)
    engine_peer_send (peer, p->before_prompt);
  engine_peer_send (peer, p->ok_enters ? "\r\nOK\r\n" : "\r\n> ");
}

static void
on_progress (OnemoAtPort *port, guint64 written, guint64 total, gpointer user_data)
{
  PayloadPeer *p = user_data;

  g_assert_cmpuint (written, >, p->last_progress);
  g_assert_cmpuint (written, <=, total);
  p->last_progress = written;
  p->n_progress++;
  if (p->cancel_at != NULL && written >= p->cancel_after)
    g_cancellable_cancel (p->cancel_at);
}

static gboolean
progress_started (gconstpointer data)
{
  const PayloadPeer *p = data;
  return p->last_progress > 0;
}

static GBytes *
make_pattern (gsize size)
{
  guint8 *data = g_malloc (size);
  guint32 x = 12345;

  for (gsize i = 0; i < size; i++) {
    x = x * 1103515245 + 12345;
    data[i] = (guint8)(x >> 16);
  }
  return g_bytes_new_take (data, size);
}

static void
payload_fixture (EngineFixture *f, PayloadPeer *p, gsize size)
{
  memset (p, 0, sizeof *p);
  p->expected = make_pattern (size);
  p->answer = "\r\nOK\r\n";
  engine_peer_set_handler (f->peer, payload_handler, p);
}

static void
payload_clear (PayloadPeer *p)
{
  g_clear_pointer (&p->expected, g_bytes_unref);
  g_clear_pointer (&p->received, g_byte_array_unref);
}

static void
start_payload_stream (EngineFixture *f, PayloadPeer *p, GInputStream *stream, guint64 length,
                      guint timeout_ms, GCancellable *cancel, EngineResult *r)
{
  g_autofree char *command = g_strdup_printf ("AT+MFWDLOAD=0,%" G_GUINT64_FORMAT, length);

  onemo_at_port_command_with_payload_async (f->port, command, stream, length, timeout_ms,
                                            on_progress, p, cancel, engine_on_payload, r);
}

static void
start_payload (EngineFixture *f, PayloadPeer *p, GBytes *source, guint64 length,
               GCancellable *cancel, EngineResult *r)
{
  g_autoptr (GInputStream) stream = g_memory_input_stream_new_from_bytes (source);

  start_payload_stream (f, p, stream, length, 1000, cancel, r);
}

/* After whatever happened, the port answers the next command with that command's own result. */
static void
assert_port_usable (EngineFixture *f)
{
  EngineResult next = { 0 };

  engine_run_command (f->port, "AT", 2000, &next);
  g_assert_no_error (next.error);
  engine_result_clear (&next);
}

static void
test_payload (EngineFixture *f, gconstpointer data)
{
  PayloadPeer p;
  EngineResult r = { 0 };

  payload_fixture (f, &p, PAYLOAD_SIZE);
  start_payload (f, &p, p.expected, PAYLOAD_SIZE, NULL, &r);
  engine_wait_until (&r.done, "the transparent write");
  g_assert_no_error (r.error);
  g_assert_nonnull (p.received);
  g_assert_cmpmem (p.received->data, p.received->len, g_bytes_get_data (p.expected, NULL),
                   PAYLOAD_SIZE);
  g_assert_cmpuint (p.last_progress, ==, PAYLOAD_SIZE);
  g_assert_cmpuint (p.n_progress, >=, PAYLOAD_SIZE / (64 * 1024));
  assert_port_usable (f);
  payload_clear (&p);
  engine_result_clear (&r);
}

/* The first index where @got leaves @want; every byte from there on must be padding. */
static gsize
assert_padded (GByteArray *got, GBytes *want)
{
  const guint8 *w = g_bytes_get_data (want, NULL);
  gsize k = 0;

  g_assert_cmpuint (got->len, ==, g_bytes_get_size (want));
  while (k < got->len && got->data[k] == w[k])
    k++;
  for (gsize i = k; i < got->len; i++)
    if (got->data[i] != 0xFF)
      g_error ("byte %" G_GSIZE_FORMAT " is 0x%02x, neither payload nor padding", i, got->data[i]);
  return k;
}

static void
test_payload_cancel (EngineFixture *f, gconstpointer data)
{
  g_autoptr (GCancellable) cancel = g_cancellable_new ();
  GPtrArray *commands = engine_peer_commands (f->peer);
  PayloadPeer p;
  EngineResult r = { 0 }, next = { 0 };
  gsize sent;

  payload_fixture (f, &p, PAYLOAD_SIZE);
  p.cancel_at = cancel;
  p.cancel_after = 64 * 1024;
  start_payload (f, &p, p.expected, PAYLOAD_SIZE, cancel, &r);
  onemo_at_port_command_async (f->port, "AT", 0, 2000, NULL, engine_on_command, &next);
  engine_wait_until (&r.done, "the cancelled write");
  g_assert_error (r.error, ONEMO_ERROR, ONEMO_ERROR_CANCELLED);
  /* The port pads, the module leaves raw mode and answers; that answer is not AT's. */
  engine_wait_until (&next.done, "AT after the cancelled write");
  g_assert_no_error (next.error);
  g_assert_nonnull (p.received);
  sent = assert_padded (p.received, p.expected);
  g_assert_cmpuint (sent, >=, 64 * 1024);
  g_assert_cmpuint (sent, <, PAYLOAD_SIZE);
  g_assert_cmpuint (commands->len, ==, 2);
  g_assert_cmpstr (commands->pdata[1], ==, "AT");
  payload_clear (&p);
  engine_result_clear (&r);
  engine_result_clear (&next);
}

/* The module answers a cancelled write well after the settle time but within the command's
 * timeout: the port waits for that answer before the next command, which gets its own. */
static void
test_payload_cancel_late_answer (EngineFixture *f, gconstpointer data)
{
  g_autoptr (GCancellable) cancel = g_cancellable_new ();
  g_autoptr (GInputStream) stream = NULL;
  PayloadPeer p;
  EngineResult r = { 0 }, next = { 0 };

  payload_fixture (f, &p, 20000);
  stream = g_memory_input_stream_new_from_bytes (p.expected);
  p.answer_delay_ms = 700;
  p.cancel_at = cancel;
  p.cancel_after = 1;
  start_payload_stream (f, &p, stream, 20000, 2000, cancel, &r);
  onemo_at_port_command_async (f->port, "AT", 0, 2000, NULL, engine_on_command, &next);
  engine_wait_until (&next.done, "AT after the cancelled write");
  g_assert_true (r.done);
  g_assert_error (r.error, ONEMO_ERROR, ONEMO_ERROR_CANCELLED);
  g_assert_no_error (next.error);
  g_assert_nonnull (p.received);
  assert_padded (p.received, p.expected);
  g_assert_cmpint (p.answered_at, >, 0);
  /* Answered once the module had its say, not before its padding was out. */
  g_assert_cmpint (r.finished_at, >=, p.answered_at);
  g_assert_cmpint (engine_peer_command_time (f->peer, 1), >=, p.answered_at);
  payload_clear (&p);
  engine_result_clear (&r);
  engine_result_clear (&next);
}

static void
test_payload_short_stream (EngineFixture *f, gconstpointer data)
{
  g_autoptr (GBytes) part = NULL;
  PayloadPeer p;
  EngineResult r = { 0 };

  payload_fixture (f, &p, 5000);
  part = g_bytes_new_from_bytes (p.expected, 0, 1000);
  start_payload (f, &p, part, 5000, NULL, &r);
  engine_wait_until (&r.done, "the short write");
  g_assert_error (r.error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT);
  assert_port_usable (f);
  g_assert_nonnull (p.received);
  g_assert_cmpuint (assert_padded (p.received, p.expected), ==, 1000);
  payload_clear (&p);
  engine_result_clear (&r);
}

static void
test_payload_without_prompt (EngineFixture *f, gconstpointer data)
{
  static const struct {
    const char *answer;
    OnemoError code;
  } cases[] = {
    { "\r\n+CME ERROR: 853\r\n", ONEMO_ERROR_WRITE },
    { "\r\nERROR\r\n", ONEMO_ERROR_MODULE },
  };
  PayloadPeer p;
  EngineResult r = { 0 };

  payload_fixture (f, &p, 100);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    p.prompt = cases[i].answer;
    engine_result_clear (&r);
    start_payload (f, &p, p.expected, 100, NULL, &r);
    engine_wait_until (&r.done, cases[i].answer);
    g_assert_error (r.error, ONEMO_ERROR, (gint)cases[i].code);
    g_assert_cmpuint (p.last_progress, ==, 0);
  }
  p.prompt = NULL;
  assert_port_usable (f);
  payload_clear (&p);
  engine_result_clear (&r);
}

/* A write that must arrive whole and succeed: the module enters raw mode on `>` or on a bare
 * OK (@ok_enters), maybe after a URC (@before_prompt), and gives @answer after the bytes. */
static void
assert_clean_write (EngineFixture *f, gboolean ok_enters, const char *before_prompt,
                    const char *answer)
{
  PayloadPeer p;
  EngineResult r = { 0 };

  payload_fixture (f, &p, 5000);
  p.ok_enters = ok_enters;
  p.before_prompt = before_prompt;
  p.answer = answer;
  start_payload (f, &p, p.expected, 5000, NULL, &r);
  engine_wait_until (&r.done, "the write");
  g_assert_no_error (r.error);
  g_assert_nonnull (p.received);
  g_assert_cmpmem (p.received->data, p.received->len, g_bytes_get_data (p.expected, NULL), 5000);
  g_assert_cmpuint (p.last_progress, ==, 5000);
  p.ok_enters = FALSE;
  p.before_prompt = NULL;
  assert_port_usable (f);
  payload_clear (&p);
  engine_result_clear (&r);
}

/* "OK 或 > OK": a bare OK enters raw mode; after the bytes the module answers OK, answers
 * after a URC, or says nothing at all. */
static void
test_payload_ok_instead_of_prompt (EngineFixture *f, gconstpointer data)
{
  assert_clean_write (f, TRUE, NULL, "\r\nOK\r\n");
  assert_clean_write (f, TRUE, NULL, "\r\n+CEREG: 1\r\n\r\nOK\r\n");
  assert_clean_write (f, TRUE, NULL, NULL);
}

/* A URC while the write waits for its prompt (or for the OK that stands for it) is no answer. */
static void
test_payload_urc_before_prompt (EngineFixture *f, gconstpointer data)
{
  static const char urc[] = "\r\n+CEREG: 1,\"1A2B\",\"00C0FFEE\",9\r\n";

  assert_clean_write (f, FALSE, urc, "\r\nOK\r\n");
  assert_clean_write (f, TRUE, urc, "\r\nOK\r\n");
}

/* The module fails the write mid-way and leaves raw mode: the rest must not be sent. */
static void
test_payload_module_error (EngineFixture *f, gconstpointer data)
{
  PayloadPeer p;
  EngineResult r = { 0 };

  payload_fixture (f, &p, PAYLOAD_SIZE);
  p.prompt = "\r\n> \r\n+CME ERROR: 853\r\n";
  start_payload (f, &p, p.expected, PAYLOAD_SIZE, NULL, &r);
  engine_wait_until (&r.done, "the failed write");
  g_assert_error (r.error, ONEMO_ERROR, ONEMO_ERROR_WRITE);
  p.prompt = NULL;
  assert_port_usable (f);
  payload_clear (&p);
  engine_result_clear (&r);
}

static void
test_payload_hangup (EngineFixture *f, gconstpointer data)
{
  PayloadPeer p;
  EngineResult r = { 0 };

  payload_fixture (f, &p, PAYLOAD_SIZE);
  p.prompt = "\r\n> ";
  start_payload (f, &p, p.expected, PAYLOAD_SIZE, NULL, &r);
  engine_wait_for (progress_started, &p, "the first payload bytes");
  engine_peer_hangup (f->peer);
  engine_wait_until (&r.done, "the write on a vanished port");
  g_assert_error (r.error, ONEMO_ERROR, ONEMO_ERROR_PORT_GONE);
  payload_clear (&p);
  engine_result_clear (&r);
}

/* The module stops taking bytes: the write times out after one stall, the port pads the rest
 * once the module reads again, drops its late answer, and the next command gets its own. */
static void
test_payload_stall (EngineFixture *f, gconstpointer data)
{
  g_autoptr (GInputStream) stream = NULL;
  PayloadPeer p;
  EngineResult r = { 0 }, next = { 0 };
  gint64 start;

  payload_fixture (f, &p, PAYLOAD_SIZE);
  stream = g_memory_input_stream_new_from_bytes (p.expected);
  start_payload_stream (f, &p, stream, PAYLOAD_SIZE, 200, NULL, &r);
  /* Stop reading once the first bytes came: the pty fills up and the writer stalls. */
  engine_wait_for (progress_started, &p, "the first payload bytes");
  engine_peer_set_reading (f->peer, FALSE);
  start = g_get_monotonic_time ();
  engine_wait_until (&r.done, "the stalled write");
  g_assert_error (r.error, ONEMO_ERROR, ONEMO_ERROR_TIMEOUT);
  g_assert_cmpint (r.finished_at - start, >=, 150 * 1000);
  g_assert_cmpuint (p.last_progress, <, PAYLOAD_SIZE);

  onemo_at_port_command_async (f->port, "AT", 0, 2000, NULL, engine_on_command, &next);
  engine_peer_set_reading (f->peer, TRUE);
  engine_wait_until (&next.done, "AT after the stalled write");
  g_assert_no_error (next.error);
  g_assert_nonnull (p.received);
  g_assert_cmpuint (assert_padded (p.received, p.expected), >=, p.last_progress);
  payload_clear (&p);
  engine_result_clear (&r);
  engine_result_clear (&next);
}

/* The stream fails to read: its error comes back in the project's domain, and the module
 * gets padding for every byte it was promised. */
static void
test_payload_stream_error (EngineFixture *f, gconstpointer data)
{
  g_autoptr (GInputStream) stream = NULL;
  PayloadPeer p;
  EngineResult r = { 0 };
  int fds[2];

  payload_fixture (f, &p, 3000);
  g_assert_cmpint (pipe (fds), ==, 0);
  close (fds[0]);
  /* The write end of a pipe cannot be read: every read fails with EBADF. */
  stream = g_unix_input_stream_new (fds[1], TRUE);
  start_payload_stream (f, &p, stream, 3000, 1000, NULL, &r);
  engine_wait_until (&r.done, "the write from a broken stream");
  g_assert_error (r.error, ONEMO_ERROR, ONEMO_ERROR_FAILED);
  assert_port_usable (f);
  g_assert_nonnull (p.received);
  g_assert_cmpuint (assert_padded (p.received, p.expected), ==, 0);
  payload_clear (&p);
  engine_result_clear (&r);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func)                                                                            \
  g_test_add (path, EngineFixture, NULL, engine_fixture_set_up, func, engine_fixture_tear_down)
  ADD ("/at/port/payload", test_payload);
  ADD ("/at/port/payload-cancel", test_payload_cancel);
  ADD ("/at/port/payload-cancel-late-answer", test_payload_cancel_late_answer);
  ADD ("/at/port/payload-short-stream", test_payload_short_stream);
  ADD ("/at/port/payload-without-prompt", test_payload_without_prompt);
  ADD ("/at/port/payload-ok-instead-of-prompt", test_payload_ok_instead_of_prompt);
  ADD ("/at/port/payload-urc-before-prompt", test_payload_urc_before_prompt);
  ADD ("/at/port/payload-module-error", test_payload_module_error);
  ADD ("/at/port/payload-hangup", test_payload_hangup);
  ADD ("/at/port/payload-stall", test_payload_stall);
  ADD ("/at/port/payload-stream-error", test_payload_stream_error);
#undef ADD
  return g_test_run ();
}
