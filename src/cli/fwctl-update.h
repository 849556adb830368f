/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "fwctl-common.h"

G_BEGIN_DECLS

/* Whether @source is a URL or a package file that can be opened: refused with the CLI's own
 * message before the service is asked anything. */
gboolean fwctl_update_check_source (const char *source, GError **error);

/* Updates @module from @source (a URL or a file) with the options of @base (an a{sv}), its
 * progress shown; FALSE with @error on failure. */
gboolean fwctl_update_module (FwctlContext *ctx, OnemoFwModule *module, GVariant *base,
                              const char *source, GError **error);

/* "update --all": every module (or those of @sub_models, NULL-terminated, when not NULL), the
 * first alone as a trial, the rest only once it succeeded; a summary. With @revision (may be
 * NULL), modules already running it are left alone and the updated ones must run it.
 * Returns the exit code. */
int fwctl_update_all (FwctlContext *ctx, GVariant *base, const char *source,
                      const char *const *sub_models, const char *revision);

G_END_DECLS
