/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Upgrade(): AT+MFWUPGRADE, then "+MFWUPGRADE: 1,<percent>" … 2 (success) or 3 (failure), or
 * +CME ERROR: 854 at once; then the confirmation (onemo-flow-upgrade-confirm.c). It cannot be
 * cancelled: the manual forbids interrupting an upgrade.
 *
 * The manual's success examples show no OK: a report of 2 or 3 ends AT+MFWUPGRADE at once
 * (the command is dropped), whether or not an OK came first (point d). From AT+MFWUPGRADE to
 * that report nothing is sent to the module, and nothing in that window but the module's own
 * refusal or report says the upgrade failed: a limit reached says the module may still be
 * upgrading (point e). Modules that reboot meanwhile (ML30x, ML307R) are waited for in
 * onemo-flow-upgrade-reboot.c. The whole upgrade has one deadline, each absence another, per
 * family (onemo-upgrade-limits.h).
 *
 * The same following serves an upgrade the journal says was running when the daemon stopped
 * (onemo_flow_upgrade_follow): AT+MFWUPGRADE is not sent again; since the module's reports may
 * have been lost meanwhile, a module that stays silent on its port is asked its revision once.
 * A logind inhibitor holds off shutdown and sleep from the start to the end. */
#include "onemo-flow-upgrade-private.h"
#include "onemo-at-command.h"
#include "onemo-at-parsers.h"
#include "onemo-upgrade-limits.h"

void
upgrade_detach_port (UpgradeOp *op)
{
  if (op->port == NULL)
    return;
  if (op->urc_id != 0)
    onemo_at_port_remove_urc_handler (op->port, op->urc_id);
  g_clear_signal_handler (&op->hangup_id, op->port);
  op->urc_id = 0;
  g_clear_object (&op->port);
}

static void
upgrade_op_free (UpgradeOp *op)
{
  onemo_shutdown_inhibitor_release (op->inhibitor);
  g_clear_object (&op->inhibitor);
  g_clear_handle_id (&op->quiet_id, g_source_remove);
  upgrade_detach_port (op);
  upgrade_confirm_clear (op);
  g_clear_object (&op->command_cancellable);
  g_clear_object (&op->monitor);
  g_free (op->device_name);
  g_free (op->old_revision);
  g_free (op->returned_device);
  g_free (op->early_device);
  g_clear_object (&op->module);
  g_clear_object (&op->operation);
}

void
upgrade_op_release (UpgradeOp *op)
{
  g_rc_box_release_full (op, (GDestroyNotify)upgrade_op_free);
}

/* From an idle: never inside the port's own dispatch. */
static gboolean
upgrade_teardown (gpointer user_data)
{
  UpgradeOp *op = user_data;
  OnemoAtPort *port = op->port != NULL ? g_object_ref (op->port) : NULL;

  upgrade_detach_port (op);
  upgrade_stop_waiting (op);
  g_clear_signal_handler (&op->returned_id, op->module);
  g_clear_handle_id (&op->quiet_id, g_source_remove);
  if (op->timeout != NULL) {
    g_source_destroy (op->timeout);
    g_clear_pointer (&op->timeout, g_source_unref);
  }
  /* A report may end AT+MFWUPGRADE before (or without) its OK (point d). */
  g_cancellable_cancel (op->command_cancellable);
  if (op->error == NULL && port == NULL)
    op->error = g_error_new (ONEMO_ERROR, ONEMO_ERROR_PORT_GONE,
                             "The module reported success while its port was away");
  if (op->error != NULL) {
    onemo_operation_report_upgrade (op->operation, ONEMO_UPGRADE_FAILED, -1);
    onemo_operation_return_error (op->operation, g_steal_pointer (&op->error));
    upgrade_op_release (op);
  } else {
    onemo_operation_report_upgrade (op->operation, ONEMO_UPGRADE_SUCCESS, 100);
    upgrade_confirm (op, port);
  }
  g_clear_object (&port);
  return G_SOURCE_REMOVE;
}

