/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The daemon's host-side fetch against real servers on 127.0.0.1 (tests/servers/serve.py). */
#include "onemo-error.h"
#include "onemo-fetch.h"
#include "test-servers.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PKG_SIZE       (1024 * 1024 + 123) /* 1 % is not a round number */
#define SMALL_SIZE     9000                /* the manual's smallest packages are about 9 KB */
#define BIG_SIZE       (3 * 1024 * 1024)
#define WAIT_LIMIT_SEC 30
#define USER           "onemo"
#define PASSWORD       "s3cret-pw"

/* One set of servers and files for the whole run: starting them is the slow part. */
static struct {
  char *root;
  GBytes *pkg;
  GBytes *small;
  TestServer *http;
  TestServer *http_auth;
  TestServer *https;
  TestServer *ftp;
  TestServer *ftps;
  GBytes *https_ca;
  GBytes *ftps_ca;
} fixture;

typedef struct {
  GMainLoop *loop;
  GArray *done; /* guint64 per progress report */
  GArray *totals;
  GCancellable *cancellable;
  guint64 cancel_at; /* cancel from the progress callback once this much arrived; 0: never */
  gint64 cancelled_time;
  gint64 finished_time;
  gboolean finished;
  int fd;
  guint64 size;
  GError *error;
  GThread *thread; /* every callback must come here */
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->loop, g_main_loop_unref);
  g_clear_pointer (&run->done, g_array_unref);
  g_clear_pointer (&run->totals, g_array_unref);
  g_clear_object (&run->cancellable);
  if (run->fd >= 0)
    close (run->fd);
  g_clear_error (&run->error);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
run_init (Run *run)
{
  memset (run, 0, sizeof *run);
  run->loop = g_main_loop_new (g_main_context_get_thread_default (), FALSE);
  run->thread = g_thread_self ();
  run->done = g_array_new (FALSE, FALSE, sizeof (guint64));
  run->totals = g_array_new (FALSE, FALSE, sizeof (guint64));
  run->cancellable = g_cancellable_new ();
  run->fd = -1;
}

static void
on_progress (guint64 done, guint64 total, gpointer user_data)
{
  Run *run = user_data;

  g_assert_true (g_thread_self () == run->thread);
  g_assert_false (run->finished);
  g_array_append_val (run->done, done);
  g_array_append_val (run->totals, total);
  if (run->cancel_at > 0 && done >= run->cancel_at && run->cancelled_time == 0) {
    run->cancelled_time = g_get_monotonic_time ();
    g_cancellable_cancel (run->cancellable);
  }
}

static void
on_fetched (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Run *run = user_data;

  g_assert_true (g_thread_self () == run->thread);
  g_assert_false (run->finished);
  run->fd = onemo_fetch_finish (result, &run->size, &run->error);
  run->finished = TRUE;
  run->finished_time = g_get_monotonic_time ();
  g_main_loop_quit (run->loop);
}

static gboolean
on_too_long (gpointer user_data)
{
  g_error ("no fetch result within %d s", WAIT_LIMIT_SEC);
  return G_SOURCE_REMOVE;
}

/* Fetches @url on the thread-default main context; the guard timer is gone again on return. */
static void
run_fetch (Run *run, const char *url, const OnemoFetchOptions *options)
{
  g_autoptr (GSource) guard = g_timeout_source_new_seconds (WAIT_LIMIT_SEC);
  OnemoFetchOptions with_helper = { 0 };

  /* The helper just built, unless the test names its own. */
  if (options != NULL)
    with_helper = *options;
  if (with_helper.helper == NULL)
    with_helper.helper = g_getenv ("ONEMO_FETCH_HELPER");
  g_source_set_callback (guard, on_too_long, NULL, NULL);
  g_source_attach (guard, g_main_loop_get_context (run->loop));
  onemo_fetch_async (url, &with_helper, on_progress, run, run->cancellable, on_fetched, run);
  g_main_loop_run (run->loop);
  g_source_destroy (guard);
  g_assert_true (run->finished);
  g_assert_true ((run->fd >= 0) == (run->error == NULL));
  if (run->error != NULL)
    g_test_message ("%s: %s", onemo_error_code_to_name (run->error->code), run->error->message);
}

