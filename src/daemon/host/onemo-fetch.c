/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host-side download, daemon side: spawns the fetch helper (src/fetch/), sends it the
 * request, stores the package it streams back into an anonymous file and checks it again (cap,
 * framing, time). The whole state belongs to the GTask; the fetch ends in exactly one place,
 * fetch_complete(), which kills the helper, and the caller hears the result only once the helper
 * is reaped and no read or write is in flight.
 */
#include "onemo-fetch.h"
#include "onemo-source.h"

#include "config.h"
#include "onemo-error.h"
#include "onemo-fetch-spawn.h"
#include "onemo-fetch-wire.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* The helper keeps its own clock (curl's); the daemon's is the backstop a little later. */
#define DEADLINE_GRACE_S 5

typedef struct {
  GTask *task; /* our reference, until the result is returned */
  GCancellable *cancellable;
  GCancellable *io; /* ours: stops the pipe reads and writes */
  GMainContext *context;
  GSubprocess *helper;
  GInputStream *from_helper;
  GBytes *request;
  OnemoFetchWireReader *reader;
  guint8 *buffer;
  GSource *cancel_source;
  GSource *deadline;
  guint pending; /* reads, writes and the wait for the helper still in flight */
  gboolean completing;
  gboolean ended; /* the helper sent END */
  GError *error;  /* the result, once completing */

  char *password; /* for redaction */
  guint64 max_size;
  guint timeout_s;
  OnemoFetchProgress progress;
  gpointer progress_data;

  /* The body so far. */
  int fd;
  guint64 size;
  guint64 total;
  guint64 next_report;
  guint64 reported_size;
  guint64 reported_total;
} Fetch;

typedef struct {
  int fd;
  guint64 size;
} FetchResult;

static void fetch_complete (Fetch *fetch, GError *error);

/* A pipe's or spawn's error, as the FAILED it is for the caller. */
static GError *
failed (const char *what, GError *error)
{
  GError *named = g_error_new (ONEMO_ERROR, ONEMO_ERROR_FAILED, "%s: %s", what, error->message);

  g_error_free (error);
  return named;
}
static void settle (Fetch *fetch);

static void
fetch_result_free (FetchResult *result)
{
  if (result->fd >= 0)
    close (result->fd);
  g_free (result);
}

static void
fetch_free (Fetch *fetch)
{
  g_assert (fetch->pending == 0 && fetch->cancel_source == NULL && fetch->deadline == NULL);
  g_main_context_unref (fetch->context);
  g_clear_object (&fetch->cancellable);
  g_clear_object (&fetch->io);
  g_clear_object (&fetch->helper);
  g_clear_pointer (&fetch->request, g_bytes_unref);
  g_clear_pointer (&fetch->reader, onemo_fetch_wire_reader_free);
  g_free (fetch->buffer);
  g_clear_error (&fetch->error);
  if (fetch->password != NULL)
    explicit_bzero (fetch->password, strlen (fetch->password));
  g_free (fetch->password);
  if (fetch->fd >= 0)
    close (fetch->fd);
  g_free (fetch);
}

static gboolean
is_cancelled (Fetch *fetch)
{
  return g_cancellable_is_cancelled (fetch->cancellable);
}

static GError *
cap_error (Fetch *fetch)
{
  return g_error_new (ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT,
                      "package larger than the cap of %" G_GUINT64_FORMAT " bytes",
                      fetch->max_size);
}

/* ---- the anonymous file ---- */

static int
open_anonymous_file (GError **error)
{
  int fd = memfd_create ("onemo-fetch", MFD_CLOEXEC);

  /* O_EXCL: this file can never be given a name later. */
  if (fd < 0)
    fd = open (g_get_tmp_dir (), O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_FAILED, "cannot make an anonymous file: %s",
                 g_strerror (errno));
  return fd;
}

static gboolean
write_all (int fd, const guint8 *bytes, gsize length, GError **error)
{
  while (length > 0) {
    gssize written = write (fd, bytes, length);

    if (written < 0 && errno == EINTR)
      continue;
    if (written <= 0) {
      g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_FAILED, "cannot store the package: %s",
                   written < 0 ? g_strerror (errno) : "no space");
      return FALSE;
    }
    bytes += written;
    length -= (gsize)written;
  }
  return TRUE;
}

/* ---- progress ---- */

/* Bytes between reports: 1 % of the total, at most 64 KiB. */
static guint64
progress_step (Fetch *fetch)
{
  if (fetch->total == 0)
    return ONEMO_FETCH_PROGRESS_MAX_STEP;
  return CLAMP (fetch->total / 100, 1, ONEMO_FETCH_PROGRESS_MAX_STEP);
}

