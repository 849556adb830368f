/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fwctl-args.h"

#include <string.h>

typedef struct {
  const char *name;
  gboolean takes_value;
} GlobalOption;

/* onemo-fwctl.c's global options; no command has an option of these names. */
static const GlobalOption globals[] = {
  { "--session", FALSE }, { "--json", FALSE },
  { "--quiet", FALSE },   { "-q", FALSE },
  { "--version", FALSE }, { "--module", TRUE },
  { "-m", TRUE },         { "--timeout", TRUE },
  { "-t", TRUE },         { "--no-ask-password", FALSE },
};

/* How many arguments the global option at @arg spans (1 or 2), or 0 when it is none. */
static guint
global_span (const char *arg)
{
  for (guint i = 0; i < G_N_ELEMENTS (globals); i++) {
    gsize len = strlen (globals[i].name);

    if (strncmp (arg, globals[i].name, len) != 0)
      continue;
    if (arg[len] == '\0')
      return globals[i].takes_value ? 2 : 1;
    /* --module=ID, -mID */
    if (globals[i].takes_value && (arg[len] == '=' || globals[i].name[1] != '-'))
      return 1;
  }
  return 0;
}

char **
fwctl_args_hoist_globals (int argc, char **argv)
{
  g_autoptr (GPtrArray) front = g_ptr_array_new ();
  g_autoptr (GPtrArray) rest = g_ptr_array_new ();
  int i = 1;

  g_return_val_if_fail (argc >= 1 && argv != NULL, NULL);

  g_ptr_array_add (front, g_strdup (argv[0]));
  while (i < argc) {
    guint span = global_span (argv[i]);

    if (strcmp (argv[i], "--") == 0)
      break;
    if (span == 0) {
      g_ptr_array_add (rest, g_strdup (argv[i++]));
      continue;
    }
    for (guint k = 0; k < span && i < argc; k++)
      g_ptr_array_add (front, g_strdup (argv[i++]));
  }
  while (i < argc)
    g_ptr_array_add (rest, g_strdup (argv[i++]));
  for (guint k = 0; k < rest->len; k++)
    g_ptr_array_add (front, rest->pdata[k]);
  g_ptr_array_add (front, NULL);
  return (char **)g_ptr_array_free (g_steal_pointer (&front), FALSE);
}
