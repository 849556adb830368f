/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "onemo-at-tty.h"

#include "onemo-error.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

static const struct {
  guint baud;
  speed_t speed;
} baud_rates[] = {
  { 1200, B1200 },       { 2400, B2400 },       { 4800, B4800 },       { 9600, B9600 },
  { 19200, B19200 },     { 38400, B38400 },     { 57600, B57600 },     { 115200, B115200 },
  { 230400, B230400 },   { 460800, B460800 },   { 500000, B500000 },   { 576000, B576000 },
  { 921600, B921600 },   { 1000000, B1000000 }, { 1152000, B1152000 }, { 1500000, B1500000 },
  { 2000000, B2000000 }, { 2500000, B2500000 }, { 3000000, B3000000 }, { 3500000, B3500000 },
  { 4000000, B4000000 },
};

static gboolean
baud_to_speed (guint baud, speed_t *out_speed)
{
  for (guint i = 0; i < G_N_ELEMENTS (baud_rates); i++) {
    if (baud_rates[i].baud == baud) {
      *out_speed = baud_rates[i].speed;
      return TRUE;
    }
  }
  return FALSE;
}

/* Raw 8N1 at @speed; no flush, so a +MATREADY already waiting is kept. */
static gboolean
configure_tty (int fd, speed_t speed, gboolean rts_cts, GError **error)
{
  struct termios tio;

  if (tcgetattr (fd, &tio) < 0) {
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT, "Not a tty: %s",
                 g_strerror (errno));
    return FALSE;
  }
  cfmakeraw (&tio);
  tio.c_cflag &= ~(CSIZE | PARENB | CSTOPB | CRTSCTS | HUPCL);
  tio.c_cflag |= CS8 | CLOCAL | CREAD | (rts_cts ? CRTSCTS : 0);
  tio.c_iflag &= ~(IXON | IXOFF | IXANY);
  tio.c_cc[VMIN] = 1;
  tio.c_cc[VTIME] = 0;
  cfsetispeed (&tio, speed);
  cfsetospeed (&tio, speed);
  if (tcsetattr (fd, TCSANOW, &tio) < 0) {
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_PORT_GONE, "Cannot configure the tty: %s",
                 g_strerror (errno));
    return FALSE;
  }
  return TRUE;
}

static int tty_open (const char *path, int extra_flags, const dev_t *rdev, guint baud,
                     gboolean rts_cts, GError **error);

int
onemo_at_tty_open (const char *path, guint baud, gboolean rts_cts, GError **error)
{
  return tty_open (path, 0, NULL, baud, rts_cts, error);
}

int
onemo_at_tty_open_node (const char *path, dev_t rdev, guint baud, gboolean rts_cts, GError **error)
{
  return tty_open (path, O_NOFOLLOW, &rdev, baud, rts_cts, error);
}

static int
tty_open (const char *path, int extra_flags, const dev_t *rdev, guint baud, gboolean rts_cts,
          GError **error)
{
  struct stat st;
  speed_t speed;
  int fd;

  g_return_val_if_fail (path != NULL, -1);

  if (!baud_to_speed (baud, &speed)) {
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT,
                 "%u is not a baud rate of termios", baud);
    return -1;
  }
  fd = open (path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC | extra_flags);
  if (fd < 0) {
    int saved = errno;
    /* ELOOP: a link where a checked node should be. */
    g_set_error (error, ONEMO_ERROR,
                 saved == ELOOP ? ONEMO_ERROR_INVALID_ARGUMENT : ONEMO_ERROR_PORT_GONE,
                 "Cannot open %s: %s", path, g_strerror (saved));
    return -1;
  }
  if (rdev != NULL && (fstat (fd, &st) != 0 || !S_ISCHR (st.st_mode) || st.st_rdev != *rdev)) {
    close (fd);
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT,
                 "%s changed between its check and its opening", path);
    return -1;
  }
  if (!isatty (fd)) {
    close (fd);
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT, "%s is not a tty", path);
    return -1;
  }
  if (!configure_tty (fd, speed, rts_cts, error)) {
    close (fd);
    g_prefix_error (error, "%s: ", path);
    return -1;
  }
  return fd;
}
