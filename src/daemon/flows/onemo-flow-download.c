/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Download(): the module downloads its configured url by itself (onemo-module-download.c, the
 * step Update() shares, resuming interruptions as long as they make progress). */
#include "onemo-flows.h"
#include "onemo-module-download.h"

static void
downloaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (OnemoOperation) operation = user_data;
  GError *error = NULL;

  onemo_module_download_finish (result, NULL, &error);
  onemo_operation_return (operation, NULL, error);
}

void
onemo_flow_download_start (OnemoOperation *operation, gpointer data)
{
  /* The url was set by Configure(): the step asks the module where it matters (file://). */
  onemo_module_download_async (operation, &(OnemoModuleDownloadOptions){ .url = NULL }, downloaded,
                               g_object_ref (operation));
}

gboolean
onemo_flow_download_prepare (OnemoModule *module, GDBusMethodInvocation *invocation,
                             GVariant *parameters, OnemoFlowCall *call, GError **error)
{
  return onemo_module_require (module, ONEMO_FEATURE_DLOAD_URL, "download a package by itself",
                               error);
}
