/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* What the parts of the simulated module (sim-modem.c, sim-mfw.c, sim-upgrade.c) share. */

#include "onemo-at-command.h"
#include "sim-download.h"
#include "sim-modem.h"
#include "sim-noise.h"

G_BEGIN_DECLS

typedef enum {
  SIM_DLOAD_IDLE = -1, /* nothing downloaded since the last erase */
  SIM_DLOAD_INTERRUPTED = 0,
  SIM_DLOAD_DOWNLOADING = 1,
  SIM_DLOAD_SUCCESS = 2,
  SIM_DLOAD_FAILED = 3,
} SimDloadState;

typedef struct _SimUpgrade SimUpgrade;

struct _SimModem {
  SimModemOptions options;
  const OnemoModel *model;
  SimPorts *ports;
  guint channel; /* where the last command came from: its answers and the URCs go there */
  char *revision;
  char *imei;
  char *fs_root;
  gboolean echo;
  gint cmee;

  /* AT+MFWCFG */
  char *url;
  char *user;
  char *password;
  gint64 timeout;
  gint64 mode;
  gint64 progind;
  gint64 ssl;
  gint64 pkgsize;

  /* The package store (serial writes and AT+MFWDLOAD) and the download state. */
  GByteArray *package;
  SimDownload *download;
  SimDloadState dload_state;
  guint64 dload_total;
  guint64 dload_next_mark;
  gboolean dload_needs_erase; /* "+MFWDLOAD: 3" alone: only AT+MFWERASE helps */
  gboolean stall_used;        /* --stall-at hits the first download only */
  gboolean dload_stalls;      /* the running download is the one --stall-at stops */

  /* The download readings (sim-readings-dload.h) at work. */
  gboolean dload_drops;        /* the running download is one --drop-every stops */
  gboolean dload_quiet;        /* --file-no-report: OK once loaded, no report */
  gboolean package_downloaded; /* the package came by AT+MFWDLOAD, not a serial write */
  guint dload_resume_timer;    /* --resume-delay-ms: the "+MFWDLOAD: 0" on its way */

  /* Reading command lines. */
  GString *line;
  gboolean after_cr;
  gboolean line_too_long;

  /* Transparent write: raw bytes go into the package until raw_remaining is 0. */
  gboolean transparent;
  guint64 raw_remaining;
  guint64 raw_offset;
  guint raw_timeout;

  /* The answer being built, sent after --latency-ms; input waits meanwhile. */
  GString *response;
  guint latency_timer;
  GQueue *held_input; /* of HeldInput */

  SimUpgrade *upgrade;
  SimNoise *noise;   /* NULL without --noise */
  guint noise_timer; /* the next URC out of the blue */

  /* The upgrade readings' state (sim-boot.c). */
  guint deaf_timer;           /* a UART reboot: input is lost until it fires */
  GPtrArray *lose_pending;    /* --lose-after-reboot prefixes not lost yet since the reboot */
  guint commands_in_flashing; /* command lines that came while an upgrade flashed */
  gint64 deaf_until_us;       /* --start-deaf-ms: monotonic time before which input is lost */
  gint64 faults_until_us;     /* --faults-for-ms: the per-command faults end then; 0: never */
};

/* Answers: an information line framed CRLF…CRLF, the final results, raw text. */
void sim_modem_reply_line (SimModem *self, const char *format, ...) G_GNUC_PRINTF (2, 3);
void sim_modem_reply_ok (SimModem *self);
void sim_modem_reply_error (SimModem *self);
void sim_modem_reply_cme (SimModem *self, gint code);
void sim_modem_reply_raw (SimModem *self, const char *text);
/* Sends the answer built for one command, now or after --latency-ms. */
void sim_modem_commit (SimModem *self);
/* An unsolicited line: after the pending answer if there is one. */
void sim_modem_urc (SimModem *self, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* Stops any download and forgets the package (AT+MFWERASE). */
void sim_modem_erase (SimModem *self);

/* Checks @url's scheme against the sub-model: 0 when usable, else the CME code (852). */
gint sim_modem_url_usable (SimModem *self, const char *url);
/* A download request from the configuration, for the store or the upgrade: 0, or the CME code
 * when the URL is missing (851) or of a scheme the sub-model cannot use (852). */
gint sim_modem_download_request (SimModem *self, SimDownloadRequest *request);

/* ATV1, AT+GCAP, AT+CPIN?, AT+CFUN?, AT+CIMI: answers and returns TRUE, else FALSE. */
gboolean sim_basic_answer (SimModem *self, const OnemoAtCommandLine *cmd);

/* The AT+MFW* commands; each answers through the sim_modem_reply_*() calls. */
void sim_mfw_cfg (SimModem *self, const OnemoAtCommandLine *cmd);
void sim_mfw_dload (SimModem *self, const OnemoAtCommandLine *cmd);
/* AT+MFWDLOAD (execute): starts the module's own download (sim-mfw-dload.c). */
void sim_mfw_dload_start (SimModem *self);
void sim_mfw_check (SimModem *self, const OnemoAtCommandLine *cmd);
void sim_mfw_erase (SimModem *self, const OnemoAtCommandLine *cmd);
void sim_mfw_upgrade (SimModem *self, const OnemoAtCommandLine *cmd);

/* A test form's answer in the shape --test-form asks: @items one per key or parameter; the
 * "list" shape joins them in one line, in parentheses unless @comma_joined. */
void sim_modem_reply_test_form (SimModem *self, const char *prefix, const char *const *items,
                                gboolean comma_joined);

/* Transparent payload bytes; returns how many it took. */
gsize sim_mfw_take_raw (SimModem *self, const guint8 *data, gsize length);

void sim_upgrade_free (SimUpgrade *upgrade);

/* A fresh boot (sim-boot.c): echo on, AT+CMEE as --boot-cmee, half a command line gone. */
void sim_modem_boot (SimModem *self);
/* A UART module's reboot behind its port: deaf for --uart-reboot-ms, then +MATREADY. */
void sim_modem_uart_reboot (SimModem *self);
/* Whether the module hears @line: FALSE (after any answer the knob asks for) while it is
 * flashing under --while-flashing silent/error, or for a --lose-after-reboot prefix. */
gboolean sim_modem_hears (SimModem *self, const char *line);
void sim_modem_boot_clear (SimModem *self);

G_END_DECLS
