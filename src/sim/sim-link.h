/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "sim-reboot.h"

G_BEGIN_DECLS

/*
 * The simulated module's serial line: a pseudo-terminal in raw mode with a symlink to its slave
 * at a fixed path, optionally throttled to a baud rate in both directions, which goes away and
 * comes back when the module reboots, and which can hang up for good after a number of bytes.
 */

typedef struct _SimLink SimLink;

typedef struct {
  const char *path;     /* where the symlink to the slave appears */
  guint baud;           /* 0: no throttling; else N/10 bytes a second each way */
  const char *log_path; /* append every received byte here; NULL: no log */
  guint64 hangup_after; /* fault: after this many received bytes the line is gone; 0: never */
  gint64 pieces_seed;   /* --noise: output in random pieces of 1–8 bytes; -1: as it comes */
} SimLinkOptions;

/* @data: bytes the host sent, delivered no faster than the line rate. */
typedef void (*SimLinkReceive) (const guint8 *data, gsize length, gpointer user_data);
typedef SimRebootEvent SimLinkEvent;

SimLink *sim_link_new (const SimLinkOptions *options, SimLinkReceive receive, gpointer user_data,
                       GError **error);

/* Closes the pty and removes the symlink. */
void sim_link_free (SimLink *self);

/* Queues bytes for the host; dropped while the line is down. */
void sim_link_write (SimLink *self, const void *data, gsize length);
void sim_link_write_string (SimLink *self, const char *text);

/* TRUE while a pty exists at the path. */
gboolean sim_link_is_up (SimLink *self);

/* Bytes sent that the host has not read yet (0 while down). */
gsize sim_link_unread (SimLink *self);

/**
 * sim_link_reboot:
 * @down_ms: how long the port is gone
 * @forever: never come back (a module that did not survive its upgrade)
 * @up: called once the new pty and its symlink exist (not called if @forever)
 *
 * Sends what is queued, then closes the pty (the host's descriptor hangs up) and removes the
 * symlink; after @down_ms creates a new pty at the same path.
 */
void sim_link_reboot (SimLink *self, guint down_ms, gboolean forever, SimLinkEvent up,
                      gpointer user_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SimLink, sim_link_free)

G_END_DECLS
