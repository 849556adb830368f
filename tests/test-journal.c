/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The journal of running operations: records written, read back, replaced and removed; corrupt
 * and truncated records set aside, never trusted; a directory that cannot be written is an
 * error, not a crash; any port path gives a file name of its own. */
#include "onemo-error.h"
#include "onemo-journal.h"

#include <glib/gstdio.h>
#include <string.h>

typedef struct {
  char *dir;
  OnemoJournal *journal;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("onemo-journal-XXXXXX", &error);
  g_assert_no_error (error);
  f->journal = onemo_journal_new (f->dir);
}

static void
remove_tree (const char *dir)
{
  g_autoptr (GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL) {
    g_autofree char *path = g_build_filename (dir, name, NULL);
    if (g_file_test (path, G_FILE_TEST_IS_DIR))
      remove_tree (path);
    else
      g_unlink (path);
  }
  g_rmdir (dir);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->journal);
  remove_tree (f->dir);
  g_free (f->dir);
}

static OnemoJournalRecord *
sample (const char *port, const char *phase)
{
  OnemoJournalRecord *record = g_new0 (OnemoJournalRecord, 1);

  record->port = g_strdup (port);
  record->imei = g_strdup ("869487060000001");
  record->manufacturer = g_strdup ("CMCC");
  record->model = g_strdup ("ML307A");
  record->sub_model = g_strdup ("ML307A-DSLN");
  record->revision = g_strdup ("ML307A-DSLN-MBRH0S00");
  record->operation = g_strdup ("Upgrade");
  record->phase = g_strdup (phase);
  record->started = 1700000000;
  return record;
}

static void
assert_same (const OnemoJournalRecord *a, const OnemoJournalRecord *b)
{
  g_assert_cmpstr (a->port, ==, b->port);
  g_assert_cmpstr (a->physical_device, ==, b->physical_device);
  g_assert_cmpstr (a->imei, ==, b->imei);
  g_assert_cmpstr (a->manufacturer, ==, b->manufacturer);
  g_assert_cmpstr (a->model, ==, b->model);
  g_assert_cmpstr (a->sub_model, ==, b->sub_model);
  g_assert_cmpstr (a->revision, ==, b->revision);
  g_assert_cmpstr (a->operation, ==, b->operation);
  g_assert_cmpstr (a->phase, ==, b->phase);
  g_assert_cmpint (a->started, ==, b->started);
}

static char *
file_of (Fixture *f, const char *port)
{
  g_autofree char *name = onemo_journal_file_name (port);
  return g_build_filename (f->dir, name, NULL);
}

static guint
count_files (Fixture *f)
{
  g_autoptr (GDir) dir = g_dir_open (f->dir, 0, NULL);
  guint n = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static void
test_write_read_replace_remove (Fixture *f, gconstpointer data)
{
  g_autoptr (OnemoJournalRecord) record = sample ("/dev/ttyUSB2", "upgrading");
  g_autoptr (OnemoJournalRecord) read = NULL;
  g_autoptr (GError) error = NULL;

  read = onemo_journal_load (f->journal, "/dev/ttyUSB2", &error);
  g_assert_no_error (error);
  g_assert_null (read);

  record->physical_device = g_strdup ("/sys/devices/pci0000:00/usb1/1-2");
  g_assert_true (onemo_journal_save (f->journal, record, &error));
  g_assert_no_error (error);
  read = onemo_journal_load (f->journal, "/dev/ttyUSB2", &error);
  g_assert_no_error (error);
  g_assert_nonnull (read);
  assert_same (record, read);
  g_clear_pointer (&read, onemo_journal_record_free);

  /* A phase change replaces the record; no temporary file stays behind. */
  g_free (record->phase);
  record->phase = g_strdup ("rebooting");
  g_assert_true (onemo_journal_save (f->journal, record, &error));
  read = onemo_journal_load (f->journal, "/dev/ttyUSB2", &error);
  g_assert_nonnull (read);
  g_assert_cmpstr (read->phase, ==, "rebooting");
  g_assert_cmpuint (count_files (f), ==, 1);

  g_assert_true (onemo_journal_remove (f->journal, "/dev/ttyUSB2", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_files (f), ==, 0);
  /* Removing what is not there is no error. */
  g_assert_true (onemo_journal_remove (f->journal, "/dev/ttyUSB2", &error));
  g_assert_no_error (error);
}

static void
test_optional_fields (Fixture *f, gconstpointer data)
{
  g_autoptr (OnemoJournalRecord) record = sample ("/dev/ttyS1", "writing");
  g_autoptr (OnemoJournalRecord) read = NULL;
  g_autofree char *text = NULL;
  gsize length;

  g_clear_pointer (&record->imei, g_free);
  g_clear_pointer (&record->revision, g_free);
  text = onemo_journal_record_serialize (record, &length);
  read = onemo_journal_record_parse (text, length, NULL);
  g_assert_nonnull (read);
  assert_same (record, read);
}

static void
write_raw (Fixture *f, const char *port, const char *text, gssize length)
{
  g_autofree char *path = file_of (f, port);
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, text, length, &error);
  g_assert_no_error (error);
}

static void
assert_set_aside (Fixture *f, const char *port)
{
  g_autofree char *path = file_of (f, port);
  g_autofree char *aside = g_strconcat (path, ".corrupt", NULL);
  g_autoptr (OnemoJournalRecord) read = NULL;
  g_autoptr (GError) error = NULL;

  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "*corrupt*");
  read = onemo_journal_load (f->journal, port, &error);
  g_test_assert_expected_messages ();
  g_assert_no_error (error);
  g_assert_null (read);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (aside, G_FILE_TEST_EXISTS));
  g_unlink (aside);
}

