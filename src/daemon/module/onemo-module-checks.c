/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The checks every flow makes before it touches the module: a capability the sub-model has,
 * arguments that make sense. */
#include "onemo-module.h"

gboolean
onemo_module_require (OnemoModule *self, OnemoFeature feature, const char *what, GError **error)
{
  if (onemo_model_supports (onemo_module_get_model (self), feature))
    return TRUE;
  g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_NOT_SUPPORTED, "%s cannot %s",
               onemo_module_get_model (self)->sub_model, what);
  return FALSE;
}

gboolean
onemo_set_invalid (GError **error, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT, message);
  return FALSE;
}
