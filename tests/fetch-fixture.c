/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The host-side fetch tests' servers, packages and runs (fetch-fixture.h). */
#include "fetch-fixture.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

FetchFixture fixture;

void
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

void
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
void
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
void
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

guint
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
void
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
void
assert_nothing_left (guint fds)
{
  gint64 deadline = g_get_monotonic_time () + G_USEC_PER_SEC;

  assert_no_children ();
  while (count_entries ("/proc/self/fd") > fds && g_get_monotonic_time () < deadline)
    g_usleep (10000);
  g_assert_cmpuint (count_entries ("/proc/self/fd"), <=, fds);
}

/* Fetches @url and checks the package and the progress; returns how many reports came. */
guint
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
void
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
fetch_fixture_main (int argc, char **argv, void (*add_tests) (void))
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
  add_tests ();
  fixture_set_up ();
  status = g_test_run ();
  fixture_tear_down ();
  return status;
}
