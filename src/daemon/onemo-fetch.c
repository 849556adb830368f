/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host-side download: one libcurl easy handle driven on the caller's main context
 * (onemo-curl-loop.c), writing into an anonymous file. The whole state belongs to the GTask;
 * the transfer ends in exactly one place, fetch_complete(), which removes every source first.
 */
#include "onemo-fetch.h"
#include "onemo-fetch-private.h"

#include "config.h"
#include "onemo-curl-loop.h"
#include "onemo-error.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define ALLOWED_PROTOCOLS "http,https,ftp,ftps"

typedef struct {
  GTask *task; /* our reference, until fetch_complete() */
  GCancellable *cancellable;
  GMainContext *context;
  CURL *easy;
  OnemoCurlLoop *loop;
  GSource *cancel_source;
  char error_buffer[CURL_ERROR_SIZE];

  /* The request, copied. */
  char *url;
  char *user;
  char *password;
  char *ca_file;
  gboolean explicit_tls;
  guint64 max_size;
  guint connect_timeout_s;
  OnemoFetchProgress progress;
  gpointer progress_data;

  /* The body so far. */
  int fd;
  guint64 size;
  guint64 total;
  guint64 next_report;
  guint64 reported_size;
  guint64 reported_total;
  gboolean too_big;
  GError *sink_error;
} Fetch;

typedef struct {
  int fd;
  guint64 size;
} FetchResult;

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
  g_assert (fetch->loop == NULL && fetch->cancel_source == NULL);
  if (fetch->easy != NULL)
    curl_easy_cleanup (fetch->easy);
  g_main_context_unref (fetch->context);
  g_clear_object (&fetch->cancellable);
  g_free (fetch->url);
  g_free (fetch->user);
  if (fetch->password != NULL)
    explicit_bzero (fetch->password, strlen (fetch->password));
  g_free (fetch->password);
  g_free (fetch->ca_file);
  if (fetch->fd >= 0)
    close (fetch->fd);
  g_clear_error (&fetch->sink_error);
  g_free (fetch);
}

