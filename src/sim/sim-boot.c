/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a module does around its reboots and while it flashes, as the upgrade readings' knobs
 * play it: a boot restores echo and AT+CMEE to their defaults (point i); a UART module reboots
 * behind a port that stays and loses what it is sent meanwhile (point j); a flashing module
 * ignores commands or answers ERROR, and the sim counts them on stderr (point e).
 */
#include "sim-modem-private.h"

#include <string.h>

void
sim_modem_boot (SimModem *self)
{
  self->echo = TRUE;
  self->cmee = self->options.readings->boot_cmee;
  g_string_truncate (self->line, 0);
  self->after_cr = FALSE;
  self->line_too_long = FALSE;
}

static gboolean
on_uart_booted (gpointer user_data)
{
  SimModem *self = user_data;
  char **lose = self->options.readings->lose_after_reboot;

  self->deaf_timer = 0;
  sim_modem_boot (self);
  g_ptr_array_set_size (self->lose_pending, 0);
  for (char **p = lose; p != NULL && *p != NULL; p++)
    g_ptr_array_add (self->lose_pending, g_strdup (*p));
  sim_ports_write_all (self->ports, "\r\n+MATREADY\r\n");
  return G_SOURCE_REMOVE;
}

void
sim_modem_uart_reboot (SimModem *self)
{
  g_clear_handle_id (&self->deaf_timer, g_source_remove);
  self->deaf_timer
      = g_timeout_add (MAX (self->options.readings->uart_reboot_ms, 1), on_uart_booted, self);
}

/* The first pending --lose-after-reboot prefix @line starts with, taken off the list. */
static gboolean
take_lost_prefix (SimModem *self, const char *line)
{
  for (guint i = 0; i < self->lose_pending->len; i++) {
    const char *prefix = g_ptr_array_index (self->lose_pending, i);

    if (g_ascii_strncasecmp (line, prefix, strlen (prefix)) == 0) {
      g_ptr_array_remove_index (self->lose_pending, i);
      return TRUE;
    }
  }
  return FALSE;
}

gboolean
sim_modem_hears (SimModem *self, const char *line)
{
  if (self->upgrade != NULL) {
    self->commands_in_flashing++;
    g_message ("%s while flashing (%u so far)", line, self->commands_in_flashing);
    switch (self->options.readings->flashing) {
      case SIM_FLASHING_SILENT:
        return FALSE;
      case SIM_FLASHING_ERROR:
        sim_modem_reply_error (self);
        sim_modem_commit (self);
        return FALSE;
      case SIM_FLASHING_ANSWER:
        break;
    }
  }
  if (take_lost_prefix (self, line)) {
    g_message ("%s lost after a reboot", line);
    return FALSE;
  }
  return TRUE;
}

void
sim_modem_boot_clear (SimModem *self)
{
  g_clear_handle_id (&self->deaf_timer, g_source_remove);
  g_clear_pointer (&self->lose_pending, g_ptr_array_unref);
}

gboolean
sim_flashing_answer_from_string (const char *word, SimFlashingAnswer *out)
{
  static const char *const words[] = { "silent", "error", "answer" };

  for (guint i = 0; i < G_N_ELEMENTS (words); i++) {
    if (g_strcmp0 (word, words[i]) == 0) {
      *out = (SimFlashingAnswer)i;
      return TRUE;
    }
  }
  return FALSE;
}
