/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sim-noise.h"

#include <string.h>

/* What cellular modules send on their own. Never +MATREADY or RDY: those mean a reboot, which
 * a host rightly acts on. */
static const char *const noise_urcs[] = {
  "+CEREG: 5",
  "+CEREG: 1,\"1A2B\",\"00C0FFEE\",9",
  "+CSCON: 0",
  "+CSCON: 1",
  "+CGEV: ME PDN ACT 1",
  "+CREG: 1",
  "+CTZV: 26/12/04,20:00:00,+32",
  "^MODE: 17,8",
  "+CPIN: READY",
  "+XNOISE: 7", /* one no table knows */
};

struct _SimNoise {
  GRand *rand;
};

SimNoise *
sim_noise_new (guint32 seed)
{
  SimNoise *self = g_new0 (SimNoise, 1);

  self->rand = g_rand_new_with_seed (seed);
  return self;
}

void
sim_noise_free (SimNoise *self)
{
  if (self == NULL)
    return;
  g_rand_free (self->rand);
  g_free (self);
}

const char *
sim_noise_pick_urc (SimNoise *self)
{
  return noise_urcs[g_rand_int_range (self->rand, 0, G_N_ELEMENTS (noise_urcs))];
}

/* CRLF → CR: what a module set to ATS4=0 or a terse firmware sends. */
static void
cr_only (GString *text)
{
  gsize out = 0;

  for (gsize i = 0; i < text->len; i++) {
    if (text->str[i] == '\n' && i > 0 && text->str[i - 1] == '\r')
      continue;
    text->str[out++] = text->str[i];
  }
  g_string_truncate (text, out);
}

/* Whether a framed line ("\r\nOK\r\n", "\r\n>") starts at @i of @text. */
static gboolean
frame_starts_at (const GString *text, gsize i)
{
  return i + 1 < text->len && text->str[i] == '\r' && text->str[i + 1] == '\n'
         && (i == 0 || text->str[i - 1] == '\n');
}

void
sim_noise_shape (SimNoise *self, GString *answer)
{
  g_autoptr (GString) shaped = g_string_sized_new (answer->len + 64);

  /* One time in three, a URC comes before a framed line. */
  for (gsize i = 0; i < answer->len; i++) {
    if (frame_starts_at (answer, i) && g_rand_int_range (self->rand, 0, 3) == 0)
      g_string_append_printf (shaped, "\r\n%s\r\n", sim_noise_pick_urc (self));
    g_string_append_c (shaped, answer->str[i]);
  }
  cr_only (shaped);
  g_string_truncate (answer, 0);
  g_string_append_len (answer, shaped->str, (gssize)shaped->len);
}

char *
sim_noise_maybe_urc (SimNoise *self)
{
  if (g_rand_int_range (self->rand, 0, 3) != 0)
    return NULL;
  return g_strdup_printf ("\r%s\r", sim_noise_pick_urc (self));
}

guint
sim_noise_next_gap_ms (SimNoise *self)
{
  return (guint)g_rand_int_range (self->rand, 200, 1500);
}
