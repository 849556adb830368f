/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Checksum(): AT+MFWCHECK=<algorithm>, the module's digest of the package it holds. */
#include "onemo-module-private.h"
#include "onemo-at-command.h"
#include "onemo-at-parsers.h"

static void
checksum_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GDBusMethodInvocation *invocation = user_data;
  OnemoModule *self = onemo_module_op_bound (invocation);
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
    onemo_module_op_return (self, invocation, NULL, error);
    return;
  }
  onemo_module_op_return (self, invocation, g_variant_new ("(s)", checksum), NULL);
}

static void
checksum_start (OnemoModule *self, GDBusMethodInvocation *invocation, gpointer data)
{
  g_autofree char *command = data;

  onemo_module_op_bind (self, invocation);
  onemo_at_port_command_async (onemo_module_op_port (self), command, 0,
                               onemo_module_get_options (self)->command_timeout_ms,
                               onemo_module_op_cancellable (self), checksum_done, invocation);
}

gboolean
onemo_flow_checksum (OnemoModule *self, GDBusMethodInvocation *invocation, guint algorithm)
{
  GError *error = NULL;

  if (algorithm > ONEMO_AT_CHECK_SHA256) {
    g_dbus_method_invocation_return_error (invocation, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT,
                                           "Algorithm %u is none of 0 (MD5), 1 (SHA1), 2 (SHA256)",
                                           algorithm);
    return TRUE;
  }
  if (!onemo_module_require (self, ONEMO_FEATURE_CHECK, "report a checksum", &error)) {
    g_dbus_method_invocation_take_error (invocation, error);
    return TRUE;
  }
  /* A question, not an operation: State and LastError (a failed update's reason) stay. */
  onemo_module_op_begin (self, invocation, NULL, ONEMO_OP_QUERY, checksum_start,
                         onemo_at_build_check (algorithm), g_free);
  return TRUE;
}
