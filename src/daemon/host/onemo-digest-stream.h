/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * OnemoDigestStream:
 *
 * Reads from another stream and hashes (SHA-256) every byte that passes, so that a package is
 * digested in the same pass that sends it. Its asynchronous reads are the base stream's own:
 * no worker thread where the base has none (OnemoPackageStream).
 */
#define ONEMO_TYPE_DIGEST_STREAM (onemo_digest_stream_get_type ())
G_DECLARE_FINAL_TYPE (OnemoDigestStream, onemo_digest_stream, ONEMO, DIGEST_STREAM, GInputStream)

/* Takes @base. */
GInputStream *onemo_digest_stream_new (GInputStream *base);

/* Lower-case hex SHA-256 of the bytes read so far. */
char *onemo_digest_stream_get_sha256 (OnemoDigestStream *self);

G_END_DECLS
