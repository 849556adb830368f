/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A port's path checked with stat() alone, so that a path that is not a tty is never opened
 * (opening some devices has side effects), and opened as exactly the node checked. */
#include "onemo-port-check.h"

#include "onemo-error.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
/* Unix98 pty slaves (Documentation/admin-guide/devices.txt). */
#define PTY_SLAVE_MAJOR_FIRST 136
#define PTY_SLAVE_MAJOR_LAST  143

/* /dev/tty (5,0), /dev/console (5,1), /dev/ptmx (5,2). */
#define TTYAUX_MAJOR      5
#define TTYAUX_MINOR_PTMX 2

/* Virtual consoles are major 4, minors 0–63 (64 and up are ttyS). */
#define TTY_MAJOR           4
#define VIRTUAL_CONSOLE_MAX 63

static gboolean
invalid (GError **error, const char *device, const char *why)
{
  g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT, "%s: %s", device, why);
  return FALSE;
}

/* A tty with a device behind it (a UART, a USB serial function): virtual consoles, pty
 * masters and other device-less ttys have none. */
static gboolean
is_serial_port (const char *resolved)
{
  g_autofree char *name = g_path_get_basename (resolved);
  g_autofree char *sys = g_build_filename ("/sys/class/tty", name, "device", NULL);
  struct stat st;

  return stat (sys, &st) == 0;
}

static gboolean
is_pty (const char *resolved, const struct stat *st)
{
  return g_str_has_prefix (resolved, "/dev/pts/") && major (st->st_rdev) >= PTY_SLAVE_MAJOR_FIRST
         && major (st->st_rdev) <= PTY_SLAVE_MAJOR_LAST;
}

gboolean
onemo_port_check_device (const char *device, gboolean allow_pty, char **out_resolved,
                         dev_t *out_rdev, GError **error)
{
  g_autofree char *resolved = NULL;
  struct stat st;

  if (device == NULL || !g_utf8_validate (device, -1, NULL) || strlen (device) >= PATH_MAX)
    return invalid (error, "device", "not a valid path");
  if (!g_path_is_absolute (device))
    return invalid (error, device, "not an absolute path");
  resolved = realpath (device, NULL);
  if (resolved == NULL)
    return invalid (error, device, g_strerror (errno));
  if (stat (resolved, &st) != 0)
    return invalid (error, device, g_strerror (errno));
  if (!S_ISCHR (st.st_mode))
    return invalid (error, device, "not a character device");
  /* /dev/tty, /dev/console and /dev/ptmx are ttys by name only: opening them means the caller's
   * terminal, the console, or a new pty. */
  if (major (st.st_rdev) == TTYAUX_MAJOR && minor (st.st_rdev) <= TTYAUX_MINOR_PTMX)
    return invalid (error, device, "not a serial port");
  if (major (st.st_rdev) == TTY_MAJOR && minor (st.st_rdev) <= VIRTUAL_CONSOLE_MAX)
    return invalid (error, device, "a virtual console, not a serial port");
  if (!is_serial_port (resolved) && !(allow_pty && is_pty (resolved, &st)))
    return invalid (error, device, "not a serial port");
  if (out_rdev != NULL)
    *out_rdev = st.st_rdev;
  *out_resolved = g_steal_pointer (&resolved);
  return TRUE;
}

OnemoAtPort *
onemo_port_open_checked (const char *device, gboolean allow_pty, guint baud, gboolean flow_control,
                         GError **error)
{
  g_autofree char *resolved = NULL;
  g_autoptr (GError) local = NULL;
  dev_t rdev;
  OnemoAtPort *port;

  if (!onemo_port_check_device (device, allow_pty, &resolved, &rdev, &local)) {
    /* Gone (unplugged, rebooting) rather than wrong: as a plain open would say. */
    if (!g_file_test (device, G_FILE_TEST_EXISTS))
      local->code = ONEMO_ERROR_PORT_GONE;
    g_propagate_error (error, g_steal_pointer (&local));
    return NULL;
  }
  port = onemo_at_port_open_node (resolved, rdev, baud, flow_control, error);
  if (port == NULL)
    g_prefix_error (error, "%s: ", device);
  return port;
}