static GBytes *
read_fd (int fd)
{
  GByteArray *bytes = g_byte_array_new ();
  guint8 buffer[65536];
  gssize got;

  while ((got = read (fd, buffer, sizeof buffer)) > 0)
    g_byte_array_append (bytes, buffer, (guint)got);
  g_assert_cmpint (got, ==, 0);
  return g_byte_array_free_to_bytes (bytes);
}

/* The fd is an anonymous file at offset 0 holding exactly @expected. */
static void
assert_package (Run *run, GBytes *expected)
{
  struct stat info;
  g_autoptr (GBytes) got = NULL;

  g_assert_no_error (run->error);
  g_assert_cmpint (run->fd, >=, 0);
  g_assert_cmpuint (run->size, ==, g_bytes_get_size (expected));
  g_assert_cmpint (fstat (run->fd, &info), ==, 0);
  g_assert_cmpuint (info.st_nlink, ==, 0);
  g_assert_true (S_ISREG (info.st_mode));
  g_assert_cmpint ((gint64)info.st_size, ==, (gint64)run->size);
  g_assert_cmpint (lseek (run->fd, 0, SEEK_CUR), ==, 0);
  got = read_fd (run->fd);
  g_assert_true (g_bytes_equal (got, expected));
}

/* Non-decreasing, no further apart than 1 % of the total or 64 KiB, ending at the size. */
static void
assert_progress (Run *run, guint64 size, gboolean total_known)
{
  guint64 step = total_known ? CLAMP (size / 100, 1, ONEMO_FETCH_PROGRESS_MAX_STEP)
                             : ONEMO_FETCH_PROGRESS_MAX_STEP;
  guint64 previous = 0;
  guint n = run->done->len;

  g_assert_cmpuint (n, >, 0);
  for (guint i = 0; i < n; i++) {
    guint64 done = g_array_index (run->done, guint64, i);
    guint64 total = g_array_index (run->totals, guint64, i);

    g_assert_cmpuint (done, >=, previous);
    g_assert_cmpuint (done - previous, <=, step);
    g_assert_cmpuint (done, <=, size);
    if (i + 1 < n)
      g_assert_cmpuint (total, ==, total_known ? size : 0);
    previous = done;
  }
  g_assert_cmpuint (g_array_index (run->done, guint64, n - 1), ==, size);
  g_assert_cmpuint (g_array_index (run->totals, guint64, n - 1), ==, size);
}

