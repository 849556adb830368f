/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Module-side downloads against real servers on 127.0.0.1 (tests/servers/serve.py). */
#include "onemo-error.h"
#include "sim-download.h"
#include "test-servers.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#define SMALL_SIZE     100000
#define BIG_SIZE       (2 * 1024 * 1024)
#define WAIT_LIMIT_SEC 20
#define USER           "onemo"
#define PASSWORD       "s3cret"

/* One set of servers and files for the whole run: starting them is the slow part. */
static struct {
  char *root;
  char *fs_root;
  GBytes *small;
  TestServer *http;
  TestServer *http_auth;
  TestServer *https;
  TestServer *ftp;
  TestServer *ftps;
} fixture;

typedef struct {
  GMainLoop *loop;
  GArray *received; /* guint64 per progress call */
  GArray *totals;
  GBytes *data;
  guint64 total;
  GError *error;
  guint done_calls;
  gboolean cancel_on_progress;
  SimDownload *download;
} Result;

static void
result_clear (Result *result)
{
  g_clear_pointer (&result->loop, g_main_loop_unref);
  g_clear_pointer (&result->received, g_array_unref);
  g_clear_pointer (&result->totals, g_array_unref);
  g_clear_pointer (&result->data, g_bytes_unref);
  g_clear_error (&result->error);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Result, result_clear)

static void
result_init (Result *result)
{
  result->loop = g_main_loop_new (NULL, FALSE);
  result->received = g_array_new (FALSE, FALSE, sizeof (guint64));
  result->totals = g_array_new (FALSE, FALSE, sizeof (guint64));
}

static void
on_progress (guint64 received, guint64 total, gpointer user_data)
{
  Result *result = user_data;

  g_array_append_val (result->received, received);
  g_array_append_val (result->totals, total);
  if (result->cancel_on_progress && result->download != NULL) {
    sim_download_cancel (result->download);
    result->download = NULL;
    g_main_loop_quit (result->loop);
  }
}

static void
on_done (GBytes *data, guint64 total, const GError *error, gpointer user_data)
{
  Result *result = user_data;

  result->done_calls++;
  result->data = g_bytes_ref (data);
  result->total = total;
  result->error = error ? g_error_copy (error) : NULL;
  result->download = NULL;
  g_main_loop_quit (result->loop);
}

static gboolean
on_wait_limit (gpointer user_data)
{
  g_error ("the download did not finish within %d s", WAIT_LIMIT_SEC);
  return G_SOURCE_REMOVE;
}

/* Runs @request to its end on the default context; returns the seconds it took. */
static gdouble
run_download (const SimDownloadRequest *request, Result *result)
{
  gint64 started = g_get_monotonic_time ();
  guint limit = g_timeout_add_seconds (WAIT_LIMIT_SEC, on_wait_limit, NULL);

  result_init (result);
  result->download = sim_download_start (request, on_progress, on_done, result);
  g_assert_nonnull (result->download);
  g_assert_cmpuint (result->done_calls, ==, 0); /* never from inside start */
  g_main_loop_run (result->loop);
  g_source_remove (limit);
  g_assert_cmpuint (result->done_calls, ==, 1);
  g_assert_nonnull (result->data);
  return (g_get_monotonic_time () - started) / (gdouble)G_USEC_PER_SEC;
}

/* Progress went up, at least every KiB (so the simulator can print a URC at every progind
 * mark), and ended at @end with @total. */
static void
assert_progress (Result *result, guint64 end, guint64 total)
{
  g_assert_cmpuint (result->received->len, >, 0);
  for (guint i = 1; i < result->received->len; i++) {
    guint64 before = g_array_index (result->received, guint64, i - 1);
    guint64 now = g_array_index (result->received, guint64, i);

    g_assert_cmpuint (before, <, now);
    g_assert_cmpuint (now - before, <=, 1024);
  }
  g_assert_cmpuint (g_array_index (result->received, guint64, result->received->len - 1), ==, end);
  g_assert_cmpuint (g_array_index (result->totals, guint64, result->totals->len - 1), ==, total);
}

