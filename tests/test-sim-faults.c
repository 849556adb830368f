/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The simulator's fault knobs (silence, errors, garbage, hang-ups, reboots that fail) and its
 * line (the receive log, baud rate throttling both ways, latency): each does what its option
 * promises.
 */
#include "sim-client.h"
#include "sim-expect.h"

#include <glib/gstdio.h>
#include <string.h>

/* ---- fault knobs ---- */

static void
test_fault_silent_error (void)
{
  const char *extra[]
      = { "--silent", "AT+MFWCHECK", "--error", "AT+MFWERASE=853", "--error", "AT+CGMM=850", NULL };
  g_autoptr (SimClient) c = sim_expect_start ("MN316-S-DLVS", extra);
  g_autoptr (GBytes) nothing = NULL;

  sim_client_send (c, "AT+MFWCHECK=0");
  nothing = sim_client_read_for (c, 300);
  g_assert_cmpmem (g_bytes_get_data (nothing, NULL), g_bytes_get_size (nothing), "AT+MFWCHECK=0\r",
                   14);
  sim_expect_final (c, "AT+MFWERASE", "+CME ERROR: 853");
  sim_expect_final (c, "at+cgmm", "+CME ERROR: 850");
  sim_expect_final (c, "AT+CGMI", "OK");
}

static void
test_fault_garbage (void)
{
  const char *extra[] = { "--garbage", "ATI", NULL };
  g_autoptr (SimClient) c = sim_expect_start ("M5311-E-DLVS", extra);
  g_autoptr (GBytes) bytes = NULL;
  gsize size;
  const guint8 *data;
  g_autofree char *long_line = g_strnfill (5000, 'X');

  sim_expect_final (c, "ATE0", "OK");
  sim_client_send (c, "ATI");
  bytes = sim_client_read_for (c, 500);
  data = g_bytes_get_data (bytes, &size);
  g_assert_cmpuint (size, >, 5000);
  g_assert_nonnull (memchr (data, '\0', size));
  g_assert_nonnull (memmem (data, size, long_line, 5000));
  g_assert_null (memmem (data, size, "\r\nOK\r\n", 6));
  sim_expect_final (c, "AT", "OK");
}

static void
test_fault_hangup (void)
{
  const char *extra[] = { "--hangup-after", "10", NULL };
  g_autoptr (SimClient) c = sim_expect_start ("ML307A-DSLN", extra);

  sim_expect_final (c, "AT", "OK");     /* 3 bytes */
  sim_client_write (c, "AT+CGMR\r", 8); /* 8 more, in one write: gone after the 7th */
  g_assert_true (sim_client_wait_hangup (c, 3000));
  g_assert_false (sim_client_reopen (c, 300));
}

static void
test_fault_reboots (void)
{
  const char *never[] = { "--reboot-never", NULL };
  const char *old[] = { "--reboot-old-revision", NULL };

  {
    g_autoptr (SimClient) c = sim_expect_start ("ML307R-MC", never);
    g_autoptr (GBytes) good
        = sim_expect_make_package (sim_client_dir (c), "ML307R", "ML307R-MC-NEW", "100");
    sim_expect_write_transparent (c, good);
    sim_expect_final (c, "AT+MFWUPGRADE", "OK");
    sim_expect_line (c, "+MFWUPGRADE: 1,50");
    g_assert_true (sim_client_wait_hangup (c, 3000));
    g_assert_false (sim_client_reopen (c, 500));
  }
  {
    g_autoptr (SimClient) c = sim_expect_start ("ML307R-MC", old);
    g_autoptr (GBytes) good
        = sim_expect_make_package (sim_client_dir (c), "ML307R", "ML307R-MC-NEW", "100");
    sim_expect_write_transparent (c, good);
    sim_expect_package_upgrade (c, "ML307R-MC-MBRH0S00");
  }
}

/* ---- the line: log, baud, latency ---- */

