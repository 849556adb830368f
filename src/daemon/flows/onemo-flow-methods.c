/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The org.onemo.Firmware methods of a module, as a table: one row per method, naming the polkit
 * action that guards it, the operation's flags and first State, and the flow that runs it. One
 * handler serves them all: it authorizes the caller first (before the port, ModemManager or the
 * operation guard is touched), lets the flow check the arguments, then begins the operation. */
#include "onemo-flow-methods.h"
#include "onemo-flows.h"

typedef struct {
  const char *name;
  const char *action; /* the polkit action, or NULL: anyone may */
  OnemoOperationFlags flags;
  const char *state;        /* the first State; NULL for a query */
  OnemoFlowPrepare prepare; /* NULL: no argument to check */
  OnemoOperationStart start;
  /* Instead of an operation: a method that acts on the module's running one. */
  void (*direct) (OnemoModule *module, GDBusMethodInvocation *invocation);
} MethodRow;

/* Reading opens the port and may take the module from ModemManager for a moment, so it is
 * authorized too, with an action of its own that active local sessions have by default.
 * Erasing is "configuring": it prepares the module for the next load. An upgrade cannot be
 * cancelled: the manual forbids interrupting one. Update's first State is its flow's choice. */
static const MethodRow method_table[] = {
  { "Configure", ONEMO_ACTION_UPDATE, ONEMO_OPERATION_NONE, "configuring",
    onemo_flow_configure_prepare, onemo_flow_configure_start },
  { "GetConfiguration", ONEMO_ACTION_READ, ONEMO_OPERATION_QUERY, NULL, NULL,
    onemo_flow_get_configuration_start },
  { "Download", ONEMO_ACTION_UPDATE, ONEMO_OPERATION_CANCELLABLE, "downloading",
    onemo_flow_download_prepare, onemo_flow_download_start },
  { "Write", ONEMO_ACTION_UPDATE, ONEMO_OPERATION_CANCELLABLE, "writing", onemo_flow_write_prepare,
    onemo_flow_write_start },
  { "Fetch", ONEMO_ACTION_UPDATE, ONEMO_OPERATION_CANCELLABLE, "downloading",
    onemo_flow_fetch_prepare, onemo_flow_fetch_start },
  { "Checksum", ONEMO_ACTION_READ, ONEMO_OPERATION_QUERY, NULL, onemo_flow_checksum_prepare,
    onemo_flow_checksum_start },
  { "Upgrade", ONEMO_ACTION_UPDATE, ONEMO_OPERATION_NONE, "upgrading", onemo_flow_upgrade_prepare,
    onemo_flow_upgrade_start },
  { "Erase", ONEMO_ACTION_UPDATE, ONEMO_OPERATION_NONE, "configuring", onemo_flow_erase_prepare,
    onemo_flow_erase_start },
  { "Cancel", ONEMO_ACTION_UPDATE, .direct = onemo_module_cancel },
  { "Update", ONEMO_ACTION_UPDATE, ONEMO_OPERATION_CANCELLABLE, "configuring",
    onemo_flow_update_prepare, onemo_flow_update_start },
};

static const MethodRow *
method_row (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (method_table); i++)
    if (g_str_equal (method_table[i].name, name))
      return &method_table[i];
  return NULL;
}

/* The row's flow, from its checks on: bad input is answered before anything is touched. */
static void
begin_row (const MethodRow *row, OnemoModule *module, GDBusMethodInvocation *invocation)
{
  OnemoFlowCall call = { .state = row->state };
  GError *error = NULL;

  if (row->direct != NULL) {
    row->direct (module, invocation);
    return;
  }
  if (row->prepare != NULL
      && !row->prepare (module, invocation, g_dbus_method_invocation_get_parameters (invocation),
                        &call, &error)) {
    g_dbus_method_invocation_take_error (invocation, error);
    return;
  }
  onemo_operation_begin (module, invocation, call.state, row->flags, row->start, call.data,
                         call.free_data);
}

static void
run_authorized (gpointer object, GDBusMethodInvocation *invocation)
{
  const MethodRow *row = method_row (g_dbus_method_invocation_get_method_name (invocation));

  g_assert (row != NULL); /* onemo_flow_method_call() found it */
  begin_row (row, ONEMO_MODULE (object), invocation);
}

void
onemo_flow_upgrade_begin (OnemoModule *module, GDBusMethodInvocation *invocation)
{
  begin_row (method_row ("Upgrade"), module, invocation);
}

/* GDBus has already checked the arguments' types against the interface. */
void
onemo_flow_method_call (GDBusConnection *connection, const char *sender, const char *object_path,
                        const char *interface_name, const char *method_name, GVariant *parameters,
                        GDBusMethodInvocation *invocation, gpointer user_data)
{
  OnemoModule *module = ONEMO_MODULE (user_data);
  const MethodRow *row = method_row (method_name);

  if (row == NULL) {
    g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD,
                                           "No method %s", method_name);
    return;
  }
  onemo_authority_run_authorized (onemo_module_get_options (module)->authority, invocation,
                                  row->action, G_OBJECT (module), run_authorized);
}
