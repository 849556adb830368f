/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The daemon's host-side fetch, through the fetch helper, against real servers on 127.0.0.1
 * (tests/servers/serve.py): packages, progress, caps, redirects, TLS, FTP, cancellation. Its
 * limits and the helper's own failures: test-fetch-limits.c. */
#include "fetch-fixture.h"

#include <string.h>
#include <unistd.h>

static void
test_refused_requests (void)
{
  g_autofree char *url = test_server_url (fixture.http, "pkg.bin");
  g_autoptr (GBytes) empty = g_bytes_new ("", 0);
  g_autoptr (GBytes) with_nul = g_bytes_new ("-----BEGIN\0", 11);
  g_autofree char *huge_pem = g_strnfill (ONEMO_FETCH_MAX_CA_SIZE + 1, 'A');
  g_autoptr (GBytes) huge = g_bytes_new (huge_pem, ONEMO_FETCH_MAX_CA_SIZE + 1);
  const OnemoFetchOptions empty_ca = { .ca = empty };
  const OnemoFetchOptions binary_ca = { .ca = with_nul };
  const OnemoFetchOptions huge_ca = { .ca = huge };
  const OnemoFetchOptions broken_user = { .user = "onemo\r\nDELE pkg.bin", .password = "x" };
  const OnemoFetchOptions broken_password = { .user = USER, .password = "pw\nQUIT" };

  assert_fails ("file:///etc/passwd", NULL, ONEMO_ERROR_INVALID_ARGUMENT, TRUE, "scheme");
  assert_fails ("gopher://127.0.0.1/", NULL, ONEMO_ERROR_INVALID_ARGUMENT, TRUE, "scheme");
  assert_fails ("", NULL, ONEMO_ERROR_INVALID_ARGUMENT, TRUE, NULL);
  assert_fails (url, &empty_ca, ONEMO_ERROR_INVALID_ARGUMENT, TRUE, "CA bundle");
  assert_fails (url, &binary_ca, ONEMO_ERROR_INVALID_ARGUMENT, TRUE, "CA bundle");
  assert_fails (url, &huge_ca, ONEMO_ERROR_INVALID_ARGUMENT, TRUE, "CA bundle");
  assert_fails (url, &broken_user, ONEMO_ERROR_INVALID_ARGUMENT, TRUE, "user name");
  assert_fails (url, &broken_password, ONEMO_ERROR_INVALID_ARGUMENT, TRUE, "password");
}

/* ---- HTTP ---- */

static void
test_http (void)
{
  g_autofree char *url = test_server_url (fixture.http, "pkg.bin");
  g_autofree char *small_url = test_server_url (fixture.http, "small.bin");

  /* 1 % of the size, not 64 KiB, sets the pace here. */
  g_assert_cmpuint (assert_fetches (url, NULL, fixture.pkg, TRUE), >=, 100);
  assert_fetches (small_url, NULL, fixture.small, TRUE);
}

static void
test_http_chunked (void)
{
  g_autofree char *url = test_server_url (fixture.http, "chunked/pkg.bin");

  assert_fetches (url, NULL, fixture.pkg, FALSE);
}

static void
test_http_auth (void)
{
  g_autofree char *url = test_server_url (fixture.http_auth, "small.bin");
  const OnemoFetchOptions good = { .user = USER, .password = PASSWORD };
  const OnemoFetchOptions bad = { .user = USER, .password = "wrong-pw" };

  assert_fetches (url, &good, fixture.small, TRUE);
  assert_fails (url, &bad, ONEMO_ERROR_DOWNLOAD, TRUE, "401");
  assert_fails (url, NULL, ONEMO_ERROR_DOWNLOAD, TRUE, "401");
}

static void
test_http_not_found (void)
{
  g_autofree char *url = test_server_url (fixture.http, "missing.bin");

  assert_fails (url, NULL, ONEMO_ERROR_DOWNLOAD, TRUE, "404");
}

static void
test_http_empty (void)
{
  g_autofree char *url = test_server_url (fixture.http, "empty.bin");

  assert_fails (url, NULL, ONEMO_ERROR_INVALID_ARGUMENT, TRUE, "empty");
}

/* ---- the size cap ---- */

