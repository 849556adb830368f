/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The upgrade and reboot limits: per family by default, one value for all when set. */
#include "onemo-upgrade-limits.h"

static void
test_per_family (void)
{
  OnemoDaemonOptions options;

  onemo_daemon_options_init (&options);
  for (const OnemoModel *m = onemo_model_table (); m->sub_model != NULL; m++) {
    gboolean nbiot = m->family == ONEMO_FAMILY_NBIOT;

    g_assert_cmpuint (onemo_upgrade_timeout_s (&options, m), ==, nbiot ? 600 : 1800);
    g_assert_cmpuint (onemo_reboot_timeout_s (&options, m), ==, nbiot ? 120 : 300);
    /* Several reboots fit in the whole upgrade. */
    g_assert_cmpuint (onemo_upgrade_timeout_s (&options, m), >=,
                      (m->url_upgrade_reboots + 1) * onemo_reboot_timeout_s (&options, m));
  }
}

static void
test_command_line_wins (void)
{
  OnemoDaemonOptions options;

  onemo_daemon_options_init (&options);
  options.upgrade_timeout_s = 42;
  options.reboot_timeout_s = 7;
  for (const OnemoModel *m = onemo_model_table (); m->sub_model != NULL; m++) {
    g_assert_cmpuint (onemo_upgrade_timeout_s (&options, m), ==, 42);
    g_assert_cmpuint (onemo_reboot_timeout_s (&options, m), ==, 7);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/upgrade-limits/per-family", test_per_family);
  g_test_add_func ("/upgrade-limits/command-line-wins", test_command_line_wins);
  return g_test_run ();
}
