/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "onemo-mm-inhibition.h"

G_BEGIN_DECLS

/**
 * OnemoModemManager:
 *
 * The daemon's link to ModemManager: it follows org.freedesktop.ModemManager1's modems on the
 * daemon's bus (its ObjectManager, also when ModemManager starts or stops later), finds the
 * modem that is the same physical module as one of ours, and holds it inhibited while an
 * operation runs.
 *
 * A module is ModemManager's modem when, in this order:
 *  1. the modem's Device (its sysfs path) is the module's USB device; else
 *  2. the modem's EquipmentIdentifier is the module's IMEI (ModemManager's test mode, whose
 *     modems are /virtual/<id>, and modules added by port); else
 *  3. one of the modem's Ports is the module's tty (the basename of its resolved path).
 * No match, or no ModemManager on the bus, means nothing to inhibit: the operation goes on at
 * once. A modem is listed only once ModemManager has initialized it; while it re-creates one
 * (just after an uninhibit) the module's uid from its last hold is used instead.
 */
#define ONEMO_TYPE_MODEM_MANAGER (onemo_modem_manager_get_type ())
G_DECLARE_FINAL_TYPE (OnemoModemManager, onemo_modem_manager, ONEMO, MODEM_MANAGER, GObject)

/* Follows ModemManager on @connection; @address is that bus's address, where each inhibition
 * opens its own connection. */
OnemoModemManager *onemo_modem_manager_new (GDBusConnection *connection, const char *address);

/**
 * onemo_modem_manager_find_modem:
 * @physical_device: (nullable): the module's USB device in sysfs
 * @imei: (nullable): the module's IMEI
 * @port: (nullable): the module's port, as a path, or the kernel's name of its tty
 *
 * Returns: (nullable): the uid (Device) of the modem that is this module, by the rule above.
 */
char *onemo_modem_manager_find_modem (OnemoModemManager *self, const char *physical_device,
                                      const char *imei, const char *port);

/* Whether ModemManager owns its name on the bus now. */
gboolean onemo_modem_manager_is_running (OnemoModemManager *self);

/* What ModemManager read from a modem: its Modem interface's Device, Manufacturer (AT+CGMI),
 * Model (AT+CGMM), Revision (AT+CGMR) and EquipmentIdentifier (AT+CGSN, the IMEI), each with
 * the echo of the command's name stripped; any may be NULL. */
typedef struct {
  char *uid;
  char *manufacturer;
  char *model;
  char *revision;
  char *equipment_identifier;
} OnemoMmModemIdentity;

void onemo_mm_modem_identity_free (OnemoMmModemIdentity *identity);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OnemoMmModemIdentity, onemo_mm_modem_identity_free)

/**
 * onemo_modem_manager_wait_modem_async:
 * @physical_device: (nullable): the module's USB device in sysfs
 * @port: (nullable): the module's tty: the kernel's name ("ttyUSB2") or a path
 * @timeout_s: how long to wait for ModemManager to export the modem; 0: only look
 *
 * Waits until ModemManager lists the modem that is this module (by its device, else by its
 * port), for at most @timeout_s, and returns what ModemManager read of it. The result is NULL
 * without an error when ModemManager does not run, leaves meanwhile, or exports no such modem
 * in time; cancelling returns G_IO_ERROR_CANCELLED.
 */
void onemo_modem_manager_wait_modem_async (OnemoModemManager *self, const char *physical_device,
                                           const char *port, guint timeout_s,
                                           GCancellable *cancellable, GAsyncReadyCallback callback,
                                           gpointer user_data);
OnemoMmModemIdentity *onemo_modem_manager_wait_modem_finish (OnemoModemManager *self,
                                                             GAsyncResult *result, GError **error);

/**
 * onemo_modem_manager_inhibit_async:
 * @known_uid: (nullable): the uid the module had in ModemManager before, for a modem that is
 *   not listed (yet)
 *
 * Inhibits the module's modem in ModemManager (see find_modem). The result is the held
 * inhibition, or NULL without an error when ModemManager does not drive the module (does not
 * know the uid) or went away meanwhile. A refusal is ONEMO_ERROR_BUSY: ModemManager keeps the module, so nothing may
 * touch its port; the message carries ModemManager's reason.
 */
void onemo_modem_manager_inhibit_async (OnemoModemManager *self, const char *physical_device,
                                        const char *imei, const char *port, const char *known_uid,
                                        GCancellable *cancellable, GAsyncReadyCallback callback,
                                        gpointer user_data);
OnemoMmInhibition *onemo_modem_manager_inhibit_finish (OnemoModemManager *self,
                                                       GAsyncResult *result, GError **error);

/* Gives the modem back to ModemManager; the release runs on its own. */
void onemo_modem_manager_uninhibit (OnemoModemManager *self, OnemoMmInhibition *inhibition);

/* Ends every hold still open, waiting at most @timeout_ms for each (daemon shutdown). */
void onemo_modem_manager_release_all (OnemoModemManager *self, guint timeout_ms);

G_END_DECLS
