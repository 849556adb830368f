/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The transfer itself: one libcurl easy handle, performed blocking (this process does nothing
 * else; the daemon kills it to cancel), the body sent on as DATA frames. Every limit is curl's
 * own where it has one, and checked again here: the daemon checks a third time.
 */
#include "fetch-transfer.h"

#include "config.h"
#include "onemo-error.h"
#include "onemo-fetch-url.h"
#include "onemo-fetch-wire.h"

#include <curl/curl.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#define ALL_PROTOCOLS "http,https,ftp,ftps"
#define TLS_PROTOCOLS "https"
#define MAX_REDIRECTS 5L

typedef struct {
  const FetchRequest *request;
  CURL *easy;
  int out_fd;
  guint64 size;
  gboolean size_sent;
  gboolean too_big;
  gboolean daemon_gone;
  char error_buffer[CURL_ERROR_SIZE];
} Transfer;

void
fetch_request_clear (FetchRequest *request)
{
  g_free (request->url);
  g_free (request->user);
  if (request->password != NULL)
    explicit_bzero (request->password, strlen (request->password));
  g_free (request->password);
  g_clear_pointer (&request->ca, g_bytes_unref);
}

static gboolean
write_all (int fd, const guint8 *bytes, gsize length)
{
  while (length > 0) {
    gssize written = write (fd, bytes, length);

    if (written < 0 && errno == EINTR)
      continue;
    if (written <= 0)
      return FALSE;
    bytes += written;
    length -= (gsize)written;
  }
  return TRUE;
}

gboolean
fetch_write_frame (int fd, char type, const void *payload, gsize length)
{
  guint8 header[ONEMO_FETCH_WIRE_HEADER];

  onemo_fetch_wire_header (header, (OnemoFetchFrame)type, (guint32)length);
  return write_all (fd, header, sizeof header) && write_all (fd, payload, length);
}

/* The size the server announced, if it did, sent once before the first bytes. */
static gboolean
send_size (Transfer *transfer)
{
  curl_off_t length = -1;
  guint8 big_endian[8];

  transfer->size_sent = TRUE;
  if (curl_easy_getinfo (transfer->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length) != CURLE_OK
      || length <= 0)
    return TRUE;
  for (int i = 0; i < 8; i++)
    big_endian[i] = (guint8)((guint64)length >> (56 - 8 * i));
  return fetch_write_frame (transfer->out_fd, ONEMO_FETCH_FRAME_SIZE, big_endian, 8);
}

static size_t
on_body (char *bytes, size_t size, size_t count, void *user_data)
{
  Transfer *transfer = user_data;
  gsize length = size * count;

  if (!transfer->size_sent && !send_size (transfer))
    goto gone;
  if (length > transfer->request->max_size - transfer->size) {
    transfer->too_big = TRUE;
    return 0;
  }
  for (gsize at = 0; at < length; at += ONEMO_FETCH_WIRE_MAX_DATA) {
    gsize piece = MIN (length - at, (gsize)ONEMO_FETCH_WIRE_MAX_DATA);

    if (!fetch_write_frame (transfer->out_fd, ONEMO_FETCH_FRAME_DATA, bytes + at, piece))
      goto gone;
  }
  transfer->size += length;
  return length;

gone:
  transfer->daemon_gone = TRUE;
  return 0;
}

static void
set_protocols (CURL *easy, const char *allowed_redirects)
{
  curl_easy_setopt (easy, CURLOPT_PROTOCOLS_STR, ALL_PROTOCOLS);
  curl_easy_setopt (easy, CURLOPT_REDIR_PROTOCOLS_STR, allowed_redirects);
}

static void
set_limits (CURL *easy, const FetchRequest *request)
{
  long connect = (long)request->connect_timeout_s;

  curl_easy_setopt (easy, CURLOPT_CONNECTTIMEOUT, connect);
  curl_easy_setopt (easy, CURLOPT_SERVER_RESPONSE_TIMEOUT, connect);
  curl_easy_setopt (easy, CURLOPT_TIMEOUT, (long)request->timeout_s);
  /* Slower than this for a whole connect timeout: a server that drips is as good as gone. */
  curl_easy_setopt (easy, CURLOPT_LOW_SPEED_LIMIT, (long)request->low_speed);
  curl_easy_setopt (easy, CURLOPT_LOW_SPEED_TIME, connect);
  curl_easy_setopt (easy, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)request->max_size);
  curl_easy_setopt (easy, CURLOPT_MAXREDIRS, MAX_REDIRECTS);
}

