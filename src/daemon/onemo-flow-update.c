/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Update(a{sv}): the safe whole flow. Every argument is checked before the port or the network
 * is touched; then the package is loaded by one of three routes, verified, and handed to the
 * Upgrade() flow, which follows the reboots and confirms the new revision:
 *
 *   host    (an fd, or a url the host fetches) AT+MFWERASE, a serial write hashed as it goes,
 *           then the byte count, the caller's size/sha256, and AT+MFWCHECK=2 where the module
 *           has it, must all agree with what the host sent;
 *   module  (AT+MFWDLOAD) url and auth, AT+MFWERASE, the module's download; its total must
 *           equal what it holds (and the caller's size); where it has AT+MFWCHECK, the digest
 *           is the caller's sha256 or, failing that, the host fetches the url to compute it;
 *   self    (AT+MFWUPGRADE downloads) url and auth only: the module validates the package
 *           itself, so a caller's size or sha256 is refused rather than ignored.
 *
 * It never sends AT+MFWUPGRADE for a package that failed a check (NotVerified). */
#include "onemo-flow-update.h"
#include "onemo-at-command.h"
#include "onemo-at-parsers.h"
#include "onemo-command-sequence.h"
#include "onemo-flow-host.h"
#include "onemo-module-download.h"

#include <errno.h>
#include <gio/gunixfdlist.h>
#include <unistd.h>

#define invalid onemo_set_invalid

static void
update_op_free (OnemoUpdate *op)
{
  if (op->fd >= 0)
    close (op->fd);
  g_object_unref (op->module);
  g_free (op->url);
  g_free (op->user);
  g_free (op->password);
  g_free (op->ca_file);
  g_free (op->expected_sha256);
  g_free (op->loaded_sha256);
  g_free (op);
}

static void
update_fail (OnemoUpdate *op, GError *error)
{
  onemo_module_op_return (op->module, op->invocation, NULL, error);
  update_op_free (op);
}

static GError *not_verified (const char *format, ...) G_GNUC_PRINTF (1, 2);

static GError *
not_verified (const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  return g_error_new_literal (ONEMO_ERROR, ONEMO_ERROR_NOT_VERIFIED, message);
}

/* ---- The last step: Upgrade() answers the call ---- */

/* From an idle: the port the load used is closed only once its dispatch has returned. */
static gboolean
hand_over_to_upgrade (gpointer user_data)
{
  OnemoUpdate *op = user_data;

  onemo_module_op_handover (op->module, op->invocation, onemo_flow_upgrade);
  update_op_free (op);
  return G_SOURCE_REMOVE;
}

static void
upgrade (OnemoUpdate *op)
{
  g_idle_add (hand_over_to_upgrade, op);
}

/* ---- Verification ---- */

static void
module_checksum_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  OnemoUpdate *op = user_data;
  GError *error = NULL;
  g_auto (GStrv) lines = onemo_at_port_command_finish (ONEMO_AT_PORT (source), result, &error);
  g_autofree char *checksum = NULL;
  const char *expected = op->loaded_sha256 != NULL ? op->loaded_sha256 : op->expected_sha256;

  if (lines != NULL && lines[0] == NULL)
    g_set_error (&error, ONEMO_ERROR, ONEMO_ERROR_PROTOCOL, "AT+MFWCHECK gave no checksum");
  else if (lines != NULL)
    onemo_at_parse_mfwcheck (lines[0], &checksum, &error);
  if (error != NULL) {
    g_prefix_error (&error, "Verifying the package: ");
    update_fail (op, error);
    return;
  }
  if (g_ascii_strcasecmp (checksum, expected) != 0) {
    update_fail (op, not_verified ("The module holds a package whose SHA-256 is %s, not %s: "
                                   "not upgrading",
                                   checksum, expected));
    return;
  }
  upgrade (op);
}

