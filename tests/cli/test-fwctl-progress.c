/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Progress text for a terminal, a pipe and --json, fed with events and a fake clock. */
#include "fwctl-progress.h"

#include <gio/gio.h>

/* g_format_size() keeps a number and its unit together with a no-break space. */
#define NBSP "\xc2\xa0"

static FwctlEvent
download_event (guint status, guint64 total, guint64 done)
{
  return (
      FwctlEvent){ .kind = FWCTL_EVENT_DOWNLOAD, .status = status, .total = total, .done = done };
}

static FwctlEvent
state_event (const char *state)
{
  return (FwctlEvent){ .kind = FWCTL_EVENT_STATE, .state = state };
}

static void
test_bar_format (void)
{
  for (guint width = 60; width <= 130; width += 7) {
    g_autofree char *bar
        = fwctl_progress_format_bar ("Writing", 512 * 1024, 1024 * 1024, 64 * 1000, width);
    g_assert_cmpuint (fwctl_display_width (bar), ==, width);
    g_assert_true (g_str_has_prefix (bar, "Writing ["));
    g_assert_nonnull (strstr (bar, " 50% "));
    g_assert_nonnull (strstr (bar, "524.3" NBSP "kB / 1.0" NBSP "MB"));
    g_assert_nonnull (strstr (bar, "64.0" NBSP "kB/s"));
    /* Half the bar is filled. */
    {
      const char *open = strchr (bar, '[');
      const char *close = strchr (bar, ']');
      gsize inside = (gsize)(close - open - 1);
      gsize filled = 0;
      for (const char *p = open + 1; p < close; p++)
        filled += *p == '#';
      g_assert_cmpuint (filled, ==, inside / 2);
    }
  }
}

static void
test_bar_edges (void)
{
  g_autofree char *empty = fwctl_progress_format_bar ("Writing", 0, 100, 0, 60);
  g_autofree char *full = fwctl_progress_format_bar ("Writing", 100, 100, 0, 60);
  g_autofree char *over = fwctl_progress_format_bar ("Writing", 150, 100, 0, 60);
  g_autofree char *unknown = fwctl_progress_format_bar ("Downloading", 4096, 0, 0, 60);
  g_autofree char *narrow = fwctl_progress_format_bar ("Writing", 1, 2, 0, 20);
  g_autofree char *wide = fwctl_progress_format_bar ("正在写入", 1, 2, 0, 50);

  g_assert_null (strchr (empty, '#'));
  g_assert_nonnull (strstr (empty, "  0%"));
  g_assert_null (strchr (full, '.'));
  g_assert_nonnull (strstr (full, "100%"));
  g_assert_nonnull (strstr (over, "100%"));
  g_assert_null (strchr (unknown, '#'));
  g_assert_null (strchr (unknown, '%'));
  g_assert_nonnull (strstr (unknown, "4.1" NBSP "kB"));
  g_assert_cmpuint (fwctl_display_width (unknown), ==, 60);
  /* Too narrow for a bar: the text, cut to the width. */
  g_assert_cmpuint (fwctl_display_width (narrow), ==, 20);
  g_assert_null (strchr (narrow, '['));
  /* Chinese characters take two columns each. */
  g_assert_cmpuint (fwctl_display_width ("正在写入"), ==, 8);
  g_assert_cmpuint (fwctl_display_width (wide), ==, 50);
}

/* A write of 1 MB reported at every 1 %: one line per tenth, never more. */
static void
test_lines (void)
{
  g_autoptr (FwctlProgress) progress = fwctl_progress_new (FWCTL_OUTPUT_LINES, 80);
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  FwctlEvent state = state_event ("writing");
  FwctlEvent repeated = state_event ("writing");
  const guint64 total = 1000 * 1000;
  char *text;

  fwctl_progress_set_step (progress, "idle");
  g_ptr_array_add (lines, fwctl_progress_feed (progress, &state, 0));
  g_assert_null (fwctl_progress_feed (progress, &repeated, 0));
  for (guint percent = 1; percent <= 100; percent++) {
    FwctlEvent event = download_event (percent < 100 ? 1 : 2, total, total * percent / 100);
    text = fwctl_progress_feed (progress, &event, percent * G_USEC_PER_SEC);
    if (text != NULL)
      g_ptr_array_add (lines, text);
  }
  /* "Writing", the first event, then 10 %, 20 %, … 100 %. */
  g_assert_cmpuint (lines->len, ==, 12);
  g_assert_cmpstr (lines->pdata[0], ==, "Writing\n");
  g_assert_cmpstr (lines->pdata[1], ==, "Writing: 1 % (10.0" NBSP "kB of 1.0" NBSP "MB)\n");
  g_assert_cmpstr (lines->pdata[2], ==, "Writing: 10 % (100.0" NBSP "kB of 1.0" NBSP "MB)\n");
  g_assert_cmpstr (lines->pdata[11], ==, "Writing: 100 % (1.0" NBSP "MB of 1.0" NBSP "MB)\n");
  for (guint i = 1; i < lines->len; i++)
    g_assert_true (g_str_has_suffix (lines->pdata[i], "\n"));
  g_assert_null (fwctl_progress_finish (progress));
}

