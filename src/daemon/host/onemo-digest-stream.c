/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "onemo-digest-stream.h"

struct _OnemoDigestStream {
  GInputStream parent_instance;
  GInputStream *base;
  GChecksum *sha256;
};

G_DEFINE_FINAL_TYPE (OnemoDigestStream, onemo_digest_stream, G_TYPE_INPUT_STREAM)

static gssize
digest_stream_read (GInputStream *stream, void *buffer, gsize count, GCancellable *cancellable,
                    GError **error)
{
  OnemoDigestStream *self = ONEMO_DIGEST_STREAM (stream);
  gssize n = g_input_stream_read (self->base, buffer, count, cancellable, error);

  if (n > 0)
    g_checksum_update (self->sha256, buffer, n);
  return n;
}

static void
digest_stream_base_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  OnemoDigestStream *self = g_task_get_source_object (task);
  GError *error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);

  if (n < 0) {
    g_task_return_error (task, error);
    return;
  }
  g_checksum_update (self->sha256, g_task_get_task_data (task), n);
  g_task_return_int (task, n);
}

/* The base stream's own read_async (the package stream reads in a thread of its own). */
static void
digest_stream_read_async (GInputStream *stream, void *buffer, gsize count, int io_priority,
                          GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data)
{
  OnemoDigestStream *self = ONEMO_DIGEST_STREAM (stream);
  GTask *task = g_task_new (stream, cancellable, callback, user_data);

  g_task_set_task_data (task, buffer, NULL);
  g_input_stream_read_async (self->base, buffer, count, io_priority, cancellable,
                             digest_stream_base_read, task);
}

static gssize
digest_stream_read_finish (GInputStream *stream, GAsyncResult *result, GError **error)
{
  return g_task_propagate_int (G_TASK (result), error);
}

static gboolean
digest_stream_close (GInputStream *stream, GCancellable *cancellable, GError **error)
{
  return g_input_stream_close (ONEMO_DIGEST_STREAM (stream)->base, cancellable, error);
}

static void
digest_stream_close_async (GInputStream *stream, int io_priority, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (stream, cancellable, callback, user_data);
  GError *error = NULL;

  if (digest_stream_close (stream, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static gboolean
digest_stream_close_finish (GInputStream *stream, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
onemo_digest_stream_finalize (GObject *object)
{
  OnemoDigestStream *self = ONEMO_DIGEST_STREAM (object);

  g_clear_object (&self->base);
  g_checksum_free (self->sha256);
  G_OBJECT_CLASS (onemo_digest_stream_parent_class)->finalize (object);
}

static void
onemo_digest_stream_class_init (OnemoDigestStreamClass *klass)
{
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = onemo_digest_stream_finalize;
  stream_class->read_fn = digest_stream_read;
  stream_class->read_async = digest_stream_read_async;
  stream_class->read_finish = digest_stream_read_finish;
  stream_class->close_fn = digest_stream_close;
  stream_class->close_async = digest_stream_close_async;
  stream_class->close_finish = digest_stream_close_finish;
}

static void
onemo_digest_stream_init (OnemoDigestStream *self)
{
  self->sha256 = g_checksum_new (G_CHECKSUM_SHA256);
}

GInputStream *
onemo_digest_stream_new (GInputStream *base)
{
  OnemoDigestStream *self = g_object_new (ONEMO_TYPE_DIGEST_STREAM, NULL);

  self->base = base;
  return G_INPUT_STREAM (self);
}

char *
onemo_digest_stream_get_sha256 (OnemoDigestStream *self)
{
  return g_strdup (g_checksum_get_string (self->sha256));
}
