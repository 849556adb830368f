/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The AT port's URC handlers over a pty against a scripted peer: which lines are URCs and
 * which a command's own response, the newest handler first, a handler removing itself. */
#include "engine-harness.h"

/* ---- URCs ---- */

typedef struct {
  GPtrArray *lines;
  const char *tag;
} UrcLog;

static void
on_urc (OnemoAtPort *port, const char *line, GMatchInfo *match, gpointer user_data)
{
  UrcLog *log = user_data;

  g_assert_true (g_match_info_matches (match));
  g_ptr_array_add (log->lines, g_strdup_printf ("%s:%s", log->tag, line));
}

static void
test_urcs (void)
{
  g_autoptr (EnginePeer) peer = engine_peer_new ();
  g_autoptr (OnemoAtPort) port = NULL;
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  UrcLog dload = { lines, "dload" }, any = { lines, "any" }, ready = { lines, "ready" };
  static const char *const check[] = { "+MFWCHECK: 5156E9D92129AA04B3488A991AED40C4", NULL };
  static const char *const read_form[] = { "+MFWDLOAD: 1,100,50", NULL };
  EngineResult r = { 0 };
  guint any_id;

  engine_peer_set_handler (peer, engine_script_handler, NULL);
  /* A boot URC waiting before the port opens is not flushed away. */
  engine_peer_send (peer, "\r\n+MATREADY\r\n");
  port = onemo_at_port_open (engine_peer_slave_path (peer), 115200, FALSE, &error);
  g_assert_no_error (error);
  onemo_at_port_add_urc_handler (port, "^\\+MATREADY$", on_urc, &ready, NULL);
  onemo_at_port_add_urc_handler (port, "^\\+MFWDLOAD: (\\d),", on_urc, &dload, NULL);
  engine_wait_for_lines (lines, 1, "+MATREADY");
  g_assert_cmpstr (lines->pdata[0], ==, "ready:+MATREADY");

  /* Execute form: its +MFWDLOAD lines are URCs, before and after OK. */
  engine_run_command (port, "AT+MFWDLOAD", 1000, &r);
  g_assert_no_error (r.error);
  g_assert_cmpuint (g_strv_length (r.lines), ==, 0);
  engine_wait_for_lines (lines, 3, "+MFWDLOAD URCs");
  g_assert_cmpstr (lines->pdata[1], ==, "dload:+MFWDLOAD: 1,100,50");
  g_assert_cmpstr (lines->pdata[2], ==, "dload:+MFWDLOAD: 2,100,100");

  /* Read form: the same line is the command's own response. */
  engine_run_command (port, "AT+MFWDLOAD?", 1000, &r);
  g_assert_no_error (r.error);
  engine_assert_lines (r.lines, read_form);
  g_assert_cmpuint (lines->len, ==, 3);

  /* Other URCs between the echo and the final result go to their handlers; the latest
   * handler is tried first. */
  any_id = onemo_at_port_add_urc_handler (port, "^\\+M", on_urc, &any, NULL);
  engine_run_command (port, "AT+MFWCHECK=0", 1000, &r);
  g_assert_no_error (r.error);
  engine_assert_lines (r.lines, check);
  g_assert_cmpuint (lines->len, ==, 5);
  g_assert_cmpstr (lines->pdata[3], ==, "any:+MFWUPGRADE: 1,10");
  g_assert_cmpstr (lines->pdata[4], ==, "any:+MATREADY");

  onemo_at_port_remove_urc_handler (port, any_id);
  engine_peer_send (peer, "\r\n+MATREADY\r\n+UNKNOWN: 1\r\n");
  engine_run_command (port, "AT", 1000, &r);
  g_assert_cmpuint (lines->len, ==, 6);
  g_assert_cmpstr (lines->pdata[5], ==, "ready:+MATREADY");
  engine_result_clear (&r);
  g_clear_object (&port);
}

/* A handler may remove itself; its destroy notify runs once, after it returned. */
static guint destroyed;

static void
count_destroy (gpointer data)
{
  destroyed++;
}

typedef struct {
  guint id;
  guint calls;
} SelfRemoving;

static void
on_urc_remove_self (OnemoAtPort *port, const char *line, GMatchInfo *match, gpointer user_data)
{
  SelfRemoving *s = user_data;

  s->calls++;
  onemo_at_port_remove_urc_handler (port, s->id);
  g_assert_cmpuint (destroyed, ==, 0);
}

static void
test_urc_handler_removes_itself (EngineFixture *f, gconstpointer data)
{
  SelfRemoving s = { 0 };
  EngineResult r = { 0 };

  destroyed = 0;
  s.id = onemo_at_port_add_urc_handler (f->port, "^\\+MATREADY", on_urc_remove_self, &s,
                                        count_destroy);
  engine_peer_send (f->peer, "\r\n+MATREADY\r\n\r\n+MATREADY\r\n");
  engine_run_command (f->port, "AT", 1000, &r);
  g_assert_cmpuint (s.calls, ==, 1);
  g_assert_cmpuint (destroyed, ==, 1);
  engine_result_clear (&r);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/at/port/urcs", test_urcs);
  engine_add_scripted_test ("/at/port/urc-handler-removes-itself", test_urc_handler_removes_itself);
  return g_test_run ();
}
