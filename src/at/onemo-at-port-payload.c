/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Transparent writes: AT+MFWDLOAD=<off>,<len>, the `>` prompt, then <len> raw bytes as fast as
 * the port takes them, read from a stream one chunk ahead; 0xFF padding when the caller gives
 * up, so that the module leaves raw mode and the port stays usable. */
#define G_LOG_DOMAIN "onemo-at"

#include "onemo-at-port-private.h"

#include "onemo-error.h"

#include <string.h>

#define PADDING_RUN 4096

static void payload_request_chunk (OnemoAtPort *self, Command *cmd);

static const guint8 *
padding_bytes (void)
{
  static guint8 bytes[PADDING_RUN];
  static gsize ready = 0;

  if (g_once_init_enter (&ready)) {
    memset (bytes, 0xFF, sizeof bytes);
    g_once_init_leave (&ready, 1);
  }
  return bytes;
}

static void
payload_report_progress (OnemoAtPort *self, Command *cmd)
{
  guint64 stride = MIN (MAX (cmd->length / 100, 1), PROGRESS_STRIDE);

  if (cmd->progress == NULL || cmd->task == NULL)
    return;
  if (cmd->written - cmd->last_progress < stride && cmd->written != cmd->length)
    return;
  cmd->last_progress = cmd->written;
  cmd->progress (self, cmd->written, cmd->length, cmd->progress_data);
}

static void
payload_piece_done (OnemoAtPort *self, Command *cmd)
{
  if (cmd->committed < cmd->length) {
    payload_request_chunk (self, cmd);
    return;
  }
  /* The final result comes once the module has the last byte, which may still be in the
   * tty's buffer; an abandoned write's result is waited for too, or it would answer the next
   * command. */
  cmd->stage = PAYLOAD_SENT;
  if (cmd->task != NULL && cmd->entered_without_prompt && !cmd->padding)
    onemo_at_port_set_deadline_after_line_ms (self, MIN (cmd->timeout_ms, QUIET_AFTER_RAW_MS));
  else
    onemo_at_port_set_deadline_after_line_ms (
        self, cmd->task != NULL ? cmd->timeout_ms : MAX (cmd->timeout_ms, SETTLE_MS));
}

static gboolean
payload_deadline (OnemoAtPort *self, Command *cmd)
{
  if (cmd->task == NULL || cmd->stage != PAYLOAD_SENT || !cmd->entered_without_prompt
      || cmd->padding)
    return FALSE;
  port_debug ("%s: no final result %u ms after the last byte: the write is done", self->name,
              MIN (cmd->timeout_ms, QUIET_AFTER_RAW_MS));
  /* Answered now; the command stays on the wire a settle time so that a late OK is eaten. */
  onemo_at_port_command_return (cmd, NULL);
  onemo_at_port_set_deadline_ms (self, SETTLE_MS);
  return TRUE;
}

static void
payload_wrote (OnemoAtPort *self, Command *cmd, gsize n)
{
  cmd->written += n;
  onemo_at_port_set_deadline_ms (self, cmd->timeout_ms);
  payload_report_progress (self, cmd);
}

static void
payload_give_up (OnemoAtPort *self, Command *cmd)
{
  if (cmd->padding)
    return;
  cmd->padding = TRUE;
  g_clear_pointer (&cmd->next_chunk, g_bytes_unref);
  g_cancellable_cancel (cmd->read_cancellable);
  cmd->reading = FALSE;
  if (self->out_data == NULL)
    payload_request_chunk (self, cmd);
}

static void
payload_chunk_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Command *cmd = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) chunk
      = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  OnemoAtPort *self = cmd->port;

  if (self == NULL || g_cancellable_is_cancelled (cmd->read_cancellable)) {
    onemo_at_port_command_unref (cmd); /* the port let go, or it pads instead */
    return;
  }
  onemo_at_port_command_unref (cmd);
  cmd->reading = FALSE;
  if (chunk != NULL && g_bytes_get_size (chunk) == 0)
    error = g_error_new (ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT,
                         "The payload ended %" G_GUINT64_FORMAT " bytes early",
                         cmd->length - cmd->committed);
  if (error != NULL) {
    onemo_error_normalize (&error);
    if (error->domain != ONEMO_ERROR) {
      GError *wrapped = g_error_new (ONEMO_ERROR, ONEMO_ERROR_FAILED,
                                     "Reading the payload failed: %s", error->message);
      g_clear_error (&error);
      error = wrapped;
    }
    g_object_ref (self);
    onemo_at_port_abandon_current (self, g_steal_pointer (&error));
    g_object_unref (self);
    return;
  }
  cmd->next_chunk = g_steal_pointer (&chunk);
  if (self->out_data == NULL)
    payload_request_chunk (self, cmd);
}

