/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Write(h fd, a{sv}): the host streams a package from a caller's file over the serial port
 * (AT+MFWDLOAD, hex or transparent), from an offset to resume, never holding it whole. */
#include "onemo-module-private.h"
#include "onemo-at-command.h"
#include "onemo-at-writer.h"
#include "onemo-package-stream.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gunixfdlist.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
  OnemoModule *module;
  GDBusMethodInvocation *invocation;
  guint64 size;
  guint64 offset;
  guint64 done;
  OnemoAtWriteMode mode;
  GError *error; /* kept while an abandoned transparent write settles */
} WriteOp;

/* The checked call, waiting for its begin. */
typedef struct {
  int fd;
  guint64 size;
  OnemoWriteOptions options;
} WriteRequest;

static void
write_request_free (WriteRequest *request)
{
  if (request->fd >= 0)
    close (request->fd);
  g_free (request);
}

#define invalid onemo_set_invalid

static gboolean
parse_mode (OnemoModule *self, GVariant *value, OnemoAtWriteMode *mode, GError **error)
{
  const char *name;

  if (!g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return invalid (error, "\"mode\" must be of type s");
  name = g_variant_get_string (value, NULL);
  if (g_str_equal (name, "hex")) {
    *mode = ONEMO_AT_WRITE_HEX;
    return onemo_module_require (self, ONEMO_FEATURE_DLOAD_HEX, "take hex writes", error);
  }
  if (g_str_equal (name, "transparent")) {
    *mode = ONEMO_AT_WRITE_TRANSPARENT;
    return onemo_module_require (self, ONEMO_FEATURE_DLOAD_TRANSPARENT, "take transparent writes",
                                 error);
  }
  return invalid (error, "\"mode\" must be \"hex\" or \"transparent\"");
}

gboolean
onemo_flow_write_parse_options (OnemoModule *self, GVariant *options, OnemoWriteOptions *out,
                                GError **error)
{
  const OnemoModel *model = onemo_module_get_model (self);
  gboolean have_mode = FALSE;
  GVariantIter iter;
  const char *key;
  GVariant *value;

  out->offset = 0;
  g_variant_iter_init (&iter, options);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value)) {
    g_autoptr (GVariant) owned = value;

    if (g_str_equal (key, "mode")) {
      if (!parse_mode (self, value, &out->mode, error))
        return FALSE;
      have_mode = TRUE;
    } else if (g_str_equal (key, "offset")) {
      if (!g_variant_is_of_type (value, G_VARIANT_TYPE_UINT64))
        return invalid (error, "\"offset\" must be of type t");
      out->offset = g_variant_get_uint64 (value);
    } else {
      return invalid (error, "Unknown option \"%s\"", key);
    }
  }
  if (!have_mode) {
    /* Transparent where the sub-model has it: a third of the bytes on the wire. */
    if (onemo_model_supports (model, ONEMO_FEATURE_DLOAD_TRANSPARENT))
      out->mode = ONEMO_AT_WRITE_TRANSPARENT;
    else if (!onemo_module_require (self, ONEMO_FEATURE_DLOAD_HEX,
                                    "take a package over the serial port", error))
      return FALSE;
    else
      out->mode = ONEMO_AT_WRITE_HEX;
  }
  if (out->offset != 0
      && !onemo_module_require (self, ONEMO_FEATURE_DLOAD_OFFSET, "resume a write at an offset",
                                error))
    return FALSE;
  return TRUE;
}

/* The caller's fd: a readable regular file, not empty, not over the cap. */
static gboolean
check_package_fd (OnemoModule *self, int fd, guint64 *out_size, GError **error)
{
  guint64 cap = onemo_module_get_options (self)->max_package;
  struct stat st;
  int flags;

  if (fstat (fd, &st) != 0)
    return invalid (error, "Cannot stat the package: %s", g_strerror (errno));
  if (!S_ISREG (st.st_mode))
    return invalid (error, "The package must be a regular file");
  flags = fcntl (fd, F_GETFL);
  if (flags < 0 || ((flags & O_ACCMODE) != O_RDONLY && (flags & O_ACCMODE) != O_RDWR))
    return invalid (error, "The package's file descriptor is not open for reading");
  if (st.st_size <= 0)
    return invalid (error, "The package is empty");
  if ((guint64)st.st_size > cap)
    return invalid (
        error, "The package's %" G_GUINT64_FORMAT " bytes exceed the cap of %" G_GUINT64_FORMAT,
        (guint64)st.st_size, cap);
  *out_size = st.st_size;
  return TRUE;
}

