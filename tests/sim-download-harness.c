/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sim-download-harness.h"

#include "onemo-error.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

DownloadFixture download_fixture;

void
download_result_clear (DownloadResult *result)
{
  g_clear_pointer (&result->loop, g_main_loop_unref);
  g_clear_pointer (&result->received, g_array_unref);
  g_clear_pointer (&result->totals, g_array_unref);
  g_clear_pointer (&result->data, g_bytes_unref);
  g_clear_error (&result->error);
}

void
download_result_init (DownloadResult *result)
{
  result->loop = g_main_loop_new (NULL, FALSE);
  result->received = g_array_new (FALSE, FALSE, sizeof (guint64));
  result->totals = g_array_new (FALSE, FALSE, sizeof (guint64));
}

void
download_on_progress (guint64 received, guint64 total, gpointer user_data)
{
  DownloadResult *result = user_data;

  g_array_append_val (result->received, received);
  g_array_append_val (result->totals, total);
  if (result->cancel_on_progress && result->download != NULL) {
    sim_download_cancel (result->download);
    result->download = NULL;
    g_main_loop_quit (result->loop);
  }
}

void
download_on_done (GBytes *data, guint64 total, const GError *error, gpointer user_data)
{
  DownloadResult *result = user_data;

  result->done_calls++;
  result->data = g_bytes_ref (data);
  result->total = total;
  result->error = error ? g_error_copy (error) : NULL;
  result->download = NULL;
  g_main_loop_quit (result->loop);
}

gboolean
download_on_wait_limit (gpointer user_data)
{
  g_error ("the download did not finish within %d s", WAIT_LIMIT_SEC);
  return G_SOURCE_REMOVE;
}

/* Runs @request to its end on the default context; returns the seconds it took. */
gdouble
download_run (const SimDownloadRequest *request, DownloadResult *result)
{
  gint64 started = g_get_monotonic_time ();
  guint limit = g_timeout_add_seconds (WAIT_LIMIT_SEC, download_on_wait_limit, NULL);

  download_result_init (result);
  result->download = sim_download_start (request, download_on_progress, download_on_done, result);
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
void
download_assert_progress (DownloadResult *result, guint64 end, guint64 total)
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

void
download_assert_whole_small_file (DownloadResult *result)
{
  g_assert_no_error (result->error);
  g_assert_true (g_bytes_equal (result->data, download_fixture.small));
  g_assert_cmpuint (result->total, ==, SMALL_SIZE);
  download_assert_progress (result, SMALL_SIZE, SMALL_SIZE);
}

void
download_assert_error (DownloadResult *result, gint code, const char *words)
{
  g_assert_error (result->error, ONEMO_ERROR, code);
  g_test_message ("refused: %s", result->error->message);
  if (words != NULL && strstr (result->error->message, words) == NULL)
    g_error ("\"%s\" does not say \"%s\"", result->error->message, words);
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
download_fixture_setup (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) big = pseudo_random_bytes (BIG_SIZE, 2);
  g_autofree char *file_dir = NULL;
  g_autofree char *escape = NULL;

  download_fixture.root = g_dir_make_tmp ("onemo-download-XXXXXX", &error);
  g_assert_no_error (error);
  download_fixture.small = pseudo_random_bytes (SMALL_SIZE, 1);
  write_file (download_fixture.root, "small.bin", download_fixture.small);
  write_file (download_fixture.root, "big.bin", big);
  /* The module's file system: <root>/fs, with a symlink pointing out of it. */
  download_fixture.fs_root = g_build_filename (download_fixture.root, "fs", NULL);
  file_dir = g_build_filename (download_fixture.fs_root, "usr", "myfile", NULL);
  g_assert_cmpint (g_mkdir_with_parents (file_dir, 0700), ==, 0);
  write_file (file_dir, "test.bin", download_fixture.small);
  escape = g_build_filename (download_fixture.fs_root, "escape", NULL);
  g_assert_cmpint (symlink (download_fixture.root, escape), ==, 0);

  download_fixture.http = test_server_start (TEST_SERVER_HTTP, download_fixture.root, NULL, NULL);
  download_fixture.http_auth
      = test_server_start (TEST_SERVER_HTTP, download_fixture.root, USER, PASSWORD);
  download_fixture.https = test_server_start (TEST_SERVER_HTTPS, download_fixture.root, NULL, NULL);
  download_fixture.ftp = test_server_start (TEST_SERVER_FTP, download_fixture.root, USER, PASSWORD);
  download_fixture.ftps
      = test_server_start (TEST_SERVER_FTPS, download_fixture.root, USER, PASSWORD);
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
download_fixture_teardown (void)
{
  g_clear_pointer (&download_fixture.http, test_server_stop);
  g_clear_pointer (&download_fixture.http_auth, test_server_stop);
  g_clear_pointer (&download_fixture.https, test_server_stop);
  g_clear_pointer (&download_fixture.ftp, test_server_stop);
  g_clear_pointer (&download_fixture.ftps, test_server_stop);
  remove_tree (download_fixture.root);
  g_clear_pointer (&download_fixture.root, g_free);
  g_clear_pointer (&download_fixture.fs_root, g_free);
  g_clear_pointer (&download_fixture.small, g_bytes_unref);
}

static void
skip_all (gconstpointer reason)
{
  g_test_skip (reason);
}

int
download_test_main (const char *skip_path, void (*add_tests) (void))
{
  g_autofree char *missing = NULL;
  int status;

  if (!test_servers_available (&missing)) {
    g_test_add_data_func (skip_path, missing, skip_all);
    return g_test_run ();
  }
  add_tests ();
  download_fixture_setup ();
  status = g_test_run ();
  download_fixture_teardown ();
  return status;
}
