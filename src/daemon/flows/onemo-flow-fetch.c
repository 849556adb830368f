/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fetch(s url, a{sv}): the host downloads the package (onemo-fetch.c: http, https, ftp, ftps
 * only; the daemon never reads a local file for a caller) into an anonymous file, then writes it
 * over the serial port as Write() does. Everything is checked before any network or port
 * activity; Cancel() stops the fetch and the write alike. */
#include "onemo-flow-host.h"

#include <unistd.h>

typedef struct {
  OnemoOperation *operation; /* from the start on */
  char *url;
  OnemoHostOptions host; /* its strings borrowed from the invocation's parameters */
  guint64 offset;
} FetchOp;

#define invalid onemo_set_invalid

static void
fetch_op_free (FetchOp *op)
{
  g_clear_object (&op->operation);
  onemo_host_options_clear (&op->host);
  g_free (op->url);
  g_free (op);
}

static void
fetch_op_return (FetchOp *op, GError *error)
{
  onemo_operation_return (op->operation, NULL, error);
  fetch_op_free (op);
}

gboolean
onemo_flow_fetch_parse_options (OnemoModule *self, GVariant *options, OnemoHostOptions *host,
                                guint64 *offset, GError **error)
{
  GVariantIter iter;
  const char *key;
  GVariant *value;

  *offset = 0;
  g_variant_iter_init (&iter, options);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value)) {
    g_autoptr (GVariant) owned = value;
    gboolean handled;

    if (onemo_host_options_take (self, host, key, value, &handled, error))
      continue;
    if (handled)
      return FALSE;
    if (!g_str_equal (key, "offset"))
      return invalid (error, "Unknown option \"%s\"", key);
    if (!g_variant_is_of_type (value, G_VARIANT_TYPE_UINT64))
      return invalid (error, "\"offset\" must be of type t");
    *offset = g_variant_get_uint64 (value);
  }
  return onemo_host_options_check_fetch (host, error)
         && onemo_host_options_check_write (self, host, *offset, error);
}

static void
written (GObject *source, GAsyncResult *result, gpointer user_data)
{
  FetchOp *op = user_data;
  GError *error = NULL;

  onemo_host_write_finish (result, NULL, &error);
  fetch_op_return (op, error);
}

static void
fetched (GObject *source, GAsyncResult *result, gpointer user_data)
{
  FetchOp *op = user_data;
  GError *error = NULL;
  guint64 size = 0;
  int fd = onemo_fetch_finish (result, &size, &error);

  if (fd < 0) {
    if (!g_error_matches (error, ONEMO_ERROR, ONEMO_ERROR_CANCELLED))
      onemo_operation_report_download (op->operation, 3, 0, 0);
    fetch_op_return (op, error);
    return;
  }
  onemo_operation_report_download (op->operation, 2, size, size);
  if (op->offset >= size) {
    close (fd);
    fetch_op_return (op, g_error_new (ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT,
                                      "The offset is past the package's end (%" G_GUINT64_FORMAT
                                      " bytes)",
                                      size));
    return;
  }
  onemo_operation_set_state (op->operation, "writing");
  onemo_host_write_async (op->operation, fd, size, op->offset, op->host.mode, written, op);
}

void
onemo_flow_fetch_start (OnemoOperation *operation, gpointer data)
{
  FetchOp *op = data;
  OnemoFetchOptions fetch_options;

  op->operation = g_object_ref (operation);
  onemo_host_options_to_fetch (onemo_operation_get_module (operation), &op->host, &fetch_options);
  onemo_operation_report_download (operation, 1, 0, 0);
  onemo_fetch_async (op->url, &fetch_options, onemo_host_fetch_progress, operation,
                     onemo_operation_get_cancellable (operation), fetched, op);
}

gboolean
onemo_flow_fetch_prepare (OnemoModule *module, GDBusMethodInvocation *invocation,
                          GVariant *parameters, OnemoFlowCall *call, GError **error)
{
  OnemoHostOptions host = { 0 };
  g_autoptr (GVariant) options = NULL;
  const char *url;
  guint64 offset = 0;
  FetchOp *op;

  g_variant_get (parameters, "(&s@a{sv})", &url, &options);
  if (!onemo_fetch_validate_url (url, error)
      || !onemo_flow_fetch_parse_options (module, options, &host, &offset, error)) {
    onemo_host_options_clear (&host);
    return FALSE;
  }
  op = g_new0 (FetchOp, 1);
  op->url = g_strdup (url);
  op->host = host;
  op->offset = offset;
  call->data = op;
  call->free_data = (GDestroyNotify)fetch_op_free;
  return TRUE;
}