static guint
count_entries (const char *folder)
{
  g_autoptr (GDir) dir = g_dir_open (folder, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* No helper left, not even a zombie: the fetch reaped it before its callback. */
static void
assert_no_children (void)
{
  g_autoptr (GDir) tasks = g_dir_open ("/proc/self/task", 0, NULL);
  const char *tid;

  while ((tid = g_dir_read_name (tasks)) != NULL) {
    g_autofree char *path = g_strdup_printf ("/proc/self/task/%s/children", tid);
    g_autofree char *children = NULL;

    g_auto (GStrv) pids = NULL;

    g_assert_true (g_file_get_contents (path, &children, NULL, NULL));
    pids = g_strsplit (g_strstrip (children), " ", -1);
    /* The test servers are children too: only they may be there, and alive. */
    for (guint i = 0; pids[i] != NULL && *pids[i] != '\0'; i++) {
      g_autofree char *stat_path = g_strdup_printf ("/proc/%s/stat", pids[i]);
      g_autofree char *stat = NULL;

      g_assert_true (g_file_get_contents (stat_path, &stat, NULL, NULL));
      g_assert_null (strstr (stat, "(onemo-firmware"));
      g_assert_null (strstr (stat, ") Z "));
    }
  }
}

/* Back to @fds open files at most (a previous fetch's may have closed meanwhile). GLib's child
 * watch closes its pidfd in its worker thread just after it told the fetch the helper was
 * reaped, so that one may take a moment. */
static void
assert_nothing_left (guint fds)
{
  gint64 deadline = g_get_monotonic_time () + G_USEC_PER_SEC;

  assert_no_children ();
  while (count_entries ("/proc/self/fd") > fds && g_get_monotonic_time () < deadline)
    g_usleep (10000);
  g_assert_cmpuint (count_entries ("/proc/self/fd"), <=, fds);
}

/* Fetches @url and checks the package and the progress; returns how many reports came. */
static guint
assert_fetches (const char *url, const OnemoFetchOptions *options, GBytes *expected,
                gboolean total_known)
{
  g_auto (Run) run;

  run_init (&run);
  run_fetch (&run, url, options);
  assert_package (&run, expected);
  assert_progress (&run, g_bytes_get_size (expected), total_known);
  return run.done->len;
}

/* Fetches @url, which must fail with @code, before any byte arrived when @no_bytes, with
 * @needle in the message if not NULL, and never with @secret in it. */
static void
assert_fails (const char *url, const OnemoFetchOptions *options, OnemoError code, gboolean no_bytes,
              const char *needle)
{
  g_auto (Run) run;

  run_init (&run);
  run_fetch (&run, url, options);
  g_assert_error (run.error, ONEMO_ERROR, (gint)code);
  if (no_bytes)
    g_assert_cmpuint (run.done->len, ==, 0);
  if (needle != NULL)
    g_assert_nonnull (strstr (run.error->message, needle));
  if (options != NULL && options->password != NULL)
    g_assert_null (strstr (run.error->message, options->password));
}

/* Refusals come through the callback too, before any connection. */
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
redirect_url_on (TestServer *server, const char *target)
{
  g_autofree char *escaped = g_uri_escape_string (target, NULL, FALSE);
  g_autofree char *path = g_strconcat ("to/", escaped, NULL);

  return test_server_url (server, path);
}

static char *
redirect_url (const char *target)
{
  return redirect_url_on (fixture.http, target);
}

/* A download begun over TLS stays under TLS: https may redirect to https, never to http. */
static void
test_redirects_from_https (void)
{
  g_autofree char *http_target = test_server_url (fixture.http, "small.bin");
  g_autofree char *https_target = test_server_url (fixture.https, "small.bin");
  g_autofree char *to_http = redirect_url_on (fixture.https, http_target);
  g_autofree char *to_https = redirect_url_on (fixture.https, https_target);
  g_autofree char *to_ftp = redirect_url_on (fixture.https, "ftp://127.0.0.1/small.bin");
  g_autofree char *once = test_server_url (fixture.https, "redirect/small.bin");
  const OnemoFetchOptions trusted = { .ca = fixture.https_ca };

  assert_fetches (once, &trusted, fixture.small, TRUE);
  assert_fetches (to_https, &trusted, fixture.small, TRUE);
  assert_fails (to_http, &trusted, ONEMO_ERROR_DOWNLOAD, TRUE, "only follows redirects to https");
  assert_fails (to_ftp, &trusted, ONEMO_ERROR_DOWNLOAD, TRUE, "only follows redirects to https");
}

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

/* ---- servers that never quite stop ---- */

/* A byte every half second: no silence as long as the window, yet far below the low-speed
 * limit for all of it. Given up after the window, not when the package would end (5000 s). */
static void
test_drip_low_speed (void)
{
  g_autofree char *url = test_server_url (fixture.http, "drip/small.bin");
  const OnemoFetchOptions options = { .connect_timeout_s = 2 };
  gint64 start = g_get_monotonic_time ();
  g_auto (Run) run;

  run_init (&run);
  run_fetch (&run, url, &options);
  g_assert_error (run.error, ONEMO_ERROR, ONEMO_ERROR_TIMEOUT);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 2 * G_USEC_PER_SEC - G_USEC_PER_SEC / 10);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 6 * G_USEC_PER_SEC);
  assert_no_children ();
}

/* Fast enough for any low-speed limit, too long for the whole fetch's. */
static void
test_overall_limit (void)
{
  g_autofree char *url = test_server_url (fixture.http, "slow/big.bin");
  const OnemoFetchOptions options = { .timeout_s = 1, .low_speed = 1 };
  gint64 start = g_get_monotonic_time ();
  g_auto (Run) run;

  run_init (&run);
  run_fetch (&run, url, &options);
  g_assert_error (run.error, ONEMO_ERROR, ONEMO_ERROR_TIMEOUT);
  g_assert_cmpuint (run.done->len, >, 0); /* it was flowing */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 4 * G_USEC_PER_SEC);
  assert_no_children ();
}

