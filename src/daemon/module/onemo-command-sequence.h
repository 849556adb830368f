/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "onemo-at-port.h"

G_BEGIN_DECLS

/**
 * OnemoCommandSequence:
 *
 * A list of AT commands sent one after the other on a port; the first failure ends it, except
 * for commands marked optional, whose failure only leaves their response NULL (the test forms
 * a module may not know).
 */
typedef struct _OnemoCommandSequence OnemoCommandSequence;

OnemoCommandSequence *onemo_command_sequence_new (void);
void onemo_command_sequence_free (OnemoCommandSequence *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OnemoCommandSequence, onemo_command_sequence_free)

/* Takes @command. */
void onemo_command_sequence_add (OnemoCommandSequence *self, char *command,
                                 OnemoAtCommandFlags flags, gboolean optional);

guint onemo_command_sequence_length (OnemoCommandSequence *self);

/* Runs the sequence; takes @sequence. */
void onemo_command_sequence_run_async (OnemoCommandSequence *sequence, OnemoAtPort *port,
                                       guint timeout_ms, GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data);

/* A GPtrArray of GStrv: each command's information lines, NULL for a failed optional one. */
GPtrArray *onemo_command_sequence_run_finish (GAsyncResult *result, GError **error);

G_END_DECLS