static void
test_log (void)
{
  g_autofree char *dir = g_dir_make_tmp ("onemo-sim-log-XXXXXX", NULL);
  g_autofree char *log = g_build_filename (dir, "rx.bin", NULL);
  const char *extra[] = { "--log", log, NULL };
  g_autofree char *contents = NULL;
  gsize length;

  {
    g_autoptr (SimClient) c = sim_expect_start ("MN316-S-DLVS", extra);
    g_autoptr (GBytes) payload = g_bytes_new_static ("\0\1\2AT\r\n", 7);
    g_autofree char *before = NULL;

    /* Nothing sent, nothing logged. */
    g_assert_true (g_file_get_contents (log, &before, &length, NULL));
    g_assert_cmpuint (length, ==, 0);
    sim_expect_final (c, "AT", "OK");
    sim_expect_write_transparent (c, payload);
    g_assert_true (g_file_get_contents (log, &contents, &length, NULL));
    g_assert_cmpmem (contents, length, "AT\rAT+MFWDLOAD=0,7\r\0\1\2AT\r\n", 26);
  }
  g_unlink (log);
  g_rmdir (dir);
}

static void
test_baud (void)
{
  const char *extra[] = { "--baud", "9600", NULL };
  g_autoptr (SimClient) c = sim_expect_start ("MN316-S-DLVS", extra);
  g_autoptr (GBytes) payload = g_bytes_new_take (g_malloc0 (960), 960);
  gint64 start_time, elapsed;

  sim_expect_final (c, "ATE0", "OK");
  sim_client_send (c, "AT+MFWDLOAD=0,960");
  g_assert_true (sim_client_read_until (c, ">", SIM_LINE_MS));
  start_time = g_get_monotonic_time ();
  sim_client_write (c, g_bytes_get_data (payload, NULL), 960);
  sim_expect_line (c, "OK");
  elapsed = g_get_monotonic_time () - start_time;
  g_test_message ("960 bytes at 9600 baud in %" G_GINT64_FORMAT " µs", elapsed);
  g_assert_cmpint (elapsed, >=, 900000);
  g_assert_cmpint (elapsed, <, 2000000);
}

/* Output is throttled too: the garbage answer (5276 bytes) at 57600 baud takes 0.92 s. */
static void
test_baud_output (void)
{
  const char *extra[] = { "--baud", "57600", "--garbage", "ATI", NULL };
  g_autoptr (SimClient) c = sim_expect_start ("MN316-S-DLVS", extra);
  g_autofree char *tail = g_strnfill (5000, 'X');
  gint64 start_time, elapsed;

  sim_expect_final (c, "ATE0", "OK");
  start_time = g_get_monotonic_time ();
  sim_client_send (c, "ATI");
  g_assert_true (sim_client_read_until (c, tail, SIM_LINE_MS));
  elapsed = g_get_monotonic_time () - start_time;
  g_assert_cmpint (elapsed, >=, 880000);
  g_assert_cmpint (elapsed, <, 2500000);
}

static void
test_latency (void)
{
  const char *extra[] = { "--latency-ms", "300", NULL };
  g_autoptr (SimClient) c = sim_expect_start ("MN316-DBRS", extra);
  gint64 start_time = g_get_monotonic_time ();

  sim_expect_final (c, "AT", "OK");
  g_assert_cmpint (g_get_monotonic_time () - start_time, >=, 300000);
  /* Two commands at once: both answered, in order. */
  sim_client_write (c, "ATE0\rAT+CGMM\r", 13);
  g_assert_true (sim_client_read_until (c, "OK", SIM_LINE_MS));
  sim_expect_line (c, "MN316");
  sim_expect_line (c, "OK");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sim/fault/silent-error", test_fault_silent_error);
  g_test_add_func ("/sim/fault/garbage", test_fault_garbage);
  g_test_add_func ("/sim/fault/hangup", test_fault_hangup);
  g_test_add_func ("/sim/fault/reboots", test_fault_reboots);
  g_test_add_func ("/sim/line/log", test_log);
  g_test_add_func ("/sim/line/baud", test_baud);
  g_test_add_func ("/sim/line/baud-output", test_baud_output);
  g_test_add_func ("/sim/line/latency", test_latency);
  return g_test_run ();
}
