/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "onemo-operation.h"

G_BEGIN_DECLS

/* What the caller of the module-side download knows. */
typedef struct {
  const char *url; /* the url the module was given; NULL: ask the module where it matters */
} OnemoModuleDownloadOptions;

/* What the module said when its download ended: the final report's numbers, each only when the
 * module gave it (a file:// load may end with OK alone, a final report may leave out <total>). */
typedef struct {
  gboolean has_total;
  guint64 total; /* the size the final report announced */
  gboolean has_length;
  guint64 length; /* the bytes the module holds */
} OnemoModuleDownloadResult;

/*
 * The module's own download, as Download() and Update() both run it (onemo-module-download.c):
 * AT+MFWDLOAD on the running operation's port, following "+MFWDLOAD:" to success or failure,
 * resuming by itself after each network interruption that made progress, within the daemon's
 * download time limit, until Cancel(). Reports DownloadProgress, the final report included;
 * answers no caller.
 */
void onemo_module_download_async (OnemoOperation *operation,
                                  const OnemoModuleDownloadOptions *options,
                                  GAsyncReadyCallback callback, gpointer user_data);
gboolean onemo_module_download_finish (GAsyncResult *result, OnemoModuleDownloadResult *out,
                                       GError **error);

G_END_DECLS
