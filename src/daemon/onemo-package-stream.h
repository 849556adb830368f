/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * OnemoPackageStream:
 *
 * A package file read with pread() from a position. Its asynchronous reads happen in a thread
 * of the stream's own, so that a caller's file on a hung mount never blocks the main loop, and a
 * cancelled read answers at once even while its pread() never returns (the thread, and the fd,
 * stay behind until it does). The thread ends when the stream is closed or finalized: none
 * lingers after a write (an idle daemon must make no system calls), unlike GIO's thread pool.
 */
#define ONEMO_TYPE_PACKAGE_STREAM (onemo_package_stream_get_type ())
G_DECLARE_FINAL_TYPE (OnemoPackageStream, onemo_package_stream, ONEMO, PACKAGE_STREAM, GInputStream)

/* Takes @fd, a regular file; reading starts at @offset. */
GInputStream *onemo_package_stream_new (int fd, guint64 offset);

G_END_DECLS
