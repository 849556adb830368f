/* SPDX-License-Identifier: GPL-2.0-or-later */
/* onemo-modem-sim's options: the module it plays, its faults, and the readings of the manual
 * it can take (each documented in --help and its man page). */
#include "sim-args.h"

GOptionEntry *
sim_args_main_entries (SimArgs *a)
{
  static GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_STRING, NULL, "The sub-model to play (see --list-models)",
      "SUB-MODEL" },
    { "link", 'l', 0, G_OPTION_ARG_FILENAME, NULL, "Where the symlink to the pty appears", "PATH" },
    { "socket", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      "Also (or only) listen on this unix socket: a path, or abstract:NAME", "ADDRESS" },
    { "revision", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      "The firmware revision at start (default SUB-MODEL-MBRH0S00)", "REV" },
    { "imei", 0, 0, G_OPTION_ARG_STRING, NULL, "AT+CGSN's answer (default " DEFAULT_IMEI ")",
      "IMEI" },
    { "fs-root", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      "The module's file system: file:// URLs are read under it", "DIR" },
    { "baud", 'b', 0, G_OPTION_ARG_INT, NULL,
      "Take and deliver bytes no faster than N baud (10 bits a byte); default: no limit", "N" },
    { "latency-ms", 0, 0, G_OPTION_ARG_INT, NULL, "Delay each answer by N ms", "N" },
    { "log", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      "Append every byte received from the host to FILE, unbuffered", "FILE" },
    { "reboot-ms", 0, 0, G_OPTION_ARG_INT, NULL, "How long the port is gone per reboot (500)",
      "N" },
    { "max-package", 0, 0, G_OPTION_ARG_INT64, NULL,
      "The largest package the module stores (16777216)", "BYTES" },
    { "make-package", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      "Write a package to FILE and exit (with --series, --new-revision)", "FILE" },
    { "series", 0, 0, G_OPTION_ARG_STRING, NULL, "--make-package: the target series", "S" },
    { "new-revision", 0, 0, G_OPTION_ARG_STRING, NULL, "--make-package: the revision it installs",
      "R" },
    { "base-revision", 0, 0, G_OPTION_ARG_STRING, NULL,
      "--make-package: the revision a differential package applies to", "R" },
    { "differential", 0, 0, G_OPTION_ARG_NONE, NULL, "--make-package: a differential package",
      NULL },
    { "size", 0, 0, G_OPTION_ARG_INT64, NULL, "--make-package: body size (default 4096)", "N" },
    { "list-models", 0, 0, G_OPTION_ARG_NONE, NULL,
      "Print each sub-model, its series, family and capabilities, and exit", NULL },
    { NULL },
  };
  gpointer targets[]
      = { &a->model,        &a->link,         &a->socket,     &a->revision,     &a->imei,
          &a->fs_root,      &a->baud,         &a->latency_ms, &a->log,          &a->reboot_ms,
          &a->max_package,  &a->make_package, &a->series,     &a->new_revision, &a->base_revision,
          &a->differential, &a->size,         &a->list_models };

  G_STATIC_ASSERT (G_N_ELEMENTS (targets) == G_N_ELEMENTS (entries) - 1);
  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    entries[i].arg_data = targets[i];
  return entries;
}

GOptionEntry *
sim_args_fault_entries (SimArgs *a)
{
  static GOptionEntry entries[] = {
    { "silent", 0, 0, G_OPTION_ARG_STRING_ARRAY, NULL,
      "No final result for commands starting with CMD (repeatable)", "CMD" },
    { "garbage", 0, 0, G_OPTION_ARG_STRING_ARRAY, NULL,
      "Answer CMD with noise, NULs and a 5000-byte line, no final result (repeatable)", "CMD" },
    { "error", 0, 0, G_OPTION_ARG_STRING_ARRAY, NULL,
      "Answer CMD with +CME ERROR: CODE (repeatable), e.g. AT+MFWUPGRADE=854", "CMD=CODE" },
    { "flood", 0, 0, G_OPTION_ARG_STRING_ARRAY, NULL,
      "Answer CMD with 100000 lines like its own answer first, then the real one (repeatable)",
      "CMD" },
    { "hangup-after", 0, 0, G_OPTION_ARG_INT64, NULL,
      "After N received bytes the pty goes away for good (the process runs on)", "N" },
    { "stall-at", 0, 0, G_OPTION_ARG_INT64, NULL,
      "The first download stops and fails after N bytes", "N" },
    { "stall-resumable", 0, 0, G_OPTION_ARG_NONE, NULL,
      "The stalled download reports +MFWDLOAD: 3 then 0 (resumable) where the model resumes",
      NULL },
    { "reboot-never", 0, 0, G_OPTION_ARG_NONE, NULL, "The first upgrade reboot never comes back",
      NULL },
    { "reboot-old-revision", 0, 0, G_OPTION_ARG_NONE, NULL,
      "The upgrade reboots report +MFWUPGRADE: 2 but keep the old revision", NULL },
    { "cgmm", 0, 0, G_OPTION_ARG_STRING, NULL,
      "Answer AT+CGMM and ATI with this model, as another vendor's module would", "MODEL" },
    /* A module that misbehaves only while it boots. */
    { "start-deaf-ms", 0, 0, G_OPTION_ARG_INT, NULL,
      "Lose everything sent in the first N ms after start, as a module still booting", "N" },
    { "faults-for-ms", 0, 0, G_OPTION_ARG_INT, NULL,
      "--silent, --garbage and --error hold only in the first N ms after start", "N" },
    { NULL },
  };
  gpointer targets[] = { &a->silent,
                         &a->garbage,
                         &a->errors,
                         &a->flood,
                         &a->hangup_after,
                         &a->stall_at,
                         &a->stall_resumable,
                         &a->reboot_never,
                         &a->reboot_old_revision,
                         &a->cgmm,
                         &a->start_deaf_ms,
                         &a->faults_for_ms };

  G_STATIC_ASSERT (G_N_ELEMENTS (targets) == G_N_ELEMENTS (entries) - 1);
  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    entries[i].arg_data = targets[i];
  return entries;
}

