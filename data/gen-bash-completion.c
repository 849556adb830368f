/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Writes onemo-fwctl's bash completion from its template, with the sub-models of the model
 * table in place of @SUB_MODELS@, so that a new sub-model needs no second edit.
 * Usage: gen-bash-completion TEMPLATE OUTPUT */
#include "onemo-model.h"

#include <stdio.h>

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *template = NULL;
  g_autoptr (GString) names = g_string_new (NULL);
  g_autoptr (GString) out = NULL;

  if (argc != 3) {
    fprintf (stderr, "usage: %s TEMPLATE OUTPUT\n", argv[0]);
    return 2;
  }
  if (!g_file_get_contents (argv[1], &template, NULL, &error)) {
    fprintf (stderr, "%s\n", error->message);
    return 1;
  }
  for (const OnemoModel *m = onemo_model_table (); m->sub_model != NULL; m++)
    g_string_append_printf (names, "%s%s", names->len > 0 ? " " : "", m->sub_model);
  out = g_string_new (template);
  if (g_string_replace (out, "@SUB_MODELS@", names->str, 0) != 1) {
    fprintf (stderr, "%s: no single @SUB_MODELS@ to replace\n", argv[1]);
    return 1;
  }
  if (!g_file_set_contents (argv[2], out->str, (gssize)out->len, &error)) {
    fprintf (stderr, "%s\n", error->message);
    return 1;
  }
  return 0;
}
