/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "onemo-package-stream.h"

#include <errno.h>
#include <unistd.h>

struct _OnemoPackageStream {
  GInputStream parent_instance;
  int fd;
  guint64 position;
};

G_DEFINE_FINAL_TYPE (OnemoPackageStream, onemo_package_stream, G_TYPE_INPUT_STREAM)

GInputStream *
onemo_package_stream_new (int fd, guint64 offset)
{
  OnemoPackageStream *self = g_object_new (ONEMO_TYPE_PACKAGE_STREAM, NULL);

  self->fd = fd;
  self->position = offset;
  return G_INPUT_STREAM (self);
}

static gssize
package_stream_read (GInputStream *stream, void *buffer, gsize count, GCancellable *cancellable,
                     GError **error)
{
  OnemoPackageStream *self = ONEMO_PACKAGE_STREAM (stream);
  gssize n;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return -1;
  do
    n = pread (self->fd, buffer, count, (off_t)self->position);
  while (n < 0 && errno == EINTR);
  if (n < 0) {
    int saved = errno;
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "Reading the package: %s",
                 g_strerror (saved));
    return -1;
  }
  self->position += n;
  return n;
}

/* Reads at once; GTask delivers the result from the main loop, never from this call. */
static void
package_stream_read_async (GInputStream *stream, void *buffer, gsize count, int io_priority,
                           GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (stream, cancellable, callback, user_data);
  GError *error = NULL;
  gssize n;

  g_task_set_source_tag (task, package_stream_read_async);
  n = package_stream_read (stream, buffer, count, cancellable, &error);
  if (n < 0)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, n);
}

static gssize
package_stream_read_finish (GInputStream *stream, GAsyncResult *result, GError **error)
{
  return g_task_propagate_int (G_TASK (result), error);
}

static gboolean
package_stream_close (GInputStream *stream, GCancellable *cancellable, GError **error)
{
  OnemoPackageStream *self = ONEMO_PACKAGE_STREAM (stream);

  if (self->fd >= 0)
    close (self->fd);
  self->fd = -1;
  return TRUE;
}

static void
package_stream_close_async (GInputStream *stream, int io_priority, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (stream, cancellable, callback, user_data);

  package_stream_close (stream, cancellable, NULL);
  g_task_return_boolean (task, TRUE);
}

static gboolean
package_stream_close_finish (GInputStream *stream, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
onemo_package_stream_finalize (GObject *object)
{
  OnemoPackageStream *self = ONEMO_PACKAGE_STREAM (object);

  if (self->fd >= 0)
    close (self->fd);
  G_OBJECT_CLASS (onemo_package_stream_parent_class)->finalize (object);
}

static void
onemo_package_stream_class_init (OnemoPackageStreamClass *klass)
{
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = onemo_package_stream_finalize;
  stream_class->read_fn = package_stream_read;
  stream_class->read_async = package_stream_read_async;
  stream_class->read_finish = package_stream_read_finish;
  stream_class->close_fn = package_stream_close;
  stream_class->close_async = package_stream_close_async;
  stream_class->close_finish = package_stream_close_finish;
}

static void
onemo_package_stream_init (OnemoPackageStream *self)
{
  self->fd = -1;
}
