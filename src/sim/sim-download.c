/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A module-side download: libcurl's blocking easy interface in a worker thread of its own, with
 * progress and the result handed back to the main context that started it. The state is shared
 * by the caller's handle, the thread and every queued callback, each holding a reference, so a
 * cancelled download can outlive its handle until the thread notices.
 */
#include "sim-download.h"

#include "onemo-error.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_CONNECT_TIMEOUT 60 /* AT+MFWCFG="timeout" default */
#define MAX_REDIRECTS           5
#define PROGRESS_STEP           1024 /* curl's smallest buffer: one write callback per KiB at most */
#define NETWORK_PROTOCOLS       "http,https,ftp,ftps"

struct _SimDownload {
  gatomicrefcount ref;
  GMainContext *context;

  /* The request, copied: the caller's strings may go away. */
  char *url;
  char *user;
  char *password;
  guint connect_timeout;
  gboolean verify_tls;
  guint64 resume_from;
  guint64 max_size;
  guint64 stall_at;
  char *fs_root;

  SimDownloadProgress progress;
  SimDownloadDone done;
  gpointer user_data;

  gint cancelled; /* atomic: set on the main context, read by the thread */

  /* Written by the thread only; read on the main context once the thread posted "done". */
  GByteArray *data;
  guint64 total;
  GError *error;
  gboolean stalled;
  gboolean too_big;

  /* Main context only. */
  gboolean finished;
  guint64 reported_received;
  guint64 reported_total;
};

static SimDownload *
sim_download_ref (SimDownload *self)
{
  g_atomic_ref_count_inc (&self->ref);
  return self;
}

static void
sim_download_unref (SimDownload *self)
{
  if (!g_atomic_ref_count_dec (&self->ref))
    return;
  g_main_context_unref (self->context);
  g_free (self->url);
  g_free (self->user);
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_free (self->password);
  g_free (self->fs_root);
  g_byte_array_unref (self->data);
  g_clear_error (&self->error);
  g_free (self);
}

static gboolean
is_cancelled (SimDownload *self)
{
  return g_atomic_int_get (&self->cancelled) != 0;
}

/* ---- the main context's side ---- */

static void
report_progress (SimDownload *self, guint64 received, guint64 total)
{
  if (self->progress == NULL
      || (received == self->reported_received && total == self->reported_total))
    return;
  self->reported_received = received;
  self->reported_total = total;
  self->progress (received, total, self->user_data);
}

/* One progress report on its way from the thread, with the counts of its moment. */
typedef struct {
  SimDownload *download;
  guint64 received;
  guint64 total;
} ProgressReport;

static void
progress_report_free (ProgressReport *report)
{
  sim_download_unref (report->download);
  g_free (report);
}

static gboolean
deliver_progress (gpointer user_data)
{
  ProgressReport *report = user_data;
  SimDownload *self = report->download;

  if (!is_cancelled (self) && !self->finished)
    report_progress (self, report->received, report->total);
  return G_SOURCE_REMOVE;
}

static gboolean
deliver_done (gpointer user_data)
{
  SimDownload *self = user_data;
  g_autoptr (GBytes) data = NULL;

  if (is_cancelled (self))
    return G_SOURCE_REMOVE;
  /* The last count first, so progress always ends where the data ends. */
  report_progress (self, self->resume_from + self->data->len, self->total);
  if (is_cancelled (self)) /* the progress callback cancelled */
    return G_SOURCE_REMOVE;
  self->finished = TRUE;
  data = g_bytes_new (self->data->data, self->data->len);
  self->done (data, self->total, self->error, self->user_data);
  sim_download_unref (self); /* the caller's handle: done ends it */
  return G_SOURCE_REMOVE;
}

/* Queues @function on the caller's context; never runs it here, even if the context is free. */
static void
post (SimDownload *self, GSourceFunc function, gpointer data, GDestroyNotify free_data)
{
  g_autoptr (GSource) source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, function, data, free_data);
  g_source_set_static_name (source, "[onemo] sim download");
  g_source_attach (source, self->context);
}

static void
post_done (SimDownload *self)
{
  post (self, deliver_done, sim_download_ref (self), (GDestroyNotify)sim_download_unref);
}

/* ---- the worker thread's side ---- */

/* Idle sources of one priority run in the order they were attached: reports stay in order. */
static void
post_progress (SimDownload *self)
{
  ProgressReport *report = g_new0 (ProgressReport, 1);

  report->download = sim_download_ref (self);
  report->received = self->resume_from + self->data->len;
  report->total = self->total;
  post (self, deliver_progress, report, (GDestroyNotify)progress_report_free);
}

