/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * OnemoShutdownInhibitor:
 *
 * A logind "shutdown:sleep" inhibitor lock in block mode, held while a module upgrades: a
 * shutdown or a suspend then would leave the module with half a firmware. The lock is the file
 * descriptor logind returns; release() closes it, and must be called before the owner drops
 * the object (a pending request keeps it alive until logind answers).
 * The request is asynchronous and never fatal: without logind (or when it refuses) a warning
 * is logged and the upgrade goes on.
 */
#define ONEMO_TYPE_SHUTDOWN_INHIBITOR (onemo_shutdown_inhibitor_get_type ())
G_DECLARE_FINAL_TYPE (OnemoShutdownInhibitor, onemo_shutdown_inhibitor, ONEMO, SHUTDOWN_INHIBITOR,
                      GObject)

/**
 * onemo_shutdown_inhibitor_new:
 * @session_bus: ask logind on the session bus (tests) instead of the system bus
 * @why: the reason logind shows to whoever tries to shut down
 *
 * Asks logind for the lock at once; it is held from the reply until release().
 */
OnemoShutdownInhibitor *onemo_shutdown_inhibitor_new (gboolean session_bus, const char *why);

/* Whether logind granted the lock (and it is still held). */
gboolean onemo_shutdown_inhibitor_is_held (OnemoShutdownInhibitor *self);

/* Closes the lock now, or gives up the pending request; idempotent. */
void onemo_shutdown_inhibitor_release (OnemoShutdownInhibitor *self);

G_END_DECLS
