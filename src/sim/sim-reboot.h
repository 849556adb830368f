/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * A channel's reboot, shared by the pty and the socket: asked for, it waits until the channel
 * has sent what it queued (pending), then the channel goes down; after down_ms it is reopened
 * and the caller told, unless the module never comes back.
 */

typedef void (*SimRebootEvent) (gpointer user_data);
/* Brings the channel back; FALSE (with a warning) leaves it down. */
typedef gboolean (*SimRebootReopen) (gpointer channel, GError **error);

typedef struct {
  gboolean pending; /* asked for, waiting for the channel's output to drain */
  guint down_ms;
  gboolean forever;
  guint timer;
  SimRebootEvent up;
  gpointer up_data;
  SimRebootReopen reopen;
  gpointer channel;
} SimReboot;

/* Marks the reboot pending. */
void sim_reboot_request (SimReboot *self, guint down_ms, gboolean forever, SimRebootEvent up,
                         gpointer user_data);
/* The channel has just gone down: starts the down time (nothing if @forever or @dead). */
void sim_reboot_went_down (SimReboot *self, gboolean dead);
/* Forgets a reboot in progress. */
void sim_reboot_clear (SimReboot *self);

G_END_DECLS
