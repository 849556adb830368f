/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* What the host-side fetch tests share (test-fetch.c, test-fetch-limits.c): real servers on
 * 127.0.0.1 (tests/servers/serve.py) with a few packages, and a fetch run to its end on the
 * thread-default main context with every progress report recorded. */

#include "onemo-error.h"
#include "onemo-fetch.h"
#include "test-servers.h"

#include <gio/gio.h>

#define PKG_SIZE       (1024 * 1024 + 123) /* 1 % is not a round number */
#define SMALL_SIZE     9000                /* the manual's smallest packages are about 9 KB */
#define BIG_SIZE       (3 * 1024 * 1024)
#define WAIT_LIMIT_SEC 30
#define USER           "onemo"
#define PASSWORD       "s3cret-pw"

/* One set of servers and files for the whole run: starting them is the slow part. */
typedef struct {
  char *root;
  GBytes *pkg;
  GBytes *small;
  TestServer *http;
  TestServer *http_auth;
  TestServer *https;
  TestServer *ftp;
  TestServer *ftps;
  GBytes *https_ca; /* the servers' certificates, as a caller gives them: bytes */
  GBytes *ftps_ca;
} FetchFixture;

extern FetchFixture fixture;

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

void run_clear (Run *run);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)
void run_init (Run *run);

/* Fetches @url on the thread-default main context with the helper just built (unless @options
 * name another); the guard timer is gone again on return. */
void run_fetch (Run *run, const char *url, const OnemoFetchOptions *options);

/* The fd is an anonymous file at offset 0 holding exactly @expected. */
void assert_package (Run *run, GBytes *expected);
guint count_entries (const char *folder);
/* No helper left, not even a zombie. */
void assert_no_children (void);
/* Back to @fds open files at most, and no helper left. */
void assert_nothing_left (guint fds);
/* Fetches @url and checks the package and the progress; returns how many reports came. */
guint assert_fetches (const char *url, const OnemoFetchOptions *options, GBytes *expected,
                      gboolean total_known);
/* Fetches @url, which must fail with @code, before any byte arrived when @no_bytes, with
 * @needle in the message if not NULL, and never with the password in it. */
void assert_fails (const char *url, const OnemoFetchOptions *options, OnemoError code,
                   gboolean no_bytes, const char *needle);

/* g_test_init(), the environment (no proxy but no_proxy, a variable the helper must not see),
 * then @add_tests and the run with the servers up; a skip when they cannot run. */
int fetch_fixture_main (int argc, char **argv, void (*add_tests) (void));