static void
report (Fetch *fetch, guint64 total)
{
  fetch->reported_size = fetch->size;
  fetch->reported_total = total;
  if (fetch->progress != NULL && !is_cancelled (fetch))
    fetch->progress (fetch->size, total, fetch->progress_data);
}

/* Stores a piece of the body, cut at every report point so no two reports are further apart
 * than the step. */
static gboolean
store (Fetch *fetch, const guint8 *bytes, gsize length, GError **error)
{
  if (fetch->next_report == 0)
    fetch->next_report = progress_step (fetch);
  if (length > fetch->max_size - fetch->size) {
    g_propagate_error (error, cap_error (fetch));
    return FALSE;
  }
  while (length > 0 && !fetch->completing) {
    gsize piece = (gsize)MIN ((guint64)length, fetch->next_report - fetch->size);

    if (!write_all (fetch->fd, bytes, piece, error))
      return FALSE;
    fetch->size += piece;
    bytes += piece;
    length -= piece;
    if (fetch->size == fetch->next_report) {
      report (fetch, fetch->total);
      fetch->next_report += progress_step (fetch);
    }
  }
  return TRUE;
}

/* ---- the helper's frames ---- */

static guint64
read_be64 (const guint8 *bytes)
{
  guint64 value = 0;

  for (int i = 0; i < 8; i++)
    value = (value << 8) | bytes[i];
  return value;
}

static GError *
helper_error (Fetch *fetch, const guint8 *payload, gsize length)
{
  g_autofree char *text = g_utf8_make_valid ((const char *)payload + 1, (gssize)length - 1);
  g_autofree char *message = onemo_fetch_redact (text, fetch->password);
  int code = payload[0] < ONEMO_ERROR_N_CODES ? payload[0] : ONEMO_ERROR_FAILED;

  return g_error_new_literal (ONEMO_ERROR, code, message);
}

/* One frame; FALSE with @error when the fetch ends on it (an ERROR frame, a broken stream). */
static gboolean
take_frame (Fetch *fetch, OnemoFetchFrame type, const guint8 *payload, gsize length, GError **error)
{
  if (fetch->ended) {
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_FAILED, "the fetch helper spoke after its end");
    return FALSE;
  }
  switch (type) {
    case ONEMO_FETCH_FRAME_SIZE:
      fetch->total = read_be64 (payload);
      if (fetch->total > fetch->max_size) {
        g_propagate_error (error, cap_error (fetch));
        return FALSE;
      }
      return TRUE;
    case ONEMO_FETCH_FRAME_DATA:
      return store (fetch, payload, length, error);
    case ONEMO_FETCH_FRAME_END:
      fetch->ended = TRUE;
      return TRUE;
    case ONEMO_FETCH_FRAME_ERROR:
      g_propagate_error (error, helper_error (fetch, payload, length));
      return FALSE;
    default:
      g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_FAILED, "the fetch helper sent a request");
      return FALSE;
  }
}

static void read_more (Fetch *fetch);

static void
on_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Fetch *fetch = user_data;
  GError *error = NULL;
  gssize got = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  OnemoFetchFrame type;
  const guint8 *payload;
  gsize length;

  fetch->pending--;
  if (fetch->completing) {
    g_clear_error (&error);
    settle (fetch);
    return;
  }
  if (got < 0) {
    fetch_complete (fetch, failed ("cannot read from the fetch helper", error));
    return;
  }
  if (got == 0) {
    fetch_complete (fetch, fetch->ended
                               ? NULL
                               : g_error_new (ONEMO_ERROR, ONEMO_ERROR_FAILED,
                                              "the fetch helper stopped without a result"));
    return;
  }
  onemo_fetch_wire_reader_feed (fetch->reader, fetch->buffer, (gsize)got);
  /* A progress callback may have cancelled: stop at once rather than at the next dispatch. */
  while (!fetch->completing && !is_cancelled (fetch)
         && onemo_fetch_wire_reader_next (fetch->reader, &type, &payload, &length, &error)) {
    if (!take_frame (fetch, type, payload, length, &error))
      break;
  }
  if (error == NULL && is_cancelled (fetch))
    error = g_error_new (ONEMO_ERROR, ONEMO_ERROR_CANCELLED, "download cancelled");
  if (error != NULL)
    fetch_complete (fetch, error);
  else if (!fetch->completing)
    read_more (fetch);
}

