/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The JSON writer behind --json: no dependency for a few flat objects. */
#include "fwctl-json.h"

struct _FwctlJson {
  GString *out;
  /* One entry per open object or array: whether it has a member yet. */
  GArray *has_member;
  gboolean after_key;
};

FwctlJson *
fwctl_json_new (void)
{
  FwctlJson *self = g_new0 (FwctlJson, 1);

  self->out = g_string_new (NULL);
  self->has_member = g_array_new (FALSE, FALSE, sizeof (gboolean));
  return self;
}

void
fwctl_json_free (FwctlJson *self)
{
  if (self == NULL)
    return;
  g_string_free (self->out, TRUE);
  g_array_unref (self->has_member);
  g_free (self);
}

void
fwctl_json_escape (GString *out, const char *value)
{
  g_autofree char *valid = g_utf8_make_valid (value != NULL ? value : "", -1);

  g_string_append_c (out, '"');
  for (const char *p = valid; *p != '\0'; p++) {
    guchar c = (guchar)*p;
    switch (c) {
      case '"':
        g_string_append (out, "\\\"");
        break;
      case '\\':
        g_string_append (out, "\\\\");
        break;
      case '\n':
        g_string_append (out, "\\n");
        break;
      case '\r':
        g_string_append (out, "\\r");
        break;
      case '\t':
        g_string_append (out, "\\t");
        break;
      case '\b':
        g_string_append (out, "\\b");
        break;
      case '\f':
        g_string_append (out, "\\f");
        break;
      default:
        if (c < 0x20 || c == 0x7f)
          g_string_append_printf (out, "\\u%04x", c);
        else
          g_string_append_c (out, (char)c);
    }
  }
  g_string_append_c (out, '"');
}

/* Writes the comma that separates this value from the previous one. */
static void
before_value (FwctlJson *self)
{
  if (self->after_key) {
    self->after_key = FALSE;
    return;
  }
  if (self->has_member->len > 0) {
    gboolean *has = &g_array_index (self->has_member, gboolean, self->has_member->len - 1);
    if (*has)
      g_string_append_c (self->out, ',');
    *has = TRUE;
  }
}

static void
open_container (FwctlJson *self, char bracket)
{
  gboolean none = FALSE;

  before_value (self);
  g_string_append_c (self->out, bracket);
  g_array_append_val (self->has_member, none);
}

static void
close_container (FwctlJson *self, char bracket)
{
  g_return_if_fail (self->has_member->len > 0);
  g_array_set_size (self->has_member, self->has_member->len - 1);
  g_string_append_c (self->out, bracket);
}

void
fwctl_json_begin_object (FwctlJson *self)
{
  open_container (self, '{');
}

void
fwctl_json_end_object (FwctlJson *self)
{
  close_container (self, '}');
}

void
fwctl_json_begin_array (FwctlJson *self)
{
  open_container (self, '[');
}

void
fwctl_json_end_array (FwctlJson *self)
{
  close_container (self, ']');
}

void
fwctl_json_key (FwctlJson *self, const char *key)
{
  before_value (self);
  fwctl_json_escape (self->out, key);
  g_string_append_c (self->out, ':');
  self->after_key = TRUE;
}

void
fwctl_json_string (FwctlJson *self, const char *value)
{
  before_value (self);
  fwctl_json_escape (self->out, value);
}

void
fwctl_json_uint (FwctlJson *self, guint64 value)
{
  before_value (self);
  g_string_append_printf (self->out, "%" G_GUINT64_FORMAT, value);
}

void
fwctl_json_int (FwctlJson *self, gint64 value)
{
  before_value (self);
  g_string_append_printf (self->out, "%" G_GINT64_FORMAT, value);
}

void
fwctl_json_bool (FwctlJson *self, gboolean value)
{
  before_value (self);
  g_string_append (self->out, value ? "true" : "false");
}

void
fwctl_json_null (FwctlJson *self)
{
  before_value (self);
  g_string_append (self->out, "null");
}

static void
json_container_variant (FwctlJson *self, GVariant *value)
{
  GVariantIter iter;
  GVariant *child;

  if (g_variant_is_of_type (value, G_VARIANT_TYPE_DICTIONARY)) {
    fwctl_json_begin_object (self);
    g_variant_iter_init (&iter, value);
    while ((child = g_variant_iter_next_value (&iter)) != NULL) {
      g_autoptr (GVariant) key = g_variant_get_child_value (child, 0);
      g_autoptr (GVariant) member = g_variant_get_child_value (child, 1);
      g_autofree char *key_text = g_variant_is_of_type (key, G_VARIANT_TYPE_STRING)
                                      ? g_variant_dup_string (key, NULL)
                                      : g_variant_print (key, FALSE);
      fwctl_json_key (self, key_text);
      fwctl_json_variant (self, member);
      g_variant_unref (child);
    }
    fwctl_json_end_object (self);
    return;
  }
  fwctl_json_begin_array (self);
  g_variant_iter_init (&iter, value);
  while ((child = g_variant_iter_next_value (&iter)) != NULL) {
    fwctl_json_variant (self, child);
    g_variant_unref (child);
  }
  fwctl_json_end_array (self);
}

void
fwctl_json_variant (FwctlJson *self, GVariant *value)
{
  switch (g_variant_classify (value)) {
    case G_VARIANT_CLASS_BOOLEAN:
      fwctl_json_bool (self, g_variant_get_boolean (value));
      return;
    case G_VARIANT_CLASS_BYTE:
      fwctl_json_uint (self, g_variant_get_byte (value));
      return;
    case G_VARIANT_CLASS_UINT16:
      fwctl_json_uint (self, g_variant_get_uint16 (value));
      return;
    case G_VARIANT_CLASS_UINT32:
      fwctl_json_uint (self, g_variant_get_uint32 (value));
      return;
    case G_VARIANT_CLASS_UINT64:
      fwctl_json_uint (self, g_variant_get_uint64 (value));
      return;
    case G_VARIANT_CLASS_INT16:
      fwctl_json_int (self, g_variant_get_int16 (value));
      return;
    case G_VARIANT_CLASS_INT32:
      fwctl_json_int (self, g_variant_get_int32 (value));
      return;
    case G_VARIANT_CLASS_INT64:
      fwctl_json_int (self, g_variant_get_int64 (value));
      return;
    case G_VARIANT_CLASS_STRING:
    case G_VARIANT_CLASS_OBJECT_PATH:
    case G_VARIANT_CLASS_SIGNATURE:
      fwctl_json_string (self, g_variant_get_string (value, NULL));
      return;
    case G_VARIANT_CLASS_VARIANT: {
      g_autoptr (GVariant) inner = g_variant_get_variant (value);
      fwctl_json_variant (self, inner);
      return;
    }
    case G_VARIANT_CLASS_ARRAY:
    case G_VARIANT_CLASS_TUPLE:
      json_container_variant (self, value);
      return;
    default: {
      g_autofree char *text = g_variant_print (value, FALSE);
      fwctl_json_string (self, text);
    }
  }
}

void
fwctl_json_member_string (FwctlJson *self, const char *key, const char *value)
{
  fwctl_json_key (self, key);
  fwctl_json_string (self, value);
}

void
fwctl_json_member_uint (FwctlJson *self, const char *key, guint64 value)
{
  fwctl_json_key (self, key);
  fwctl_json_uint (self, value);
}

void
fwctl_json_member_bool (FwctlJson *self, const char *key, gboolean value)
{
  fwctl_json_key (self, key);
  fwctl_json_bool (self, value);
}

const char *
fwctl_json_get (FwctlJson *self)
{
  return self->out->str;
}
