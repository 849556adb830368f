/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sim-readings-dload.h"

#include "onemo-error.h"

GOptionEntry *
sim_dload_readings_entries (SimDloadReadings *r)
{
  static GOptionEntry entries[] = {
    { "file-no-report", 0, 0, G_OPTION_ARG_NONE, NULL,
      "AT+MFWDLOAD of a file:// url answers OK once loaded and sends no +MFWDLOAD report "
      "(the manual's example)",
      NULL },
    { "dload-total", 0, 0, G_OPTION_ARG_STRING, NULL,
      "Which +MFWDLOAD reports carry <total>: always (when known), no-final (the final 2 "
      "leaves it out), never",
      "WHEN" },
    { "drop-every", 0, 0, G_OPTION_ARG_INT64, NULL,
      "Every download attempt loses its link after N more bytes: +MFWDLOAD: 3, then 0 where "
      "the model resumes",
      "N" },
    { "resume-delay-ms", 0, 0, G_OPTION_ARG_INT, NULL,
      "+MFWDLOAD: 0 comes N ms after the 3 (AT+MFWDLOAD? says 3 meanwhile)", "N" },
    { "no-resume-urc", 0, 0, G_OPTION_ARG_NONE, NULL,
      "A resumable interruption never reports +MFWDLOAD: 0; AT+MFWDLOAD? answers state 0", NULL },
    { "erase-clears-config", 0, 0, G_OPTION_ARG_NONE, NULL,
      "AT+MFWERASE also forgets the configured url and auth", NULL },
    { "check-local-only", 0, 0, G_OPTION_ARG_NONE, NULL,
      "AT+MFWCHECK answers ERROR for a package the module downloaded itself", NULL },
    { NULL },
  };
  gpointer targets[]
      = { &r->file_no_report, &r->total_arg,           &r->drop_every,      &r->resume_delay_ms,
          &r->no_resume_urc,  &r->erase_clears_config, &r->check_local_only };

  G_STATIC_ASSERT (G_N_ELEMENTS (targets) == G_N_ELEMENTS (entries) - 1);
  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    entries[i].arg_data = targets[i];
  return entries;
}

gboolean
sim_dload_readings_check (SimDloadReadings *r, GError **error)
{
  static const char *const totals[] = { "always", "no-final", "never" };
  guint i;

  if (r->drop_every < 0 || r->resume_delay_ms < 0) {
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT,
                 "--drop-every and --resume-delay-ms take positive numbers");
    return FALSE;
  }
  if (r->total_arg == NULL) {
    r->total = SIM_DLOAD_TOTAL_ALWAYS;
    return TRUE;
  }
  for (i = 0; i < G_N_ELEMENTS (totals) && !g_str_equal (r->total_arg, totals[i]); i++)
    ;
  if (i == G_N_ELEMENTS (totals)) {
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT,
                 "--dload-total takes always, no-final or never, not “%s”", r->total_arg);
    return FALSE;
  }
  r->total = (SimDloadTotal)i;
  return TRUE;
}

void
sim_dload_readings_clear (SimDloadReadings *r)
{
  g_clear_pointer (&r->total_arg, g_free);
}
