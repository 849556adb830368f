/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The library's calls waited for on the main loop; a long one with its progress and Ctrl-C. */
#include "config.h"

#include "fwctl-run.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* A call's result, shared with its callback: after a second Ctrl-C the CLI stops waiting,
 * and the callback may still come. */
typedef struct {
  GMainLoop *loop;
  GAsyncResult *result;
} Pending;

static void
pending_clear (Pending *pending)
{
  g_clear_pointer (&pending->loop, g_main_loop_unref);
  g_clear_object (&pending->result);
}

static void
on_call_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Pending *pending = user_data;

  pending->result = g_object_ref (result);
  g_main_loop_quit (pending->loop);
  g_rc_box_release_full (pending, (GDestroyNotify)pending_clear);
}

static Pending *
pending_new (void)
{
  Pending *pending = g_rc_box_new0 (Pending);

  pending->loop = g_main_loop_new (NULL, FALSE);
  return pending;
}

/* The result, or NULL if the waiting stopped before it came. */
static GAsyncResult *
pending_end (Pending *pending)
{
  GAsyncResult *result = g_steal_pointer (&pending->result);

  g_rc_box_release_full (pending, (GDestroyNotify)pending_clear);
  return result;
}

/* The module's calls from now on: --timeout or the default, and the polkit flags. */
static void
prepare_module (FwctlContext *ctx, OnemoFwModule *module, gboolean long_call)
{
  onemo_fw_module_set_allow_interaction (module, fwctl_call_flags (ctx) != G_DBUS_CALL_FLAGS_NONE);
  onemo_fw_module_set_timeout (module, fwctl_timeout_ms (ctx, long_call));
}

GAsyncResult *
fwctl_call_short (FwctlContext *ctx, OnemoFwModule *module, FwctlStartFunc start, gpointer args)
{
  Pending *pending;

  prepare_module (ctx, module, FALSE);
  pending = pending_new ();
  start (module, args, on_call_done, g_rc_box_acquire (pending));
  g_main_loop_run (pending->loop);
  return pending_end (pending);
}

GAsyncResult *
fwctl_call_client (FwctlContext *ctx, FwctlClientStartFunc start, gpointer args)
{
  Pending *pending;

  onemo_client_set_allow_interaction (ctx->client,
                                      fwctl_call_flags (ctx) != G_DBUS_CALL_FLAGS_NONE);
  onemo_client_set_timeout (ctx->client, fwctl_timeout_ms (ctx, FALSE));
  pending = pending_new ();
  start (ctx->client, args, on_call_done, g_rc_box_acquire (pending));
  g_main_loop_run (pending->loop);
  return pending_end (pending);
}

/* ---- a long call ---- */

typedef struct {
  FwctlContext *ctx;
  OnemoFwModule *module;
  const char *first_state;
  Pending *pending;
  FwctlProgress *progress;
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
on_download_progress (OnemoFwModule *module, guint status, guint64 total, guint64 done,
                      gpointer user_data)
{
  FwctlEvent event
      = { .kind = FWCTL_EVENT_DOWNLOAD, .status = status, .total = total, .done = done };

  show_event (user_data, &event);
}

static void
on_upgrade_progress (OnemoFwModule *module, guint status, guint percent, gpointer user_data)
{
  FwctlEvent event = { .kind = FWCTL_EVENT_UPGRADE, .status = status, .percent = percent };

  show_event (user_data, &event);
}

static void
on_state_changed (OnemoFwModule *module, GParamSpec *pspec, gpointer user_data)
{
  FwctlEvent event = { .kind = FWCTL_EVENT_STATE, .state = onemo_fw_module_get_state (module) };

  if (event.state != NULL && *event.state != '\0')
    show_event (user_data, &event);
}

static gboolean
is_upgrading (LongCall *call)
{
  const char *state = onemo_fw_module_get_state (call->module);

  return g_strcmp0 (call->first_state, "upgrading") == 0 || g_strcmp0 (state, "upgrading") == 0
         || g_strcmp0 (state, "rebooting") == 0;
}

static void
on_cancel_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  /* The long call itself ends with Cancelled; a refusal here only needs telling. */
  if (!onemo_fw_module_cancel_finish (ONEMO_FW_MODULE (source), result, &error))
    g_printerr (_ ("onemo-fwctl: Cannot cancel: %s\n"), error->message);
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
    g_main_loop_quit (call->pending->loop);
    return G_SOURCE_CONTINUE;
  }
  call->cancel_requested = TRUE;
  if (!call->ctx->quiet)
    g_printerr (_ ("\nCancelling… (Ctrl-C again to stop waiting)\n"));
  /* Cancel is authorized like the call it stops (the same agent may ask), with the short
   * timeout; the long call keeps the timeout it started with. */
  prepare_module (call->ctx, call->module, FALSE);
  onemo_fw_module_cancel_async (call->module, NULL, on_cancel_done, NULL);
  return G_SOURCE_CONTINUE;
}

GAsyncResult *
fwctl_run_long (FwctlContext *ctx, OnemoFwModule *module, const char *first_state,
                FwctlStartFunc start, gpointer args, GError **error)
{
  LongCall call = { .ctx = ctx, .module = module, .first_state = first_state };
  g_autoptr (FwctlProgress) progress = fwctl_progress_new (ctx->output, fwctl_terminal_width ());
  g_autofree char *finish = NULL;
  GAsyncResult *result;
  guint sigint_id, sigterm_id;
  gulong handlers[3];

  call.progress = progress;
  fwctl_progress_set_module (progress, onemo_fw_module_get_object_path (module));
  /* The service's State may change only after the first progress signal (PropertiesChanged
   * comes from an idle), so the CLI does not wait for it. */
  if (first_state != NULL) {
    FwctlEvent start_event = { .kind = FWCTL_EVENT_STATE, .state = first_state };
    show_event (&call, &start_event);
  }
  handlers[0]
      = g_signal_connect (module, "download-progress", G_CALLBACK (on_download_progress), &call);
  handlers[1]
      = g_signal_connect (module, "upgrade-progress", G_CALLBACK (on_upgrade_progress), &call);
  handlers[2] = g_signal_connect (module, "notify::state", G_CALLBACK (on_state_changed), &call);
  sigint_id = g_unix_signal_add (SIGINT, on_interrupt, &call);
  sigterm_id = g_unix_signal_add (SIGTERM, on_interrupt, &call);

  prepare_module (ctx, module, TRUE);
  call.pending = pending_new ();
  start (module, args, on_call_done, g_rc_box_acquire (call.pending));
  g_main_loop_run (call.pending->loop);
  /* The Cancel() of a first Ctrl-C must leave before the process does, also when a second
   * Ctrl-C stopped the waiting at once: its message may still be queued. */
  if (call.cancel_requested)
    g_dbus_connection_flush_sync (ctx->bus, NULL, NULL);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  for (gsize i = 0; i < G_N_ELEMENTS (handlers); i++)
    g_signal_handler_disconnect (module, handlers[i]);
  finish = fwctl_progress_finish (progress);
  if (finish != NULL)
    fputs (finish, stdout);
  fflush (stdout);

  result = pending_end (call.pending);
  if (result == NULL)
    g_set_error_literal (error, ONEMO_FIRMWARE_ERROR, ONEMO_FIRMWARE_ERROR_CANCELLED,
                         _ ("Stopped waiting; the service is still cancelling"));
  return result;
}
