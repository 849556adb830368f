/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "onemo-at-line-buffer.h"

#include <string.h>

/*
 * Bytes are split as they are fed (each byte looked at once), so the partial line never holds
 * more than the limit; complete events wait in a queue until the caller takes them. Prompts and
 * overflows are queued as two marker pointers, lines as their own strings.
 */
static char prompt_marker[1];
static char overflow_marker[1];

struct _OnemoAtLineBuffer {
  gsize max_line_length;
  guint8 *line; /* the partial line: max_line_length bytes */
  gsize line_len;
  gboolean discarding;        /* inside an over-long line: drop bytes until its end */
  gboolean prompt_detection;  /* report a '>' that starts a line at once */
  gboolean skip_prompt_space; /* the byte after a prompt may be its space */
  GQueue events;              /* of char *: lines, prompt_marker, overflow_marker */
};

OnemoAtLineBuffer *
onemo_at_line_buffer_new (gsize max_line_length)
{
  OnemoAtLineBuffer *self;

  g_return_val_if_fail (max_line_length > 0, NULL);
  self = g_new0 (OnemoAtLineBuffer, 1);
  self->max_line_length = max_line_length;
  self->line = g_malloc (max_line_length);
  g_queue_init (&self->events);
  return self;
}

static void
free_event (gpointer event)
{
  if (event != prompt_marker && event != overflow_marker)
    g_free (event);
}

void
onemo_at_line_buffer_clear (OnemoAtLineBuffer *self)
{
  g_return_if_fail (self != NULL);
  self->line_len = 0;
  self->discarding = FALSE;
  self->skip_prompt_space = FALSE;
  g_queue_clear_full (&self->events, free_event);
}

void
onemo_at_line_buffer_free (OnemoAtLineBuffer *self)
{
  if (self == NULL)
    return;
  onemo_at_line_buffer_clear (self);
  g_free (self->line);
  g_free (self);
}

/* The line as valid UTF-8: each byte that is not part of a valid sequence becomes "\xNN", so
 * that what a module sends can become a D-Bus string or an error's text as it is. */
static char *
line_to_utf8 (const guint8 *bytes, gsize len)
{
  const char *text = (const char *)bytes;
  const char *end;
  GString *out;

  if (g_utf8_validate_len (text, len, NULL))
    return g_strndup (text, len);
  out = g_string_sized_new (len + 16);
  while (len > 0) {
    g_utf8_validate_len (text, len, &end);
    g_string_append_len (out, text, end - text);
    len -= (gsize)(end - text);
    text = end;
    if (len > 0) {
      g_string_append_printf (out, "\\x%02X", (guint8)text[0]);
      text++;
      len--;
    }
  }
  return g_string_free (out, FALSE);
}

static void
end_line (OnemoAtLineBuffer *self)
{
  if (self->discarding)
    self->discarding = FALSE;
  else if (self->line_len > 0)
    g_queue_push_tail (&self->events, line_to_utf8 (self->line, self->line_len));
  self->line_len = 0;
}

/* Appends a run of ordinary bytes (no line end, no NUL) to the partial line. */
static void
append_run (OnemoAtLineBuffer *self, const guint8 *run, gsize len)
{
  if (self->discarding)
    return;
  if (len > self->max_line_length - self->line_len) {
    self->discarding = TRUE;
    self->line_len = 0;
    g_queue_push_tail (&self->events, overflow_marker);
    return;
  }
  memcpy (self->line + self->line_len, run, len);
  self->line_len += len;
}

void
onemo_at_line_buffer_feed (OnemoAtLineBuffer *self, const guint8 *data, gsize len)
{
  gsize run_start = 0;

  g_return_if_fail (self != NULL);
  g_return_if_fail (data != NULL || len == 0);

  for (gsize i = 0; i < len; i++) {
    guint8 byte = data[i];

    if (self->skip_prompt_space) {
      self->skip_prompt_space = FALSE;
      if (byte == ' ') {
        run_start = i + 1;
        continue;
      }
    }
    if (byte == '\r' || byte == '\n' || byte == '\0') {
      append_run (self, data + run_start, i - run_start);
      run_start = i + 1;
      if (byte != '\0')
        end_line (self);
      continue;
    }
    if (byte == '>' && self->prompt_detection && i == run_start && self->line_len == 0
        && !self->discarding) {
      g_queue_push_tail (&self->events, prompt_marker);
      self->skip_prompt_space = TRUE;
      run_start = i + 1;
    }
  }
  append_run (self, data + run_start, len - run_start);
}

OnemoAtLineKind
onemo_at_line_buffer_next (OnemoAtLineBuffer *self, char **out_line)
{
  char *event;

  g_return_val_if_fail (self != NULL, ONEMO_AT_LINE_NONE);
  g_return_val_if_fail (out_line != NULL, ONEMO_AT_LINE_NONE);

  *out_line = NULL;
  event = g_queue_pop_head (&self->events);
  if (event == NULL)
    return ONEMO_AT_LINE_NONE;
  if (event == prompt_marker)
    return ONEMO_AT_LINE_PROMPT;
  if (event == overflow_marker)
    return ONEMO_AT_LINE_OVERFLOW;
  *out_line = event;
  return ONEMO_AT_LINE_LINE;
}

void
onemo_at_line_buffer_set_prompt_detection (OnemoAtLineBuffer *self, gboolean enabled)
{
  g_return_if_fail (self != NULL);
  self->prompt_detection = enabled;
  if (!enabled)
    self->skip_prompt_space = FALSE;
}

gsize
onemo_at_line_buffer_pending (OnemoAtLineBuffer *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->line_len;
}
