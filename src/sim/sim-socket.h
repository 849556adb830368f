/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "sim-reboot.h"

G_BEGIN_DECLS

/*
 * The simulated module's second channel: a listening unix stream socket, as ModemManager's test
 * mode reaches its "virtual" ports. The address "abstract:NAME" is the abstract socket whose name
 * is the whole string, prefix included (what ModemManager connects to); anything else is a path.
 * Any number of hosts may connect; each connection is numbered from 1 up. A reboot closes every
 * connection and stops listening while the module is down.
 */

typedef struct _SimSocket SimSocket;

typedef void (*SimSocketReceive) (guint connection, const guint8 *data, gsize length,
                                  gpointer user_data);
typedef SimRebootEvent SimSocketEvent;

/* Binds and listens; a bad, too long or busy address is a clear error. */
SimSocket *sim_socket_new (const char *address, SimSocketReceive receive, gpointer user_data,
                           GError **error);

/* Closes every connection and the listener, and removes a path socket. */
void sim_socket_free (SimSocket *self);

/* Queues bytes for @connection; dropped when it is gone or the module is down. */
void sim_socket_write (SimSocket *self, guint connection, const void *data, gsize length);

/* To every connection; with none, to the next one that comes (up to 64 KiB, until a reboot). */
void sim_socket_write_all (SimSocket *self, const void *data, gsize length);

gboolean sim_socket_has_connection (SimSocket *self, guint connection);

/* TRUE while listening. */
gboolean sim_socket_is_up (SimSocket *self);

/* Bytes sent on any connection that its host has not read yet. */
gsize sim_socket_unread (SimSocket *self);

/* Sends what is queued, closes every connection and the listener; after @down_ms listens again
 * and calls @up (never when @forever). */
void sim_socket_reboot (SimSocket *self, guint down_ms, gboolean forever, SimSocketEvent up,
                        gpointer user_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SimSocket, sim_socket_free)

G_END_DECLS
