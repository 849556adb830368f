/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Module-side downloads that stop short, against real servers on 127.0.0.1: stalls, size
 * limits, cancellation, unreachable and silent servers, requests refused before they start. */
#include "onemo-error.h"
#include "sim-download-harness.h"

#include <gio/gio.h>

/* A stalled transfer keeps exactly stall_at bytes in all, then resuming finishes it. */
static void
test_stall (void)
{
  g_autofree char *url = test_server_url (download_fixture.http, "small.bin");
  SimDownloadRequest request = { .url = url, .stall_at = 30000 };
  g_auto (DownloadResult) first = { 0 };
  g_auto (DownloadResult) again = { 0 };
  g_auto (DownloadResult) resumed = { 0 };

  download_run (&request, &first);
  download_assert_error (&first, ONEMO_ERROR_DOWNLOAD, "stalled");
  g_assert_cmpuint (g_bytes_get_size (first.data), ==, 30000);
  g_assert_cmpmem (g_bytes_get_data (first.data, NULL), 30000,
                   g_bytes_get_data (download_fixture.small, NULL), 30000);
  download_assert_progress (&first, 30000, SMALL_SIZE);

  request.resume_from = 10000; /* "in all": 20000 more bytes */
  download_run (&request, &again);
  download_assert_error (&again, ONEMO_ERROR_DOWNLOAD, "stalled");
  g_assert_cmpuint (g_bytes_get_size (again.data), ==, 20000);

  request.resume_from = 30000;
  request.stall_at = 0;
  download_run (&request, &resumed);
  g_assert_no_error (resumed.error);
  g_assert_cmpuint (g_bytes_get_size (resumed.data), ==, SMALL_SIZE - 30000);
}

static void
test_max_size (void)
{
  g_autofree char *url = test_server_url (download_fixture.http, "small.bin");
  g_autofree char *chunked_url = test_server_url (download_fixture.http, "chunked/small.bin");
  g_autofree char *ftp_url = test_server_url (download_fixture.ftp, "small.bin");
  const char *urls[] = { url, chunked_url, ftp_url };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++) {
    SimDownloadRequest request = { .url = urls[i], .user = USER, .password = PASSWORD };
    g_auto (DownloadResult) result = { 0 };
    g_auto (DownloadResult) fits = { 0 };

    g_test_message ("%s", urls[i]);
    request.max_size = SMALL_SIZE - 1;
    download_run (&request, &result);
    download_assert_error (&result, ONEMO_ERROR_DOWNLOAD, "larger");
    g_assert_cmpuint (g_bytes_get_size (result.data), <, SMALL_SIZE);
    request.max_size = SMALL_SIZE;
    download_run (&request, &fits);
    g_assert_no_error (fits.error);
  }
}

