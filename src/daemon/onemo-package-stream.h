/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * OnemoPackageStream:
 *
 * A package file read with pread() from a position. Its asynchronous reads complete on the main
 * loop without a worker thread: a regular file never blocks for long, and GIO would otherwise
 * hand each read of a non-pollable fd to its thread pool, whose thread lingers after the write
 * (an idle daemon must make no system calls).
 */
#define ONEMO_TYPE_PACKAGE_STREAM (onemo_package_stream_get_type ())
G_DECLARE_FINAL_TYPE (OnemoPackageStream, onemo_package_stream, ONEMO, PACKAGE_STREAM, GInputStream)

/* Takes @fd, a regular file; reading starts at @offset. */
GInputStream *onemo_package_stream_new (int fd, guint64 offset);

G_END_DECLS