/* Announced (Content-Length): refused before a byte; streamed: never a report past the cap. */
static void
assert_capped (const char *path, guint64 cap, gboolean announced)
{
  g_auto (Run) run;
  g_autofree char *url = test_server_url (fixture.http, path);
  g_autofree char *expected = g_strdup_printf ("cap of %" G_GUINT64_FORMAT " bytes", cap);
  const OnemoFetchOptions options = { .max_size = cap };

  run_init (&run);
  run_fetch (&run, url, &options);
  g_assert_error (run.error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (run.error->message, expected));
  if (announced)
    g_assert_cmpuint (run.done->len, ==, 0);
  for (guint i = 0; i < run.done->len; i++)
    g_assert_cmpuint (g_array_index (run.done, guint64, i), <=, cap);
}

static void
test_cap (void)
{
  g_autofree char *url = test_server_url (fixture.http, "chunked/pkg.bin");
  const OnemoFetchOptions at_cap = { .max_size = PKG_SIZE };

  assert_capped ("pkg.bin", PKG_SIZE - 1, TRUE);
  assert_capped ("chunked/pkg.bin", PKG_SIZE - 1, FALSE);
  assert_capped ("chunked/pkg.bin", 100000, FALSE);
  assert_fetches (url, &at_cap, fixture.pkg, FALSE);
}

/* ---- redirects ---- */

static char *
redirect_url (const char *target)
{
  g_autofree char *escaped = g_uri_escape_string (target, NULL, FALSE);
  g_autofree char *path = g_strconcat ("to/", escaped, NULL);

  return test_server_url (fixture.http, path);
}

/* A download begun over TLS stays under TLS: https may redirect to https, never to http. */
static void
test_redirects (void)
{
  g_autofree char *once = test_server_url (fixture.http, "redirect/pkg.bin");
  g_autofree char *five
      = test_server_url (fixture.http, "redirect/redirect/redirect/redirect/redirect/small.bin");
  g_autofree char *six = test_server_url (
      fixture.http, "redirect/redirect/redirect/redirect/redirect/redirect/small.bin");
  g_autofree char *https_target = test_server_url (fixture.https, "small.bin");
  g_autofree char *to_https = redirect_url (https_target);
  g_autofree char *to_file = redirect_url ("file:///etc/passwd");
  g_autofree char *to_gopher = redirect_url ("gopher://127.0.0.1:70/1");
  g_autofree char *to_scp = redirect_url ("scp://127.0.0.1/pkg.bin");
  const OnemoFetchOptions trusted = { .ca = fixture.https_ca };

  assert_fetches (once, NULL, fixture.pkg, TRUE);
  assert_fetches (five, NULL, fixture.small, TRUE);
  assert_fails (six, NULL, ONEMO_ERROR_DOWNLOAD, TRUE, "redirects");
  assert_fetches (to_https, &trusted, fixture.small, TRUE);
  assert_fails (to_https, NULL, ONEMO_ERROR_DOWNLOAD, TRUE, "certificate");
  assert_fails (to_file, NULL, ONEMO_ERROR_DOWNLOAD, TRUE, "\"file\"");
  assert_fails (to_gopher, NULL, ONEMO_ERROR_DOWNLOAD, TRUE, "\"gopher\"");
  assert_fails (to_scp, NULL, ONEMO_ERROR_DOWNLOAD, TRUE, "\"scp\"");
}

/* ---- TLS and FTP ---- */

static void
test_https (void)
{
  g_autofree char *url = test_server_url (fixture.https, "pkg.bin");
  const OnemoFetchOptions trusted = { .ca = fixture.https_ca };
  const OnemoFetchOptions other_ca = { .ca = fixture.ftps_ca };
  g_autofree char *by_name
      = g_strdup_printf ("https://localhost:%u/pkg.bin", test_server_port (fixture.https));

  assert_fails (url, NULL, ONEMO_ERROR_DOWNLOAD, TRUE, "certificate");
  /* The given bundle is the only one trusted: another self-signed certificate fails. */
  assert_fails (url, &other_ca, ONEMO_ERROR_DOWNLOAD, TRUE, "certificate");
  assert_fetches (url, &trusted, fixture.pkg, TRUE);
  /* The right certificate for another name: the host name is checked too. */
  assert_fails (by_name, &trusted, ONEMO_ERROR_DOWNLOAD, TRUE, "localhost");
}

