/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A long method call on the main loop, with its progress and Ctrl-C handling. */
#include "config.h"

#include "fwctl-run.h"

#include "onemo-firmware.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

typedef struct {
  FwctlContext *ctx;
  OnemoDBusFirmware *module;
  const char *method;
  GMainLoop *loop;
  FwctlProgress *progress;
  GVariant *reply;
  GError *error;
  GCancellable *cancellable;
  gboolean cancel_requested;
  gboolean stopped_waiting;
} LongCall;

guint
fwctl_terminal_width (void)
{
  struct winsize size = { 0 };

  if (ioctl (STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
    return size.ws_col;
  return 80;
}

static void
show_event (LongCall *call, const FwctlEvent *event)
{
  g_autofree char *text = fwctl_progress_feed (call->progress, event, g_get_monotonic_time ());

  if (text != NULL) {
    fputs (text, stdout);
    fflush (stdout);
  }
}

static void
on_download_progress (OnemoDBusFirmware *module, guint status, guint64 total, guint64 done,
                      gpointer user_data)
{
  FwctlEvent event
      = { .kind = FWCTL_EVENT_DOWNLOAD, .status = status, .total = total, .done = done };

  show_event (user_data, &event);
}

static void
on_upgrade_progress (OnemoDBusFirmware *module, guint status, guint percent, gpointer user_data)
{
  FwctlEvent event = { .kind = FWCTL_EVENT_UPGRADE, .status = status, .percent = percent };

  show_event (user_data, &event);
}

static void
on_state_changed (OnemoDBusFirmware *module, GParamSpec *pspec, gpointer user_data)
{
  FwctlEvent event = { .kind = FWCTL_EVENT_STATE, .state = onemo_dbus_firmware_get_state (module) };

  if (event.state != NULL)
    show_event (user_data, &event);
}

static gboolean
is_upgrading (LongCall *call)
{
  const char *state = onemo_dbus_firmware_get_state (call->module);

  return g_str_equal (call->method, "Upgrade") || g_strcmp0 (state, "upgrading") == 0
         || g_strcmp0 (state, "rebooting") == 0;
}

static void
on_cancel_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  /* The long call itself ends with Cancelled; a refusal here only needs telling. */
  g_autoptr (GVariant) reply = g_dbus_proxy_call_finish (G_DBUS_PROXY (source), result, &error);

  if (reply == NULL) {
    g_dbus_error_strip_remote_error (error);
    g_printerr (_ ("onemo-fwctl: Cannot cancel: %s\n"), error->message);
  }
}

static gboolean
on_interrupt (gpointer user_data)
{
  LongCall *call = user_data;

  if (is_upgrading (call)) {
    g_printerr (_ ("\nAn upgrade cannot be interrupted: waiting for it to finish.\n"));
    return G_SOURCE_CONTINUE;
  }
  if (call->cancel_requested) {
    /* A second Ctrl-C stops waiting; the service finishes cancelling on its own. */
    call->stopped_waiting = TRUE;
    g_cancellable_cancel (call->cancellable);
    return G_SOURCE_CONTINUE;
  }
  call->cancel_requested = TRUE;
  if (!call->ctx->quiet)
    g_printerr (_ ("\nCancelling… (Ctrl-C again to stop waiting)\n"));
  /* Cancel is authorized like the call it stops: the same agent may ask. */
  g_dbus_proxy_call (G_DBUS_PROXY (call->module), "Cancel", NULL, fwctl_call_flags (call->ctx),
                     fwctl_timeout_ms (call->ctx, FALSE), NULL, on_cancel_done, NULL);
  return G_SOURCE_CONTINUE;
}

static void
on_call_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  LongCall *call = user_data;

  call->reply = g_dbus_proxy_call_with_unix_fd_list_finish (G_DBUS_PROXY (source), NULL, result,
                                                            &call->error);
  g_main_loop_quit (call->loop);
}

