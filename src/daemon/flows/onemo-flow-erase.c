/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Erase(): AT+MFWERASE, the recovery step after a failed download or write. */
#include "onemo-flows.h"
#include "onemo-at-command.h"

static void
erase_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (OnemoOperation) operation = user_data;
  GError *error = NULL;
  g_auto (GStrv) lines = onemo_at_port_command_finish (ONEMO_AT_PORT (source), result, &error);

  if (error == NULL)
    onemo_operation_clear_download (operation);
  onemo_operation_return (operation, NULL, error);
}

void
onemo_flow_erase_start (OnemoOperation *operation, gpointer data)
{
  onemo_operation_command_async (operation, ONEMO_AT_CMD_ERASE, erase_done,
                                 g_object_ref (operation));
}

gboolean
onemo_flow_erase_prepare (OnemoModule *module, GDBusMethodInvocation *invocation,
                          GVariant *parameters, OnemoFlowCall *call, GError **error)
{
  return onemo_module_require (module, ONEMO_FEATURE_ERASE, "erase its package", error);
}
