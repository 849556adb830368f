/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * "config KEY=VALUE": url, user and password are strings; timeout, mode, progind, ssl and
 * pkgsize are unsigned numbers ("mode" also takes "differential" and "full"). A bad argument is
 * FWCTL_ERROR_USAGE; the service checks the ranges.
 */
gboolean fwctl_setting_parse (const char *argument, char **out_key, GVariant **out_value,
                              GError **error);

/* @n_arguments arguments (-1: NULL-terminated) into an a{sv}; "password" from @password when
 * not NULL. */
GVariant *fwctl_settings_parse_all (const char *const *arguments, gssize n_arguments,
                                    const char *password, GError **error);

/* Whether @module_id names the module at @object_path: its path, its last number, its IMEI or
 * its port ("/dev/ttyUSB2" or "ttyUSB2"). */
gboolean fwctl_module_id_matches (const char *module_id, const char *object_path, const char *imei,
                                  const char *port);

G_END_DECLS
