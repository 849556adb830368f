/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "onemo-at-port.h"

G_BEGIN_DECLS

/**
 * OnemoAtWriteMode:
 * @ONEMO_AT_WRITE_HEX: command mode, `AT+MFWDLOAD=<off>,<len>,"<hex>"`, 512 bytes a command
 * @ONEMO_AT_WRITE_TRANSPARENT: `AT+MFWDLOAD=<off>,<len>`, `>`, then the raw bytes in one go
 */
typedef enum {
  ONEMO_AT_WRITE_HEX,
  ONEMO_AT_WRITE_TRANSPARENT,
} OnemoAtWriteMode;

/**
 * onemo_at_write_package_async:
 * @source: the package, positioned at @offset: the writer reads exactly @length bytes from
 *   where it stands, in blocks, reading the next block while the module takes the current one
 * @offset: where in the module's package these bytes go (0, or where an earlier write stopped)
 * @timeout_ms: for each hex command, or for each stage of the transparent write
 * @progress: (nullable): bytes the module has taken so far (of @length)
 *
 * Streams a package from the host into the module over the serial port (manual §4.1, flows 6
 * and 7), never holding it whole. A short @source is ONEMO_ERROR_INVALID_ARGUMENT; the module's
 * errors (853 …) come back as they are.
 */
void onemo_at_write_package_async (OnemoAtPort *port, GInputStream *source, guint64 offset,
                                   guint64 length, OnemoAtWriteMode mode, guint timeout_ms,
                                   OnemoAtPayloadProgress progress, gpointer progress_data,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data);

gboolean onemo_at_write_package_finish (OnemoAtPort *port, GAsyncResult *result, GError **error);

G_END_DECLS
