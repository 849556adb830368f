/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "onemo-authority.h"
#include "onemo-modem-manager.h"
#include "onemo-journal.h"

G_BEGIN_DECLS

struct _OnemoOperation; /* onemo-operation.h */

/* The daemon's limits, set once from the command line and shared by the manager and every
 * module: the defaults suit real modules, tests shorten them. */
typedef struct {
  gboolean session_bus;             /* tests: a pty is accepted as a port */
  guint64 max_package;              /* the largest package Write() takes */
  guint command_timeout_ms;         /* one AT command, or one stage of a serial write */
  guint download_timeout_s;         /* a whole module download (AT+MFWDLOAD and its URCs) */
  guint upgrade_timeout_s;          /* a whole AT+MFWUPGRADE, reboots included; 0: per family */
  guint reboot_timeout_s;           /* how long a rebooting module may stay away; 0: per family */
  guint resume_window_ms;           /* how long "+MFWDLOAD: 0" may lag behind "+MFWDLOAD: 3";
                                       0: the module's server timeout (AT+MFWCFG="timeout") */
  guint identify_retry_limit_s;     /* how long discovery retries a module that does not answer */
  guint modem_manager_wait_s;       /* how long identification waits for ModemManager's modem */
  guint fetch_timeout_s;            /* a whole host-side fetch */
  const char *fetch_helper;         /* the fetch helper program; NULL: the installed one */
  OnemoAuthority *authority;        /* who may change things; NULL: anyone (--session alone) */
  OnemoModemManager *modem_manager; /* holds modules ModemManager drives; NULL: none */
  OnemoJournal *journal;            /* running operations, under --state-dir; NULL: none kept */
  /* The flows above the modules, set by main.c (onemo-flow-methods.h): a module's D-Bus
   * methods, and the following of an upgrade the journal found running. NULL: none (tests). */
  GDBusInterfaceMethodCallFunc module_method_call;
  void (*follow_upgrade) (struct _OnemoOperation *operation, const char *phase);
} OnemoDaemonOptions;

#define ONEMO_DAEMON_MAX_PACKAGE_DEFAULT (16 * 1024 * 1024)
#define ONEMO_DAEMON_COMMAND_TIMEOUT_MS  10000
#define ONEMO_DAEMON_DOWNLOAD_TIMEOUT_S  1800
/* Upgrade and reboot limits: per family by default (onemo-upgrade-limits.h). */
#define ONEMO_DAEMON_UPGRADE_TIMEOUT_S 0
#define ONEMO_DAEMON_REBOOT_TIMEOUT_S  0
#define ONEMO_DAEMON_RESUME_WINDOW_MS  0
#define ONEMO_DAEMON_IDENTIFY_RETRY_S  300
#define ONEMO_DAEMON_MM_WAIT_S         30
#define ONEMO_DAEMON_FETCH_TIMEOUT_S   1800

static inline void
onemo_daemon_options_init (OnemoDaemonOptions *options)
{
  *options = (OnemoDaemonOptions){
    .session_bus = FALSE,
    .max_package = ONEMO_DAEMON_MAX_PACKAGE_DEFAULT,
    .command_timeout_ms = ONEMO_DAEMON_COMMAND_TIMEOUT_MS,
    .download_timeout_s = ONEMO_DAEMON_DOWNLOAD_TIMEOUT_S,
    .upgrade_timeout_s = ONEMO_DAEMON_UPGRADE_TIMEOUT_S,
    .reboot_timeout_s = ONEMO_DAEMON_REBOOT_TIMEOUT_S,
    .resume_window_ms = ONEMO_DAEMON_RESUME_WINDOW_MS,
    .identify_retry_limit_s = ONEMO_DAEMON_IDENTIFY_RETRY_S,
    .modem_manager_wait_s = ONEMO_DAEMON_MM_WAIT_S,
    .fetch_timeout_s = ONEMO_DAEMON_FETCH_TIMEOUT_S,
    .fetch_helper = NULL,
    .authority = NULL,
    .modem_manager = NULL,
    .journal = NULL,
    .module_method_call = NULL,
    .follow_upgrade = NULL,
  };
}

G_END_DECLS
