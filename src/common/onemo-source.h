/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Destroys and forgets *@source (a timeout, a cancellable's source …) if it is set: it will not
 * fire, even when the main loop already has it pending. */
static inline void
onemo_source_drop (GSource **source)
{
  if (*source != NULL) {
    g_source_destroy (*source);
    g_clear_pointer (source, g_source_unref);
  }
}

G_END_DECLS