/* The step a method starts in. The service's State may change only after the first progress
 * signal (PropertiesChanged comes from an idle), so the CLI does not wait for it. */
static const char *
first_step (const char *method)
{
  static const struct {
    const char *method;
    const char *state;
  } steps[] = {
    { "Download", "downloading" }, { "Write", "writing" },     { "Fetch", "downloading" },
    { "Checksum", "verifying" },   { "Upgrade", "upgrading" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (steps); i++) {
    if (g_str_equal (method, steps[i].method))
      return steps[i].state;
  }
  return NULL;
}

gboolean
fwctl_run_long_call (FwctlContext *ctx, OnemoDBusFirmware *module, const char *method,
                     GVariant *parameters, GUnixFDList *fd_list, GVariant **out_reply,
                     GError **error)
{
  LongCall call = { .ctx = ctx, .module = module, .method = method };
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (FwctlProgress) progress = fwctl_progress_new (ctx->output, fwctl_terminal_width ());
  g_autofree char *finish = NULL;
  guint sigint_id, sigterm_id;
  gulong handlers[3];

  call.loop = loop;
  call.progress = progress;
  call.cancellable = cancellable;
  fwctl_progress_set_module (progress, g_dbus_proxy_get_object_path (G_DBUS_PROXY (module)));
  if (first_step (method) != NULL) {
    FwctlEvent start = { .kind = FWCTL_EVENT_STATE, .state = first_step (method) };
    show_event (&call, &start);
  }
  handlers[0]
      = g_signal_connect (module, "download-progress", G_CALLBACK (on_download_progress), &call);
  handlers[1]
      = g_signal_connect (module, "upgrade-progress", G_CALLBACK (on_upgrade_progress), &call);
  handlers[2] = g_signal_connect (module, "notify::state", G_CALLBACK (on_state_changed), &call);
  sigint_id = g_unix_signal_add (SIGINT, on_interrupt, &call);
  sigterm_id = g_unix_signal_add (SIGTERM, on_interrupt, &call);

  g_dbus_proxy_call_with_unix_fd_list (G_DBUS_PROXY (module), method, parameters,
                                       fwctl_call_flags (ctx), fwctl_timeout_ms (ctx, TRUE),
                                       fd_list, cancellable, on_call_done, &call);
  g_main_loop_run (loop);
  /* The Cancel() of a first Ctrl-C must leave before the process does, also when a second
   * Ctrl-C stopped the waiting at once: its message may still be queued. */
  if (call.cancel_requested)
    g_dbus_connection_flush_sync (g_dbus_proxy_get_connection (G_DBUS_PROXY (module)), NULL, NULL);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  for (gsize i = 0; i < G_N_ELEMENTS (handlers); i++)
    g_signal_handler_disconnect (module, handlers[i]);
  finish = fwctl_progress_finish (progress);
  if (finish != NULL)
    fputs (finish, stdout);
  fflush (stdout);

  if (call.stopped_waiting && call.reply == NULL) {
    g_clear_error (&call.error);
    g_set_error_literal (&call.error, ONEMO_FIRMWARE_ERROR, ONEMO_FIRMWARE_ERROR_CANCELLED,
                         _ ("Stopped waiting; the service is still cancelling"));
  }
  if (call.reply == NULL) {
    g_propagate_error (error, call.error);
    return FALSE;
  }
  if (out_reply != NULL)
    *out_reply = call.reply;
  else
    g_variant_unref (call.reply);
  return TRUE;
}

int
fwctl_run_long (FwctlContext *ctx, OnemoDBusFirmware *module, const char *method,
                GVariant *parameters, GUnixFDList *fd_list, GVariant **out_reply)
{
  GError *error = NULL;

  if (!fwctl_run_long_call (ctx, module, method, parameters, fd_list, out_reply, &error))
    return fwctl_report_error (ctx, error);
  return FWCTL_EXIT_OK;
}
