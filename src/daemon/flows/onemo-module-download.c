/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The module-side download that Download() and Update() share: AT+MFWDLOAD and its reports, as
 * a step that answers no caller. Where the manual can be read more than one way, every reading
 * is taken (docs/spec-notes.md, "Readings the service handles"):
 *
 *   b  a file:// load may end with OK and no report: OK completes it, unless a report follows
 *      at once (then it is taken);
 *   c  the final "+MFWDLOAD: 2" may leave out <total>: the result says so, never a 0;
 *   f  "3" then "0" is an interruption the module resumes with another AT+MFWDLOAD; the "0" may
 *      come as late as the module's server timeout (AT+MFWCFG="timeout"), and AT+MFWDLOAD? is
 *      asked before a "3" alone is called final. Each interruption is resumed as long as the
 *      attempts make progress (NB-IoT links drop often).
 *
 * Cancel() only stops the waiting: the module's own download cannot be stopped (AT+MFWERASE
 * would throw away what it holds), so it may go on in the background; Erase() discards it.
 */
#include "onemo-module-download.h"
#include "onemo-source.h"
#include "onemo-at-command.h"
#include "onemo-at-parsers.h"
#include "onemo-command-sequence.h"

#define FILE_REPORT_GRACE_MS     500 /* a module that reports a file:// load does so at once */
#define DEFAULT_SERVER_TIMEOUT_S 60  /* AT+MFWCFG="timeout" when the module does not say */
#define MAX_RESUMES_NO_PROGRESS  3   /* interruptions in a row that gained no byte */

typedef struct {
  OnemoOperation *operation;
  OnemoAtPort *port;
  char *url; /* what the module downloads, NULL if unknown */
  guint resume_window_ms;
  guint urc_id;
  GSource *timeout;
  GSource *resume_window;
  GSource *file_grace;
  GSource *cancelled;
  gboolean finished;
  gboolean reported;   /* a report came during this attempt */
  gboolean querying;   /* AT+MFWDLOAD? is on its way */
  guint64 known_total; /* the last <total> any report gave, for progress */
  guint64 best;        /* the most bytes any report showed */
  guint64 best_at_last_resume;
  guint no_progress; /* resumes in a row that gained nothing */
  OnemoModuleDownloadResult result;
  GError *error;
} ModuleDownload;

static void
drop_sources (ModuleDownload *download)
{
  if (download->urc_id != 0)
    onemo_at_port_remove_urc_handler (download->port, download->urc_id);
  download->urc_id = 0;
  onemo_source_drop (&download->timeout);
  onemo_source_drop (&download->resume_window);
  onemo_source_drop (&download->file_grace);
  onemo_source_drop (&download->cancelled);
}

static void
module_download_free (ModuleDownload *download)
{
  drop_sources (download);
  g_clear_error (&download->error);
  g_free (download->url);
  g_object_unref (download->port);
  g_object_unref (download->operation);
  g_free (download);
}

static GSource *
add_timeout_ms (guint ms, GSourceFunc function, gpointer data)
{
  GSource *source = g_timeout_source_new (ms);

  g_source_set_callback (source, function, data, NULL);
  g_source_attach (source, NULL);
  return source;
}

/* From an idle: never inside the port's dispatch of a report, since the caller may go on to
 * close the port. */