/* The checks the host can make itself, then AT+MFWCHECK=2 where the module has it. */
static void
verify (OnemoUpdate *op, guint64 loaded, guint64 announced)
{
  onemo_module_op_set_state (op->module, "verifying");
  if (loaded != announced) {
    update_fail (op, not_verified ("The module holds %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                                   " bytes: not upgrading",
                                   loaded, announced));
    return;
  }
  if (op->have_expected_size && loaded != op->expected_size) {
    update_fail (op, not_verified ("The package has %" G_GUINT64_FORMAT " bytes, not the "
                                   "%" G_GUINT64_FORMAT " expected: not upgrading",
                                   loaded, op->expected_size));
    return;
  }
  if (op->loaded_sha256 != NULL && op->expected_sha256 != NULL
      && g_ascii_strcasecmp (op->loaded_sha256, op->expected_sha256) != 0) {
    update_fail (op, not_verified ("The package's SHA-256 is %s, not the %s expected: not "
                                   "upgrading",
                                   op->loaded_sha256, op->expected_sha256));
    return;
  }
  if (!onemo_model_supports (onemo_module_get_model (op->module), ONEMO_FEATURE_CHECK)) {
    upgrade (op);
    return;
  }
  onemo_at_port_command_async (onemo_module_op_port (op->module), "AT+MFWCHECK=2", 0,
                               onemo_module_get_options (op->module)->command_timeout_ms,
                               onemo_module_op_cancellable (op->module), module_checksum_read, op);
}

/* ---- Host route: fetch (for a url), erase, write ---- */

static void
host_written (GObject *source, GAsyncResult *result, gpointer user_data)
{
  OnemoUpdate *op = user_data;
  GError *error = NULL;

  op->fd = -1; /* the write took it */
  if (!onemo_host_write_finish (result, &op->loaded_sha256, &error)) {
    update_fail (op, error);
    return;
  }
  /* The writer ends only when the module acknowledged every byte of the package. */
  verify (op, op->size, op->size);
}

static void
host_erased (GObject *source, GAsyncResult *result, gpointer user_data)
{
  OnemoUpdate *op = user_data;
  GError *error = NULL;
  g_autoptr (GPtrArray) responses = onemo_command_sequence_run_finish (result, &error);

  if (error != NULL) {
    update_fail (op, error);
    return;
  }
  onemo_module_op_set_state (op->module, "writing");
  onemo_host_write_async (op->module, op->fd, op->size, 0, op->mode, host_written, op);
}

static void
run_sequence (OnemoUpdate *op, OnemoCommandSequence *sequence, GAsyncReadyCallback callback)
{
  onemo_command_sequence_run_async (sequence, onemo_module_op_port (op->module),
                                    onemo_module_get_options (op->module)->command_timeout_ms,
                                    onemo_module_op_cancellable (op->module), callback, op);
}

static void
host_load (OnemoUpdate *op)
{
  OnemoCommandSequence *sequence = onemo_command_sequence_new ();

  onemo_module_op_set_state (op->module, "configuring");
  if (onemo_model_supports (onemo_module_get_model (op->module), ONEMO_FEATURE_ERASE))
    onemo_command_sequence_add (sequence, g_strdup ("AT+MFWERASE"), 0, FALSE);
  run_sequence (op, sequence, host_erased);
}

/* ---- Module route: url and auth, erase, AT+MFWDLOAD ---- */

static void
module_downloaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  OnemoUpdate *op = user_data;
  GError *error = NULL;
  OnemoModuleDownloadResult loaded;

  if (!onemo_module_download_finish (result, &loaded, &error)) {
    update_fail (op, error);
    return;
  }
  verify (op, loaded.length, loaded.total);
}

static void
module_configured (GObject *source, GAsyncResult *result, gpointer user_data)
{
  OnemoUpdate *op = user_data;
  GError *error = NULL;
  g_autoptr (GPtrArray) responses = onemo_command_sequence_run_finish (result, &error);

  if (error != NULL) {
    update_fail (op, error);
    return;
  }
  if (op->route == ONEMO_UPDATE_SELF) {
    upgrade (op);
    return;
  }
  onemo_module_op_set_state (op->module, "downloading");
  onemo_module_download_async (op->module, &(OnemoModuleDownloadOptions){ .url = op->url },
                               module_downloaded, op);
}

