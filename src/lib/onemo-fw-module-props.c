/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* OnemoFwModule's properties: their specs and documentation. */
#include "onemo-fw-module-private.h"

static GParamSpec *
string_property (const char *name, const char *blurb)
{
  return g_param_spec_string (name, NULL, blurb, "",
                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

/* What the module is: its identity, read when the service found it. */
static void
install_identity_properties (GParamSpec **properties)
{
  /**
   * OnemoFwModule:object-path:
   *
   * The module's D-Bus object, e.g. `/org/onemo/Firmware/Module/0`.
   */
  properties[PROP_OBJECT_PATH] = string_property ("object-path", "The module's D-Bus object");
  /**
   * OnemoFwModule:manufacturer:
   *
   * The manufacturer as the module reports it ("CMCC").
   */
  properties[PROP_MANUFACTURER] = string_property ("manufacturer", "The manufacturer");
  /**
   * OnemoFwModule:model:
   *
   * The series, e.g. "ML307A".
   */
  properties[PROP_MODEL] = string_property ("model", "The series");
  /**
   * OnemoFwModule:sub-model:
   *
   * The sub-model, e.g. "ML307A-DSLN": it decides what the module can do.
   */
  properties[PROP_SUB_MODEL] = string_property ("sub-model", "The sub-model");
  /**
   * OnemoFwModule:revision:
   *
   * The firmware revision (AT+CGMR), e.g. "ML307A-DSLN-MBRH1S00".
   */
  properties[PROP_REVISION] = string_property ("revision", "The firmware revision");
  /**
   * OnemoFwModule:imei:
   *
   * The IMEI (AT+CGSN).
   */
  properties[PROP_IMEI] = string_property ("imei", "The IMEI");
  /**
   * OnemoFwModule:port:
   *
   * The AT port's device; it may change when the module reboots during an upgrade.
   */
  properties[PROP_PORT] = string_property ("port", "The AT port's device");
  /**
   * OnemoFwModule:physical-device:
   *
   * The sysfs path of the module's device when udev found it, else "".
   */
  properties[PROP_PHYSICAL_DEVICE] = string_property ("physical-device", "The sysfs device");
}

/* What the module does: its state and progress. */
static void
install_state_properties (GParamSpec **properties)
{
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  /**
   * OnemoFwModule:capabilities: (type GStrv)
   *
   * What the sub-model can do: "download", "write-transparent", "checksum", "erase" and the
   * rest that introspection/org.onemo.Firmware.xml lists.
   */
  properties[PROP_CAPABILITIES]
      = g_param_spec_boxed ("capabilities", NULL, "What the sub-model can do", G_TYPE_STRV, flags);
  /**
   * OnemoFwModule:state:
   *
   * "idle", "configuring", "downloading", "writing", "verifying", "upgrading", "rebooting",
   * "finished" or "failed".
   */
  properties[PROP_STATE] = string_property ("state", "What the module is doing");
  /**
   * OnemoFwModule:download-total:
   *
   * Bytes of the package being loaded, 0 when unknown.
   */
  properties[PROP_DOWNLOAD_TOTAL]
      = g_param_spec_uint64 ("download-total", NULL, "Bytes in all", 0, G_MAXUINT64, 0, flags);
  /**
   * OnemoFwModule:downloaded-bytes:
   *
   * Bytes of the package loaded so far.
   */
  properties[PROP_DOWNLOADED_BYTES]
      = g_param_spec_uint64 ("downloaded-bytes", NULL, "Bytes so far", 0, G_MAXUINT64, 0, flags);
  /**
   * OnemoFwModule:upgrade-percent:
   *
   * The module's last upgrade percentage, 0–100.
   */
  properties[PROP_UPGRADE_PERCENT]
      = g_param_spec_uint ("upgrade-percent", NULL, "Upgrade percentage", 0, 100, 0, flags);
  /**
   * OnemoFwModule:last-error:
   *
   * "" or "<D-Bus error name>: <message>" of the last failed operation.
   */
  properties[PROP_LAST_ERROR] = string_property ("last-error", "The last failure");
}

/* How the module's calls are made: settings of the caller's, not of the service. */
static void
install_call_properties (GParamSpec **properties)
{
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  /**
   * OnemoFwModule:timeout:
   *
   * How long each call waits for the service's answer, in milliseconds; -1 (the default)
   * waits as long as the service takes, which bounds every operation itself. A call that
   * waited too long ends with %G_IO_ERROR_TIMED_OUT; the operation may still run in the
   * service.
   */
  properties[PROP_TIMEOUT]
      = g_param_spec_int ("timeout", NULL, "Milliseconds a call waits", -1, G_MAXINT, -1, flags);
  /**
   * OnemoFwModule:allow-interaction:
   *
   * Whether polkit may ask the user (through their agent) to authorize a call; %TRUE by
   * default. %FALSE makes polkit decide without asking.
   */
  properties[PROP_ALLOW_INTERACTION] = g_param_spec_boolean (
      "allow-interaction", NULL, "Whether polkit may ask the user", TRUE, flags);
}

void
_onemo_fw_module_install_properties (GParamSpec **properties)
{
  install_identity_properties (properties);
  install_state_properties (properties);
  install_call_properties (properties);
}
