/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "fwctl-common.h"

#include <gio/gunixfdlist.h>

G_BEGIN_DECLS

/* Update's parameters for one module: the options of @base (an a{sv}) plus @source, a URL or
 * a file opened anew (its fd in a new *out_fd_list, NULL for a URL). A floating "(a{sv})". */
GVariant *fwctl_update_parameters (GVariant *base, const char *source, GUnixFDList **out_fd_list,
                                   GError **error);

/* "update --all": every module (or those of @sub_models, NULL-terminated, when not NULL), the
 * first alone as a trial, the rest only once it succeeded; a summary. With @revision (may be
 * NULL), modules already running it are left alone and the updated ones must run it.
 * Returns the exit code. */
int fwctl_update_all (FwctlContext *ctx, GVariant *base, const char *source,
                      const char *const *sub_models, const char *revision);

G_END_DECLS
