/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Write(h fd, a{sv}): the host streams a package from a caller's file over the serial port
 * (AT+MFWDLOAD, hex or transparent), from an offset to resume, never holding it whole. */
#include "onemo-flow-host.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gunixfdlist.h>
#include <sys/stat.h>
#include <unistd.h>

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
written (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (OnemoOperation) operation = user_data;
  GError *error = NULL;

  onemo_host_write_finish (result, NULL, &error);
  onemo_operation_return (operation, NULL, error);
}

/* The same serial write as Fetch() and Update() make of a package the host holds. */
void
onemo_flow_write_start (OnemoOperation *operation, gpointer data)
{
  WriteRequest *request = data;
  int fd = request->fd;

  request->fd = -1;
  onemo_host_write_async (operation, fd, request->size, request->options.offset,
                          request->options.mode, written, g_object_ref (operation));
  write_request_free (request);
}

gboolean
onemo_flow_write_prepare (OnemoModule *module, GDBusMethodInvocation *invocation,
                          GVariant *parameters, OnemoFlowCall *call, GError **error)
{
  GDBusMessage *message = g_dbus_method_invocation_get_message (invocation);
  g_autoptr (GVariant) fd_handle = NULL;
  g_autoptr (GVariant) options = NULL;
  OnemoWriteOptions write_options = { ONEMO_AT_WRITE_TRANSPARENT, 0 };
  guint64 size = 0;
  WriteRequest *request;
  int fd;

  g_variant_get (parameters, "(@h@a{sv})", &fd_handle, &options);
  if (!onemo_flow_write_parse_options (module, options, &write_options, error))
    return FALSE;
  fd = take_package_fd (module, g_dbus_message_get_unix_fd_list (message), fd_handle, &size, error);
  if (fd < 0)
    return FALSE;
  if (write_options.offset >= size) {
    close (fd);
    return invalid (error, "The offset is past the package's end");
  }
  request = g_new0 (WriteRequest, 1);
  request->fd = fd;
  request->size = size;
  request->options = write_options;
  call->data = request;
  call->free_data = (GDestroyNotify)write_request_free;
  return TRUE;
}
