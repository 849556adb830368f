/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sim-expect.h"

#include <gio/gio.h>
#include <string.h>

void
sim_expect_final (SimClient *c, const char *command, const char *expected)
{
  g_autofree char *final = sim_client_final (c, command);

  if (!g_str_equal (final, expected))
    g_error ("%s: expected “%s”, got “%s”", command, expected, final);
}

/* The information line of @command, which must end with OK. */
char *
sim_expect_info (SimClient *c, const char *command)
{
  g_autoptr (GPtrArray) lines = sim_client_command (c, command, SIM_LINE_MS);

  g_assert_nonnull (lines);
  g_assert_cmpuint (lines->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (lines, 1), ==, "OK");
  return g_strdup (g_ptr_array_index (lines, 0));
}

void
sim_expect_line (SimClient *c, const char *expected)
{
  g_autofree char *line = sim_client_read_line (c, SIM_LINE_MS);

  g_assert_cmpstr (line, ==, expected);
}

SimClient *
sim_expect_start (const char *model, const char *const *extra)
{
  SimClient *c = sim_client_new (model, extra);

  sim_expect_line (c, "+MATREADY");
  return c;
}

/* Writes a package with the sim's own --make-package; returns its bytes. */
GBytes *
sim_expect_make_package (const char *dir, const char *series, const char *revision,
                         const char *size)
{
  g_autofree char *path = g_build_filename (dir, "made.pkg", NULL);
  const char *argv[] = { "--make-package", path,     "--series", series, "--new-revision",
                         revision,         "--size", size,       NULL };
  g_autofree char *out = NULL;
  g_autoptr (GError) error = NULL;
  char *data;
  gsize length;

  g_assert_cmpint (sim_client_run (argv, &out), ==, 0);
  g_file_get_contents (path, &data, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (data, length);
}

/* Transparent write of @bytes from offset 0, expecting OK. */
void
sim_expect_write_transparent (SimClient *c, GBytes *bytes)
{
  g_autofree char *command
      = g_strdup_printf ("AT+MFWDLOAD=0,%" G_GSIZE_FORMAT, g_bytes_get_size (bytes));

  sim_client_send (c, command);
  g_assert_true (sim_client_read_until (c, ">", SIM_LINE_MS));
  sim_client_write (c, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  sim_expect_line (c, "OK");
}

/* Hex writes of @bytes in 512-byte chunks, expecting OK each time. */
void
sim_expect_write_hex (SimClient *c, GBytes *bytes)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);

  for (gsize offset = 0; offset < size; offset += 512) {
    gsize n = MIN (512, size - offset);
    g_autoptr (GString) command = g_string_new (NULL);
    g_string_printf (command, "AT+MFWDLOAD=%" G_GSIZE_FORMAT ",%" G_GSIZE_FORMAT ",\"", offset, n);
    for (gsize i = 0; i < n; i++)
      g_string_append_printf (command, "%02X", data[offset + i]);
    g_string_append_c (command, '"');
    sim_expect_final (c, command->str, "OK");
  }
}

char *
sim_expect_revision (SimClient *c)
{
  return sim_expect_info (c, "AT+CGMR");
}

/* The port hangs up, comes back at the same link, and the module says it booted. */
void
sim_expect_reboot (SimClient *c)
{
  g_assert_true (sim_client_wait_hangup (c, 5000));
  g_assert_true (sim_client_reopen (c, 5000));
  sim_expect_line (c, "+MATREADY");
}

void
sim_expect_uart_reboot (SimClient *c)
{
  g_autoptr (GBytes) quiet = NULL;

  sim_client_send (c, "AT");
  quiet = sim_client_read_for (c, 200);
  g_assert_cmpuint (g_bytes_get_size (quiet), ==, 0);
  sim_expect_line (c, "+MATREADY");
}

void
sim_expect_package_upgrade (SimClient *c, const char *revision)
{
  g_autofree char *after = NULL;

  sim_expect_final (c, "AT+MFWUPGRADE", "OK");
  sim_expect_line (c, "+MFWUPGRADE: 1,50");
  sim_expect_reboot (c);
  sim_expect_line (c, "+MFWUPGRADE: 1,100");
  sim_expect_line (c, "+MFWUPGRADE: 2");
  after = sim_expect_revision (c);
  g_assert_cmpstr (after, ==, revision);
}