static void
read_more (Fetch *fetch)
{
  fetch->pending++;
  g_input_stream_read_async (fetch->from_helper, fetch->buffer,
                             ONEMO_FETCH_WIRE_HEADER + ONEMO_FETCH_WIRE_MAX_DATA,
                             G_PRIORITY_DEFAULT, fetch->io, on_read, fetch);
}

static void
on_request_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Fetch *fetch = user_data;
  GError *error = NULL;

  fetch->pending--;
  /* End of file tells the helper the request is whole. */
  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error)
      || !g_output_stream_close (G_OUTPUT_STREAM (source), NULL, &error)) {
    fetch_complete (fetch, failed ("cannot send the fetch helper its request", error));
    return;
  }
  settle (fetch);
}

/* ---- the end ---- */

static void
return_result (Fetch *fetch)
{
  GTask *task = g_steal_pointer (&fetch->task);
  GError *error = g_steal_pointer (&fetch->error);
  FetchResult *result;

  /* The pipes close here, not whenever GLib's child watch drops its last reference. */
  if (fetch->helper != NULL) {
    g_output_stream_close (g_subprocess_get_stdin_pipe (fetch->helper), NULL, NULL);
    g_input_stream_close (fetch->from_helper, NULL, NULL);
  }

  if (error == NULL && is_cancelled (fetch))
    error = g_error_new (ONEMO_ERROR, ONEMO_ERROR_CANCELLED, "download cancelled");
  if (error == NULL && fetch->size == 0)
    error = g_error_new (ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT, "the package is empty");
  if (error == NULL && lseek (fetch->fd, 0, SEEK_SET) != 0)
    error = g_error_new (ONEMO_ERROR, ONEMO_ERROR_FAILED, "cannot rewind the package: %s",
                         g_strerror (errno));
  if (error != NULL) {
    g_task_return_error (task, error);
    g_object_unref (task);
    return;
  }
  /* The end, unless the last report said it already; a size unknown so far is known now. */
  fetch->total = fetch->size;
  if (fetch->reported_size != fetch->size || fetch->reported_total != fetch->total)
    report (fetch, fetch->total);
  result = g_new0 (FetchResult, 1);
  result->fd = fetch->fd;
  result->size = fetch->size;
  fetch->fd = -1;
  g_task_return_pointer (task, result, (GDestroyNotify)fetch_result_free);
  g_object_unref (task);
}

static void
on_reaped (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Fetch *fetch = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  fetch->pending--;
  settle (fetch);
}

/* Once completing, the last of what was in flight returns the result. */
static void
settle (Fetch *fetch)
{
  if (fetch->completing && fetch->pending == 0 && fetch->task != NULL)
    return_result (fetch);
}

/*
 * The one way out; the first call wins (@error, or NULL for success), later ones are dropped.
 * It stops everything: the timers go, the pipes' I/O is cancelled, the helper is killed (a
 * no-op once it has ended) and waited for, so that no zombie is left.
 */
static void
fetch_complete (Fetch *fetch, GError *error)
{
  if (fetch->completing) {
    g_clear_error (&error);
    return;
  }
  fetch->completing = TRUE;
  fetch->error = error;
  onemo_source_drop (&fetch->cancel_source);
  onemo_source_drop (&fetch->deadline);
  g_cancellable_cancel (fetch->io);
  if (fetch->helper != NULL) {
    g_subprocess_force_exit (fetch->helper);
    fetch->pending++;
    g_subprocess_wait_async (fetch->helper, NULL, on_reaped, fetch);
  }
  settle (fetch);
}

static gboolean
on_cancelled (GCancellable *cancellable, gpointer user_data)
{
  fetch_complete (user_data,
                  g_error_new (ONEMO_ERROR, ONEMO_ERROR_CANCELLED, "download cancelled"));
  return G_SOURCE_REMOVE;
}

static gboolean
on_deadline (gpointer user_data)
{
  Fetch *fetch = user_data;

  fetch_complete (fetch,
                  g_error_new (ONEMO_ERROR, ONEMO_ERROR_TIMEOUT,
                               "download timed out: not done within %u seconds", fetch->timeout_s));
  return G_SOURCE_REMOVE;
}

/* ---- the start ---- */

static GSource *
attach (Fetch *fetch, GSource *source, GSourceFunc callback, const char *name)
{
  g_source_set_callback (source, callback, fetch, NULL);
  g_source_set_static_name (source, name);
  g_source_attach (source, fetch->context);
  return source;
}

