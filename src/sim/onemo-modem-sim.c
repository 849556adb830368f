/* SPDX-License-Identifier: GPL-2.0-or-later */
/* onemo-modem-sim: one OneMO module on a pseudo-terminal, for tests, demos and users' own CI. */
#include "config.h"

#include "onemo-error.h"
#include "onemo-model.h"
#include "sim-args.h"
#include "sim-modem.h"
#include "sim-package.h"
#include "sim-upgrade-readings.h"

#include <glib-unix.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

static const char description[]
    = "Plays one China Mobile IoT (OneMO) cellular module on a pseudo-terminal: creates the pty,\n"
      "puts a symlink to it at --link (atomically) and answers AT, ATE0/ATE1 (echo is on at "
      "start),\n"
      "AT+CMEE=0/1/2 (--boot-cmee at start), ATI, AT+CGMI, AT+CGMM, AT+CGMR, AT+CGSN, what "
      "ModemManager\n"
      "needs of a modem (ATV1, AT+GCAP, AT+CPIN?, AT+CFUN?, AT+CIMI) and every AT+MFW*\n"
      "form exactly as the sub-model supports it; a command the sub-model lacks is answered "
      "ERROR.\n"
      "Prints +MATREADY at start and after every reboot. Runs until SIGTERM or SIGINT, then\n"
      "removes the link.\n"
      "\n"
      "Downloads (AT+MFWDLOAD, and AT+MFWUPGRADE on ML30x and ML307R) are real: http, https, ftp,\n"
      "ftps with the configured auth and timeout, and file:// under --fs-root. Packages are\n"
      "validated at AT+MFWUPGRADE (format: docs/package-format.md; make one with --make-package):\n"
      "a corrupt, truncated or wrong-model package fails with +CME ERROR: 854 and the old "
      "revision\n"
      "stays. Upgrades reboot as the family does: the pty goes away for --reboot-ms and comes "
      "back\n"
      "at the same link (ML30x several times, ML307R-DC/MC once for a loaded package).\n"
      "\n"
      "What the host sees. Answers are framed CRLF...CRLF, echo first (ATE1). AT+MFWDLOAD answers\n"
      "OK, then +MFWDLOAD: 1,<total>,<n> each time another progind bytes arrived and\n"
      "+MFWDLOAD: 2,<total>,<total> (<total> left out when the server does not say); a failure is\n"
      "+MFWDLOAD: 3,<total>,<n>, then +MFWDLOAD: 0 where the sub-model resumes and some bytes\n"
      "came (another AT+MFWDLOAD continues from there). A transparent write answers CRLF>, takes\n"
      "exactly <len> raw bytes, then OK. AT+MFWUPGRADE: NB-IoT answers OK, +MFWUPGRADE: 2 (then\n"
      "reboots behind its UART, see below); a\n"
      "self-downloading upgrade prints no OK, +MFWUPGRADE: 1,0 to 1,40 while it downloads, 1,50,\n"
      "then after each reboot +MATREADY and 1,<percent>, finally 1,100 and 2 (3 without any\n"
      "reboot when the download or the package fails); ML307R-DC/MC with a loaded package answer\n"
      "OK, 1,50, reboot once, +MATREADY, 1,100, 2. Before a reboot the sim waits up to 1 s for\n"
      "the host to read what was sent. Configuration, package and revision survive reboots.\n"
      "\n"
      "Readings of the manual it plays (docs/spec-notes.md, \"Readings the service handles\"):\n"
      "every boot turns echo on and AT+CMEE to --boot-cmee; --upgrade-no-ok drops the OK of a\n"
      "loaded package's AT+MFWUPGRADE; from AT+MFWUPGRADE to +MFWUPGRADE: 2 or 3 the module is\n"
      "flashing and --while-flashing decides what a command gets (each one is logged on stderr\n"
      "as \"CMD while flashing (N so far)\"); an NB-IoT module, after +MFWUPGRADE: 2, reboots\n"
      "behind its UART: the port stays, everything sent for --uart-reboot-ms is lost, then\n"
      "+MATREADY, and --lose-after-reboot loses the first matching command after that.\n"
      "AT+MFWCFG=\"<key>\" answers +MFWCFG: \"<key>\",\"<value>\" (numbers bare), or with\n"
      "--cfg-values bare as the manual's §3.1 prints it: +MFWCFG: \"url\", http://..., auth as\n"
      "\"auth\", user, password. --cfg-unreadable timeout=garbage answers that key's query with\n"
      "+MFWCFG: \"timeout\",\"#?( then OK; timeout=error with a bare ERROR. --start-deaf-ms N\n"
      "plays a module still booting when its port appears: it loses (and does not echo) every\n"
      "byte it is sent in its first N ms. --faults-for-ms N limits --silent, --garbage and\n"
      "--error to the first N ms, as a module that misbehaves while it boots.\n"
      "\n"
      "--socket ADDRESS: the module also (or, without --link, only) listens on a unix stream\n"
      "socket, as ModemManager's test mode reaches its ports. abstract:NAME is the abstract\n"
      "socket whose name is the whole string, abstract: included; anything else is a path. The\n"
      "pty and every connection reach the same module: an answer goes back where its command\n"
      "came from, URCs go where the last command came from; a line half sent on one channel is\n"
      "dropped when another starts one. A reboot closes the connections and stops listening\n"
      "while the module is down.\n"
      "\n"
      "--list-models prints one line per sub-model: name, series, family, capabilities\n"
      "(comma-separated, as the D-Bus Capabilities property names them).\n"
      "\n"
      "Answers the manual does not print, chosen here: AT+MFWCFG=? lists the keys the sub-model\n"
      "takes, +MFWCFG: (\"url\",\"auth\",...); AT+MFWDLOAD=? answers +MFWDLOAD: "
      "(0-16777215),(1-512)\n"
      "where hex writes exist, else (0),(1-16777216). --test-form plays the other shapes a\n"
      "module may give these two: per-key (one line per key, +MFWCFG: \"timeout\",(30-180), or\n"
      "per parameter), error (a bare ERROR), ok (nothing but OK), garbage (lines that read as\n"
      "nothing, then OK). AT+MFWCHECK=? answers +MFWCHECK: (0-2);\n"
      "AT+MFWUPGRADE=? and AT+MFWERASE=? answer OK. AT+MFWDLOAD? answers\n"
      "+MFWDLOAD: <state>,<total>,<bytes held> (state 0 before any download). Error codes: 850\n"
      "busy, 851 bad or unsupported configuration or parameter, 852 a URL scheme the sub-model\n"
      "cannot use, 853 a bad serial write (also a write form the sub-model lacks, and 10 s of\n"
      "silence in a transparent write), 854 a missing or invalid package, 855 a download that\n"
      "failed for good (until AT+MFWERASE). ML307R-DC/MC check a loaded package before answering\n"
      "AT+MFWUPGRADE: an invalid one gets 854 instead of OK (the rollback).\n"
      "\n"
      "Readings of the manual: --transparent-answer plays \"OK 或 > OK\" either way; --noise SEED\n"
      "plays a module on a live network (URCs anywhere, CR-only line ends, output in pieces).\n"
      "Where the manual allows several behaviours of the module's own download, a knob plays\n"
      "each (docs/spec-notes.md, \"Readings the service handles\"); without them the sim\n"
      "behaves as above. --file-no-report: a file:// AT+MFWDLOAD answers OK once the file is\n"
      "loaded (855 if it cannot be) and reports nothing, as the manual's example. --dload-total\n"
      "no-final leaves <total> out of the final +MFWDLOAD: 2, never out of every report.\n"
      "--drop-every N: each attempt loses its link after N more bytes (3, then 0 where the\n"
      "sub-model resumes). --resume-delay-ms N: the 0 comes N ms after the 3; --no-resume-urc:\n"
      "it never comes, but AT+MFWDLOAD? answers state 0. --erase-clears-config: AT+MFWERASE\n"
      "also forgets url and auth. --check-local-only: AT+MFWCHECK answers ERROR for a package\n"
      "the module downloaded itself (the manual describes it for serial writes).\n"
      "AT+MFWCFG=\"<key>\" answers +MFWCFG: \"<key>\",\"<value>\" (numbers bare), or with\n"
      "--cfg-values bare as the manual's §3.1 prints it: +MFWCFG: \"url\", http://..., auth as\n"
      "\"auth\", user, password. --cfg-unreadable timeout=garbage answers that key's query with\n"
      "+MFWCFG: \"timeout\",\"#?( then OK; timeout=error with a bare ERROR.\n"
      "\n"
      "Examples:\n"
      "  onemo-modem-sim --model ML307A-DSLN --link /run/ttyONEMO\n"
      "  onemo-modem-sim --model MN316-S-DLVS --link ./tty --baud 115200 --log rx.bin\n"
      "  onemo-modem-sim --make-package fw.pkg --series ML307A --new-revision ML307A-DSLN-X --size "
      "4096\n"
      "  onemo-modem-sim --model ML307A-DSLN --socket abstract:onemo0\n"
      "  onemo-modem-sim --list-models\n"
      "\n"
      "Exit status: 0 after SIGTERM/SIGINT or a finished --make-package/--list-models, 1 on a\n"
      "failure, 2 on bad options.";