static void
test_ftp (void)
{
  g_autofree char *url = test_server_url (fixture.ftp, "pkg.bin");
  g_autofree char *missing_url = test_server_url (fixture.ftp, "missing.bin");
  const OnemoFetchOptions good = { .user = USER, .password = PASSWORD };
  const OnemoFetchOptions bad = { .user = USER, .password = "wrong-pw" };
  const OnemoFetchOptions capped = { .user = USER, .password = PASSWORD, .max_size = PKG_SIZE - 1 };

  assert_fetches (url, &good, fixture.pkg, TRUE);
  assert_fails (url, &capped, ONEMO_ERROR_INVALID_ARGUMENT, TRUE, "cap of");
  assert_fails (url, &bad, ONEMO_ERROR_DOWNLOAD, TRUE, NULL);
  assert_fails (url, NULL, ONEMO_ERROR_DOWNLOAD, TRUE, NULL);
  assert_fails (missing_url, &good, ONEMO_ERROR_DOWNLOAD, TRUE, NULL);
}

/* ftps:// is explicit TLS, which the server requires for the login and the data. */
static void
test_ftps (void)
{
  g_autofree char *url = test_server_url (fixture.ftps, "small.bin");
  g_autofree char *upper = g_strconcat ("FTPS", url + strlen ("ftps"), NULL);
  const OnemoFetchOptions trusted = { .user = USER, .password = PASSWORD, .ca = fixture.ftps_ca };
  const OnemoFetchOptions untrusted = { .user = USER, .password = PASSWORD };

  g_assert_true (g_str_has_prefix (url, "ftps://"));
  assert_fetches (url, &trusted, fixture.small, TRUE);
  assert_fetches (upper, &trusted, fixture.small, TRUE);
  assert_fails (url, &untrusted, ONEMO_ERROR_DOWNLOAD, TRUE, "certificate");
}

/* ---- failures of the network ---- */

