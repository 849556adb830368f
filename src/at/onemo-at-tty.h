/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>
#include <sys/types.h>

G_BEGIN_DECLS

/**
 * onemo_at_tty_open:
 * @path: a tty device
 * @baud: bits per second: 1200 to 921600, and the higher rates Linux knows up to 4000000
 * @rts_cts: hardware flow control
 *
 * Opens @path read-write, non-blocking, close-on-exec, without becoming its controlling
 * terminal, and sets it raw, 8N1, at @baud. Nothing already received is flushed (a module's
 * +MATREADY may be waiting). Returns the fd, or -1 with ONEMO_ERROR_INVALID_ARGUMENT (not a tty,
 * unknown rate) or ONEMO_ERROR_PORT_GONE (cannot be opened or configured).
 */
int onemo_at_tty_open (const char *path, guint baud, gboolean rts_cts, GError **error);

/**
 * onemo_at_tty_open_node:
 * @path: a device node, not a symbolic link
 * @rdev: the device number @path had when it was checked
 *
 * As onemo_at_tty_open(), but refuses to follow a symbolic link at @path (O_NOFOLLOW) and
 * fails with ONEMO_ERROR_INVALID_ARGUMENT unless the opened node is the character device @rdev:
 * what was checked is what is opened, whatever was swapped in between.
 */
int onemo_at_tty_open_node (const char *path, dev_t rdev, guint baud, gboolean rts_cts,
                            GError **error);

G_END_DECLS
