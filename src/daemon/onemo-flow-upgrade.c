/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Upgrade(): AT+MFWUPGRADE, then "+MFWUPGRADE: 1,<percent>" … 2 (success) or 3 (failure), or
 * +CME ERROR: 854 at once; then AT+CGMR, whose answer becomes Revision and must differ from
 * the old one. It cannot be cancelled: the manual forbids interrupting an upgrade.
 *
 * Modules that reboot during the upgrade (ML30x, ML307R) take their port away: on the port's
 * hang-up the state is "rebooting", the device's directory is watched (inotify, through
 * GFileMonitor: no polling) until the device is back, then the port is reopened and the
 * reports followed on it. A discovered module's port may come back under another name: udev
 * tells (onemo-discovery.c, "port-returned"), and AT+CGSN must give the same IMEI before the
 * port counts as the module's. The whole upgrade has one deadline (--upgrade-timeout), each
 * absence another (--reboot-timeout).
 *
 * The same following serves an upgrade the journal says was running when the daemon stopped
 * (onemo_flow_upgrade_follow): AT+MFWUPGRADE is not sent again; since the module's reports may
 * have been lost meanwhile, a module that stays silent on its port is asked its revision once.
 * A logind inhibitor holds off shutdown and sleep from the start to the end. */
#include "onemo-module-private.h"
#include "onemo-at-parsers.h"
#include "onemo-module-journal.h"
#include "onemo-shutdown-inhibitor.h"

typedef struct {
  OnemoModule *module;
  GDBusMethodInvocation *invocation;
  OnemoAtPort *port; /* the port being followed; NULL while the module reboots */
  guint urc_id;
  gulong hangup_id;
  GFileMonitor *monitor;
  char *device_name; /* the basename the monitor waits for */
  char *old_revision;
  GSource *timeout;
  GSource *reboot_timeout; /* while the module is away */
  gulong returned_id;      /* "port-returned" of a discovered module */
  char *returned_device;   /* the port it came back at, until AT+CGSN confirms it */
  char *early_device;      /* came back before the old port's hang-up was seen */
  GError *identity_error;  /* another module answered there */
  gboolean finished;
  GError *error;
  OnemoShutdownInhibitor *inhibitor;
  gboolean resumed; /* followed after a restart */
  gboolean heard;   /* a report came on this port */
  guint quiet_id;   /* resumed: when to ask the revision of a silent module */
} UpgradeOp;

static void
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
  g_clear_object (&op->monitor);
  g_free (op->device_name);
  g_free (op->old_revision);
  g_free (op->returned_device);
  g_free (op->early_device);
  g_clear_error (&op->identity_error);
  g_clear_object (&op->module);
  g_clear_object (&op->invocation);
}

static void
upgrade_op_release (UpgradeOp *op)
{
  g_rc_box_release_full (op, (GDestroyNotify)upgrade_op_free);
}

/* The module is back, or the wait is over. */
static void
upgrade_stop_waiting (UpgradeOp *op)
{
  g_clear_object (&op->monitor);
  if (op->reboot_timeout != NULL) {
    g_source_destroy (op->reboot_timeout);
    g_clear_pointer (&op->reboot_timeout, g_source_unref);
  }
}

static void
revision_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  UpgradeOp *op = user_data;
  GError *error = NULL;
  g_auto (GStrv) lines = onemo_at_port_command_finish (ONEMO_AT_PORT (source), result, &error);
  g_autofree char *revision = NULL;

  if (op->identity_error != NULL) {
    g_clear_error (&error);
    error = g_error_copy (op->identity_error);
  } else if (lines != NULL
             && onemo_at_parse_cgmr (lines[0] != NULL ? lines[0] : "", &revision, &error)) {
    onemo_dbus_firmware_set_revision (ONEMO_DBUS_FIRMWARE (op->module), revision);
    if (g_strcmp0 (revision, op->old_revision) == 0)
      g_set_error (&error, ONEMO_ERROR, ONEMO_ERROR_NOT_VERIFIED,
                   "The module reported success but still runs %s", revision);
  } else {
    g_prefix_error (&error, "The upgrade succeeded, but reading the new revision failed: ");
  }
  onemo_module_op_return (op->module, g_steal_pointer (&op->invocation), NULL, error);
  upgrade_op_release (op);
}

