/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Download(): the module downloads its configured url by itself (onemo-module-download.c, the
 * step Update() shares, resuming interruptions as long as they make progress). */
#include "onemo-module-download.h"

static void
downloaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GError *error = NULL;

  onemo_module_download_finish (result, NULL, &error);
  onemo_module_op_return (ONEMO_MODULE (source), user_data, NULL, error);
}

static void
download_start (OnemoModule *self, GDBusMethodInvocation *invocation, gpointer data)
{
  /* The url was set by Configure(): the step asks the module where it matters (file://). */
  onemo_module_download_async (self, &(OnemoModuleDownloadOptions){ .url = NULL }, downloaded,
                               invocation);
}

gboolean
onemo_flow_download (OnemoModule *self, GDBusMethodInvocation *invocation)
{
  GError *error = NULL;

  if (!onemo_module_require (self, ONEMO_FEATURE_DLOAD_URL, "download a package by itself",
                             &error)) {
    g_dbus_method_invocation_take_error (invocation, error);
    return TRUE;
  }
  onemo_module_op_begin (self, invocation, "downloading", ONEMO_OP_CANCELLABLE, download_start,
                         NULL, NULL);
  return TRUE;
}