/* The size the server announced for the whole file, learnt at the first bytes. */
static void
learn_total (SimDownload *self, CURL *curl)
{
  curl_off_t length = -1;

  if (curl_easy_getinfo (curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length) == CURLE_OK
      && length >= 0)
    self->total = self->resume_from + (guint64)length;
}

typedef struct {
  SimDownload *download;
  CURL *curl;
} Transfer;

static size_t
on_write (char *bytes, size_t size, size_t count, void *user_data)
{
  Transfer *transfer = user_data;
  SimDownload *self = transfer->download;
  guint64 length = (guint64)size * count;
  guint64 have = self->resume_from + self->data->len;

  if (is_cancelled (self))
    return 0;
  if (self->data->len == 0 && self->total == 0)
    learn_total (self, transfer->curl);
  if (self->stall_at > 0 && have + length >= self->stall_at) {
    /* Keep exactly stall_at bytes in all, as a module that lost its link would. */
    if (self->stall_at > have)
      g_byte_array_append (self->data, (const guint8 *)bytes, self->stall_at - have);
    self->stalled = TRUE;
    return 0;
  }
  if (self->max_size > 0 && have + length > self->max_size) {
    self->too_big = TRUE;
    return 0;
  }
  g_byte_array_append (self->data, (const guint8 *)bytes, length);
  post_progress (self);
  return length;
}

static int
on_curl_progress (void *user_data, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                  curl_off_t ulnow)
{
  Transfer *transfer = user_data;

  return is_cancelled (transfer->download) ? 1 : 0;
}

static gboolean
has_scheme (const char *url, const char *scheme)
{
  gsize length = strlen (scheme);

  return g_ascii_strncasecmp (url, scheme, length) == 0 && strncmp (url + length, "://", 3) == 0;
}

/*
 * file://usr/myfile/test.bin (the manual's form: the host part is the first component) and
 * file:///usr/myfile/test.bin both name <fs_root>/usr/myfile/test.bin. Returns a file:// URL of
 * the real path, after making sure no "..", symlink or odd byte leads out of fs_root.
 */
static char *
resolve_file_url (const char *url, const char *fs_root, GError **error)
{
  g_autofree char *path = g_uri_unescape_string (url + strlen ("file://"), NULL);
  g_auto (GStrv) parts = NULL;
  g_autoptr (GPtrArray) components = g_ptr_array_new ();
  g_autofree char *joined = NULL;
  g_autofree char *real_root = NULL;
  g_autofree char *real_path = NULL;

  if (path == NULL || strchr (path, '?') != NULL || strchr (path, '#') != NULL) {
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_DOWNLOAD, "malformed file:// URL");
    return NULL;
  }
  parts = g_strsplit (path, "/", -1);
  g_ptr_array_add (components, (gpointer)fs_root);
  for (guint i = 0; parts[i] != NULL; i++) {
    if (strcmp (parts[i], "..") == 0) {
      g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_DOWNLOAD,
                   "file:// path leaves the module's file system");
      return NULL;
    }
    if (*parts[i] != '\0' && strcmp (parts[i], ".") != 0)
      g_ptr_array_add (components, parts[i]);
  }
  g_ptr_array_add (components, NULL);
  joined = g_build_filenamev ((char **)components->pdata);

  real_root = realpath (fs_root, NULL);
  real_path = realpath (joined, NULL);
  if (real_root == NULL || real_path == NULL || !g_file_test (real_path, G_FILE_TEST_IS_REGULAR)) {
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_DOWNLOAD, "no such file in the file system");
    return NULL;
  }
  if (!g_str_has_prefix (real_path, real_root) || real_path[strlen (real_root)] != '/') {
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_DOWNLOAD,
                 "file:// path leaves the module's file system");
    return NULL;
  }
  return g_filename_to_uri (real_path, NULL, error);
}

/*
 * The URL libcurl gets, and the protocols it may use. ftps:// is explicit FTPS (AUTH TLS), the
 * kind common servers offer: curl would read ftps:// as implicit TLS, so it gets ftp:// with TLS
 * required (docs/package-format.md).
 */
static char *
effective_url (SimDownload *self, gboolean *explicit_tls, const char **protocols, GError **error)
{
  *explicit_tls = FALSE;
  *protocols = NETWORK_PROTOCOLS;
  if (has_scheme (self->url, "file")) {
    *protocols = "file";
    return resolve_file_url (self->url, self->fs_root, error);
  }
  if (has_scheme (self->url, "ftps")) {
    *explicit_tls = TRUE;
    return g_strconcat ("ftp", self->url + strlen ("ftps"), NULL);
  }
  return g_strdup (self->url);
}