/* From an idle: never inside the port's own dispatch. */
static gboolean
upgrade_teardown (gpointer user_data)
{
  UpgradeOp *op = user_data;
  OnemoDBusFirmware *iface = ONEMO_DBUS_FIRMWARE (op->module);
  OnemoAtPort *port = op->port != NULL ? g_object_ref (op->port) : NULL;

  upgrade_detach_port (op);
  upgrade_stop_waiting (op);
  g_clear_signal_handler (&op->returned_id, op->module);
  g_clear_handle_id (&op->quiet_id, g_source_remove);
  if (op->timeout != NULL) {
    g_source_destroy (op->timeout);
    g_clear_pointer (&op->timeout, g_source_unref);
  }
  if (op->error == NULL && port == NULL)
    op->error = g_error_new (ONEMO_ERROR, ONEMO_ERROR_PORT_GONE,
                             "The module reported success while its port was away");
  if (op->error != NULL) {
    onemo_dbus_firmware_emit_upgrade_progress (iface, ONEMO_UPGRADE_FAILED,
                                               onemo_dbus_firmware_get_upgrade_percent (iface));
    onemo_module_op_return (op->module, g_steal_pointer (&op->invocation), NULL,
                            g_steal_pointer (&op->error));
    upgrade_op_release (op);
  } else {
    onemo_dbus_firmware_set_upgrade_percent (iface, 100);
    onemo_dbus_firmware_emit_upgrade_progress (iface, ONEMO_UPGRADE_SUCCESS, 100);
    onemo_module_journal_phase (op->module, "confirming");
    onemo_at_port_command_async (port, "AT+CGMR", 0,
                                 onemo_module_get_options (op->module)->command_timeout_ms, NULL,
                                 revision_read, op);
  }
  g_clear_object (&port);
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
  op->heard = TRUE;
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

static void upgrade_port_hangup (OnemoAtPort *port, gpointer user_data);
static void upgrade_expect_silence (UpgradeOp *op);

static void
upgrade_attach_port (UpgradeOp *op, OnemoAtPort *port)
{
  op->port = g_object_ref (port);
  op->heard = FALSE;
  op->urc_id = onemo_at_port_add_urc_handler (port, "^\\+MFWUPGRADE:", upgrade_urc, op, NULL);
  op->hangup_id = g_signal_connect (port, "hangup", G_CALLBACK (upgrade_port_hangup), op);
  if (op->resumed)
    upgrade_expect_silence (op);
}

static void
upgrade_try_reopen (UpgradeOp *op)
{
  g_autoptr (GError) error = NULL;
  OnemoAtPort *port;

  if (op->finished || op->port != NULL)
    return;
  port = onemo_module_op_reopen_port (op->module, &error);
  if (port == NULL) {
    g_debug ("%s: not back yet: %s", op->device_name, error->message);
    return;
  }
  upgrade_stop_waiting (op);
  onemo_module_op_set_state (op->module, "upgrading");
  upgrade_attach_port (op, port);
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
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) lines = onemo_at_port_command_finish (ONEMO_AT_PORT (source), result, &error);
  const char *expected = onemo_dbus_firmware_get_imei (ONEMO_DBUS_FIRMWARE (op->module));
  g_autofree char *imei = NULL;

  if (lines == NULL && g_error_matches (error, ONEMO_ERROR, ONEMO_ERROR_PORT_GONE)) {
    /* Away again: the hang-up has it. */
    upgrade_op_release (op);
    return;
  }
  if (lines == NULL || !onemo_at_parse_cgsn (imei_line (lines), &imei, &error))
    g_prefix_error (&error, "Cannot tell which module came back at %s: ", op->returned_device);
  else if (g_strcmp0 (imei, expected) != 0)
    g_set_error (&error, ONEMO_ERROR, ONEMO_ERROR_PORT_GONE,
                 "The module did not come back: another one (IMEI %s) is at %s", imei,
                 op->returned_device);
  else
    onemo_module_set_device (op->module, op->returned_device);
  if (error != NULL) {
    op->identity_error = g_error_copy (error);
    upgrade_finish (op, g_steal_pointer (&error));
  }
  upgrade_op_release (op);
}

