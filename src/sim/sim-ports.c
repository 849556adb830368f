/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sim-ports.h"

#include "onemo-error.h"

#include <string.h>

struct _SimPorts {
  SimLink *link;     /* NULL without --link */
  SimSocket *socket; /* NULL without --socket */

  guint reboots_pending; /* channels not back yet */
  SimLinkEvent up;
  gpointer up_data;

  SimPortsReceive receive;
  gpointer receive_data;
};

static void
on_link_receive (const guint8 *data, gsize length, gpointer user_data)
{
  SimPorts *self = user_data;

  self->receive (SIM_PORTS_PTY, data, length, self->receive_data);
}

static void
on_socket_receive (guint connection, const guint8 *data, gsize length, gpointer user_data)
{
  SimPorts *self = user_data;

  self->receive (connection, data, length, self->receive_data);
}

SimPorts *
sim_ports_new (const SimLinkOptions *link_options, const char *socket_address,
               SimPortsReceive receive, gpointer user_data, GError **error)
{
  g_autoptr (SimPorts) self = g_new0 (SimPorts, 1);

  g_return_val_if_fail (link_options->path != NULL || socket_address != NULL, NULL);
  self->receive = receive;
  self->receive_data = user_data;
  if (socket_address != NULL) {
    self->socket = sim_socket_new (socket_address, on_socket_receive, self, error);
    if (self->socket == NULL)
      return NULL;
  }
  if (link_options->path != NULL) {
    self->link = sim_link_new (link_options, on_link_receive, self, error);
    if (self->link == NULL)
      return NULL;
  }
  return g_steal_pointer (&self);
}

void
sim_ports_free (SimPorts *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->link, sim_link_free);
  g_clear_pointer (&self->socket, sim_socket_free);
  g_free (self);
}

void
sim_ports_write (SimPorts *self, guint channel, const void *data, gsize length)
{
  if (channel == SIM_PORTS_PTY) {
    if (self->link != NULL)
      sim_link_write (self->link, data, length);
  } else if (self->socket != NULL) {
    sim_socket_write (self->socket, channel, data, length);
  }
}

void
sim_ports_write_string (SimPorts *self, guint channel, const char *text)
{
  sim_ports_write (self, channel, text, strlen (text));
}

void
sim_ports_write_all (SimPorts *self, const char *text)
{
  sim_ports_write_string (self, SIM_PORTS_PTY, text);
  if (self->socket != NULL)
    sim_socket_write_all (self->socket, text, strlen (text));
}

gboolean
sim_ports_has_channel (SimPorts *self, guint channel)
{
  if (channel == SIM_PORTS_PTY)
    return self->link != NULL;
  return self->socket != NULL && sim_socket_has_connection (self->socket, channel);
}

gsize
sim_ports_unread (SimPorts *self)
{
  return (self->link != NULL ? sim_link_unread (self->link) : 0)
         + (self->socket != NULL ? sim_socket_unread (self->socket) : 0);
}

static void
on_channel_up (gpointer user_data)
{
  SimPorts *self = user_data;

  if (--self->reboots_pending == 0 && self->up != NULL)
    self->up (self->up_data);
}

void
sim_ports_reboot (SimPorts *self, guint down_ms, gboolean forever, SimLinkEvent up,
                  gpointer user_data)
{
  gboolean link_up = self->link != NULL && sim_link_is_up (self->link);
  gboolean socket_up = self->socket != NULL && sim_socket_is_up (self->socket);

  self->up = up;
  self->up_data = user_data;
  self->reboots_pending = (guint)link_up + (guint)socket_up;
  if (link_up)
    sim_link_reboot (self->link, down_ms, forever, on_channel_up, self);
  if (socket_up)
    sim_socket_reboot (self->socket, down_ms, forever, on_channel_up, self);
}