static gboolean
parse_transparent_answer (const char *text, SimTransparentAnswer *out)
{
  static const char *const names[] = { "prompt", "ok", "ok-silent" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
    if (g_strcmp0 (text, names[i]) == 0) {
      *out = (SimTransparentAnswer)i;
      return TRUE;
    }
  }
  return text == NULL;
}

/* Checks the upgrade readings' knobs into @readings; FALSE after a message. */
static gboolean
upgrade_readings_from_args (const SimArgs *a, SimUpgradeReadings *readings)
{
  readings->upgrade_no_ok = a->upgrade_no_ok;
  if (a->while_flashing != NULL
      && !sim_flashing_answer_from_string (a->while_flashing, &readings->flashing)) {
    g_printerr ("onemo-modem-sim: --while-flashing takes silent, error or answer\n");
    return FALSE;
  }
  if (a->boot_cmee < 0 || a->boot_cmee > 2 || a->uart_reboot_ms < 0) {
    g_printerr ("onemo-modem-sim: --boot-cmee takes 0 to 2, --uart-reboot-ms 0 or more\n");
    return FALSE;
  }
  readings->boot_cmee = a->boot_cmee;
  readings->uart_reboot_ms = (guint)a->uart_reboot_ms;
  readings->lose_after_reboot = a->lose_after_reboot;
  return TRUE;
}