static void
assert_whole_small_file (Result *result)
{
  g_assert_no_error (result->error);
  g_assert_true (g_bytes_equal (result->data, fixture.small));
  g_assert_cmpuint (result->total, ==, SMALL_SIZE);
  assert_progress (result, SMALL_SIZE, SMALL_SIZE);
}

static void
assert_download_error (Result *result, gint code, const char *words)
{
  g_assert_error (result->error, ONEMO_ERROR, code);
  g_test_message ("refused: %s", result->error->message);
  if (words != NULL && strstr (result->error->message, words) == NULL)
    g_error ("\"%s\" does not say \"%s\"", result->error->message, words);
}

static void
test_http (void)
{
  g_autofree char *url = test_server_url (fixture.http, "small.bin");
  SimDownloadRequest request = { .url = url, .connect_timeout = 5 };
  g_auto (Result) result = { 0 };

  run_download (&request, &result);
  assert_whole_small_file (&result);
  g_assert_cmpuint (result.received->len, >=, SMALL_SIZE / 1024);
}

/* The right password gets the file; a wrong one fails with 855 and is not in the message. */
static void
assert_password_checked (TestServer *server)
{
  g_autofree char *url = test_server_url (server, "small.bin");
  SimDownloadRequest request = { .url = url, .user = USER, .password = PASSWORD };
  g_auto (Result) good = { 0 };
  g_auto (Result) bad = { 0 };

  run_download (&request, &good);
  assert_whole_small_file (&good);
  request.password = "wrong";
  run_download (&request, &bad);
  assert_download_error (&bad, ONEMO_ERROR_DOWNLOAD, NULL);
  g_assert_null (strstr (bad.error->message, "wrong"));
  g_assert_cmpuint (g_bytes_get_size (bad.data), ==, 0);
}

static void
test_http_auth (void)
{
  g_autofree char *url = test_server_url (fixture.http_auth, "small.bin");
  SimDownloadRequest request = { .url = url };
  g_auto (Result) none = { 0 };

  assert_password_checked (fixture.http_auth);
  run_download (&request, &none);
  assert_download_error (&none, ONEMO_ERROR_DOWNLOAD, "401");
}

static void
test_https (void)
{
  g_autofree char *url = test_server_url (fixture.https, "small.bin");
  SimDownloadRequest request = { .url = url, .connect_timeout = 5 };
  g_auto (Result) unchecked = { 0 };
  g_auto (Result) checked = { 0 };

  run_download (&request, &unchecked);
  assert_whole_small_file (&unchecked);
  request.verify_tls = TRUE; /* self-signed: a checking client refuses it */
  run_download (&request, &checked);
  assert_download_error (&checked, ONEMO_ERROR_DOWNLOAD, NULL);
  g_assert_cmpuint (g_bytes_get_size (checked.data), ==, 0);
}

static void
test_ftp (void)
{
  assert_password_checked (fixture.ftp);
}

static void
test_ftps (void)
{
  g_autofree char *url = test_server_url (fixture.ftps, "small.bin");
  g_autofree char *plain_url = g_strconcat ("ftp", url + strlen ("ftps"), NULL);
  SimDownloadRequest request = { .url = url, .user = USER, .password = PASSWORD };
  g_auto (Result) secure = { 0 };
  g_auto (Result) plain = { 0 };

  g_assert_true (g_str_has_prefix (url, "ftps://127.0.0.1:"));
  run_download (&request, &secure);
  assert_whole_small_file (&secure);
  /* The server insists on TLS, so the same URL as plain ftp:// must fail: TLS was really used. */
  request.url = plain_url;
  run_download (&request, &plain);
  assert_download_error (&plain, ONEMO_ERROR_DOWNLOAD, NULL);
}

