/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The port's routing of what a module sends, fuzzed on the real OnemoAtPort over a socket pair:
 * the fuzzer plays the module. The first byte picks a command (plain, or one that writes a
 * payload after the `>` prompt); once the port has sent it, the other bytes come back as the
 * module's answer, echo, URCs and prompt in any mix, and the line hangs up. Besides the
 * sanitizers: the command ends exactly once, with information lines that are whole lines, or
 * with an error of the project's domain; every URC handed to a handler is a whole line.
 */
#include "onemo-at-port.h"
#include "onemo-error.h"
#include "fuzz-require.h"

#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define TIMEOUT_MS 200

static const char *const commands[] = {
  "AT",           "ATI",         "AT+CGSN",       "AT+MFWCFG=\"url\"",
  "AT+MFWDLOAD?", "AT+MFWCFG=?", "AT+MFWUPGRADE", "AT+MFWCHECK=2",
};

static void
require_whole_line (const char *line)
{
  require (line != NULL && line[0] != '\0');
  require (strpbrk (line, "\r\n") == NULL);
}

typedef struct {
  gboolean done;
  guint ends;
  guint urcs;
} Run;

static void
urc_seen (OnemoAtPort *port, const char *line, GMatchInfo *match, gpointer user_data)
{
  Run *run = user_data;

  require_whole_line (line);
  run->urcs++;
}

static void
require_project_error (GError *error)
{
  require (error != NULL && error->domain == ONEMO_ERROR);
  g_error_free (error);
}

static void
command_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Run *run = user_data;
  GError *error = NULL;
  g_auto (GStrv) lines = onemo_at_port_command_finish (ONEMO_AT_PORT (source), result, &error);

  run->ends++;
  run->done = TRUE;
  if (lines == NULL) {
    require_project_error (error);
    return;
  }
  require (g_strv_length (lines) <= ONEMO_AT_ANSWER_MAX_LINES);
  for (guint i = 0; lines[i] != NULL; i++)
    require_whole_line (lines[i]);
}

static void
payload_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Run *run = user_data;
  GError *error = NULL;

  run->ends++;
  run->done = TRUE;
  if (!onemo_at_port_command_with_payload_finish (ONEMO_AT_PORT (source), result, &error))
    require_project_error (error);
}

/* Runs the loop until the port has written its command to @module (bounded). */
static void
wait_for_command (int module, Run *run)
{
  for (guint i = 0; i < 1000 && !run->done; i++) {
    struct pollfd pfd = { module, POLLIN, 0 };
    char sink[512];

    g_main_context_iteration (NULL, FALSE);
    if (poll (&pfd, 1, 1) == 1) {
      while (recv (module, sink, sizeof sink, MSG_DONTWAIT) > 0)
        ;
      return;
    }
  }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (OnemoAtPort) port = NULL;
  g_autoptr (GInputStream) payload = NULL;
  Run run = { 0 };
  int fds[2];

  if (size < 1)
    return 0;
  signal (SIGPIPE, SIG_IGN);
  require (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0);
  port = onemo_at_port_new_for_fd (fds[0], "fuzz");
  onemo_at_port_add_urc_handler (port, "", urc_seen, &run, NULL);
  if ((data[0] & 0x80) != 0) {
    payload = g_memory_input_stream_new_from_data ("0123456789", 10, NULL);
    onemo_at_port_command_with_payload_async (port, "AT+MFWDLOAD=0,10", payload, 10, TIMEOUT_MS,
                                              NULL, NULL, NULL, payload_done, &run);
  } else {
    onemo_at_port_command_async (port, commands[data[0] % G_N_ELEMENTS (commands)],
                                 ONEMO_AT_COMMAND_FLAG_NONE, TIMEOUT_MS, NULL, command_done, &run);
  }
  wait_for_command (fds[1], &run);
  /* The module's bytes (a socket pair's buffer holds far more than libFuzzer's inputs), then
   * its hang-up. */
  if (size > 1)
    require (send (fds[1], data + 1, size - 1, MSG_NOSIGNAL) == (ssize_t)(size - 1));
  close (fds[1]);
  while (!run.done)
    g_main_context_iteration (NULL, TRUE);
  onemo_at_port_close (port);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  require (run.ends == 1);
  return 0;
}
