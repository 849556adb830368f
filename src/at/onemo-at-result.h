/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  ONEMO_AT_RESULT_NOT_FINAL, /* an information line, a URC or an echo: not the end */
  ONEMO_AT_RESULT_OK,        /* OK (also the manual's "Ok") */
  ONEMO_AT_RESULT_ERROR,     /* ERROR, +CME ERROR, +CMS ERROR, +CIS ERROR */
} OnemoAtResult;

/**
 * onemo_at_result_classify:
 * @line: one complete line, without its ending
 * @error: set, for ONEMO_AT_RESULT_ERROR only, to an ONEMO_ERROR: 850–857 (numeric or their
 *   verbose AT+CMEE=2 texts) get their own codes, anything else is ONEMO_ERROR_MODULE with the
 *   module's text in the message
 *
 * Pure: tells whether @line is a final result code.
 */
OnemoAtResult onemo_at_result_classify (const char *line, GError **error);

G_END_DECLS
