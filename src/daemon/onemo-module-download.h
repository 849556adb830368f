/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "onemo-module-private.h"

G_BEGIN_DECLS

/* What the caller of the module-side download wants of it. */
typedef struct {
  guint max_resumes; /* resumable interruptions ("3" then "0") continued with AT+MFWDLOAD */
} OnemoModuleDownloadOptions;

/* What the module said when its download ended. */
typedef struct {
  guint64 total;  /* the size the module announced, 0 if none */
  guint64 length; /* the bytes it holds */
} OnemoModuleDownloadResult;

/*
 * The module's own download, as Download() and Update() both run it (onemo-module-download.c):
 * AT+MFWDLOAD on the running operation's port, following "+MFWDLOAD:" to success or failure,
 * within the daemon's download time limit, until Cancel(). Reports DownloadProgress, the final
 * report included; answers no caller.
 */
void onemo_module_download_async (OnemoModule *self, const OnemoModuleDownloadOptions *options,
                                  GAsyncReadyCallback callback, gpointer user_data);
gboolean onemo_module_download_finish (GAsyncResult *result, OnemoModuleDownloadResult *out,
                                       GError **error);

G_END_DECLS
