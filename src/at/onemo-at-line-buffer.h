/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * OnemoAtLineBuffer:
 *
 * Splits the bytes a module sends into lines. Pure: no I/O, so it is unit-tested and fuzzed.
 *
 * - A line ends at CR, LF or CRLF (also LFCR); empty lines are not reported.
 * - NUL bytes are dropped (line noise); lines are valid UTF-8: a byte that is not part of a
 *   valid sequence becomes the four characters "\xNN" (so that a line can become a D-Bus
 *   string or an error's text as it is); other bytes are kept as they are.
 * - A line longer than the buffer's limit is not reported: its bytes are discarded up to the
 *   next line end and the overflow is reported once, so the buffer never grows past its limit.
 * - A transparent-mode prompt (`>` alone at the start of a line, an optional space after it)
 *   is reported as soon as it arrives, without a line end, while prompt detection is on.
 */
typedef struct _OnemoAtLineBuffer OnemoAtLineBuffer;

typedef enum {
  ONEMO_AT_LINE_NONE,     /* nothing complete yet: feed more bytes */
  ONEMO_AT_LINE_LINE,     /* *out_line holds a complete line, without its ending */
  ONEMO_AT_LINE_PROMPT,   /* the `>` prompt arrived */
  ONEMO_AT_LINE_OVERFLOW, /* a line was longer than the limit and has been discarded */
} OnemoAtLineKind;

#define ONEMO_AT_LINE_MAX_DEFAULT 4096

OnemoAtLineBuffer *onemo_at_line_buffer_new (gsize max_line_length);
void onemo_at_line_buffer_free (OnemoAtLineBuffer *self);

/* Appends @len bytes. Never fails; bytes past the limit are discarded as described above. */
void onemo_at_line_buffer_feed (OnemoAtLineBuffer *self, const guint8 *data, gsize len);

/* Takes the next event out of the buffer. For ONEMO_AT_LINE_LINE, *out_line is a new string
 * (free it); otherwise *out_line is set to NULL. Call until it returns ONEMO_AT_LINE_NONE. */
OnemoAtLineKind onemo_at_line_buffer_next (OnemoAtLineBuffer *self, char **out_line);

/* While on, a `>` that starts a line is reported as ONEMO_AT_LINE_PROMPT at once. */
void onemo_at_line_buffer_set_prompt_detection (OnemoAtLineBuffer *self, gboolean enabled);

/* Bytes held that are not yet part of a reported line. */
gsize onemo_at_line_buffer_pending (OnemoAtLineBuffer *self);

void onemo_at_line_buffer_clear (OnemoAtLineBuffer *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OnemoAtLineBuffer, onemo_at_line_buffer_free)

G_END_DECLS
