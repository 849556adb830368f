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
  if (cmd->task != NULL && result == ONEMO_AT_RESULT_OK && cmd->stage == PAYLOAD_PROMPT)
    error = g_error_new (ONEMO_ERROR, ONEMO_ERROR_PROTOCOL,
                         "%s: %s answered OK without a `>` prompt: the module took nothing",
                         self->name, onemo_port_command_log_text (cmd));
  else if (cmd->task != NULL && result == ONEMO_AT_RESULT_OK && cmd->stage == PAYLOAD_STREAMING)
    error = g_error_new (ONEMO_ERROR, ONEMO_ERROR_PROTOCOL,
                         "%s: the module answered OK after %" G_GUINT64_FORMAT
                         " of %" G_GUINT64_FORMAT " bytes",
                         self->name, cmd->written, cmd->length);
  else if (cmd->task == NULL)
    port_debug ("%s: dropped the late result of %s", self->name, onemo_port_command_log_text (cmd));

  onemo_port_finish_current (self, error);
}

static void
port_route_line (OnemoAtPort *self, char *line)
{
  Command *cmd = self->current;
  GError *error = NULL;
  OnemoAtResult result;
  gboolean secret;

  if (cmd == NULL) {
    if (!onemo_port_dispatch_urc (self, line))
      onemo_port_log_received (self, line, " (unsolicited, dropped)");
    g_free (line);
    return;
  }
  secret = (cmd->flags & ONEMO_AT_COMMAND_FLAG_SECRET) != 0;
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
  if (cmd->prefix != NULL && cmd->prefix_is_response
      && g_ascii_strncasecmp (line, cmd->prefix, strlen (cmd->prefix)) == 0) {
    /* its own response, not a URC */
  } else if (onemo_port_dispatch_urc (self, line)) {
    g_free (line);
    return;
  }
  if (secret)
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
