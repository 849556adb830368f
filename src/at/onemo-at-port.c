/* SPDX-License-Identifier: GPL-2.0-or-later */
#define G_LOG_DOMAIN "onemo-at"

/*
 * The AT port itself: the fd and its one GSource, reading bytes into lines and routing each line
 * (echo, answer, final result, URC), writing, the deadline, hang-ups. Commands and their queue
 * are in onemo-at-port-queue.c, transparent writes in onemo-at-port-payload.c.
 */

#include "onemo-at-port-private.h"

#include "onemo-at-result.h"
#include "onemo-at-tty.h"
#include "onemo-error.h"

#include <errno.h>
#include <glib-unix.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

enum { SIGNAL_HANGUP, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (OnemoAtPort, onemo_at_port, G_TYPE_OBJECT)

static void port_flush (OnemoAtPort *self);
static void port_read (OnemoAtPort *self, GIOCondition condition);

/* ---- The source: fd readiness and the deadline ---- */

void
onemo_at_port_set_deadline_ms (OnemoAtPort *self, guint ms)
{
  self->deadline = ms > 0 ? g_get_monotonic_time () + (gint64)ms * 1000 : -1;
  if (self->source != NULL)
    g_source_set_ready_time ((GSource *)self->source, self->deadline);
}

void
onemo_at_port_set_deadline_after_line_ms (OnemoAtPort *self, guint ms)
{
  gint64 now = g_get_monotonic_time ();
  gint64 line_ms = self->line_free_at > now ? (self->line_free_at - now + 999) / 1000 : 0;

  onemo_at_port_set_deadline_ms (self, (guint)MIN ((gint64)ms + line_ms, G_MAXUINT));
}

/* @n more bytes went into the fd: the line carries them after what it already holds. */
static void
port_line_reserve (OnemoAtPort *self, gsize n)
{
  gint64 now = g_get_monotonic_time ();

  if (self->line_rate == 0)
    return;
  self->line_free_at
      = MAX (self->line_free_at, now) + (gint64)((guint64)n * G_USEC_PER_SEC / self->line_rate);
}

static void
port_watch (OnemoAtPort *self, GIOCondition condition)
{
  if (self->source == NULL || self->watched == condition)
    return;
  self->watched = condition;
  g_source_modify_unix_fd ((GSource *)self->source, self->source->fd_tag, condition);
}

void
onemo_at_port_clear_output (OnemoAtPort *self)
{
  self->out_data = NULL;
  self->out_len = self->out_pos = 0;
  g_clear_pointer (&self->out_bytes, g_bytes_unref);
}

static void
port_deadline_reached (OnemoAtPort *self)
{
  Command *cmd = self->current;

  self->deadline = -1;
  g_source_set_ready_time ((GSource *)self->source, -1);
  if (cmd == NULL || (cmd->payload_hooks != NULL && cmd->payload_hooks->deadline (self, cmd)))
    return;
  if (cmd->task == NULL) {
    port_debug ("%s: settled after %s", self->name, onemo_at_port_command_log_text (cmd));
    onemo_at_port_finish_current (self, NULL);
    return;
  }
  onemo_at_port_abandon_current (
      self, g_error_new (ONEMO_ERROR, ONEMO_ERROR_TIMEOUT, "%s: %s got no answer within %u ms",
                         self->name, onemo_at_port_command_log_text (cmd), cmd->timeout_ms));
}

static gboolean
port_source_dispatch (GSource *source, GSourceFunc callback, gpointer user_data)
{
  PortSource *port_source = (PortSource *)source;
  g_autoptr (OnemoAtPort) self = g_object_ref (port_source->port);
  GIOCondition condition = g_source_query_unix_fd (source, port_source->fd_tag);

  if (condition & G_IO_OUT)
    port_flush (self);
  if (self->fd >= 0 && (condition & (G_IO_IN | G_IO_HUP | G_IO_ERR)))
    port_read (self, condition);
  if (self->fd >= 0 && self->deadline >= 0 && g_source_get_time (source) >= self->deadline)
    port_deadline_reached (self);
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs port_source_funcs = {
  .dispatch = port_source_dispatch,
};

/* ---- Closing ---- */

static void
port_fail_all (OnemoAtPort *self, const char *why)
{
  Command *cmd;

  if (self->current != NULL) {
    cmd = g_steal_pointer (&self->current);
    onemo_at_port_clear_output (self);
    onemo_at_port_command_return (
        cmd, g_error_new (ONEMO_ERROR, ONEMO_ERROR_PORT_GONE, "%s: %s", self->name, why));
    onemo_at_port_command_free (cmd);
  }
  while ((cmd = g_queue_pop_head (&self->queue)) != NULL) {
    onemo_at_port_command_return (
        cmd, g_error_new (ONEMO_ERROR, ONEMO_ERROR_PORT_GONE, "%s: %s", self->name, why));
    onemo_at_port_command_free (cmd);
  }
}

static void
port_close_fd (OnemoAtPort *self)
{
  if (self->source != NULL) {
    g_source_destroy ((GSource *)self->source);
    g_source_unref ((GSource *)self->source);
    self->source = NULL;
  }
  if (self->fd >= 0) {
    close (self->fd);
    self->fd = -1;
  }
}

void
onemo_at_port_close (OnemoAtPort *self)
{
  g_return_if_fail (ONEMO_IS_AT_PORT (self));
  if (self->fd < 0 && self->current == NULL && g_queue_is_empty (&self->queue))
    return;
  g_object_ref (self);
  port_close_fd (self);
  port_fail_all (self, "the port was closed");
  g_object_unref (self);
}

void
onemo_at_port_hangup (OnemoAtPort *self, const char *why)
{
  /* Failing the commands runs their callbacks, which may drop the caller's last reference;
   * the port must outlive its own signal emission. */
  g_autoptr (OnemoAtPort) keep = NULL;

  if (self->fd < 0)
    return;
  keep = g_object_ref (self);
  g_debug ("%s: hung up (%s)", self->name, why);
  port_close_fd (self);
  port_fail_all (self, why);
  if (!self->hangup_emitted) {
    self->hangup_emitted = TRUE;
    g_signal_emit (self, signals[SIGNAL_HANGUP], 0);
  }
}

/* ---- Reading: bytes become lines, each line goes to the command on the wire (echo, answer,
 * final result) or to a URC handler ---- */

/* Lines from the module may hold any byte: escape them, and only when debug output is on. */
void
onemo_at_port_log_received (OnemoAtPort *self, const char *line, const char *note)
{
  g_autofree char *printable = NULL;

  if (g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN))
    return;
  printable = g_strescape (line, "\"");
  g_debug ("%s: <-- %s%s", self->name, printable, note);
}

/* A final result for the command on the wire. */
static void
port_final_result (OnemoAtPort *self, const char *line, OnemoAtResult result, GError *error)
{
  Command *cmd = self->current;

  onemo_at_port_log_received (self, line, "");
  /* "OK 或 > OK": a bare OK may stand for the prompt. Whoever waits, the module now counts
   * <len> raw bytes, so they go out (padding, for a caller who gave up). */
  if (result == ONEMO_AT_RESULT_OK && cmd->stage == PAYLOAD_PROMPT) {
    cmd->payload_hooks->ok_instead_of_prompt (self, cmd);
    return;
  }
  if (cmd->task != NULL && result == ONEMO_AT_RESULT_OK && cmd->stage == PAYLOAD_STREAMING)
    error = g_error_new (ONEMO_ERROR, ONEMO_ERROR_PROTOCOL,
                         "%s: the module answered OK after %" G_GUINT64_FORMAT
                         " of %" G_GUINT64_FORMAT " bytes",
                         self->name, cmd->written, cmd->length);
  else if (cmd->task == NULL)
    port_debug ("%s: dropped the late result of %s", self->name,
                onemo_at_port_command_log_text (cmd));

  onemo_at_port_finish_current (self, error);
}

/* An unsolicited line: to the newest handler that wants it, else only to the log (an unknown
 * one at info level, so that a module's new URC can be added to the table). */
static void
port_route_unsolicited (OnemoAtPort *self, const char *line)
{
  g_autofree char *printable = NULL;

  if (onemo_at_port_dispatch_urc (self, line))
    return;
  /* A mangled echo of a secret command would pass for an unknown line: never log its text. */
  if (self->current != NULL && (self->current->flags & ONEMO_AT_COMMAND_FLAG_SECRET)) {
    port_debug ("%s: <-- (a line during a secret command, not listened for)", self->name);
    return;
  }
  if (onemo_at_urc_known_name (line) != NULL) {
    onemo_at_port_log_received (self, line, " (URC, not listened for)");
    return;
  }
  if (g_log_writer_default_would_drop (G_LOG_LEVEL_INFO, G_LOG_DOMAIN))
    return;
  printable = g_strescape (line, "\"");
  g_info ("%s: <-- %s (unsolicited, unknown, dropped)", self->name, printable);
}

static void
port_route_line (OnemoAtPort *self, char *line)
{
  Command *cmd = self->current;
  GError *error = NULL;
  OnemoAtResult result;

  if (cmd == NULL) {
    port_route_unsolicited (self, line);
    g_free (line);
    return;
  }
  if (!cmd->echo_seen && strcmp (line, cmd->text) == 0) {
    cmd->echo_seen = TRUE;
    g_free (line);
    return;
  }
  result = onemo_at_result_classify (line, &error);
  if (result != ONEMO_AT_RESULT_NOT_FINAL) {
    port_final_result (self, line, result, error);
    g_free (line);
    return;
  }
  if (!onemo_at_answer_shape_takes (&cmd->answer, line)) {
    port_route_unsolicited (self, line);
    g_free (line);
    return;
  }
  if (cmd->flags & ONEMO_AT_COMMAND_FLAG_SECRET)
    port_debug ("%s: <-- (response to a secret command)", self->name);
  else
    onemo_at_port_log_received (self, line, "");
  if (cmd->task == NULL) {
    g_free (line);
    return;
  }
  cmd->response_bytes += strlen (line);
  g_ptr_array_add (cmd->response, line);
  /* A module (or a device that only wears a OneMO USB identity) may send without end: what one
   * answer gathers is bounded, and the rest of a flood is dropped until the command settles. */
  if (cmd->response->len > ONEMO_AT_ANSWER_MAX_LINES
      || cmd->response_bytes > ONEMO_AT_ANSWER_MAX_BYTES)
    onemo_at_port_abandon_current (
        self, g_error_new (ONEMO_ERROR, ONEMO_ERROR_PROTOCOL,
                           "%s: the answer to %s went past %u lines or %u bytes", self->name,
                           onemo_at_port_command_log_text (cmd), ONEMO_AT_ANSWER_MAX_LINES,
                           ONEMO_AT_ANSWER_MAX_BYTES));
}

static void
port_overflow (OnemoAtPort *self)
{
  g_debug ("%s: <-- a line longer than %u bytes, discarded", self->name, ONEMO_AT_LINE_MAX_DEFAULT);
  if (self->current == NULL || self->current->task == NULL)
    return;
  onemo_at_port_abandon_current (self,
                                 g_error_new (ONEMO_ERROR, ONEMO_ERROR_PROTOCOL,
                                              "%s: the module sent a line longer than %u bytes",
                                              self->name, ONEMO_AT_LINE_MAX_DEFAULT));
}

static void
port_prompt (OnemoAtPort *self)
{
  Command *cmd = self->current;

  onemo_at_line_buffer_set_prompt_detection (self->lines, FALSE);
  if (cmd == NULL || cmd->stage != PAYLOAD_PROMPT) {
    port_debug ("%s: <-- > (unexpected prompt, dropped)", self->name);
    return;
  }
  cmd->payload_hooks->prompt (self, cmd);
}

/* Handles what the line buffer holds, stopping if a callback closed the port. */
static void
port_drain_lines (OnemoAtPort *self)
{
  OnemoAtLineKind kind;
  char *line;

  while (self->fd >= 0
         && (kind = onemo_at_line_buffer_next (self->lines, &line)) != ONEMO_AT_LINE_NONE) {
    if (kind == ONEMO_AT_LINE_LINE)
      port_route_line (self, line);
    else if (kind == ONEMO_AT_LINE_PROMPT)
      port_prompt (self);
    else
      port_overflow (self);
  }
}

static void
port_read (OnemoAtPort *self, GIOCondition condition)
{
  gboolean drained = !(condition & G_IO_IN);

  for (;;) {
    gssize n = read (self->fd, self->read_buffer, sizeof self->read_buffer);
    int saved_errno = errno;

    if (n < 0 && saved_errno == EINTR)
      continue;
    if (n < 0 && saved_errno == EAGAIN) {
      drained = TRUE;
      break;
    }
    if (n <= 0) {
      port_drain_lines (self);
      onemo_at_port_hangup (self, n == 0 ? "end of file" : g_strerror (saved_errno));
      return;
    }
    onemo_at_line_buffer_feed (self->lines, self->read_buffer, (gsize)n);
    port_drain_lines (self);
    if (self->fd < 0 || (gsize)n < sizeof self->read_buffer)
      break;
  }
  /* A hang-up with nothing left to read; with data left, the next read tells (EOF or EIO). */
  if (self->fd >= 0 && drained && (condition & (G_IO_HUP | G_IO_ERR)))
    onemo_at_port_hangup (self, "the device hung up");
}

/* ---- Writing ---- */

void
onemo_at_port_set_output (OnemoAtPort *self, const guint8 *data, gsize len, GBytes *owner)
{
  onemo_at_port_clear_output (self);
  self->out_data = data;
  self->out_len = len;
  self->out_bytes = owner;
  port_flush (self);
}

/* Writes as much as the fd takes; TRUE when the fd wants G_IO_OUT before taking more. */
static gboolean
port_write_pieces (OnemoAtPort *self)
{
  while (self->out_data != NULL && self->fd >= 0) {
    gssize n = write (self->fd, self->out_data + self->out_pos, self->out_len - self->out_pos);
    Command *cmd = self->current;

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && errno == EAGAIN)
      return TRUE;
    if (n < 0) {
      onemo_at_port_hangup (self, g_strerror (errno));
      return FALSE;
    }
    self->out_pos += (gsize)n;
    port_line_reserve (self, (gsize)n);
    if (cmd != NULL && cmd->stage == PAYLOAD_STREAMING) {
      cmd->payload_hooks->wrote (self, cmd, (gsize)n);
      if (self->current != cmd)
        return FALSE; /* the progress callback closed the port */
    }
    if (self->out_pos == self->out_len) {
      onemo_at_port_clear_output (self);
      if (cmd != NULL && cmd->stage == PAYLOAD_STREAMING)
        cmd->payload_hooks->piece_done (self, cmd); /* may hand over the next piece */
    }
  }
  return FALSE;
}

