/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Module-side downloads against real servers on 127.0.0.1 (tests/servers/serve.py): every
 * protocol, passwords, TLS, file:// in the module's file system, chunked replies, redirects,
 * resuming, and callbacks on another thread's context. Downloads that stop short are in
 * test-sim-download-faults.c. */
#include "onemo-error.h"
#include "sim-download-harness.h"

#include <string.h>

static void
test_http (void)
{
  g_autofree char *url = test_server_url (download_fixture.http, "small.bin");
  SimDownloadRequest request = { .url = url, .connect_timeout = 5 };
  g_auto (DownloadResult) result = { 0 };

  download_run (&request, &result);
  download_assert_whole_small_file (&result);
  g_assert_cmpuint (result.received->len, >=, SMALL_SIZE / 1024);
}

/* The right password gets the file; a wrong one fails with 855 and is not in the message. */
static void
assert_password_checked (TestServer *server)
{
  g_autofree char *url = test_server_url (server, "small.bin");
  SimDownloadRequest request = { .url = url, .user = USER, .password = PASSWORD };
  g_auto (DownloadResult) good = { 0 };
  g_auto (DownloadResult) bad = { 0 };

  download_run (&request, &good);
  download_assert_whole_small_file (&good);
  request.password = "wrong";
  download_run (&request, &bad);
  download_assert_error (&bad, ONEMO_ERROR_DOWNLOAD, NULL);
  g_assert_null (strstr (bad.error->message, "wrong"));
  g_assert_cmpuint (g_bytes_get_size (bad.data), ==, 0);
}

static void
test_http_auth (void)
{
  g_autofree char *url = test_server_url (download_fixture.http_auth, "small.bin");
  SimDownloadRequest request = { .url = url };
  g_auto (DownloadResult) none = { 0 };

  assert_password_checked (download_fixture.http_auth);
  download_run (&request, &none);
  download_assert_error (&none, ONEMO_ERROR_DOWNLOAD, "401");
}

static void
test_https (void)
{
  g_autofree char *url = test_server_url (download_fixture.https, "small.bin");
  SimDownloadRequest request = { .url = url, .connect_timeout = 5 };
  g_auto (DownloadResult) unchecked = { 0 };
  g_auto (DownloadResult) checked = { 0 };

  download_run (&request, &unchecked);
  download_assert_whole_small_file (&unchecked);
  request.verify_tls = TRUE; /* self-signed: a checking client refuses it */
  download_run (&request, &checked);
  download_assert_error (&checked, ONEMO_ERROR_DOWNLOAD, NULL);
  g_assert_cmpuint (g_bytes_get_size (checked.data), ==, 0);
}

static void
test_ftp (void)
{
  assert_password_checked (download_fixture.ftp);
}

static void
test_ftps (void)
{
  g_autofree char *url = test_server_url (download_fixture.ftps, "small.bin");
  g_autofree char *plain_url = g_strconcat ("ftp", url + strlen ("ftps"), NULL);
  SimDownloadRequest request = { .url = url, .user = USER, .password = PASSWORD };
  g_auto (DownloadResult) secure = { 0 };
  g_auto (DownloadResult) plain = { 0 };

  g_assert_true (g_str_has_prefix (url, "ftps://127.0.0.1:"));
  download_run (&request, &secure);
  download_assert_whole_small_file (&secure);
  /* The server insists on TLS, so the same URL as plain ftp:// must fail: TLS was really used. */
  request.url = plain_url;
  download_run (&request, &plain);
  download_assert_error (&plain, ONEMO_ERROR_DOWNLOAD, NULL);
}

/* Resumes at @offset and checks the halves make the original. */
static void
assert_resumes_url (const char *url, const char *fs_root, guint64 offset)
{
  SimDownloadRequest request = { .url = url, .user = USER, .password = PASSWORD };
  g_auto (DownloadResult) result = { 0 };
  g_autoptr (GByteArray) joined = g_byte_array_new ();
  gsize size = 0;
  const guint8 *rest;

  request.resume_from = offset;
  request.fs_root = fs_root;
  download_run (&request, &result);
  g_assert_no_error (result.error);
  g_assert_cmpuint (result.total, ==, SMALL_SIZE);
  download_assert_progress (&result, SMALL_SIZE, SMALL_SIZE);
  g_assert_cmpuint (g_array_index (result.received, guint64, 0), >, offset);
  rest = g_bytes_get_data (result.data, &size);
  g_assert_cmpuint (size, ==, SMALL_SIZE - offset);
  g_byte_array_append (joined, g_bytes_get_data (download_fixture.small, NULL), offset);
  g_byte_array_append (joined, rest, size);
  g_assert_cmpmem (joined->data, joined->len, g_bytes_get_data (download_fixture.small, NULL),
                   SMALL_SIZE);
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
    SimDownloadRequest request = { .url = urls[i], .fs_root = download_fixture.fs_root };
    g_auto (DownloadResult) result = { 0 };

    g_test_message ("%s", urls[i]);
    download_run (&request, &result);
    download_assert_whole_small_file (&result);
  }
  assert_resumes_url (urls[0], download_fixture.fs_root, 43210);
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
  g_auto (DownloadResult) no_root = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (escapes); i++) {
    SimDownloadRequest escape = { .url = escapes[i], .fs_root = download_fixture.fs_root };
    g_auto (DownloadResult) result = { 0 };

    g_test_message ("%s", escapes[i]);
    download_run (&escape, &result);
    download_assert_error (&result, ONEMO_ERROR_DOWNLOAD, NULL);
    g_assert_cmpuint (g_bytes_get_size (result.data), ==, 0);
  }
  download_run (&request, &no_root); /* a module without a file system */
  download_assert_error (&no_root, ONEMO_ERROR_URL_TYPE, NULL);
}

