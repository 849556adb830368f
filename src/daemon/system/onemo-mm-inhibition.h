/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * OnemoMmInhibition:
 *
 * One ModemManager InhibitDevice() hold on one modem, on a D-Bus connection of its own.
 * ModemManager ends an inhibition when its caller's connection goes, so a connection per hold
 * makes every way out safe: the release asks ModemManager to uninhibit, then closes the
 * connection, which ends the hold even if that call failed or ModemManager did not answer; a
 * daemon that dies loses the connection and ModemManager takes its modem back by itself.
 */
#define ONEMO_TYPE_MM_INHIBITION (onemo_mm_inhibition_get_type ())
G_DECLARE_FINAL_TYPE (OnemoMmInhibition, onemo_mm_inhibition, ONEMO, MM_INHIBITION, GObject)

/**
 * onemo_mm_inhibition_new_async:
 * @address: the bus ModemManager is on
 * @uid: the modem's Device property, InhibitDevice()'s uid
 *
 * Connects to @address and calls InhibitDevice(@uid, true). The error is ModemManager's own
 * (a D-Bus error) or the connection's.
 */
void onemo_mm_inhibition_new_async (const char *address, const char *uid, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data);
OnemoMmInhibition *onemo_mm_inhibition_new_finish (GAsyncResult *result, GError **error);

const char *onemo_mm_inhibition_get_uid (OnemoMmInhibition *self);

/* Ends the hold: InhibitDevice(uid, false), then the connection is closed whatever the answer.
 * Runs on its own; @callback (nullable) hears when it is over. Later calls do nothing. */
void onemo_mm_inhibition_release_async (OnemoMmInhibition *self, GAsyncReadyCallback callback,
                                        gpointer user_data);

/* The same, waiting at most @timeout_ms for ModemManager's answer (daemon shutdown). */
void onemo_mm_inhibition_release_sync (OnemoMmInhibition *self, guint timeout_ms);

G_END_DECLS