/* ---- the helper ---- */

static char *
probe_path (void)
{
  return g_build_filename (g_getenv ("ONEMO_TEST_SRCDIR"), "fetch-helper-probe.py", NULL);
}

/* The helper gets no environment variable but the proxies' and no fd but its stdin, stdout and
 * stderr, and its request (the password travels there, never in argv or the environment). */
static void
test_helper_clean_start (void)
{
  g_autofree char *url = test_server_url (fixture.http, "small.bin");
  g_autofree char *probe = probe_path ();
  const OnemoFetchOptions options = { .helper = probe, .user = USER, .password = PASSWORD };
  g_auto (Run) run;

  g_assert_nonnull (g_getenv ("ONEMO_SHOULD_NOT_LEAK"));
  run_init (&run);
  run_fetch (&run, url, &options);
  g_assert_error (run.error, ONEMO_ERROR, ONEMO_ERROR_FAILED);
  g_assert_true (g_str_has_prefix (run.error->message, "env=['no_proxy'] fds=[0, 1, 2] request="));
  g_assert_null (strstr (run.error->message, "request=0"));
}

/* A helper that never answers is killed at the daemon's own deadline, and reaped. */
static void
test_helper_hangs (void)
{
  g_autofree char *url = test_server_url (fixture.http, "small.bin");
  g_autofree char *probe = probe_path ();
  g_autofree char *folder = g_dir_make_tmp ("onemo-fetch-helper-XXXXXX", NULL);
  g_autofree char *hang = g_build_filename (folder, "probe-hang", NULL);
  const OnemoFetchOptions options = { .helper = hang, .timeout_s = 1 };
  gint64 start = g_get_monotonic_time ();
  g_auto (Run) run;

  g_assert_no_errno (symlink (probe, hang));
  run_init (&run);
  run_fetch (&run, url, &options);
  g_unlink (hang);
  g_rmdir (folder);
  g_assert_error (run.error, ONEMO_ERROR, ONEMO_ERROR_TIMEOUT);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, G_USEC_PER_SEC);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
  assert_no_children ();
}

/* A helper that is missing or breaks the framing is FAILED, never a package. */
static void
test_helper_broken (void)
{
  g_autofree char *url = test_server_url (fixture.http, "small.bin");
  const OnemoFetchOptions missing = { .helper = "/nonexistent/onemo-firmware-fetch" };
  const OnemoFetchOptions echo = { .helper = "/bin/cat" }; /* sends the request back */
  const OnemoFetchOptions chatter = { .helper = "/usr/bin/yes" };

  assert_fails (url, &missing, ONEMO_ERROR_FAILED, TRUE, "fetch helper");
  assert_fails (url, &echo, ONEMO_ERROR_FAILED, TRUE, "fetch helper");
  assert_fails (url, &chatter, ONEMO_ERROR_FAILED, TRUE, "fetch helper");
  assert_no_children ();
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

/* ---- the fixture ---- */

static GBytes *
write_file (const char *name, gsize size, guint32 seed)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  g_autofree guint8 *data = g_malloc (size ? size : 1);
  g_autofree char *path = g_build_filename (fixture.root, name, NULL);
  g_autoptr (GError) error = NULL;

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8)g_rand_int_range (rand, 0, 256);
  g_file_set_contents (path, (const char *)data, (gssize)size, &error);
  g_assert_no_error (error);
  return g_bytes_new (data, size);
}