static GError *
transfer_error (Fetch *fetch, CURLcode code)
{
  const char *detail
      = fetch->error_buffer[0] != '\0' ? fetch->error_buffer : curl_easy_strerror (code);
  g_autofree char *message = onemo_fetch_redact (detail, fetch->password);

  if (fetch->sink_error != NULL)
    return g_error_copy (fetch->sink_error);
  if (fetch->too_big || code == CURLE_FILESIZE_EXCEEDED)
    return g_error_new (ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT,
                        "package larger than the cap of %" G_GUINT64_FORMAT " bytes",
                        fetch->max_size);
  if (code == CURLE_UNSUPPORTED_PROTOCOL)
    return g_error_new (ONEMO_ERROR, ONEMO_ERROR_DOWNLOAD,
                        "download refused: only http, https, ftp and ftps are followed (%s)",
                        message);
  if (code == CURLE_OPERATION_TIMEDOUT)
    return g_error_new (ONEMO_ERROR, ONEMO_ERROR_TIMEOUT, "download timed out: %s", message);
  return g_error_new (ONEMO_ERROR, ONEMO_ERROR_DOWNLOAD, "download failed: %s", message);
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
write_all (int fd, const char *bytes, gsize length, GError **error)
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

static gboolean
is_cancelled (Fetch *fetch)
{
  return g_cancellable_is_cancelled (fetch->cancellable);
}

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

/* The size the server announced, if it did, learnt with the first bytes. */
static void
learn_total (Fetch *fetch)
{
  curl_off_t length = -1;

  if (curl_easy_getinfo (fetch->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length) == CURLE_OK
      && length > 0)
    fetch->total = (guint64)length;
  fetch->next_report = progress_step (fetch);
}

/* Stores a piece of the body, cut at every report point so no two reports are further apart
 * than the step. */
static size_t
on_body (char *bytes, size_t size, size_t count, void *user_data)
{
  Fetch *fetch = user_data;
  gsize length = size * count;
  gsize left = length;

  if (is_cancelled (fetch))
    return 0;
  if (fetch->next_report == 0)
    learn_total (fetch);
  if (length > fetch->max_size - fetch->size) {
    fetch->too_big = TRUE;
    return 0;
  }
  while (left > 0) {
    gsize piece = (gsize)MIN ((guint64)left, fetch->next_report - fetch->size);

    if (!write_all (fetch->fd, bytes, piece, &fetch->sink_error))
      return 0;
    fetch->size += piece;
    bytes += piece;
    left -= piece;
    if (fetch->size == fetch->next_report) {
      report (fetch, fetch->total);
      fetch->next_report += progress_step (fetch);
    }
  }
  return is_cancelled (fetch) ? 0 : length;
}

/* curl calls this often, also while waiting: the place to notice a cancellation. */
static int
on_curl_progress (void *user_data, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                  curl_off_t ulnow)
{
  return is_cancelled (user_data) ? 1 : 0;
}

/* ---- the transfer ---- */

static void
set_protocols (CURL *easy)
{
#if LIBCURL_VERSION_NUM >= 0x075500
  curl_easy_setopt (easy, CURLOPT_PROTOCOLS_STR, ALLOWED_PROTOCOLS);
  curl_easy_setopt (easy, CURLOPT_REDIR_PROTOCOLS_STR, ALLOWED_PROTOCOLS);
#else
  long allowed = CURLPROTO_HTTP | CURLPROTO_HTTPS | CURLPROTO_FTP | CURLPROTO_FTPS;

  curl_easy_setopt (easy, CURLOPT_PROTOCOLS, allowed);
  curl_easy_setopt (easy, CURLOPT_REDIR_PROTOCOLS, allowed);
#endif
}

static void
set_options (Fetch *fetch)
{
  CURL *easy = fetch->easy;
  long timeout = (long)fetch->connect_timeout_s;

  curl_easy_setopt (easy, CURLOPT_URL, fetch->url);
  set_protocols (easy);
  curl_easy_setopt (easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (easy, CURLOPT_ERRORBUFFER, fetch->error_buffer);
  curl_easy_setopt (easy, CURLOPT_USERAGENT, PACKAGE_NAME "/" PACKAGE_VERSION);
  curl_easy_setopt (easy, CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt (easy, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt (easy, CURLOPT_MAXREDIRS, (long)ONEMO_FETCH_MAX_REDIRECTS);
  curl_easy_setopt (easy, CURLOPT_CONNECTTIMEOUT, timeout);
  curl_easy_setopt (easy, CURLOPT_SERVER_RESPONSE_TIMEOUT, timeout);
  /* A server silent for as long as we would wait for a connection has gone. */
  curl_easy_setopt (easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt (easy, CURLOPT_LOW_SPEED_TIME, timeout);
  curl_easy_setopt (easy, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt (easy, CURLOPT_SSL_VERIFYHOST, 2L);
  if (fetch->ca_file != NULL) {
    /* The caller's bundle replaces the system's CAs rather than adding to them. */
    curl_easy_setopt (easy, CURLOPT_CAINFO, fetch->ca_file);
    curl_easy_setopt (easy, CURLOPT_CAPATH, NULL);
  }
  if (fetch->explicit_tls)
    curl_easy_setopt (easy, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
  if (fetch->user != NULL) {
    curl_easy_setopt (easy, CURLOPT_USERNAME, fetch->user);
    curl_easy_setopt (easy, CURLOPT_PASSWORD, fetch->password ? fetch->password : "");
  }
  curl_easy_setopt (easy, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)fetch->max_size);
  curl_easy_setopt (easy, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt (easy, CURLOPT_WRITEDATA, fetch);
  curl_easy_setopt (easy, CURLOPT_XFERINFOFUNCTION, on_curl_progress);
  curl_easy_setopt (easy, CURLOPT_XFERINFODATA, fetch);
  curl_easy_setopt (easy, CURLOPT_NOPROGRESS, 0L);
}

/* The one way out: every source goes before the result is handed over. */
static void
fetch_complete (Fetch *fetch, GError *error)
{
  GTask *task = g_steal_pointer (&fetch->task);
  FetchResult *result;

  g_return_if_fail (task != NULL);
  g_clear_pointer (&fetch->loop, onemo_curl_loop_free);
  if (fetch->cancel_source != NULL) {
    g_source_destroy (fetch->cancel_source);
    g_clear_pointer (&fetch->cancel_source, g_source_unref);
  }
  if (error == NULL && fetch->size == 0)
    error = g_error_new (ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT, "the package is empty");
  if (error == NULL && lseek (fetch->fd, 0, SEEK_SET) != 0)
    error = g_error_new (ONEMO_ERROR, ONEMO_ERROR_FAILED, "cannot rewind the package: %s",
                         g_strerror (errno));
  if (error == NULL && is_cancelled (fetch))
    error = g_error_new (ONEMO_ERROR, ONEMO_ERROR_CANCELLED, "download cancelled");
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
on_transfer_done (CURLcode code, gpointer user_data)
{
  Fetch *fetch = user_data;

  if (is_cancelled (fetch))
    fetch_complete (fetch, g_error_new (ONEMO_ERROR, ONEMO_ERROR_CANCELLED, "download cancelled"));
  else if (code != CURLE_OK)
    fetch_complete (fetch, transfer_error (fetch, code));
  else
    fetch_complete (fetch, NULL);
}

static gboolean
on_cancelled (GCancellable *cancellable, gpointer user_data)
{
  fetch_complete (user_data,
                  g_error_new (ONEMO_ERROR, ONEMO_ERROR_CANCELLED, "download cancelled"));
  return G_SOURCE_REMOVE;
}

static gpointer
init_curl_once (gpointer unused)
{
  return GINT_TO_POINTER (curl_global_init (CURL_GLOBAL_DEFAULT) == CURLE_OK);
}

static Fetch *
fetch_new (const char *url, const OnemoFetchOptions *options)
{
  Fetch *fetch = g_new0 (Fetch, 1);
  gboolean ftps = g_ascii_strncasecmp (url, "ftps://", 7) == 0;

  fetch->context = g_main_context_ref_thread_default ();
  fetch->fd = -1;
  /* ftps:// is explicit FTPS; curl would read it as implicit, so it gets ftp:// + AUTH TLS. */
  fetch->explicit_tls = ftps;
  fetch->url = ftps ? g_strconcat ("ftp", url + 4, NULL) : g_strdup (url);
  fetch->max_size = ONEMO_FETCH_DEFAULT_MAX_SIZE;
  fetch->connect_timeout_s = ONEMO_FETCH_DEFAULT_CONNECT_TIMEOUT;
  if (options != NULL) {
    fetch->user = g_strdup (options->user);
    fetch->password = g_strdup (options->password);
    fetch->ca_file = g_strdup (options->ca_file);
    if (options->max_size > 0)
      fetch->max_size = options->max_size;
    if (options->connect_timeout_s > 0)
      fetch->connect_timeout_s = options->connect_timeout_s;
  }
  return fetch;
}

/* Sets the transfer going on the caller's context; FALSE with @error if it cannot. */
static gboolean
fetch_start (Fetch *fetch, GCancellable *cancellable, GError **error)
{
  static GOnce curl_once = G_ONCE_INIT;
  CURLMcode code = CURLM_OK;

  if (!GPOINTER_TO_INT (g_once (&curl_once, init_curl_once, NULL))
      || (fetch->easy = curl_easy_init ()) == NULL) {
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_FAILED, "cannot initialise libcurl");
    return FALSE;
  }
  fetch->fd = open_anonymous_file (error);
  if (fetch->fd < 0)
    return FALSE;
  set_options (fetch);
  fetch->loop = onemo_curl_loop_start (fetch->easy, fetch->context, on_transfer_done, fetch, &code);
  if (fetch->loop == NULL) {
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_FAILED, "cannot start libcurl: %s",
                 curl_multi_strerror (code));
    return FALSE;
  }
  if (cancellable != NULL) {
    fetch->cancel_source = g_cancellable_source_new (cancellable);
    g_source_set_callback (fetch->cancel_source, G_SOURCE_FUNC (on_cancelled), fetch, NULL);
    g_source_set_static_name (fetch->cancel_source, "[onemo] fetch cancel");
    g_source_attach (fetch->cancel_source, fetch->context);
  }
  return TRUE;
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
  if (!fetch_start (fetch, cancellable, &error))
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