/* Resumes at @offset and checks the halves make the original. */
static void
assert_resumes_url (const char *url, const char *fs_root, guint64 offset)
{
  SimDownloadRequest request = { .url = url, .user = USER, .password = PASSWORD };
  g_auto (Result) result = { 0 };
  g_autoptr (GByteArray) joined = g_byte_array_new ();
  gsize size = 0;
  const guint8 *rest;

  request.resume_from = offset;
  request.fs_root = fs_root;
  run_download (&request, &result);
  g_assert_no_error (result.error);
  g_assert_cmpuint (result.total, ==, SMALL_SIZE);
  assert_progress (&result, SMALL_SIZE, SMALL_SIZE);
  g_assert_cmpuint (g_array_index (result.received, guint64, 0), >, offset);
  rest = g_bytes_get_data (result.data, &size);
  g_assert_cmpuint (size, ==, SMALL_SIZE - offset);
  g_byte_array_append (joined, g_bytes_get_data (fixture.small, NULL), offset);
  g_byte_array_append (joined, rest, size);
  g_assert_cmpmem (joined->data, joined->len, g_bytes_get_data (fixture.small, NULL), SMALL_SIZE);
}

static void
test_file (void)
{
  const char *urls[] = {
    "file://usr/myfile/test.bin",  /* the manual's form */
    "file:///usr/myfile/test.bin", /* the usual form */
    "FILE://./usr//myfile/./test.bin",
    "file:///usr/my%66ile/test.bin",
  };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++) {
    SimDownloadRequest request = { .url = urls[i], .fs_root = fixture.fs_root };
    g_auto (Result) result = { 0 };

    g_test_message ("%s", urls[i]);
    run_download (&request, &result);
    assert_whole_small_file (&result);
  }
  assert_resumes_url (urls[0], fixture.fs_root, 43210);
}

static void
test_file_refused (void)
{
  const char *escapes[] = {
    "file://../small.bin",
    "file:///usr/../../small.bin",
    "file:///usr/myfile/%2e%2e/../../small.bin",
    "file:///escape/small.bin", /* a symlink out of the file system */
    "file:///usr/myfile/missing.bin",
    "file:///usr/myfile",
  };
  SimDownloadRequest request = { .url = "file:///usr/myfile/test.bin" };
  g_auto (Result) no_root = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (escapes); i++) {
    SimDownloadRequest escape = { .url = escapes[i], .fs_root = fixture.fs_root };
    g_auto (Result) result = { 0 };

    g_test_message ("%s", escapes[i]);
    run_download (&escape, &result);
    assert_download_error (&result, ONEMO_ERROR_DOWNLOAD, NULL);
    g_assert_cmpuint (g_bytes_get_size (result.data), ==, 0);
  }
  run_download (&request, &no_root); /* a module without a file system */
  assert_download_error (&no_root, ONEMO_ERROR_URL_TYPE, NULL);
}

static void
test_chunked (void)
{
  g_autofree char *url = test_server_url (fixture.http, "chunked/small.bin");
  SimDownloadRequest request = { .url = url };
  g_auto (Result) result = { 0 };

  run_download (&request, &result);
  g_assert_no_error (result.error);
  g_assert_true (g_bytes_equal (result.data, fixture.small));
  g_assert_cmpuint (result.total, ==, 0);
  assert_progress (&result, SMALL_SIZE, 0);
}

static void
test_redirect (void)
{
  g_autofree char *url = test_server_url (fixture.http, "redirect/redirect/small.bin");
  g_autofree char *too_far = test_server_url (
      fixture.http, "redirect/redirect/redirect/redirect/redirect/redirect/small.bin");
  SimDownloadRequest request = { .url = url };
  g_auto (Result) result = { 0 };
  g_auto (Result) loop = { 0 };

  run_download (&request, &result);
  assert_whole_small_file (&result);
  request.url = too_far; /* six redirects: one more than a module follows */
  run_download (&request, &loop);
  assert_download_error (&loop, ONEMO_ERROR_DOWNLOAD, NULL);
}

