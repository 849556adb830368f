/* SPDX-License-Identifier: GPL-2.0-or-later */
/* AT+MFWDLOAD's execute form: the module downloads its configured url, reporting
 * "+MFWDLOAD:" as the sub-model and the download readings (sim-readings-dload.h) say. */
#include "sim-modem-private.h"

#include <string.h>

static void
dload_report (SimModem *self, gint state, guint64 done)
{
  SimDloadTotal mode = self->options.dload->total;

  if (self->dload_quiet)
    return; /* --file-no-report */
  if (self->dload_total > 0 && mode != SIM_DLOAD_TOTAL_NEVER
      && !(mode == SIM_DLOAD_TOTAL_NO_FINAL && state == SIM_DLOAD_SUCCESS))
    sim_modem_urc (self, "+MFWDLOAD: %d,%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT, state,
                   self->dload_total, done);
  else
    sim_modem_urc (self, "+MFWDLOAD: %d,%" G_GUINT64_FORMAT, state, done);
}

static void
on_dload_progress (guint64 received, guint64 total, gpointer user_data)
{
  SimModem *self = user_data;

  if (total > 0)
    self->dload_total = total;
  if (self->progind <= 0)
    return;
  while (self->dload_next_mark <= received) {
    dload_report (self, 1, self->dload_next_mark);
    self->dload_next_mark += self->progind;
  }
}

static gboolean
dload_resumable_now (gpointer user_data)
{
  SimModem *self = user_data;

  self->dload_resume_timer = 0;
  self->dload_state = SIM_DLOAD_INTERRUPTED;
  if (!self->options.dload->no_resume_urc)
    sim_modem_urc (self, "+MFWDLOAD: 0");
  return G_SOURCE_REMOVE;
}

/* "+MFWDLOAD: 0" follows the 3 at once, or after --resume-delay-ms (AT+MFWDLOAD? says 3 until
 * then), or never with --no-resume-urc (the state becomes 0 all the same). */
static void
dload_resumable_later (SimModem *self)
{
  guint delay = (guint)self->options.dload->resume_delay_ms;

  if (delay == 0)
    dload_resumable_now (self);
  else
    self->dload_resume_timer = g_timeout_add (delay, dload_resumable_now, self);
}

/* --file-no-report: the OK withheld at AT+MFWDLOAD, or an error in its place. */
static void
dload_quiet_answer (SimModem *self, const GError *error)
{
  self->dload_quiet = FALSE;
  if (error == NULL) {
    self->dload_state = SIM_DLOAD_SUCCESS;
    self->dload_total = self->package->len;
    sim_modem_reply_ok (self);
  } else {
    self->dload_state = SIM_DLOAD_FAILED;
    self->dload_needs_erase = TRUE;
    sim_modem_reply_cme (self, 855);
  }
  sim_modem_commit (self);
}

static void
on_dload_done (GBytes *data, guint64 total, const GError *error, gpointer user_data)
{
  SimModem *self = user_data;
  gboolean stalled;
  gsize size = 0;
  const guint8 *bytes = data != NULL ? g_bytes_get_data (data, &size) : NULL;

  self->download = NULL;
  if (size > 0 && self->package->len + size <= self->options.max_package)
    g_byte_array_append (self->package, bytes, size);
  if (self->dload_quiet) {
    dload_quiet_answer (self, error);
    return;
  }
  if (error == NULL) {
    self->dload_state = SIM_DLOAD_SUCCESS;
    self->dload_total = self->package->len;
    dload_report (self, 2, self->package->len);
    return;
  }
  self->dload_state = SIM_DLOAD_FAILED;
  if (total > 0 && self->dload_total == 0)
    self->dload_total = total;
  dload_report (self, 3, self->package->len);
  /* An interruption after some bytes resumes; a stall only when told so, a drop always. */
  stalled = self->dload_stalls;
  if (onemo_model_supports (self->model, ONEMO_FEATURE_DLOAD_RESUME)
      && (self->dload_drops
          || (stalled ? self->options.faults->stall_resumable : self->package->len > 0))) {
    dload_resumable_later (self);
  } else {
    self->dload_needs_erase = TRUE;
  }
}

gint
sim_modem_download_request (SimModem *self, SimDownloadRequest *request)
{
  gint code;

  if (self->url == NULL)
    return 851;
  if ((code = sim_modem_url_usable (self, self->url)) != 0)
    return code;
  if (g_strcmp0 (onemo_at_url_scheme (self->url), "file") == 0 && self->fs_root == NULL)
    return 852; /* no --fs-root: the module has no file system to read */
  memset (request, 0, sizeof *request);
  request->url = self->url;
  request->user = self->user;
  request->password = self->password;
  request->connect_timeout = (guint)self->timeout;
  request->verify_tls = FALSE;
  request->max_size = self->options.max_package;
  if (self->options.faults->stall_at > 0 && !self->stall_used) {
    request->stall_at = self->options.faults->stall_at;
    self->stall_used = TRUE;
  }
  if (onemo_model_supports (self->model, ONEMO_FEATURE_FILE))
    request->fs_root = self->fs_root;
  return 0;
}

void
sim_mfw_dload_start (SimModem *self)
{
  SimDownloadRequest request;
  gint code;

  if (self->download != NULL || self->upgrade != NULL) {
    sim_modem_reply_cme (self, 850);
    return;
  }
  if (self->dload_needs_erase) {
    sim_modem_reply_cme (self, 855);
    return;
  }
  if ((code = sim_modem_download_request (self, &request)) != 0) {
    sim_modem_reply_cme (self, code);
    return;
  }
  g_clear_handle_id (&self->dload_resume_timer, g_source_remove);
  if (self->dload_state == SIM_DLOAD_INTERRUPTED) {
    request.resume_from = self->package->len;
  } else {
    g_byte_array_set_size (self->package, 0);
    self->dload_total = 0;
  }
  self->dload_next_mark
      = request.resume_from - request.resume_from % MAX (self->progind, 1) + (guint64)self->progind;
  self->dload_state = SIM_DLOAD_DOWNLOADING;
  self->dload_stalls = request.stall_at > 0;
  self->dload_drops = FALSE;
  /* A link drops; a file in the module's own file system does not. */
  if (request.stall_at == 0 && self->options.dload->drop_every > 0
      && g_strcmp0 (onemo_at_url_scheme (self->url), "file") != 0) {
    request.stall_at = request.resume_from + (guint64)self->options.dload->drop_every;
    self->dload_drops = TRUE;
  }
  self->package_downloaded = TRUE;
  /* The manual's file:// example: OK (once the file is in) and no report. */
  self->dload_quiet = self->options.dload->file_no_report
                      && g_strcmp0 (onemo_at_url_scheme (self->url), "file") == 0;
  if (!self->dload_quiet) {
    sim_modem_reply_ok (self);
    sim_modem_commit (self);
  }
  self->download = sim_download_start (&request, on_dload_progress, on_dload_done, self);
}
