/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(ONEMO_FIRMWARE_INSIDE) && !defined(ONEMO_FIRMWARE_COMPILATION)
#error "Only <onemo-firmware.h> can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

/**
 * ONEMO_FIRMWARE_ERROR:
 *
 * The error domain of the service's errors, #OnemoFirmwareError. Every error the service
 * returns over D-Bus (`org.onemo.Firmware.Error.<Name>`) arrives in this domain.
 */
#define ONEMO_FIRMWARE_ERROR (onemo_firmware_error_quark ())

/**
 * OnemoFirmwareError:
 * @ONEMO_FIRMWARE_ERROR_FAILED: `Failed`: anything without a better name.
 * @ONEMO_FIRMWARE_ERROR_UNKNOWN: `Unknown`: the module's +CME ERROR 850.
 * @ONEMO_FIRMWARE_ERROR_CONFIG: `Config`: 851, a configuration error.
 * @ONEMO_FIRMWARE_ERROR_URL_TYPE: `UrlType`: 852, a URL type the module does not take.
 * @ONEMO_FIRMWARE_ERROR_WRITE: `Write`: 853, the package could not be written.
 * @ONEMO_FIRMWARE_ERROR_UPGRADE: `Upgrade`: 854, the upgrade failed.
 * @ONEMO_FIRMWARE_ERROR_DOWNLOAD: `Download`: 855, the module's download failed.
 * @ONEMO_FIRMWARE_ERROR_RETRIES_EXCEEDED: `RetriesExceeded`: 856.
 * @ONEMO_FIRMWARE_ERROR_NO_NETWORK: `NoNetwork`: 857.
 * @ONEMO_FIRMWARE_ERROR_MODULE: `Module`: another error of the module.
 * @ONEMO_FIRMWARE_ERROR_PROTOCOL: `Protocol`: an answer that cannot be read.
 * @ONEMO_FIRMWARE_ERROR_NOT_SUPPORTED: `NotSupported`: the sub-model cannot do it; nothing
 *   reached the module.
 * @ONEMO_FIRMWARE_ERROR_INVALID_ARGUMENT: `InvalidArgument`: refused before a byte was sent.
 * @ONEMO_FIRMWARE_ERROR_BUSY: `Busy`: another operation (or ModemManager) holds the module.
 * @ONEMO_FIRMWARE_ERROR_TIMEOUT: `Timeout`: the module did not answer in time.
 * @ONEMO_FIRMWARE_ERROR_PORT_GONE: `PortGone`: the port hung up or vanished.
 * @ONEMO_FIRMWARE_ERROR_NOT_VERIFIED: `NotVerified`: the package's size or digest did not
 *   match, or the module came back with its old revision.
 * @ONEMO_FIRMWARE_ERROR_CANCELLED: `Cancelled`: the operation was cancelled.
 * @ONEMO_FIRMWARE_ERROR_PERMISSION_DENIED: `PermissionDenied`: polkit (or the lack of it)
 *   refused the caller.
 * @ONEMO_FIRMWARE_ERROR_INTERRUPTED: `Interrupted`: the service stopped during the operation
 *   (only seen in #OnemoFwModule:last-error).
 * @ONEMO_FIRMWARE_ERROR_NOT_RECORDED: `NotRecorded`: the service could not record an upgrade
 *   in its journal.
 *
 * The service's errors. The values and names are those of the D-Bus API
 * (`org.onemo.Firmware.Error.*`, introspection/org.onemo.Firmware.xml).
 */
typedef enum {
  ONEMO_FIRMWARE_ERROR_FAILED,
  ONEMO_FIRMWARE_ERROR_UNKNOWN,
  ONEMO_FIRMWARE_ERROR_CONFIG,
  ONEMO_FIRMWARE_ERROR_URL_TYPE,
  ONEMO_FIRMWARE_ERROR_WRITE,
  ONEMO_FIRMWARE_ERROR_UPGRADE,
  ONEMO_FIRMWARE_ERROR_DOWNLOAD,
  ONEMO_FIRMWARE_ERROR_RETRIES_EXCEEDED,
  ONEMO_FIRMWARE_ERROR_NO_NETWORK,
  ONEMO_FIRMWARE_ERROR_MODULE,
  ONEMO_FIRMWARE_ERROR_PROTOCOL,
  ONEMO_FIRMWARE_ERROR_NOT_SUPPORTED,
  ONEMO_FIRMWARE_ERROR_INVALID_ARGUMENT,
  ONEMO_FIRMWARE_ERROR_BUSY,
  ONEMO_FIRMWARE_ERROR_TIMEOUT,
  ONEMO_FIRMWARE_ERROR_PORT_GONE,
  ONEMO_FIRMWARE_ERROR_NOT_VERIFIED,
  ONEMO_FIRMWARE_ERROR_CANCELLED,
  ONEMO_FIRMWARE_ERROR_PERMISSION_DENIED,
  ONEMO_FIRMWARE_ERROR_INTERRUPTED,
  ONEMO_FIRMWARE_ERROR_NOT_RECORDED,
} OnemoFirmwareError;

GQuark onemo_firmware_error_quark (void);

G_END_DECLS
