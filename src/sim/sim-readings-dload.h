/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The simulator's knobs for the readings of the manual around the module-side download
 * (points b, c, f and k of docs/spec-notes.md "Readings the service handles"): each plays one
 * behaviour the manual allows; the defaults play the behaviour the simulator always had.
 */

typedef enum {
  SIM_DLOAD_TOTAL_ALWAYS,   /* every report carries <total> when the module knows it */
  SIM_DLOAD_TOTAL_NO_FINAL, /* the final "+MFWDLOAD: 2" leaves it out */
  SIM_DLOAD_TOTAL_NEVER,    /* no report carries it */
} SimDloadTotal;

typedef struct {
  gboolean file_no_report;      /* b: file:// answers OK once loaded, with no +MFWDLOAD report */
  char *total_arg;              /* c: --dload-total as given */
  SimDloadTotal total;          /* c: parsed */
  gint64 drop_every;            /* f: every download attempt loses its link after N bytes */
  gint resume_delay_ms;         /* f: how long "+MFWDLOAD: 0" lags behind "3" */
  gboolean no_resume_urc;       /* f: the "0" never comes; AT+MFWDLOAD? shows state 0 */
  gboolean erase_clears_config; /* k: AT+MFWERASE also forgets url and auth */
  gboolean check_local_only;    /* k: AT+MFWCHECK answers ERROR for a package it downloaded */
} SimDloadReadings;

/* The knobs' command-line options, bound to @readings (static storage: one set per process). */
GOptionEntry *sim_dload_readings_entries (SimDloadReadings *readings);

/* Checks and parses what the options gave; FALSE with an INVALID_ARGUMENT @error. */
gboolean sim_dload_readings_check (SimDloadReadings *readings, GError **error);

void sim_dload_readings_clear (SimDloadReadings *readings);

G_END_DECLS