/* Where the manual allows more than one behaviour, which one this module plays. */
GOptionEntry *
sim_args_reading_entries (SimArgs *a)
{
  static GOptionEntry entries[] = {
    { "noise", 0, 0, G_OPTION_ARG_INT64, NULL,
      "Behave like a module on a live network: URCs anywhere in answers, CR-only line ends, "
      "output in small random pieces (the same SEED plays the same noise)",
      "SEED" },
    { "transparent-answer", 0, 0, G_OPTION_ARG_STRING, NULL,
      "Answer a transparent write with prompt (>, bytes, OK), ok (OK, bytes, OK) or ok-silent "
      "(OK, bytes, nothing); default prompt",
      "HOW" },
    /* g, h: AT+MFWCFG query values, one unreadable key, the test forms' shapes. */
    { "cfg-values", 0, 0, G_OPTION_ARG_STRING, NULL,
      "AT+MFWCFG query values \"quoted\" (default) or bare, as the manual's §3.1 prints them",
      "quoted|bare" },
    { "cfg-unreadable", 0, 0, G_OPTION_ARG_STRING_ARRAY, NULL,
      "Answer KEY's AT+MFWCFG query with a value no one can read, or ERROR (repeatable)",
      "KEY=garbage|error" },
    { "test-form", 0, 0, G_OPTION_ARG_STRING, NULL,
      "The shape of AT+MFWCFG=? and AT+MFWDLOAD=? answers (default list)",
      "list|per-key|error|ok|garbage" },
    { NULL },
  };
  gpointer targets[]
      = { &a->noise, &a->transparent_answer, &a->cfg_values, &a->cfg_unreadable, &a->test_form };

  G_STATIC_ASSERT (G_N_ELEMENTS (targets) == G_N_ELEMENTS (entries) - 1);
  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    entries[i].arg_data = targets[i];
  return entries;
}

/* The readings of AT+MFWUPGRADE and of reboots the manual allows (points d, e, i, j). */
GOptionEntry *
sim_args_upgrade_reading_entries (SimArgs *a)
{
  static GOptionEntry entries[] = {
    { "upgrade-no-ok", 0, 0, G_OPTION_ARG_NONE, NULL,
      "AT+MFWUPGRADE of a loaded package answers no OK, only +MFWUPGRADE reports", NULL },
    { "while-flashing", 0, 0, G_OPTION_ARG_STRING, NULL,
      "Commands sent while an upgrade runs get nothing (silent, the default), ERROR (error) or "
      "their answer (answer); each is logged on stderr",
      "MODE" },
    { "boot-cmee", 0, 0, G_OPTION_ARG_INT, NULL,
      "AT+CMEE at start and after every reboot, 0 to 2 (1); echo is always on then", "N" },
    { "uart-reboot-ms", 0, 0, G_OPTION_ARG_INT, NULL,
      "NB-IoT: after +MFWUPGRADE: 2 the module reboots behind its port, losing all input for N "
      "ms (2000); 0: no reboot",
      "N" },
    { "lose-after-reboot", 0, 0, G_OPTION_ARG_STRING_ARRAY, NULL,
      "After each UART reboot, the first command starting with CMD is lost (repeatable)", "CMD" },
    { NULL },
  };
  gpointer targets[] = { &a->upgrade_no_ok, &a->while_flashing, &a->boot_cmee, &a->uart_reboot_ms,
                         &a->lose_after_reboot };

  G_STATIC_ASSERT (G_N_ELEMENTS (targets) == G_N_ELEMENTS (entries) - 1);
  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    entries[i].arg_data = targets[i];
  return entries;
}

void
sim_args_clear (SimArgs *a)
{
  g_free (a->model);
  g_free (a->link);
  g_free (a->socket);
  g_free (a->revision);
  g_free (a->imei);
  g_free (a->cgmm);
  g_free (a->cfg_values);
  g_strfreev (a->cfg_unreadable);
  g_free (a->test_form);
  g_free (a->fs_root);
  g_free (a->log);
  g_strfreev (a->silent);
  g_strfreev (a->garbage);
  g_strfreev (a->errors);
  g_strfreev (a->flood);
  g_free (a->make_package);
  g_free (a->series);
  g_free (a->new_revision);
  g_free (a->base_revision);
  g_free (a->transparent_answer);
  sim_dload_readings_clear (&a->dload);
  g_free (a->while_flashing);
  g_strfreev (a->lose_after_reboot);
}
