/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * OnemoJournalRecord:
 *
 * What the daemon must remember of a running operation should it be killed: which module
 * (identified as it was before the operation), which operation, and how far it got. One
 * record per module, keyed by the port path.
 */
typedef struct {
  char *port;            /* the port path as given (the module's Port property) */
  char *physical_device; /* nullable: the USB device's sysfs path, when known */
  char *imei;
  char *manufacturer;
  char *model;
  char *sub_model;
  char *revision;  /* before the operation */
  char *operation; /* the D-Bus method: "Write", "Upgrade" … */
  char *phase;     /* the State: "writing", "upgrading", "rebooting" … */
  gint64 started;  /* wall-clock seconds since the epoch */
} OnemoJournalRecord;

OnemoJournalRecord *onemo_journal_record_copy (const OnemoJournalRecord *record);
void onemo_journal_record_free (OnemoJournalRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OnemoJournalRecord, onemo_journal_record_free)

/* The record as a key file; parsing checks every field (ONEMO_ERROR_PROTOCOL otherwise). */
char *onemo_journal_record_serialize (const OnemoJournalRecord *record, gsize *out_length);
OnemoJournalRecord *onemo_journal_record_parse (const char *data, gsize length, GError **error);

/* Whether the module had been sent AT+MFWUPGRADE in @phase: it must then be followed, never
 * commanded again. */
gboolean onemo_journal_phase_is_upgrade (const char *phase);

/* The file name of @port's record: any path gives a valid, distinct name. */
char *onemo_journal_file_name (const char *port);

/**
 * OnemoJournal:
 *
 * The records of running operations, one file each in a state directory, written atomically
 * (a temporary file, fsync, rename, fsync of the directory), so that a record is always
 * either the old one or the new one, whenever the power goes. A record that cannot be read is
 * reported and set aside as "<name>.corrupt", never trusted.
 */
#define ONEMO_TYPE_JOURNAL (onemo_journal_get_type ())
G_DECLARE_FINAL_TYPE (OnemoJournal, onemo_journal, ONEMO, JOURNAL, GObject)

OnemoJournal *onemo_journal_new (const char *directory);
const char *onemo_journal_get_directory (OnemoJournal *self);

/* Writes @record, replacing the port's previous one; creates the directory (0700). */
gboolean onemo_journal_save (OnemoJournal *self, const OnemoJournalRecord *record, GError **error);

/* @port's record; NULL without an error when there is none or it was corrupt (set aside). */
OnemoJournalRecord *onemo_journal_load (OnemoJournal *self, const char *port, GError **error);

/* @port's record, else (a USB module back under another port name) the record whose
 * PhysicalDevice is @physical_device (nullable); NULL without an error when none. The record
 * keeps the port it was written for: that is still its file's name. */
OnemoJournalRecord *onemo_journal_find (OnemoJournal *self, const char *port,
                                        const char *physical_device, GError **error);

/* Whether @port has a record in an upgrade phase (@self nullable): the port may be away while
 * the module reboots. */
gboolean onemo_journal_expects_port (OnemoJournal *self, const char *port);

/* Removes @port's record; none is not an error. */
gboolean onemo_journal_remove (OnemoJournal *self, const char *port, GError **error);

/* Reads every record at start, setting aside those that cannot be parsed; returns how many
 * were set aside. A missing directory holds no records. */
guint onemo_journal_check_all (OnemoJournal *self);

G_END_DECLS
