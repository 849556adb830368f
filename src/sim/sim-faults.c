/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sim-faults.h"

#include "onemo-error.h"
#include "onemo-model.h"

#include <string.h>

typedef struct {
  char *prefix;
  gint code;
} SimFaultError;

static void
fault_error_free (gpointer data)
{
  SimFaultError *fault = data;

  g_free (fault->prefix);
  g_free (fault);
}

SimFaults *
sim_faults_new (void)
{
  SimFaults *self = g_new0 (SimFaults, 1);

  self->silent = g_ptr_array_new_with_free_func (g_free);
  self->garbage = g_ptr_array_new_with_free_func (g_free);
  self->errors = g_ptr_array_new_with_free_func (fault_error_free);
  self->flood = g_ptr_array_new_with_free_func (g_free);
  self->cfg_unreadable = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return self;
}

void
sim_faults_free (SimFaults *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->silent);
  g_ptr_array_unref (self->garbage);
  g_ptr_array_unref (self->errors);
  g_ptr_array_unref (self->flood);
  g_hash_table_unref (self->cfg_unreadable);
  g_free (self->cgmm);
  g_free (self);
}

gboolean
sim_faults_add_error (SimFaults *self, const char *spec, GError **error)
{
  const char *equals = strrchr (spec, '=');
  guint64 code;
  SimFaultError *fault;

  if (equals == NULL || equals == spec
      || !g_ascii_string_to_unsigned (equals + 1, 10, 0, 9999, &code, NULL)) {
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT,
                 "--error wants CMD=CODE, e.g. AT+MFWUPGRADE=854, not “%s”", spec);
    return FALSE;
  }
  fault = g_new0 (SimFaultError, 1);
  fault->prefix = g_strndup (spec, equals - spec);
  fault->code = (gint)code;
  g_ptr_array_add (self->errors, fault);
  return TRUE;
}

/* ---- readings of the manual: AT+MFWCFG answers and test forms ---- */

/* @name's index in @names, or -1. */
static gint
name_index (const char *const *names, const char *name)
{
  for (gint i = 0; names[i] != NULL; i++)
    if (g_str_equal (names[i], name))
      return i;
  return -1;
}

gboolean
sim_faults_set_cfg_values (SimFaults *self, const char *how, GError **error)
{
  static const char *const names[] = { "quoted", "bare", NULL };
  gint i = name_index (names, how);

  if (i < 0) {
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT,
                 "--cfg-values wants quoted or bare, not “%s”", how);
    return FALSE;
  }
  self->cfg_bare = i == 1;
  return TRUE;
}

gboolean
sim_faults_add_cfg_unreadable (SimFaults *self, const char *spec, GError **error)
{
  static const char *const names[] = { "", "garbage", "error", NULL };
  const char *equals = strchr (spec, '=');
  g_autofree char *key = equals != NULL ? g_ascii_strdown (spec, equals - spec) : NULL;
  gint how = equals != NULL ? name_index (names, equals + 1) : -1;

  if (how <= 0 || !onemo_cfg_key_features (key)) {
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT,
                 "--cfg-unreadable wants KEY=garbage or KEY=error, e.g. timeout=garbage, not “%s”",
                 spec);
    return FALSE;
  }
  g_hash_table_replace (self->cfg_unreadable, g_steal_pointer (&key), GINT_TO_POINTER (how));
  return TRUE;
}

gboolean
sim_faults_set_test_form (SimFaults *self, const char *shape, GError **error)
{
  static const char *const names[] = { "list", "per-key", "error", "ok", "garbage", NULL };
  gint i = name_index (names, shape);

  if (i < 0) {
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT,
                 "--test-form wants list, per-key, error, ok or garbage, not “%s”", shape);
    return FALSE;
  }
  self->test_form = (SimTestForm)i;
  return TRUE;
}

SimCfgUnreadable
sim_faults_cfg_unreadable (const SimFaults *self, const char *key)
{
  return (SimCfgUnreadable)GPOINTER_TO_INT (g_hash_table_lookup (self->cfg_unreadable, key));
}

/* ---- per-command faults ---- */

static gboolean
line_starts_with (const char *line, const char *prefix)
{
  return g_ascii_strncasecmp (line, prefix, strlen (prefix)) == 0;
}

static gboolean
any_prefix (GPtrArray *prefixes, const char *line)
{
  for (guint i = 0; i < prefixes->len; i++)
    if (line_starts_with (line, g_ptr_array_index (prefixes, i)))
      return TRUE;
  return FALSE;
}

SimFaultKind
sim_faults_match (const SimFaults *self, const char *line, gint *out_code)
{
  if (any_prefix (self->silent, line))
    return SIM_FAULT_SILENT;
  if (any_prefix (self->garbage, line))
    return SIM_FAULT_GARBAGE;
  if (any_prefix (self->flood, line))
    return SIM_FAULT_FLOOD;
  for (guint i = 0; i < self->errors->len; i++) {
    SimFaultError *fault = g_ptr_array_index (self->errors, i);
    if (line_starts_with (line, fault->prefix)) {
      *out_code = fault->code;
      return SIM_FAULT_ERROR;
    }
  }
  return SIM_FAULT_NONE;
}

GString *
sim_faults_flood (const char *command)
{
  GString *flood = g_string_new (NULL);
  gsize name_len = strcspn (command, "=?");
  g_autofree char *prefix = command[2] == '+'
                                ? g_strdup_printf ("%.*s: ", (int)name_len - 2, command + 2)
                                : g_strdup ("");

  for (guint i = 0; i < SIM_FAULTS_FLOOD_LINES; i++)
    g_string_append_printf (flood, "\r\n%sFLOOD %06u\r\n", prefix, i);
  return flood;
}

GBytes *
sim_faults_garbage (void)
{
  GByteArray *bytes = g_byte_array_new ();
  guint32 seed = 0x5eed1234;
  guint8 zeros[16] = { 0 };

  /* Deterministic noise, so a failing test fails the same way twice. */
  for (guint i = 0; i < 256; i++) {
    guint8 byte;
    seed = seed * 1103515245 + 12345;
    byte = (guint8)(seed >> 16);
    g_byte_array_append (bytes, &byte, 1);
  }
  g_byte_array_append (bytes, zeros, sizeof zeros);
  g_byte_array_append (bytes, (const guint8 *)"\r\n", 2);
  for (guint i = 0; i < 5000; i++)
    g_byte_array_append (bytes, (const guint8 *)"X", 1);
  g_byte_array_append (bytes, (const guint8 *)"\r\n", 2);
  return g_byte_array_free_to_bytes (bytes);
}
