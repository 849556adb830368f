/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Update(a{sv}): the safe whole flow. Every argument is checked before the port or the network
 * is touched; then the package is loaded by one of three routes, verified, and handed to the
 * Upgrade() flow, which follows the reboots and confirms the new revision:
 *
 *   host    (an fd, or a url the host fetches) AT+MFWERASE, a serial write hashed as it goes,
 *           then the byte count, the caller's size/sha256, and AT+MFWCHECK=2 where the module
 *           has it, must all agree with what the host sent;
 *   module  (AT+MFWDLOAD) AT+MFWERASE, url and auth, progind, the module's download; what it
 *           holds must equal each size known (its final total, the caller's, the host's fetch);
 *           where it has AT+MFWCHECK, the digest is the caller's sha256 or, failing that, the
 *           host fetches the url to compute it; a refused AT+MFWCHECK leaves the sizes;
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
#include "onemo-package-stream.h"

#include <gio/gunixfdlist.h>
#include <unistd.h>

#define invalid onemo_set_invalid

/* The module reports its download every 4 KiB: some 30 bytes of URC each, a few hundred for
 * the largest package. */
#define UPDATE_PROGIND_BYTES 4096

static void
update_op_free (OnemoUpdate *op)
{
  if (op->fd >= 0)
    close (op->fd);
  g_object_unref (op->module);
  g_clear_object (&op->operation);
  g_free (op->url);
  g_free (op->user);
  g_free (op->password);
  g_clear_pointer (&op->ca, g_bytes_unref);
  g_free (op->expected_sha256);
  g_free (op->loaded_sha256);
  g_free (op);
}

static void
update_fail (OnemoUpdate *op, GError *error)
{
  onemo_operation_return_error (op->operation, error);
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

  onemo_operation_handover (op->operation, onemo_flow_upgrade_begin);
  update_op_free (op);
  return G_SOURCE_REMOVE;
}

static void
upgrade (OnemoUpdate *op)
{
  g_idle_add (hand_over_to_upgrade, op);
}

/* ---- Verification ---- */

/* A final answer from the module (ERROR, +CME ERROR), not a timeout or garbled text. */
static gboolean
module_refused (const GError *error)
{
  return error->domain == ONEMO_ERROR
         && (error->code == ONEMO_ERROR_MODULE
             || (error->code >= ONEMO_ERROR_UNKNOWN && error->code <= ONEMO_ERROR_NO_NETWORK));
}

/* k: the manual gives AT+MFWCHECK for packages written over the port; a module may refuse it
 * for one it downloaded. The sizes then decide, if any was there to compare. */
static gboolean
checksum_refused (OnemoUpdate *op, GError *error)
{
  if (op->route != ONEMO_UPDATE_MODULE || !module_refused (error))
    return FALSE;
  if (!op->size_checked) {
    update_fail (op, not_verified ("The module refused AT+MFWCHECK (%s) and no size was known "
                                   "to check its download against: not upgrading",
                                   error->message));
    g_error_free (error);
    return TRUE;
  }
  g_message ("%s: the module refused AT+MFWCHECK after its own download (%s); its size agrees",
             onemo_module_get_device (op->module), error->message);
  g_error_free (error);
  upgrade (op);
  return TRUE;
}

static void
module_checksum_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  OnemoUpdate *op = user_data;
  GError *error = NULL;
  g_auto (GStrv) lines = onemo_at_port_command_finish (ONEMO_AT_PORT (source), result, &error);
  g_autofree char *checksum = NULL;
  const char *expected = op->loaded_sha256 != NULL ? op->loaded_sha256 : op->expected_sha256;

  if (error != NULL && checksum_refused (op, error))
    return;
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

/* c: each size that is known must match what the module holds; a size the module left out
 * (or a file:// load that reported nothing) is not a mismatch. */
