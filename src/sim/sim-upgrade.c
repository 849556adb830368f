/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * AT+MFWUPGRADE the way each family does it (spec §3.4, §7): NB-IoT applies the loaded package
 * at once; ML30x and ML307R without a loaded package download the URL themselves, report
 * percentages and reboot several times without an OK; ML307R-DC/MC apply a loaded differential
 * package with one reboot and roll back when it is invalid.
 */
#include "sim-modem-private.h"

#include "onemo-error.h"
#include "sim-package.h"

/* Before the port vanishes, the host may read what is already in the pty, up to this long: long
 * enough for a host on a loaded machine, short enough for one that is gone. */
#define DRAIN_CHECK_MS 10
#define DRAIN_MAX_MS   5000

struct _SimUpgrade {
  SimDownload *download;
  char *new_revision;
  guint reboots_total;
  guint reboots_done;
  guint last_percent;
  guint timer;
  guint drain_waited_ms;
};

void
sim_upgrade_free (SimUpgrade *upgrade)
{
  g_clear_pointer (&upgrade->download, sim_download_cancel);
  g_clear_handle_id (&upgrade->timer, g_source_remove);
  g_free (upgrade->new_revision);
  g_free (upgrade);
}

static void
upgrade_finish (SimModem *self, gboolean success)
{
  SimUpgrade *upgrade = self->upgrade;

  if (success) {
    /* --reboot-old-revision: the module says 2 but still runs the old firmware. */
    if (!self->options.faults->reboot_old_revision || upgrade->reboots_total == 0) {
      g_free (self->revision);
      self->revision = g_strdup (upgrade->new_revision);
    }
    if (upgrade->reboots_total > 0)
      sim_modem_urc (self, "+MFWUPGRADE: 1,100");
  }
  sim_modem_urc (self, "+MFWUPGRADE: %d", success ? 2 : 3);
  g_clear_pointer (&self->upgrade, sim_upgrade_free);
  /* A UART module reboots into the new firmware behind a port that stays (point j). */
  if (success && self->model->family == ONEMO_FAMILY_NBIOT
      && self->options.readings->uart_reboot_ms > 0)
    sim_modem_uart_reboot (self);
}

static void upgrade_reboot (SimModem *self);

static void
on_rebooted (gpointer user_data)
{
  SimModem *self = user_data;
  SimUpgrade *upgrade = self->upgrade;

  /* A fresh boot: half a command line from before is gone, echo and CMEE are back at their
   * defaults. */
  sim_modem_boot (self);
  sim_ports_write_all (self->ports, "\r\n+MATREADY\r\n");
  upgrade->reboots_done++;
  if (upgrade->reboots_done == upgrade->reboots_total) {
    upgrade_finish (self, TRUE);
    return;
  }
  /* After each reboot the upgrade goes on from 50 % to 100 %. */
  upgrade->last_percent = 50 + 50 * upgrade->reboots_done / upgrade->reboots_total;
  sim_modem_urc (self, "+MFWUPGRADE: 1,%u", upgrade->last_percent);
  upgrade_reboot (self);
}

static gboolean
on_drain_check (gpointer user_data)
{
  SimModem *self = user_data;
  SimUpgrade *upgrade = self->upgrade;
  gboolean forever = self->options.faults->reboot_never && upgrade->reboots_done == 0;

  upgrade->drain_waited_ms += DRAIN_CHECK_MS;
  if (sim_ports_unread (self->ports) > 0 && upgrade->drain_waited_ms < DRAIN_MAX_MS)
    return G_SOURCE_CONTINUE;
  upgrade->timer = 0;
  upgrade->drain_waited_ms = 0;
  sim_ports_reboot (self->ports, self->options.reboot_ms, forever, on_rebooted, self);
  return G_SOURCE_REMOVE;
}

/* Reboots once the host has read what is in the pty (or DRAIN_MAX_MS passed): a real module's
 * USB host driver already holds those bytes when the port goes. The first check waits too,
 * since the pty hands bytes to the host's side asynchronously. */
static void
upgrade_reboot (SimModem *self)
{
  self->upgrade->timer = g_timeout_add (DRAIN_CHECK_MS, on_drain_check, self);
}

