/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The module's side of the journal: what is recorded, and what a restarted daemon does with a
 * record it finds for a module's port. */
#include "onemo-module-journal.h"

#include "onemo-module-private.h"

/* The operations that change the module; queries and Checksum leave nothing to follow. */
static const char *const recorded_operations[] = {
  "Write", "Download", "Fetch", "Configure", "Erase", "Upgrade", "Update", NULL,
};

static OnemoJournal *
journal_of (OnemoModule *self)
{
  return onemo_module_get_options (self)->journal;
}

/* The record is the running operation's. */
static OnemoJournalRecord *
record_of (OnemoModule *self)
{
  OnemoOperation *operation = onemo_module_get_operation (self);

  return operation != NULL ? onemo_operation_get_record (operation) : NULL;
}

static void
save (OnemoModule *self, OnemoJournalRecord *record)
{
  g_autoptr (GError) error = NULL;

  if (!onemo_journal_save (journal_of (self), record, &error))
    g_warning ("%s: cannot journal %s (%s): %s", record->port, record->operation, record->phase,
               error->message);
}

static void
forget (OnemoModule *self, const char *port)
{
  g_autoptr (GError) error = NULL;

  if (!onemo_journal_remove (journal_of (self), port, &error))
    g_warning ("%s: cannot remove its journal record: %s", port, error->message);
}

/* Keeps @record (taken) as the module's running operation's. */
static void
hold_record (OnemoModule *self, OnemoJournalRecord *record)
{
  onemo_operation_set_record (onemo_module_get_operation (self), record);
}

/* The operations that may send AT+MFWUPGRADE: never run without their record. */
static const char *const upgrading_operations[] = { "Upgrade", "Update", NULL };

static void
fill_record (OnemoModule *self, OnemoJournalRecord *record)
{
  OnemoDBusFirmware *iface = ONEMO_DBUS_FIRMWARE (self);

  /* The identity as it is now: ModemManager's reading may have been confirmed since. */
  g_free (record->imei);
  g_free (record->manufacturer);
  g_free (record->model);
  g_free (record->sub_model);
  g_free (record->revision);
  record->imei = g_strdup (onemo_dbus_firmware_get_imei (iface));
  record->manufacturer = g_strdup (onemo_dbus_firmware_get_manufacturer (iface));
  record->model = g_strdup (onemo_dbus_firmware_get_model (iface));
  record->sub_model = g_strdup (onemo_dbus_firmware_get_sub_model (iface));
  record->revision = g_strdup (onemo_dbus_firmware_get_revision (iface));
}

static OnemoJournalRecord *
new_record (OnemoModule *self, const char *operation, const char *phase)
{
  OnemoJournalRecord *record = g_new0 (OnemoJournalRecord, 1);

  record->port = g_strdup (onemo_module_get_device (self));
  record->physical_device = g_strdup (onemo_module_get_physical_device (self));
  record->operation = g_strdup (operation);
  record->phase = g_strdup (phase);
  record->started = g_get_real_time () / G_USEC_PER_SEC;
  fill_record (self, record);
  return record;
}

/* Writes @record; an operation that may upgrade fails with NOT_RECORDED when it cannot. */
static gboolean
save_required (OnemoModule *self, OnemoJournalRecord *record, GError **error)
{
  g_autoptr (GError) local = NULL;

  if (!g_strv_contains (upgrading_operations, record->operation)) {
    save (self, record);
    return TRUE;
  }
  if (onemo_journal_save (journal_of (self), record, &local))
    return TRUE;
  g_warning ("%s: cannot journal %s (%s): %s: refused", record->port, record->operation,
             record->phase, local->message);
  g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_NOT_RECORDED,
               "%s cannot be recorded in the journal (%s): %s; the upgrade was not started",
               record->operation, onemo_journal_get_directory (journal_of (self)), local->message);
  return FALSE;
}

gboolean
onemo_module_journal_reserve (OnemoModule *self, const char *operation, GError **error)
{
  g_autoptr (OnemoJournalRecord) record = NULL;

  if (journal_of (self) == NULL || !g_strv_contains (upgrading_operations, operation))
    return TRUE;
  record = new_record (self, operation, "starting");
  if (!save_required (self, record, error))
    return FALSE;
  hold_record (self, g_steal_pointer (&record));
  return TRUE;
}

