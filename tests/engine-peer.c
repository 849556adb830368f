/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "engine-peer.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <pty.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

struct _EnginePeer {
  int master;
  int slave;
  char *slave_path;
  guint watch_id;
  GIOCondition watched;
  guint drip_id;
  gboolean echo;
  gboolean drip;
  gboolean paused;
  EnginePeerCommandFunc handler;
  gpointer handler_data;
  GString *line;   /* the command line being received */
  GByteArray *out; /* what waits to be written to the master */
  GPtrArray *commands;
  GArray *command_times;
  /* Raw mode. */
  gsize raw_expected;
  GByteArray *raw;
  EnginePeerRawFunc raw_func;
  gpointer raw_data;
};

static gboolean peer_on_master (int fd, GIOCondition condition, gpointer user_data);

static void
peer_watch (EnginePeer *peer, GIOCondition condition)
{
  if (peer->paused)
    condition &= ~G_IO_IN;
  if (peer->watch_id != 0 && peer->watched == condition)
    return;
  g_clear_handle_id (&peer->watch_id, g_source_remove);
  peer->watched = condition;
  if (peer->master >= 0 && condition != 0)
    peer->watch_id = g_unix_fd_add (peer->master, condition, peer_on_master, peer);
}

static void
peer_flush (EnginePeer *peer)
{
  while (peer->out->len > 0 && peer->master >= 0) {
    gsize len = peer->drip ? 1 : peer->out->len;
    gssize n = write (peer->master, peer->out->data, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && errno == EAGAIN)
      break;
    g_assert_cmpint (n, >, 0);
    g_byte_array_remove_range (peer->out, 0, (guint)n);
    if (peer->drip)
      break;
  }
  peer_watch (peer, peer->out->len > 0 && !peer->drip ? G_IO_IN | G_IO_OUT : G_IO_IN);
}

static gboolean
peer_drip (gpointer user_data)
{
  EnginePeer *peer = user_data;

  peer_flush (peer);
  if (peer->out->len > 0)
    return G_SOURCE_CONTINUE;
  peer->drip_id = 0;
  return G_SOURCE_REMOVE;
}

void
engine_peer_send_bytes (EnginePeer *peer, const void *data, gsize len)
{
  g_byte_array_append (peer->out, data, (guint)len);
  if (peer->drip) {
    if (peer->drip_id == 0)
      peer->drip_id = g_idle_add (peer_drip, peer);
    return;
  }
  peer_flush (peer);
}

void
engine_peer_send (EnginePeer *peer, const char *text)
{
  engine_peer_send_bytes (peer, text, strlen (text));
}

static void
peer_take_raw (EnginePeer *peer, const guint8 *data, gsize len)
{
  g_byte_array_append (peer->raw, data, (guint)len);
  if (peer->raw->len == peer->raw_expected) {
    g_autoptr (GByteArray) raw = g_steal_pointer (&peer->raw);
    peer->raw_expected = 0;
    peer->raw_func (peer, raw, peer->raw_data);
  }
}

static void
peer_take_command_byte (EnginePeer *peer, guint8 byte)
{
  g_autofree char *command = NULL;

  if (byte == '\n')
    return;
  if (byte != '\r') {
    g_string_append_c (peer->line, (char)byte);
    return;
  }
  command = g_strdup (peer->line->str);
  g_string_truncate (peer->line, 0);
  g_ptr_array_add (peer->commands, g_strdup (command));
  g_array_append_vals (peer->command_times, (gint64[]){ g_get_monotonic_time () }, 1);
  if (peer->echo) {
    engine_peer_send (peer, command);
    engine_peer_send (peer, "\r");
  }
  if (peer->handler != NULL)
    peer->handler (peer, command, peer->handler_data);
}

static void
peer_take (EnginePeer *peer, const guint8 *data, gsize len)
{
  gsize pos = 0;

  while (pos < len) {
    if (peer->raw != NULL) {
      gsize take = MIN (len - pos, peer->raw_expected - peer->raw->len);
      peer_take_raw (peer, data + pos, take);
      pos += take;
    } else {
      peer_take_command_byte (peer, data[pos++]);
    }
  }
}

