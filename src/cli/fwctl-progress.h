/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How progress is shown: a bar on a terminal, plain lines in a pipe, JSON lines, or nothing. */
typedef enum {
  FWCTL_OUTPUT_TTY,
  FWCTL_OUTPUT_LINES,
  FWCTL_OUTPUT_JSON,
  FWCTL_OUTPUT_QUIET,
} FwctlOutput;

typedef enum {
  FWCTL_EVENT_STATE,    /* the module's State property changed */
  FWCTL_EVENT_DOWNLOAD, /* DownloadProgress(state, total, done) */
  FWCTL_EVENT_UPGRADE,  /* UpgradeProgress(state, percent) */
} FwctlEventKind;

typedef struct {
  FwctlEventKind kind;
  const char *state; /* FWCTL_EVENT_STATE: "writing", "upgrading", … */
  guint status;      /* DOWNLOAD, UPGRADE: 1 running, 2 done, 3 failed */
  guint64 total;     /* DOWNLOAD: 0 when unknown */
  guint64 done;      /* DOWNLOAD */
  guint percent;     /* UPGRADE */
} FwctlEvent;

typedef struct _FwctlProgress FwctlProgress;

/* @width: the terminal's columns (FWCTL_OUTPUT_TTY only). */
FwctlProgress *fwctl_progress_new (FwctlOutput output, guint width);
void fwctl_progress_free (FwctlProgress *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FwctlProgress, fwctl_progress_free)

/* JSON lines name the module they are about ("module": its object path). */
void fwctl_progress_set_module (FwctlProgress *self, const char *object_path);

/* The step before any State change arrives. */
void fwctl_progress_set_step (FwctlProgress *self, const char *state);

/*
 * The text to write for @event at monotonic time @now_us, or NULL to write nothing. A bar is
 * redrawn in place with "\r"; lines come one per step change and at most one per 10 %; JSON is
 * one object per line.
 */
char *fwctl_progress_feed (FwctlProgress *self, const FwctlEvent *event, gint64 now_us);

/* What ends the display (the bar's last newline), or NULL. */
char *fwctl_progress_finish (FwctlProgress *self);

/* The translated name of a State value for people, e.g. "writing" → "Writing". */
const char *fwctl_progress_step_name (const char *state);

/* One bar line of exactly @width columns (wider text is cut), without "\r". */
char *fwctl_progress_format_bar (const char *step, guint64 done, guint64 total,
                                 guint64 bytes_per_second, guint width);

/* The JSON name of a signal's state: "loading", "done", "failed"; "upgrading", "success". */
const char *fwctl_progress_status_name (FwctlEventKind kind, guint status);

/* Columns @text takes on a terminal (wide CJK characters count two). */
guint fwctl_display_width (const char *text);

G_END_DECLS
