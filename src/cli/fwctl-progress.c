/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Progress text: pure (events and a clock in, text out), so every output style is unit-tested. */
#include "config.h"

#include "fwctl-progress.h"

#include "fwctl-json.h"

#include <glib/gi18n.h>

struct _FwctlProgress {
  FwctlOutput output;
  guint width;
  char *module;
  char *step;
  /* Lines: the last tenth printed in this step, -1 for none. */
  gint last_tenth;
  guint last_status;
  /* Bar: when this step's transfer started, for the rate. */
  gint64 step_start_us;
  guint64 step_start_done;
  gboolean bar_drawn;
};

FwctlProgress *
fwctl_progress_new (FwctlOutput output, guint width)
{
  FwctlProgress *self = g_new0 (FwctlProgress, 1);

  self->output = output;
  self->width = MAX (width, 20);
  self->last_tenth = -1;
  self->step_start_us = -1;
  return self;
}

void
fwctl_progress_free (FwctlProgress *self)
{
  if (self == NULL)
    return;
  g_free (self->module);
  g_free (self->step);
  g_free (self);
}

void
fwctl_progress_set_module (FwctlProgress *self, const char *object_path)
{
  g_free (self->module);
  self->module = g_strdup (object_path);
}

void
fwctl_progress_set_step (FwctlProgress *self, const char *state)
{
  g_free (self->step);
  self->step = g_strdup (state);
  self->last_tenth = -1;
  self->last_status = 0;
  self->step_start_us = -1;
}

const char *
fwctl_progress_step_name (const char *state)
{
  static const struct {
    const char *state;
    const char *name;
  } names[] = {
    { "idle", N_ ("Idle") },
    { "configuring", N_ ("Configuring") },
    { "downloading", N_ ("Downloading") },
    { "writing", N_ ("Writing") },
    { "verifying", N_ ("Verifying") },
    { "upgrading", N_ ("Upgrading") },
    { "rebooting", N_ ("Rebooting") },
    { "finished", N_ ("Finished") },
    { "failed", N_ ("Failed") },
  };

  for (gsize i = 0; state != NULL && i < G_N_ELEMENTS (names); i++) {
    if (g_str_equal (state, names[i].state))
      return _ (names[i].name);
  }
  return state != NULL && *state != '\0' ? state : _ ("Working");
}

guint
fwctl_display_width (const char *text)
{
  guint width = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);
    if (g_unichar_iszerowidth (c))
      continue;
    width += g_unichar_iswide (c) ? 2 : 1;
  }
  return width;
}

/* Cuts @text to at most @columns, then pads it with spaces to exactly @columns. */
static void
append_fitted (GString *out, const char *text, guint columns)
{
  guint used = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);
    guint w = g_unichar_iszerowidth (c) ? 0 : g_unichar_iswide (c) ? 2 : 1;
    if (used + w > columns)
      break;
    g_string_append_unichar (out, c);
    used += w;
  }
  for (; used < columns; used++)
    g_string_append_c (out, ' ');
}

char *
fwctl_progress_format_bar (const char *step, guint64 done, guint64 total, guint64 bytes_per_second,
                           guint width)
{
  g_autoptr (GString) line = g_string_new (NULL);
  g_autoptr (GString) tail = g_string_new (NULL);
  g_autofree char *done_text = g_format_size (done);
  guint percent = total > 0 ? (guint)(MIN (done, total) * 100 / total) : 0;
  guint head_width, bar_width, filled;

  if (total > 0) {
    g_autofree char *total_text = g_format_size (total);
    g_string_printf (tail, " %3u%% %s / %s", percent, done_text, total_text);
  } else {
    g_string_printf (tail, " %s", done_text);
  }
  if (bytes_per_second > 0) {
    g_autofree char *rate = g_format_size (bytes_per_second);
    /* TRANSLATORS: a transfer rate, e.g. "12.3 kB/s" */
    g_string_append_printf (tail, _ (" %s/s"), rate);
  }

  /* "Step [#####.....] tail": the bar takes what the text leaves, at least 10 columns. */
  head_width = fwctl_display_width (step) + 1;
  if (head_width + fwctl_display_width (tail->str) + 12 > width) {
    g_autofree char *all = g_strconcat (step, tail->str, NULL);
    append_fitted (line, all, width);
    return g_string_free (g_steal_pointer (&line), FALSE);
  }
  bar_width = width - head_width - fwctl_display_width (tail->str) - 2;
  g_string_append (line, step);
  g_string_append (line, " [");
  /* Only whole cells are filled: the bar is full at 100 % and never before. */
  filled = total > 0 ? (guint)(MIN (done, total) * (guint64)bar_width / total) : 0;
  for (guint i = 0; i < bar_width; i++)
    g_string_append_c (line, i < filled ? '#' : '.');
  g_string_append_c (line, ']');
  g_string_append (line, tail->str);
  return g_string_free (g_steal_pointer (&line), FALSE);
}

const char *
fwctl_progress_status_name (FwctlEventKind kind, guint status)
{
  switch (status) {
    case 1:
      return kind == FWCTL_EVENT_UPGRADE ? "upgrading" : "loading";
    case 2:
      return kind == FWCTL_EVENT_UPGRADE ? "success" : "done";
    case 3:
      return "failed";
    default:
      return "unknown";
  }
}

