/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "sim-readings-dload.h"

#include <glib.h>

G_BEGIN_DECLS

/* What a module plays when no option says otherwise. */
#define DEFAULT_IMEI        "869487060000001"
#define DEFAULT_REBOOT_MS   500
#define DEFAULT_MAX_PACKAGE (16 * 1024 * 1024)

/* onemo-modem-sim's command line, as GOption fills it. */
typedef struct {
  char *model;
  char *link;
  char *socket;
  char *revision;
  char *imei;
  char *fs_root;
  char *log;
  gint baud;
  gint latency_ms;
  gint reboot_ms;
  gint64 max_package;
  char **silent;
  char **garbage;
  char **errors;
  char **flood;
  gint64 hangup_after;
  gint64 stall_at;
  gboolean stall_resumable;
  gboolean reboot_never;
  gboolean reboot_old_revision;
  char *cgmm;
  /* A module that misbehaves only while it boots. */
  gint start_deaf_ms;
  gint faults_for_ms;
  char *make_package;
  char *series;
  char *new_revision;
  char *base_revision;
  gboolean differential;
  gint64 size;
  gboolean list_models;
  /* Readings of the manual, and a live network's noise. */
  gint64 noise;
  char *transparent_answer;
  SimDloadReadings dload;
  /* The upgrade readings (points d, e, i, j). */
  gboolean upgrade_no_ok;
  char *while_flashing;
  gint boot_cmee;
  gint uart_reboot_ms;
  char **lose_after_reboot;
  /* g, h: AT+MFWCFG query values, one unreadable key, the test forms' shapes. */
  char *cfg_values;
  char **cfg_unreadable;
  char *test_form;
} SimArgs;

/* The option groups --help shows, each filling @a; the tables are static, one parse per run. */
GOptionEntry *sim_args_main_entries (SimArgs *a);
GOptionEntry *sim_args_fault_entries (SimArgs *a);
GOptionEntry *sim_args_reading_entries (SimArgs *a);
GOptionEntry *sim_args_upgrade_reading_entries (SimArgs *a);

void sim_args_clear (SimArgs *a);

G_END_DECLS
