/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Download(): AT+MFWDLOAD, then the module's "+MFWDLOAD:" reports until it succeeds (2) or
 * fails (3). A 3 followed by a 0 within a short window is a network interruption the module
 * can resume: another Download() continues it. Cancel() only stops the waiting: the module's
 * own download cannot be stopped (AT+MFWERASE would throw away what it holds), so it may go on
 * in the background; Erase() discards it. */
#include "onemo-module-private.h"
#include "onemo-at-parsers.h"

typedef struct {
  OnemoModule *module;
  GDBusMethodInvocation *invocation;
  OnemoAtPort *port;
  guint urc_id;
  GSource *timeout;
  GSource *resume_window;
  GSource *cancelled;
  gboolean finished;
  GError *error;
  guint64 total;
  guint64 done;
} DownloadOp;

static void
download_op_free (DownloadOp *op)
{
  g_object_unref (op->module);
  g_object_unref (op->port);
  g_clear_object (&op->invocation);
}

static void
drop_source (GSource **source)
{
  if (*source != NULL) {
    g_source_destroy (*source);
    g_clear_pointer (source, g_source_unref);
  }
}

/* Runs from an idle, never from inside the port's own dispatch of a URC or a result. */
static gboolean
download_teardown (gpointer user_data)
{
  DownloadOp *op = user_data;
  GError *error = g_steal_pointer (&op->error);

  if (op->urc_id != 0)
    onemo_at_port_remove_urc_handler (op->port, op->urc_id);
  op->urc_id = 0;
  drop_source (&op->timeout);
  drop_source (&op->resume_window);
  drop_source (&op->cancelled);
  if (error == NULL)
    onemo_module_report_download (op->module, ONEMO_DLOAD_SUCCESS, op->total, op->done);
  else if (!g_error_matches (error, ONEMO_ERROR, ONEMO_ERROR_CANCELLED))
    onemo_module_report_download (op->module, ONEMO_DLOAD_FAILED, op->total, op->done);
  onemo_module_op_return (op->module, g_steal_pointer (&op->invocation), NULL, error);
  g_rc_box_release_full (op, (GDestroyNotify)download_op_free);
  return G_SOURCE_REMOVE;
}

static void
download_finish (DownloadOp *op, GError *error)
{
  if (op->finished) {
    g_clear_error (&error);
    return;
  }
  op->finished = TRUE;
  op->error = error;
  g_idle_add (download_teardown, op);
}

static gboolean
resume_window_passed (gpointer user_data)
{
  DownloadOp *op = user_data;

  download_finish (op, g_error_new (ONEMO_ERROR, ONEMO_ERROR_DOWNLOAD,
                                    "The module's download failed for good; Erase() before "
                                    "another Download()"));
  return G_SOURCE_REMOVE;
}

static void
download_urc (OnemoAtPort *port, const char *line, GMatchInfo *match, gpointer user_data)
{
  DownloadOp *op = user_data;
  g_autoptr (GError) error = NULL;
  OnemoMfwDload report;

  if (!onemo_at_parse_mfwdload (line, &report, &error)) {
    g_debug ("%s: ignoring \"%s\": %s", onemo_at_port_get_name (port), line, error->message);
    return;
  }
  if (report.has_total)
    op->total = report.total;
  if (report.has_length)
    op->done = report.length;
  switch (report.state) {
    case ONEMO_DLOAD_DOWNLOADING:
      onemo_module_report_download (op->module, report.state, op->total, op->done);
      break;
    case ONEMO_DLOAD_SUCCESS:
      download_finish (op, NULL);
      break;
    case ONEMO_DLOAD_FAILED:
      if (op->resume_window == NULL) {
        op->resume_window
            = g_timeout_source_new (onemo_module_get_options (op->module)->resume_window_ms);
        g_source_set_callback (op->resume_window, resume_window_passed, op, NULL);
        g_source_attach (op->resume_window, NULL);
      }
      break;
    case ONEMO_DLOAD_INTERRUPTED:
      if (op->resume_window != NULL)
        download_finish (op,
                         g_error_new (ONEMO_ERROR, ONEMO_ERROR_DOWNLOAD,
                                      "The network interrupted the module's download at "
                                      "%" G_GUINT64_FORMAT " bytes; Download() again resumes it",
                                      op->done));
      break;
  }
}

static void
download_command_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  DownloadOp *op = user_data;
  GError *error = NULL;
  g_auto (GStrv) lines = onemo_at_port_command_finish (ONEMO_AT_PORT (source), result, &error);

  /* OK: the reports follow (or came already). */
  if (error != NULL)
    download_finish (op, error);
  g_rc_box_release_full (op, (GDestroyNotify)download_op_free);
}

static gboolean
download_timed_out (gpointer user_data)
{
  DownloadOp *op = user_data;

  download_finish (op, g_error_new (ONEMO_ERROR, ONEMO_ERROR_TIMEOUT,
                                    "The module's download did not end in %u s",
                                    onemo_module_get_options (op->module)->download_timeout_s));
  return G_SOURCE_REMOVE;
}

static gboolean
download_cancelled (GCancellable *cancellable, gpointer user_data)
{
  DownloadOp *op = user_data;

  download_finish (op, g_error_new (ONEMO_ERROR, ONEMO_ERROR_CANCELLED,
                                    "Cancelled; the module may still be downloading"));
  return G_SOURCE_REMOVE;
}

static void
download_start (OnemoModule *self, GDBusMethodInvocation *invocation, gpointer data)
{
  DownloadOp *op = g_rc_box_new0 (DownloadOp);

  op->module = g_object_ref (self);
  op->invocation = g_object_ref (invocation);
  op->port = g_object_ref (onemo_module_op_port (self));
  onemo_module_report_download (self, ONEMO_DLOAD_DOWNLOADING, 0, 0);
  /* Registered first: the module may report before its OK. */
  op->urc_id = onemo_at_port_add_urc_handler (op->port, "^\\+MFWDLOAD:", download_urc, op, NULL);
  op->timeout = g_timeout_source_new_seconds (onemo_module_get_options (self)->download_timeout_s);
  g_source_set_callback (op->timeout, download_timed_out, op, NULL);
  g_source_attach (op->timeout, NULL);
  op->cancelled = g_cancellable_source_new (onemo_module_op_cancellable (self));
  g_source_set_callback (op->cancelled, G_SOURCE_FUNC (download_cancelled), op, NULL);
  g_source_attach (op->cancelled, NULL);

  onemo_at_port_command_async (
      op->port, "AT+MFWDLOAD", 0, onemo_module_get_options (self)->command_timeout_ms,
      onemo_module_op_cancellable (self), download_command_done, g_rc_box_acquire (op));
}

gboolean
onemo_flow_download (OnemoModule *self, GDBusMethodInvocation *invocation)
{
  GError *error = NULL;

  if (!onemo_module_require (self, ONEMO_FEATURE_DLOAD_URL, "download a package by itself",
                             &error)) {
    g_dbus_method_invocation_take_error (invocation, error);
    return TRUE;
  }
  onemo_module_op_begin (self, invocation, "downloading", ONEMO_OP_CANCELLABLE, download_start,
                         NULL, NULL);
  return TRUE;
}
