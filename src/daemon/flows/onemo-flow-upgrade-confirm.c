/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Upgrade() once the module reported success ("+MFWUPGRADE: 2"):
 * - a UART module (NB-IoT) reboots behind a port that stays, deaf for seconds, losing what it
 *   is sent: it is polled with AT, one at a time, a pause between a lost one and the next, until
 *   it answers or its reboot limit passes (point j);
 * - the port is set up again, ATE0 and AT+CMEE=1, since a reboot restored the defaults (i);
 * - a discovered module's port that came back under a new name is taken as the module's only
 *   once AT+CGSN gives its IMEI: asked now, never while it flashed (e);
 * - AT+CGMR's answer becomes Revision and must differ from the old one; a lost or unreadable
 *   answer is asked again (bounded), never a failure of the upgrade nor a false NotVerified. */
#include "onemo-flow-upgrade-private.h"
#include "onemo-at-command.h"
#include "onemo-at-parsers.h"
#include "onemo-port-setup.h"
#include "onemo-upgrade-limits.h"

#define POLL_ANSWER_MS 2000 /* how long one AT of the poll waits for its answer */
#define POLL_PAUSE_MS  250  /* between an AT that got nothing and the next */
#define CGMR_TRIES     3

static guint
command_timeout_ms (UpgradeOp *op)
{
  return onemo_module_get_options (op->module)->command_timeout_ms;
}

/* Answers the caller: the end of the upgrade. */
static void
confirm_return (UpgradeOp *op, GError *error)
{
  onemo_operation_return (op->operation, NULL, error);
  upgrade_op_release (op);
}

static void read_revision (UpgradeOp *op);

static void
revision_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  UpgradeOp *op = user_data;
  GError *error = NULL;
  g_auto (GStrv) lines = onemo_at_port_command_finish (ONEMO_AT_PORT (source), result, &error);
  g_autofree char *revision = NULL;

  if (lines != NULL && onemo_at_parse_cgmr (lines[0] != NULL ? lines[0] : "", &revision, &error)) {
    onemo_module_set_revision (op->module, revision);
    if (g_strcmp0 (revision, op->old_revision) == 0)
      g_set_error (&error, ONEMO_ERROR, ONEMO_ERROR_NOT_VERIFIED,
                   "The module reported success but still runs %s", revision);
    confirm_return (op, error);
    return;
  }
  /* Lost in a module still settling after its reboot, or an answer that is not one: ask again,
   * unless the port is gone. */
  if (!g_error_matches (error, ONEMO_ERROR, ONEMO_ERROR_PORT_GONE)
      && ++op->cgmr_tries < CGMR_TRIES) {
    g_debug ("%s: asking the revision again: %s", op->device_name, error->message);
    g_clear_error (&error);
    read_revision (op);
    return;
  }
  g_prefix_error (&error, "The upgrade succeeded, but reading the new revision failed: ");
  confirm_return (op, error);
}

static void
read_revision (UpgradeOp *op)
{
  onemo_at_port_command_async (op->confirm_port, ONEMO_AT_CMD_REVISION, 0, command_timeout_ms (op),
                               NULL, revision_read, op);
}

/* AT+CGSN's answer, past what a module that just booted says unasked (+MATREADY). */
static const char *
imei_line (GStrv lines)
{
  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '+')
      return lines[i];
  return "";
}

static void
imei_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  UpgradeOp *op = user_data;
  GError *error = NULL;
  g_auto (GStrv) lines = onemo_at_port_command_finish (ONEMO_AT_PORT (source), result, &error);
  const char *expected = onemo_dbus_firmware_get_imei (ONEMO_DBUS_FIRMWARE (op->module));
  g_autofree char *imei = NULL;

  if (lines == NULL || !onemo_at_parse_cgsn (imei_line (lines), &imei, &error))
    g_prefix_error (&error, "Cannot tell which module came back at %s: ", op->returned_device);
  else if (g_strcmp0 (imei, expected) != 0)
    g_set_error (&error, ONEMO_ERROR, ONEMO_ERROR_PORT_GONE,
                 "The module did not come back: another one (IMEI %s) is at %s", imei,
                 op->returned_device);
  if (error != NULL) {
    confirm_return (op, error);
    return;
  }
  onemo_module_set_device (op->module, op->returned_device);
  read_revision (op);
}