/* A new step starts its tenths again; failure is said once; upgrades count percent. */
static void
test_lines_steps (void)
{
  g_autoptr (FwctlProgress) progress = fwctl_progress_new (FWCTL_OUTPUT_LINES, 80);
  FwctlEvent writing = state_event ("writing");
  FwctlEvent upgrading = state_event ("upgrading");
  FwctlEvent half = download_event (1, 100, 55);
  FwctlEvent failed = download_event (3, 100, 56);
  FwctlEvent up_0 = { .kind = FWCTL_EVENT_UPGRADE, .status = 1, .percent = 0 };
  FwctlEvent up_5 = { .kind = FWCTL_EVENT_UPGRADE, .status = 1, .percent = 5 };
  FwctlEvent up_40 = { .kind = FWCTL_EVENT_UPGRADE, .status = 1, .percent = 40 };
  FwctlEvent unknown_total = download_event (1, 0, 4096);
  FwctlEvent unknown_more = download_event (1, 0, 8192);
  g_autofree char *a = fwctl_progress_feed (progress, &writing, 0);
  g_autofree char *b = fwctl_progress_feed (progress, &half, 0);
  g_autofree char *c = fwctl_progress_feed (progress, &failed, 0);
  g_autofree char *d = fwctl_progress_feed (progress, &failed, 0);
  g_autofree char *e = fwctl_progress_feed (progress, &upgrading, 0);
  g_autofree char *f = fwctl_progress_feed (progress, &up_0, 0);
  g_autofree char *g = fwctl_progress_feed (progress, &up_5, 0);
  g_autofree char *h = fwctl_progress_feed (progress, &up_40, 0);
  g_autofree char *i = NULL;
  g_autofree char *j = NULL;

  g_assert_cmpstr (a, ==, "Writing\n");
  g_assert_cmpstr (b, ==, "Writing: 55 % (55 bytes of 100 bytes)\n");
  g_assert_cmpstr (c, ==, "Writing: failed\n");
  g_assert_null (d);
  g_assert_cmpstr (e, ==, "Upgrading\n");
  g_assert_cmpstr (f, ==, "Upgrading: 0 %\n");
  g_assert_null (g);
  g_assert_cmpstr (h, ==, "Upgrading: 40 %\n");

  /* Without a total: the first event of the step only. */
  fwctl_progress_set_step (progress, "downloading");
  i = fwctl_progress_feed (progress, &unknown_total, 0);
  j = fwctl_progress_feed (progress, &unknown_more, 0);
  g_assert_cmpstr (i, ==, "Downloading: 4.1" NBSP "kB\n");
  g_assert_null (j);
}

static void
test_json (void)
{
  g_autoptr (FwctlProgress) progress = fwctl_progress_new (FWCTL_OUTPUT_JSON, 80);
  FwctlEvent writing = state_event ("writing");
  FwctlEvent step = download_event (1, 1000, 10);
  FwctlEvent next = download_event (1, 1000, 11);
  FwctlEvent upgrade = { .kind = FWCTL_EVENT_UPGRADE, .status = 2, .percent = 100 };
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  g_autofree char *d = NULL;

  fwctl_progress_set_module (progress, "/org/onemo/Firmware/Module/1");
  a = fwctl_progress_feed (progress, &writing, 0);
  b = fwctl_progress_feed (progress, &step, 0);
  /* Every event, not every tenth: scripts decide what to keep. */
  c = fwctl_progress_feed (progress, &next, 0);
  d = fwctl_progress_feed (progress, &upgrade, 0);
  g_assert_cmpstr (a, ==,
                   "{\"event\":\"state\",\"module\":\"/org/onemo/Firmware/Module/1\","
                   "\"state\":\"writing\"}\n");
  g_assert_cmpstr (b, ==,
                   "{\"event\":\"progress\",\"module\":\"/org/onemo/Firmware/Module/1\","
                   "\"state\":\"writing\",\"status\":\"loading\",\"total\":1000,\"done\":10}\n");
  g_assert_nonnull (c);
  g_assert_cmpstr (d, ==,
                   "{\"event\":\"upgrade\",\"module\":\"/org/onemo/Firmware/Module/1\","
                   "\"state\":\"writing\",\"status\":\"success\",\"percent\":100}\n");
  g_assert_null (fwctl_progress_finish (progress));
}