/* Validates @data; on success starts the reboots, else reports the failure. */
static gboolean
upgrade_apply (SimModem *self, const guint8 *data, gsize length, GError **error)
{
  SimPackageInfo info = { 0 };

  if (length == 0)
    return g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_UPGRADE, "no package"), FALSE;
  if (!sim_package_validate (data, length, self->model->series, self->revision, &info, error))
    return FALSE;
  self->upgrade->new_revision = g_strdup (info.revision);
  sim_package_info_clear (&info);
  return TRUE;
}

/* ---- the self-downloading upgrade (ML30x, ML307R minimum-system FOTA) ---- */

static void
on_url_progress (guint64 received, guint64 total, gpointer user_data)
{
  SimModem *self = user_data;
  SimUpgrade *upgrade = self->upgrade;
  guint percent;

  if (total == 0)
    return;
  /* The download is the first 40 %; report every 10 %. */
  percent = (guint)(MIN (received, total) * 40 / total);
  if (percent >= upgrade->last_percent + 10) {
    upgrade->last_percent = percent - percent % 10;
    sim_modem_urc (self, "+MFWUPGRADE: 1,%u", upgrade->last_percent);
  }
}

static void
on_url_done (GBytes *data, guint64 total, const GError *error, gpointer user_data)
{
  SimModem *self = user_data;
  SimUpgrade *upgrade = self->upgrade;
  gsize size = 0;
  const guint8 *bytes = data != NULL ? g_bytes_get_data (data, &size) : NULL;

  upgrade->download = NULL;
  if (error != NULL || !upgrade_apply (self, bytes, size, NULL)) {
    upgrade_finish (self, FALSE); /* nothing was written: the old firmware runs on */
    return;
  }
  upgrade->last_percent = 50;
  sim_modem_urc (self, "+MFWUPGRADE: 1,50");
  upgrade_reboot (self);
}

static void
upgrade_from_url (SimModem *self)
{
  SimDownloadRequest request;
  gint code;

  if ((code = sim_modem_download_request (self, &request)) != 0) {
    sim_modem_reply_cme (self, code);
    return;
  }
  /* No OK: the module goes straight into the upgrade (manual §3.4). */
  self->upgrade = g_new0 (SimUpgrade, 1);
  self->upgrade->reboots_total = self->model->url_upgrade_reboots;
  sim_modem_urc (self, "+MFWUPGRADE: 1,0");
  self->upgrade->download = sim_download_start (&request, on_url_progress, on_url_done, self);
}

/* ---- the loaded package ---- */

static void
upgrade_package (SimModem *self)
{
  g_autoptr (GError) error = NULL;

  self->upgrade = g_new0 (SimUpgrade, 1);
  self->upgrade->reboots_total = self->model->package_upgrade_reboots;
  if (self->dload_state == SIM_DLOAD_DOWNLOADING || self->transparent
      || !upgrade_apply (self, self->package->data, self->package->len, &error)) {
    /* Rejected before anything is written: the old firmware stays (rollback on ML307R). */
    g_clear_pointer (&self->upgrade, sim_upgrade_free);
    sim_modem_reply_cme (self, 854);
    return;
  }
  /* The manual's examples show no OK (point d): --upgrade-no-ok plays that reading. */
  if (!self->options.readings->upgrade_no_ok)
    sim_modem_reply_ok (self);
  sim_modem_commit (self);
  if (self->upgrade->reboots_total == 0) {
    upgrade_finish (self, TRUE);
    return;
  }
  self->upgrade->last_percent = 50;
  sim_modem_urc (self, "+MFWUPGRADE: 1,50");
  upgrade_reboot (self);
}

void
sim_mfw_upgrade (SimModem *self, const OnemoAtCommandLine *cmd)
{
  gboolean has_package = self->package->len > 0 || self->dload_state != SIM_DLOAD_IDLE;

  if (cmd->form == ONEMO_AT_FORM_TEST) {
    sim_modem_reply_ok (self);
    return;
  }
  if (cmd->form != ONEMO_AT_FORM_EXECUTE) {
    sim_modem_reply_cme (self, 851);
    return;
  }
  if (self->upgrade != NULL || self->download != NULL) {
    sim_modem_reply_cme (self, 850);
    return;
  }
  if (onemo_model_supports (self->model, ONEMO_FEATURE_UPGRADE)
      && (has_package || !onemo_model_supports (self->model, ONEMO_FEATURE_UPGRADE_URL)))
    upgrade_package (self);
  else
    upgrade_from_url (self);
}
