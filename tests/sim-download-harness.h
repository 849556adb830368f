/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* What the simulator's download tests share: one set of real servers on 127.0.0.1 and the files
 * they serve, running a download to its end on the main loop, and assertions on the outcome. */

#include "sim-download.h"
#include "test-servers.h"

G_BEGIN_DECLS

#define SMALL_SIZE     100000
#define BIG_SIZE       (2 * 1024 * 1024)
#define WAIT_LIMIT_SEC 20
#define USER           "onemo"
#define PASSWORD       "s3cret"

/* One set of servers and files for a whole program: starting them is the slow part.
 * <root>/small.bin (SMALL_SIZE bytes) and big.bin (BIG_SIZE); the module's file system
 * <root>/fs holds usr/myfile/test.bin (small.bin again) and a symlink "escape" out of it. */
typedef struct {
  char *root;
  char *fs_root;
  GBytes *small;
  TestServer *http;
  TestServer *http_auth; /* USER and PASSWORD */
  TestServer *https;
  TestServer *ftp;  /* USER and PASSWORD */
  TestServer *ftps; /* USER and PASSWORD */
} DownloadFixture;

extern DownloadFixture download_fixture;

/* What a download reported through its callbacks. */
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
} DownloadResult;

void download_result_init (DownloadResult *result);
void download_result_clear (DownloadResult *result);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DownloadResult, download_result_clear)

/* SimDownload callbacks; @user_data: a DownloadResult, whose loop they quit when done (or at
 * the first progress with cancel_on_progress). */
void download_on_progress (guint64 received, guint64 total, gpointer user_data);
void download_on_done (GBytes *data, guint64 total, const GError *error, gpointer user_data);
/* A timeout callback that fails the test: the download took more than WAIT_LIMIT_SEC. */
gboolean download_on_wait_limit (gpointer user_data);

/* Runs @request to its end on the default context; returns the seconds it took. */
gdouble download_run (const SimDownloadRequest *request, DownloadResult *result);

/* Progress went up, at least every KiB, and ended at @end with @total. */
void download_assert_progress (DownloadResult *result, guint64 end, guint64 total);
/* The whole of small.bin arrived, with its progress. */
void download_assert_whole_small_file (DownloadResult *result);
/* The download failed with @code in ONEMO_ERROR, and its message says @words (if not NULL). */
void download_assert_error (DownloadResult *result, gint code, const char *words);

/* Call after g_test_init(): runs the tests @add_tests adds with download_fixture set up around
 * them; when the servers cannot run, a single test at @skip_path skips with the reason. */
int download_test_main (const char *skip_path, void (*add_tests) (void));

G_END_DECLS
