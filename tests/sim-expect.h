/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "sim-client.h"

G_BEGIN_DECLS

/* Assertions over a SimClient that the simulator's tests share; each fails the test. */

#define SIM_LINE_MS 3000 /* how long a test waits for one line */

/* @command's final result is exactly @expected ("OK", "ERROR", "+CME ERROR: 851"). */
void sim_expect_final (SimClient *c, const char *command, const char *expected);
/* @command answers one information line, returned, then OK. */
char *sim_expect_info (SimClient *c, const char *command);
/* The next non-empty line is @expected. */
void sim_expect_line (SimClient *c, const char *expected);
/* sim_client_new() and the first +MATREADY. */
SimClient *sim_expect_start (const char *model, const char *const *extra);
/* A package from the sim's own --make-package, written into @dir. */
GBytes *sim_expect_make_package (const char *dir, const char *series, const char *revision,
                                 const char *size);
/* Transparent write of @bytes at offset 0: the prompt, the bytes, OK. */
void sim_expect_write_transparent (SimClient *c, GBytes *bytes);
/* Hex writes of @bytes in 512-byte chunks, each OK. */
void sim_expect_write_hex (SimClient *c, GBytes *bytes);
/* AT+CGMR's line. */
char *sim_expect_revision (SimClient *c);
/* The port hangs up, comes back at the same link, and the module says +MATREADY. */
void sim_expect_reboot (SimClient *c);
/* A UART module rebooting behind its port: an AT sent now is lost, not even echoed; then the
 * module says it booted (within SIM_LINE_MS: --uart-reboot-ms must be shorter). */
void sim_expect_uart_reboot (SimClient *c);
/* ML307R-DC/MC applying a loaded package: OK, one reboot, success, then @revision. */
void sim_expect_package_upgrade (SimClient *c, const char *revision);

G_END_DECLS
