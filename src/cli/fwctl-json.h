/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * A small JSON writer for --json output: one document per call site, keys in the order written.
 * Commas are placed by the writer; strings are escaped (RFC 8259) and made valid UTF-8.
 */
typedef struct _FwctlJson FwctlJson;

FwctlJson *fwctl_json_new (void);
void fwctl_json_free (FwctlJson *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FwctlJson, fwctl_json_free)

void fwctl_json_begin_object (FwctlJson *self);
void fwctl_json_end_object (FwctlJson *self);
void fwctl_json_begin_array (FwctlJson *self);
void fwctl_json_end_array (FwctlJson *self);

/* Names the next value inside an object. */
void fwctl_json_key (FwctlJson *self, const char *key);

void fwctl_json_string (FwctlJson *self, const char *value);
void fwctl_json_uint (FwctlJson *self, guint64 value);
void fwctl_json_int (FwctlJson *self, gint64 value);
void fwctl_json_bool (FwctlJson *self, gboolean value);
void fwctl_json_null (FwctlJson *self);
/* Basic types, strings, object paths, arrays and dictionaries; anything else as its text. */
void fwctl_json_variant (FwctlJson *self, GVariant *value);

/* Shorthands for a key and its value. */
void fwctl_json_member_string (FwctlJson *self, const char *key, const char *value);
void fwctl_json_member_uint (FwctlJson *self, const char *key, guint64 value);
void fwctl_json_member_bool (FwctlJson *self, const char *key, gboolean value);

/* The text written so far. */
const char *fwctl_json_get (FwctlJson *self);

/* Appends @value as a quoted, escaped JSON string. */
void fwctl_json_escape (GString *out, const char *value);

G_END_DECLS
