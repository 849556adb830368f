/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The daemon <-> fetch helper framing (onemo-fetch-wire.h): pure, so both sides and the tests
 * read it the same way. */
#include "onemo-fetch-wire.h"

#include "onemo-error.h"

struct _OnemoFetchWireReader {
  GByteArray *buffer;
  gsize consumed; /* bytes of @buffer already handed out as frames */
};

void
onemo_fetch_wire_header (guint8 header[ONEMO_FETCH_WIRE_HEADER], OnemoFetchFrame type,
                         guint32 length)
{
  header[0] = (guint8)type;
  header[1] = (guint8)(length >> 24);
  header[2] = (guint8)(length >> 16);
  header[3] = (guint8)(length >> 8);
  header[4] = (guint8)length;
}

OnemoFetchWireReader *
onemo_fetch_wire_reader_new (void)
{
  OnemoFetchWireReader *reader = g_new0 (OnemoFetchWireReader, 1);

  reader->buffer = g_byte_array_new ();
  return reader;
}

void
onemo_fetch_wire_reader_free (OnemoFetchWireReader *reader)
{
  if (reader == NULL)
    return;
  g_byte_array_unref (reader->buffer);
  g_free (reader);
}

void
onemo_fetch_wire_reader_feed (OnemoFetchWireReader *reader, const guint8 *bytes, gsize length)
{
  /* Drop what was handed out before: the buffer never holds more than one frame and a read. */
  if (reader->consumed > 0) {
    g_byte_array_remove_range (reader->buffer, 0, (guint)reader->consumed);
    reader->consumed = 0;
  }
  g_byte_array_append (reader->buffer, bytes, (guint)length);
}

static gsize
max_payload (OnemoFetchFrame type)
{
  switch (type) {
    case ONEMO_FETCH_FRAME_REQUEST:
      return ONEMO_FETCH_WIRE_MAX_PAYLOAD;
    case ONEMO_FETCH_FRAME_SIZE:
      return 8;
    case ONEMO_FETCH_FRAME_DATA:
      return ONEMO_FETCH_WIRE_MAX_DATA;
    case ONEMO_FETCH_FRAME_END:
      return 0;
    case ONEMO_FETCH_FRAME_ERROR:
      return 4096;
    default:
      return G_MAXSIZE;
  }
}

static gboolean
frame_is_valid (OnemoFetchFrame type, gsize length)
{
  gsize max = max_payload (type);

  if (max == G_MAXSIZE || length > max)
    return FALSE;
  if (type == ONEMO_FETCH_FRAME_SIZE)
    return length == 8;
  if (type == ONEMO_FETCH_FRAME_DATA || type == ONEMO_FETCH_FRAME_ERROR)
    return length >= 1;
  return TRUE;
}

gboolean
onemo_fetch_wire_reader_next (OnemoFetchWireReader *reader, OnemoFetchFrame *out_type,
                              const guint8 **out_payload, gsize *out_length, GError **error)
{
  const guint8 *head = reader->buffer->data + reader->consumed;
  gsize available = reader->buffer->len - reader->consumed;
  gsize length;

  if (available < ONEMO_FETCH_WIRE_HEADER)
    return FALSE;
  length = ((gsize)head[1] << 24) | ((gsize)head[2] << 16) | ((gsize)head[3] << 8) | head[4];
  if (!frame_is_valid ((OnemoFetchFrame)head[0], length)) {
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_FAILED,
                 "the fetch helper sent a malformed frame (type 0x%02x, %" G_GSIZE_FORMAT " bytes)",
                 head[0], length);
    return FALSE;
  }
  if (available - ONEMO_FETCH_WIRE_HEADER < length)
    return FALSE;
  *out_type = (OnemoFetchFrame)head[0];
  *out_payload = head + ONEMO_FETCH_WIRE_HEADER;
  *out_length = length;
  reader->consumed += ONEMO_FETCH_WIRE_HEADER + length;
  return TRUE;
}

gsize
onemo_fetch_wire_reader_pending (OnemoFetchWireReader *reader)
{
  return reader->buffer->len - reader->consumed;
}