static gboolean
module_download_return (gpointer user_data)
{
  GTask *task = user_data;
  ModuleDownload *download = g_task_get_task_data (task);
  GError *error = g_steal_pointer (&download->error);
  OnemoModuleDownloadResult *result = &download->result;
  guint64 length = result->has_length ? result->length : download->best;
  guint64 total = result->has_total ? result->total : download->known_total;

  drop_sources (download);
  if (error == NULL) {
    onemo_operation_report_download (download->operation, ONEMO_DLOAD_SUCCESS,
                                     total ? total : length, length);
    g_task_return_boolean (task, TRUE);
  } else {
    if (!g_error_matches (error, ONEMO_ERROR, ONEMO_ERROR_CANCELLED))
      onemo_operation_report_download (download->operation, ONEMO_DLOAD_FAILED,
                                       download->known_total, download->best);
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

static void
failed_for_good (GTask *task)
{
  module_download_end (task, g_error_new (ONEMO_ERROR, ONEMO_ERROR_DOWNLOAD,
                                          "The module's download failed for good; Erase() "
                                          "before another download"));
}

/* The final report, or the answer to AT+MFWDLOAD? saying the same. */
static void
take_final (GTask *task, const OnemoMfwDload *report)
{
  ModuleDownload *download = g_task_get_task_data (task);

  download->result.has_total = report->has_total;
  download->result.total = report->has_total ? report->total : 0;
  download->result.has_length = report->has_length;
  download->result.length = report->has_length ? report->length : 0;
  module_download_end (task, NULL);
}

/* ---- One attempt: AT+MFWDLOAD, then its reports ---- */

static void attempt (GTask *task);

static gboolean
is_file_url (ModuleDownload *download)
{
  return download->url != NULL && g_strcmp0 (onemo_at_url_scheme (download->url), "file") == 0;
}

static gboolean
file_grace_passed (gpointer user_data)
{
  GTask *task = user_data;
  ModuleDownload *download = g_task_get_task_data (task);

  /* b: the manual's file:// load says OK and nothing more: OK was the end. */
  g_clear_pointer (&download->file_grace, g_source_unref);
  module_download_end (task, NULL);
  return G_SOURCE_REMOVE;
}

static void
attempt_answered (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  ModuleDownload *download = g_task_get_task_data (task);
  GError *error = NULL;
  g_auto (GStrv) lines = onemo_at_port_command_finish (ONEMO_AT_PORT (source), result, &error);

  if (error != NULL)
    module_download_end (task, error);
  else if (!download->finished && !download->reported && is_file_url (download))
    download->file_grace = add_timeout_ms (FILE_REPORT_GRACE_MS, file_grace_passed, task);
  /* Otherwise the reports follow (or came already). */
  g_object_unref (task);
}

static void
attempt (GTask *task)
{
  ModuleDownload *download = g_task_get_task_data (task);

  download->reported = FALSE;
  onemo_at_port_command_async (
      download->port, ONEMO_AT_CMD_DOWNLOAD, 0,
      onemo_operation_get_options (download->operation)->command_timeout_ms,
      onemo_operation_get_cancellable (download->operation), attempt_answered, g_object_ref (task));
}

/* ---- f: interruptions ---- */

/* "0" came (or AT+MFWDLOAD? says 0): resume, unless the last attempts gained nothing. */
static void
resume_or_fail (GTask *task)
{
  ModuleDownload *download = g_task_get_task_data (task);

  download->no_progress
      = download->best > download->best_at_last_resume ? 0 : download->no_progress + 1;
  download->best_at_last_resume = download->best;
  if (download->no_progress >= MAX_RESUMES_NO_PROGRESS) {
    module_download_end (task, g_error_new (ONEMO_ERROR, ONEMO_ERROR_DOWNLOAD,
                                            "The network interrupted the module's download %u "
                                            "times in a row without progress, at "
                                            "%" G_GUINT64_FORMAT " bytes; another Download() "
                                            "resumes it",
                                            download->no_progress, download->best));
    return;
  }
  g_debug ("%s: resuming the module's download at %" G_GUINT64_FORMAT " bytes",
           onemo_at_port_get_name (download->port), download->best);
  attempt (task);
}

static void
state_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  ModuleDownload *download = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) lines = onemo_at_port_command_finish (ONEMO_AT_PORT (source), result, &error);
  OnemoMfwDload state;

  download->querying = FALSE;
  if (download->finished) {
    g_object_unref (task);
    return;
  }
  if (error != NULL || lines[0] == NULL || !onemo_at_parse_mfwdload (lines[0], &state, &error)) {
    g_debug ("%s: AT+MFWDLOAD? told nothing: %s", onemo_at_port_get_name (download->port),
             error != NULL ? error->message : "no answer line");
    failed_for_good (task);
  } else if (state.state == ONEMO_DLOAD_INTERRUPTED) {
    resume_or_fail (task); /* the "0" was never sent, or lost */
  } else if (state.state == ONEMO_DLOAD_SUCCESS) {
    take_final (task, &state);
  } else if (state.state != ONEMO_DLOAD_DOWNLOADING) {
    failed_for_good (task);
  } /* downloading again by itself: its reports follow */
  g_object_unref (task);
}