static void
test_corrupt (Fixture *f, gconstpointer data)
{
  g_autoptr (OnemoJournalRecord) record = sample ("/dev/ttyUSB2", "upgrading");
  g_autofree char *good = NULL;
  gsize length;
  static const char *const bad[] = {
    "",
    "garbage\n",
    "[Operation]\nVersion=2\n",
    "[Operation]\nVersion=1\nPort=/dev/ttyUSB2\nSubModel=ML307A-DSLN\nOperation=Upgrade\n"
    "Phase=dancing\nStarted=1\nComplete=true\n",
    "[Operation]\nVersion=1\nPort=relative\nSubModel=ML307A-DSLN\nOperation=Upgrade\n"
    "Phase=upgrading\nStarted=1\nComplete=true\n",
    "[Operation]\nVersion=1\nPort=/dev/ttyUSB2\nSubModel=ML307A-DSLN\nOperation=Upgrade\n"
    "Phase=upgrading\nStarted=-5\nComplete=true\n",
    "[Operation]\nVersion=1\nPort=/dev/ttyUSB2\nSubModel=\nOperation=Upgrade\n"
    "Phase=upgrading\nStarted=1\nComplete=true\n",
    "[Operation]\nVersion=1\nPort=/dev/ttyUSB2\nSubModel=ML307A-DSLN\nOperation=Upgrade\n"
    "Phase=upgrading\nStarted=soon\nComplete=true\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    write_raw (f, "/dev/ttyUSB2", bad[i], -1);
    assert_set_aside (f, "/dev/ttyUSB2");
  }
  /* Every truncation of a good record is refused, never half-read. */
  good = onemo_journal_record_serialize (record, &length);
  for (gsize cut = 0; cut < length; cut++) {
    g_autoptr (OnemoJournalRecord) read = onemo_journal_record_parse (good, cut, NULL);
    g_assert_null (read);
  }
  /* Binary junk. */
  write_raw (f, "/dev/ttyUSB2", "[Operation]\n\0\xff\xfe", 15);
  assert_set_aside (f, "/dev/ttyUSB2");
  /* A record that names another port is not this port's. */
  g_free (record->port);
  record->port = g_strdup ("/dev/ttyUSB9");
  g_free (good);
  good = onemo_journal_record_serialize (record, &length);
  write_raw (f, "/dev/ttyUSB2", good, length);
  assert_set_aside (f, "/dev/ttyUSB2");
}

static void
test_check_all (Fixture *f, gconstpointer data)
{
  g_autoptr (OnemoJournalRecord) record = sample ("/dev/ttyUSB2", "upgrading");
  g_autoptr (OnemoJournalRecord) read = NULL;

  g_assert_true (onemo_journal_save (f->journal, record, NULL));
  write_raw (f, "/dev/ttyUSB3", "not a record", -1);
  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "*corrupt*");
  g_assert_cmpuint (onemo_journal_check_all (f->journal), ==, 1);
  g_test_assert_expected_messages ();
  read = onemo_journal_load (f->journal, "/dev/ttyUSB2", NULL);
  g_assert_nonnull (read);
  g_assert_cmpuint (count_files (f), ==, 2); /* the good one and the one set aside */
}

