/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Upgrade() while the module reboots (ML30x, ML307R): on the port's hang-up the state is
 * "rebooting", the device's directory is watched (inotify, through GFileMonitor: no polling)
 * until the device is back, then the port is reopened and the reports followed on it. A
 * discovered module's port may come back under another name: udev tells (onemo-discovery.c,
 * "port-returned"). A reopened port is only listened to: the module may still be flashing, so
 * nothing is sent to it before "+MFWUPGRADE: 2" (then AT+CGSN tells whether the port that came
 * back is the module's: onemo-flow-upgrade-confirm.c). Each absence has its own limit. */
#include "onemo-flow-upgrade-private.h"
#include "onemo-upgrade-limits.h"

/* The module is back, or the wait is over. */
void
upgrade_stop_waiting (UpgradeOp *op)
{
  g_clear_object (&op->monitor);
  if (op->reboot_timeout != NULL) {
    g_source_destroy (op->reboot_timeout);
    g_clear_pointer (&op->reboot_timeout, g_source_unref);
  }
}

static void
upgrade_try_reopen (UpgradeOp *op)
{
  g_autoptr (GError) error = NULL;
  OnemoAtPort *port;

  if (op->finished || op->port != NULL)
    return;
  port = onemo_operation_reopen_port (op->operation, &error);
  if (port == NULL) {
    g_debug ("%s: not back yet: %s", op->device_name, error->message);
    return;
  }
  upgrade_stop_waiting (op);
  onemo_operation_set_state (op->operation, "upgrading");
  upgrade_attach_port (op, port);
}

/* A discovered module's physical device has an AT port again, maybe under another name. */
void
upgrade_port_returned (OnemoModule *module, const char *device, gpointer user_data)
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
  port = onemo_operation_reopen_port_at (op->operation, device, &error);
  if (port == NULL) {
    g_debug ("%s: cannot open it yet: %s", device, error->message);
    return;
  }
  upgrade_stop_waiting (op);
  g_free (op->returned_device);
  op->returned_device = g_strdup (device);
  onemo_operation_set_state (op->operation, "upgrading");
  upgrade_attach_port (op, port);
}

static gboolean
reboot_timed_out (gpointer user_data)
{
  UpgradeOp *op = user_data;

  upgrade_finish (
      op, upgrade_error_in_flight (ONEMO_ERROR_PORT_GONE,
                                   "The module did not come back from its reboot in %u s",
                                   onemo_reboot_timeout_s (onemo_module_get_options (op->module),
                                                           onemo_module_get_model (op->module))));
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

/* From an idle after the hang-up: the port's dispatch has returned. Takes a reference. */
gboolean
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
  onemo_operation_set_state (op->operation, "rebooting");
  op->reboot_timeout = g_timeout_source_new_seconds (onemo_reboot_timeout_s (
      onemo_module_get_options (op->module), onemo_module_get_model (op->module)));
  g_source_set_callback (op->reboot_timeout, reboot_timed_out, op, NULL);
  g_source_attach (op->reboot_timeout, NULL);
  /* A discovered module's port is handed back by discovery (port_returned), maybe already. */
  if (op->early_device != NULL) {
    g_autofree char *early = g_steal_pointer (&op->early_device);

    upgrade_port_returned (op->module, early, op);
  } else if (onemo_module_get_physical_device (op->module) == NULL) {
    op->monitor = g_file_monitor_directory (dir, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
    if (op->monitor == NULL)
      upgrade_finish (op, upgrade_error_in_flight (ONEMO_ERROR_PORT_GONE,
                                                   "Cannot watch for %s to come back: %s", device,
                                                   error->message));
    else
      g_signal_connect (op->monitor, "changed", G_CALLBACK (device_changed), op);
    /* It may be back already. */
    upgrade_try_reopen (op);
  }
  upgrade_op_release (op);
  return G_SOURCE_REMOVE;
}

void
upgrade_port_hangup (OnemoAtPort *port, gpointer user_data)
{
  UpgradeOp *op = user_data;

  if (op->finished)
    return;
  if (!onemo_model_supports (onemo_module_get_model (op->module), ONEMO_FEATURE_REBOOTS)) {
    /* A UART module reboots behind its port: a hang-up is the port itself going. */
    upgrade_finish (op, upgrade_error_in_flight (ONEMO_ERROR_PORT_GONE,
                                                 "The port went away during the upgrade"));
    return;
  }
  g_debug ("%s: rebooting", op->device_name);
  upgrade_detach_port (op);
  g_idle_add (upgrade_wait_for_device, g_rc_box_acquire (op));
}