static void
list_models (void)
{
  for (const OnemoModel *m = onemo_model_table (); m->sub_model != NULL; m++) {
    g_auto (GStrv) caps = onemo_model_capabilities (m);
    g_autofree char *joined = g_strjoinv (",", caps);
    g_print ("%-13s %-8s %-7s %s\n", m->sub_model, m->series, onemo_family_to_string (m->family),
             joined);
  }
}

static int
make_package (const SimArgs *a)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) package = NULL;

  if (a->series == NULL || a->new_revision == NULL || a->size < 0) {
    g_printerr ("--make-package needs --series and --new-revision\n");
    return 2;
  }
  package = sim_package_make (a->series, a->new_revision, a->base_revision, a->differential,
                              a->size, &error);
  if (package == NULL
      || !g_file_set_contents (a->make_package, g_bytes_get_data (package, NULL),
                               g_bytes_get_size (package), &error)) {
    g_printerr ("onemo-modem-sim: %s\n", error->message);
    return 1;
  }
  g_print ("%s: %zu bytes\n", a->make_package, g_bytes_get_size (package));
  return 0;
}

/* The knobs of issue 8's g and h, and --start-deaf-ms, --faults-for-ms. */
static gboolean
readings_from_args (const SimArgs *a, SimFaults *faults, GError **error)
{
  if (a->cfg_values != NULL && !sim_faults_set_cfg_values (faults, a->cfg_values, error))
    return FALSE;
  for (char **s = a->cfg_unreadable; s != NULL && *s != NULL; s++)
    if (!sim_faults_add_cfg_unreadable (faults, *s, error))
      return FALSE;
  if (a->test_form != NULL && !sim_faults_set_test_form (faults, a->test_form, error))
    return FALSE;
  if (a->start_deaf_ms < 0 || a->faults_for_ms < 0) {
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT,
                 "--start-deaf-ms and --faults-for-ms take positive numbers");
    return FALSE;
  }
  faults->start_deaf_ms = (guint)a->start_deaf_ms;
  faults->faults_for_ms = (guint)a->faults_for_ms;
  return TRUE;
}

static SimFaults *
faults_from_args (const SimArgs *a, GError **error)
{
  g_autoptr (SimFaults) faults = sim_faults_new ();

  for (char **s = a->silent; s != NULL && *s != NULL; s++)
    g_ptr_array_add (faults->silent, g_strdup (*s));
  for (char **s = a->garbage; s != NULL && *s != NULL; s++)
    g_ptr_array_add (faults->garbage, g_strdup (*s));
  for (char **s = a->flood; s != NULL && *s != NULL; s++)
    g_ptr_array_add (faults->flood, g_strdup (*s));
  for (char **s = a->errors; s != NULL && *s != NULL; s++)
    if (!sim_faults_add_error (faults, *s, error))
      return NULL;
  faults->hangup_after = MAX (a->hangup_after, 0);
  faults->stall_at = MAX (a->stall_at, 0);
  faults->stall_resumable = a->stall_resumable;
  faults->reboot_never = a->reboot_never;
  faults->reboot_old_revision = a->reboot_old_revision;
  faults->cgmm = g_strdup (a->cgmm);
  if (!readings_from_args (a, faults, error))
    return NULL;
  return g_steal_pointer (&faults);
}

