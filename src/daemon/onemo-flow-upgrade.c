/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Upgrade(): AT+MFWUPGRADE, then "+MFWUPGRADE: 1,<percent>" … 2 (success) or 3 (failure), or
 * +CME ERROR: 854 at once; then AT+CGMR, whose answer becomes Revision. It cannot be cancelled:
 * the manual forbids interrupting an upgrade. */
#include "onemo-module-private.h"
#include "onemo-at-parsers.h"

typedef struct {
  OnemoModule *module;
  GDBusMethodInvocation *invocation;
  OnemoAtPort *port;
  guint urc_id;
  GSource *timeout;
  gboolean finished;
  gboolean succeeded; /* "+MFWUPGRADE: 2" came: the revision is read next */
  GError *error;
} UpgradeOp;

static void
upgrade_op_free (UpgradeOp *op)
{
  g_object_unref (op->module);
  g_object_unref (op->port);
  g_clear_object (&op->invocation);
}

static void
revision_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  UpgradeOp *op = user_data;
  GError *error = NULL;
  g_auto (GStrv) lines = onemo_at_port_command_finish (ONEMO_AT_PORT (source), result, &error);
  g_autofree char *revision = NULL;

  if (lines != NULL && onemo_at_parse_cgmr (lines[0] != NULL ? lines[0] : "", &revision, &error))
    onemo_dbus_firmware_set_revision (ONEMO_DBUS_FIRMWARE (op->module), revision);
  if (error != NULL)
    g_prefix_error (&error, "The upgrade succeeded, but reading the new revision failed: ");
  onemo_module_op_return (op->module, g_steal_pointer (&op->invocation), NULL, error);
  g_rc_box_release_full (op, (GDestroyNotify)upgrade_op_free);
}

/* From an idle: never inside the port's own dispatch. */
static gboolean
upgrade_teardown (gpointer user_data)
{
  UpgradeOp *op = user_data;
  OnemoDBusFirmware *iface = ONEMO_DBUS_FIRMWARE (op->module);

  if (op->urc_id != 0)
    onemo_at_port_remove_urc_handler (op->port, op->urc_id);
  op->urc_id = 0;
  if (op->timeout != NULL) {
    g_source_destroy (op->timeout);
    g_clear_pointer (&op->timeout, g_source_unref);
  }
  if (op->error != NULL) {
    onemo_dbus_firmware_emit_upgrade_progress (iface, ONEMO_UPGRADE_FAILED,
                                               onemo_dbus_firmware_get_upgrade_percent (iface));
    onemo_module_op_return (op->module, g_steal_pointer (&op->invocation), NULL,
                            g_steal_pointer (&op->error));
    g_rc_box_release_full (op, (GDestroyNotify)upgrade_op_free);
    return G_SOURCE_REMOVE;
  }
  onemo_dbus_firmware_set_upgrade_percent (iface, 100);
  onemo_dbus_firmware_emit_upgrade_progress (iface, ONEMO_UPGRADE_SUCCESS, 100);
  onemo_at_port_command_async (op->port, "AT+CGMR", 0,
                               onemo_module_get_options (op->module)->command_timeout_ms, NULL,
                               revision_read, op);
  return G_SOURCE_REMOVE;
}

static void
upgrade_finish (UpgradeOp *op, GError *error)
{
  if (op->finished) {
    g_clear_error (&error);
    return;
  }
  op->finished = TRUE;
  op->error = error;
  g_idle_add (upgrade_teardown, op);
}

