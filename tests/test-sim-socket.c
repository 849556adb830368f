/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The simulator's --socket: a unix stream socket (abstract:NAME or a path) beside the pty, both
 * reaching the same module; answers go back where the command came from, URCs where the last
 * command came from; a reboot closes the connections and listens again afterwards; a bad address
 * is a clear error.
 */
#include "sim-client.h"
#include "sim-expect.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CONNECT_MS 5000

/* A name no other test run uses at the same time. */
static char *
unique_abstract (void)
{
  static guint counter;

  return g_strdup_printf ("abstract:onemo-sim-test-%d-%u", (int)getpid (), ++counter);
}

/* Connects, retrying while the sim starts or reboots; NULL after @timeout_ms. */
static SimClient *
connect_within (const char *address, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;

  for (;;) {
    SimClient *c = sim_client_connect (address);
    if (c != NULL || g_get_monotonic_time () > deadline)
      return c;
    g_usleep (5 * G_TIME_SPAN_MILLISECOND);
  }
}

/* Nothing arrives on @c for a while: the answer went elsewhere. */
static void
expect_quiet (SimClient *c)
{
  g_autoptr (GBytes) bytes = sim_client_read_for (c, 150);

  g_assert_cmpuint (g_bytes_get_size (bytes), ==, 0);
}

static void
test_two_channels (void)
{
  g_autofree char *address = unique_abstract ();
  const char *extra[] = { "--socket", address, "--revision", "ML307A-DSLN-SOCKET1", NULL };
  g_autoptr (SimClient) pty = sim_expect_start ("ML307A-DSLN", extra);
  g_autoptr (SimClient) sock = sim_client_connect (address);
  g_autoptr (SimClient) second = sim_client_connect (address);
  g_autofree char *cgmi = NULL;
  g_autofree char *cgmr = NULL;
  g_autofree char *cmee = NULL;

  g_assert_nonnull (sock);
  g_assert_nonnull (second);
  /* The boot's +MATREADY went to the pty, and waited for the first host of the socket. */
  sim_expect_line (sock, "+MATREADY");
  /* ModemManager ends its commands with CR LF. */
  sim_client_write (sock, "ATE0\r\n", 6);
  sim_expect_line (sock, "ATE0"); /* echo was on: the command itself, then OK */
  sim_expect_line (sock, "OK");
  cgmi = sim_expect_info (sock, "AT+CGMI");
  g_assert_cmpstr (cgmi, ==, "CMCC");
  sim_expect_final (sock, "AT+NOSUCHTHING", "ERROR");
  /* What ModemManager needs to accept it as a modem. */
  sim_expect_final (sock, "ATV1", "OK");
  g_free (cgmi);
  cgmi = sim_expect_info (sock, "AT+GCAP");
  g_assert_cmpstr (cgmi, ==, "+GCAP: +CGSM");
  g_free (cgmi);
  cgmi = sim_expect_info (sock, "AT+CPIN?");
  g_assert_cmpstr (cgmi, ==, "+CPIN: READY");
  expect_quiet (pty);
  expect_quiet (second);

  /* The same module: echo is off on the pty too, and a setting made on one is read on the other. */
  cgmr = sim_expect_info (pty, "AT+CGMR");
  g_assert_cmpstr (cgmr, ==, "ML307A-DSLN-SOCKET1");
  sim_expect_final (pty, "AT+CMEE=2", "OK");
  expect_quiet (sock);
  cmee = sim_expect_info (second, "AT+CMEE?");
  g_assert_cmpstr (cmee, ==, "+CMEE: 2");
  expect_quiet (pty);
  expect_quiet (sock);
}

/* A line begun on one channel is dropped when another starts one: no mixed commands. */
static void
test_interleaved_line (void)
{
  g_autofree char *address = unique_abstract ();
  const char *extra[] = { "--socket", address, NULL };
  g_autoptr (SimClient) pty = sim_expect_start ("ML307A-DSLN", extra);
  g_autoptr (SimClient) sock = sim_client_connect (address);

  g_assert_nonnull (sock);
  sim_expect_line (sock, "+MATREADY");
  sim_client_write (pty, "AT+CG", 5);
  sim_client_send (sock, "ATE0");
  sim_expect_line (sock, "ATE0");
  sim_expect_line (sock, "OK");
  sim_client_write (pty, "MI\r", 3);
  sim_expect_line (pty, "ERROR"); /* "MI" alone, never "AT+CGMI" */
}

/* An upgrade started on the socket: its URCs come there, the reboot closes the connection and
 * the pty alike, the socket listens again, and the boot's lines wait for the next host. */