static gboolean
on_quit_signal (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

static int
run (const SimArgs *a, const OnemoModel *model, SimFaults *faults,
     const SimUpgradeReadings *readings)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autofree char *revision = a->revision != NULL
                                  ? g_strdup (a->revision)
                                  : g_strdup_printf ("%s-MBRH0S00", model->sub_model);
  SimModemOptions options = {
    .model = model,
    .revision = revision,
    .imei = a->imei != NULL ? a->imei : DEFAULT_IMEI,
    .fs_root = a->fs_root,
    .latency_ms = (guint)a->latency_ms,
    .reboot_ms = (guint)a->reboot_ms,
    .max_package = (guint64)a->max_package,
    .faults = faults,
    .noise_seed = a->noise,
    .dload = &a->dload,
    .readings = readings,
  };
  SimLinkOptions link_options = {
    .path = a->link,
    .baud = (guint)a->baud,
    .log_path = a->log,
    .hangup_after = faults->hangup_after,
    .pieces_seed = a->noise >= 0 ? (gint64)(guint32)(a->noise * 2654435761u) : -1,
  };
  g_autoptr (SimModem) modem = NULL;

  parse_transparent_answer (a->transparent_answer, &options.transparent_answer);
  modem = sim_modem_new (&options, &link_options, a->socket, &error);
  if (modem == NULL) {
    g_printerr ("onemo-modem-sim: %s\n", error->message);
    /* A bad --socket address is a bad option; a busy one or a failing pty is not. */
    return g_error_matches (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT) ? 2 : 1;
  }
  g_unix_signal_add (SIGTERM, on_quit_signal, loop);
  g_unix_signal_add (SIGINT, on_quit_signal, loop);
  g_main_loop_run (loop);
  return 0; /* the modem's cleanup removes the link */
}

static int
check_and_run (SimArgs *a)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SimFaults) faults = NULL;
  SimUpgradeReadings readings = SIM_UPGRADE_READINGS_INIT;
  const OnemoModel *model;

  if (a->list_models) {
    list_models ();
    return 0;
  }
  if (a->make_package != NULL)
    return make_package (a);
  if (a->model == NULL || (a->link == NULL && a->socket == NULL)) {
    g_printerr ("onemo-modem-sim: --model and --link or --socket are required (see --help)\n");
    return 2;
  }
  model = onemo_model_lookup (a->model);
  if (model == NULL) {
    g_printerr ("onemo-modem-sim: unknown sub-model “%s” (see --list-models)\n", a->model);
    return 2;
  }
  if (a->baud < 0 || a->latency_ms < 0 || a->reboot_ms < 0 || a->max_package <= 0) {
    g_printerr ("onemo-modem-sim: --baud, --latency-ms, --reboot-ms and --max-package take "
                "positive numbers\n");
    return 2;
  }
  if (a->noise < -1 || a->noise > G_MAXUINT32) {
    g_printerr ("onemo-modem-sim: --noise takes a seed from 0 to %u\n", G_MAXUINT32);
    return 2;
  }
  if (!parse_transparent_answer (a->transparent_answer, &(SimTransparentAnswer){ 0 })) {
    g_printerr ("onemo-modem-sim: --transparent-answer takes prompt, ok or ok-silent\n");
    return 2;
  }
  faults = faults_from_args (a, &error);
  if (faults == NULL || !sim_dload_readings_check (&a->dload, &error)) {
    g_printerr ("onemo-modem-sim: %s\n", error->message);
    return 2;
  }
  if (!upgrade_readings_from_args (a, &readings))
    return 2;
  return run (a, model, faults, &readings);
}

int
main (int argc, char **argv)
{
  SimUpgradeReadings defaults = SIM_UPGRADE_READINGS_INIT;
  SimArgs a = { .reboot_ms = DEFAULT_REBOOT_MS,
                .max_package = DEFAULT_MAX_PACKAGE,
                .size = 4096,
                .noise = -1,
                .boot_cmee = defaults.boot_cmee,
                .uart_reboot_ms = (gint)defaults.uart_reboot_ms };
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  int status;

  setlocale (LC_ALL, "");
  context = g_option_context_new (
      "--model SUB-MODEL --link PATH | --socket ADDRESS  — simulate a OneMO module");
  g_option_context_set_summary (context, "One OneMO cellular module on a pseudo-terminal.");
  g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, sim_args_main_entries (&a), NULL);
  /* The fault knobs in the main list too, so that --help shows everything. */
  g_option_context_add_main_entries (context, sim_args_fault_entries (&a), NULL);
  g_option_context_add_main_entries (context, sim_args_reading_entries (&a), NULL);
  g_option_context_add_main_entries (context, sim_dload_readings_entries (&a.dload), NULL);
  g_option_context_add_main_entries (context, sim_args_upgrade_reading_entries (&a), NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error)) {
    g_printerr ("onemo-modem-sim: %s (see --help)\n", error->message);
    return 2;
  }
  status = check_and_run (&a);
  sim_args_clear (&a);
  return status;
}