static void
test_tty (void)
{
  g_autoptr (FwctlProgress) progress = fwctl_progress_new (FWCTL_OUTPUT_TTY, 70);
  FwctlEvent writing = state_event ("writing");
  FwctlEvent first = download_event (1, 1000000, 0);
  FwctlEvent early = download_event (1, 1000000, 400000);
  FwctlEvent later = download_event (1, 1000000, 500000);
  g_autofree char *a = fwctl_progress_feed (progress, &writing, 0);
  g_autofree char *b = fwctl_progress_feed (progress, &first, 1 * G_USEC_PER_SEC);
  /* Half a second in: too early for a rate. */
  g_autofree char *b2 = fwctl_progress_feed (progress, &early, 3 * G_USEC_PER_SEC / 2);
  g_autofree char *c = fwctl_progress_feed (progress, &later, 3 * G_USEC_PER_SEC);
  g_autofree char *end = fwctl_progress_finish (progress);

  /* Redrawn in place, one column short of the edge so the terminal never wraps. */
  g_assert_true (g_str_has_prefix (a, "\rWriting…"));
  g_assert_cmpuint (fwctl_display_width (a + 1), ==, 69);
  g_assert_true (g_str_has_prefix (b, "\rWriting ["));
  g_assert_null (strchr (b, '\n'));
  g_assert_null (strstr (b, "/s"));
  g_assert_nonnull (strstr (b2, " 40% "));
  g_assert_null (strstr (b2, "/s"));
  g_assert_nonnull (strstr (c, " 50% "));
  g_assert_nonnull (strstr (c, "250.0" NBSP "kB/s"));
  g_assert_cmpuint (fwctl_display_width (c + 1), ==, 69);
  g_assert_cmpstr (end, ==, "\n");
}

static void
test_tty_new_step_keeps_old_bar (void)
{
  g_autoptr (FwctlProgress) progress = fwctl_progress_new (FWCTL_OUTPUT_TTY, 60);
  FwctlEvent writing = state_event ("writing");
  FwctlEvent done = download_event (2, 10, 10);
  FwctlEvent verifying = state_event ("verifying");
  g_autofree char *a = fwctl_progress_feed (progress, &writing, 0);
  g_autofree char *b = fwctl_progress_feed (progress, &done, 0);
  g_autofree char *c = fwctl_progress_feed (progress, &verifying, 0);

  g_assert_true (g_str_has_prefix (c, "\n\rVerifying…"));
}

static void
test_quiet (void)
{
  g_autoptr (FwctlProgress) progress = fwctl_progress_new (FWCTL_OUTPUT_QUIET, 80);
  FwctlEvent writing = state_event ("writing");
  FwctlEvent event = download_event (1, 100, 50);

  g_assert_null (fwctl_progress_feed (progress, &writing, 0));
  g_assert_null (fwctl_progress_feed (progress, &event, 0));
  g_assert_null (fwctl_progress_finish (progress));
}

static void
test_step_names (void)
{
  g_assert_cmpstr (fwctl_progress_step_name ("writing"), ==, "Writing");
  g_assert_cmpstr (fwctl_progress_step_name ("rebooting"), ==, "Rebooting");
  /* A state this client does not know yet is shown as it is. */
  g_assert_cmpstr (fwctl_progress_step_name ("newstate"), ==, "newstate");
  g_assert_cmpstr (fwctl_progress_step_name (NULL), ==, "Working");
  g_assert_cmpstr (fwctl_progress_status_name (FWCTL_EVENT_DOWNLOAD, 3), ==, "failed");
  g_assert_cmpstr (fwctl_progress_status_name (FWCTL_EVENT_UPGRADE, 2), ==, "success");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fwctl/progress/bar-format", test_bar_format);
  g_test_add_func ("/fwctl/progress/bar-edges", test_bar_edges);
  g_test_add_func ("/fwctl/progress/lines", test_lines);
  g_test_add_func ("/fwctl/progress/lines-steps", test_lines_steps);
  g_test_add_func ("/fwctl/progress/json", test_json);
  g_test_add_func ("/fwctl/progress/tty", test_tty);
  g_test_add_func ("/fwctl/progress/tty-new-step", test_tty_new_step_keeps_old_bar);
  g_test_add_func ("/fwctl/progress/quiet", test_quiet);
  g_test_add_func ("/fwctl/progress/step-names", test_step_names);
  return g_test_run ();
}
