/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * A scripted module for the AT engine's tests: the master side of a pty, watched by a GSource
 * on the thread-default main context, so a test and its peer run in one thread, in turn.
 * Command lines (ended by CR) go to a handler; the peer can echo them, answer in one write or
 * one byte per main-loop iteration, take raw bytes after a `>` prompt, and hang up.
 */
typedef struct _EnginePeer EnginePeer;

typedef void (*EnginePeerCommandFunc) (EnginePeer *peer, const char *command, gpointer user_data);
typedef void (*EnginePeerRawFunc) (EnginePeer *peer, GByteArray *raw, gpointer user_data);

/* Opens a pty whose slave side is raw, 8 bits, no echo. */
EnginePeer *engine_peer_new (void);
void engine_peer_free (EnginePeer *peer);

/* The slave's path, for onemo_at_port_open(). */
const char *engine_peer_slave_path (EnginePeer *peer);
/* A new fd on the slave, for onemo_at_port_new_for_fd() (which takes it). */
int engine_peer_dup_slave (EnginePeer *peer);
/* The slave fd the peer keeps open, to inspect its termios. */
int engine_peer_slave_fd (EnginePeer *peer);

void engine_peer_set_handler (EnginePeer *peer, EnginePeerCommandFunc func, gpointer user_data);
/* Echo each command line back (text and CR) before the handler runs; on by default. */
void engine_peer_set_echo (EnginePeer *peer, gboolean echo);
/* Send one byte per main-loop iteration, so the port sees many short reads. */
void engine_peer_set_drip (EnginePeer *peer, gboolean drip);

/* Stop or resume reading the master: the port's writes then block once the pty is full. */
void engine_peer_set_reading (EnginePeer *peer, gboolean reading);

void engine_peer_send (EnginePeer *peer, const char *text);
void engine_peer_send_bytes (EnginePeer *peer, const void *data, gsize len);

/* The next @length bytes are raw data: collected, then given to @func. */
void engine_peer_expect_raw (EnginePeer *peer, gsize length, EnginePeerRawFunc func,
                             gpointer user_data);

/* Every command line received so far, in order, and when (monotonic µs). */
GPtrArray *engine_peer_commands (EnginePeer *peer);
gint64 engine_peer_command_time (EnginePeer *peer, guint index);

/* Closes the master side: the slave hangs up. */
void engine_peer_hangup (EnginePeer *peer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnginePeer, engine_peer_free)

G_END_DECLS