static void
test_unwritable (Fixture *f, gconstpointer data)
{
  g_autofree char *file = g_build_filename (f->dir, "plain-file", NULL);
  g_autofree char *below = g_build_filename (file, "state", NULL);
  g_autoptr (OnemoJournal) journal = NULL;
  g_autoptr (OnemoJournalRecord) record = sample ("/dev/ttyUSB2", "writing");
  g_autoptr (OnemoJournalRecord) read = NULL;
  g_autoptr (GError) error = NULL;

  /* A directory below a regular file cannot exist, even for root. */
  g_assert_true (g_file_set_contents (file, "x", 1, NULL));
  journal = onemo_journal_new (below);
  g_assert_false (onemo_journal_save (journal, record, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  read = onemo_journal_load (journal, "/dev/ttyUSB2", &error);
  g_assert_null (read);
  g_clear_error (&error);
  g_assert_false (onemo_journal_remove (journal, "/dev/ttyUSB2", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpuint (onemo_journal_check_all (journal), ==, 0);
}

static void
test_file_names (Fixture *f, gconstpointer data)
{
  static const char *const ports[] = {
    "/dev/ttyUSB2", "/dev/tty/USB2", "/dev/tty%2FUSB2", "/dev/tty_USB2", "/dev/tty.USB2", "/..",
    "/.",           "/dev/\n\t",     "/dev/ttyÜ",       "/dev/a b",
  };
  g_autoptr (GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GString) long_port = g_string_new ("/dev/");

  for (guint i = 0; i < G_N_ELEMENTS (ports); i++) {
    g_autofree char *name = onemo_journal_file_name (ports[i]);
    g_autoptr (OnemoJournalRecord) record = sample (ports[i], "writing");
    g_autoptr (OnemoJournalRecord) read = NULL;
    g_autoptr (GError) error = NULL;

    g_assert_null (strchr (name, '/'));
    g_assert_false (name[0] == '.');
    g_assert_cmpuint (strlen (name), <, 255);
    g_assert_false (g_hash_table_contains (names, name));
    g_hash_table_add (names, g_steal_pointer (&name));
    /* Each round-trips through its own file. */
    g_assert_true (onemo_journal_save (f->journal, record, &error));
    g_assert_no_error (error);
    read = onemo_journal_load (f->journal, ports[i], &error);
    g_assert_no_error (error);
    g_assert_nonnull (read);
    g_assert_cmpstr (read->port, ==, ports[i]);
  }
  g_assert_cmpuint (count_files (f), ==, G_N_ELEMENTS (ports));
  /* A path longer than a file name may be is hashed. */
  for (guint i = 0; i < 300; i++)
    g_string_append_c (long_port, 'x');
  {
    g_autofree char *name = onemo_journal_file_name (long_port->str);
    g_assert_true (g_str_has_prefix (name, "sha256-"));
    g_assert_cmpuint (strlen (name), <, 255);
  }
}

static void
test_find_by_physical_device (Fixture *f, gconstpointer data)
{
  g_autoptr (OnemoJournalRecord) record = sample ("/dev/ttyUSB2", "rebooting");
  g_autoptr (OnemoJournalRecord) other = sample ("/dev/ttyUSB7", "writing");
  g_autoptr (OnemoJournalRecord) found = NULL;
  g_autoptr (GError) error = NULL;

  record->physical_device = g_strdup ("/sys/devices/pci0000:00/usb1/1-2");
  other->physical_device = g_strdup ("/sys/devices/pci0000:00/usb1/1-3");
  g_assert_true (onemo_journal_save (f->journal, record, NULL));
  g_assert_true (onemo_journal_save (f->journal, other, NULL));
  /* The module came back as ttyUSB5: found by its USB device, under its old port. */
  found
      = onemo_journal_find (f->journal, "/dev/ttyUSB5", "/sys/devices/pci0000:00/usb1/1-2", &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_cmpstr (found->port, ==, "/dev/ttyUSB2");
  g_clear_pointer (&found, onemo_journal_record_free);
  /* The port's own record comes first. */
  found
      = onemo_journal_find (f->journal, "/dev/ttyUSB7", "/sys/devices/pci0000:00/usb1/1-2", &error);
  g_assert_cmpstr (found->port, ==, "/dev/ttyUSB7");
  g_clear_pointer (&found, onemo_journal_record_free);
  /* Neither port nor device. */
  found = onemo_journal_find (f->journal, "/dev/ttyUSB5", "/sys/devices/elsewhere", &error);
  g_assert_null (found);
  found = onemo_journal_find (f->journal, "/dev/ttyUSB5", NULL, &error);
  g_assert_null (found);
  g_assert_no_error (error);
}

static void
test_phases (void)
{
  g_assert_true (onemo_journal_phase_is_upgrade ("upgrading"));
  g_assert_true (onemo_journal_phase_is_upgrade ("rebooting"));
  g_assert_true (onemo_journal_phase_is_upgrade ("confirming"));
  g_assert_false (onemo_journal_phase_is_upgrade ("writing"));
  g_assert_false (onemo_journal_phase_is_upgrade ("verifying"));
  g_assert_false (onemo_journal_phase_is_upgrade ("starting"));
  g_assert_false (onemo_journal_phase_is_upgrade (NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/journal/write-read-replace-remove", Fixture, NULL, fixture_set_up,
              test_write_read_replace_remove, fixture_tear_down);
  g_test_add ("/journal/optional-fields", Fixture, NULL, fixture_set_up, test_optional_fields,
              fixture_tear_down);
  g_test_add ("/journal/corrupt", Fixture, NULL, fixture_set_up, test_corrupt, fixture_tear_down);
  g_test_add ("/journal/check-all", Fixture, NULL, fixture_set_up, test_check_all,
              fixture_tear_down);
  g_test_add ("/journal/unwritable", Fixture, NULL, fixture_set_up, test_unwritable,
              fixture_tear_down);
  g_test_add ("/journal/file-names", Fixture, NULL, fixture_set_up, test_file_names,
              fixture_tear_down);
  g_test_add ("/journal/find-by-physical-device", Fixture, NULL, fixture_set_up,
              test_find_by_physical_device, fixture_tear_down);
  g_test_add_func ("/journal/phases", test_phases);
  return g_test_run ();
}
