/* SPDX-License-Identifier: GPL-2.0-or-later */
#define G_LOG_DOMAIN "onemo-at"

/*
 * The AT port's commands: each one from its creation to its answer. They wait in a queue, go on
 * the wire one at a time, and leave it once answered, or once their late answer or a settle time
 * has passed when the caller gave up on them first.
 */

#include "onemo-at-port-private.h"

#include "onemo-error.h"

static void port_start_next (OnemoAtPort *self);

Command *
onemo_at_port_command_new (OnemoAtPort *self, const char *text, OnemoAtCommandFlags flags,
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
onemo_at_port_command_log_text (Command *cmd)
{
  return (cmd->flags & ONEMO_AT_COMMAND_FLAG_SECRET) ? "(secret command)" : cmd->text;
}

void
onemo_at_port_command_unref (Command *cmd)
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
void
onemo_at_port_command_free (Command *cmd)
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
  onemo_at_port_command_unref (cmd);
}

/* Gives the caller its answer; the command itself may stay on the wire (see onemo_at_port_finish_current). */
void
onemo_at_port_command_return (Command *cmd, GError *error)
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

/* The command on the wire leaves it before its caller is answered, so that a command queued by
 * the callback goes out at once. */
void
onemo_at_port_finish_current (OnemoAtPort *self, GError *error)
{
  Command *cmd = g_steal_pointer (&self->current);

  onemo_at_port_clear_output (self);
  onemo_at_port_set_deadline_ms (self, 0);
  onemo_at_line_buffer_set_prompt_detection (self->lines, FALSE);
  onemo_at_port_command_return (cmd, error);
  onemo_at_port_command_free (cmd);
  port_start_next (self);
}

/* The caller gave up on the command on the wire (timeout, cancellation, unreadable answer):
 * answer it now; the port keeps it until its late final result or a settle time has passed. */
void
onemo_at_port_abandon_current (OnemoAtPort *self, GError *error)
{
  Command *cmd = self->current;
  /* The caller's callback may close the port (and so free the command) as it is answered. */
  g_autoptr (OnemoAtPort) keep = g_object_ref (self);

  if (command_holds_answer (cmd, error)) {
    if (cmd->cancel_source != NULL)
      g_source_destroy (cmd->cancel_source);
    cmd->held_task = g_steal_pointer (&cmd->task);
    cmd->held_error = error;
  } else {
    onemo_at_port_command_return (cmd, error);
    if (self->fd < 0 || self->current != cmd)
      return;
  }
  if (cmd->stage == PAYLOAD_STREAMING)
    cmd->payload_hooks->give_up (self, cmd);
  if (self->out_data != NULL)
    onemo_at_port_set_deadline_ms (self, MAX (cmd->timeout_ms, SETTLE_MS));
  else if (cmd->stage == PAYLOAD_SENT)
    onemo_at_port_set_deadline_after_line_ms (self, MAX (cmd->timeout_ms, SETTLE_MS));
  else
    onemo_at_port_set_deadline_after_line_ms (self, SETTLE_MS);
}

static void
port_start_next (OnemoAtPort *self)
{
  Command *cmd;

  if (self->current != NULL || self->fd < 0)
    return;
  /* A command cancelled while its cancellation is still on its way never reaches the wire. */
  while ((cmd = g_queue_pop_head (&self->queue)) != NULL
         && g_cancellable_is_cancelled (cmd->cancellable)) {
    onemo_at_port_command_return (cmd, g_error_new (ONEMO_ERROR, ONEMO_ERROR_CANCELLED,
                                                    "%s: %s was cancelled", self->name,
                                                    onemo_at_port_command_log_text (cmd)));
    onemo_at_port_command_free (cmd);
  }
  if (cmd == NULL)
    return;
  self->current = cmd;
  port_debug ("%s: --> %s", self->name, onemo_at_port_command_log_text (cmd));
  if (cmd->payload != NULL) {
    cmd->stage = PAYLOAD_PROMPT;
    onemo_at_line_buffer_set_prompt_detection (self->lines, TRUE);
  }
  onemo_at_port_set_deadline_ms (self, cmd->timeout_ms);
  onemo_at_port_set_output (self, (const guint8 *)cmd->wire->str, cmd->wire->len, NULL);
}

static gboolean
command_cancelled (GCancellable *cancellable, gpointer user_data)
{
  Command *cmd = user_data;
  /* The caller's callback may drop the last reference to the port while it is still in use. */
  OnemoAtPort *self = g_object_ref (cmd->port);
  GError *error = g_error_new (ONEMO_ERROR, ONEMO_ERROR_CANCELLED, "%s: %s was cancelled",
                               self->name, onemo_at_port_command_log_text (cmd));

  if (self->current == cmd) {
    onemo_at_port_abandon_current (self, error);
  } else {
    g_queue_remove (&self->queue, cmd);
    onemo_at_port_command_return (cmd, error);
    onemo_at_port_command_free (cmd);
  }
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

void
onemo_at_port_enqueue (OnemoAtPort *self, Command *cmd, GCancellable *cancellable)
{
  if (self->fd < 0) {
    onemo_at_port_command_return (
        cmd, g_error_new (ONEMO_ERROR, ONEMO_ERROR_PORT_GONE, "%s is closed", self->name));
    onemo_at_port_command_free (cmd);
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
  onemo_at_port_enqueue (self, onemo_at_port_command_new (self, command, flags, timeout_ms, task),
                         cancellable);
}

GStrv
onemo_at_port_command_finish (OnemoAtPort *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