static void
test_reboot (void)
{
  g_autofree char *address = unique_abstract ();
  g_autofree char *dir = g_dir_make_tmp ("onemo-sim-XXXXXX", NULL);
  const char *extra[] = { "--socket", address, "--reboot-ms", "1500", NULL };
  g_autoptr (SimClient) pty = sim_expect_start ("ML307R-DC", extra);
  g_autoptr (SimClient) sock = sim_client_connect (address);
  g_autoptr (GBytes) package
      = sim_expect_make_package (dir, "ML307R", "ML307R-DC-MBRH9S99", "4000");
  g_autoptr (SimClient) early = NULL;
  g_autofree char *revision = NULL;

  g_assert_nonnull (sock);
  sim_expect_line (sock, "+MATREADY");
  sim_expect_write_transparent (sock, package);
  sim_expect_final (sock, "AT+MFWUPGRADE", "OK");
  sim_expect_line (sock, "+MFWUPGRADE: 1,50");
  g_assert_true (sim_client_wait_hangup (sock, 5000));
  g_assert_true (sim_client_wait_hangup (pty, 5000));
  /* Down for 1.5 s: nobody may connect meanwhile. */
  early = sim_client_connect (address);
  g_assert_null (early);
  g_assert_true (sim_client_reopen (sock, CONNECT_MS));
  sim_expect_line (sock, "+MATREADY");
  sim_expect_line (sock, "+MFWUPGRADE: 1,100");
  sim_expect_line (sock, "+MFWUPGRADE: 2");
  revision = sim_expect_info (sock, "AT+CGMR");
  g_assert_cmpstr (revision, ==, "ML307R-DC-MBRH9S99");
  /* The pty came back as well, with its own +MATREADY. */
  g_assert_true (sim_client_reopen (pty, CONNECT_MS));
  g_assert_true (sim_client_read_until (pty, "+MATREADY", SIM_LINE_MS));
  g_rmdir (dir);
}

/* A path socket, and the sim with only a socket: it removes the socket when it stops. */
static void
test_path_socket_only (void)
{
  g_autofree char *dir = g_dir_make_tmp ("onemo-sim-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "modem.sock", NULL);
  const char *argv[] = { g_getenv ("ONEMO_MODEM_SIM"),
                         "--model",
                         "MN316-S-DLVS",
                         "--socket",
                         path,
                         "--imei",
                         "869487060001234",
                         NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) sim = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_NONE, &error);
  g_autoptr (SimClient) sock = NULL;
  g_autofree char *imei = NULL;
  struct stat st;

  g_assert_no_error (error);
  sock = connect_within (path, CONNECT_MS);
  g_assert_nonnull (sock);
  g_assert_cmpint (lstat (path, &st), ==, 0);
  g_assert_true (S_ISSOCK (st.st_mode));
  sim_expect_line (sock, "+MATREADY"); /* kept from the start for the first host */
  imei = sim_expect_info (sock, "AT+CGSN");
  g_assert_cmpstr (imei, ==, "869487060001234");
  g_subprocess_send_signal (sim, SIGTERM);
  g_subprocess_wait (sim, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (sim), ==, 0);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_rmdir (dir);
}

static void
test_bad_address (void)
{
  g_autofree char *dir = g_dir_make_tmp ("onemo-sim-XXXXXX", NULL);
  g_autofree char *file = g_build_filename (dir, "not-a-socket", NULL);
  g_autofree char *missing_dir = g_build_filename (dir, "missing", "modem.sock", NULL);
  g_autofree char *too_long = g_strnfill (200, 'x');
  g_autofree char *long_abstract = g_strconcat ("abstract:", too_long, NULL);
  g_autofree char *contents = NULL;
  const struct {
    const char *address;
    int status;
  } cases[] = {
    { "", 2 },          { "abstract:", 2 }, { long_abstract, 2 },
    { too_long, 2 },    { file, 2 }, /* never replaced */
    { missing_dir, 1 },              /* a path that cannot be bound: the run fails */
  };

  g_assert_true (g_file_set_contents (file, "keep", -1, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    const char *argv[] = { "--model", "ML307A-DSLN", "--socket", cases[i].address, NULL };
    g_autofree char *out = NULL;
    g_test_message ("--socket “%s”", cases[i].address);
    g_assert_cmpint (sim_client_run (argv, &out), ==, cases[i].status);
  }
  g_assert_true (g_file_get_contents (file, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "keep");
  g_unlink (file);
  g_rmdir (dir);
}

/* Two sims cannot share one address: the second fails clearly, the first goes on. */
static void
test_busy_address (void)
{
  g_autofree char *address = unique_abstract ();
  const char *extra[] = { "--socket", address, NULL };
  g_autoptr (SimClient) pty = sim_expect_start ("ML307A-DSLN", extra);
  const char *argv[] = { "--model", "ML307A-DSLN", "--socket", address, NULL };
  g_autofree char *out = NULL;
  g_autoptr (SimClient) sock = NULL;

  g_assert_cmpint (sim_client_run (argv, &out), ==, 1);
  sock = sim_client_connect (address);
  g_assert_nonnull (sock);
  sim_expect_final (sock, "AT", "OK");
}

static void
test_help (void)
{
  const char *argv[] = { "--help", NULL };
  const char *neither[] = { "--model", "ML307A-DSLN", NULL };
  g_autofree char *out = NULL;
  g_autofree char *out_neither = NULL;

  g_assert_cmpint (sim_client_run (argv, &out), ==, 0);
  g_assert_nonnull (strstr (out, "--socket"));
  g_assert_nonnull (strstr (out, "abstract:NAME"));
  g_assert_cmpint (sim_client_run (neither, &out_neither), ==, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sim/socket/two-channels", test_two_channels);
  g_test_add_func ("/sim/socket/interleaved-line", test_interleaved_line);
  g_test_add_func ("/sim/socket/reboot", test_reboot);
  g_test_add_func ("/sim/socket/path-socket-only", test_path_socket_only);
  g_test_add_func ("/sim/socket/bad-address", test_bad_address);
  g_test_add_func ("/sim/socket/busy-address", test_busy_address);
  g_test_add_func ("/sim/socket/help", test_help);
  return g_test_run ();
}
