/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sim-socket.h"

#include "onemo-error.h"

#include <errno.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#ifndef SIOCOUTQ
#include <linux/sockios.h>
#endif

#define ABSTRACT_PREFIX "abstract:"
#define BACKLOG_MAX     (64 * 1024)

typedef struct {
  SimSocket *owner;
  guint id;
  int fd;
  guint read_watch;
  guint write_watch;
  GByteArray *outbox;
} SimConnection;

struct _SimSocket {
  struct sockaddr_un address;
  socklen_t address_length;
  char *path; /* a filesystem socket to remove; NULL for an abstract one */

  int listen_fd;
  guint accept_watch;
  GHashTable *connections; /* id → SimConnection */
  guint next_id;
  /* What was said to everyone while nobody was connected, for the next host, as a pty keeps
   * what the module printed before the host opened it. */
  GByteArray *backlog;

  SimReboot reboot;

  SimSocketReceive receive;
  gpointer receive_data;
};

static void socket_reboot_if_drained (SimSocket *self);

/* ---- one connection ---- */

static void
connection_free (gpointer data)
{
  SimConnection *conn = data;

  g_clear_handle_id (&conn->read_watch, g_source_remove);
  g_clear_handle_id (&conn->write_watch, g_source_remove);
  close (conn->fd);
  g_byte_array_unref (conn->outbox);
  g_free (conn);
}

static void connection_flush (SimConnection *conn);

static gboolean
on_connection_writable (int fd, GIOCondition condition, gpointer user_data)
{
  SimConnection *conn = user_data;

  conn->write_watch = 0;
  connection_flush (conn);
  return G_SOURCE_REMOVE;
}

/* Writes what the host takes now; the rest waits for the socket to drain. */
static void
connection_flush (SimConnection *conn)
{
  while (conn->outbox->len > 0) {
    ssize_t n = send (conn->fd, conn->outbox->data, conn->outbox->len, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && errno == EAGAIN) {
      if (conn->write_watch == 0)
        conn->write_watch = g_unix_fd_add (conn->fd, G_IO_OUT, on_connection_writable, conn);
      return;
    }
    if (n < 0) {
      g_byte_array_set_size (conn->outbox, 0); /* the host is gone: its read sees the end */
      break;
    }
    g_byte_array_remove_range (conn->outbox, 0, n);
  }
  socket_reboot_if_drained (conn->owner);
}

static gboolean
on_connection_readable (int fd, GIOCondition condition, gpointer user_data)
{
  SimConnection *conn = user_data;
  SimSocket *self = conn->owner;
  guint8 buffer[4096];
  ssize_t n = recv (fd, buffer, sizeof buffer, 0);

  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return G_SOURCE_CONTINUE;
  if (n <= 0) {
    /* The host closed its end: forget the connection (this removes the watch). */
    conn->read_watch = 0;
    g_hash_table_remove (self->connections, GUINT_TO_POINTER (conn->id));
    socket_reboot_if_drained (self);
    return G_SOURCE_REMOVE;
  }
  self->receive (conn->id, buffer, n, self->receive_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_listener_readable (int fd, GIOCondition condition, gpointer user_data)
{
  SimSocket *self = user_data;
  SimConnection *conn;
  int conn_fd = accept4 (fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

  if (conn_fd < 0)
    return G_SOURCE_CONTINUE; /* EAGAIN, or a host that gave up before we took it */
  conn = g_new0 (SimConnection, 1);
  conn->owner = self;
  conn->id = ++self->next_id;
  conn->fd = conn_fd;
  conn->outbox = g_byte_array_new ();
  conn->read_watch = g_unix_fd_add (conn_fd, G_IO_IN, on_connection_readable, conn);
  g_hash_table_insert (self->connections, GUINT_TO_POINTER (conn->id), conn);
  if (self->backlog->len > 0) {
    g_byte_array_append (conn->outbox, self->backlog->data, self->backlog->len);
    g_byte_array_set_size (self->backlog, 0);
    connection_flush (conn);
  }
  return G_SOURCE_CONTINUE;
}

/* ---- the listener ---- */

static gboolean
socket_listen (SimSocket *self, GError **error)
{
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int saved;

  if (fd < 0)
    return g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_FAILED, "socket: %s", g_strerror (errno)),
           FALSE;
  if (bind (fd, (struct sockaddr *)&self->address, self->address_length) == 0
      && listen (fd, 8) == 0) {
    self->listen_fd = fd;
    self->accept_watch = g_unix_fd_add (fd, G_IO_IN, on_listener_readable, self);
    return TRUE;
  }
  saved = errno;
  close (fd);
  return g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_FAILED, "cannot listen on %s%s: %s",
                      self->path != NULL ? "" : "abstract socket ",
                      self->path != NULL ? self->path : self->address.sun_path + 1,
                      g_strerror (saved)),
         FALSE;
}

static void
socket_close (SimSocket *self)
{
  /* The listener first: a host that saw its connection end must find nobody listening. */
  g_clear_handle_id (&self->accept_watch, g_source_remove);
  if (self->listen_fd >= 0) {
    close (self->listen_fd);
    self->listen_fd = -1;
    if (self->path != NULL)
      g_unlink (self->path);
  }
  g_hash_table_remove_all (self->connections);
  g_byte_array_set_size (self->backlog, 0);
}

/* A path may be taken over only from a stale socket, never from another kind of file. */
static gboolean
path_is_free (const char *path, GError **error)
{
  struct stat st;

  if (lstat (path, &st) < 0)
    return TRUE;
  if (!S_ISSOCK (st.st_mode))
    return g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT,
                        "%s exists and is not a socket", path),
           FALSE;
  g_unlink (path);
  return TRUE;
}