static void
port_flush (OnemoAtPort *self)
{
  gboolean blocked;

  /* A piece handed over while writing is taken by this loop, not by a nested one. */
  if (self->flushing)
    return;
  self->flushing = TRUE;
  blocked = port_write_pieces (self);
  self->flushing = FALSE;
  port_watch (self, blocked ? G_IO_IN | G_IO_OUT : G_IO_IN);
}

OnemoAtPort *
onemo_at_port_open (const char *path, guint baud, gboolean rts_cts, GError **error)
{
  int fd = onemo_at_tty_open (path, baud, rts_cts, error);
  OnemoAtPort *self;

  if (fd < 0)
    return NULL;
  self = onemo_at_port_new_for_fd (fd, path);
  self->line_rate = MAX (baud / 10, 1); /* 8N1: ten bits a byte */
  return self;
}

OnemoAtPort *
onemo_at_port_open_node (const char *path, dev_t rdev, guint baud, gboolean rts_cts, GError **error)
{
  int fd = onemo_at_tty_open_node (path, rdev, baud, rts_cts, error);
  OnemoAtPort *self;

  if (fd < 0)
    return NULL;
  self = onemo_at_port_new_for_fd (fd, path);
  self->line_rate = MAX (baud / 10, 1);
  return self;
}

OnemoAtPort *
onemo_at_port_new_for_fd (int fd, const char *name)
{
  OnemoAtPort *self;
  g_autoptr (GError) error = NULL;

  g_return_val_if_fail (fd >= 0, NULL);

  self = g_object_new (ONEMO_TYPE_AT_PORT, NULL);
  self->name = g_strdup (name != NULL ? name : "port");
  self->fd = fd;
  if (!g_unix_set_fd_nonblocking (fd, TRUE, &error))
    g_warning ("%s: %s", self->name, error->message);
  self->source = (PortSource *)g_source_new (&port_source_funcs, sizeof (PortSource));
  self->source->port = self;
  self->watched = G_IO_IN;
  self->source->fd_tag = g_source_add_unix_fd ((GSource *)self->source, fd, G_IO_IN);
  g_source_set_name ((GSource *)self->source, "OnemoAtPort");
  g_source_attach ((GSource *)self->source, self->context);
  return self;
}

