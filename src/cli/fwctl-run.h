/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "fwctl-common.h"

G_BEGIN_DECLS

/* Starts one of the library's calls on @module with the command's @args; @callback gets the
 * result for the call's _finish. */
typedef void (*FwctlStartFunc) (OnemoFwModule *module, gpointer args, GAsyncReadyCallback callback,
                                gpointer user_data);

/* A start function for a method of the library that takes no argument but a cancellable. */
#define FWCTL_DEFINE_START(method)                                                                 \
  static void start_##method (OnemoFwModule *module, gpointer args, GAsyncReadyCallback callback,  \
                              gpointer user_data)                                                  \
  {                                                                                                \
    onemo_fw_module_##method##_async (module, NULL, callback, user_data);                          \
  }

/* The same for one of the client's calls (AddPort, RemovePort). */
typedef void (*FwctlClientStartFunc) (OnemoClient *client, gpointer args,
                                      GAsyncReadyCallback callback, gpointer user_data);

/* A short call: started with --timeout (or the short default) and the polkit flags of @ctx,
 * waited for on the main loop. Returns the result for the call's _finish. */
GAsyncResult *fwctl_call_short (FwctlContext *ctx, OnemoFwModule *module, FwctlStartFunc start,
                                gpointer args);

/* A short call of the client's, like fwctl_call_short(); @ctx is connected. */
GAsyncResult *fwctl_call_client (FwctlContext *ctx, FwctlClientStartFunc start, gpointer args);

/*
 * A long call (download, write, fetch, checksum, upgrade, update), its progress shown until it
 * returns. @first_state is the step it starts in ("writing"…), NULL if unknown. Ctrl-C asks
 * the module to Cancel(), except during an upgrade, which cannot be interrupted; a second
 * Ctrl-C stops waiting. Returns the result for the call's _finish, or NULL and @error
 * (Cancelled) when the waiting stopped.
 */
GAsyncResult *fwctl_run_long (FwctlContext *ctx, OnemoFwModule *module, const char *first_state,
                              FwctlStartFunc start, gpointer args, GError **error);

/* The terminal's width in columns, 80 when unknown. */
guint fwctl_terminal_width (void);

G_END_DECLS
