/* SPDX-License-Identifier: GPL-2.0-or-later */
#define G_LOG_DOMAIN "onemo-at"

/* The AT port's URC handlers: a registry of patterns, newest first, that claim unsolicited lines. */

#include "onemo-at-port-private.h"

void
onemo_at_port_urc_handler_unref (UrcHandler *handler)
{
  if (!g_atomic_int_dec_and_test (&handler->ref_count))
    return;
  if (handler->destroy != NULL)
    handler->destroy (handler->user_data);
  g_regex_unref (handler->regex);
  g_free (handler);
}

/* Latest handler first; the first match takes the line. */
gboolean
onemo_at_port_dispatch_urc (OnemoAtPort *self, const char *line)
{
  for (guint i = self->handlers->len; i > 0; i--) {
    UrcHandler *handler = g_ptr_array_index (self->handlers, i - 1);
    g_autoptr (GMatchInfo) match = NULL;

    if (!g_regex_match (handler->regex, line, 0, &match))
      continue;
    onemo_at_port_log_received (self, line, " (URC)");
    g_atomic_int_inc (&handler->ref_count);
    handler->handler (self, line, match, handler->user_data);
    onemo_at_port_urc_handler_unref (handler);
    return TRUE;
  }
  return FALSE;
}

guint
onemo_at_port_add_urc_handler (OnemoAtPort *self, const char *pattern, OnemoAtUrcHandler handler,
                               gpointer user_data, GDestroyNotify destroy)
{
  g_autoptr (GError) error = NULL;
  UrcHandler *entry;
  GRegex *regex;

  g_return_val_if_fail (ONEMO_IS_AT_PORT (self), 0);
  g_return_val_if_fail (pattern != NULL && handler != NULL, 0);

  regex = g_regex_new (pattern, G_REGEX_OPTIMIZE, 0, &error);
  if (regex == NULL) {
    g_critical ("%s: invalid URC pattern %s: %s", self->name, pattern, error->message);
    return 0;
  }
  entry = g_new0 (UrcHandler, 1);
  entry->id = ++self->next_handler_id;
  entry->ref_count = 1;
  entry->regex = regex;
  entry->handler = handler;
  entry->user_data = user_data;
  entry->destroy = destroy;
  g_ptr_array_add (self->handlers, entry);
  return entry->id;
}

void
onemo_at_port_remove_urc_handler (OnemoAtPort *self, guint handler_id)
{
  g_return_if_fail (ONEMO_IS_AT_PORT (self));

  for (guint i = 0; i < self->handlers->len; i++) {
    UrcHandler *entry = g_ptr_array_index (self->handlers, i);
    if (entry->id == handler_id) {
      g_ptr_array_remove_index (self->handlers, i); /* unrefs it */
      return;
    }
  }
}
