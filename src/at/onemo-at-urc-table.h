/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Which lines answer a command and which are unsolicited: the AT vocabulary of URCs, pure (no
 * port, no I/O), so that it is unit-tested and fuzzed on its own.
 *
 * Real modules on a live network send unsolicited result codes (+CEREG, +CSCON, +CGEV, RDY,
 * ^MODE …) at any moment, also between a command's echo, its information lines and its final
 * result. A line is taken as a command's answer only when the command's shape allows it:
 *
 * - A set, read or test form of an extended command (AT+MFWCFG="url", AT+MFWDLOAD?,
 *   AT+MFWCHECK=2, AT+MFWCFG=?) is answered by lines that start with its own prefix
 *   ("+MFWCFG:") and nothing else.
 * - An execute form (ATI, AT+CGMM, AT+CGSN, AT) is answered by bare lines ("CMCC",
 *   "869487060000001") and by lines with its own prefix ("+CGSN: 8694…"); a line that looks
 *   unsolicited ("+NAME: …", "+NAME", "^…" or a known URC word such as RDY) is not its answer.
 * - Commands that report by URC (AT+MFWDLOAD, AT+MFWUPGRADE executed) take no line of their
 *   own name as their answer: "+MFWDLOAD: 1,…" after AT+MFWDLOAD is a progress report.
 */

typedef struct {
  char *prefix;            /* "+MFWCFG:", or NULL for a basic command (ATI, ATE0) */
  gboolean prefixed_only;  /* only lines with the prefix answer it */
  gboolean reports_by_urc; /* lines with the prefix are reports, not its answer */
} OnemoAtAnswerShape;

/* Fills @shape for @command (without its line end); clear it with onemo_at_answer_shape_clear(). */
void onemo_at_answer_shape_init (OnemoAtAnswerShape *shape, const char *command);
void onemo_at_answer_shape_clear (OnemoAtAnswerShape *shape);

/* Whether @line, arriving while a command of @shape runs, is that command's answer; if not, it
 * is unsolicited. Final results and echoes are told apart before this is asked. */
gboolean onemo_at_answer_shape_takes (const OnemoAtAnswerShape *shape, const char *line);

/* The name under which the URC table knows @line ("+CEREG", "RDY"), or NULL for a line that is
 * in no table entry. */
const char *onemo_at_urc_known_name (const char *line);

/* Whether @line looks unsolicited: a known URC, "+NAME" with or without ": …", or "^…". */
gboolean onemo_at_urc_looks_unsolicited (const char *line);

G_END_DECLS