/* Sets the fetch going on the caller's context; FALSE with @error if it cannot. */
static gboolean
fetch_start (Fetch *fetch, const char *helper, GError **error)
{
  GOutputStream *to_helper;

  fetch->fd = open_anonymous_file (error);
  if (fetch->fd < 0)
    return FALSE;
  fetch->helper = onemo_fetch_spawn_helper (helper ? helper : ONEMO_FETCH_HELPER, error);
  if (fetch->helper == NULL)
    return FALSE;
  fetch->from_helper = g_subprocess_get_stdout_pipe (fetch->helper);
  to_helper = g_subprocess_get_stdin_pipe (fetch->helper);
  fetch->pending++;
  g_output_stream_write_all_async (to_helper, g_bytes_get_data (fetch->request, NULL),
                                   g_bytes_get_size (fetch->request), G_PRIORITY_DEFAULT, fetch->io,
                                   on_request_sent, fetch);
  read_more (fetch);
  if (fetch->cancellable != NULL)
    fetch->cancel_source = attach (fetch, g_cancellable_source_new (fetch->cancellable),
                                   G_SOURCE_FUNC (on_cancelled), "[onemo] fetch cancel");
  fetch->deadline
      = attach (fetch, g_timeout_source_new_seconds (fetch->timeout_s + DEADLINE_GRACE_S),
                on_deadline, "[onemo] fetch deadline");
  return TRUE;
}

static Fetch *
fetch_new (const char *url, const OnemoFetchOptions *options)
{
  Fetch *fetch = g_new0 (Fetch, 1);

  fetch->context = g_main_context_ref_thread_default ();
  fetch->io = g_cancellable_new ();
  fetch->reader = onemo_fetch_wire_reader_new ();
  fetch->buffer = g_malloc (ONEMO_FETCH_WIRE_HEADER + ONEMO_FETCH_WIRE_MAX_DATA);
  fetch->fd = -1;
  fetch->max_size = options && options->max_size ? options->max_size : ONEMO_FETCH_DEFAULT_MAX_SIZE;
  fetch->timeout_s
      = options && options->timeout_s ? options->timeout_s : ONEMO_FETCH_DEFAULT_TIMEOUT;
  fetch->password = options ? g_strdup (options->password) : NULL;
  fetch->request = onemo_fetch_request_frame (url, options, fetch->max_size, fetch->timeout_s);
  return fetch;
}

gboolean
onemo_fetch_validate_request (const char *url, const OnemoFetchOptions *options, GError **error)
{
  if (!onemo_fetch_validate_url (url, error))
    return FALSE;
  if (options == NULL)
    return TRUE;
  return onemo_fetch_validate_credential (options->user, "user name", error)
         && onemo_fetch_validate_credential (options->password, "password", error)
         && onemo_fetch_validate_ca (options->ca, error);
}

void
onemo_fetch_async (const char *url, const OnemoFetchOptions *options, OnemoFetchProgress progress,
                   gpointer progress_data, GCancellable *cancellable, GAsyncReadyCallback callback,
                   gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  GError *error = NULL;
  Fetch *fetch;

  g_task_set_source_tag (task, onemo_fetch_async);
  /* A helper that dies before reading its request must be an EPIPE, not the daemon's end (GDBus
   * does the same for its sockets). */
  signal (SIGPIPE, SIG_IGN);
  g_task_set_check_cancellable (task, FALSE); /* cancellation is ONEMO_ERROR_CANCELLED */
  if (!onemo_fetch_validate_request (url, options, &error)) {
    g_task_return_error (task, error);
    return;
  }
  if (g_cancellable_is_cancelled (cancellable)) {
    g_task_return_new_error (task, ONEMO_ERROR, ONEMO_ERROR_CANCELLED, "download cancelled");
    return;
  }
  fetch = fetch_new (url, options);
  fetch->progress = progress;
  fetch->progress_data = progress_data;
  fetch->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  g_task_set_task_data (task, fetch, (GDestroyNotify)fetch_free);
  fetch->task = g_object_ref (task);
  if (!fetch_start (fetch, options ? options->helper : NULL, &error))
    fetch_complete (fetch, error);
}

int
onemo_fetch_finish (GAsyncResult *result, guint64 *out_size, GError **error)
{
  FetchResult *fetched;
  int fd;

  g_return_val_if_fail (g_task_is_valid (result, NULL), -1);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == onemo_fetch_async, -1);

  fetched = g_task_propagate_pointer (G_TASK (result), error);
  if (fetched == NULL) {
    onemo_error_normalize (error);
    return -1;
  }
  fd = fetched->fd;
  fetched->fd = -1;
  if (out_size != NULL)
    *out_size = fetched->size;
  fetch_result_free (fetched);
  return fd;
}