static void
set_protocols (CURL *curl, const char *protocols)
{
#if LIBCURL_VERSION_NUM >= 0x075500
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, protocols);
  curl_easy_setopt (curl, CURLOPT_REDIR_PROTOCOLS_STR, NETWORK_PROTOCOLS);
#else
  long network = CURLPROTO_HTTP | CURLPROTO_HTTPS | CURLPROTO_FTP | CURLPROTO_FTPS;

  curl_easy_setopt (curl, CURLOPT_PROTOCOLS,
                    strcmp (protocols, "file") == 0 ? (long)CURLPROTO_FILE : network);
  curl_easy_setopt (curl, CURLOPT_REDIR_PROTOCOLS, network);
#endif
}

static void
set_options (SimDownload *self, Transfer *transfer, const char *url, gboolean explicit_tls,
             const char *protocols, char *error_buffer)
{
  CURL *curl = transfer->curl;
  long timeout = self->connect_timeout > 0 ? (long)self->connect_timeout : DEFAULT_CONNECT_TIMEOUT;

  curl_easy_setopt (curl, CURLOPT_URL, url);
  set_protocols (curl, protocols);
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt (curl, CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt (curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt (curl, CURLOPT_MAXREDIRS, (long)MAX_REDIRECTS);
  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT, timeout);
  curl_easy_setopt (curl, CURLOPT_SERVER_RESPONSE_TIMEOUT, timeout);
  /* A server that stops sending for as long as we would wait for it to answer has gone. */
  curl_easy_setopt (curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt (curl, CURLOPT_LOW_SPEED_TIME, timeout);
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYPEER, self->verify_tls ? 1L : 0L);
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYHOST, self->verify_tls ? 2L : 0L);
  if (explicit_tls)
    curl_easy_setopt (curl, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
  if (self->user != NULL) {
    curl_easy_setopt (curl, CURLOPT_USERNAME, self->user);
    curl_easy_setopt (curl, CURLOPT_PASSWORD, self->password ? self->password : "");
  }
  if (self->resume_from > 0)
    curl_easy_setopt (curl, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)self->resume_from);
  if (self->max_size > 0 && self->max_size > self->resume_from)
    curl_easy_setopt (curl, CURLOPT_MAXFILESIZE_LARGE,
                      (curl_off_t)(self->max_size - self->resume_from));
  curl_easy_setopt (curl, CURLOPT_BUFFERSIZE, (long)PROGRESS_STEP);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, on_write);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, transfer);
  curl_easy_setopt (curl, CURLOPT_XFERINFOFUNCTION, on_curl_progress);
  curl_easy_setopt (curl, CURLOPT_XFERINFODATA, transfer);
  curl_easy_setopt (curl, CURLOPT_NOPROGRESS, 0L);
}

/* Why the transfer ended, in words that never carry the URL (it may hold a password). */
static void
set_transfer_error (SimDownload *self, CURLcode code, const char *error_buffer)
{
  const char *detail = *error_buffer != '\0' ? error_buffer : curl_easy_strerror (code);

  if (self->stalled)
    g_set_error (&self->error, ONEMO_ERROR, ONEMO_ERROR_DOWNLOAD,
                 "download stalled after %" G_GUINT64_FORMAT " bytes", self->stall_at);
  else if (self->too_big || code == CURLE_FILESIZE_EXCEEDED)
    g_set_error (&self->error, ONEMO_ERROR, ONEMO_ERROR_DOWNLOAD,
                 "package larger than the %" G_GUINT64_FORMAT " bytes the module holds",
                 self->max_size);
  else if (code == CURLE_RANGE_ERROR)
    g_set_error (&self->error, ONEMO_ERROR, ONEMO_ERROR_DOWNLOAD,
                 "the server cannot resume at byte %" G_GUINT64_FORMAT, self->resume_from);
  else
    g_set_error (&self->error, ONEMO_ERROR, ONEMO_ERROR_DOWNLOAD, "download failed: %s", detail);
}

/*
 * Asked to resume at the very end, an HTTP server answers 416 with a Content-Range of "bytes",
 * "*", "/" and the size N: when N is what the module already holds, the download is complete.
 */
static gboolean
nothing_left (SimDownload *self, CURL *curl, CURLcode code)
{
#if LIBCURL_VERSION_NUM >= 0x075400
  long status = 0;
  struct curl_header *range = NULL;
  guint64 size = 0;

  if (code != CURLE_HTTP_RETURNED_ERROR || self->resume_from == 0
      || curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK || status != 416
      || curl_easy_header (curl, "Content-Range", 0, CURLH_HEADER, -1, &range) != CURLHE_OK
      || !g_str_has_prefix (range->value, "bytes */")
      || !g_ascii_string_to_unsigned (range->value + strlen ("bytes */"), 10, 0, G_MAXUINT64, &size,
                                      NULL)
      || size != self->resume_from)
    return FALSE;
  self->total = size;
  return TRUE;
#else
  return FALSE;
#endif
}

