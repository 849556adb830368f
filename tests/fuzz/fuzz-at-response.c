/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a module sends, fuzzed: the bytes go through the line splitter in pieces of varying
 * sizes, and every line through the final-result classifier and every response parser. Besides
 * the sanitizers, the parsers' promises are checked: a success fills sane values, a failure
 * names ONEMO_ERROR_PROTOCOL.
 */
#include "onemo-at-line-buffer.h"
#include "onemo-at-parsers.h"
#include "onemo-at-result.h"
#include "onemo-error.h"
#include "fuzz-require.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* ATI gets the last lines seen, as a port would collect them. */
#define ATI_WINDOW 5

/* A failure must be a protocol error and nothing else. */
static void
require_protocol_error (gboolean ok, GError **error)
{
  if (!ok)
    require (g_error_matches (*error, ONEMO_ERROR, ONEMO_ERROR_PROTOCOL));
  else
    require (*error == NULL);
  g_clear_error (error);
}

static void
fuzz_mfw_parsers (const char *line)
{
  GError *error = NULL;
  OnemoMfwCfg cfg = { 0 };
  OnemoMfwDload dload;
  OnemoMfwUpgrade upgrade;
  char *checksum = NULL;
  gboolean ok;

  ok = onemo_at_parse_mfwcfg (line, &cfg, &error);
  require (!ok || onemo_cfg_key_to_string (cfg.key) != NULL);
  require_protocol_error (ok, &error);
  onemo_mfwcfg_clear (&cfg);

  ok = onemo_at_parse_mfwdload (line, &dload, &error);
  require (!ok || dload.state <= ONEMO_DLOAD_FAILED);
  require (!ok || !dload.has_total || dload.length <= dload.total);
  require_protocol_error (ok, &error);

  ok = onemo_at_parse_mfwupgrade (line, &upgrade, &error);
  require (!ok
           || (upgrade.state >= ONEMO_UPGRADE_UPGRADING && upgrade.state <= ONEMO_UPGRADE_FAILED));
  require (!ok || upgrade.percent <= 100);
  require_protocol_error (ok, &error);

  ok = onemo_at_parse_mfwcheck (line, &checksum, &error);
  if (ok) {
    gsize len = strlen (checksum);
    require (len == 32 || len == 40 || len == 64);
    for (gsize i = 0; i < len; i++)
      require (g_ascii_isdigit (checksum[i]) || (checksum[i] >= 'A' && checksum[i] <= 'F'));
  }
  require_protocol_error (ok, &error);
  g_free (checksum);
}

static void
fuzz_identity_parsers (const char *line)
{
  gboolean (*const parsers[]) (const char *, char **, GError **) = {
    onemo_at_parse_cgmi,
    onemo_at_parse_cgmm,
    onemo_at_parse_cgmr,
    onemo_at_parse_cgsn,
  };

  for (guint i = 0; i < G_N_ELEMENTS (parsers); i++) {
    GError *error = NULL;
    char *value = NULL;
    gboolean ok = parsers[i](line, &value, &error);

    require (!ok || (value != NULL && value[0] != '\0'));
    require_protocol_error (ok, &error);
    g_free (value);
  }
}

static void
fuzz_test_forms (const char *line)
{
  static const char *const prefixes[] = { "+MFWCFG", "+MFWDLOAD", "+MFWCHECK", "+MFWUPGRADE" };

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++) {
    GError *error = NULL;
    GPtrArray *groups = NULL;
    gboolean ok = onemo_at_parse_test_response (line, prefixes[i], &groups, &error);

    require (ok == (groups != NULL));
    require_protocol_error (ok, &error);
    if (groups != NULL)
      g_ptr_array_unref (groups);
  }
}

static void
fuzz_line (const char *line)
{
  GError *error = NULL;
  OnemoAtResult result;

  /* The splitter's promise: no line ending and no NUL inside a line, never an empty line. */
  require (line[0] != '\0');
  require (strpbrk (line, "\r\n") == NULL);

  result = onemo_at_result_classify (line, &error);
  require ((result == ONEMO_AT_RESULT_ERROR) == (error != NULL));
  require (error == NULL || error->domain == ONEMO_ERROR);
  g_clear_error (&error);

  fuzz_mfw_parsers (line);
  fuzz_identity_parsers (line);
  fuzz_test_forms (line);
}

static void
fuzz_ati (GPtrArray *window)
{
  OnemoIdentity identity = { 0 };
  GError *error = NULL;
  gboolean ok;

  g_ptr_array_add (window, NULL);
  ok = onemo_at_parse_ati ((const char *const *)window->pdata, &identity, &error);
  g_ptr_array_remove_index (window, window->len - 1);
  require (
      !ok
      || (identity.manufacturer != NULL && identity.model != NULL && identity.revision != NULL));
  require_protocol_error (ok, &error);
  onemo_identity_clear (&identity);
}

static void
drain (OnemoAtLineBuffer *buffer, GPtrArray *window)
{
  OnemoAtLineKind kind;
  char *line;

  while ((kind = onemo_at_line_buffer_next (buffer, &line)) != ONEMO_AT_LINE_NONE) {
    if (kind != ONEMO_AT_LINE_LINE) {
      require (line == NULL);
      continue;
    }
    require (line != NULL);
    fuzz_line (line);
    if (window->len == ATI_WINDOW)
      g_ptr_array_remove_index (window, 0);
    g_ptr_array_add (window, line);
    fuzz_ati (window);
  }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  OnemoAtLineBuffer *buffer;
  GPtrArray *window;
  gsize max_line;
  guint8 control;
  gsize offset = 1;

  if (size < 1)
    return 0;
  /* The first byte chooses the buffer's limit (small ones reach the overflow path) and whether
   * prompts are detected. */
  control = data[0];
  max_line = (control & 0x40) != 0 ? ONEMO_AT_LINE_MAX_DEFAULT : 1 + (control & 0x3f) * 4;
  buffer = onemo_at_line_buffer_new (max_line);
  onemo_at_line_buffer_set_prompt_detection (buffer, (control & 0x80) != 0);
  window = g_ptr_array_new_with_free_func (g_free);

  /* Each piece's first byte decides its length, so the splits vary with the input. */
  while (offset < size) {
    gsize piece = 1 + data[offset] % 37;
    if (piece > size - offset)
      piece = size - offset;
    onemo_at_line_buffer_feed (buffer, data + offset, piece);
    require (onemo_at_line_buffer_pending (buffer) <= max_line);
    drain (buffer, window);
    offset += piece;
  }
  /* A last line without its ending, as a module that hangs up mid-line leaves it. */
  onemo_at_line_buffer_feed (buffer, (const guint8 *)"\r\n", 2);
  drain (buffer, window);

  g_ptr_array_unref (window);
  onemo_at_line_buffer_free (buffer);
  return 0;
}
