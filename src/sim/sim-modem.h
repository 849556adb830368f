/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "onemo-model.h"
#include "sim-faults.h"
#include "sim-ports.h"
#include "sim-readings-dload.h"
#include "sim-upgrade-readings.h"

G_BEGIN_DECLS

/*
 * The simulated module: reads command lines from its link, answers them as the sub-model of
 * the model table would (identity, echo, CMEE, every AT+MFW* form), keeps its configuration,
 * package and revision across its own reboots, and applies the fault knobs.
 */

typedef struct _SimModem SimModem;

/* How a transparent write (AT+MFWDLOAD=<off>,<len>) is answered: the manual's "OK 或 > OK". */
typedef enum {
  SIM_TRANSPARENT_PROMPT,    /* `>`, the bytes, OK */
  SIM_TRANSPARENT_OK,        /* OK (entering raw mode, as the manual's examples), bytes, OK */
  SIM_TRANSPARENT_OK_SILENT, /* OK, the bytes, and nothing after them */
} SimTransparentAnswer;

typedef struct {
  const OnemoModel *model;
  const char *revision; /* the firmware it runs at start */
  const char *imei;
  const char *fs_root;     /* the module's file system for file:// URLs; NULL: none */
  guint latency_ms;        /* delay before each answer */
  guint reboot_ms;         /* how long the port is gone per reboot */
  guint64 max_package;     /* the largest package the module stores */
  const SimFaults *faults; /* not copied: must outlive the modem */
  gint64 noise_seed;       /* --noise: URCs, CR-only line ends, output in pieces; -1: off */
  SimTransparentAnswer transparent_answer;

  /* The download readings played (sim-readings-dload.h); not copied. */
  const SimDloadReadings *dload;
  const SimUpgradeReadings *readings; /* not copied either */
} SimModemOptions;

/* Creates the pty (@link_options->path, may be NULL) and the socket (@socket_address, may be
 * NULL), and prints +MATREADY. */
SimModem *sim_modem_new (const SimModemOptions *options, const SimLinkOptions *link_options,
                         const char *socket_address, GError **error);
void sim_modem_free (SimModem *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SimModem, sim_modem_free)

G_END_DECLS
