/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* What the parts of Upgrade() share: the following (onemo-flow-upgrade.c), the waits for a
 * rebooting module (onemo-flow-upgrade-reboot.c) and the confirmation once it reported
 * success (onemo-flow-upgrade-confirm.c). */

#include "onemo-flows.h"
#include "onemo-shutdown-inhibitor.h"

G_BEGIN_DECLS

typedef struct {
  OnemoOperation *operation;
  OnemoModule *module; /* the operation's */
  OnemoAtPort *port;   /* the port being followed; NULL while the module reboots */
  guint urc_id;
  gulong hangup_id;
  GFileMonitor *monitor;
  char *device_name; /* the basename the monitor waits for */
  char *old_revision;
  GSource *timeout;
  GSource *reboot_timeout;           /* while the module is away */
  gulong returned_id;                /* "port-returned" of a discovered module */
  char *returned_device;             /* the port it came back at, until AT+CGSN confirms it */
  char *early_device;                /* came back before the old port's hang-up was seen */
  GCancellable *command_cancellable; /* AT+MFWUPGRADE's: a report may end it without an OK */
  gboolean finished;
  GError *error;
  OnemoShutdownInhibitor *inhibitor;
  gboolean resumed; /* followed after a restart */
  gboolean heard;   /* a report came on this port */
  guint quiet_id;   /* resumed: when to ask the revision of a silent module */
  /* The confirmation (onemo-flow-upgrade-confirm.c). */
  OnemoAtPort *confirm_port;
  guint poll_id;        /* the next AT to a UART module rebooting behind its port */
  gint64 poll_deadline; /* monotonic µs */
  guint cgmr_tries;
} UpgradeOp;

void upgrade_op_release (UpgradeOp *op);

/* Ends the following once (@error NULL: the module reported success); the rest from an idle. */
void upgrade_finish (UpgradeOp *op, GError *error);

/* Follows the reports on @port (a reopened one: nothing is sent to it while it flashes). */
void upgrade_attach_port (UpgradeOp *op, OnemoAtPort *port);
void upgrade_detach_port (UpgradeOp *op);

/* A failure while the module may still be flashing: says so, and that it needs its power. */
GError *upgrade_error_in_flight (OnemoError code, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* The waits for a rebooting module (onemo-flow-upgrade-reboot.c). */
void upgrade_port_hangup (OnemoAtPort *port, gpointer user_data);
void upgrade_port_returned (OnemoModule *module, const char *device, gpointer user_data);
gboolean upgrade_wait_for_device (gpointer user_data);
void upgrade_stop_waiting (UpgradeOp *op);

/* After "+MFWUPGRADE: 2" on @port: wakes a UART module, sets the port up, checks the IMEI of a
 * returned port, reads the revision, and answers (onemo-flow-upgrade-confirm.c). Takes @op's
 * reference. */
void upgrade_confirm (UpgradeOp *op, OnemoAtPort *port);
void upgrade_confirm_clear (UpgradeOp *op);

G_END_DECLS