const char *
onemo_at_port_get_name (OnemoAtPort *self)
{
  g_return_val_if_fail (ONEMO_IS_AT_PORT (self), NULL);
  return self->name;
}

gboolean
onemo_at_port_is_open (OnemoAtPort *self)
{
  g_return_val_if_fail (ONEMO_IS_AT_PORT (self), FALSE);
  return self->fd >= 0;
}

void
onemo_at_port_discard_input (OnemoAtPort *self)
{
  g_return_if_fail (ONEMO_IS_AT_PORT (self));
  if (self->fd >= 0 && isatty (self->fd))
    tcflush (self->fd, TCIFLUSH);
  onemo_at_line_buffer_clear (self->lines);
}

/* ---- GObject ---- */

static void
onemo_at_port_dispose (GObject *object)
{
  OnemoAtPort *self = ONEMO_AT_PORT (object);

  onemo_at_port_close (self);
  G_OBJECT_CLASS (onemo_at_port_parent_class)->dispose (object);
}

static void
onemo_at_port_finalize (GObject *object)
{
  OnemoAtPort *self = ONEMO_AT_PORT (object);

  g_ptr_array_unref (self->handlers);
  onemo_at_line_buffer_free (self->lines);
  g_main_context_unref (self->context);
  g_free (self->name);
  G_OBJECT_CLASS (onemo_at_port_parent_class)->finalize (object);
}

static void
onemo_at_port_class_init (OnemoAtPortClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = onemo_at_port_dispose;
  object_class->finalize = onemo_at_port_finalize;

  /* The device went away: every command failed with ONEMO_ERROR_PORT_GONE. Emitted once. */
  signals[SIGNAL_HANGUP] = g_signal_new ("hangup", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                         NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
onemo_at_port_init (OnemoAtPort *self)
{
  self->fd = -1;
  self->deadline = -1;
  self->context = g_main_context_ref_thread_default ();
  self->lines = onemo_at_line_buffer_new (ONEMO_AT_LINE_MAX_DEFAULT);
  self->handlers = g_ptr_array_new_with_free_func ((GDestroyNotify)onemo_at_port_urc_handler_unref);
  g_queue_init (&self->queue);
}
