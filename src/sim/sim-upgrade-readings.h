/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The readings of the manual around AT+MFWUPGRADE and reboots that the simulator can play (the
 * "Real modules" issue, points d, e, i, j). Each field is one knob of onemo-modem-sim.
 */

/* What a module says to a command that comes while it flashes (point e). */
typedef enum {
  SIM_FLASHING_SILENT, /* nothing: the command is lost */
  SIM_FLASHING_ERROR,  /* a bare ERROR */
  SIM_FLASHING_ANSWER, /* as if idle */
} SimFlashingAnswer;

typedef struct {
  gboolean upgrade_no_ok;     /* d: a loaded package's AT+MFWUPGRADE answers no OK */
  SimFlashingAnswer flashing; /* e */
  gint boot_cmee;             /* i: AT+CMEE at boot and after every reboot (echo is on) */
  guint uart_reboot_ms;       /* j: NB-IoT reboots behind its port after +MFWUPGRADE: 2, deaf
                                *    this long; 0: no reboot */
  char **lose_after_reboot;   /* j: command prefixes lost once after each UART reboot */
} SimUpgradeReadings;

/* The defaults: OK first, silent while flashing, CMEE 1, UART reboots of 2 s. */
#define SIM_UPGRADE_READINGS_INIT                                                                  \
  {                                                                                                \
    FALSE, SIM_FLASHING_SILENT, 1, 2000, NULL                                                      \
  }

/* Parses --while-flashing's word; FALSE for an unknown one. */
gboolean sim_flashing_answer_from_string (const char *word, SimFlashingAnswer *out);

G_END_DECLS
