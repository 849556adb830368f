/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "onemo-package-stream.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

/* The caller's fd, shared by the stream and the reads in flight: closed when all let go, so
 * that a read still blocked in its thread never reads a number the daemon has reused. */
typedef struct {
  int fd;
} PackageFd;

static void
package_fd_clear (PackageFd *shared)
{
  if (shared->fd >= 0)
    close (shared->fd);
}

static void
package_fd_release (PackageFd *shared)
{
  g_atomic_rc_box_release_full (shared, (GDestroyNotify)package_fd_clear);
}

/* One asynchronous read: the thread fills its own buffer, and the main thread copies it to the
 * caller's in read_finish, so a read the caller gave up on never writes freed memory. */
typedef struct {
  PackageFd *fd;
  guint64 position;
  gsize count;
  guint8 *data;
  void *caller_buffer;
  GCancellable *cancellable;
  gulong cancel_id;
  int settled; /* atomic: the task was returned, by the thread or by the cancellation */
} ReadRequest;

static void
read_request_free (ReadRequest *request)
{
  package_fd_release (request->fd);
  g_free (request->data);
  g_clear_object (&request->cancellable);
  g_free (request);
}

struct _OnemoPackageStream {
  GInputStream parent_instance;
  PackageFd *fd;
  guint64 position;
  GAsyncQueue *reads; /* of GTask, for the reader thread; NULL until the first read_async */
  GChecksum *sha256;  /* of the bytes read so far; updated as they are handed over */
};

G_DEFINE_FINAL_TYPE (OnemoPackageStream, onemo_package_stream, G_TYPE_INPUT_STREAM)

/* Tells the reader thread to end once the reads before it are done. */
static char reader_stop;

GInputStream *
onemo_package_stream_new (int fd, guint64 offset)
{
  OnemoPackageStream *self = g_object_new (ONEMO_TYPE_PACKAGE_STREAM, NULL);

  self->fd = g_atomic_rc_box_new0 (PackageFd);
  self->fd->fd = fd;
  self->position = offset;
  return G_INPUT_STREAM (self);
}

static gssize
pread_package (int fd, void *buffer, gsize count, guint64 position, GError **error)
{
  gssize n;

  do
    n = pread (fd, buffer, count, (off_t)position);
  while (n < 0 && errno == EINTR);
  if (n < 0) {
    int saved = errno;
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "Reading the package: %s",
                 g_strerror (saved));
  }
  return n;
}

static gssize
package_stream_read (GInputStream *stream, void *buffer, gsize count, GCancellable *cancellable,
                     GError **error)
{
  OnemoPackageStream *self = ONEMO_PACKAGE_STREAM (stream);
  gssize n;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return -1;
  n = pread_package (self->fd->fd, buffer, count, self->position, error);
  if (n > 0) {
    g_checksum_update (self->sha256, buffer, n);
    self->position += n;
  }
  return n;
}

/* ---- The reader thread ---- */

static void
reader_serve (GTask *task)
{
  ReadRequest *request = g_task_get_task_data (task);
  GError *error = NULL;
  gssize n
      = pread_package (request->fd->fd, request->data, request->count, request->position, &error);

  if (!g_atomic_int_compare_and_exchange (&request->settled, 0, 1)) {
    g_clear_error (&error); /* cancelled meanwhile: the caller has its answer */
    return;
  }
  if (n < 0)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, n);
}

static gpointer
reader_thread (gpointer data)
{
  GAsyncQueue *reads = data;
  gpointer item;

  while ((item = g_async_queue_pop (reads)) != &reader_stop) {
    reader_serve (item);
    g_object_unref (item);
  }
  g_async_queue_unref (reads);
  return NULL;
}

static gboolean
package_stream_start_reader (OnemoPackageStream *self, GError **error)
{
  g_autoptr (GThread) thread = NULL;

  if (self->reads != NULL)
    return TRUE;
  self->reads = g_async_queue_new ();
  thread = g_thread_try_new ("package-read", reader_thread, g_async_queue_ref (self->reads), error);
  if (thread == NULL) {
    g_async_queue_unref (self->reads); /* the thread's reference */
    g_clear_pointer (&self->reads, g_async_queue_unref);
    return FALSE;
  }
  return TRUE;
}

static void
package_stream_stop_reader (OnemoPackageStream *self)
{
  if (self->reads == NULL)
    return;
  g_async_queue_push (self->reads, &reader_stop);
  g_clear_pointer (&self->reads, g_async_queue_unref);
}

/* ---- Asynchronous reads, off the main loop ---- */

