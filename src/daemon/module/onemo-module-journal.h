/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "onemo-journal.h"
#include "onemo-module.h"

G_BEGIN_DECLS

/* The journal hooks of a module's operation guard (onemo-module-journal.c): a state-changing
 * operation is recorded when it begins, again at each phase, and forgotten when it ends, so
 * that a daemon started after a crash knows what the module was doing. An operation that may
 * reach the upgrade (Upgrade, Update) is refused when its record cannot be written, since a
 * crash would then leave an upgrading module commanded as if nothing ran; for the others a
 * journal that cannot be written is logged. */

/* Before the operation takes the module (ModemManager, the port): records @operation in the
 * phase "starting" if it may reach the upgrade, else does nothing. FALSE with
 * ONEMO_ERROR_NOT_RECORDED when the record cannot be written. */
gboolean onemo_module_journal_reserve (OnemoModule *self, const char *operation, GError **error);

/* The port is open, nothing sent yet: records @operation in @phase. FALSE with
 * ONEMO_ERROR_NOT_RECORDED only for an operation that may reach the upgrade. @operation: the
 * D-Bus method; only the methods that change the module are recorded. */
gboolean onemo_module_journal_begin (OnemoModule *self, const char *operation, const char *phase,
                                     GError **error);
void onemo_module_journal_phase (OnemoModule *self, const char *phase);
void onemo_module_journal_end (OnemoModule *self);

/**
 * onemo_module_journal_follow:
 *
 * At identification: when the journal says the module was upgrading (AT+MFWUPGRADE sent), its
 * identity is restored from the record and the upgrade is followed to its end (no command that
 * could disturb it); returns TRUE, and the module needs no identification.
 */
gboolean onemo_module_journal_follow (OnemoModule *self);

/* After identification: an operation the journal holds that had not reached the upgrade is
 * reported as interrupted (State "failed", LastError naming it) and forgotten. */
void onemo_module_journal_settle (OnemoModule *self);

G_END_DECLS