static void
module_configure (OnemoUpdate *op)
{
  OnemoCommandSequence *sequence = onemo_command_sequence_new ();

  onemo_module_op_set_state (op->module, "configuring");
  onemo_command_sequence_add (sequence, onemo_at_build_cfg_url (op->url), 0, FALSE);
  if (op->user != NULL)
    onemo_command_sequence_add (
        sequence, onemo_at_build_cfg_auth (op->user, op->password ? op->password : ""),
        ONEMO_AT_COMMAND_FLAG_SECRET, FALSE);
  if (op->route == ONEMO_UPDATE_MODULE
      && onemo_model_supports (onemo_module_get_model (op->module), ONEMO_FEATURE_ERASE))
    onemo_command_sequence_add (sequence, g_strdup ("AT+MFWERASE"), 0, FALSE);
  run_sequence (op, sequence, module_configured);
}

/* ---- The host's fetch: the package for the host route, or its digest for the module's ---- */

static char *
digest_fd (int fd, GError **error)
{
  g_autoptr (GChecksum) sha256 = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 buffer[16384];
  off_t position = 0;
  gssize n;

  while ((n = pread (fd, buffer, sizeof buffer, position)) > 0) {
    g_checksum_update (sha256, buffer, n);
    position += n;
  }
  if (n < 0) {
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_FAILED, "Reading the fetched package: %s",
                 g_strerror (errno));
    return NULL;
  }
  return g_strdup (g_checksum_get_string (sha256));
}

static void
fetched (GObject *source, GAsyncResult *result, gpointer user_data)
{
  OnemoUpdate *op = user_data;
  GError *error = NULL;

  op->fd = onemo_fetch_finish (result, &op->size, &error);
  if (op->fd < 0) {
    if (!g_error_matches (error, ONEMO_ERROR, ONEMO_ERROR_CANCELLED))
      onemo_module_report_download (op->module, 3, 0, 0);
    update_fail (op, error);
    return;
  }
  onemo_module_report_download (op->module, 2, op->size, op->size);
  if (!op->digest_fetch) {
    host_load (op);
    return;
  }
  op->expected_sha256 = digest_fd (op->fd, &error);
  close (op->fd);
  op->fd = -1;
  if (op->expected_sha256 == NULL) {
    update_fail (op, error);
    return;
  }
  module_configure (op);
}

static void
host_fetch (OnemoUpdate *op)
{
  OnemoFetchOptions fetch_options = {
    .user = op->user,
    .password = op->password,
    .ca_file = op->ca_file,
    .max_size = onemo_module_get_options (op->module)->max_package,
  };

  onemo_module_op_set_state (op->module, "downloading");
  onemo_module_report_download (op->module, 1, 0, 0);
  onemo_fetch_async (op->url, &fetch_options, onemo_host_fetch_progress, op->module,
                     onemo_module_op_cancellable (op->module), fetched, op);
}

/* ---- Entry ---- */

static gboolean
starts_with_fetch (OnemoUpdate *op)
{
  return (op->route == ONEMO_UPDATE_HOST && op->fd < 0) || op->digest_fetch;
}

static const char *
first_state (OnemoUpdate *op)
{
  return starts_with_fetch (op) ? "downloading" : "configuring";
}

static void
update_start (OnemoModule *self, GDBusMethodInvocation *invocation, gpointer data)
{
  OnemoUpdate *op = data;

  if (starts_with_fetch (op))
    host_fetch (op);
  else if (op->route == ONEMO_UPDATE_HOST)
    host_load (op);
  else
    module_configure (op);
}

gboolean
onemo_flow_update (OnemoModule *self, GDBusMethodInvocation *invocation)
{
  GDBusMessage *message = g_dbus_method_invocation_get_message (invocation);
  GVariant *options
      = g_variant_get_child_value (g_dbus_method_invocation_get_parameters (invocation), 0);
  g_autoptr (GVariant) owned = options;
  GError *error = NULL;
  OnemoUpdate *op = g_new0 (OnemoUpdate, 1);

  op->module = g_object_ref (self);
  op->invocation = invocation;
  op->fd = -1;
  if (!onemo_update_parse (op, options, g_dbus_message_get_unix_fd_list (message), &error)) {
    g_dbus_method_invocation_take_error (invocation, error);
    update_op_free (op);
    return TRUE;
  }
  onemo_module_op_begin (self, invocation, first_state (op), ONEMO_OP_CANCELLABLE, update_start, op,
                         (GDestroyNotify)update_op_free);
  return TRUE;
}
