/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The org.onemo.Firmware methods of a module: each is authorized (reading needs nothing), then
 * handed to its flow (onemo-flow-*.c) with the arguments as they came. */
#include "onemo-module-private.h"

#include <gio/gunixfdlist.h>

/* Every method that changes the module runs once polkit allows ONEMO_ACTION_UPDATE, before
 * anything touches the port or the operation guard. */
static gboolean
authorize_then (OnemoModule *self, GDBusMethodInvocation *invocation, OnemoAuthorizedFunc run)
{
  onemo_authority_run_authorized (onemo_module_get_options (self)->authority, invocation,
                                  ONEMO_ACTION_UPDATE, G_OBJECT (self), run);
  return TRUE;
}

/* The method's arguments, from the message as it came. */
static GVariant *
method_arg (GDBusMethodInvocation *invocation, gsize index)
{
  return g_variant_get_child_value (g_dbus_method_invocation_get_parameters (invocation), index);
}

static void
run_cancel (gpointer object, GDBusMethodInvocation *invocation)
{
  onemo_module_op_cancel (object, invocation);
}

static void
run_configure (gpointer object, GDBusMethodInvocation *invocation)
{
  OnemoModule *self = object;
  g_autoptr (GVariant) settings = method_arg (invocation, 0);

  onemo_flow_configure (self, invocation, settings);
}

static void
run_erase (gpointer object, GDBusMethodInvocation *invocation)
{
  OnemoModule *self = object;
  onemo_flow_erase (self, invocation);
}

static void
run_download (gpointer object, GDBusMethodInvocation *invocation)
{
  OnemoModule *self = object;
  onemo_flow_download (self, invocation);
}

static void
run_write (gpointer object, GDBusMethodInvocation *invocation)
{
  OnemoModule *self = object;
  GDBusMessage *message = g_dbus_method_invocation_get_message (invocation);
  g_autoptr (GVariant) fd = method_arg (invocation, 0);
  g_autoptr (GVariant) options = method_arg (invocation, 1);

  onemo_flow_write (self, invocation, g_dbus_message_get_unix_fd_list (message), fd, options);
}

static void
run_upgrade (gpointer object, GDBusMethodInvocation *invocation)
{
  OnemoModule *self = object;
  onemo_flow_upgrade (self, invocation);
}

static void
run_fetch (gpointer object, GDBusMethodInvocation *invocation)
{
  OnemoModule *self = object;
  g_autoptr (GVariant) url = method_arg (invocation, 0);
  g_autoptr (GVariant) options = method_arg (invocation, 1);

  onemo_flow_fetch (self, invocation, g_variant_get_string (url, NULL), options);
}

static void
run_update (gpointer object, GDBusMethodInvocation *invocation)
{
  OnemoModule *self = object;
  onemo_flow_update (self, invocation);
}

static gboolean
handle_cancel (OnemoDBusFirmware *object, GDBusMethodInvocation *invocation, gpointer user_data)
{
  return authorize_then (ONEMO_MODULE (object), invocation, run_cancel);
}

static gboolean
handle_configure (OnemoDBusFirmware *object, GDBusMethodInvocation *invocation, GVariant *settings,
                  gpointer user_data)
{
  return authorize_then (ONEMO_MODULE (object), invocation, run_configure);
}

/* Reading needs no authorization (see onemo-authority.h). */
static gboolean
handle_get_configuration (OnemoDBusFirmware *object, GDBusMethodInvocation *invocation,
                          gpointer user_data)
{
  return onemo_flow_get_configuration (ONEMO_MODULE (object), invocation);
}

static gboolean
handle_checksum (OnemoDBusFirmware *object, GDBusMethodInvocation *invocation, guint algorithm,
                 gpointer user_data)
{
  return onemo_flow_checksum (ONEMO_MODULE (object), invocation, algorithm);
}

static gboolean
handle_erase (OnemoDBusFirmware *object, GDBusMethodInvocation *invocation, gpointer user_data)
{
  return authorize_then (ONEMO_MODULE (object), invocation, run_erase);
}

static gboolean
handle_download (OnemoDBusFirmware *object, GDBusMethodInvocation *invocation, gpointer user_data)
{
  return authorize_then (ONEMO_MODULE (object), invocation, run_download);
}

static gboolean
handle_write (OnemoDBusFirmware *object, GDBusMethodInvocation *invocation, GVariant *fd,
              GVariant *options, gpointer user_data)
{
  return authorize_then (ONEMO_MODULE (object), invocation, run_write);
}

static gboolean
handle_upgrade (OnemoDBusFirmware *object, GDBusMethodInvocation *invocation, gpointer user_data)
{
  return authorize_then (ONEMO_MODULE (object), invocation, run_upgrade);
}

static gboolean
handle_fetch (OnemoDBusFirmware *object, GDBusMethodInvocation *invocation, const char *url,
              GVariant *options, gpointer user_data)
{
  return authorize_then (ONEMO_MODULE (object), invocation, run_fetch);
}

static gboolean
handle_update (OnemoDBusFirmware *object, GDBusMethodInvocation *invocation, GVariant *options,
               gpointer user_data)
{
  return authorize_then (ONEMO_MODULE (object), invocation, run_update);
}

void
onemo_module_connect_methods (OnemoModule *self)
{
  g_signal_connect (self, "handle-cancel", G_CALLBACK (handle_cancel), NULL);
  g_signal_connect (self, "handle-configure", G_CALLBACK (handle_configure), NULL);
  g_signal_connect (self, "handle-get-configuration", G_CALLBACK (handle_get_configuration), NULL);
  g_signal_connect (self, "handle-checksum", G_CALLBACK (handle_checksum), NULL);
  g_signal_connect (self, "handle-erase", G_CALLBACK (handle_erase), NULL);
  g_signal_connect (self, "handle-download", G_CALLBACK (handle_download), NULL);
  g_signal_connect (self, "handle-write", G_CALLBACK (handle_write), NULL);
  g_signal_connect (self, "handle-upgrade", G_CALLBACK (handle_upgrade), NULL);
  g_signal_connect (self, "handle-fetch", G_CALLBACK (handle_fetch), NULL);
  g_signal_connect (self, "handle-update", G_CALLBACK (handle_update), NULL);
}