/* On the caller's thread: a read that never returns must not hold the caller. */
static void
read_cancelled (GCancellable *cancellable, gpointer user_data)
{
  GTask *task = user_data;
  ReadRequest *request = g_task_get_task_data (task);

  if (g_atomic_int_compare_and_exchange (&request->settled, 0, 1))
    g_task_return_error_if_cancelled (task);
}

static void
package_stream_read_async (GInputStream *stream, void *buffer, gsize count, int io_priority,
                           GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data)
{
  OnemoPackageStream *self = ONEMO_PACKAGE_STREAM (stream);
  g_autoptr (GTask) task = g_task_new (stream, cancellable, callback, user_data);
  ReadRequest *request;
  GError *error = NULL;

  g_task_set_source_tag (task, package_stream_read_async);
  g_task_set_check_cancellable (task, FALSE);
  if (g_cancellable_set_error_if_cancelled (cancellable, &error)
      || !package_stream_start_reader (self, &error)) {
    g_task_return_error (task, error);
    return;
  }
  request = g_new0 (ReadRequest, 1);
  request->fd = g_atomic_rc_box_acquire (self->fd);
  request->position = self->position;
  request->count = count;
  request->data = g_malloc (MAX (count, 1));
  request->caller_buffer = buffer;
  g_task_set_task_data (task, request, (GDestroyNotify)read_request_free);
  if (cancellable != NULL) {
    request->cancellable = g_object_ref (cancellable);
    request->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (read_cancelled),
                                                g_object_ref (task), g_object_unref);
  }
  g_async_queue_push (self->reads, g_steal_pointer (&task));
}

static gssize
package_stream_read_finish (GInputStream *stream, GAsyncResult *result, GError **error)
{
  OnemoPackageStream *self = ONEMO_PACKAGE_STREAM (stream);
  ReadRequest *request = g_task_get_task_data (G_TASK (result));
  gssize n;

  if (request != NULL && request->cancel_id != 0) {
    /* Drops the handler's reference to the task. */
    g_cancellable_disconnect (request->cancellable, request->cancel_id);
    request->cancel_id = 0;
  }
  n = g_task_propagate_int (G_TASK (result), error);
  if (n > 0) {
    memcpy (request->caller_buffer, request->data, n);
    g_checksum_update (self->sha256, request->data, n);
    self->position += n;
  }
  return n;
}

/* ---- Closing ---- */

static gboolean
package_stream_close (GInputStream *stream, GCancellable *cancellable, GError **error)
{
  OnemoPackageStream *self = ONEMO_PACKAGE_STREAM (stream);

  package_stream_stop_reader (self);
  g_clear_pointer (&self->fd, package_fd_release);
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

  package_stream_stop_reader (self);
  g_clear_pointer (&self->fd, package_fd_release);
  g_checksum_free (self->sha256);
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
  self->sha256 = g_checksum_new (G_CHECKSUM_SHA256);
}

char *
onemo_package_stream_get_sha256 (OnemoPackageStream *self)
{
  return g_strdup (g_checksum_get_string (self->sha256));
}

/* ---- A whole file's digest ---- */

#define DIGEST_BLOCK 16384

typedef struct {
  GInputStream *stream; /* an OnemoPackageStream */
  guint8 buffer[DIGEST_BLOCK];
} PackageDigest;

static void
package_digest_free (PackageDigest *digest)
{
  g_object_unref (digest->stream);
  g_free (digest);
}

static void package_digest_next (GTask *task);

static void
package_digest_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  PackageDigest *digest = g_task_get_task_data (task);
  GError *error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);

  if (n < 0)
    g_task_return_error (task, error);
  else if (n == 0)
    g_task_return_pointer (
        task, onemo_package_stream_get_sha256 (ONEMO_PACKAGE_STREAM (digest->stream)), g_free);
  else
    package_digest_next (g_steal_pointer (&task));
}

static void
package_digest_next (GTask *task)
{
  PackageDigest *digest = g_task_get_task_data (task);

  g_input_stream_read_async (digest->stream, digest->buffer, sizeof digest->buffer,
                             G_PRIORITY_DEFAULT, g_task_get_cancellable (task), package_digest_read,
                             task);
}

void
onemo_package_digest_async (int fd, GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  PackageDigest *digest = g_new0 (PackageDigest, 1);

  g_task_set_source_tag (task, onemo_package_digest_async);
  digest->stream = onemo_package_stream_new (fd, 0);
  g_task_set_task_data (task, digest, (GDestroyNotify)package_digest_free);
  package_digest_next (task);
}

char *
onemo_package_digest_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
