/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The host side of Fetch() and Update(): their shared options, and a serial write that digests
 * the bytes it sends in the same pass (the package is read once, block by block). */
#include "onemo-flow-host.h"
#include "onemo-at-command.h"
#include "onemo-package-stream.h"

#define invalid onemo_set_invalid

/* ---- Options ---- */

static gboolean
take_string (const char *key, GVariant *value, const char **out, GError **error)
{
  if (!g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return invalid (error, "\"%s\" must be of type s", key);
  *out = g_variant_get_string (value, NULL);
  return TRUE;
}

gboolean
onemo_host_options_take (OnemoModule *self, OnemoHostOptions *out, const char *key, GVariant *value,
                         gboolean *handled, GError **error)
{
  const char *mode = NULL;

  *handled = TRUE;
  if (g_str_equal (key, "user"))
    return take_string (key, value, &out->user, error);
  if (g_str_equal (key, "password"))
    return take_string (key, value, &out->password, error);
  if (g_str_equal (key, "ca")) {
    if (!g_variant_is_of_type (value, G_VARIANT_TYPE_BYTESTRING))
      return invalid (error, "\"ca\" must be of type ay");
    g_clear_pointer (&out->ca, g_bytes_unref);
    out->ca = g_variant_get_data_as_bytes (value);
    return TRUE;
  }
  if (!g_str_equal (key, "mode")) {
    *handled = FALSE;
    return FALSE;
  }
  if (!take_string (key, value, &mode, error))
    return FALSE;
  out->have_mode = TRUE;
  if (g_str_equal (mode, "hex"))
    out->mode = ONEMO_AT_WRITE_HEX;
  else if (g_str_equal (mode, "transparent"))
    out->mode = ONEMO_AT_WRITE_TRANSPARENT;
  else
    return invalid (error, "\"mode\" must be \"hex\" or \"transparent\"");
  return TRUE;
}

gboolean
onemo_host_options_check_fetch (const OnemoHostOptions *options, GError **error)
{
  if (options->password != NULL && options->user == NULL)
    return invalid (error, "\"password\" needs a \"user\"");
  if (options->user != NULL
      && !onemo_at_string_validate ("user", options->user, ONEMO_AT_AUTH_MAX, error))
    return FALSE;
  if (options->password != NULL
      && !onemo_at_string_validate ("password", options->password, ONEMO_AT_AUTH_MAX, error))
    return FALSE;
  if (!onemo_fetch_validate_ca (options->ca, NULL))
    return invalid (error, "\"ca\" must be a PEM bundle of 1 to %d bytes", ONEMO_FETCH_MAX_CA_SIZE);
  return TRUE;
}

void
onemo_host_options_clear (OnemoHostOptions *options)
{
  g_clear_pointer (&options->ca, g_bytes_unref);
}

gboolean
onemo_host_options_check_write (OnemoModule *self, OnemoHostOptions *options, guint64 offset,
                                GError **error)
{
  const OnemoModel *model = onemo_module_get_model (self);

  if (!options->have_mode) {
    /* Transparent where the sub-model has it: a third of the bytes on the wire. */
    options->mode = onemo_model_supports (model, ONEMO_FEATURE_DLOAD_TRANSPARENT)
                        ? ONEMO_AT_WRITE_TRANSPARENT
                        : ONEMO_AT_WRITE_HEX;
  }
  if (options->mode == ONEMO_AT_WRITE_TRANSPARENT
      && !onemo_module_require (self, ONEMO_FEATURE_DLOAD_TRANSPARENT, "take transparent writes",
                                error))
    return FALSE;
  if (options->mode == ONEMO_AT_WRITE_HEX
      && !onemo_module_require (
          self, ONEMO_FEATURE_DLOAD_HEX,
          options->have_mode ? "take hex writes" : "take a package over the serial port", error))
    return FALSE;
  return offset == 0
         || onemo_module_require (self, ONEMO_FEATURE_DLOAD_OFFSET, "resume a write at an offset",
                                  error);
}

void
onemo_host_options_to_fetch (OnemoModule *self, const OnemoHostOptions *options,
                             OnemoFetchOptions *out)
{
  *out = (OnemoFetchOptions){
    .user = options->user,
    .password = options->password,
    .ca = options->ca,
    .max_size = onemo_module_get_options (self)->max_package,
    .timeout_s = onemo_module_get_options (self)->fetch_timeout_s,
    .helper = onemo_module_get_options (self)->fetch_helper,
  };
}

void
onemo_host_fetch_progress (guint64 done, guint64 total, gpointer user_data)
{
  onemo_operation_report_download (ONEMO_OPERATION (user_data), 1, total, done);
}

/* ---- The write ---- */

typedef struct {
  OnemoOperation *operation;
  GInputStream *stream; /* an OnemoPackageStream, hashing as it reads */
  guint64 size;
  guint64 offset;
  guint64 done;
  OnemoAtWriteMode mode;
  GError *error; /* kept while an abandoned transparent write settles */
} HostWrite;

static void
host_write_free (HostWrite *write)
{
  g_object_unref (write->operation);
  g_clear_object (&write->stream);
  g_clear_error (&write->error);
  g_free (write);
}

static void
host_write_progress (OnemoAtPort *port, guint64 written, guint64 total, gpointer user_data)
{
  HostWrite *write = user_data;

  write->done = write->offset + written;
  onemo_operation_report_download (write->operation, 1, write->size, write->done);
}

static void
host_write_settled (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  HostWrite *write = g_task_get_task_data (task);
  g_auto (GStrv) lines = onemo_at_port_command_finish (ONEMO_AT_PORT (source), result, NULL);

  g_task_return_error (task, g_steal_pointer (&write->error));
}

static void
host_write_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  HostWrite *write = g_task_get_task_data (task);
  GError *error = NULL;

  if (onemo_at_write_package_finish (ONEMO_AT_PORT (source), result, &error)) {
    write->done = write->size;
    onemo_operation_report_download (write->operation, 2, write->size, write->size);
    g_task_return_pointer (
        task, onemo_package_stream_get_sha256 (ONEMO_PACKAGE_STREAM (write->stream)), g_free);
    return;
  }
  onemo_error_normalize (&error);
  if (!g_error_matches (error, ONEMO_ERROR, ONEMO_ERROR_CANCELLED))
    onemo_operation_report_download (write->operation, 3, write->size, write->done);
  if (write->mode != ONEMO_AT_WRITE_TRANSPARENT
      || g_error_matches (error, ONEMO_ERROR, ONEMO_ERROR_PORT_GONE)) {
    g_task_return_error (task, error);
    return;
  }
  /* The writer pads an abandoned transparent write to its announced length; an AT queued
   * behind it answers once the module is back in command mode. */
  write->error = error;
  onemo_at_port_command_async (ONEMO_AT_PORT (source), ONEMO_AT_CMD_ATTENTION, 0,
                               onemo_operation_get_options (write->operation)->command_timeout_ms,
                               NULL, host_write_settled, g_steal_pointer (&task));
}

void
onemo_host_write_async (OnemoOperation *operation, int fd, guint64 size, guint64 offset,
                        OnemoAtWriteMode mode, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (operation, NULL, callback, user_data);
  HostWrite *write = g_new0 (HostWrite, 1);

  write->operation = g_object_ref (operation);
  write->size = size;
  write->offset = offset;
  write->done = offset;
  write->mode = mode;
  write->stream = onemo_package_stream_new (fd, offset);
  g_task_set_task_data (task, write, (GDestroyNotify)host_write_free);
  onemo_operation_report_download (operation, 1, size, offset);
  onemo_at_write_package_async (
      onemo_operation_get_port (operation), write->stream, offset, size - offset, mode,
      onemo_operation_get_options (operation)->command_timeout_ms, host_write_progress, write,
      onemo_operation_get_cancellable (operation), host_write_done, task);
}

gboolean
onemo_host_write_finish (GAsyncResult *result, char **out_sha256, GError **error)
{
  g_autofree char *sha256 = g_task_propagate_pointer (G_TASK (result), error);

  if (sha256 == NULL)
    return FALSE;
  if (out_sha256 != NULL)
    *out_sha256 = g_steal_pointer (&sha256);
  return TRUE;
}
