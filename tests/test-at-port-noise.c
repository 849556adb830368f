/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Real modules send unsolicited lines at any moment. Every command the service sends, answered
 * as a module answers it, with a URC inserted at every position of the answer (before the echo,
 * after it, between information lines, before the final result), with CRLF or CR-only line
 * ends, delivered at once or one byte at a time: the command gets exactly its own answer, and
 * the URC reaches its handler. */
#include "engine-harness.h"
#include "onemo-error.h"

#include <string.h>

typedef struct {
  const char *command;
  const char *info[4]; /* the answer's information lines, NULL-terminated */
  const char *final;
} Exchange;

static const Exchange exchanges[] = {
  { "ATE0", { NULL }, "OK" },
  { "AT+CMEE=1", { NULL }, "OK" },
  { "AT", { NULL }, "OK" },
  { "ATI", { "CMCC", "MN316", "MN316-DBRS-MBRH0C00", NULL }, "OK" },
  { "AT+CGMI", { "CMCC", NULL }, "OK" },
  { "AT+CGMM", { "ML307A", NULL }, "OK" },
  { "AT+CGMR", { "ML307A-DSLN-MBRH1S00", NULL }, "OK" },
  { "AT+CGMR", { "Revision: ML302S-DNLM-MBRH0S00", NULL }, "OK" },
  { "AT+CGSN", { "869487060000001", NULL }, "OK" },
  { "AT+CGSN", { "+CGSN: 869487060000001", NULL }, "OK" },
  { "AT+MFWCFG=\"url\",\"http://192.0.2.1/fw.bin\"", { NULL }, "OK" },
  { "AT+MFWCFG=\"url\"", { "+MFWCFG: \"url\",\"http://192.0.2.1/fw.bin\"", NULL }, "OK" },
  { "AT+MFWCFG=\"timeout\"", { "+MFWCFG: \"timeout\",60", NULL }, "OK" },
  { "AT+MFWCFG=?",
    { "+MFWCFG: \"url\"", "+MFWCFG: \"auth\"", "+MFWCFG: \"timeout\",(30-180)", NULL },
    "OK" },
  { "AT+MFWCHECK=2",
    { "+MFWCHECK: 5F3D2A0C9D2B7C6C0E61A9F2B8E4D1C3A7B6E5F4D3C2B1A09F8E7D6C5B4A3928", NULL },
    "OK" },
  { "AT+MFWCHECK=2", { NULL }, "+CME ERROR: 854" },
  { "AT+MFWDLOAD", { NULL }, "OK" },
  { "AT+MFWDLOAD?", { "+MFWDLOAD: 1,49630,2048", NULL }, "OK" },
  { "AT+MFWDLOAD=0,4,\"01020304\"", { NULL }, "OK" },
  { "AT+MFWERASE", { NULL }, "OK" },
  { "AT+MFWUPGRADE", { NULL }, "OK" },
};

static const char *const urcs[] = {
  "+CEREG: 5", "+CSCON: 0",    "+CGEV: ME PDN ACT 1",          "RDY",        "^MODE: 17,8",
  "+MATREADY", "+CPIN: READY", "+CTZV: 24/12/04,12:00:00,+32", "+XNEW: 1,2",
};

typedef struct {
  const Exchange *exchange;
  guint urc_position; /* 0: before the echo, 1: after it, 2 + k: before info line k or the final */
  const char *urc;
  const char *eol;
} Script;

static void
send_line (EnginePeer *peer, const char *eol, const char *line)
{
  g_autofree char *framed = g_strconcat (eol, line, eol, NULL);
  engine_peer_send (peer, framed);
}

static void
script_handler (EnginePeer *peer, const char *command, gpointer user_data)
{
  const Script *script = user_data;
  const Exchange *e = script->exchange;
  guint n_info = g_strv_length ((char **)e->info);
  g_autofree char *echo = g_strconcat (command, "\r", NULL);

  g_assert_cmpstr (command, ==, e->command);
  for (guint position = 0; position <= n_info + 2; position++) {
    if (position == script->urc_position)
      send_line (peer, script->eol, script->urc);
    if (position == 0)
      engine_peer_send (peer, echo); /* a module echoes what it was typed, CR and all */
    else if (position >= 2 && position - 2 < n_info)
      send_line (peer, script->eol, e->info[position - 2]);
    else if (position == n_info + 2)
      send_line (peer, script->eol, e->final);
  }
}

static void
on_urc (OnemoAtPort *port, const char *line, GMatchInfo *match, gpointer user_data)
{
  g_ptr_array_add (user_data, g_strdup (line));
}

/* The port in the middle of a run: the expected outcome of @script, and the URC delivered. */
static void
assert_exchange (OnemoAtPort *port, const Script *script, GPtrArray *heard)
{
  const Exchange *e = script->exchange;
  EngineResult r = { 0 };
  g_autofree char *what
      = g_strdup_printf ("%s with %s at %u", e->command, script->urc, script->urc_position);

  g_ptr_array_set_size (heard, 0);
  engine_run_command (port, e->command, 3000, &r);
  if (g_str_has_prefix (e->final, "+CME ERROR"))
    g_assert_error (r.error, ONEMO_ERROR, ONEMO_ERROR_UPGRADE);
  else {
    g_assert_no_error (r.error);
    engine_assert_lines (r.lines, e->info);
  }
  engine_wait_for_lines (heard, 1, what);
  g_assert_cmpuint (heard->len, ==, 1);
  g_assert_cmpstr (heard->pdata[0], ==, script->urc);
  engine_result_clear (&r);
}

static void
run_all (gboolean drip, const char *eol)
{
  g_autoptr (EnginePeer) peer = engine_peer_new ();
  g_autoptr (OnemoAtPort) port = NULL;
  g_autoptr (GPtrArray) heard = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  Script script = { .eol = eol };
  guint runs = 0;

  engine_peer_set_echo (peer, FALSE); /* the script echoes, so that a URC can come first */
  engine_peer_set_drip (peer, drip);
  engine_peer_set_handler (peer, script_handler, &script);
  port = onemo_at_port_open (engine_peer_slave_path (peer), 115200, FALSE, &error);
  g_assert_no_error (error);
  onemo_at_port_add_urc_handler (port, ".", on_urc, heard, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (exchanges); i++) {
    guint n_positions = g_strv_length ((char **)exchanges[i].info) + 3;

    script.exchange = &exchanges[i];
    for (guint position = 0; position < n_positions; position++, runs++) {
      script.urc_position = position;
      script.urc = urcs[runs % G_N_ELEMENTS (urcs)];
      assert_exchange (port, &script, heard);
    }
  }
  g_test_message ("%u exchanges, each with a URC", runs);
}

static void
test_noise_crlf (void)
{
  run_all (FALSE, "\r\n");
}

static void
test_noise_cr_only (void)
{
  run_all (FALSE, "\r");
}

static void
test_noise_crlf_dripped (void)
{
  run_all (TRUE, "\r\n");
}

static void
test_noise_cr_only_dripped (void)
{
  run_all (TRUE, "\r");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/at/port/noise/crlf", test_noise_crlf);
  g_test_add_func ("/at/port/noise/cr-only", test_noise_cr_only);
  g_test_add_func ("/at/port/noise/crlf-one-byte-at-a-time", test_noise_crlf_dripped);
  g_test_add_func ("/at/port/noise/cr-only-one-byte-at-a-time", test_noise_cr_only_dripped);
  return g_test_run ();
}
