/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "onemo-daemon-options.h"
#include "onemo-model.h"

G_BEGIN_DECLS

/*
 * How long an upgrade may run, and how long a module may stay away (ML30x, ML307R: a port gone
 * while it reboots) or deaf (NB-IoT: rebooting behind its UART), per family unless the command
 * line set one limit for all (--upgrade-timeout, --reboot-timeout). The reasoning behind the
 * defaults is in docs/spec-notes.md, point l. A limit reached does not say the upgrade failed:
 * the module may still be flashing.
 */

#define ONEMO_UPGRADE_TIMEOUT_NBIOT_S 600
#define ONEMO_UPGRADE_TIMEOUT_ML30X_S 1800
#define ONEMO_REBOOT_TIMEOUT_NBIOT_S  120
#define ONEMO_REBOOT_TIMEOUT_ML30X_S  300

guint onemo_upgrade_timeout_s (const OnemoDaemonOptions *options, const OnemoModel *model);
guint onemo_reboot_timeout_s (const OnemoDaemonOptions *options, const OnemoModel *model);

G_END_DECLS