/* No "0" within the window: ask the module before calling the failure final. */
static gboolean
resume_window_passed (gpointer user_data)
{
  GTask *task = user_data;
  ModuleDownload *download = g_task_get_task_data (task);

  g_clear_pointer (&download->resume_window, g_source_unref);
  download->querying = TRUE;
  onemo_at_port_command_async (
      download->port, ONEMO_AT_CMD_DOWNLOAD_STATE, 0,
      onemo_operation_get_options (download->operation)->command_timeout_ms,
      onemo_operation_get_cancellable (download->operation), state_read, g_object_ref (task));
  return G_SOURCE_REMOVE;
}

static void
module_download_urc (OnemoAtPort *port, const char *line, GMatchInfo *match, gpointer user_data)
{
  GTask *task = user_data;
  ModuleDownload *download = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  OnemoMfwDload report;

  if (download->finished)
    return;
  if (!onemo_at_parse_mfwdload (line, &report, &error)) {
    g_debug ("%s: ignoring \"%s\": %s", onemo_at_port_get_name (port), line, error->message);
    return;
  }
  download->reported = TRUE;
  onemo_source_drop (&download->file_grace);
  if (report.has_total)
    download->known_total = report.total;
  if (report.has_length)
    download->best = MAX (download->best, report.length);
  switch (report.state) {
    case ONEMO_DLOAD_DOWNLOADING:
      onemo_operation_report_download (download->operation, report.state, download->known_total,
                                       download->best);
      break;
    case ONEMO_DLOAD_SUCCESS:
      take_final (task, &report);
      break;
    case ONEMO_DLOAD_FAILED:
      /* A sub-model that never resumes (ML307R), or a local file that no network can
       * interrupt (AT+MFWDLOAD? is for HTTP/FTP only), has nothing more to say. */
      if (is_file_url (download)
          || !onemo_model_supports (onemo_operation_get_model (download->operation),
                                    ONEMO_FEATURE_DLOAD_RESUME))
        failed_for_good (task);
      else if (download->resume_window == NULL && !download->querying)
        download->resume_window
            = add_timeout_ms (download->resume_window_ms, resume_window_passed, task);
      break;
    case ONEMO_DLOAD_INTERRUPTED:
      if (download->resume_window == NULL)
        break;
      onemo_source_drop (&download->resume_window);
      resume_or_fail (task);
      break;
  }
}

/* ---- Before the first attempt: what the module downloads, and its server timeout ---- */

static gboolean
want_url (ModuleDownload *download)
{
  return download->url == NULL
         && onemo_model_supports (onemo_operation_get_model (download->operation),
                                  ONEMO_FEATURE_FILE);
}

static gboolean
want_timeout (ModuleDownload *download)
{
  return download->resume_window_ms == 0
         && onemo_model_supports (onemo_operation_get_model (download->operation),
                                  ONEMO_FEATURE_CFG_TIMEOUT);
}

/* An optional query's answer, or NULL: a module that will not say leaves the default. */
static gboolean
read_cfg (GPtrArray *responses, guint index, OnemoMfwCfg *cfg)
{
  GStrv lines = index < responses->len ? g_ptr_array_index (responses, index) : NULL;
  g_autoptr (GError) error = NULL;

  if (lines == NULL || lines[0] == NULL)
    return FALSE;
  if (onemo_at_parse_mfwcfg (lines[0], cfg, &error))
    return TRUE;
  g_debug ("AT+MFWCFG query unreadable: %s", error->message);
  return FALSE;
}

