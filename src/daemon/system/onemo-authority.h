/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The polkit actions (data/org.onemo.Firmware.policy.in). Properties and the object tree need
 * none; GetConfiguration() and Checksum() open the port, so they need ONEMO_ACTION_READ. */
#define ONEMO_ACTION_UPDATE       "org.onemo.Firmware.update"
#define ONEMO_ACTION_READ         "org.onemo.Firmware.read"
#define ONEMO_ACTION_MANAGE_PORTS "org.onemo.Firmware.manage-ports"

/**
 * OnemoAuthority:
 *
 * Asks polkit whether a D-Bus caller may perform an action. The polkit authority is looked up
 * on the system bus at the first check, not before, so that start-up stays fast; a lookup that
 * failed is tried again at the next check. Fails closed: anything but a plain "yes" from polkit
 * is ONEMO_ERROR_PERMISSION_DENIED.
 */
#define ONEMO_TYPE_AUTHORITY (onemo_authority_get_type ())
G_DECLARE_FINAL_TYPE (OnemoAuthority, onemo_authority, ONEMO, AUTHORITY, GObject)

OnemoAuthority *onemo_authority_new (void);

/**
 * onemo_authority_check_async:
 * @action_id: e.g. ONEMO_ACTION_UPDATE
 *
 * Checks the sender of @invocation for @action_id. polkit may ask the user for a password only
 * when the caller's message allows interactive authorization.
 */
void onemo_authority_check_async (OnemoAuthority *self, GDBusMethodInvocation *invocation,
                                  const char *action_id, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);

/* TRUE when authorized; else FALSE with ONEMO_ERROR_PERMISSION_DENIED naming the action. */
gboolean onemo_authority_check_finish (OnemoAuthority *self, GAsyncResult *result, GError **error);

/* A method's work, run once its caller is authorized; it reads its arguments from @invocation. */
typedef void (*OnemoAuthorizedFunc) (gpointer object, GDBusMethodInvocation *invocation);

/**
 * onemo_authority_run_authorized:
 * @self: (nullable): NULL to ask no one (--session without --polkit): @func runs at once
 * @object: the exported object that @invocation calls; kept until @func has run
 *
 * Runs @func (@object, @invocation) once the caller may perform @action_id, before anything
 * else happens; otherwise answers @invocation with the error. An interface skeleton that was
 * unexported in the meantime answers org.freedesktop.DBus.Error.UnknownObject instead.
 */
void onemo_authority_run_authorized (OnemoAuthority *self, GDBusMethodInvocation *invocation,
                                     const char *action_id, GObject *object,
                                     OnemoAuthorizedFunc func);

G_END_DECLS