/* A discovered module's physical device has an AT port again, maybe under another name. */
static void
port_returned (OnemoModule *module, const char *device, gpointer user_data)
{
  UpgradeOp *op = user_data;
  g_autoptr (GError) error = NULL;
  OnemoAtPort *port;

  if (op->finished)
    return;
  if (op->port != NULL) {
    /* udev's add overtook the old port's hang-up: taken once the hang-up is seen. */
    g_debug ("%s: back at %s before its hang-up", op->device_name, device);
    g_free (op->early_device);
    op->early_device = g_strdup (device);
    return;
  }
  g_clear_pointer (&op->early_device, g_free);
  port = onemo_module_op_reopen_port_at (module, device, &error);
  if (port == NULL) {
    g_debug ("%s: cannot open it yet: %s", device, error->message);
    return;
  }
  upgrade_stop_waiting (op);
  g_free (op->returned_device);
  op->returned_device = g_strdup (device);
  onemo_module_op_set_state (op->module, "upgrading");
  upgrade_attach_port (op, port);
  onemo_at_port_command_async (port, "AT+CGSN", 0,
                               onemo_module_get_options (op->module)->command_timeout_ms, NULL,
                               imei_read, g_rc_box_acquire (op));
}

static gboolean
reboot_timed_out (gpointer user_data)
{
  UpgradeOp *op = user_data;

  upgrade_finish (op, g_error_new (ONEMO_ERROR, ONEMO_ERROR_PORT_GONE,
                                   "The module did not come back from its reboot in %u s",
                                   onemo_module_get_options (op->module)->reboot_timeout_s));
  return G_SOURCE_REMOVE;
}

static void
device_changed (GFileMonitor *monitor, GFile *file, GFile *other, GFileMonitorEvent event,
                gpointer user_data)
{
  UpgradeOp *op = user_data;
  GFile *arrived = event == G_FILE_MONITOR_EVENT_RENAMED ? other : file;
  g_autofree char *name = arrived != NULL ? g_file_get_basename (arrived) : NULL;

  if (event != G_FILE_MONITOR_EVENT_CREATED && event != G_FILE_MONITOR_EVENT_MOVED_IN
      && event != G_FILE_MONITOR_EVENT_RENAMED && event != G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED
      && event != G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT)
    return;
  if (g_strcmp0 (name, op->device_name) == 0)
    upgrade_try_reopen (op);
}