static void
test_chunked (void)
{
  g_autofree char *url = test_server_url (download_fixture.http, "chunked/small.bin");
  SimDownloadRequest request = { .url = url };
  g_auto (DownloadResult) result = { 0 };

  download_run (&request, &result);
  g_assert_no_error (result.error);
  g_assert_true (g_bytes_equal (result.data, download_fixture.small));
  g_assert_cmpuint (result.total, ==, 0);
  download_assert_progress (&result, SMALL_SIZE, 0);
}

static void
test_redirect (void)
{
  g_autofree char *url = test_server_url (download_fixture.http, "redirect/redirect/small.bin");
  g_autofree char *too_far = test_server_url (
      download_fixture.http, "redirect/redirect/redirect/redirect/redirect/redirect/small.bin");
  SimDownloadRequest request = { .url = url };
  g_auto (DownloadResult) result = { 0 };
  g_auto (DownloadResult) loop = { 0 };

  download_run (&request, &result);
  download_assert_whole_small_file (&result);
  request.url = too_far; /* six redirects: one more than a module follows */
  download_run (&request, &loop);
  download_assert_error (&loop, ONEMO_ERROR_DOWNLOAD, NULL);
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
  g_autofree char *url = test_server_url (download_fixture.http, "norange/small.bin");
  SimDownloadRequest request = { .url = url, .resume_from = 1000 };
  g_autofree char *whole_url = test_server_url (download_fixture.http, "small.bin");
  SimDownloadRequest complete = { .url = whole_url, .resume_from = SMALL_SIZE };
  g_auto (DownloadResult) ignored = { 0 };
  g_auto (DownloadResult) nothing_left = { 0 };

  assert_resumes (download_fixture.http, "small.bin", 43210);
  assert_resumes (download_fixture.http, "small.bin", SMALL_SIZE - 1);
  /* Everything was there already: the server's 416 means done, not failed. */
  download_run (&complete, &nothing_left);
  g_assert_no_error (nothing_left.error);
  g_assert_cmpuint (g_bytes_get_size (nothing_left.data), ==, 0);
  /* A server that sends the whole file again must not be appended to what the module has. */
  download_run (&request, &ignored);
  download_assert_error (&ignored, ONEMO_ERROR_DOWNLOAD, "resume");
}

static void
test_resume_ftp (void)
{
  assert_resumes (download_fixture.ftp, "small.bin", 43210);
  assert_resumes (download_fixture.ftps, "small.bin", 1);
}

/* Progress and done arrive on the context that was thread-default at start, not the global one. */
static gpointer
download_in_thread (gpointer url)
{
  g_autoptr (GMainContext) context = g_main_context_new ();
  SimDownloadRequest request = { .url = url };
  g_auto (DownloadResult) result = { 0 };

  g_main_context_push_thread_default (context);
  result.loop = g_main_loop_new (context, FALSE);
  result.received = g_array_new (FALSE, FALSE, sizeof (guint64));
  result.totals = g_array_new (FALSE, FALSE, sizeof (guint64));
  sim_download_start (&request, download_on_progress, download_on_done, &result);
  g_main_loop_run (result.loop);
  g_main_context_pop_thread_default (context);
  g_assert_no_error (result.error);
  return GSIZE_TO_POINTER (g_bytes_get_size (result.data));
}

static void
test_other_context (void)
{
  g_autofree char *url = test_server_url (download_fixture.http, "small.bin");
  GThread *thread = g_thread_new ("other-context", download_in_thread, url);

  g_assert_cmpuint (GPOINTER_TO_SIZE (g_thread_join (thread)), ==, SMALL_SIZE);
}

static void
add_tests (void)
{
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
  g_test_add_func ("/sim/download/other-context", test_other_context);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  return download_test_main ("/sim/download/servers-missing", add_tests);
}
