/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>
#include <stdlib.h>

/* A promise of the code under test, broken: libFuzzer reports the abort with its input. */
static inline void
require (gboolean condition)
{
  if (!condition)
    abort ();
}
