/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A polkit text agent for onemo-fwctl's own requests: on a text console an administrator is
 * asked for a password instead of refused, as with systemctl and fwupdmgr. */
#include "config.h"

#include "fwctl-agent.h"

#include <errno.h>
#include <glib-unix.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

/* The fd number the agent gets its notification pipe on. */
#define AGENT_NOTIFY_FD 3
/* pkttyagent registers in well under a second; one that hangs must not hold the command. */
#define AGENT_READY_TIMEOUT_MS 10000

gboolean
fwctl_agent_wanted (gboolean ask_password, gboolean stdin_is_tty, gboolean is_root)
{
  return ask_password && stdin_is_tty && !is_root;
}

/* The agent must not outlive onemo-fwctl, even one killed with SIGKILL. */
static void
agent_child_setup (gpointer user_data)
{
#ifdef __linux__
  prctl (PR_SET_PDEATHSIG, SIGTERM);
#endif
}

/* Whether polkit finds a login session for this process: logind's, which it reads from the
 * process's cgroup on a system booted with systemd. */
static gboolean
in_login_session (void)
{
  g_autofree char *cgroup = NULL;

  if (!g_file_test ("/run/systemd/system", G_FILE_TEST_IS_DIR)
      || !g_file_get_contents ("/proc/self/cgroup", &cgroup, NULL, NULL))
    return FALSE;
  return strstr (cgroup, "/session-") != NULL;
}

/* Waits until the agent closes its end of the pipe: it has registered, or it is gone. */
static void
wait_ready (int fd)
{
  struct pollfd poll_fd = { .fd = fd, .events = POLLIN };
  gint64 deadline = g_get_monotonic_time () + AGENT_READY_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;

  for (;;) {
    gint64 left_ms = (deadline - g_get_monotonic_time ()) / G_TIME_SPAN_MILLISECOND;
    char byte;
    int ready;

    if (left_ms <= 0)
      return;
    ready = poll (&poll_fd, 1, (int)left_ms);
    if (ready < 0 && errno == EINTR)
      continue;
    /* POLLHUP, or a byte the agent should not have sent: either way read() tells. */
    if (ready <= 0 || read (fd, &byte, 1) <= 0)
      return;
  }
}

GPid
fwctl_agent_start (const char *program, GError **error)
{
  g_autofree char *notify_fd = g_strdup_printf ("%d", AGENT_NOTIFY_FD);
  /* --fallback leaves a session's own (graphical) agent in charge. polkit uses a fallback agent
   * only for a caller in a login session, though, and outside one (a container, su without
   * pam_systemd) there is no other agent to leave in charge: there the agent is plain. */
  const char *argv[]
      = { program, "--notify-fd", notify_fd, in_login_session () ? "--fallback" : NULL, NULL };
  int fds[2];
  int target_fds[] = { AGENT_NOTIFY_FD };
  GPid pid = 0;
  gboolean spawned;

  if (!g_unix_open_pipe (fds, FD_CLOEXEC, error))
    return 0;
  /* The agent asks on the terminal: it inherits stdin, stdout and stderr. */
  spawned = g_spawn_async_with_pipes_and_fds (
      NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_CHILD_INHERITS_STDIN, agent_child_setup,
      NULL, -1, -1, -1, &fds[1], target_fds, 1, &pid, NULL, NULL, NULL, error);
  close (fds[1]);
  if (spawned)
    wait_ready (fds[0]);
  close (fds[0]);
  return spawned ? pid : 0;
}

void
fwctl_agent_stop (GPid pid)
{
  if (pid <= 0)
    return;
  kill (pid, SIGTERM);
  while (waitpid (pid, NULL, 0) < 0 && errno == EINTR)
    ;
  g_spawn_close_pid (pid);
}
