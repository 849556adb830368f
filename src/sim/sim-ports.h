/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "sim-link.h"
#include "sim-socket.h"

G_BEGIN_DECLS

/*
 * Every way into the simulated module: the pty (--link), the unix socket (--socket), or both at
 * once on the same modem. Input arrives tagged with its channel: SIM_PORTS_PTY for the pty, the
 * socket's connection number (1 and up) otherwise. A reboot takes all of them down together.
 */

#define SIM_PORTS_PTY 0

typedef struct _SimPorts SimPorts;

typedef void (*SimPortsReceive) (guint channel, const guint8 *data, gsize length,
                                 gpointer user_data);

/* @link_options->path NULL: no pty; @socket_address NULL: no socket; at least one is needed. */
SimPorts *sim_ports_new (const SimLinkOptions *link_options, const char *socket_address,
                         SimPortsReceive receive, gpointer user_data, GError **error);
void sim_ports_free (SimPorts *self);

/* Queues bytes for one channel; dropped when it is gone or down. */
void sim_ports_write (SimPorts *self, guint channel, const void *data, gsize length);
void sim_ports_write_string (SimPorts *self, guint channel, const char *text);
/* To the pty and every socket connection (+MATREADY, URCs whose channel is gone). */
void sim_ports_write_all (SimPorts *self, const char *text);

/* FALSE once a socket connection closed (a reboot closes them all). */
gboolean sim_ports_has_channel (SimPorts *self, guint channel);

/* Bytes sent that a host has not read yet, on all channels. */
gsize sim_ports_unread (SimPorts *self);

/* Reboots every channel that is up; @up runs once all of them are back (never if @forever). */
void sim_ports_reboot (SimPorts *self, guint down_ms, gboolean forever, SimLinkEvent up,
                       gpointer user_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SimPorts, sim_ports_free)

G_END_DECLS