static GError *
sizes_differ (OnemoUpdate *op, const OnemoModuleDownloadResult *loaded)
{
  guint64 held = loaded->length;

  if (!loaded->has_length)
    return NULL;
  if (loaded->has_total && held != loaded->total)
    return not_verified ("The module holds %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                         " bytes: not upgrading",
                         held, loaded->total);
  if (op->have_expected_size && held != op->expected_size)
    return not_verified ("The package has %" G_GUINT64_FORMAT " bytes, not the "
                         "%" G_GUINT64_FORMAT " expected: not upgrading",
                         held, op->expected_size);
  /* The host fetched the same url for its digest: its size is one more to agree with. */
  if (op->route == ONEMO_UPDATE_MODULE && op->digest_fetch && held != op->size)
    return not_verified ("The module holds %" G_GUINT64_FORMAT " bytes, the host fetched "
                         "%" G_GUINT64_FORMAT ": not upgrading",
                         held, op->size);
  op->size_checked = loaded->has_total || op->have_expected_size
                     || (op->route == ONEMO_UPDATE_MODULE && op->digest_fetch);
  return NULL;
}

/* The checks the host can make itself, then AT+MFWCHECK=2 where the module has it. */
static void
verify (OnemoUpdate *op, const OnemoModuleDownloadResult *loaded)
{
  g_autofree char *check = NULL;
  GError *error;

  onemo_operation_set_state (op->operation, "verifying");
  if ((error = sizes_differ (op, loaded)) != NULL) {
    update_fail (op, error);
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
  check = onemo_at_build_check (ONEMO_AT_CHECK_SHA256);
  onemo_operation_command_async (op->operation, check, module_checksum_read, op);
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
  verify (op, &(OnemoModuleDownloadResult){
                  .has_total = TRUE, .total = op->size, .has_length = TRUE, .length = op->size });
}

/* A command sequence's end: TRUE when every command succeeded; else the update failed. */
static gboolean
sequence_succeeded (OnemoUpdate *op, GAsyncResult *result)
{
  GError *error = NULL;
  g_autoptr (GPtrArray) responses = onemo_command_sequence_run_finish (result, &error);

  if (error != NULL) {
    update_fail (op, error);
    return FALSE;
  }
  return TRUE;
}

static void
host_erased (GObject *source, GAsyncResult *result, gpointer user_data)
{
  OnemoUpdate *op = user_data;

  if (!sequence_succeeded (op, result))
    return;
  onemo_operation_set_state (op->operation, "writing");
  onemo_host_write_async (op->operation, op->fd, op->size, 0, op->mode, host_written, op);
}

static void
run_sequence (OnemoUpdate *op, OnemoCommandSequence *sequence, GAsyncReadyCallback callback)
{
  onemo_command_sequence_run_async (sequence, onemo_operation_get_port (op->operation),
                                    onemo_module_get_options (op->module)->command_timeout_ms,
                                    onemo_operation_get_cancellable (op->operation), callback, op);
}

static void
host_load (OnemoUpdate *op)
{
  OnemoCommandSequence *sequence = onemo_command_sequence_new ();

  onemo_operation_set_state (op->operation, "configuring");
  if (onemo_model_supports (onemo_module_get_model (op->module), ONEMO_FEATURE_ERASE))
    onemo_command_sequence_add (sequence, g_strdup (ONEMO_AT_CMD_ERASE), 0, FALSE);
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
  verify (op, &loaded);
}

static void
module_configured (GObject *source, GAsyncResult *result, gpointer user_data)
{
  OnemoUpdate *op = user_data;

  if (!sequence_succeeded (op, result))
    return;
  if (op->route == ONEMO_UPDATE_SELF) {
    upgrade (op);
    return;
  }
  onemo_operation_set_state (op->operation, "downloading");
  onemo_module_download_async (op->operation, &(OnemoModuleDownloadOptions){ .url = op->url },
                               module_downloaded, op);
}

static void
module_configure (OnemoUpdate *op)
{
  OnemoCommandSequence *sequence = onemo_command_sequence_new ();

  const OnemoModel *model = onemo_module_get_model (op->module);
  gboolean module_loads = op->route == ONEMO_UPDATE_MODULE;

  onemo_operation_set_state (op->operation, "configuring");
  /* k: erase first, since an erase may forget url and auth. */
  if (module_loads && onemo_model_supports (model, ONEMO_FEATURE_ERASE))
    onemo_command_sequence_add (sequence, g_strdup (ONEMO_AT_CMD_ERASE), 0, FALSE);
  onemo_command_sequence_add (sequence, onemo_at_build_cfg_url (op->url), 0, FALSE);
  if (op->user != NULL)
    onemo_command_sequence_add (
        sequence, onemo_at_build_cfg_auth (op->user, op->password ? op->password : ""),
        ONEMO_AT_COMMAND_FLAG_SECRET, FALSE);
  /* k: without progind the module reports only the end, and DownloadProgress stays still. */
  if (module_loads && onemo_model_supports (model, ONEMO_FEATURE_CFG_PROGIND))
    onemo_command_sequence_add (
        sequence, onemo_at_build_cfg_number ("progind", UPDATE_PROGIND_BYTES), 0, FALSE);
  run_sequence (op, sequence, module_configured);
}

/* ---- The host's fetch: the package for the host route, or its digest for the module's ---- */

static void
fetched_digested (GObject *source, GAsyncResult *result, gpointer user_data)
{
  OnemoUpdate *op = user_data;
  GError *error = NULL;

  op->expected_sha256 = onemo_package_digest_finish (result, &error);
  if (op->expected_sha256 != NULL) {
    module_configure (op);
    return;
  }
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    GError *wrapped = g_error_new (ONEMO_ERROR, ONEMO_ERROR_FAILED,
                                   "Reading the fetched package: %s", error->message);
    g_error_free (error);
    error = wrapped;
  }
  update_fail (op, error);
}

