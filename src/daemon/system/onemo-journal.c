/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The journal of running operations: one key file per module under the state directory. */
#include "onemo-journal.h"

#include "onemo-error.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <unistd.h>

#define GROUP          "Operation"
#define FORMAT_VERSION 1
#define SUFFIX         ".op"
#define CORRUPT_SUFFIX ".corrupt"
/* Well below NAME_MAX (255), with room for the suffixes and rename()'s temporary names. */
#define MAX_ESCAPED_NAME 180
/* A record is a few hundred bytes; anything much larger is not one of ours. */
#define MAX_RECORD_BYTES 65536

struct _OnemoJournal {
  GObject parent_instance;
  char *directory;
};

G_DEFINE_FINAL_TYPE (OnemoJournal, onemo_journal, G_TYPE_OBJECT)

/* ---- Records ---- */

void
onemo_journal_record_free (OnemoJournalRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->port);
  g_free (record->physical_device);
  g_free (record->imei);
  g_free (record->manufacturer);
  g_free (record->model);
  g_free (record->sub_model);
  g_free (record->revision);
  g_free (record->operation);
  g_free (record->phase);
  g_free (record);
}

OnemoJournalRecord *
onemo_journal_record_copy (const OnemoJournalRecord *record)
{
  OnemoJournalRecord *copy = g_new0 (OnemoJournalRecord, 1);

  copy->port = g_strdup (record->port);
  copy->physical_device = g_strdup (record->physical_device);
  copy->imei = g_strdup (record->imei);
  copy->manufacturer = g_strdup (record->manufacturer);
  copy->model = g_strdup (record->model);
  copy->sub_model = g_strdup (record->sub_model);
  copy->revision = g_strdup (record->revision);
  copy->operation = g_strdup (record->operation);
  copy->phase = g_strdup (record->phase);
  copy->started = record->started;
  return copy;
}

/* The States of a running operation; "starting": accepted, waiting for ModemManager and the
 * port, nothing sent yet; "confirming": the module reported a successful upgrade and only its
 * new revision is still to be read. */
static const char *const phases[] = {
  "starting",  "configuring", "downloading", "writing", "verifying",
  "upgrading", "rebooting",   "confirming",  NULL,
};

gboolean
onemo_journal_phase_is_upgrade (const char *phase)
{
  return g_strcmp0 (phase, "upgrading") == 0 || g_strcmp0 (phase, "rebooting") == 0
         || g_strcmp0 (phase, "confirming") == 0;
}

static void
set_optional (GKeyFile *file, const char *key, const char *value)
{
  if (value != NULL)
    g_key_file_set_string (file, GROUP, key, value);
}

char *
onemo_journal_record_serialize (const OnemoJournalRecord *record, gsize *out_length)
{
  g_autoptr (GKeyFile) file = g_key_file_new ();

  g_key_file_set_integer (file, GROUP, "Version", FORMAT_VERSION);
  g_key_file_set_string (file, GROUP, "Port", record->port);
  set_optional (file, "PhysicalDevice", record->physical_device);
  set_optional (file, "IMEI", record->imei);
  set_optional (file, "Manufacturer", record->manufacturer);
  set_optional (file, "Model", record->model);
  g_key_file_set_string (file, GROUP, "SubModel", record->sub_model);
  set_optional (file, "Revision", record->revision);
  g_key_file_set_string (file, GROUP, "Operation", record->operation);
  g_key_file_set_string (file, GROUP, "Phase", record->phase);
  g_key_file_set_int64 (file, GROUP, "Started", record->started);
  /* Last, so that a record cut short anywhere lacks it. */
  g_key_file_set_boolean (file, GROUP, "Complete", TRUE);
  return g_key_file_to_data (file, out_length, NULL);
}

static gboolean
corrupt (GError **error, const char *what)
{
  g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_PROTOCOL, "Not a journal record: %s", what);
  return FALSE;
}

/* A required string: present and non-empty. */
static char *
get_required (GKeyFile *file, const char *key, GError **error)
{
  g_autofree char *value = g_key_file_get_string (file, GROUP, key, NULL);

  if (value == NULL || *value == '\0') {
    g_autofree char *what = g_strdup_printf ("no valid %s", key);
    corrupt (error, what);
    return NULL;
  }
  return g_steal_pointer (&value);
}

