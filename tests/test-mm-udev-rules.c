/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The generated ModemManager udev rules (data/gen-mm-udev-rules.c) against the USB ID table: each
 * ID's AT interface is the primary AT port, the other ttys of an exclusive ID are ignored, no
 * other ID appears, and every line is well-formed udev syntax whose GOTOs reach a LABEL.
 * Usage: test-mm-udev-rules RULES-FILE
 */
#include "onemo-usb-ids.h"

#include <string.h>

static char *rules_path;

static char *
read_rules (void)
{
  g_autoptr (GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (rules_path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static guint
count (const char *haystack, const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

static void
test_every_id (void)
{
  g_autofree char *text = read_rules ();

  for (const OnemoUsbId *id = onemo_usb_id_table (); id->vendor_id != 0; id++) {
    g_autofree char *match
        = g_strdup_printf ("ATTRS{idVendor}==\"%04x\", ATTRS{idProduct}==\"%04x\", "
                           "SUBSYSTEM==\"tty\"",
                           id->vendor_id, id->product_id);
    g_autofree char *primary = g_strdup_printf (
        "%s, ENV{.MM_USBIFNUM}==\"%02x\", ENV{ID_MM_PORT_TYPE_AT_PRIMARY}=\"1\"\n", match,
        id->at_interface);
    g_autofree char *ignore = g_strdup_printf (
        "%s, ENV{.MM_USBIFNUM}!=\"%02x\", ENV{ID_MM_PORT_IGNORE}=\"1\"\n", match, id->at_interface);
    g_autofree char *jump
        = g_strdup_printf ("SUBSYSTEMS==\"usb\", ATTRS{idVendor}==\"%04x\", GOTO=", id->vendor_id);

    g_test_message ("%04x:%04x", id->vendor_id, id->product_id);
    g_assert_cmpuint (count (text, primary), ==, 1);
    /* A shared ID keeps the other vendor's ports usable. */
    g_assert_cmpuint (count (text, ignore), ==, id->shared ? 0 : 1);
    g_assert_cmpuint (count (text, match), ==, id->shared ? 1 : 2);
    g_assert_cmpuint (count (text, jump), ==, 1);
  }
}

static void
test_nothing_else (void)
{
  g_autofree char *text = read_rules ();
  guint rows = 0, exclusive = 0, vendors = 0;
  g_autoptr (GHashTable) seen = g_hash_table_new (NULL, NULL);

  for (const OnemoUsbId *id = onemo_usb_id_table (); id->vendor_id != 0; id++) {
    rows++;
    exclusive += !id->shared;
    vendors += g_hash_table_add (seen, GUINT_TO_POINTER (id->vendor_id));
  }
  g_assert_cmpuint (rows, >, 0);
  g_assert_cmpuint (count (text, "ATTRS{idProduct}"), ==, rows + exclusive);
  g_assert_cmpuint (count (text, "ATTRS{idVendor}"), ==, rows + exclusive + vendors);
  g_assert_cmpuint (count (text, "ID_MM_PORT_TYPE_AT_PRIMARY"), ==, rows);
  g_assert_cmpuint (count (text, "ID_MM_PORT_IGNORE"), ==, exclusive);
}

/* udev's rule syntax: comma-separated KEY[{ATTR}] OP "VALUE" (rules(7)); labels that exist. */
static void
test_syntax (void)
{
  g_autofree char *text = read_rules ();
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr (GRegex) pair = g_regex_new (
      "^(ACTION|SUBSYSTEM|SUBSYSTEMS|ATTRS\\{[A-Za-z]+\\}|ENV\\{[.A-Z_]+\\}|GOTO|LABEL)"
      "(==|!=|=)\"([^\"]*)\"$",
      0, 0, NULL);
  g_autoptr (GPtrArray) gotos = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GHashTable) labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_assert_true (g_str_has_suffix (text, "\n"));
  for (guint i = 0; lines[i] != NULL; i++) {
    g_auto (GStrv) pairs = NULL;
    if (lines[i][0] == '\0' || lines[i][0] == '#')
      continue;
    pairs = g_strsplit (lines[i], ", ", -1);
    for (guint j = 0; pairs[j] != NULL; j++) {
      g_autoptr (GMatchInfo) m = NULL;
      g_autofree char *key = NULL;
      if (!g_regex_match (pair, pairs[j], 0, &m))
        g_error ("line %u: “%s” is not KEY OP \"VALUE\"", i + 1, pairs[j]);
      key = g_match_info_fetch (m, 1);
      if (g_str_equal (key, "GOTO"))
        g_ptr_array_add (gotos, g_match_info_fetch (m, 3));
      if (g_str_equal (key, "LABEL"))
        g_assert_true (g_hash_table_add (labels, g_match_info_fetch (m, 3)));
    }
  }
  g_assert_cmpuint (gotos->len, >, 0);
  for (guint i = 0; i < gotos->len; i++)
    g_assert_true (g_hash_table_contains (labels, g_ptr_array_index (gotos, i)));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (argc, ==, 2);
  rules_path = argv[1];
  g_test_add_func ("/mm-udev-rules/every-id", test_every_id);
  g_test_add_func ("/mm-udev-rules/nothing-else", test_nothing_else);
  g_test_add_func ("/mm-udev-rules/syntax", test_syntax);
  return g_test_run ();
}