static void
assert_resumes (TestServer *server, const char *path, guint64 offset)
{
  g_autofree char *url = test_server_url (server, path);

  assert_resumes_url (url, NULL, offset);
}

static void
test_resume_http (void)
{
  g_autofree char *url = test_server_url (fixture.http, "norange/small.bin");
  SimDownloadRequest request = { .url = url, .resume_from = 1000 };
  g_autofree char *whole_url = test_server_url (fixture.http, "small.bin");
  SimDownloadRequest complete = { .url = whole_url, .resume_from = SMALL_SIZE };
  g_auto (Result) ignored = { 0 };
  g_auto (Result) nothing_left = { 0 };

  assert_resumes (fixture.http, "small.bin", 43210);
  assert_resumes (fixture.http, "small.bin", SMALL_SIZE - 1);
  /* Everything was there already: the server's 416 means done, not failed. */
  run_download (&complete, &nothing_left);
  g_assert_no_error (nothing_left.error);
  g_assert_cmpuint (g_bytes_get_size (nothing_left.data), ==, 0);
  /* A server that sends the whole file again must not be appended to what the module has. */
  run_download (&request, &ignored);
  assert_download_error (&ignored, ONEMO_ERROR_DOWNLOAD, "resume");
}

static void
test_resume_ftp (void)
{
  assert_resumes (fixture.ftp, "small.bin", 43210);
  assert_resumes (fixture.ftps, "small.bin", 1);
}

/* A stalled transfer keeps exactly stall_at bytes in all, then resuming finishes it. */
static void
test_stall (void)
{
  g_autofree char *url = test_server_url (fixture.http, "small.bin");
  SimDownloadRequest request = { .url = url, .stall_at = 30000 };
  g_auto (Result) first = { 0 };
  g_auto (Result) again = { 0 };
  g_auto (Result) resumed = { 0 };

  run_download (&request, &first);
  assert_download_error (&first, ONEMO_ERROR_DOWNLOAD, "stalled");
  g_assert_cmpuint (g_bytes_get_size (first.data), ==, 30000);
  g_assert_cmpmem (g_bytes_get_data (first.data, NULL), 30000,
                   g_bytes_get_data (fixture.small, NULL), 30000);
  assert_progress (&first, 30000, SMALL_SIZE);

  request.resume_from = 10000; /* "in all": 20000 more bytes */
  run_download (&request, &again);
  assert_download_error (&again, ONEMO_ERROR_DOWNLOAD, "stalled");
  g_assert_cmpuint (g_bytes_get_size (again.data), ==, 20000);

  request.resume_from = 30000;
  request.stall_at = 0;
  run_download (&request, &resumed);
  g_assert_no_error (resumed.error);
  g_assert_cmpuint (g_bytes_get_size (resumed.data), ==, SMALL_SIZE - 30000);
}

