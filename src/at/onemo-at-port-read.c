/* SPDX-License-Identifier: GPL-2.0-or-later */
#define G_LOG_DOMAIN "onemo-at"

/*
 * The AT port's reading side: bytes from the fd become lines, and each line goes to the command
 * on the wire (echo, response, final result) or to a URC handler.
 */

#include "onemo-at-port-private.h"

#include "onemo-at-result.h"
#include "onemo-error.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

/* Lines from the module may hold any byte: escape them, and only when debug output is on. */
void
onemo_port_log_received (OnemoAtPort *self, const char *line, const char *note)
{
  g_autofree char *printable = NULL;

  if (g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN))
    return;
  printable = g_strescape (line, "\"");
  g_debug ("%s: <-- %s%s", self->name, printable, note);
}

/* A final result for the command on the wire. */
static void
port_final_result (OnemoAtPort *self, const char *line, OnemoAtResult result, GError *error)
{
  Command *cmd = self->current;

  onemo_port_log_received (self, line, "");
  /* "OK 或 > OK": a bare OK may stand for the prompt. Whoever waits, the module now counts
   * <len> raw bytes, so they go out (padding, for a caller who gave up). */
  if (result == ONEMO_AT_RESULT_OK && cmd->stage == PAYLOAD_PROMPT) {
    onemo_payload_ok_instead_of_prompt (self);
    return;
  }
  if (cmd->task != NULL && result == ONEMO_AT_RESULT_OK && cmd->stage == PAYLOAD_STREAMING)
    error = g_error_new (ONEMO_ERROR, ONEMO_ERROR_PROTOCOL,
                         "%s: the module answered OK after %" G_GUINT64_FORMAT
                         " of %" G_GUINT64_FORMAT " bytes",
                         self->name, cmd->written, cmd->length);
  else if (cmd->task == NULL)
    port_debug ("%s: dropped the late result of %s", self->name, onemo_port_command_log_text (cmd));

  onemo_port_finish_current (self, error);
}

/* An unsolicited line: to the newest handler that wants it, else only to the log (an unknown
 * one at info level, so that a module's new URC can be added to the table). */
static void
port_route_unsolicited (OnemoAtPort *self, const char *line)
{
  g_autofree char *printable = NULL;

  if (onemo_port_dispatch_urc (self, line))
    return;
  /* A mangled echo of a secret command would pass for an unknown line: never log its text. */
  if (self->current != NULL && (self->current->flags & ONEMO_AT_COMMAND_FLAG_SECRET)) {
    port_debug ("%s: <-- (a line during a secret command, not listened for)", self->name);
    return;
  }
  if (onemo_at_urc_known_name (line) != NULL) {
    onemo_port_log_received (self, line, " (URC, not listened for)");
    return;
  }
  if (g_log_writer_default_would_drop (G_LOG_LEVEL_INFO, G_LOG_DOMAIN))
    return;
  printable = g_strescape (line, "\"");
  g_info ("%s: <-- %s (unsolicited, unknown, dropped)", self->name, printable);
}

static void
port_route_line (OnemoAtPort *self, char *line)
{
  Command *cmd = self->current;
  GError *error = NULL;
  OnemoAtResult result;

  if (cmd == NULL) {
    port_route_unsolicited (self, line);
    g_free (line);
    return;
  }
  if (!cmd->echo_seen && strcmp (line, cmd->text) == 0) {
    cmd->echo_seen = TRUE;
    g_free (line);
    return;
  }
  result = onemo_at_result_classify (line, &error);
  if (result != ONEMO_AT_RESULT_NOT_FINAL) {
    port_final_result (self, line, result, error);
    g_free (line);
    return;
  }
  if (!onemo_at_answer_shape_takes (&cmd->answer, line)) {
    port_route_unsolicited (self, line);
    g_free (line);
    return;
  }
  if (cmd->flags & ONEMO_AT_COMMAND_FLAG_SECRET)
    port_debug ("%s: <-- (response to a secret command)", self->name);
  else
    onemo_port_log_received (self, line, "");
  if (cmd->task != NULL)
    g_ptr_array_add (cmd->response, line);
  else
    g_free (line);
}

static void
port_overflow (OnemoAtPort *self)
{
  g_debug ("%s: <-- a line longer than %u bytes, discarded", self->name, ONEMO_AT_LINE_MAX_DEFAULT);
  if (self->current == NULL || self->current->task == NULL)
    return;
  onemo_port_abandon_current (self, g_error_new (ONEMO_ERROR, ONEMO_ERROR_PROTOCOL,
                                                 "%s: the module sent a line longer than %u bytes",
                                                 self->name, ONEMO_AT_LINE_MAX_DEFAULT));
}

/* Handles what the line buffer holds, stopping if a callback closed the port. */
static void
port_drain_lines (OnemoAtPort *self)
{
  OnemoAtLineKind kind;
  char *line;

  while (self->fd >= 0
         && (kind = onemo_at_line_buffer_next (self->lines, &line)) != ONEMO_AT_LINE_NONE) {
    if (kind == ONEMO_AT_LINE_LINE)
      port_route_line (self, line);
    else if (kind == ONEMO_AT_LINE_PROMPT)
      onemo_payload_prompt (self);
    else
      port_overflow (self);
  }
}

void
onemo_port_read (OnemoAtPort *self, GIOCondition condition)
{
  gboolean drained = !(condition & G_IO_IN);

  for (;;) {
    gssize n = read (self->fd, self->read_buffer, sizeof self->read_buffer);
    int saved_errno = errno;

    if (n < 0 && saved_errno == EINTR)
      continue;
    if (n < 0 && saved_errno == EAGAIN) {
      drained = TRUE;
      break;
    }
    if (n <= 0) {
      port_drain_lines (self);
      onemo_port_hangup (self, n == 0 ? "end of file" : g_strerror (saved_errno));
      return;
    }
    onemo_at_line_buffer_feed (self->lines, self->read_buffer, (gsize)n);
    port_drain_lines (self);
    if (self->fd < 0 || (gsize)n < sizeof self->read_buffer)
      break;
  }
  /* A hang-up with nothing left to read; with data left, the next read tells (EOF or EIO). */
  if (self->fd >= 0 && drained && (condition & (G_IO_HUP | G_IO_ERR)))
    onemo_port_hangup (self, "the device hung up");
}