static void
prepared (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  ModuleDownload *download = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (GPtrArray) responses = onemo_command_sequence_run_finish (result, &error);
  gboolean asked_url = want_url (download);
  OnemoMfwCfg cfg = { 0 };
  guint server_timeout_s = DEFAULT_SERVER_TIMEOUT_S;

  if (error != NULL) {
    module_download_end (task, error);
    g_object_unref (task);
    return;
  }
  if (asked_url && read_cfg (responses, 0, &cfg))
    download->url = g_steal_pointer (&cfg.url);
  onemo_mfwcfg_clear (&cfg);
  if (want_timeout (download) && read_cfg (responses, asked_url ? 1 : 0, &cfg) && cfg.number > 0)
    server_timeout_s = (guint)MIN (cfg.number, G_MAXUINT / 1000);
  onemo_mfwcfg_clear (&cfg);
  if (download->resume_window_ms == 0)
    download->resume_window_ms = server_timeout_s * 1000;
  if (!download->finished)
    attempt (task);
  g_object_unref (task);
}

static void
prepare (GTask *task)
{
  ModuleDownload *download = g_task_get_task_data (task);
  OnemoCommandSequence *sequence = onemo_command_sequence_new ();

  if (want_url (download))
    onemo_command_sequence_add (sequence, onemo_at_build_cfg_query ("url"), 0, TRUE);
  if (want_timeout (download))
    onemo_command_sequence_add (sequence, onemo_at_build_cfg_query ("timeout"), 0, TRUE);
  onemo_command_sequence_run_async (
      sequence, download->port,
      onemo_operation_get_options (download->operation)->command_timeout_ms,
      onemo_operation_get_cancellable (download->operation), prepared, g_object_ref (task));
}

/* ---- The step ---- */

static gboolean
module_download_timed_out (gpointer user_data)
{
  ModuleDownload *download = g_task_get_task_data (user_data);

  module_download_end (
      user_data,
      g_error_new (ONEMO_ERROR, ONEMO_ERROR_TIMEOUT, "The module's download did not end in %u s",
                   onemo_operation_get_options (download->operation)->download_timeout_s));
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
onemo_module_download_async (OnemoOperation *operation, const OnemoModuleDownloadOptions *options,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  const OnemoDaemonOptions *limits = onemo_operation_get_options (operation);
  /* One reference for the caller's result, dropped by module_download_return(). */
  GTask *task = g_task_new (operation, NULL, callback, user_data);
  ModuleDownload *download = g_new0 (ModuleDownload, 1);

  download->operation = g_object_ref (operation);
  download->port = g_object_ref (onemo_operation_get_port (operation));
  download->url = g_strdup (options->url);
  download->resume_window_ms = limits->resume_window_ms;
  g_task_set_task_data (task, download, (GDestroyNotify)module_download_free);
  onemo_operation_report_download (operation, ONEMO_DLOAD_DOWNLOADING, 0, 0);
  /* Registered first: the module may report before its OK. */
  download->urc_id = onemo_at_port_add_urc_handler (download->port, ONEMO_AT_URC_DOWNLOAD,
                                                    module_download_urc, task, NULL);
  download->timeout = g_timeout_source_new_seconds (limits->download_timeout_s);
  g_source_set_callback (download->timeout, module_download_timed_out, task, NULL);
  g_source_attach (download->timeout, NULL);
  download->cancelled = g_cancellable_source_new (onemo_operation_get_cancellable (operation));
  g_source_set_callback (download->cancelled, G_SOURCE_FUNC (module_download_cancelled), task,
                         NULL);
  g_source_attach (download->cancelled, NULL);
  prepare (task);
}

gboolean
onemo_module_download_finish (GAsyncResult *result, OnemoModuleDownloadResult *out, GError **error)
{
  ModuleDownload *download = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  if (out != NULL)
    *out = download->result;
  return TRUE;
}
