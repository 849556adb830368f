/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The module-side download that Download() and Update() share: AT+MFWDLOAD and its reports, as
 * a step that answers no caller. A "3" followed by a "0" within a short window is a network
 * interruption the module can resume with another AT+MFWDLOAD. Cancel() only stops the waiting:
 * the module's own download cannot be stopped (AT+MFWERASE would throw away what it holds), so
 * it may go on in the background; Erase() discards it. */
#include "onemo-module-download.h"
#include "onemo-at-parsers.h"

typedef struct {
  OnemoModule *module;
  OnemoAtPort *port;
  guint urc_id;
  GSource *timeout;
  GSource *resume_window;
  GSource *cancelled;
  guint max_resumes;
  guint resumes;
  gboolean finished;
  guint64 total;
  guint64 length;
  GError *error;
} ModuleDownload;

static void
drop_source (GSource **source)
{
  if (*source != NULL) {
    g_source_destroy (*source);
    g_clear_pointer (source, g_source_unref);
  }
}

static void
module_download_free (ModuleDownload *download)
{
  if (download->urc_id != 0)
    onemo_at_port_remove_urc_handler (download->port, download->urc_id);
  drop_source (&download->timeout);
  drop_source (&download->resume_window);
  drop_source (&download->cancelled);
  g_clear_error (&download->error);
  g_object_unref (download->port);
  g_object_unref (download->module);
  g_free (download);
}

/* From an idle: never inside the port's dispatch of a report, since the caller may go on to
 * close the port. */
static gboolean
module_download_return (gpointer user_data)
{
  GTask *task = user_data;
  ModuleDownload *download = g_task_get_task_data (task);
  GError *error = g_steal_pointer (&download->error);

  onemo_at_port_remove_urc_handler (download->port, download->urc_id);
  download->urc_id = 0;
  drop_source (&download->timeout);
  drop_source (&download->resume_window);
  drop_source (&download->cancelled);
  if (error == NULL) {
    onemo_module_report_download (download->module, ONEMO_DLOAD_SUCCESS, download->total,
                                  download->length);
    g_task_return_boolean (task, TRUE);
  } else {
    if (!g_error_matches (error, ONEMO_ERROR, ONEMO_ERROR_CANCELLED))
      onemo_module_report_download (download->module, ONEMO_DLOAD_FAILED, download->total,
                                    download->length);
    g_task_return_error (task, error);
  }
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

static void
module_download_end (GTask *task, GError *error)
{
  ModuleDownload *download = g_task_get_task_data (task);

  if (download->finished) {
    g_clear_error (&error);
    return;
  }
  download->finished = TRUE;
  download->error = error;
  g_idle_add (module_download_return, task);
}

static void module_download_start (GTask *task);

static gboolean
resume_window_passed (gpointer user_data)
{
  module_download_end (user_data,
                       g_error_new (ONEMO_ERROR, ONEMO_ERROR_DOWNLOAD,
                                    "The module's download failed for good; Erase() before "
                                    "another download"));
  return G_SOURCE_REMOVE;
}

static void
module_download_urc (OnemoAtPort *port, const char *line, GMatchInfo *match, gpointer user_data)
{
  GTask *task = user_data;
  ModuleDownload *download = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  OnemoMfwDload report;

  if (download->finished || !onemo_at_parse_mfwdload (line, &report, &error))
    return;
  if (report.has_total)
    download->total = report.total;
  if (report.has_length)
    download->length = report.length;
  switch (report.state) {
    case ONEMO_DLOAD_DOWNLOADING:
      onemo_module_report_download (download->module, report.state, download->total,
                                    download->length);
      break;
    case ONEMO_DLOAD_SUCCESS:
      module_download_end (task, NULL);
      break;
    case ONEMO_DLOAD_FAILED:
      if (download->resume_window == NULL) {
        download->resume_window
            = g_timeout_source_new (onemo_module_get_options (download->module)->resume_window_ms);
        g_source_set_callback (download->resume_window, resume_window_passed, task, NULL);
        g_source_attach (download->resume_window, NULL);
      }
      break;
    case ONEMO_DLOAD_INTERRUPTED:
      if (download->resume_window == NULL)
        break;
      drop_source (&download->resume_window);
      if (download->resumes == download->max_resumes) {
        module_download_end (task, g_error_new (ONEMO_ERROR, ONEMO_ERROR_DOWNLOAD,
                                                "The network interrupted the module's download "
                                                "at %" G_GUINT64_FORMAT " bytes; another "
                                                "download resumes it",
                                                download->length));
        break;
      }
      /* Resumable: one more AT+MFWDLOAD continues where the module stopped. */
      download->resumes++;
      module_download_start (task);
      break;
  }
}

static void
module_download_command_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;
  g_auto (GStrv) lines = onemo_at_port_command_finish (ONEMO_AT_PORT (source), result, &error);

  /* OK: the reports follow (or came already). */
  if (error != NULL)
    module_download_end (task, error);
  g_object_unref (task);
}

static void
module_download_start (GTask *task)
{
  ModuleDownload *download = g_task_get_task_data (task);

  onemo_at_port_command_async (download->port, "AT+MFWDLOAD", 0,
                               onemo_module_get_options (download->module)->command_timeout_ms,
                               onemo_module_op_cancellable (download->module),
                               module_download_command_done, g_object_ref (task));
}

static gboolean
module_download_timed_out (gpointer user_data)
{
  ModuleDownload *download = g_task_get_task_data (user_data);

  module_download_end (
      user_data,
      g_error_new (ONEMO_ERROR, ONEMO_ERROR_TIMEOUT, "The module's download did not end in %u s",
                   onemo_module_get_options (download->module)->download_timeout_s));
  return G_SOURCE_REMOVE;
}

static gboolean
module_download_cancelled (GCancellable *cancellable, gpointer user_data)
{
  module_download_end (user_data, g_error_new (ONEMO_ERROR, ONEMO_ERROR_CANCELLED,
                                               "Cancelled; the module may still be downloading"));
  return G_SOURCE_REMOVE;
}

void
onemo_module_download_async (OnemoModule *self, const OnemoModuleDownloadOptions *options,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  /* One reference for the caller's result, dropped by module_download_end(). */
  GTask *task = g_task_new (self, NULL, callback, user_data);
  ModuleDownload *download = g_new0 (ModuleDownload, 1);

  download->module = g_object_ref (self);
  download->port = g_object_ref (onemo_module_op_port (self));
  download->max_resumes = options->max_resumes;
  g_task_set_task_data (task, download, (GDestroyNotify)module_download_free);
  onemo_module_report_download (self, ONEMO_DLOAD_DOWNLOADING, 0, 0);
  /* Registered first: the module may report before its OK. */
  download->urc_id = onemo_at_port_add_urc_handler (
      download->port, "^\\+MFWDLOAD:", module_download_urc, task, NULL);
  download->timeout
      = g_timeout_source_new_seconds (onemo_module_get_options (self)->download_timeout_s);
  g_source_set_callback (download->timeout, module_download_timed_out, task, NULL);
  g_source_attach (download->timeout, NULL);
  download->cancelled = g_cancellable_source_new (onemo_module_op_cancellable (self));
  g_source_set_callback (download->cancelled, G_SOURCE_FUNC (module_download_cancelled), task,
                         NULL);
  g_source_attach (download->cancelled, NULL);
  module_download_start (task);
}

gboolean
onemo_module_download_finish (GAsyncResult *result, OnemoModuleDownloadResult *out, GError **error)
{
  ModuleDownload *download = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  if (out != NULL) {
    out->total = download->total;
    out->length = download->length;
  }
  return TRUE;
}