void
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
  g_autoptr (GError) error = NULL;
  OnemoMfwUpgrade report;

  if (!onemo_at_parse_mfwupgrade (line, &report, &error)) {
    g_debug ("%s: ignoring \"%s\": %s", onemo_at_port_get_name (port), line, error->message);
    return;
  }
  op->heard = TRUE;
  switch (report.state) {
    case ONEMO_UPGRADE_UPGRADING:
      onemo_operation_report_upgrade (op->operation, report.state,
                                      report.has_percent ? (int)report.percent : -1);
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

static void upgrade_expect_silence (UpgradeOp *op);

void
upgrade_attach_port (UpgradeOp *op, OnemoAtPort *port)
{
  op->port = g_object_ref (port);
  op->heard = FALSE;
  op->urc_id = onemo_at_port_add_urc_handler (port, ONEMO_AT_URC_UPGRADE, upgrade_urc, op, NULL);
  op->hangup_id = g_signal_connect (port, "hangup", G_CALLBACK (upgrade_port_hangup), op);
  if (op->resumed)
    upgrade_expect_silence (op);
}

/* The module's own refusal (+CME ERROR: 854, ERROR): it never started. */
static gboolean
upgrade_refused (const GError *error)
{
  return error->domain == ONEMO_ERROR && error->code >= ONEMO_ERROR_UNKNOWN
         && error->code <= ONEMO_ERROR_MODULE;
}

static void
upgrade_command_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  UpgradeOp *op = user_data;
  GError *error = NULL;
  g_auto (GStrv) lines = onemo_at_port_command_finish (ONEMO_AT_PORT (source), result, &error);

  /* OK: the reports follow (or came already). A report may also end the command without an OK
   * (cancelled), a rebooting module's hang-up fails it, and anything else it says may come
   * from a module that already flashes: only a refusal ends the upgrade here. */
  if (error != NULL && upgrade_refused (error)) {
    upgrade_finish (op, error);
  } else {
    if (error != NULL && !op->finished)
      g_debug ("%s: AT+MFWUPGRADE: %s; following the reports", op->device_name, error->message);
    g_clear_error (&error);
  }
  upgrade_op_release (op);
}

/* A failure while the module may still be flashing: it must keep its power. */
GError *
upgrade_error_in_flight (OnemoError code, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  return g_error_new (ONEMO_ERROR, code,
                      "%s; the module may still be upgrading: do not cut its power", message);
}

static gboolean
upgrade_timed_out (gpointer user_data)
{
  UpgradeOp *op = user_data;

  upgrade_finish (
      op, upgrade_error_in_flight (ONEMO_ERROR_TIMEOUT, "The upgrade did not end in %u s",
                                   onemo_upgrade_timeout_s (onemo_module_get_options (op->module),
                                                            onemo_module_get_model (op->module))));
  return G_SOURCE_REMOVE;
}

/* The running operation's following, from now to the deadline, holding off shutdown. */
static UpgradeOp *
upgrade_op_new (OnemoOperation *operation)
{
  OnemoModule *self = onemo_operation_get_module (operation);
  OnemoDBusFirmware *iface = ONEMO_DBUS_FIRMWARE (self);
  const OnemoDaemonOptions *options = onemo_module_get_options (self);
  UpgradeOp *op = g_rc_box_new0 (UpgradeOp);
  g_autofree char *why = g_strdup_printf (
      "Upgrading the firmware of %s on %s; interrupting it can damage the module",
      onemo_module_get_model (self)->sub_model, onemo_module_get_device (self));

  op->module = g_object_ref (self);
  op->operation = g_object_ref (operation);
  op->device_name = g_path_get_basename (onemo_module_get_device (self));
  op->old_revision = g_strdup (onemo_dbus_firmware_get_revision (iface));
  op->inhibitor = onemo_shutdown_inhibitor_new (options->session_bus, why);
  if (onemo_module_get_physical_device (self) != NULL)
    op->returned_id
        = g_signal_connect (self, "port-returned", G_CALLBACK (upgrade_port_returned), op);
  op->command_cancellable = g_cancellable_new ();
  op->timeout = g_timeout_source_new_seconds (
      onemo_upgrade_timeout_s (options, onemo_module_get_model (self)));
  g_source_set_callback (op->timeout, upgrade_timed_out, op, NULL);
  g_source_attach (op->timeout, NULL);
  return op;
}