static gboolean
read_fields (GKeyFile *file, OnemoJournalRecord *record, GError **error)
{
  g_autoptr (GError) local = NULL;

  if (g_key_file_get_integer (file, GROUP, "Version", &local) != FORMAT_VERSION || local != NULL)
    return corrupt (error, "unknown version");
  if (!g_key_file_get_boolean (file, GROUP, "Complete", NULL))
    return corrupt (error, "cut short");
  record->started = g_key_file_get_int64 (file, GROUP, "Started", &local);
  if (local != NULL || record->started < 0)
    return corrupt (error, "no valid Started");
  if ((record->port = get_required (file, "Port", error)) == NULL
      || (record->sub_model = get_required (file, "SubModel", error)) == NULL
      || (record->operation = get_required (file, "Operation", error)) == NULL
      || (record->phase = get_required (file, "Phase", error)) == NULL)
    return FALSE;
  if (!g_path_is_absolute (record->port))
    return corrupt (error, "Port is not an absolute path");
  if (!g_strv_contains (phases, record->phase))
    return corrupt (error, "unknown Phase");
  record->physical_device = g_key_file_get_string (file, GROUP, "PhysicalDevice", NULL);
  record->imei = g_key_file_get_string (file, GROUP, "IMEI", NULL);
  record->manufacturer = g_key_file_get_string (file, GROUP, "Manufacturer", NULL);
  record->model = g_key_file_get_string (file, GROUP, "Model", NULL);
  record->revision = g_key_file_get_string (file, GROUP, "Revision", NULL);
  return TRUE;
}

OnemoJournalRecord *
onemo_journal_record_parse (const char *data, gsize length, GError **error)
{
  g_autoptr (GKeyFile) file = g_key_file_new ();
  g_autoptr (OnemoJournalRecord) record = g_new0 (OnemoJournalRecord, 1);
  g_autoptr (GError) local = NULL;

  if (length > MAX_RECORD_BYTES) {
    corrupt (error, "too long");
    return NULL;
  }
  if (length == 0 || data[length - 1] != '\n') {
    corrupt (error, "cut short");
    return NULL;
  }
  if (memchr (data, '\0', length) != NULL || !g_utf8_validate (data, length, NULL)) {
    corrupt (error, "not UTF-8 text");
    return NULL;
  }
  if (!g_key_file_load_from_data (file, data, length, G_KEY_FILE_NONE, &local)) {
    corrupt (error, local->message);
    return NULL;
  }
  if (!read_fields (file, record, error))
    return NULL;
  return g_steal_pointer (&record);
}

/* ---- File names ---- */

char *
onemo_journal_file_name (const char *port)
{
  GString *name = g_string_new (NULL);

  /* Letters, digits and '-' stand for themselves, anything else is %XX: no '/', no ".", no
   * "..", and two ports never share a name. */
  for (const guchar *p = (const guchar *)port; *p != '\0'; p++) {
    if (g_ascii_isalnum (*p) || *p == '-')
      g_string_append_c (name, *p);
    else
      g_string_append_printf (name, "%%%02X", *p);
  }
  if (name->len == 0 || name->len > MAX_ESCAPED_NAME) {
    g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, port, -1);

    g_string_assign (name, "sha256-");
    g_string_append (name, digest);
  }
  g_string_append (name, SUFFIX);
  return g_string_free (name, FALSE);
}

/* ---- The directory ---- */

OnemoJournal *
onemo_journal_new (const char *directory)
{
  OnemoJournal *self = g_object_new (ONEMO_TYPE_JOURNAL, NULL);

  self->directory = g_strdup (directory);
  return self;
}

const char *
onemo_journal_get_directory (OnemoJournal *self)
{
  return self->directory;
}

static char *
record_path (OnemoJournal *self, const char *port)
{
  g_autofree char *name = onemo_journal_file_name (port);

  return g_build_filename (self->directory, name, NULL);
}

static gboolean
set_io_error (GError **error, int saved_errno, const char *what, const char *path)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "%s %s: %s", what, path,
               g_strerror (saved_errno));
  return FALSE;
}