/* From an idle after the hang-up: the port's dispatch has returned. */
static gboolean
upgrade_wait_for_device (gpointer user_data)
{
  UpgradeOp *op = user_data;
  const char *device = onemo_module_get_device (op->module);
  g_autoptr (GFile) file = g_file_new_for_path (device);
  g_autoptr (GFile) dir = g_file_get_parent (file);
  g_autoptr (GError) error = NULL;

  if (op->finished || op->port != NULL) {
    upgrade_op_release (op);
    return G_SOURCE_REMOVE;
  }
  onemo_module_op_set_state (op->module, "rebooting");
  op->reboot_timeout
      = g_timeout_source_new_seconds (onemo_module_get_options (op->module)->reboot_timeout_s);
  g_source_set_callback (op->reboot_timeout, reboot_timed_out, op, NULL);
  g_source_attach (op->reboot_timeout, NULL);
  /* A discovered module's port is handed back by discovery (port_returned), maybe already. */
  if (op->early_device != NULL) {
    g_autofree char *early = g_steal_pointer (&op->early_device);

    port_returned (op->module, early, op);
  } else if (onemo_module_get_physical_device (op->module) == NULL) {
    op->monitor = g_file_monitor_directory (dir, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
    if (op->monitor == NULL)
      upgrade_finish (op,
                      g_error_new (ONEMO_ERROR, ONEMO_ERROR_PORT_GONE,
                                   "Cannot watch for %s to come back: %s", device, error->message));
    else
      g_signal_connect (op->monitor, "changed", G_CALLBACK (device_changed), op);
    /* It may be back already. */
    upgrade_try_reopen (op);
  }
  upgrade_op_release (op);
  return G_SOURCE_REMOVE;
}

static void
upgrade_port_hangup (OnemoAtPort *port, gpointer user_data)
{
  UpgradeOp *op = user_data;

  if (op->finished)
    return;
  if (!onemo_model_supports (onemo_module_get_model (op->module), ONEMO_FEATURE_REBOOTS)) {
    upgrade_finish (op, g_error_new (ONEMO_ERROR, ONEMO_ERROR_PORT_GONE,
                                     "The port went away during the upgrade"));
    return;
  }
  g_debug ("%s: rebooting", op->device_name);
  upgrade_detach_port (op);
  g_idle_add (upgrade_wait_for_device, g_rc_box_acquire (op));
}

static void
upgrade_command_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  UpgradeOp *op = user_data;
  GError *error = NULL;
  g_auto (GStrv) lines = onemo_at_port_command_finish (ONEMO_AT_PORT (source), result, &error);

  /* OK: "+MFWUPGRADE:" reports follow (or came already). A rebooting module never answers:
   * its port's hang-up fails the command, and the reports come on the reopened port. */
  if (error != NULL
      && !(g_error_matches (error, ONEMO_ERROR, ONEMO_ERROR_PORT_GONE)
           && onemo_model_supports (onemo_module_get_model (op->module), ONEMO_FEATURE_REBOOTS)))
    upgrade_finish (op, error);
  else
    g_clear_error (&error);
  upgrade_op_release (op);
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

/* The running operation's following, from now to the deadline, holding off shutdown. */
static UpgradeOp *
upgrade_op_new (OnemoModule *self, GDBusMethodInvocation *invocation)
{
  OnemoDBusFirmware *iface = ONEMO_DBUS_FIRMWARE (self);
  const OnemoDaemonOptions *options = onemo_module_get_options (self);
  UpgradeOp *op = g_rc_box_new0 (UpgradeOp);
  g_autofree char *why = g_strdup_printf (
      "Upgrading the firmware of %s on %s; interrupting it can damage the module",
      onemo_module_get_model (self)->sub_model, onemo_module_get_device (self));

  op->module = g_object_ref (self);
  op->invocation = invocation != NULL ? g_object_ref (invocation) : NULL;
  op->device_name = g_path_get_basename (onemo_module_get_device (self));
  op->old_revision = g_strdup (onemo_dbus_firmware_get_revision (iface));
  op->inhibitor = onemo_shutdown_inhibitor_new (options->session_bus, why);
  if (onemo_module_get_physical_device (self) != NULL)
    op->returned_id = g_signal_connect (self, "port-returned", G_CALLBACK (port_returned), op);
  op->timeout = g_timeout_source_new_seconds (options->upgrade_timeout_s);
  g_source_set_callback (op->timeout, upgrade_timed_out, op, NULL);
  g_source_attach (op->timeout, NULL);
  return op;
}

static void
upgrade_start (OnemoModule *self, GDBusMethodInvocation *invocation, gpointer data)
{
  guint timeout_s = onemo_module_get_options (self)->upgrade_timeout_s;
  UpgradeOp *op = upgrade_op_new (self, invocation);

  onemo_dbus_firmware_set_upgrade_percent (ONEMO_DBUS_FIRMWARE (self), 0);
  upgrade_attach_port (op, onemo_module_op_port (self));
  /* A module may start without answering: the command waits as long as the upgrade may take. */
  onemo_at_port_command_async (op->port, "AT+MFWUPGRADE", 0, timeout_s * 1000, NULL,
                               upgrade_command_done, g_rc_box_acquire (op));
}

gboolean
onemo_flow_upgrade (OnemoModule *self, GDBusMethodInvocation *invocation)
{
  const OnemoModel *model = onemo_module_get_model (self);

  if (!onemo_model_supports (model, ONEMO_FEATURE_UPGRADE)
      && !onemo_model_supports (model, ONEMO_FEATURE_UPGRADE_URL)) {
    g_dbus_method_invocation_return_error (invocation, ONEMO_ERROR, ONEMO_ERROR_NOT_SUPPORTED,
                                           "%s cannot upgrade", model->sub_model);
    return TRUE;
  }
  onemo_module_op_begin (self, invocation, "upgrading", ONEMO_OP_NONE, upgrade_start, NULL, NULL);
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
    onemo_at_port_command_async (op->port, "AT+CGMR", 0,
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
onemo_flow_upgrade_follow (OnemoModule *self, const char *phase)
{
  UpgradeOp *op;
  g_autoptr (GError) error = NULL;
  OnemoAtPort *port;

  onemo_module_op_resume (self, "upgrading");
  op = upgrade_op_new (self, NULL);
  op->resumed = TRUE;
  port = onemo_module_op_reopen_port (self, &error);
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