void
onemo_flow_upgrade_start (OnemoOperation *operation, gpointer data)
{
  UpgradeOp *op = upgrade_op_new (operation);

  onemo_operation_reset_upgrade (operation);
  upgrade_attach_port (op, onemo_operation_get_port (operation));
  /* A module may start without answering at all: no timeout of its own, the upgrade's deadline
   * bounds it, and the first report of 2 or 3 drops it. */
  onemo_at_port_command_async (op->port, ONEMO_AT_CMD_UPGRADE, 0, 0, op->command_cancellable,
                               upgrade_command_done, g_rc_box_acquire (op));
}

gboolean
onemo_flow_upgrade_prepare (OnemoModule *module, GDBusMethodInvocation *invocation,
                            GVariant *parameters, OnemoFlowCall *call, GError **error)
{
  const OnemoModel *model = onemo_module_get_model (module);

  if (!onemo_model_supports (model, ONEMO_FEATURE_UPGRADE)
      && !onemo_model_supports (model, ONEMO_FEATURE_UPGRADE_URL)) {
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_NOT_SUPPORTED, "%s cannot upgrade",
                 model->sub_model);
    return FALSE;
  }
  return TRUE;
}

/* ---- Following after a restart ---- */

static void
quiet_revision_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  UpgradeOp *op = user_data;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) lines = onemo_at_port_command_finish (ONEMO_AT_PORT (source), result, &error);
  g_autofree char *revision = NULL;

  if (!op->finished && lines != NULL
      && onemo_at_parse_cgmr (lines[0] != NULL ? lines[0] : "", &revision, NULL)
      && g_strcmp0 (revision, op->old_revision) != 0) {
    g_message ("%s: the upgrade ended while the daemon was away", op->device_name);
    upgrade_finish (op, NULL);
  } else if (!op->finished) {
    /* Still the old revision, or no answer: the upgrade runs on, its reports will come. */
    g_debug ("%s: still upgrading", op->device_name);
  }
  upgrade_op_release (op);
}

static gboolean
upgrade_quiet (gpointer user_data)
{
  UpgradeOp *op = user_data;

  op->quiet_id = 0;
  if (!op->finished && !op->heard && op->port != NULL)
    onemo_at_port_command_async (op->port, ONEMO_AT_CMD_REVISION, 0,
                                 onemo_module_get_options (op->module)->command_timeout_ms, NULL,
                                 quiet_revision_read, g_rc_box_acquire (op));
  return G_SOURCE_REMOVE;
}

/* The reports that were due while the daemon was away are lost: a module that says nothing
 * for a command timeout is asked its revision, once per port. */
static void
upgrade_expect_silence (UpgradeOp *op)
{
  g_clear_handle_id (&op->quiet_id, g_source_remove);
  op->quiet_id = g_timeout_add (onemo_module_get_options (op->module)->command_timeout_ms,
                                upgrade_quiet, op);
}

void
onemo_flow_upgrade_follow (OnemoOperation *operation, const char *phase)
{
  UpgradeOp *op = upgrade_op_new (operation);
  g_autoptr (GError) error = NULL;
  OnemoAtPort *port;

  op->resumed = TRUE;
  port = onemo_operation_reopen_port (operation, &error);
  if (port == NULL) {
    g_debug ("%s: away: %s", op->device_name, error->message);
    g_idle_add (upgrade_wait_for_device, g_rc_box_acquire (op));
    return;
  }
  upgrade_attach_port (op, port);
  /* It had said it succeeded: only the revision is left to read. */
  if (g_str_equal (phase, "confirming"))
    upgrade_finish (op, NULL);
}
