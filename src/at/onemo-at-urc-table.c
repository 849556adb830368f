/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "onemo-at-urc-table.h"

#include <string.h>

/*
 * URCs that cellular modules of this family (and their ASR, UNISOC and NB-IoT chipsets) are
 * known to send while a host talks to them. Any other "+NAME: …" line is routed as a URC too;
 * this table lets a bare word (RDY) be told from an answer, and names what the logs show.
 */
static const char *const known_urcs[] = {
  /* registration and connection */
  "+CEREG",
  "+CREG",
  "+CGREG",
  "+C5GREG",
  "+CSCON",
  "+CGEV",
  "+CEDRXP",
  "+CPSMSTATUS",
  "+NPSMR",
  /* SIM, time, calls, messages */
  "+CPIN",
  "+CTZV",
  "+CTZE",
  "+CTZEU",
  "+CMTI",
  "+CMT",
  "+CDS",
  "+CRING",
  "+CLIP",
  "RING",
  /* boot and power */
  "+MATREADY",
  "+PBREADY",
  "RDY",
  "NORMAL POWER DOWN",
  "+CFUN",
  /* the firmware commands' own reports */
  "+MFWDLOAD",
  "+MFWUPGRADE",
};

/* Execute forms that answer OK and then report progress under their own name. */
static const char *const reporting_commands[] = { "+MFWDLOAD", "+MFWUPGRADE" };

/* "+NAME" followed by the end of the line or ':'; the length of "+NAME", or 0. */
static gsize
extended_name_length (const char *line)
{
  gsize len = 1;

  if (line[0] != '+' || !g_ascii_isalpha (line[1]))
    return 0;
  while (g_ascii_isalnum (line[len]) || line[len] == '_')
    len++;
  return line[len] == '\0' || line[len] == ':' ? len : 0;
}

const char *
onemo_at_urc_known_name (const char *line)
{
  g_return_val_if_fail (line != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (known_urcs); i++) {
    const char *name = known_urcs[i];
    gsize len = strlen (name);

    if (g_ascii_strncasecmp (line, name, len) != 0)
      continue;
    /* "+CREG" must not claim "+CREGX: 1"; a bare word is the whole line. */
    if (line[len] == '\0' || (name[0] == '+' && line[len] == ':'))
      return name;
  }
  return NULL;
}

gboolean
onemo_at_urc_looks_unsolicited (const char *line)
{
  g_return_val_if_fail (line != NULL, FALSE);

  return line[0] == '^' || extended_name_length (line) > 0
         || onemo_at_urc_known_name (line) != NULL;
}

void
onemo_at_answer_shape_init (OnemoAtAnswerShape *shape, const char *command)
{
  const char *name;
  gsize name_len;

  g_return_if_fail (shape != NULL && command != NULL);

  memset (shape, 0, sizeof *shape);
  if (g_ascii_strncasecmp (command, "AT", 2) != 0 || strchr ("+^$%", command[2]) == NULL
      || command[2] == '\0')
    return;
  name = command + 2;
  name_len = strcspn (name, "=?;");
  shape->prefix = g_strdup_printf ("%.*s:", (int)name_len, name);
  shape->prefixed_only = name[name_len] == '=' || name[name_len] == '?';
  for (guint i = 0; i < G_N_ELEMENTS (reporting_commands) && !shape->prefixed_only; i++)
    shape->reports_by_urc |= strlen (reporting_commands[i]) == name_len
                             && g_ascii_strncasecmp (name, reporting_commands[i], name_len) == 0;
}

void
onemo_at_answer_shape_clear (OnemoAtAnswerShape *shape)
{
  g_return_if_fail (shape != NULL);
  g_clear_pointer (&shape->prefix, g_free);
}

gboolean
onemo_at_answer_shape_takes (const OnemoAtAnswerShape *shape, const char *line)
{
  g_return_val_if_fail (shape != NULL && line != NULL, FALSE);

  if (shape->prefix != NULL
      && g_ascii_strncasecmp (line, shape->prefix, strlen (shape->prefix)) == 0)
    return !shape->reports_by_urc;
  if (shape->prefixed_only)
    return FALSE;
  return !onemo_at_urc_looks_unsolicited (line);
}
