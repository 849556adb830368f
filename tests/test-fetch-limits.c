/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The host-side fetch's limits and its helper process: a download begun over TLS stays there,
 * a server that drips or never ends is given up, the helper starts clean, and a helper that
 * hangs, is missing or breaks the framing is a named error and is reaped. */
#include "fetch-fixture.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

/* ---- redirects ---- */

static char *
redirect_url_on (TestServer *server, const char *target)
{
  g_autofree char *escaped = g_uri_escape_string (target, NULL, FALSE);
  g_autofree char *path = g_strconcat ("to/", escaped, NULL);

  return test_server_url (server, path);
}

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

static void
add_tests (void)
{
  g_test_add_func ("/fetch/redirects/from-https", test_redirects_from_https);
  g_test_add_func ("/fetch/drip/low-speed", test_drip_low_speed);
  g_test_add_func ("/fetch/drip/overall", test_overall_limit);
  g_test_add_func ("/fetch/helper/clean-start", test_helper_clean_start);
  g_test_add_func ("/fetch/helper/hangs", test_helper_hangs);
  g_test_add_func ("/fetch/helper/broken", test_helper_broken);
}

int
main (int argc, char **argv)
{
  return fetch_fixture_main (argc, argv, add_tests);
}
