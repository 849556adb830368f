/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The daemon <-> fetch helper framing (src/common/onemo-fetch-wire.h): frames come out whole
 * however the stream is cut, and anything that is not framing is refused. */
#include "onemo-error.h"
#include "onemo-fetch-wire.h"

#include <string.h>

static void
append_frame (GByteArray *stream, OnemoFetchFrame type, const void *payload, guint32 length)
{
  guint8 header[ONEMO_FETCH_WIRE_HEADER];

  onemo_fetch_wire_header (header, type, length);
  g_byte_array_append (stream, header, sizeof header);
  g_byte_array_append (stream, payload, length);
}

/* SIZE, DATA, DATA, END fed in pieces of @step bytes: the same frames every time. */
static void
test_cut_anywhere (void)
{
  static const guint8 size[8] = { 0, 0, 0, 0, 0, 1, 0, 2 };
  g_autoptr (GByteArray) stream = g_byte_array_new ();
  g_autofree guint8 *big = g_malloc (ONEMO_FETCH_WIRE_MAX_DATA);

  memset (big, 0xa5, ONEMO_FETCH_WIRE_MAX_DATA);
  append_frame (stream, ONEMO_FETCH_FRAME_SIZE, size, 8);
  append_frame (stream, ONEMO_FETCH_FRAME_DATA, "abc", 3);
  append_frame (stream, ONEMO_FETCH_FRAME_DATA, big, ONEMO_FETCH_WIRE_MAX_DATA);
  append_frame (stream, ONEMO_FETCH_FRAME_END, NULL, 0);
  g_assert_cmpuint (stream->data[0], ==, 'S');
  g_assert_cmpuint (stream->data[4], ==, 8); /* big-endian length */

  for (gsize step = 1; step <= stream->len; step = step * 3 + 1) {
    g_autoptr (OnemoFetchWireReader) reader = onemo_fetch_wire_reader_new ();
    GString *types = g_string_new (NULL);
    gsize data = 0;

    for (gsize at = 0; at < stream->len; at += step) {
      OnemoFetchFrame type;
      const guint8 *payload;
      gsize length;
      GError *error = NULL;

      onemo_fetch_wire_reader_feed (reader, stream->data + at, MIN (step, stream->len - at));
      while (onemo_fetch_wire_reader_next (reader, &type, &payload, &length, &error)) {
        g_string_append_c (types, (char)type);
        if (type == ONEMO_FETCH_FRAME_DATA)
          data += length;
        if (type == ONEMO_FETCH_FRAME_SIZE)
          g_assert_cmpmem (payload, length, size, 8);
      }
      g_assert_no_error (error);
    }
    g_assert_cmpstr (types->str, ==, "SDDE");
    g_assert_cmpuint (data, ==, 3 + ONEMO_FETCH_WIRE_MAX_DATA);
    g_assert_cmpuint (onemo_fetch_wire_reader_pending (reader), ==, 0);
    g_string_free (types, TRUE);
  }
}

static void
assert_refused (const guint8 *header)
{
  g_autoptr (OnemoFetchWireReader) reader = onemo_fetch_wire_reader_new ();
  g_autoptr (GError) error = NULL;
  OnemoFetchFrame type;
  const guint8 *payload;
  gsize length;

  onemo_fetch_wire_reader_feed (reader, header, ONEMO_FETCH_WIRE_HEADER);
  g_assert_false (onemo_fetch_wire_reader_next (reader, &type, &payload, &length, &error));
  g_assert_error (error, ONEMO_ERROR, ONEMO_ERROR_FAILED);
}

/* Refused from the header alone, before any payload is waited for. */
static void
test_malformed (void)
{
  static const guint8 cases[][ONEMO_FETCH_WIRE_HEADER] = {
    { 'y', 0, 0, 0, 1 },    /* unknown type */
    { 0, 0, 0, 0, 0 },      /* unknown type */
    { 'S', 0, 0, 0, 4 },    /* a size is 8 bytes */
    { 'D', 0, 0, 0, 0 },    /* empty data */
    { 'D', 0, 1, 0, 1 },    /* data over 64 KiB */
    { 'E', 0, 0, 0, 1 },    /* END carries nothing */
    { 'X', 0, 0, 0, 0 },    /* ERROR carries its code */
    { 'X', 0, 0, 0x10, 1 }, /* ERROR message too long */
    { 'R', 0, 0x20, 0, 1 }, /* request over 2 MiB */
    { 'R', 0xff, 0xff, 0xff, 0xff },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_refused (cases[i]);
}

/* A header alone is not a frame yet. */
static void
test_incomplete (void)
{
  static const guint8 partial[] = { 'D', 0, 0, 0, 4, 'a', 'b' };
  g_autoptr (OnemoFetchWireReader) reader = onemo_fetch_wire_reader_new ();
  GError *error = NULL;
  OnemoFetchFrame type;
  const guint8 *payload;
  gsize length;

  onemo_fetch_wire_reader_feed (reader, partial, sizeof partial);
  g_assert_false (onemo_fetch_wire_reader_next (reader, &type, &payload, &length, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (onemo_fetch_wire_reader_pending (reader), ==, sizeof partial);
  onemo_fetch_wire_reader_feed (reader, (const guint8 *)"cd", 2);
  g_assert_true (onemo_fetch_wire_reader_next (reader, &type, &payload, &length, &error));
  g_assert_cmpmem (payload, length, "abcd", 4);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fetch-wire/cut-anywhere", test_cut_anywhere);
  g_test_add_func ("/fetch-wire/malformed", test_malformed);
  g_test_add_func ("/fetch-wire/incomplete", test_incomplete);
  return g_test_run ();
}
