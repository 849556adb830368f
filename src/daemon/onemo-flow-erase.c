/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Erase(): AT+MFWERASE, the recovery step after a failed download or write. */
#include "onemo-module-private.h"
#include "onemo-at-command.h"

static void
erase_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GDBusMethodInvocation *invocation = user_data;
  OnemoModule *self = onemo_module_op_bound (invocation);
  GError *error = NULL;
  g_auto (GStrv) lines = onemo_at_port_command_finish (ONEMO_AT_PORT (source), result, &error);
  OnemoDBusFirmware *iface = ONEMO_DBUS_FIRMWARE (self);

  if (error == NULL) {
    onemo_dbus_firmware_set_download_total (iface, 0);
    onemo_dbus_firmware_set_downloaded_bytes (iface, 0);
  }
  onemo_module_op_return (self, invocation, NULL, error);
}

static void
erase_start (OnemoModule *self, GDBusMethodInvocation *invocation, gpointer data)
{
  onemo_module_op_bind (self, invocation);
  onemo_at_port_command_async (onemo_module_op_port (self), ONEMO_AT_CMD_ERASE, 0,
                               onemo_module_get_options (self)->command_timeout_ms,
                               onemo_module_op_cancellable (self), erase_done, invocation);
}

gboolean
onemo_flow_erase (OnemoModule *self, GDBusMethodInvocation *invocation)
{
  GError *error = NULL;

  if (!onemo_module_require (self, ONEMO_FEATURE_ERASE, "erase its package", &error)) {
    g_dbus_method_invocation_take_error (invocation, error);
    return TRUE;
  }
  /* "configuring": erasing prepares the module for the next load. */
  onemo_module_op_begin (self, invocation, "configuring", ONEMO_OP_NONE, erase_start, NULL, NULL);
  return TRUE;
}
