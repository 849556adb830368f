/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "onemo-port-setup.h"
#include "onemo-at-command.h"

void
onemo_port_setup_add (OnemoCommandSequence *sequence)
{
  /* Optional: the end of a line a killed daemon left half-sent may garble it (ATE0 is only a
   * preference, the port tells echoes apart). */
  onemo_command_sequence_add (sequence, g_strdup (ONEMO_AT_CMD_ECHO_OFF), 0, TRUE);
  onemo_command_sequence_add (sequence, g_strdup (ONEMO_AT_CMD_CMEE_NUMERIC), 0, FALSE);
}

void
onemo_port_setup_async (OnemoAtPort *port, guint timeout_ms, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  OnemoCommandSequence *sequence = onemo_command_sequence_new ();

  onemo_port_setup_add (sequence);
  onemo_command_sequence_run_async (sequence, port, timeout_ms, cancellable, callback, user_data);
}

gboolean
onemo_port_setup_finish (GAsyncResult *result, GError **error)
{
  g_autoptr (GPtrArray) responses = onemo_command_sequence_run_finish (result, error);

  return responses != NULL;
}
