/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "fwctl-common.h"

#include <gio/gunixfdlist.h>

G_BEGIN_DECLS

/*
 * Calls a long method of @module (Download, Write, Fetch, Upgrade, Update, …) and shows its
 * progress until it returns. Ctrl-C asks the module to Cancel(), except during an upgrade,
 * which cannot be interrupted. Reports an error itself; returns the exit code and, on success,
 * the reply in @out_reply (may be NULL).
 */
int fwctl_run_long (FwctlContext *ctx, OnemoDBusFirmware *module, const char *method,
                    GVariant *parameters, GUnixFDList *fd_list, GVariant **out_reply);

/* The same, but the error is left to the caller in @error (not reported); FALSE on failure. */
gboolean fwctl_run_long_call (FwctlContext *ctx, OnemoDBusFirmware *module, const char *method,
                              GVariant *parameters, GUnixFDList *fd_list, GVariant **out_reply,
                              GError **error);

/* The terminal's width in columns, 80 when unknown. */
guint fwctl_terminal_width (void);

G_END_DECLS
