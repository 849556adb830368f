/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A module's org.onemo.Firmware method handler, the method table's (onemo-flow-methods.c):
 * main.c gives it to every module through OnemoDaemonOptions.module_method_call, with
 * onemo_flow_upgrade_follow() (onemo-flows.h) as follow_upgrade. */
void onemo_flow_method_call (GDBusConnection *connection, const char *sender,
                             const char *object_path, const char *interface_name,
                             const char *method_name, GVariant *parameters,
                             GDBusMethodInvocation *invocation, gpointer user_data);

G_END_DECLS