static void
set_tls (CURL *easy, const FetchRequest *request, gboolean explicit_tls)
{
  curl_easy_setopt (easy, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt (easy, CURLOPT_SSL_VERIFYHOST, 2L);
  if (request->ca != NULL) {
    gsize size = 0;
    struct curl_blob blob = { .flags = CURL_BLOB_COPY };

    blob.data = (void *)g_bytes_get_data (request->ca, &size);
    blob.len = size;
    /* The caller's bundle replaces the system's CAs rather than adding to them. */
    curl_easy_setopt (easy, CURLOPT_CAINFO_BLOB, &blob);
    curl_easy_setopt (easy, CURLOPT_CAPATH, NULL);
  }
  if (explicit_tls)
    curl_easy_setopt (easy, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
}

static void
set_options (Transfer *transfer, const char *url, gboolean tls_origin, gboolean explicit_tls)
{
  CURL *easy = transfer->easy;
  const FetchRequest *request = transfer->request;

  curl_easy_setopt (easy, CURLOPT_URL, url);
  /* A transfer that began under TLS never leaves it for a redirect. */
  set_protocols (easy, tls_origin ? TLS_PROTOCOLS : ALL_PROTOCOLS);
  curl_easy_setopt (easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (easy, CURLOPT_ERRORBUFFER, transfer->error_buffer);
  curl_easy_setopt (easy, CURLOPT_USERAGENT, PACKAGE_NAME "/" PACKAGE_VERSION);
  curl_easy_setopt (easy, CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt (easy, CURLOPT_FOLLOWLOCATION, 1L);
  set_limits (easy, request);
  set_tls (easy, request, explicit_tls);
  if (request->user != NULL) {
    curl_easy_setopt (easy, CURLOPT_USERNAME, request->user);
    curl_easy_setopt (easy, CURLOPT_PASSWORD, request->password ? request->password : "");
  }
  curl_easy_setopt (easy, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt (easy, CURLOPT_WRITEDATA, transfer);
}

static GError *
transfer_error (Transfer *transfer, CURLcode code, gboolean tls_origin)
{
  const char *detail
      = transfer->error_buffer[0] != '\0' ? transfer->error_buffer : curl_easy_strerror (code);
  g_autofree char *message = onemo_fetch_redact (detail, transfer->request->password);

  if (transfer->too_big || code == CURLE_FILESIZE_EXCEEDED)
    return g_error_new (ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT,
                        "package larger than the cap of %" G_GUINT64_FORMAT " bytes",
                        transfer->request->max_size);
  if (code == CURLE_UNSUPPORTED_PROTOCOL && tls_origin)
    return g_error_new (ONEMO_ERROR, ONEMO_ERROR_DOWNLOAD,
                        "download refused: a download begun over TLS only follows redirects to "
                        "https (%s)",
                        message);
  if (code == CURLE_UNSUPPORTED_PROTOCOL)
    return g_error_new (ONEMO_ERROR, ONEMO_ERROR_DOWNLOAD,
                        "download refused: only http, https, ftp and ftps are followed (%s)",
                        message);
  if (code == CURLE_OPERATION_TIMEDOUT)
    return g_error_new (ONEMO_ERROR, ONEMO_ERROR_TIMEOUT, "download timed out: %s", message);
  return g_error_new (ONEMO_ERROR, ONEMO_ERROR_DOWNLOAD, "download failed: %s", message);
}

gboolean
fetch_transfer_run (const FetchRequest *request, int out_fd, GError **error)
{
  Transfer transfer = { .request = request, .out_fd = out_fd };
  gboolean tls_origin = onemo_fetch_url_is_tls (request->url);
  /* ftps:// is explicit FTPS; curl would read it as implicit, so it gets ftp:// + AUTH TLS. */
  gboolean ftps = g_ascii_strncasecmp (request->url, "ftps://", 7) == 0;
  g_autofree char *url
      = ftps ? g_strconcat ("ftp", request->url + 4, NULL) : g_strdup (request->url);
  CURLcode code;

  if (curl_global_init (CURL_GLOBAL_DEFAULT) != CURLE_OK
      || (transfer.easy = curl_easy_init ()) == NULL) {
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_FAILED, "cannot initialise libcurl");
    return FALSE;
  }
  set_options (&transfer, url, tls_origin, ftps);
  code = curl_easy_perform (transfer.easy);
  if (code == CURLE_OK && transfer.size == 0)
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT, "the package is empty");
  else if (transfer.daemon_gone)
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_CANCELLED, "the daemon went away");
  else if (code != CURLE_OK)
    g_propagate_error (error, transfer_error (&transfer, code, tls_origin));
  curl_easy_cleanup (transfer.easy);
  curl_global_cleanup ();
  return code == CURLE_OK && transfer.size > 0;
}
