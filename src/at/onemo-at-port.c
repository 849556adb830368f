/* SPDX-License-Identifier: GPL-2.0-or-later */
#define G_LOG_DOMAIN "onemo-at"

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

static void port_start_next (OnemoAtPort *self);
static void port_flush (OnemoAtPort *self);

/* ---- Commands ---- */

Command *
onemo_port_command_new (OnemoAtPort *self, const char *text, OnemoAtCommandFlags flags,
                        guint timeout_ms, GTask *task)
{
  Command *cmd = g_new0 (Command, 1);

  cmd->ref_count = 1;
  cmd->port = self;
  cmd->task = task;
  cmd->text = g_strdup (text);
  cmd->wire = g_string_new (text);
  g_string_append_c (cmd->wire, '\r');
  cmd->flags = flags;
  cmd->timeout_ms = timeout_ms;
  cmd->response = g_ptr_array_new_with_free_func (g_free);
  onemo_at_answer_shape_init (&cmd->answer, text);
  return cmd;
}

const char *
onemo_port_command_log_text (Command *cmd)
{
  return (cmd->flags & ONEMO_AT_COMMAND_FLAG_SECRET) ? "(secret command)" : cmd->text;
}

void
onemo_port_command_unref (Command *cmd)
{
  if (!g_atomic_int_dec_and_test (&cmd->ref_count))
    return;
  g_assert (cmd->task == NULL && cmd->held_task == NULL);
  g_clear_error (&cmd->held_error);
  g_clear_object (&cmd->cancellable);
  g_clear_object (&cmd->read_cancellable);
  g_clear_object (&cmd->payload);
  g_clear_pointer (&cmd->next_chunk, g_bytes_unref);
  g_ptr_array_unref (cmd->response);
  g_string_free (cmd->wire, TRUE);
  onemo_at_answer_shape_clear (&cmd->answer);
  g_free (cmd->text);
  g_free (cmd);
}

/* The port lets go: no callback of a pending read may reach the port through it any more. */
static void
command_free (Command *cmd)
{
  g_assert (cmd->task == NULL);
  cmd->port = NULL;
  if (cmd->held_task != NULL) {
    g_autoptr (GTask) task = g_steal_pointer (&cmd->held_task);
    g_task_return_error (task, g_steal_pointer (&cmd->held_error));
  }
  if (cmd->cancel_source != NULL) {
    g_source_destroy (cmd->cancel_source);
    g_clear_pointer (&cmd->cancel_source, g_source_unref);
  }
  if (cmd->read_cancellable != NULL)
    g_cancellable_cancel (cmd->read_cancellable);
  onemo_port_command_unref (cmd);
}

/* Gives the caller its answer; the command itself may stay on the wire (see onemo_port_finish_current). */
void
onemo_port_command_return (Command *cmd, GError *error)
{
  g_autoptr (GTask) task = g_steal_pointer (&cmd->task);

  if (task == NULL) {
    g_clear_error (&error);
    return;
  }
  if (cmd->cancel_source != NULL)
    g_source_destroy (cmd->cancel_source);
  if (error != NULL) {
    g_task_return_error (task, error);
  } else if (cmd->payload != NULL) {
    g_task_return_boolean (task, TRUE);
  } else {
    g_ptr_array_add (cmd->response, NULL);
    g_task_return_pointer (task, g_ptr_array_steal (cmd->response, NULL),
                           (GDestroyNotify)g_strfreev);
  }
}

/* A payload cancelled or failing on the host's side is answered only once its padding is out
 * and the module had its say; a timeout or a garbled answer is reported at once. */
static gboolean
command_holds_answer (Command *cmd, GError *error)
{
  return cmd->task != NULL && cmd->stage != PAYLOAD_NONE
         && !g_error_matches (error, ONEMO_ERROR, ONEMO_ERROR_TIMEOUT)
         && !g_error_matches (error, ONEMO_ERROR, ONEMO_ERROR_PROTOCOL);
}

/* ---- The source: fd readiness and the deadline ---- */

