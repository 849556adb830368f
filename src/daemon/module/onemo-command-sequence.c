/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "onemo-command-sequence.h"

#include "onemo-error.h"

typedef struct {
  char *command;
  OnemoAtCommandFlags flags;
  gboolean optional;
} SequenceStep;

struct _OnemoCommandSequence {
  GArray *steps; /* of SequenceStep */
  GPtrArray *responses;
  guint next;
  guint timeout_ms;
  OnemoAtPort *port;
};

static void
sequence_step_clear (gpointer data)
{
  SequenceStep *step = data;

  g_free (step->command);
}

OnemoCommandSequence *
onemo_command_sequence_new (void)
{
  OnemoCommandSequence *self = g_new0 (OnemoCommandSequence, 1);

  self->steps = g_array_new (FALSE, TRUE, sizeof (SequenceStep));
  g_array_set_clear_func (self->steps, sequence_step_clear);
  self->responses = g_ptr_array_new_with_free_func ((GDestroyNotify)g_strfreev);
  return self;
}

void
onemo_command_sequence_free (OnemoCommandSequence *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->steps);
  g_clear_pointer (&self->responses, g_ptr_array_unref);
  g_clear_object (&self->port);
  g_free (self);
}

void
onemo_command_sequence_add (OnemoCommandSequence *self, char *command, OnemoAtCommandFlags flags,
                            gboolean optional)
{
  SequenceStep step = { command, flags, optional };

  g_array_append_val (self->steps, step);
}

guint
onemo_command_sequence_length (OnemoCommandSequence *self)
{
  return self->steps->len;
}

static void sequence_send_next (GTask *task);

static void
sequence_command_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  OnemoCommandSequence *self = g_task_get_task_data (task);
  const SequenceStep *step = &g_array_index (self->steps, SequenceStep, self->next);
  g_autoptr (GError) error = NULL;
  GStrv lines = onemo_at_port_command_finish (ONEMO_AT_PORT (source), result, &error);

  if (lines == NULL) {
    /* Only the module's own refusal is forgiven: a silent or vanished port ends everything. */
    gboolean refused = error->domain == ONEMO_ERROR && error->code != ONEMO_ERROR_TIMEOUT
                       && error->code != ONEMO_ERROR_PORT_GONE
                       && error->code != ONEMO_ERROR_CANCELLED;
    if (!step->optional || !refused) {
      onemo_error_normalize (&error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  }
  g_ptr_array_add (self->responses, lines);
  self->next++;
  sequence_send_next (g_steal_pointer (&task));
}

static void
sequence_send_next (GTask *task)
{
  OnemoCommandSequence *self = g_task_get_task_data (task);
  const SequenceStep *step;

  if (self->next >= self->steps->len) {
    g_task_return_pointer (task, g_steal_pointer (&self->responses),
                           (GDestroyNotify)g_ptr_array_unref);
    g_object_unref (task);
    return;
  }
  step = &g_array_index (self->steps, SequenceStep, self->next);
  onemo_at_port_command_async (self->port, step->command, step->flags, self->timeout_ms,
                               g_task_get_cancellable (task), sequence_command_done, task);
}

void
onemo_command_sequence_run_async (OnemoCommandSequence *sequence, OnemoAtPort *port,
                                  guint timeout_ms, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (port, cancellable, callback, user_data);

  g_task_set_source_tag (task, onemo_command_sequence_run_async);
  sequence->port = g_object_ref (port);
  sequence->timeout_ms = timeout_ms;
  g_task_set_task_data (task, sequence, (GDestroyNotify)onemo_command_sequence_free);
  sequence_send_next (task);
}

GPtrArray *
onemo_command_sequence_run_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
