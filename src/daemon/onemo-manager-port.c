/* SPDX-License-Identifier: GPL-2.0-or-later */
/* AddPort()'s checks: everything is decided with stat() and the arguments alone, so a path
 * that is not a tty is never opened (opening some devices has side effects). */
#include "onemo-manager.h"

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

#define DEFAULT_BAUD 115200

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

gboolean
onemo_port_settings_check_model (const char *name, const OnemoModel **out, GError **error)
{
  const OnemoModel *model = onemo_model_lookup (name);

  if (model == NULL) {
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT, "Unknown sub-model \"%s\"",
                 g_utf8_validate (name, -1, NULL) ? name : "(not UTF-8)");
    return FALSE;
  }
  *out = model;
  return TRUE;
}

gboolean
onemo_port_settings_check_baud (guint64 baud, GError **error)
{
  /* The rates Linux termios has (Bxxx); AT+IPR spans 1200–921600. */
  static const guint rates[]
      = { 1200,    1800,    2400,    4800,    9600,    19200,  38400,   57600,
          115200,  230400,  460800,  500000,  576000,  921600, 1000000, 1152000,
          1500000, 2000000, 2500000, 3000000, 3500000, 4000000 };

  for (guint i = 0; i < G_N_ELEMENTS (rates); i++)
    if (rates[i] == baud)
      return TRUE;
  g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT,
               "%" G_GUINT64_FORMAT " is not a baud rate a tty can take", baud);
  return FALSE;
}

static gboolean
check_type (const char *key, GVariant *value, const GVariantType *type, GError **error)
{
  if (g_variant_is_of_type (value, type))
    return TRUE;
  g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT,
               "Option \"%s\" must be of type %.*s, not %s", key,
               (int)g_variant_type_get_string_length (type), g_variant_type_peek_string (type),
               g_variant_get_type_string (value));
  return FALSE;
}

gboolean
onemo_port_settings_parse (GVariant *options, OnemoPortSettings *out, GError **error)
{
  OnemoPortSettings settings = { NULL, DEFAULT_BAUD, FALSE };
  GVariantIter iter;
  const char *key;
  GVariant *value;

  g_variant_iter_init (&iter, options);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value)) {
    g_autoptr (GVariant) owned = value;

    if (g_str_equal (key, "model")) {
      if (!check_type (key, value, G_VARIANT_TYPE_STRING, error)
          || !onemo_port_settings_check_model (g_variant_get_string (value, NULL), &settings.model,
                                               error))
        return FALSE;
    } else if (g_str_equal (key, "baud")) {
      if (!check_type (key, value, G_VARIANT_TYPE_UINT32, error)
          || !onemo_port_settings_check_baud (g_variant_get_uint32 (value), error))
        return FALSE;
      settings.baud = g_variant_get_uint32 (value);
    } else if (g_str_equal (key, "flow-control")) {
      if (!check_type (key, value, G_VARIANT_TYPE_BOOLEAN, error))
        return FALSE;
      settings.flow_control = g_variant_get_boolean (value);
    } else {
      g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT, "Unknown option \"%s\"",
                   g_utf8_validate (key, -1, NULL) ? key : "(not UTF-8)");
      return FALSE;
    }
  }
  *out = settings;
  return TRUE;
}