static void
upgrade_urc (OnemoAtPort *port, const char *line, GMatchInfo *match, gpointer user_data)
{
  UpgradeOp *op = user_data;
  OnemoDBusFirmware *iface = ONEMO_DBUS_FIRMWARE (op->module);
  g_autoptr (GError) error = NULL;
  OnemoMfwUpgrade report;

  if (!onemo_at_parse_mfwupgrade (line, &report, &error)) {
    g_debug ("%s: ignoring \"%s\": %s", onemo_at_port_get_name (port), line, error->message);
    return;
  }
  switch (report.state) {
    case ONEMO_UPGRADE_UPGRADING:
      if (report.has_percent)
        onemo_dbus_firmware_set_upgrade_percent (iface, report.percent);
      onemo_dbus_firmware_emit_upgrade_progress (iface, report.state,
                                                 onemo_dbus_firmware_get_upgrade_percent (iface));
      break;
    case ONEMO_UPGRADE_SUCCESS:
      upgrade_finish (op, NULL);
      break;
    case ONEMO_UPGRADE_FAILED:
      upgrade_finish (op, g_error_new (ONEMO_ERROR, ONEMO_ERROR_UPGRADE,
                                       "The module reports a failed upgrade"));
      break;
  }
}

static void
upgrade_command_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  UpgradeOp *op = user_data;
  GError *error = NULL;
  g_auto (GStrv) lines = onemo_at_port_command_finish (ONEMO_AT_PORT (source), result, &error);

  /* OK: "+MFWUPGRADE:" reports follow (or came already). */
  if (error != NULL)
    upgrade_finish (op, error);
  g_rc_box_release_full (op, (GDestroyNotify)upgrade_op_free);
}

static gboolean
upgrade_timed_out (gpointer user_data)
{
  UpgradeOp *op = user_data;

  upgrade_finish (op,
                  g_error_new (ONEMO_ERROR, ONEMO_ERROR_TIMEOUT, "The upgrade did not end in %u s",
                               onemo_module_get_options (op->module)->upgrade_timeout_s));
  return G_SOURCE_REMOVE;
}

gboolean
onemo_flow_upgrade (OnemoModule *self, GDBusMethodInvocation *invocation)
{
  const OnemoModel *model = onemo_module_get_model (self);
  guint timeout_s = onemo_module_get_options (self)->upgrade_timeout_s;
  UpgradeOp *op;

  if (!onemo_model_supports (model, ONEMO_FEATURE_UPGRADE)
      && !onemo_model_supports (model, ONEMO_FEATURE_UPGRADE_URL)) {
    g_dbus_method_invocation_return_error (invocation, ONEMO_ERROR, ONEMO_ERROR_NOT_SUPPORTED,
                                           "%s cannot upgrade", model->sub_model);
    return TRUE;
  }
  if (onemo_model_supports (model, ONEMO_FEATURE_REBOOTS)) {
    /* Following the port through the module's reboots is not written yet. */
    g_dbus_method_invocation_return_error (invocation, ONEMO_ERROR, ONEMO_ERROR_NOT_SUPPORTED,
                                           "Upgrading %s, which reboots, is not implemented yet",
                                           model->sub_model);
    return TRUE;
  }
  if (!onemo_module_op_begin (self, invocation, "upgrading", ONEMO_OP_NONE))
    return TRUE;

  op = g_rc_box_new0 (UpgradeOp);
  op->module = g_object_ref (self);
  op->invocation = g_object_ref (invocation);
  op->port = g_object_ref (onemo_module_op_port (self));
  onemo_dbus_firmware_set_upgrade_percent (ONEMO_DBUS_FIRMWARE (self), 0);
  op->urc_id = onemo_at_port_add_urc_handler (op->port, "^\\+MFWUPGRADE:", upgrade_urc, op, NULL);
  op->timeout = g_timeout_source_new_seconds (timeout_s);
  g_source_set_callback (op->timeout, upgrade_timed_out, op, NULL);
  g_source_attach (op->timeout, NULL);
  /* A module may start without answering: the command waits as long as the upgrade may take. */
  onemo_at_port_command_async (op->port, "AT+MFWUPGRADE", 0, timeout_s * 1000, NULL,
                               upgrade_command_done, g_rc_box_acquire (op));
  return TRUE;
}