static gboolean
peer_on_master (int fd, GIOCondition condition, gpointer user_data)
{
  EnginePeer *peer = user_data;
  guint8 buffer[65536];

  if (condition & G_IO_OUT)
    peer_flush (peer);
  if ((condition & (G_IO_IN | G_IO_HUP | G_IO_ERR)) && !peer->paused) {
    gssize n = read (fd, buffer, sizeof buffer);
    if (n > 0) {
      peer_take (peer, buffer, (gsize)n);
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
      /* Every slave fd is closed: nothing more will come. */
      g_clear_handle_id (&peer->watch_id, g_source_remove);
      return G_SOURCE_REMOVE;
    }
  }
  return G_SOURCE_CONTINUE;
}

EnginePeer *
engine_peer_new (void)
{
  EnginePeer *peer = g_new0 (EnginePeer, 1);
  struct termios tio;
  char path[128];

  g_assert_cmpint (openpty (&peer->master, &peer->slave, path, NULL, NULL), ==, 0);
  g_assert_cmpint (tcgetattr (peer->slave, &tio), ==, 0);
  cfmakeraw (&tio);
  g_assert_cmpint (tcsetattr (peer->slave, TCSANOW, &tio), ==, 0);
  g_assert_true (g_unix_set_fd_nonblocking (peer->master, TRUE, NULL));
  peer->slave_path = g_strdup (path);
  peer->echo = TRUE;
  peer->line = g_string_new (NULL);
  peer->out = g_byte_array_new ();
  peer->commands = g_ptr_array_new_with_free_func (g_free);
  peer->command_times = g_array_new (FALSE, FALSE, sizeof (gint64));
  peer_watch (peer, G_IO_IN);
  return peer;
}

void
engine_peer_free (EnginePeer *peer)
{
  if (peer == NULL)
    return;
  engine_peer_hangup (peer);
  if (peer->slave >= 0)
    close (peer->slave);
  g_clear_pointer (&peer->raw, g_byte_array_unref);
  g_byte_array_unref (peer->out);
  g_string_free (peer->line, TRUE);
  g_ptr_array_unref (peer->commands);
  g_array_unref (peer->command_times);
  g_free (peer->slave_path);
  g_free (peer);
}

const char *
engine_peer_slave_path (EnginePeer *peer)
{
  return peer->slave_path;
}

int
engine_peer_dup_slave (EnginePeer *peer)
{
  int fd = fcntl (peer->slave, F_DUPFD_CLOEXEC, 0);
  g_assert_cmpint (fd, >=, 0);
  return fd;
}

int
engine_peer_slave_fd (EnginePeer *peer)
{
  return peer->slave;
}

void
engine_peer_set_handler (EnginePeer *peer, EnginePeerCommandFunc func, gpointer user_data)
{
  peer->handler = func;
  peer->handler_data = user_data;
}

void
engine_peer_set_echo (EnginePeer *peer, gboolean echo)
{
  peer->echo = echo;
}

void
engine_peer_set_reading (EnginePeer *peer, gboolean reading)
{
  peer->paused = !reading;
  peer_watch (peer, peer->out->len > 0 && !peer->drip ? G_IO_IN | G_IO_OUT : G_IO_IN);
}

void
engine_peer_set_drip (EnginePeer *peer, gboolean drip)
{
  peer->drip = drip;
}

void
engine_peer_expect_raw (EnginePeer *peer, gsize length, EnginePeerRawFunc func, gpointer user_data)
{
  g_assert_null (peer->raw);
  g_assert_cmpuint (length, >, 0);
  peer->raw = g_byte_array_sized_new ((guint)length);
  peer->raw_expected = length;
  peer->raw_func = func;
  peer->raw_data = user_data;
}

GPtrArray *
engine_peer_commands (EnginePeer *peer)
{
  return peer->commands;
}

gint64
engine_peer_command_time (EnginePeer *peer, guint index)
{
  g_assert_cmpuint (index, <, peer->command_times->len);
  return g_array_index (peer->command_times, gint64, index);
}

void
engine_peer_hangup (EnginePeer *peer)
{
  g_clear_handle_id (&peer->watch_id, g_source_remove);
  g_clear_handle_id (&peer->drip_id, g_source_remove);
  if (peer->master >= 0) {
    close (peer->master);
    peer->master = -1;
  }
}
