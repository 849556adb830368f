/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The org.onemo.Firmware methods of a module, as a table: one row per method, naming the polkit
 * action that guards it and the flow that runs it. One handler serves them all: it authorizes
 * the caller first (before the port, ModemManager or the operation guard is touched), then
 * hands the call to the row's flow with its typed arguments. */
#include "onemo-module-private.h"

#include <gio/gunixfdlist.h>

typedef void (*MethodRun) (OnemoModule *self, GDBusMethodInvocation *invocation,
                           GVariant *parameters);

typedef struct {
  const char *name;
  const char *action; /* the polkit action, or NULL: anyone may */
  MethodRun run;
} MethodRow;

static void
run_configure (OnemoModule *self, GDBusMethodInvocation *invocation, GVariant *parameters)
{
  g_autoptr (GVariant) settings = NULL;

  g_variant_get (parameters, "(@a{sv})", &settings);
  onemo_flow_configure (self, invocation, settings);
}

static void
run_get_configuration (OnemoModule *self, GDBusMethodInvocation *invocation, GVariant *parameters)
{
  onemo_flow_get_configuration (self, invocation);
}

static void
run_checksum (OnemoModule *self, GDBusMethodInvocation *invocation, GVariant *parameters)
{
  guint32 algorithm;

  g_variant_get (parameters, "(u)", &algorithm);
  onemo_flow_checksum (self, invocation, algorithm);
}

static void
run_download (OnemoModule *self, GDBusMethodInvocation *invocation, GVariant *parameters)
{
  onemo_flow_download (self, invocation);
}

static void
run_write (OnemoModule *self, GDBusMethodInvocation *invocation, GVariant *parameters)
{
  GDBusMessage *message = g_dbus_method_invocation_get_message (invocation);
  g_autoptr (GVariant) fd = NULL;
  g_autoptr (GVariant) options = NULL;

  g_variant_get (parameters, "(@h@a{sv})", &fd, &options);
  onemo_flow_write (self, invocation, g_dbus_message_get_unix_fd_list (message), fd, options);
}

static void
run_fetch (OnemoModule *self, GDBusMethodInvocation *invocation, GVariant *parameters)
{
  const char *url;
  g_autoptr (GVariant) options = NULL;

  g_variant_get (parameters, "(&s@a{sv})", &url, &options);
  onemo_flow_fetch (self, invocation, url, options);
}

static void
run_upgrade (OnemoModule *self, GDBusMethodInvocation *invocation, GVariant *parameters)
{
  onemo_flow_upgrade (self, invocation);
}

static void
run_erase (OnemoModule *self, GDBusMethodInvocation *invocation, GVariant *parameters)
{
  onemo_flow_erase (self, invocation);
}

static void
run_cancel (OnemoModule *self, GDBusMethodInvocation *invocation, GVariant *parameters)
{
  onemo_module_op_cancel (self, invocation);
}

static void
run_update (OnemoModule *self, GDBusMethodInvocation *invocation, GVariant *parameters)
{
  onemo_flow_update (self, invocation);
}

/* Reading opens the port and may take the module from ModemManager for a moment, so it is
 * authorized too, with an action of its own that active local sessions have by default. */
static const MethodRow method_table[] = {
  { "Configure", ONEMO_ACTION_UPDATE, run_configure },
  { "GetConfiguration", ONEMO_ACTION_READ, run_get_configuration },
  { "Download", ONEMO_ACTION_UPDATE, run_download },
  { "Write", ONEMO_ACTION_UPDATE, run_write },
  { "Fetch", ONEMO_ACTION_UPDATE, run_fetch },
  { "Checksum", ONEMO_ACTION_READ, run_checksum },
  { "Upgrade", ONEMO_ACTION_UPDATE, run_upgrade },
  { "Erase", ONEMO_ACTION_UPDATE, run_erase },
  { "Cancel", ONEMO_ACTION_UPDATE, run_cancel },
  { "Update", ONEMO_ACTION_UPDATE, run_update },
};

static const MethodRow *
method_row (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (method_table); i++)
    if (g_str_equal (method_table[i].name, name))
      return &method_table[i];
  return NULL;
}

static void
run_authorized (gpointer object, GDBusMethodInvocation *invocation)
{
  const MethodRow *row = method_row (g_dbus_method_invocation_get_method_name (invocation));

  g_assert (row != NULL); /* module_method_call() found it */
  row->run (ONEMO_MODULE (object), invocation,
            g_dbus_method_invocation_get_parameters (invocation));
}

/* GDBus has already checked the arguments' types against the interface. */
static void
module_method_call (GDBusConnection *connection, const char *sender, const char *object_path,
                    const char *interface_name, const char *method_name, GVariant *parameters,
                    GDBusMethodInvocation *invocation, gpointer user_data)
{
  OnemoModule *self = ONEMO_MODULE (user_data);
  const MethodRow *row = method_row (method_name);

  if (row == NULL) {
    g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD,
                                           "No method %s", method_name);
    return;
  }
  onemo_authority_run_authorized (onemo_module_get_options (self)->authority, invocation,
                                  row->action, G_OBJECT (self), run_authorized);
}

GDBusInterfaceVTable *
onemo_module_methods_vtable (GDBusInterfaceVTable *generated)
{
  static GDBusInterfaceVTable vtable;
  static gsize ready = 0;

  /* The generated properties, our methods. */
  if (g_once_init_enter (&ready)) {
    vtable = *generated;
    vtable.method_call = module_method_call;
    g_once_init_leave (&ready, 1);
  }
  return &vtable;
}