/* The CA bundle as a caller gives it: bytes, never a path. */
static GBytes *
read_file_bytes (const char *path)
{
  g_autoptr (GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

static void
fixture_set_up (void)
{
  g_autoptr (GBytes) big = NULL;
  g_autoptr (GBytes) empty = NULL;

  fixture.root = g_dir_make_tmp ("onemo-fetch-root-XXXXXX", NULL);
  g_assert_nonnull (fixture.root);
  fixture.pkg = write_file ("pkg.bin", PKG_SIZE, 1);
  fixture.small = write_file ("small.bin", SMALL_SIZE, 2);
  big = write_file ("big.bin", BIG_SIZE, 3);
  empty = write_file ("empty.bin", 0, 4);
  fixture.http = test_server_start (TEST_SERVER_HTTP, fixture.root, NULL, NULL);
  fixture.http_auth = test_server_start (TEST_SERVER_HTTP, fixture.root, USER, PASSWORD);
  fixture.https = test_server_start (TEST_SERVER_HTTPS, fixture.root, NULL, NULL);
  fixture.ftp = test_server_start (TEST_SERVER_FTP, fixture.root, USER, PASSWORD);
  fixture.ftps = test_server_start (TEST_SERVER_FTPS, fixture.root, USER, PASSWORD);
  fixture.https_ca = read_file_bytes (test_server_ca_file (fixture.https));
  fixture.ftps_ca = read_file_bytes (test_server_ca_file (fixture.ftps));
}

static void
fixture_tear_down (void)
{
  const char *names[] = { "pkg.bin", "small.bin", "big.bin", "empty.bin" };

  g_clear_pointer (&fixture.http, test_server_stop);
  g_clear_pointer (&fixture.http_auth, test_server_stop);
  g_clear_pointer (&fixture.https, test_server_stop);
  g_clear_pointer (&fixture.ftp, test_server_stop);
  g_clear_pointer (&fixture.ftps, test_server_stop);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
    g_autofree char *path = g_build_filename (fixture.root, names[i], NULL);

    g_unlink (path);
  }
  g_rmdir (fixture.root);
  g_clear_pointer (&fixture.root, g_free);
  g_clear_pointer (&fixture.pkg, g_bytes_unref);
  g_clear_pointer (&fixture.small, g_bytes_unref);
  g_clear_pointer (&fixture.https_ca, g_bytes_unref);
  g_clear_pointer (&fixture.ftps_ca, g_bytes_unref);
}

static void
skip_for_servers (gconstpointer reason)
{
  g_test_skip (reason);
}

int
main (int argc, char **argv)
{
  static const char *const proxy_variables[]
      = { "http_proxy", "https_proxy", "HTTPS_PROXY", "ftp_proxy", "FTP_PROXY",
          "ftps_proxy", "FTPS_PROXY",  "all_proxy",   "ALL_PROXY" };
  g_autofree char *reason = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  /* Before any thread: the helper must not see the first, and gets the proxy settings alone
   * (/fetch/helper/clean-start). */
  g_setenv ("ONEMO_SHOULD_NOT_LEAK", "1", TRUE);
  g_setenv ("no_proxy", "127.0.0.1,localhost", TRUE);
  /* libcurl obeys these; every server here is on 127.0.0.1. */
  for (guint i = 0; i < G_N_ELEMENTS (proxy_variables); i++)
    g_unsetenv (proxy_variables[i]);
  if (!test_servers_available (&reason)) {
    g_test_add_data_func ("/fetch/servers", reason, skip_for_servers);
    return g_test_run ();
  }
  g_test_add_func ("/fetch/refused", test_refused_requests);
  g_test_add_func ("/fetch/http/package", test_http);
  g_test_add_func ("/fetch/http/chunked", test_http_chunked);
  g_test_add_func ("/fetch/http/auth", test_http_auth);
  g_test_add_func ("/fetch/http/not-found", test_http_not_found);
  g_test_add_func ("/fetch/http/empty", test_http_empty);
  g_test_add_func ("/fetch/cap", test_cap);
  g_test_add_func ("/fetch/redirects", test_redirects);
  g_test_add_func ("/fetch/redirects/from-https", test_redirects_from_https);
  g_test_add_func ("/fetch/drip/low-speed", test_drip_low_speed);
  g_test_add_func ("/fetch/drip/overall", test_overall_limit);
  g_test_add_func ("/fetch/helper/clean-start", test_helper_clean_start);
  g_test_add_func ("/fetch/helper/hangs", test_helper_hangs);
  g_test_add_func ("/fetch/helper/broken", test_helper_broken);
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

  fixture_set_up ();
  status = g_test_run ();
  fixture_tear_down ();
  return status;
}