static GSocket *
bound_socket (gboolean listening, guint16 *out_port)
{
  g_autoptr (GSocket) socket
      = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;

  g_assert_nonnull (socket);
  g_assert_true (g_socket_bind (socket, address, FALSE, NULL));
  if (listening)
    g_assert_true (g_socket_listen (socket, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  *out_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  return g_steal_pointer (&socket);
}

/* A port bound but not listening refuses at once: no waiting for the connect timeout. */
static void
test_unreachable (void)
{
  guint16 port = 0;
  g_autoptr (GSocket) closed = bound_socket (FALSE, &port);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/pkg.bin", port);
  gint64 start = g_get_monotonic_time ();
  g_auto (Run) run;

  g_assert_nonnull (closed); /* held, bound and not listening, until the test ends */
  run_init (&run);
  run_fetch (&run, url, NULL);
  g_assert_error (run.error, ONEMO_ERROR, ONEMO_ERROR_DOWNLOAD);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
}

/* A server that takes the connection (the kernel's backlog) but never answers. */
static void
test_silent_server (void)
{
  guint16 port = 0;
  g_autoptr (GSocket) silent = bound_socket (TRUE, &port);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/pkg.bin", port);
  const OnemoFetchOptions options = { .connect_timeout_s = 1 };
  gint64 start = g_get_monotonic_time ();
  g_auto (Run) run;

  g_assert_nonnull (silent); /* held, listening and never accepting, until the test ends */
  run_init (&run);
  run_fetch (&run, url, &options);
  g_assert_error (run.error, ONEMO_ERROR, ONEMO_ERROR_TIMEOUT);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, G_USEC_PER_SEC - G_USEC_PER_SEC / 10);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
}

/* ---- cancelling ---- */

/* Cancelled mid-transfer from the progress callback: CANCELLED at once, and nothing left behind,
 * neither a source on the context nor a thread nor a socket or file. */
static void
test_cancel (void)
{
  g_autofree char *url = test_server_url (fixture.http, "slow/big.bin");
  guint threads = count_entries ("/proc/self/task");
  guint fds = count_entries ("/proc/self/fd");
  g_auto (Run) run;

  g_assert_false (g_main_context_pending (NULL));
  run_init (&run);
  run.cancel_at = 128 * 1024;
  run_fetch (&run, url, NULL);
  g_assert_error (run.error, ONEMO_ERROR, ONEMO_ERROR_CANCELLED);
  g_assert_cmpint (run.cancelled_time, >, 0);
  g_assert_cmpint (run.finished_time - run.cancelled_time, <, G_USEC_PER_SEC / 2);
  /* No report after the cancellation. */
  g_assert_cmpuint (g_array_index (run.done, guint64, run.done->len - 1), >=, run.cancel_at);
  g_assert_cmpuint (g_array_index (run.done, guint64, run.done->len - 1), <, BIG_SIZE);
  for (guint i = 0; i + 1 < run.done->len; i++)
    g_assert_cmpuint (g_array_index (run.done, guint64, i), <, run.cancel_at);

  g_assert_false (g_main_context_pending (NULL));
  g_assert_cmpuint (count_entries ("/proc/self/task"), ==, threads);
  assert_nothing_left (fds);
}

static gboolean
cancel_now (gpointer user_data)
{
  Run *run = user_data;

  run->cancelled_time = g_get_monotonic_time ();
  g_cancellable_cancel (run->cancellable);
  return G_SOURCE_REMOVE;
}

/* Cancelled from the main loop while curl waits for an answer that never comes. */
static void
test_cancel_waiting (void)
{
  guint16 port = 0;
  g_autoptr (GSocket) silent = bound_socket (TRUE, &port);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/pkg.bin", port);
  guint fds = count_entries ("/proc/self/fd");
  g_auto (Run) run;

  g_assert_nonnull (silent);
  run_init (&run);
  g_timeout_add (700, cancel_now, &run);
  run_fetch (&run, url, NULL);
  g_assert_error (run.error, ONEMO_ERROR, ONEMO_ERROR_CANCELLED);
  g_assert_cmpint (run.finished_time - run.cancelled_time, <, G_USEC_PER_SEC / 8);
  g_test_message ("cancel latency %" G_GINT64_FORMAT " us", run.finished_time - run.cancelled_time);
  g_assert_false (g_main_context_pending (NULL));
  assert_nothing_left (fds);
}

static void
test_cancel_before (void)
{
  g_autofree char *url = test_server_url (fixture.http, "pkg.bin");
  g_auto (Run) run;

  run_init (&run);
  g_cancellable_cancel (run.cancellable);
  run_fetch (&run, url, NULL);
  g_assert_error (run.error, ONEMO_ERROR, ONEMO_ERROR_CANCELLED);
  g_assert_cmpuint (run.done->len, ==, 0);
}

static gpointer
fetch_in_thread (gpointer url)
{
  g_autoptr (GMainContext) context = g_main_context_new ();

  g_main_context_push_thread_default (context);
  assert_fetches (url, NULL, fixture.pkg, TRUE);
  g_assert_false (g_main_context_pending (context));
  g_main_context_pop_thread_default (context);
  return NULL;
}

/* A fetch started under another thread-default context lives there: every callback comes in
 * that thread, and the global default context sees nothing. */
static void
test_other_context (void)
{
  g_autofree char *url = test_server_url (fixture.http, "pkg.bin");
  GThread *thread = g_thread_new ("fetch", fetch_in_thread, url);

  g_thread_join (thread);
  g_assert_false (g_main_context_pending (NULL));
}

/* Completed fetches leave nothing behind either. */
static void
test_nothing_left (void)
{
  g_autofree char *url = test_server_url (fixture.http, "small.bin");
  guint threads = count_entries ("/proc/self/task");
  guint fds = count_entries ("/proc/self/fd");

  for (guint i = 0; i < 3; i++) {
    g_auto (Run) run;

    run_init (&run);
    run_fetch (&run, url, NULL);
    assert_package (&run, fixture.small);
    g_assert_false (g_main_context_pending (NULL));
  }
  g_assert_cmpuint (count_entries ("/proc/self/task"), ==, threads);
  assert_nothing_left (fds);
}

static void
add_tests (void)
{
  g_test_add_func ("/fetch/refused", test_refused_requests);
  g_test_add_func ("/fetch/http/package", test_http);
  g_test_add_func ("/fetch/http/chunked", test_http_chunked);
  g_test_add_func ("/fetch/http/auth", test_http_auth);
  g_test_add_func ("/fetch/http/not-found", test_http_not_found);
  g_test_add_func ("/fetch/http/empty", test_http_empty);
  g_test_add_func ("/fetch/cap", test_cap);
  g_test_add_func ("/fetch/redirects", test_redirects);
  g_test_add_func ("/fetch/https", test_https);
  g_test_add_func ("/fetch/ftp", test_ftp);
  g_test_add_func ("/fetch/ftps", test_ftps);
  g_test_add_func ("/fetch/unreachable", test_unreachable);
  g_test_add_func ("/fetch/silent-server", test_silent_server);
  g_test_add_func ("/fetch/cancel/mid-transfer", test_cancel);
  g_test_add_func ("/fetch/cancel/waiting", test_cancel_waiting);
  g_test_add_func ("/fetch/cancel/before", test_cancel_before);
  g_test_add_func ("/fetch/nothing-left", test_nothing_left);
  g_test_add_func ("/fetch/other-context", test_other_context);
}

int
main (int argc, char **argv)
{
  return fetch_fixture_main (argc, argv, add_tests);
}