void
onemo_port_set_deadline_ms (OnemoAtPort *self, guint ms)
{
  self->deadline = ms > 0 ? g_get_monotonic_time () + (gint64)ms * 1000 : -1;
  if (self->source != NULL)
    g_source_set_ready_time ((GSource *)self->source, self->deadline);
}

void
onemo_port_set_deadline_after_line_ms (OnemoAtPort *self, guint ms)
{
  gint64 now = g_get_monotonic_time ();
  gint64 line_ms = self->line_free_at > now ? (self->line_free_at - now + 999) / 1000 : 0;

  onemo_port_set_deadline_ms (self, (guint)MIN ((gint64)ms + line_ms, G_MAXUINT));
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

static void
port_clear_output (OnemoAtPort *self)
{
  self->out_data = NULL;
  self->out_len = self->out_pos = 0;
  g_clear_pointer (&self->out_bytes, g_bytes_unref);
}

/* The command on the wire leaves it before its caller is answered, so that a command queued by
 * the callback goes out at once. */
void
onemo_port_finish_current (OnemoAtPort *self, GError *error)
{
  Command *cmd = g_steal_pointer (&self->current);

  port_clear_output (self);
  onemo_port_set_deadline_ms (self, 0);
  onemo_at_line_buffer_set_prompt_detection (self->lines, FALSE);
  onemo_port_command_return (cmd, error);
  command_free (cmd);
  port_start_next (self);
}

/* The caller gave up on the command on the wire (timeout, cancellation, unreadable answer):
 * answer it now; the port keeps it until its late final result or a settle time has passed. */
void
onemo_port_abandon_current (OnemoAtPort *self, GError *error)
{
  Command *cmd = self->current;

  if (command_holds_answer (cmd, error)) {
    if (cmd->cancel_source != NULL)
      g_source_destroy (cmd->cancel_source);
    cmd->held_task = g_steal_pointer (&cmd->task);
    cmd->held_error = error;
  } else {
    onemo_port_command_return (cmd, error);
  }
  if (cmd->stage == PAYLOAD_STREAMING)
    onemo_payload_start_padding (self, cmd);
  if (self->out_data != NULL)
    onemo_port_set_deadline_ms (self, MAX (cmd->timeout_ms, SETTLE_MS));
  else if (cmd->stage == PAYLOAD_SENT)
    onemo_port_set_deadline_after_line_ms (self, MAX (cmd->timeout_ms, SETTLE_MS));
  else
    onemo_port_set_deadline_after_line_ms (self, SETTLE_MS);
}

static void
port_deadline_reached (OnemoAtPort *self)
{
  Command *cmd = self->current;

  self->deadline = -1;
  g_source_set_ready_time ((GSource *)self->source, -1);
  if (cmd == NULL || onemo_payload_done_without_result (self, cmd))
    return;
  if (cmd->task == NULL) {
    port_debug ("%s: settled after %s", self->name, onemo_port_command_log_text (cmd));
    onemo_port_finish_current (self, NULL);
    return;
  }
  onemo_port_abandon_current (
      self, g_error_new (ONEMO_ERROR, ONEMO_ERROR_TIMEOUT, "%s: %s got no answer within %u ms",
                         self->name, onemo_port_command_log_text (cmd), cmd->timeout_ms));
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
    onemo_port_read (self, condition);
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
    port_clear_output (self);
    onemo_port_command_return (
        cmd, g_error_new (ONEMO_ERROR, ONEMO_ERROR_PORT_GONE, "%s: %s", self->name, why));
    command_free (cmd);
  }
  while ((cmd = g_queue_pop_head (&self->queue)) != NULL) {
    onemo_port_command_return (
        cmd, g_error_new (ONEMO_ERROR, ONEMO_ERROR_PORT_GONE, "%s: %s", self->name, why));
    command_free (cmd);
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
onemo_port_hangup (OnemoAtPort *self, const char *why)
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

/* ---- Writing ---- */

void
onemo_port_set_output (OnemoAtPort *self, const guint8 *data, gsize len, GBytes *owner)
{
  port_clear_output (self);
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
      onemo_port_hangup (self, g_strerror (errno));
      return FALSE;
    }
    self->out_pos += (gsize)n;
    port_line_reserve (self, (gsize)n);
    if (cmd != NULL && cmd->stage == PAYLOAD_STREAMING) {
      onemo_payload_wrote (self, cmd, (gsize)n);
      if (self->current != cmd)
        return FALSE; /* the progress callback closed the port */
    }
    if (self->out_pos == self->out_len) {
      port_clear_output (self);
      if (cmd != NULL && cmd->stage == PAYLOAD_STREAMING)
        onemo_payload_piece_done (self, cmd); /* may hand over the next piece */
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

/* ---- The queue ---- */

static void
port_start_next (OnemoAtPort *self)
{
  Command *cmd;

  if (self->current != NULL || self->fd < 0)
    return;
  /* A command cancelled while its cancellation is still on its way never reaches the wire. */
  while ((cmd = g_queue_pop_head (&self->queue)) != NULL
         && g_cancellable_is_cancelled (cmd->cancellable)) {
    onemo_port_command_return (cmd, g_error_new (ONEMO_ERROR, ONEMO_ERROR_CANCELLED,
                                                 "%s: %s was cancelled", self->name,
                                                 onemo_port_command_log_text (cmd)));
    command_free (cmd);
  }
  if (cmd == NULL)
    return;
  self->current = cmd;
  port_debug ("%s: --> %s", self->name, onemo_port_command_log_text (cmd));
  if (cmd->payload != NULL) {
    cmd->stage = PAYLOAD_PROMPT;
    onemo_at_line_buffer_set_prompt_detection (self->lines, TRUE);
  }
  onemo_port_set_deadline_ms (self, cmd->timeout_ms);
  onemo_port_set_output (self, (const guint8 *)cmd->wire->str, cmd->wire->len, NULL);
}

static gboolean
command_cancelled (GCancellable *cancellable, gpointer user_data)
{
  Command *cmd = user_data;
  /* The caller's callback may drop the last reference to the port while it is still in use. */
  OnemoAtPort *self = g_object_ref (cmd->port);
  GError *error = g_error_new (ONEMO_ERROR, ONEMO_ERROR_CANCELLED, "%s: %s was cancelled",
                               self->name, onemo_port_command_log_text (cmd));

  if (self->current == cmd) {
    onemo_port_abandon_current (self, error);
  } else {
    g_queue_remove (&self->queue, cmd);
    onemo_port_command_return (cmd, error);
    command_free (cmd);
  }
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

void
onemo_port_enqueue (OnemoAtPort *self, Command *cmd, GCancellable *cancellable)
{
  if (self->fd < 0) {
    onemo_port_command_return (
        cmd, g_error_new (ONEMO_ERROR, ONEMO_ERROR_PORT_GONE, "%s is closed", self->name));
    command_free (cmd);
    return;
  }
  if (cancellable != NULL) {
    cmd->cancellable = g_object_ref (cancellable);
    cmd->cancel_source = g_cancellable_source_new (cancellable);
    g_source_set_callback (cmd->cancel_source, (GSourceFunc)(GCallback)command_cancelled, cmd,
                           NULL);
    g_source_attach (cmd->cancel_source, self->context);
  }
  g_queue_push_tail (&self->queue, cmd);
  port_start_next (self);
}

void
onemo_at_port_command_async (OnemoAtPort *self, const char *command, OnemoAtCommandFlags flags,
                             guint timeout_ms, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;

  g_return_if_fail (ONEMO_IS_AT_PORT (self));
  g_return_if_fail (command != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, onemo_at_port_command_async);
  g_task_set_check_cancellable (task, FALSE);
  onemo_port_enqueue (self, onemo_port_command_new (self, command, flags, timeout_ms, task),
                      cancellable);
}

GStrv
onemo_at_port_command_finish (OnemoAtPort *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
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
  self->handlers = g_ptr_array_new_with_free_func ((GDestroyNotify)onemo_port_urc_handler_unref);
  g_queue_init (&self->queue);
}
