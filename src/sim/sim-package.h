/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The simulator's firmware package: a small documented format (docs/package-format.md) with a
 * header naming the target series and the revision it installs, and a SHA-256 of the body, so
 * that the simulated module can refuse a corrupt, truncated or wrong-model package with 854
 * exactly where a real module validates its package (AT+MFWUPGRADE).
 */

typedef struct {
  char *series;        /* "ML307A" */
  char *revision;      /* the revision the module reports after the upgrade */
  char *base_revision; /* for a differential package, the revision it applies to; NULL = any */
  gboolean differential;
  gsize body_length;
} SimPackageInfo;

void sim_package_info_clear (SimPackageInfo *info);

/* Builds a package whose body is @body_length deterministic pseudo-random bytes. */
GBytes *sim_package_make (const char *series, const char *revision, const char *base_revision,
                          gboolean differential, gsize body_length, GError **error);

/**
 * sim_package_validate:
 * @series: the module's series; the package must target it
 * @current_revision: the module's revision, checked against a differential package's base
 *
 * Fails with ONEMO_ERROR_UPGRADE (854) when the package is truncated, corrupt, for another
 * series or for another base revision; fills @out_info (may be NULL) on success.
 */
gboolean sim_package_validate (const guint8 *data, gsize length, const char *series,
                               const char *current_revision, SimPackageInfo *out_info,
                               GError **error);

G_END_DECLS
