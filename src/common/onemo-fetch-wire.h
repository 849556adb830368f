/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The framing between the daemon and its fetch helper (onemo-firmware-fetch, the only program of
 * the service that links libcurl). Each direction is a byte stream over a pipe, cut into frames:
 *
 *   type    1 byte, one of OnemoFetchFrame
 *   length  4 bytes, big-endian: the payload's size, at most ONEMO_FETCH_WIRE_MAX_PAYLOAD
 *   payload length bytes
 *
 * Daemon -> helper (the helper's stdin), one frame then end-of-file:
 *   'R' REQUEST  a serialized GVariant of type a{sv}: "url" s (required), "user" s,
 *                "password" s, "ca" ay (PEM bundle trusted instead of the system's CAs),
 *                "max-size" t, "connect-timeout" u (seconds; also the low-speed window),
 *                "timeout" u (seconds, the whole transfer), "low-speed" u (bytes/s).
 * Helper -> daemon (the helper's stdout):
 *   'S' SIZE     8 bytes, big-endian: the size the server announced; at most once, before any
 *                data, and only when the server said it
 *   'D' DATA     the next bytes of the package, 1 to ONEMO_FETCH_WIRE_MAX_DATA of them
 *   'E' END      empty: the package is complete; the last frame
 *   'X' ERROR    1 byte, an OnemoError code, then its message (UTF-8, credentials already
 *                removed); the last frame
 * Anything else, or a stream that ends without END or ERROR, is the helper failing: the daemon
 * kills it and reports ONEMO_ERROR_FAILED.
 */

#define ONEMO_FETCH_WIRE_HEADER      5
#define ONEMO_FETCH_WIRE_MAX_DATA    (64 * 1024)
#define ONEMO_FETCH_WIRE_MAX_PAYLOAD (2 * 1024 * 1024) /* a request with its CA bundle */

typedef enum {
  ONEMO_FETCH_FRAME_REQUEST = 'R',
  ONEMO_FETCH_FRAME_SIZE = 'S',
  ONEMO_FETCH_FRAME_DATA = 'D',
  ONEMO_FETCH_FRAME_END = 'E',
  ONEMO_FETCH_FRAME_ERROR = 'X',
} OnemoFetchFrame;

/* Writes the header of a frame of @type carrying @length payload bytes into @header. */
void onemo_fetch_wire_header (guint8 header[ONEMO_FETCH_WIRE_HEADER], OnemoFetchFrame type,
                              guint32 length);

/* Cuts a byte stream into frames; feed it what arrives, take frames while there are. */
typedef struct _OnemoFetchWireReader OnemoFetchWireReader;

OnemoFetchWireReader *onemo_fetch_wire_reader_new (void);
void onemo_fetch_wire_reader_free (OnemoFetchWireReader *reader);
void onemo_fetch_wire_reader_feed (OnemoFetchWireReader *reader, const guint8 *bytes, gsize length);

/*
 * The next whole frame: TRUE with its type and payload (valid until the next feed), FALSE with
 * @error NULL when more bytes are needed, FALSE with @error (ONEMO_ERROR_FAILED) when the stream
 * is not framing: an unknown type, a payload over the limit of its type.
 */
gboolean onemo_fetch_wire_reader_next (OnemoFetchWireReader *reader, OnemoFetchFrame *out_type,
                                       const guint8 **out_payload, gsize *out_length,
                                       GError **error);

/* Bytes held that make no whole frame yet (0 at a clean end of stream). */
gsize onemo_fetch_wire_reader_pending (OnemoFetchWireReader *reader);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OnemoFetchWireReader, onemo_fetch_wire_reader_free)

G_END_DECLS
