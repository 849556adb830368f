/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * fwctl_args_hoist_globals:
 * @argv: the command line, argv[0] first
 *
 * Global options may come anywhere on the line, as with systemctl and fwupdmgr:
 * `onemo-fwctl list --json` is `onemo-fwctl --json list`. Returns a new command line (free it
 * with g_strfreev()) with every global option (and its value) moved before the first other
 * argument, in order; the rest keeps its order. Nothing after `--` moves, nor `--help`, which
 * belongs to the command it follows. Pure.
 */
char **fwctl_args_hoist_globals (int argc, char **argv);

G_END_DECLS