static void
test_max_size (void)
{
  g_autofree char *url = test_server_url (fixture.http, "small.bin");
  g_autofree char *chunked_url = test_server_url (fixture.http, "chunked/small.bin");
  g_autofree char *ftp_url = test_server_url (fixture.ftp, "small.bin");
  const char *urls[] = { url, chunked_url, ftp_url };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++) {
    SimDownloadRequest request = { .url = urls[i], .user = USER, .password = PASSWORD };
    g_auto (Result) result = { 0 };
    g_auto (Result) fits = { 0 };

    g_test_message ("%s", urls[i]);
    request.max_size = SMALL_SIZE - 1;
    run_download (&request, &result);
    assert_download_error (&result, ONEMO_ERROR_DOWNLOAD, "larger");
    g_assert_cmpuint (g_bytes_get_size (result.data), <, SMALL_SIZE);
    request.max_size = SMALL_SIZE;
    run_download (&request, &fits);
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
  g_autofree char *url = test_server_url (fixture.http, "slow/big.bin");
  SimDownloadRequest request = { .url = url };
  g_auto (Result) result = { 0 };
  guint limit;

  result_init (&result);
  result.cancel_on_progress = TRUE;
  result.download = sim_download_start (&request, on_progress, on_done, &result);
  limit = g_timeout_add_seconds (WAIT_LIMIT_SEC, on_wait_limit, NULL);
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
  g_autofree char *url = test_server_url (fixture.http, "slow/big.bin");
  SimDownloadRequest request = { .url = url };
  SimDownloadRequest refused = { .url = NULL };
  g_auto (Result) result = { 0 };
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  result_init (&result);
  sim_download_cancel (sim_download_start (&request, on_progress, on_done, &result));
  sim_download_cancel (sim_download_start (&refused, on_progress, on_done, &result));
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
  g_auto (Result) result = { 0 };

  g_socket_close (socket, NULL); /* bound, never listened: the port stays free */
  g_assert_cmpfloat (run_download (&request, &result), <, 4.0);
  assert_download_error (&result, ONEMO_ERROR_DOWNLOAD, NULL);
}

/* A server that takes the connection and never answers fails within about the timeout. */
static void
test_silent_server (void)
{
  g_autofree char *url = NULL;
  g_autoptr (GSocket) socket = loopback_socket (&url);
  SimDownloadRequest request = { .url = url, .connect_timeout = 1 };
  g_auto (Result) result = { 0 };
  gdouble seconds;

  g_assert_true (g_socket_listen (socket, NULL)); /* the kernel accepts; nobody answers */
  seconds = run_download (&request, &result);
  assert_download_error (&result, ONEMO_ERROR_DOWNLOAD, NULL);
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
    SimDownloadRequest request = { .url = cases[i].url, .fs_root = fixture.fs_root };
    g_auto (Result) result = { 0 };

    run_download (&request, &result);
    assert_download_error (&result, cases[i].code, NULL);
    g_assert_cmpuint (g_bytes_get_size (result.data), ==, 0);
  }
}

/* Progress and done arrive on the context that was thread-default at start, not the global one. */
static gpointer
download_in_thread (gpointer url)
{
  g_autoptr (GMainContext) context = g_main_context_new ();
  SimDownloadRequest request = { .url = url };
  g_auto (Result) result = { 0 };

  g_main_context_push_thread_default (context);
  result.loop = g_main_loop_new (context, FALSE);
  result.received = g_array_new (FALSE, FALSE, sizeof (guint64));
  result.totals = g_array_new (FALSE, FALSE, sizeof (guint64));
  sim_download_start (&request, on_progress, on_done, &result);
  g_main_loop_run (result.loop);
  g_main_context_pop_thread_default (context);
  g_assert_no_error (result.error);
  return GSIZE_TO_POINTER (g_bytes_get_size (result.data));
}

static void
test_other_context (void)
{
  g_autofree char *url = test_server_url (fixture.http, "small.bin");
  GThread *thread = g_thread_new ("other-context", download_in_thread, url);

  g_assert_cmpuint (GPOINTER_TO_SIZE (g_thread_join (thread)), ==, SMALL_SIZE);
}

static GBytes *
pseudo_random_bytes (gsize size, guint32 seed)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  guint8 *bytes = g_malloc (size);

  for (gsize i = 0; i < size; i++)
    bytes[i] = (guint8)g_rand_int (rand);
  return g_bytes_new_take (bytes, size);
}

static void
write_file (const char *dir, const char *name, GBytes *bytes)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
}

