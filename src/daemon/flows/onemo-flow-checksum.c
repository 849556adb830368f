/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Checksum(): AT+MFWCHECK=<algorithm>, the module's digest of the package it holds. A
 * question, not an operation: State and LastError (a failed update's reason) stay. */
#include "onemo-flows.h"
#include "onemo-at-command.h"
#include "onemo-at-parsers.h"

static void
checksum_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (OnemoOperation) operation = user_data;
  GError *error = NULL;
  g_auto (GStrv) lines = onemo_at_port_command_finish (ONEMO_AT_PORT (source), result, &error);
  g_autofree char *checksum = NULL;

  if (lines != NULL) {
    if (lines[0] == NULL)
      g_set_error (&error, ONEMO_ERROR, ONEMO_ERROR_PROTOCOL, "AT+MFWCHECK gave no checksum");
    else
      onemo_at_parse_mfwcheck (lines[0], &checksum, &error);
  }
  if (error != NULL) {
    onemo_operation_return_error (operation, error);
    return;
  }
  onemo_operation_return_value (operation, g_variant_new ("(s)", checksum));
}

void
onemo_flow_checksum_start (OnemoOperation *operation, gpointer data)
{
  g_autofree char *command = data;

  onemo_operation_command_async (operation, command, checksum_done, g_object_ref (operation));
}

gboolean
onemo_flow_checksum_prepare (OnemoModule *module, GDBusMethodInvocation *invocation,
                             GVariant *parameters, OnemoFlowCall *call, GError **error)
{
  guint32 algorithm;

  g_variant_get (parameters, "(u)", &algorithm);
  if (algorithm > ONEMO_AT_CHECK_SHA256) {
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT,
                 "Algorithm %u is none of 0 (MD5), 1 (SHA1), 2 (SHA256)", algorithm);
    return FALSE;
  }
  if (!onemo_module_require (module, ONEMO_FEATURE_CHECK, "report a checksum", error))
    return FALSE;
  call->data = onemo_at_build_check (algorithm);
  call->free_data = g_free;
  return TRUE;
}