static void
fetched (GObject *source, GAsyncResult *result, gpointer user_data)
{
  OnemoUpdate *op = user_data;
  GError *error = NULL;

  op->fd = onemo_fetch_finish (result, &op->size, &error);
  if (op->fd < 0) {
    if (!g_error_matches (error, ONEMO_ERROR, ONEMO_ERROR_CANCELLED))
      onemo_operation_report_download (op->operation, 3, 0, 0);
    update_fail (op, error);
    return;
  }
  onemo_operation_report_download (op->operation, 2, op->size, op->size);
  if (!op->digest_fetch) {
    host_load (op);
    return;
  }
  /* The digest stream takes the fd. */
  onemo_package_digest_async (op->fd, onemo_operation_get_cancellable (op->operation),
                              fetched_digested, op);
  op->fd = -1;
}

static void
host_fetch (OnemoUpdate *op)
{
  const OnemoHostOptions host = { .user = op->user, .password = op->password, .ca = op->ca };
  OnemoFetchOptions fetch_options;

  onemo_host_options_to_fetch (op->module, &host, &fetch_options);

  onemo_operation_set_state (op->operation, "downloading");
  onemo_operation_report_download (op->operation, 1, 0, 0);
  onemo_fetch_async (op->url, &fetch_options, onemo_host_fetch_progress, op->operation,
                     onemo_operation_get_cancellable (op->operation), fetched, op);
}

/* ---- Entry ---- */

static gboolean
starts_with_fetch (OnemoUpdate *op)
{
  return (op->route == ONEMO_UPDATE_HOST && op->fd < 0) || op->digest_fetch;
}

void
onemo_flow_update_start (OnemoOperation *operation, gpointer data)
{
  OnemoUpdate *op = data;

  op->operation = g_object_ref (operation);
  if (starts_with_fetch (op))
    host_fetch (op);
  else if (op->route == ONEMO_UPDATE_HOST)
    host_load (op);
  else
    module_configure (op);
}

gboolean
onemo_flow_update_prepare (OnemoModule *module, GDBusMethodInvocation *invocation,
                           GVariant *parameters, OnemoFlowCall *call, GError **error)
{
  GDBusMessage *message = g_dbus_method_invocation_get_message (invocation);
  g_autoptr (GVariant) options = g_variant_get_child_value (parameters, 0);
  OnemoUpdate *op = g_new0 (OnemoUpdate, 1);

  op->module = g_object_ref (module);
  op->fd = -1;
  if (!onemo_update_parse (op, options, g_dbus_message_get_unix_fd_list (message), error)) {
    update_op_free (op);
    return FALSE;
  }
  /* A fetch comes first where the host loads a url, or needs the package's digest. */
  call->state = starts_with_fetch (op) ? "downloading" : "configuring";
  call->data = op;
  call->free_data = (GDestroyNotify)update_op_free;
  return TRUE;
}
