/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "onemo-at-writer.h"

#include "onemo-at-command.h"
#include "onemo-error.h"

/* Hex mode reads the source in blocks this large and slices them into 512-byte commands; the
 * next block is requested while fewer than LOW_WATER bytes remain, so the port never waits on
 * the disk between two commands. */
#define READ_BLOCK (64 * 1024)
#define LOW_WATER  (32 * 1024)

typedef struct {
  OnemoAtPort *port;
  GInputStream *source;
  guint64 offset;
  guint64 length;
  guint timeout_ms;
  OnemoAtPayloadProgress progress;
  gpointer progress_data;

  GByteArray *buffer; /* read from the source; bytes before `start` are already sent */
  gsize start;
  guint64 read_total; /* bytes taken from the source so far */
  guint64 written;    /* bytes the module has confirmed */
  gsize in_flight;    /* bytes of the command on the wire, 0 when none */
  gboolean reading;   /* a block read is pending */
  gboolean finished;  /* the task has returned; a late read must not touch it again */
  GString *command;   /* reused for every hex command */
} WriteData;

static void
write_data_free (WriteData *data)
{
  g_clear_object (&data->port);
  g_clear_object (&data->source);
  g_clear_pointer (&data->buffer, g_byte_array_unref);
  if (data->command != NULL)
    g_string_free (data->command, TRUE);
  g_free (data);
}

static void hex_pump (GTask *task);

static void
hex_fail (GTask *task, GError *error)
{
  WriteData *data = g_task_get_task_data (task);

  onemo_error_normalize (&error);
  if (data->finished) {
    g_error_free (error);
    return;
  }
  data->finished = TRUE;
  g_task_return_error (task, error);
}

static void
hex_read_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  WriteData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) block
      = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);

  data->reading = FALSE;
  if (data->finished)
    return;
  if (block == NULL) {
    hex_fail (task, g_steal_pointer (&error));
    return;
  }
  if (g_bytes_get_size (block) == 0) {
    hex_fail (task, g_error_new (ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT,
                                 "The package ended after %" G_GUINT64_FORMAT
                                 " of %" G_GUINT64_FORMAT " bytes",
                                 data->read_total, data->length));
    return;
  }
  /* Compact only here, once per block, rather than moving the buffer after every command. */
  g_byte_array_remove_range (data->buffer, 0, (guint)data->start);
  data->start = 0;
  g_byte_array_append (data->buffer, g_bytes_get_data (block, NULL), g_bytes_get_size (block));
  data->read_total += g_bytes_get_size (block);
  hex_pump (task);
}

static void
hex_maybe_read (GTask *task)
{
  WriteData *data = g_task_get_task_data (task);
  guint64 unread = data->length - data->read_total;

  if (data->reading || unread == 0 || data->buffer->len - data->start >= LOW_WATER)
    return;
  data->reading = TRUE;
  g_input_stream_read_bytes_async (data->source, (gsize)MIN (unread, READ_BLOCK),
                                   G_PRIORITY_DEFAULT, g_task_get_cancellable (task), hex_read_done,
                                   g_object_ref (task));
}

static void
hex_command_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  WriteData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) lines = onemo_at_port_command_finish (ONEMO_AT_PORT (object), result, &error);

  if (lines == NULL) {
    hex_fail (task, g_steal_pointer (&error));
    return;
  }
  data->start += data->in_flight;
  data->written += data->in_flight;
  data->in_flight = 0;
  if (data->progress != NULL)
    data->progress (data->port, data->written, data->length, data->progress_data);
  hex_pump (task);
}

/* Sends the next chunk if its bytes are at hand, and keeps the read-ahead going. */
static void
hex_pump (GTask *task)
{
  WriteData *data = g_task_get_task_data (task);
  gsize chunk;

  if (data->finished || data->in_flight > 0)
    return;
  if (data->written == data->length) {
    data->finished = TRUE;
    g_task_return_boolean (task, TRUE);
    return;
  }
  chunk = (gsize)MIN (data->length - data->written, ONEMO_AT_HEX_CHUNK);
  if (data->buffer->len - data->start >= chunk) {
    onemo_at_build_dload_hex (data->command, data->offset + data->written,
                              data->buffer->data + data->start, chunk);
    data->in_flight = chunk;
    onemo_at_port_command_async (data->port, data->command->str, ONEMO_AT_COMMAND_FLAG_NONE,
                                 data->timeout_ms, g_task_get_cancellable (task), hex_command_done,
                                 g_object_ref (task));
  }
  hex_maybe_read (task);
}

static void
transparent_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  if (onemo_at_port_command_with_payload_finish (ONEMO_AT_PORT (object), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
onemo_at_write_package_async (OnemoAtPort *port, GInputStream *source, guint64 offset,
                              guint64 length, OnemoAtWriteMode mode, guint timeout_ms,
                              OnemoAtPayloadProgress progress, gpointer progress_data,
                              GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  WriteData *data;

  g_return_if_fail (ONEMO_IS_AT_PORT (port));
  g_return_if_fail (G_IS_INPUT_STREAM (source));

  task = g_task_new (port, cancellable, callback, user_data);
  g_task_set_source_tag (task, onemo_at_write_package_async);

  if (length == 0) {
    g_task_return_new_error (task, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT,
                             "An empty package cannot be written");
    return;
  }

  if (mode == ONEMO_AT_WRITE_TRANSPARENT) {
    g_autofree char *command = onemo_at_build_dload_transparent (offset, length);
    onemo_at_port_command_with_payload_async (port, command, source, length, timeout_ms, progress,
                                              progress_data, cancellable, transparent_done,
                                              g_steal_pointer (&task));
    return;
  }

  data = g_new0 (WriteData, 1);
  data->port = g_object_ref (port);
  data->source = g_object_ref (source);
  data->offset = offset;
  data->length = length;
  data->timeout_ms = timeout_ms;
  data->progress = progress;
  data->progress_data = progress_data;
  data->buffer = g_byte_array_sized_new (READ_BLOCK + LOW_WATER);
  data->command = g_string_sized_new (32 + 2 * ONEMO_AT_HEX_CHUNK);
  g_task_set_task_data (task, data, (GDestroyNotify)write_data_free);
  hex_pump (task);
}

gboolean
onemo_at_write_package_finish (OnemoAtPort *port, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, port), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
