/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * --noise SEED: the simulated module behaves like a module on a live network. Its answers get
 * unsolicited lines (+CEREG, +CSCON, +CGEV, ^MODE …) at random positions: before the echo,
 * between information lines, before the final result and the `>` prompt; its line ends are CR
 * only; and its link delivers output in random pieces of 1–8 bytes (sim-link.c). The same seed
 * plays the same noise.
 */
typedef struct _SimNoise SimNoise;

SimNoise *sim_noise_new (guint32 seed);
void sim_noise_free (SimNoise *self);

/* Rewrites @answer (framed CRLF…CRLF lines, maybe a prompt) before it is sent: URCs between
 * its lines, CR-only line ends. */
void sim_noise_shape (SimNoise *self, GString *answer);

/* A URC line (unframed) for the module to send out of the blue. */
const char *sim_noise_pick_urc (SimNoise *self);

/* How long until the next URC out of the blue: 0.2–1.5 s. */
guint sim_noise_next_gap_ms (SimNoise *self);

/* A framed URC to send before an echo, or NULL (most of the time). Free it. */
char *sim_noise_maybe_urc (SimNoise *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SimNoise, sim_noise_free)

G_END_DECLS
