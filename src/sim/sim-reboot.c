/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sim-reboot.h"

void
sim_reboot_request (SimReboot *self, guint down_ms, gboolean forever, SimRebootEvent up,
                    gpointer user_data)
{
  self->down_ms = down_ms;
  self->forever = forever;
  self->up = up;
  self->up_data = user_data;
  self->pending = TRUE;
}

static gboolean
on_down_time_over (gpointer user_data)
{
  SimReboot *self = user_data;
  g_autoptr (GError) error = NULL;

  self->timer = 0;
  if (!self->reopen (self->channel, &error)) {
    g_warning ("reboot: %s", error->message);
    return G_SOURCE_REMOVE;
  }
  if (self->up != NULL)
    self->up (self->up_data);
  return G_SOURCE_REMOVE;
}

void
sim_reboot_went_down (SimReboot *self, gboolean dead)
{
  self->pending = FALSE;
  if (!self->forever && !dead)
    self->timer = g_timeout_add (self->down_ms, on_down_time_over, self);
}

void
sim_reboot_clear (SimReboot *self)
{
  self->pending = FALSE;
  g_clear_handle_id (&self->timer, g_source_remove);
}
