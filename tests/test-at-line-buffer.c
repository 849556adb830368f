/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The line splitter: every way a module's bytes can be cut, ended or spoiled. */
#include "onemo-at-line-buffer.h"

#include <string.h>

/* Feeds @input (@len bytes) in pieces of @piece bytes and returns the events as text:
 * lines as they are, "<PROMPT>", "<OVERFLOW>", joined by "|". */
static char *
split (OnemoAtLineBuffer *buffer, const char *input, gsize len, gsize piece)
{
  g_autoptr (GString) out = g_string_new (NULL);

  for (gsize pos = 0; pos < len; pos += piece) {
    OnemoAtLineKind kind;
    char *line;

    onemo_at_line_buffer_feed (buffer, (const guint8 *)input + pos, MIN (piece, len - pos));
    while ((kind = onemo_at_line_buffer_next (buffer, &line)) != ONEMO_AT_LINE_NONE) {
      if (out->len > 0)
        g_string_append_c (out, '|');
      if (kind == ONEMO_AT_LINE_LINE) {
        g_assert_nonnull (line);
        g_string_append (out, line);
        g_free (line);
      } else {
        g_assert_null (line);
        g_string_append (out, kind == ONEMO_AT_LINE_PROMPT ? "<PROMPT>" : "<OVERFLOW>");
      }
    }
  }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

typedef struct {
  const char *name;
  const char *input;
  gsize len; /* 0: strlen (input) */
  gboolean prompt;
  const char *expected;
} SplitCase;

static const SplitCase split_cases[] = {
  { "crlf", "\r\nOK\r\n", 0, FALSE, "OK" },
  { "cr only", "ATI\rCMCC\rMN316\rOK\r", 0, FALSE, "ATI|CMCC|MN316|OK" },
  { "lf only", "CMCC\nMN316\nOK\n", 0, FALSE, "CMCC|MN316|OK" },
  { "lfcr", "CMCC\n\rOK\n\r", 0, FALSE, "CMCC|OK" },
  { "empty lines", "\r\n\r\n\n\r\r\rOK\r\n\r\n", 0, FALSE, "OK" },
  { "echo then response", "AT+MFWCHECK=0\r\r\n+MFWCHECK: 5156\r\n\r\nOK\r\n", 0, FALSE,
    "AT+MFWCHECK=0|+MFWCHECK: 5156|OK" },
  { "no end yet", "\r\nOK\r\n+MFWDLOAD: 1", 0, FALSE, "OK" },
  { "nul bytes", "\0O\0K\0\r\n\0\0", 9, FALSE, "OK" },
  { "garbage escaped", "\x01\xff\xfe junk\r\nOK\r\n", 0, FALSE, "\x01\\xFF\\xFE junk|OK" },
  { "utf-8 kept", "CMCC \xe5\x9b\xba\xe4\xbb\xb6\r\n", 0, FALSE, "CMCC \xe5\x9b\xba\xe4\xbb\xb6" },
  { "latin-1 escaped", "ML307A-D\xe9\r\n", 0, FALSE, "ML307A-D\\xE9" },
  { "cut sequence escaped",
    "a\xe5\x9b"
    "b\r\n",
    0, FALSE, "a\\xE5\\x9Bb" },
  { "prompt", "AT+MFWDLOAD=0,10\r\r\n> ", 0, TRUE, "AT+MFWDLOAD=0,10|<PROMPT>" },
  { "prompt without space", "\r\n>", 0, TRUE, "<PROMPT>" },
  { "prompt off", "\r\n> \r\n", 0, FALSE, "> " },
  { "gt inside a line", "\r\na>b\r\n", 0, TRUE, "a>b" },
  { "prompt then ok", "\r\n> \r\nOK\r\n", 0, TRUE, "<PROMPT>|OK" },
};

static void
test_split_cases (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (split_cases); i++) {
    const SplitCase *c = &split_cases[i];
    gsize len = c->len != 0 ? c->len : strlen (c->input);

    /* Whole, byte by byte and in threes: the cut must not matter. */
    for (gsize piece = 1; piece <= len; piece = piece == 1 ? 3 : len) {
      g_autoptr (OnemoAtLineBuffer) buffer = onemo_at_line_buffer_new (64);
      g_autofree char *got = NULL;

      onemo_at_line_buffer_set_prompt_detection (buffer, c->prompt);
      got = split (buffer, c->input, len, piece);
      if (g_strcmp0 (got, c->expected) != 0)
        g_error ("case \"%s\", pieces of %" G_GSIZE_FORMAT ": got \"%s\", expected \"%s\"", c->name,
                 piece, got, c->expected);
      if (piece == len)
        break;
    }
  }
}

