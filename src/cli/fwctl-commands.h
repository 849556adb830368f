/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "fwctl-common.h"

G_BEGIN_DECLS

/* One function per command; each parses its own options and returns the exit code. */
int fwctl_cmd_list (FwctlContext *ctx, int argc, char **argv);
int fwctl_cmd_show (FwctlContext *ctx, int argc, char **argv);
int fwctl_cmd_config (FwctlContext *ctx, int argc, char **argv);
int fwctl_cmd_download (FwctlContext *ctx, int argc, char **argv);
int fwctl_cmd_write (FwctlContext *ctx, int argc, char **argv);
int fwctl_cmd_fetch (FwctlContext *ctx, int argc, char **argv);
int fwctl_cmd_check (FwctlContext *ctx, int argc, char **argv);
int fwctl_cmd_upgrade (FwctlContext *ctx, int argc, char **argv);
int fwctl_cmd_erase (FwctlContext *ctx, int argc, char **argv);
int fwctl_cmd_cancel (FwctlContext *ctx, int argc, char **argv);
int fwctl_cmd_update (FwctlContext *ctx, int argc, char **argv);
int fwctl_cmd_monitor (FwctlContext *ctx, int argc, char **argv);
int fwctl_cmd_add_port (FwctlContext *ctx, int argc, char **argv);
int fwctl_cmd_remove_port (FwctlContext *ctx, int argc, char **argv);

G_END_DECLS