gboolean
onemo_module_journal_begin (OnemoModule *self, const char *operation, const char *phase,
                            GError **error)
{
  OnemoJournalRecord *record = record_of (self);

  if (journal_of (self) == NULL || !g_strv_contains (recorded_operations, operation))
    return TRUE;
  if (record != NULL && g_strcmp0 (record->operation, operation) == 0) {
    /* Reserved: the same record, in its first phase. */
    fill_record (self, record);
    g_free (record->phase);
    record->phase = g_strdup (phase);
  } else {
    record = new_record (self, operation, phase);
    hold_record (self, record);
  }
  return save_required (self, record, error);
}

void
onemo_module_journal_phase (OnemoModule *self, const char *phase)
{
  OnemoJournalRecord *record = record_of (self);

  if (record == NULL || phase == NULL || g_strcmp0 (record->phase, phase) == 0)
    return;
  g_free (record->phase);
  record->phase = g_strdup (phase);
  save (self, record);
}

void
onemo_module_journal_end (OnemoModule *self)
{
  OnemoJournalRecord *record = record_of (self);

  if (record == NULL)
    return;
  forget (self, record->port);
  hold_record (self, NULL);
}

/* The record for the module's port, or for its USB device when the port has a new name. */
static OnemoJournalRecord *
find_record (OnemoModule *self)
{
  g_autoptr (GError) error = NULL;
  OnemoJournalRecord *record;

  if (journal_of (self) == NULL)
    return NULL;
  record = onemo_journal_find (journal_of (self), onemo_module_get_device (self),
                               onemo_module_get_physical_device (self), &error);
  if (error != NULL)
    g_warning ("%s: cannot read its journal record: %s", onemo_module_get_device (self),
               error->message);
  return record;
}

gboolean
onemo_module_journal_follow (OnemoModule *self)
{
  g_autoptr (OnemoJournalRecord) record = find_record (self);
  const OnemoModel *sub_model;
  OnemoOperation *operation;

  if (record == NULL || onemo_module_get_options (self)->follow_upgrade == NULL)
    return FALSE;
  /* Before the upgrade: the module is identified as usual (which first discards the answers a
   * killed daemon left in the tty), and the record is settled then. */
  if (!onemo_journal_phase_is_upgrade (record->phase))
    return FALSE;
  sub_model = onemo_model_lookup (record->sub_model);
  if (sub_model == NULL) {
    g_warning ("%s: the journal names an unknown sub-model %s: identifying the module instead",
               record->port, record->sub_model);
    return FALSE;
  }
  g_message ("%s: the daemon stopped while %s ran (%s since %" G_GINT64_FORMAT "): following it",
             record->port, record->operation, record->phase, record->started);
  onemo_module_set_identity (self, record->manufacturer != NULL ? record->manufacturer : "",
                             record->model != NULL ? record->model : "", sub_model,
                             sub_model->features, record->revision != NULL ? record->revision : "",
                             record->imei != NULL ? record->imei : "");
  operation = onemo_operation_resume (self, "upgrading");
  /* Held first: the follow's phases update it, and its end removes it. */
  hold_record (self, onemo_journal_record_copy (record));
  onemo_module_journal_phase (self, "upgrading");
  onemo_module_get_options (self)->follow_upgrade (operation, record->phase);
  return TRUE;
}

void
onemo_module_journal_settle (OnemoModule *self)
{
  OnemoDBusFirmware *iface = ONEMO_DBUS_FIRMWARE (self);
  g_autoptr (OnemoJournalRecord) record = find_record (self);
  g_autofree char *last_error = NULL;

  if (record == NULL)
    return;
  forget (self, record->port);
  /* Another module on the same port since: its record is not about this one. */
  if (record->imei != NULL && *record->imei != '\0'
      && g_strcmp0 (record->imei, onemo_dbus_firmware_get_imei (iface)) != 0) {
    g_message ("%s: the journal's %s was for IMEI %s, not this module's: dropped", record->port,
               record->operation, record->imei);
    return;
  }
  last_error = g_strdup_printf (ONEMO_DBUS_ERROR_PREFIX "%s: %s was interrupted while %s: the "
                                                        "daemon stopped; run it again",
                                onemo_error_code_to_name (ONEMO_ERROR_INTERRUPTED),
                                record->operation, record->phase);
  g_warning ("%s: %s", record->port, last_error);
  onemo_dbus_firmware_set_last_error (iface, last_error);
  onemo_module_set_state (self, "failed");
}