/* Feeds the writer the next chunk (read ahead by one) or the next run of padding. */
static void
payload_request_chunk (OnemoAtPort *self, Command *cmd)
{
  guint64 remaining = cmd->length - cmd->committed;

  if (remaining == 0)
    return;
  if (cmd->padding) {
    gsize len = (gsize)MIN (remaining, PADDING_RUN);
    cmd->committed += len;
    onemo_at_port_set_output (self, padding_bytes (), len, NULL);
    return;
  }
  if (cmd->next_chunk != NULL && self->out_data == NULL) {
    GBytes *chunk = g_steal_pointer (&cmd->next_chunk);
    gsize len = MIN (g_bytes_get_size (chunk), remaining);
    cmd->committed += len;
    remaining -= len;
    if (remaining > 0 && !cmd->reading)
      payload_request_chunk (self, cmd); /* read ahead while this chunk goes out */
    onemo_at_port_set_output (self, g_bytes_get_data (chunk, NULL), len, chunk);
    return;
  }
  if (!cmd->reading && cmd->next_chunk == NULL) {
    cmd->reading = TRUE;
    g_atomic_int_inc (&cmd->ref_count);
    g_input_stream_read_bytes_async (cmd->payload, (gsize)MIN (remaining, PAYLOAD_CHUNK),
                                     G_PRIORITY_DEFAULT, cmd->read_cancellable, payload_chunk_read,
                                     cmd);
  }
}

/* Raw mode: the payload (or, for a command its caller abandoned, padding) goes out. */
static void
payload_start_streaming (OnemoAtPort *self, Command *cmd)
{
  onemo_at_line_buffer_set_prompt_detection (self->lines, FALSE);
  cmd->stage = PAYLOAD_STREAMING;
  cmd->padding = cmd->task == NULL; /* abandoned before the prompt: let the module out again */
  onemo_at_port_set_deadline_ms (self, cmd->task != NULL ? cmd->timeout_ms
                                                         : MAX (cmd->timeout_ms, SETTLE_MS));
  if (cmd->length == 0) {
    payload_piece_done (self, cmd);
    return;
  }
  payload_request_chunk (self, cmd);
}

static void
payload_prompt (OnemoAtPort *self, Command *cmd)
{
  port_debug ("%s: <-- > (writing %" G_GUINT64_FORMAT " bytes)", self->name, cmd->length);
  payload_start_streaming (self, cmd);
}

static void
payload_ok_instead_of_prompt (OnemoAtPort *self, Command *cmd)
{
  port_debug ("%s: <-- OK instead of `>`: raw mode all the same, writing %" G_GUINT64_FORMAT
              " bytes",
              self->name, cmd->length);
  cmd->entered_without_prompt = TRUE;
  payload_start_streaming (self, cmd);
}

static const PayloadHooks payload_hooks = {
  .prompt = payload_prompt,
  .ok_instead_of_prompt = payload_ok_instead_of_prompt,
  .wrote = payload_wrote,
  .piece_done = payload_piece_done,
  .give_up = payload_give_up,
  .deadline = payload_deadline,
};

void
onemo_at_port_command_with_payload_async (OnemoAtPort *self, const char *command,
                                          GInputStream *payload, guint64 length, guint timeout_ms,
                                          OnemoAtPayloadProgress progress, gpointer progress_data,
                                          GCancellable *cancellable, GAsyncReadyCallback callback,
                                          gpointer user_data)
{
  GTask *task;
  Command *cmd;

  g_return_if_fail (ONEMO_IS_AT_PORT (self));
  g_return_if_fail (command != NULL);
  g_return_if_fail (G_IS_INPUT_STREAM (payload));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, onemo_at_port_command_with_payload_async);
  g_task_set_check_cancellable (task, FALSE);
  cmd = onemo_at_port_command_new (self, command, ONEMO_AT_COMMAND_FLAG_NONE, timeout_ms, task);
  cmd->payload = g_object_ref (payload);
  cmd->payload_hooks = &payload_hooks;
  cmd->length = length;
  cmd->progress = progress;
  cmd->progress_data = progress_data;
  cmd->read_cancellable = g_cancellable_new ();
  onemo_at_port_enqueue (self, cmd, cancellable);
}

gboolean
onemo_at_port_command_with_payload_finish (OnemoAtPort *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