static char *
feed_json (FwctlProgress *self, const FwctlEvent *event)
{
  g_autoptr (FwctlJson) json = fwctl_json_new ();

  fwctl_json_begin_object (json);
  fwctl_json_member_string (json, "event",
                            event->kind == FWCTL_EVENT_STATE      ? "state"
                            : event->kind == FWCTL_EVENT_DOWNLOAD ? "progress"
                                                                  : "upgrade");
  if (self->module != NULL)
    fwctl_json_member_string (json, "module", self->module);
  fwctl_json_member_string (json, "state", self->step != NULL ? self->step : "");
  if (event->kind != FWCTL_EVENT_STATE)
    fwctl_json_member_string (json, "status",
                              fwctl_progress_status_name (event->kind, event->status));
  if (event->kind == FWCTL_EVENT_DOWNLOAD) {
    fwctl_json_member_uint (json, "total", event->total);
    fwctl_json_member_uint (json, "done", event->done);
  } else if (event->kind == FWCTL_EVENT_UPGRADE) {
    fwctl_json_member_uint (json, "percent", event->percent);
  }
  fwctl_json_end_object (json);
  return g_strconcat (fwctl_json_get (json), "\n", NULL);
}

/* The percent an event stands at, or -1 when it has none. */
static gint
event_percent (const FwctlEvent *event)
{
  if (event->kind == FWCTL_EVENT_UPGRADE)
    return (gint)MIN (event->percent, 100);
  if (event->kind == FWCTL_EVENT_DOWNLOAD && event->total > 0)
    return (gint)(MIN (event->done, event->total) * 100 / event->total);
  return -1;
}

static char *
feed_lines (FwctlProgress *self, const FwctlEvent *event)
{
  const char *step = fwctl_progress_step_name (self->step);
  gint percent = event_percent (event);

  if (event->kind == FWCTL_EVENT_STATE)
    return g_strdup_printf ("%s\n", step);
  if (event->status == 3 && self->last_status != 3) {
    self->last_status = 3;
    return g_strdup_printf (_ ("%s: failed\n"), step);
  }
  if (event->status != 1 && event->status != 2)
    return NULL;
  /* The first event of a step, then whenever a new tenth is reached; 100 % counts once. */
  if (percent < 0) {
    if (self->last_tenth >= 0 && event->status == self->last_status)
      return NULL;
    self->last_tenth = 0;
    self->last_status = event->status;
    if (event->kind == FWCTL_EVENT_DOWNLOAD) {
      g_autofree char *done = g_format_size (event->done);
      return g_strdup_printf (_ ("%s: %s\n"), step, done);
    }
    return g_strdup_printf ("%s\n", step);
  }
  if (percent / 10 <= self->last_tenth)
    return NULL;
  self->last_tenth = percent / 10;
  self->last_status = event->status;
  if (event->kind == FWCTL_EVENT_DOWNLOAD) {
    g_autofree char *done = g_format_size (event->done);
    g_autofree char *total = g_format_size (event->total);
    /* TRANSLATORS: step, percent, bytes so far, bytes in all: "Writing: 40 % (1.2 MB of 3.0 MB)" */
    return g_strdup_printf (_ ("%s: %d %% (%s of %s)\n"), step, percent, done, total);
  }
  return g_strdup_printf (_ ("%s: %d %%\n"), step, percent);
}

static char *
feed_bar (FwctlProgress *self, const FwctlEvent *event, gint64 now_us)
{
  const char *step = fwctl_progress_step_name (self->step);
  g_autofree char *bar = NULL;
  const char *newline = self->bar_drawn ? "\n" : "";
  guint64 rate = 0;

  if (event->kind == FWCTL_EVENT_STATE) {
    self->bar_drawn = TRUE;
    bar = g_strdup_printf ("%s…", step);
    g_autoptr (GString) text = g_string_new (newline);
    g_string_append_c (text, '\r');
    append_fitted (text, bar, self->width - 1);
    return g_string_free (g_steal_pointer (&text), FALSE);
  }
  if (event->kind == FWCTL_EVENT_DOWNLOAD) {
    if (self->step_start_us < 0) {
      self->step_start_us = now_us;
      self->step_start_done = event->done;
    } else if (now_us - self->step_start_us >= G_USEC_PER_SEC
               && event->done > self->step_start_done) {
      /* After a second: the first bursts (buffers filling) would show absurd rates. */
      rate = (event->done - self->step_start_done) * G_USEC_PER_SEC
             / (guint64)(now_us - self->step_start_us);
    }
    bar = fwctl_progress_format_bar (step, event->done, event->total, rate, self->width - 1);
  } else {
    bar = fwctl_progress_format_bar (step, event->percent, 100, 0, self->width - 1);
  }
  self->bar_drawn = TRUE;
  return g_strconcat ("\r", bar, NULL);
}

char *
fwctl_progress_feed (FwctlProgress *self, const FwctlEvent *event, gint64 now_us)
{
  if (event->kind == FWCTL_EVENT_STATE) {
    if (g_strcmp0 (event->state, self->step) == 0)
      return NULL;
    fwctl_progress_set_step (self, event->state);
  }
  switch (self->output) {
    case FWCTL_OUTPUT_JSON:
      return feed_json (self, event);
    case FWCTL_OUTPUT_LINES:
      return feed_lines (self, event);
    case FWCTL_OUTPUT_TTY:
      return feed_bar (self, event, now_us);
    case FWCTL_OUTPUT_QUIET:
    default:
      return NULL;
  }
}

char *
fwctl_progress_finish (FwctlProgress *self)
{
  if (self->output != FWCTL_OUTPUT_TTY || !self->bar_drawn)
    return NULL;
  self->bar_drawn = FALSE;
  return g_strdup ("\n");
}
