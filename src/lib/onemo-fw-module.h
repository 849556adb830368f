/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(ONEMO_FIRMWARE_INSIDE) && !defined(ONEMO_FIRMWARE_COMPILATION)
#error "Only <onemo-firmware.h> can be included directly."
#endif

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * OnemoFwPhase:
 * @ONEMO_FW_PHASE_LOADING: the package is reaching the module: the module's own download, the
 *   service's fetch or its serial write (the `DownloadProgress` signal).
 * @ONEMO_FW_PHASE_UPGRADING: the module applies the package (the `UpgradeProgress` signal).
 *
 * What a progress report is about.
 */
typedef enum {
  ONEMO_FW_PHASE_LOADING,
  ONEMO_FW_PHASE_UPGRADING,
} OnemoFwPhase;

/**
 * OnemoFwChecksum:
 * @ONEMO_FW_CHECKSUM_MD5: MD5
 * @ONEMO_FW_CHECKSUM_SHA1: SHA-1
 * @ONEMO_FW_CHECKSUM_SHA256: SHA-256
 *
 * The digests a module computes of its loaded package (AT+MFWCHECK).
 */
typedef enum {
  ONEMO_FW_CHECKSUM_MD5,
  ONEMO_FW_CHECKSUM_SHA1,
  ONEMO_FW_CHECKSUM_SHA256,
} OnemoFwChecksum;

#define ONEMO_TYPE_FW_MODULE (onemo_fw_module_get_type ())
G_DECLARE_FINAL_TYPE (OnemoFwModule, onemo_fw_module, ONEMO, FW_MODULE, GObject)

/**
 * OnemoFwProgressFunc:
 * @module: the module
 * @phase: what is progressing
 * @fraction: how far, from 0.0 to 1.0; -1.0 when the total is unknown
 * @user_data: the data given with the function
 *
 * Called for each progress report of an update.
 */
typedef void (*OnemoFwProgressFunc) (OnemoFwModule *module, OnemoFwPhase phase, double fraction,
                                     gpointer user_data);

const char *onemo_fw_module_get_object_path (OnemoFwModule *module);
const char *onemo_fw_module_get_manufacturer (OnemoFwModule *module);
const char *onemo_fw_module_get_model (OnemoFwModule *module);
const char *onemo_fw_module_get_sub_model (OnemoFwModule *module);
const char *onemo_fw_module_get_revision (OnemoFwModule *module);
const char *onemo_fw_module_get_imei (OnemoFwModule *module);
const char *onemo_fw_module_get_port (OnemoFwModule *module);
const char *onemo_fw_module_get_physical_device (OnemoFwModule *module);
const char *const *onemo_fw_module_get_capabilities (OnemoFwModule *module);
gboolean onemo_fw_module_has_capability (OnemoFwModule *module, const char *capability);
const char *onemo_fw_module_get_state (OnemoFwModule *module);
guint64 onemo_fw_module_get_download_total (OnemoFwModule *module);
guint64 onemo_fw_module_get_downloaded_bytes (OnemoFwModule *module);
guint onemo_fw_module_get_upgrade_percent (OnemoFwModule *module);
const char *onemo_fw_module_get_last_error (OnemoFwModule *module);

gint onemo_fw_module_get_timeout (OnemoFwModule *module);
void onemo_fw_module_set_timeout (OnemoFwModule *module, gint timeout_ms);
gboolean onemo_fw_module_get_allow_interaction (OnemoFwModule *module);
void onemo_fw_module_set_allow_interaction (OnemoFwModule *module, gboolean allow);

void onemo_fw_module_update_async (OnemoFwModule *module, GFile *file, const char *uri,
                                   GVariant *options, GCancellable *cancellable,
                                   OnemoFwProgressFunc progress, gpointer progress_data,
                                   GDestroyNotify progress_destroy, GAsyncReadyCallback callback,
                                   gpointer user_data);
gboolean onemo_fw_module_update_finish (OnemoFwModule *module, GAsyncResult *result,
                                        GError **error);

void onemo_fw_module_configure_async (OnemoFwModule *module, GVariant *settings,
                                      GCancellable *cancellable, GAsyncReadyCallback callback,
                                      gpointer user_data);
gboolean onemo_fw_module_configure_finish (OnemoFwModule *module, GAsyncResult *result,
                                           GError **error);

void onemo_fw_module_get_configuration_async (OnemoFwModule *module, GCancellable *cancellable,
                                              GAsyncReadyCallback callback, gpointer user_data);
GVariant *onemo_fw_module_get_configuration_finish (OnemoFwModule *module, GAsyncResult *result,
                                                    GError **error);

void onemo_fw_module_download_async (OnemoFwModule *module, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data);
gboolean onemo_fw_module_download_finish (OnemoFwModule *module, GAsyncResult *result,
                                          GError **error);

void onemo_fw_module_write_async (OnemoFwModule *module, GFile *file, GVariant *options,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data);
gboolean onemo_fw_module_write_finish (OnemoFwModule *module, GAsyncResult *result, GError **error);

void onemo_fw_module_fetch_async (OnemoFwModule *module, const char *url, GVariant *options,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data);
gboolean onemo_fw_module_fetch_finish (OnemoFwModule *module, GAsyncResult *result, GError **error);

void onemo_fw_module_checksum_async (OnemoFwModule *module, OnemoFwChecksum algorithm,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data);
char *onemo_fw_module_checksum_finish (OnemoFwModule *module, GAsyncResult *result, GError **error);

void onemo_fw_module_upgrade_async (OnemoFwModule *module, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data);
gboolean onemo_fw_module_upgrade_finish (OnemoFwModule *module, GAsyncResult *result,
                                         GError **error);

void onemo_fw_module_erase_async (OnemoFwModule *module, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
gboolean onemo_fw_module_erase_finish (OnemoFwModule *module, GAsyncResult *result, GError **error);

void onemo_fw_module_cancel_async (OnemoFwModule *module, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);
gboolean onemo_fw_module_cancel_finish (OnemoFwModule *module, GAsyncResult *result,
                                        GError **error);

G_END_DECLS