static void
test_pending (void)
{
  g_autoptr (OnemoAtLineBuffer) buffer = onemo_at_line_buffer_new (64);
  g_autofree char *line = NULL;

  onemo_at_line_buffer_feed (buffer, (const guint8 *)"+MFW", 4);
  g_assert_cmpuint (onemo_at_line_buffer_pending (buffer), ==, 4);
  g_assert_cmpint (onemo_at_line_buffer_next (buffer, &line), ==, ONEMO_AT_LINE_NONE);
  g_assert_null (line);
  onemo_at_line_buffer_feed (buffer, (const guint8 *)"UPGRADE: 2\r", 11);
  g_assert_cmpuint (onemo_at_line_buffer_pending (buffer), ==, 0);
  g_assert_cmpint (onemo_at_line_buffer_next (buffer, &line), ==, ONEMO_AT_LINE_LINE);
  g_assert_cmpstr (line, ==, "+MFWUPGRADE: 2");
  onemo_at_line_buffer_feed (buffer, (const guint8 *)"half", 4);
  onemo_at_line_buffer_clear (buffer);
  g_assert_cmpuint (onemo_at_line_buffer_pending (buffer), ==, 0);
}

static void
test_overflow (void)
{
  g_autoptr (OnemoAtLineBuffer) buffer = onemo_at_line_buffer_new (ONEMO_AT_LINE_MAX_DEFAULT);
  g_autoptr (GString) input = g_string_new ("\r\n");
  g_autofree char *got = NULL;

  /* Exactly the limit is fine; one more is not, and is reported once however it is cut. */
  for (guint i = 0; i < ONEMO_AT_LINE_MAX_DEFAULT; i++)
    g_string_append_c (input, 'a');
  g_string_append (input, "\r\n");
  for (guint i = 0; i < 3 * ONEMO_AT_LINE_MAX_DEFAULT + 1; i++)
    g_string_append_c (input, 'b');
  g_assert_cmpuint (onemo_at_line_buffer_pending (buffer), <=, ONEMO_AT_LINE_MAX_DEFAULT);
  g_string_append (input, "\r\nOK\r\n");

  for (gsize piece = 1; piece <= input->len; piece *= 7) {
    g_autoptr (OnemoAtLineBuffer) b = onemo_at_line_buffer_new (ONEMO_AT_LINE_MAX_DEFAULT);
    g_autofree char *events = split (b, input->str, input->len, piece);
    g_auto (GStrv) parts = g_strsplit (events, "|", -1);

    g_assert_cmpuint (g_strv_length (parts), ==, 3);
    g_assert_cmpuint (strlen (parts[0]), ==, ONEMO_AT_LINE_MAX_DEFAULT);
    g_assert_cmpstr (parts[1], ==, "<OVERFLOW>");
    g_assert_cmpstr (parts[2], ==, "OK");
  }

  /* While discarding, the buffer holds nothing. */
  onemo_at_line_buffer_feed (buffer, (const guint8 *)input->str + 2 + ONEMO_AT_LINE_MAX_DEFAULT + 2,
                             2 * ONEMO_AT_LINE_MAX_DEFAULT);
  g_assert_cmpuint (onemo_at_line_buffer_pending (buffer), ==, 0);
  got = split (buffer, "bbb\r\nOK\r\n", 9, 9);
  g_assert_cmpstr (got, ==, "<OVERFLOW>|OK");
}

/* A long stream of lines fed in big reads: linear work, every line back in order. */
static void
test_many_lines (void)
{
  g_autoptr (OnemoAtLineBuffer) buffer = onemo_at_line_buffer_new (ONEMO_AT_LINE_MAX_DEFAULT);
  g_autoptr (GString) input = g_string_new (NULL);
  guint expected = 0;
  OnemoAtLineKind kind;
  char *line;

  for (guint i = 0; i < 20000; i++)
    g_string_append_printf (input, "+MFWDLOAD: 1,20000,%u\r\n", i);
  for (gsize pos = 0; pos < input->len; pos += 16384) {
    onemo_at_line_buffer_feed (buffer, (const guint8 *)input->str + pos,
                               MIN (16384, input->len - pos));
    while ((kind = onemo_at_line_buffer_next (buffer, &line)) == ONEMO_AT_LINE_LINE) {
      g_autofree char *want = g_strdup_printf ("+MFWDLOAD: 1,20000,%u", expected++);
      g_assert_cmpstr (line, ==, want);
      g_free (line);
    }
    g_assert_cmpint (kind, ==, ONEMO_AT_LINE_NONE);
  }
  g_assert_cmpuint (expected, ==, 20000);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/at/line-buffer/split", test_split_cases);
  g_test_add_func ("/at/line-buffer/pending", test_pending);
  g_test_add_func ("/at/line-buffer/overflow", test_overflow);
  g_test_add_func ("/at/line-buffer/many-lines", test_many_lines);
  return g_test_run ();
}