static int
take_package_fd (OnemoModule *self, GUnixFDList *fd_list, GVariant *handle, guint64 *out_size,
                 GError **error)
{
  gint32 index = g_variant_get_handle (handle);
  int fd;

  if (fd_list == NULL || index < 0 || index >= g_unix_fd_list_get_length (fd_list)) {
    invalid (error, "No file descriptor was passed");
    return -1;
  }
  fd = g_unix_fd_list_get (fd_list, index, error);
  if (fd >= 0 && !check_package_fd (self, fd, out_size, error)) {
    close (fd);
    return -1;
  }
  return fd;
}

static void
write_progress (OnemoAtPort *port, guint64 written, guint64 total, gpointer user_data)
{
  WriteOp *op = user_data;

  op->done = op->offset + written;
  onemo_module_report_download (op->module, 1, op->size, op->done);
}

static void
write_op_return (WriteOp *op, GError *error)
{
  onemo_module_op_return (op->module, op->invocation, NULL, error);
  g_object_unref (op->module);
  g_free (op);
}

static void
write_settled (GObject *source, GAsyncResult *result, gpointer user_data)
{
  WriteOp *op = user_data;
  g_auto (GStrv) lines = onemo_at_port_command_finish (ONEMO_AT_PORT (source), result, NULL);

  write_op_return (op, g_steal_pointer (&op->error));
}

static void
write_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  WriteOp *op = user_data;
  GError *error = NULL;

  if (onemo_at_write_package_finish (ONEMO_AT_PORT (source), result, &error)) {
    onemo_module_report_download (op->module, 2, op->size, op->size);
    write_op_return (op, NULL);
    return;
  }
  onemo_error_normalize (&error);
  if (!g_error_matches (error, ONEMO_ERROR, ONEMO_ERROR_CANCELLED))
    onemo_module_report_download (op->module, 3, op->size, op->done);
  if (op->mode != ONEMO_AT_WRITE_TRANSPARENT
      || g_error_matches (error, ONEMO_ERROR, ONEMO_ERROR_PORT_GONE)) {
    write_op_return (op, error);
    return;
  }
  /* An abandoned transparent write goes on with padding until the module has its announced
   * length and leaves raw mode; an AT queued behind it answers once that is over, and only
   * then is the port let go and the caller answered, so the next call finds a module that
   * takes commands. */
  op->error = error;
  onemo_at_port_command_async (ONEMO_AT_PORT (source), ONEMO_AT_CMD_ATTENTION, 0,
                               onemo_module_get_options (op->module)->command_timeout_ms, NULL,
                               write_settled, op);
}

static void
write_start (OnemoModule *self, GDBusMethodInvocation *invocation, gpointer data)
{
  WriteRequest *request = data;
  g_autoptr (GInputStream) stream = NULL;
  WriteOp *op = g_new0 (WriteOp, 1);

  op->module = g_object_ref (self);
  op->invocation = invocation;
  op->size = request->size;
  op->offset = request->options.offset;
  op->mode = request->options.mode;
  op->done = op->offset;
  onemo_module_report_download (self, 1, op->size, op->offset);
  /* The stream takes the fd. */
  stream = onemo_package_stream_new (request->fd, op->offset);
  request->fd = -1;
  write_request_free (request);
  onemo_at_write_package_async (onemo_module_op_port (self), stream, op->offset,
                                op->size - op->offset, op->mode,
                                onemo_module_get_options (self)->command_timeout_ms, write_progress,
                                op, onemo_module_op_cancellable (self), write_done, op);
}

gboolean
onemo_flow_write (OnemoModule *self, GDBusMethodInvocation *invocation, GUnixFDList *fd_list,
                  GVariant *fd_handle, GVariant *options)
{
  int fd = -1;
  GError *error = NULL;
  OnemoWriteOptions write_options = { ONEMO_AT_WRITE_TRANSPARENT, 0 };
  guint64 size = 0;
  WriteRequest *request;

  if (!onemo_flow_write_parse_options (self, options, &write_options, &error)
      || (fd = take_package_fd (self, fd_list, fd_handle, &size, &error)) < 0) {
    g_dbus_method_invocation_take_error (invocation, error);
    return TRUE;
  }
  if (write_options.offset >= size) {
    close (fd);
    g_dbus_method_invocation_return_error (invocation, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT,
                                           "The offset is past the package's end");
    return TRUE;
  }
  request = g_new0 (WriteRequest, 1);
  request->fd = fd;
  request->size = size;
  request->options = write_options;
  onemo_module_op_begin (self, invocation, "writing", ONEMO_OP_CANCELLABLE, write_start, request,
                         (GDestroyNotify)write_request_free);
  return TRUE;
}