static void
fixture_setup (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) big = pseudo_random_bytes (BIG_SIZE, 2);
  g_autofree char *file_dir = NULL;
  g_autofree char *escape = NULL;

  fixture.root = g_dir_make_tmp ("onemo-download-XXXXXX", &error);
  g_assert_no_error (error);
  fixture.small = pseudo_random_bytes (SMALL_SIZE, 1);
  write_file (fixture.root, "small.bin", fixture.small);
  write_file (fixture.root, "big.bin", big);
  /* The module's file system: <root>/fs, with a symlink pointing out of it. */
  fixture.fs_root = g_build_filename (fixture.root, "fs", NULL);
  file_dir = g_build_filename (fixture.fs_root, "usr", "myfile", NULL);
  g_assert_cmpint (g_mkdir_with_parents (file_dir, 0700), ==, 0);
  write_file (file_dir, "test.bin", fixture.small);
  escape = g_build_filename (fixture.fs_root, "escape", NULL);
  g_assert_cmpint (symlink (fixture.root, escape), ==, 0);

  fixture.http = test_server_start (TEST_SERVER_HTTP, fixture.root, NULL, NULL);
  fixture.http_auth = test_server_start (TEST_SERVER_HTTP, fixture.root, USER, PASSWORD);
  fixture.https = test_server_start (TEST_SERVER_HTTPS, fixture.root, NULL, NULL);
  fixture.ftp = test_server_start (TEST_SERVER_FTP, fixture.root, USER, PASSWORD);
  fixture.ftps = test_server_start (TEST_SERVER_FTPS, fixture.root, USER, PASSWORD);
}

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK)) {
    g_unlink (path);
    return;
  }
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
    g_autofree char *child = g_build_filename (path, name, NULL);
    remove_tree (child);
  }
  g_rmdir (path);
}

static void
fixture_teardown (void)
{
  g_clear_pointer (&fixture.http, test_server_stop);
  g_clear_pointer (&fixture.http_auth, test_server_stop);
  g_clear_pointer (&fixture.https, test_server_stop);
  g_clear_pointer (&fixture.ftp, test_server_stop);
  g_clear_pointer (&fixture.ftps, test_server_stop);
  remove_tree (fixture.root);
  g_clear_pointer (&fixture.root, g_free);
  g_clear_pointer (&fixture.fs_root, g_free);
  g_clear_pointer (&fixture.small, g_bytes_unref);
}

static void
skip_all (gconstpointer reason)
{
  g_test_skip (reason);
}

int
main (int argc, char **argv)
{
  g_autofree char *missing = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  if (!test_servers_available (&missing)) {
    g_test_add_data_func ("/sim/download/servers-missing", missing, skip_all);
    return g_test_run ();
  }
  g_test_add_func ("/sim/download/http", test_http);
  g_test_add_func ("/sim/download/http-auth", test_http_auth);
  g_test_add_func ("/sim/download/https", test_https);
  g_test_add_func ("/sim/download/ftp", test_ftp);
  g_test_add_func ("/sim/download/ftps", test_ftps);
  g_test_add_func ("/sim/download/file", test_file);
  g_test_add_func ("/sim/download/file-refused", test_file_refused);
  g_test_add_func ("/sim/download/chunked", test_chunked);
  g_test_add_func ("/sim/download/redirect", test_redirect);
  g_test_add_func ("/sim/download/resume-http", test_resume_http);
  g_test_add_func ("/sim/download/resume-ftp", test_resume_ftp);
  g_test_add_func ("/sim/download/stall", test_stall);
  g_test_add_func ("/sim/download/max-size", test_max_size);
  g_test_add_func ("/sim/download/cancel", test_cancel);
  g_test_add_func ("/sim/download/cancel-at-once", test_cancel_at_once);
  g_test_add_func ("/sim/download/unreachable", test_unreachable);
  g_test_add_func ("/sim/download/silent-server", test_silent_server);
  g_test_add_func ("/sim/download/refused-requests", test_refused_requests);
  g_test_add_func ("/sim/download/other-context", test_other_context);

  fixture_setup ();
  status = g_test_run ();
  fixture_teardown ();
  return status;
}
