/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The polkit text agent's spawn: when it is wanted, its arguments, the wait for its readiness
 * and its end, with a stand-in agent (a shell script) so that no polkit is needed. */
#include "fwctl-agent.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>

typedef struct {
  char *dir;
  char *agent; /* the stand-in's path */
  char *args;  /* where it writes its arguments */
} Fixture;

/* Writes a stand-in that records its arguments, runs @body, then waits to be killed. */
static void
write_agent (Fixture *f, const char *body)
{
  g_autofree char *script
      = g_strdup_printf ("#!/bin/sh\necho \"$@\" > '%s'\n%s\nexec sleep 30\n", f->args, body);

  g_assert_true (g_file_set_contents (f->agent, script, -1, NULL));
  g_assert_cmpint (g_chmod (f->agent, 0755), ==, 0);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->dir = g_dir_make_tmp ("onemo-agent-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  f->agent = g_build_filename (f->dir, "pkttyagent", NULL);
  f->args = g_build_filename (f->dir, "args", NULL);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_unlink (f->agent);
  g_unlink (f->args);
  g_rmdir (f->dir);
  g_free (f->agent);
  g_free (f->args);
  g_free (f->dir);
}

static void
test_wanted (void)
{
  g_assert_true (fwctl_agent_wanted (TRUE, TRUE, FALSE));
  g_assert_false (fwctl_agent_wanted (FALSE, TRUE, FALSE)); /* --no-ask-password */
  g_assert_false (fwctl_agent_wanted (TRUE, FALSE, FALSE)); /* no terminal to ask on */
  g_assert_false (fwctl_agent_wanted (TRUE, TRUE, TRUE));   /* root is never asked */
}

static void
assert_stopped (GPid pid)
{
  fwctl_agent_stop (pid);
  /* Reaped: the pid is no longer ours. */
  g_assert_cmpint (kill (pid, 0), ==, -1);
  g_assert_cmpint (errno, ==, ESRCH);
}

/* start() returns only once the agent closed the notify fd, not before. */
static void
test_waits_for_ready (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *args = NULL;
  gint64 start = g_get_monotonic_time ();
  GPid pid;

  write_agent (f, "sleep 0.3\nexec 3>&-");
  pid = fwctl_agent_start (f->agent, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pid, >, 0);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 300 * G_TIME_SPAN_MILLISECOND);
  g_assert_true (g_file_get_contents (f->args, &args, NULL, NULL));
  g_assert_true (g_str_has_prefix (args, "--notify-fd 3"));
  assert_stopped (pid);
}

/* An agent that cannot register exits: start() does not wait for it any longer. */
static void
test_agent_exits (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  GPid pid;

  write_agent (f, "exit 127");
  pid = fwctl_agent_start (f->agent, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pid, >, 0);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_TIME_SPAN_SECOND);
  assert_stopped (pid);
}

static void
test_missing_agent (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (fwctl_agent_start (f->agent, &error), ==, 0);
  g_assert_nonnull (error);
  fwctl_agent_stop (0); /* nothing to stop */
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/agent/wanted", test_wanted);
  g_test_add ("/cli/agent/waits-for-ready", Fixture, NULL, fixture_set_up, test_waits_for_ready,
              fixture_tear_down);
  g_test_add ("/cli/agent/agent-exits", Fixture, NULL, fixture_set_up, test_agent_exits,
              fixture_tear_down);
  g_test_add ("/cli/agent/missing", Fixture, NULL, fixture_set_up, test_missing_agent,
              fixture_tear_down);
  return g_test_run ();
}