static void
set_up (GObject *source, GAsyncResult *result, gpointer user_data)
{
  UpgradeOp *op = user_data;
  g_autoptr (GError) error = NULL;

  if (!onemo_port_setup_finish (result, &error)) {
    if (g_error_matches (error, ONEMO_ERROR, ONEMO_ERROR_PORT_GONE)) {
      confirm_return (op, g_steal_pointer (&error));
      return;
    }
    /* The revision is still worth reading; its own retries cover a module still settling. */
    g_debug ("%s: setting the port up after the upgrade: %s", op->device_name, error->message);
  }
  if (op->returned_device != NULL)
    onemo_at_port_command_async (op->confirm_port, ONEMO_AT_CMD_IMEI, 0, command_timeout_ms (op),
                                 NULL, imei_read, op);
  else
    read_revision (op);
}

static void
confirm_set_up (UpgradeOp *op)
{
  onemo_port_setup_async (op->confirm_port, command_timeout_ms (op), NULL, set_up, op);
}

static void confirm_poll (UpgradeOp *op);

static gboolean
poll_again (gpointer user_data)
{
  UpgradeOp *op = user_data;

  op->poll_id = 0;
  confirm_poll (op);
  return G_SOURCE_REMOVE;
}

static void
poll_answered (GObject *source, GAsyncResult *result, gpointer user_data)
{
  UpgradeOp *op = user_data;
  GError *error = NULL;
  g_auto (GStrv) lines = onemo_at_port_command_finish (ONEMO_AT_PORT (source), result, &error);
  guint limit_s = onemo_reboot_timeout_s (onemo_module_get_options (op->module),
                                          onemo_module_get_model (op->module));

  /* Any answer, ERROR included, says the module hears again. */
  if (lines != NULL || !g_error_matches (error, ONEMO_ERROR, ONEMO_ERROR_TIMEOUT)) {
    if (g_error_matches (error, ONEMO_ERROR, ONEMO_ERROR_PORT_GONE)) {
      confirm_return (op, error);
      return;
    }
    g_clear_error (&error);
    confirm_set_up (op);
    return;
  }
  g_clear_error (&error);
  if (g_get_monotonic_time () < op->poll_deadline) {
    op->poll_id = g_timeout_add (POLL_PAUSE_MS, poll_again, op);
    return;
  }
  confirm_return (op, upgrade_error_in_flight (
                          ONEMO_ERROR_TIMEOUT,
                          "The module reported success, then did not answer for %u s", limit_s));
}

static void
confirm_poll (UpgradeOp *op)
{
  onemo_at_port_command_async (op->confirm_port, ONEMO_AT_CMD_ATTENTION, 0,
                               MIN (POLL_ANSWER_MS, command_timeout_ms (op)), NULL, poll_answered,
                               op);
}

void
upgrade_confirm (UpgradeOp *op, OnemoAtPort *port)
{
  const OnemoModel *model = onemo_module_get_model (op->module);

  op->confirm_port = g_object_ref (port);
  onemo_operation_record_phase (op->operation, "confirming");
  if (model->family == ONEMO_FAMILY_NBIOT) {
    /* Rebooting behind its UART: no hang-up tells when it is back. */
    op->poll_deadline
        = g_get_monotonic_time ()
          + (gint64)onemo_reboot_timeout_s (onemo_module_get_options (op->module), model)
                * G_USEC_PER_SEC;
    confirm_poll (op);
  } else {
    confirm_set_up (op);
  }
}

void
upgrade_confirm_clear (UpgradeOp *op)
{
  g_clear_handle_id (&op->poll_id, g_source_remove);
  g_clear_object (&op->confirm_port);
}
