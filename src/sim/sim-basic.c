/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The few standard 3GPP commands (27.007, V.250) a host such as ModemManager needs before it
 * accepts a module as a modem: result codes, capabilities, SIM and radio state, IMSI. The
 * simulated module has a ready SIM and its radio on.
 */
#include "sim-modem-private.h"

#define SIM_IMSI "460080000000001"

gboolean
sim_basic_answer (SimModem *self, const OnemoAtCommandLine *cmd)
{
  const char *name = cmd->name;
  gboolean query = cmd->form == ONEMO_AT_FORM_READ;
  gboolean execute = cmd->form == ONEMO_AT_FORM_EXECUTE;

  if (g_str_equal (name, "V1") || g_str_equal (name, "V")) {
    /* Verbose result codes are what it always sends; ATV0 (numeric) is not simulated. */
  } else if (execute && g_str_equal (name, "+GCAP")) {
    sim_modem_reply_line (self, "+GCAP: +CGSM");
  } else if (query && g_str_equal (name, "+CPIN")) {
    sim_modem_reply_line (self, "+CPIN: READY");
  } else if (query && g_str_equal (name, "+CFUN")) {
    sim_modem_reply_line (self, "+CFUN: 1");
  } else if (execute && g_str_equal (name, "+CIMI")) {
    sim_modem_reply_line (self, "%s", SIM_IMSI);
  } else {
    return FALSE;
  }
  sim_modem_reply_ok (self);
  return TRUE;
}