static void
run_transfer (SimDownload *self)
{
  g_autofree char *url = NULL;
  const char *protocols = NULL;
  gboolean explicit_tls = FALSE;
  char error_buffer[CURL_ERROR_SIZE] = "";
  Transfer transfer = { .download = self };
  CURLcode code;

  url = effective_url (self, &explicit_tls, &protocols, &self->error);
  if (url == NULL)
    return;
  if (self->stall_at > 0 && self->resume_from >= self->stall_at) {
    self->stalled = TRUE;
    set_transfer_error (self, CURLE_WRITE_ERROR, error_buffer);
    return;
  }
  transfer.curl = curl_easy_init ();
  if (transfer.curl == NULL) {
    g_set_error (&self->error, ONEMO_ERROR, ONEMO_ERROR_DOWNLOAD, "cannot start libcurl");
    return;
  }
  set_options (self, &transfer, url, explicit_tls, protocols, error_buffer);
  code = curl_easy_perform (transfer.curl);
  if (self->total == 0)
    learn_total (self, transfer.curl);
  if (code != CURLE_OK && !nothing_left (self, transfer.curl, code))
    set_transfer_error (self, code, error_buffer);
  curl_easy_cleanup (transfer.curl);
}

static gpointer
download_thread (gpointer user_data)
{
  SimDownload *self = user_data;

  run_transfer (self);
  if (!is_cancelled (self))
    post_done (self);
  sim_download_unref (self);
  return NULL;
}

/* ---- the interface ---- */

/* Refusals that need no thread: no URL, or a scheme this request cannot take. */
static gboolean
check_request (const SimDownloadRequest *request, GError **error)
{
  const char *url = request->url;

  if (url == NULL || *url == '\0') {
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_CONFIG, "no URL configured");
    return FALSE;
  }
  if (has_scheme (url, "http") || has_scheme (url, "https") || has_scheme (url, "ftp")
      || has_scheme (url, "ftps"))
    return TRUE;
  if (has_scheme (url, "file")) {
    if (request->fs_root != NULL)
      return TRUE;
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_URL_TYPE, "this module takes no file:// URL");
    return FALSE;
  }
  g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_URL_TYPE,
               "URL scheme not one of http, https, ftp, ftps, file");
  return FALSE;
}

static gpointer
init_curl_once (gpointer unused)
{
  return GINT_TO_POINTER (curl_global_init (CURL_GLOBAL_DEFAULT) == CURLE_OK);
}

SimDownload *
sim_download_start (const SimDownloadRequest *request, SimDownloadProgress progress,
                    SimDownloadDone done, gpointer user_data)
{
  static GOnce curl_once = G_ONCE_INIT;
  SimDownload *self;
  g_autoptr (GThread) thread = NULL;

  g_return_val_if_fail (request != NULL && done != NULL, NULL);

  self = g_new0 (SimDownload, 1);
  g_atomic_ref_count_init (&self->ref);
  self->context = g_main_context_ref_thread_default ();
  self->url = g_strdup (request->url);
  self->user = g_strdup (request->user);
  self->password = g_strdup (request->password);
  self->connect_timeout = request->connect_timeout;
  self->verify_tls = request->verify_tls;
  self->resume_from = request->resume_from;
  self->max_size = request->max_size;
  self->stall_at = request->stall_at;
  self->fs_root = g_strdup (request->fs_root);
  self->progress = progress;
  self->done = done;
  self->user_data = user_data;
  self->data = g_byte_array_new ();

  /* Even a refusal arrives through @done later, never from inside this call. */
  if (!check_request (request, &self->error)) {
    post_done (self);
    return self;
  }
  if (!GPOINTER_TO_INT (g_once (&curl_once, init_curl_once, NULL))) {
    g_set_error (&self->error, ONEMO_ERROR, ONEMO_ERROR_DOWNLOAD, "cannot initialise libcurl");
    post_done (self);
    return self;
  }
  thread
      = g_thread_try_new ("sim-download", download_thread, sim_download_ref (self), &self->error);
  if (thread == NULL) {
    sim_download_unref (self); /* the thread's reference */
    g_prefix_error (&self->error, "download thread: ");
    self->error->domain = ONEMO_ERROR;
    self->error->code = ONEMO_ERROR_DOWNLOAD;
    post_done (self);
  }
  return self;
}

void
sim_download_cancel (SimDownload *download)
{
  g_return_if_fail (download != NULL);

  g_atomic_int_set (&download->cancelled, 1);
  sim_download_unref (download);
}
