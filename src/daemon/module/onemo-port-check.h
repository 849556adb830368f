/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "onemo-at-port.h"

#include <sys/types.h>

G_BEGIN_DECLS

/**
 * onemo_port_check_device:
 * @allow_pty: accept a /dev/pts/N pseudo-terminal (the session bus, for tests)
 * @out_resolved: the path with symlinks resolved, the key that tells held devices apart
 *
 * @out_rdev: (nullable): the device number of the checked node
 *
 * stat()s @device, never opening it: it must be an absolute path to a character device that is
 * a serial port (/sys/class/tty/<name>/device exists: not a virtual console, pty master or
 * other tty without a device), or with @allow_pty a Unix98 pty slave. InvalidArgument
 * otherwise.
 */
gboolean onemo_port_check_device (const char *device, gboolean allow_pty, char **out_resolved,
                                  dev_t *out_rdev, GError **error);

/* Checks @device as above and opens exactly the node it resolved to (no symbolic link
 * followed, the same device number), so that a link swapped in between cannot win. */
OnemoAtPort *onemo_port_open_checked (const char *device, gboolean allow_pty, guint baud,
                                      gboolean flow_control, GError **error);

G_END_DECLS