static gboolean
quit_loop (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

/* Cancelled at its first progress, a slow transfer never calls done, and nothing crashes while
 * the thread winds down behind our back. */
static void
test_cancel (void)
{
  g_autofree char *url = test_server_url (download_fixture.http, "slow/big.bin");
  SimDownloadRequest request = { .url = url };
  g_auto (DownloadResult) result = { 0 };
  guint limit;

  download_result_init (&result);
  result.cancel_on_progress = TRUE;
  result.download = sim_download_start (&request, download_on_progress, download_on_done, &result);
  limit = g_timeout_add_seconds (WAIT_LIMIT_SEC, download_on_wait_limit, NULL);
  g_main_loop_run (result.loop); /* quits at the first progress, after cancelling */
  g_assert_null (result.download);
  g_assert_cmpuint (result.received->len, ==, 1);
  g_assert_cmpuint (g_array_index (result.received, guint64, 0), <, BIG_SIZE);
  /* Long enough for the thread to see the flag and stop; done must stay silent. */
  g_timeout_add (1500, quit_loop, result.loop);
  g_main_loop_run (result.loop);
  g_assert_cmpuint (result.done_calls, ==, 0);
  g_assert_cmpuint (result.received->len, ==, 1);
  g_source_remove (limit);
}

static void
test_cancel_at_once (void)
{
  g_autofree char *url = test_server_url (download_fixture.http, "slow/big.bin");
  SimDownloadRequest request = { .url = url };
  SimDownloadRequest refused = { .url = NULL };
  g_auto (DownloadResult) result = { 0 };
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  download_result_init (&result);
  sim_download_cancel (
      sim_download_start (&request, download_on_progress, download_on_done, &result));
  sim_download_cancel (
      sim_download_start (&refused, download_on_progress, download_on_done, &result));
  g_timeout_add (500, quit_loop, loop);
  g_main_loop_run (loop);
  g_assert_cmpuint (result.done_calls, ==, 0);
  g_assert_cmpuint (result.received->len, ==, 0);
}

/* A socket on 127.0.0.1 and a free port; "http://127.0.0.1:PORT/small.bin" in @url. */
static GSocket *
loopback_socket (char **url)
{
  g_autoptr (GSocket) socket
      = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;

  g_assert_nonnull (socket);
  g_assert_true (g_socket_bind (socket, any_port, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  *url = g_strdup_printf ("http://127.0.0.1:%u/small.bin",
                          g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  return g_steal_pointer (&socket);
}

/* A port with nothing listening: refused at once, and certainly within the connect timeout. */
static void
test_unreachable (void)
{
  g_autofree char *url = NULL;
  g_autoptr (GSocket) socket = loopback_socket (&url);
  SimDownloadRequest request = { .url = url, .connect_timeout = 3 };
  g_auto (DownloadResult) result = { 0 };

  g_socket_close (socket, NULL); /* bound, never listened: the port stays free */
  g_assert_cmpfloat (download_run (&request, &result), <, 4.0);
  download_assert_error (&result, ONEMO_ERROR_DOWNLOAD, NULL);
}

/* A server that takes the connection and never answers fails within about the timeout. */
static void
test_silent_server (void)
{
  g_autofree char *url = NULL;
  g_autoptr (GSocket) socket = loopback_socket (&url);
  SimDownloadRequest request = { .url = url, .connect_timeout = 1 };
  g_auto (DownloadResult) result = { 0 };
  gdouble seconds;

  g_assert_true (g_socket_listen (socket, NULL)); /* the kernel accepts; nobody answers */
  seconds = download_run (&request, &result);
  download_assert_error (&result, ONEMO_ERROR_DOWNLOAD, NULL);
  g_assert_cmpfloat (seconds, >=, 0.5);
  g_assert_cmpfloat (seconds, <, 4.0);
}

static void
test_refused_requests (void)
{
  struct {
    const char *url;
    gint code;
  } cases[] = {
    { NULL, ONEMO_ERROR_CONFIG },
    { "", ONEMO_ERROR_CONFIG },
    { "gopher://127.0.0.1/small.bin", ONEMO_ERROR_URL_TYPE },
    { "scp://127.0.0.1/small.bin", ONEMO_ERROR_URL_TYPE },
    { "127.0.0.1/small.bin", ONEMO_ERROR_URL_TYPE },
    { "httpx://127.0.0.1/", ONEMO_ERROR_URL_TYPE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    SimDownloadRequest request = { .url = cases[i].url, .fs_root = download_fixture.fs_root };
    g_auto (DownloadResult) result = { 0 };

    download_run (&request, &result);
    download_assert_error (&result, cases[i].code, NULL);
    g_assert_cmpuint (g_bytes_get_size (result.data), ==, 0);
  }
}

static void
add_tests (void)
{
  g_test_add_func ("/sim/download/stall", test_stall);
  g_test_add_func ("/sim/download/max-size", test_max_size);
  g_test_add_func ("/sim/download/cancel", test_cancel);
  g_test_add_func ("/sim/download/cancel-at-once", test_cancel_at_once);
  g_test_add_func ("/sim/download/unreachable", test_unreachable);
  g_test_add_func ("/sim/download/silent-server", test_silent_server);
  g_test_add_func ("/sim/download/refused-requests", test_refused_requests);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  return download_test_main ("/sim/download/servers-missing", add_tests);
}