/* A rename or an unlink is durable only once the directory itself is on disk. */
static gboolean
sync_directory (OnemoJournal *self, GError **error)
{
  int fd = open (self->directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int saved_errno;

  if (fd < 0)
    return set_io_error (error, errno, "Cannot open", self->directory);
  if (fsync (fd) != 0) {
    saved_errno = errno;
    close (fd);
    return set_io_error (error, saved_errno, "Cannot sync", self->directory);
  }
  close (fd);
  return TRUE;
}

gboolean
onemo_journal_save (OnemoJournal *self, const OnemoJournalRecord *record, GError **error)
{
  g_autofree char *path = record_path (self, record->port);
  g_autofree char *data = NULL;
  gsize length;

  if (g_mkdir_with_parents (self->directory, 0700) != 0)
    return set_io_error (error, errno, "Cannot create", self->directory);
  data = onemo_journal_record_serialize (record, &length);
  if (!g_file_set_contents_full (path, data, length,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0600,
                                 error))
    return FALSE;
  return sync_directory (self, error);
}

static void
set_aside (const char *path, const GError *why)
{
  g_autofree char *aside = g_strconcat (path, CORRUPT_SUFFIX, NULL);

  if (g_rename (path, aside) != 0)
    g_warning ("Journal record %s is corrupt (%s) and cannot be set aside: %s", path, why->message,
               g_strerror (errno));
  else
    g_warning ("Journal record %s is corrupt (%s): set aside as %s", path, why->message, aside);
}

/* Reads and parses @path; a corrupt record is set aside and reads as none. */
static OnemoJournalRecord *
load_path (const char *path, GError **error)
{
  g_autofree char *data = NULL;
  gsize length;
  g_autoptr (GError) local = NULL;
  OnemoJournalRecord *record;

  if (!g_file_get_contents (path, &data, &length, &local)) {
    if (!g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
      g_propagate_error (error, g_steal_pointer (&local));
    return NULL;
  }
  record = onemo_journal_record_parse (data, length, &local);
  if (record == NULL)
    set_aside (path, local);
  return record;
}

OnemoJournalRecord *
onemo_journal_load (OnemoJournal *self, const char *port, GError **error)
{
  g_autofree char *path = record_path (self, port);
  OnemoJournalRecord *record = load_path (path, error);

  /* A record under another port's name (a hash collision, a hand-made file) is not this
   * port's. */
  if (record != NULL && g_strcmp0 (record->port, port) != 0) {
    g_autoptr (GError) why
        = g_error_new (ONEMO_ERROR, ONEMO_ERROR_PROTOCOL, "it names port %s", record->port);
    set_aside (path, why);
    g_clear_pointer (&record, onemo_journal_record_free);
  }
  return record;
}

OnemoJournalRecord *
onemo_journal_find (OnemoJournal *self, const char *port, const char *physical_device,
                    GError **error)
{
  OnemoJournalRecord *record = onemo_journal_load (self, port, error);
  g_autoptr (GDir) dir = NULL;
  const char *name;

  if (record != NULL || physical_device == NULL || (error != NULL && *error != NULL))
    return record;
  dir = g_dir_open (self->directory, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
    g_autofree char *path = NULL;

    if (!g_str_has_suffix (name, SUFFIX))
      continue;
    path = g_build_filename (self->directory, name, NULL);
    record = load_path (path, NULL);
    if (record != NULL && g_strcmp0 (record->physical_device, physical_device) == 0)
      return record;
    g_clear_pointer (&record, onemo_journal_record_free);
  }
  return NULL;
}

gboolean
onemo_journal_expects_port (OnemoJournal *self, const char *port)
{
  g_autoptr (OnemoJournalRecord) record = NULL;

  if (self == NULL || port == NULL || !g_path_is_absolute (port))
    return FALSE;
  record = onemo_journal_load (self, port, NULL);
  return record != NULL && onemo_journal_phase_is_upgrade (record->phase);
}

gboolean
onemo_journal_remove (OnemoJournal *self, const char *port, GError **error)
{
  g_autofree char *path = record_path (self, port);

  if (g_unlink (path) != 0) {
    if (errno == ENOENT)
      return TRUE;
    return set_io_error (error, errno, "Cannot remove", path);
  }
  return sync_directory (self, error);
}

guint
onemo_journal_check_all (OnemoJournal *self)
{
  g_autoptr (GDir) dir = g_dir_open (self->directory, 0, NULL);
  const char *name;
  guint set_aside_count = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
    g_autofree char *path = NULL;
    g_autoptr (OnemoJournalRecord) record = NULL;
    g_autoptr (GError) error = NULL;

    if (!g_str_has_suffix (name, SUFFIX))
      continue;
    path = g_build_filename (self->directory, name, NULL);
    record = load_path (path, &error);
    if (error != NULL)
      g_warning ("Cannot read journal record %s: %s", path, error->message);
    else if (record == NULL)
      set_aside_count++;
    else
      g_debug ("Journal: %s was in %s (%s) when the daemon stopped", record->port,
               record->operation, record->phase);
  }
  return set_aside_count;
}

static void
onemo_journal_finalize (GObject *object)
{
  OnemoJournal *self = ONEMO_JOURNAL (object);

  g_free (self->directory);
  G_OBJECT_CLASS (onemo_journal_parent_class)->finalize (object);
}

static void
onemo_journal_class_init (OnemoJournalClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = onemo_journal_finalize;
}

static void
onemo_journal_init (OnemoJournal *self)
{
}