static gboolean
socket_parse_address (SimSocket *self, const char *address, GError **error)
{
  gboolean abstract = g_str_has_prefix (address, ABSTRACT_PREFIX);
  gsize length = strlen (address);
  /* An abstract name starts after a NUL in sun_path; a path needs its own NUL at the end. */
  gsize room = sizeof self->address.sun_path - 1;

  if (length == 0 || (abstract && length == strlen (ABSTRACT_PREFIX)))
    return g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT,
                        "--socket needs a path or abstract:NAME"),
           FALSE;
  if (length > room)
    return g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT,
                        "socket address “%s” is longer than %zu bytes", address, room),
           FALSE;
  self->address.sun_family = AF_UNIX;
  if (abstract) {
    /* The name is the whole string, prefix included: that is what ModemManager dials. */
    memcpy (self->address.sun_path + 1, address, length);
    self->address_length = offsetof (struct sockaddr_un, sun_path) + 1 + length;
    return TRUE;
  }
  if (!path_is_free (address, error))
    return FALSE;
  memcpy (self->address.sun_path, address, length + 1);
  self->address_length = sizeof self->address;
  self->path = g_strdup (address);
  return TRUE;
}

/* ---- reboots ---- */

static gboolean
socket_reopen (gpointer channel, GError **error)
{
  return socket_listen (channel, error);
}

static void
socket_reboot_if_drained (SimSocket *self)
{
  GHashTableIter iter;
  gpointer value;

  if (!self->reboot.pending)
    return;
  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((SimConnection *)value)->outbox->len > 0)
      return;
  socket_close (self);
  sim_reboot_went_down (&self->reboot, FALSE);
}

void
sim_socket_reboot (SimSocket *self, guint down_ms, gboolean forever, SimSocketEvent up,
                   gpointer user_data)
{
  if (self->listen_fd < 0 || self->reboot.pending)
    return;
  sim_reboot_request (&self->reboot, down_ms, forever, up, user_data);
  socket_reboot_if_drained (self);
}

/* ---- the interface ---- */

void
sim_socket_write (SimSocket *self, guint connection, const void *data, gsize length)
{
  SimConnection *conn = g_hash_table_lookup (self->connections, GUINT_TO_POINTER (connection));

  if (conn == NULL || self->reboot.pending)
    return;
  g_byte_array_append (conn->outbox, data, length);
  connection_flush (conn);
}

void
sim_socket_write_all (SimSocket *self, const void *data, gsize length)
{
  g_autoptr (GList) ids = g_hash_table_get_keys (self->connections);

  if (ids == NULL && self->listen_fd >= 0 && !self->reboot.pending
      && self->backlog->len + length <= BACKLOG_MAX)
    g_byte_array_append (self->backlog, data, length);
  for (GList *l = ids; l != NULL; l = l->next)
    sim_socket_write (self, GPOINTER_TO_UINT (l->data), data, length);
}

gboolean
sim_socket_has_connection (SimSocket *self, guint connection)
{
  return g_hash_table_contains (self->connections, GUINT_TO_POINTER (connection));
}

gboolean
sim_socket_is_up (SimSocket *self)
{
  return self->listen_fd >= 0;
}

gsize
sim_socket_unread (SimSocket *self)
{
  GHashTableIter iter;
  gpointer value;
  gsize total = 0;

  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, NULL, &value)) {
    SimConnection *conn = value;
    int queued = 0;

    /* For unix sockets the send queue holds what the peer has not read. */
    if (ioctl (conn->fd, SIOCOUTQ, &queued) < 0)
      queued = 0;
    total += conn->outbox->len + (gsize)MAX (queued, 0);
  }
  return total;
}

SimSocket *
sim_socket_new (const char *address, SimSocketReceive receive, gpointer user_data, GError **error)
{
  g_autoptr (SimSocket) self = g_new0 (SimSocket, 1);

  self->listen_fd = -1;
  self->connections = g_hash_table_new_full (NULL, NULL, NULL, connection_free);
  self->backlog = g_byte_array_new ();
  self->receive = receive;
  self->receive_data = user_data;
  self->reboot.reopen = socket_reopen;
  self->reboot.channel = self;
  if (!socket_parse_address (self, address, error) || !socket_listen (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

void
sim_socket_free (SimSocket *self)
{
  if (self == NULL)
    return;
  socket_close (self);
  sim_reboot_clear (&self->reboot);
  g_hash_table_unref (self->connections);
  g_byte_array_unref (self->backlog);
  g_free (self->path);
  g_free (self);
}
