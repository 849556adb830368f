/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "onemo-firmware.h"

#include <gio/gio.h>

/* The D-Bus names, in the enum's order: GDBus turns the service's named errors into this
 * domain once it is registered. */
static const GDBusErrorEntry dbus_entries[] = {
  { ONEMO_FIRMWARE_ERROR_FAILED, "org.onemo.Firmware.Error.Failed" },
  { ONEMO_FIRMWARE_ERROR_UNKNOWN, "org.onemo.Firmware.Error.Unknown" },
  { ONEMO_FIRMWARE_ERROR_CONFIG, "org.onemo.Firmware.Error.Config" },
  { ONEMO_FIRMWARE_ERROR_URL_TYPE, "org.onemo.Firmware.Error.UrlType" },
  { ONEMO_FIRMWARE_ERROR_WRITE, "org.onemo.Firmware.Error.Write" },
  { ONEMO_FIRMWARE_ERROR_UPGRADE, "org.onemo.Firmware.Error.Upgrade" },
  { ONEMO_FIRMWARE_ERROR_DOWNLOAD, "org.onemo.Firmware.Error.Download" },
  { ONEMO_FIRMWARE_ERROR_RETRIES_EXCEEDED, "org.onemo.Firmware.Error.RetriesExceeded" },
  { ONEMO_FIRMWARE_ERROR_NO_NETWORK, "org.onemo.Firmware.Error.NoNetwork" },
  { ONEMO_FIRMWARE_ERROR_MODULE, "org.onemo.Firmware.Error.Module" },
  { ONEMO_FIRMWARE_ERROR_PROTOCOL, "org.onemo.Firmware.Error.Protocol" },
  { ONEMO_FIRMWARE_ERROR_NOT_SUPPORTED, "org.onemo.Firmware.Error.NotSupported" },
  { ONEMO_FIRMWARE_ERROR_INVALID_ARGUMENT, "org.onemo.Firmware.Error.InvalidArgument" },
  { ONEMO_FIRMWARE_ERROR_BUSY, "org.onemo.Firmware.Error.Busy" },
  { ONEMO_FIRMWARE_ERROR_TIMEOUT, "org.onemo.Firmware.Error.Timeout" },
  { ONEMO_FIRMWARE_ERROR_PORT_GONE, "org.onemo.Firmware.Error.PortGone" },
  { ONEMO_FIRMWARE_ERROR_NOT_VERIFIED, "org.onemo.Firmware.Error.NotVerified" },
  { ONEMO_FIRMWARE_ERROR_CANCELLED, "org.onemo.Firmware.Error.Cancelled" },
  { ONEMO_FIRMWARE_ERROR_PERMISSION_DENIED, "org.onemo.Firmware.Error.PermissionDenied" },
  { ONEMO_FIRMWARE_ERROR_INTERRUPTED, "org.onemo.Firmware.Error.Interrupted" },
  { ONEMO_FIRMWARE_ERROR_NOT_RECORDED, "org.onemo.Firmware.Error.NotRecorded" },
};

G_STATIC_ASSERT (G_N_ELEMENTS (dbus_entries) == ONEMO_FIRMWARE_ERROR_NOT_RECORDED + 1);

/**
 * onemo_firmware_error_quark:
 *
 * The #GQuark of %ONEMO_FIRMWARE_ERROR, registered with GDBus so that the service's
 * `org.onemo.Firmware.Error.*` errors arrive as #OnemoFirmwareError codes.
 *
 * Returns: the error domain
 */
GQuark
onemo_firmware_error_quark (void)
{
  static gsize quark = 0;

  g_dbus_error_register_error_domain ("onemo-firmware-error-quark", &quark, dbus_entries,
                                      G_N_ELEMENTS (dbus_entries));
  return (GQuark)quark;
}
