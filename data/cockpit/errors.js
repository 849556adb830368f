/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Every error the page can meet, in words: the service's org.onemo.Firmware.Error.* (the names
 * of src/common/onemo-error.c, the sentences of onemo-fwctl), the CLI's own, D-Bus's and
 * Cockpit's. A test checks that each service name has a sentence here and a translation. */
(function () {
  "use strict";

  const _ = cockpit.gettext;
  const N_ = cockpit.noop;

  const SERVICE_PREFIX = "org.onemo.Firmware.Error.";
  const FWCTL_PREFIX = "org.onemo.Fwctl.Error.";

  /* org.onemo.Firmware.Error.<name> */
  const SERVICE = {
    Failed: N_("The operation failed"),
    Unknown: N_("The module reported an unknown error"),
    Config: N_("The module refused its download settings"),
    UrlType: N_("The module cannot download from this kind of URL"),
    Write: N_("Writing the package failed"),
    Upgrade: N_("The upgrade failed"),
    Download: N_("The download failed"),
    RetriesExceeded: N_("The download failed too many times"),
    NoNetwork: N_("The module has no network"),
    Module: N_("The module reported an error"),
    Protocol: N_("The module gave an answer that cannot be read"),
    NotSupported: N_("The module does not support this"),
    InvalidArgument: N_("Invalid argument"),
    Busy: N_("The module is busy"),
    Timeout: N_("The module did not answer in time"),
    PortGone: N_("The module's port is gone"),
    NotVerified: N_("The package could not be verified"),
    Cancelled: N_("Cancelled"),
    PermissionDenied: N_("Permission denied"),
    Interrupted: N_("The operation was interrupted: the service stopped"),
    NotRecorded: N_("The service cannot record the upgrade in its state directory: it was not started"),
  };

  /* What onemo-fwctl reports before the service is reached (org.onemo.Fwctl.Error.<name>). */
  const FWCTL = {
    Usage: N_("onemo-fwctl refused its command line"),
    NoService: N_("The firmware service is not running"),
    NoModule: N_("The module is gone"),
    Failed: N_("The operation failed"),
  };

  /* D-Bus's own errors and Cockpit's channel problems. */
  const OTHER = {
    "org.freedesktop.DBus.Error.AccessDenied": N_("Permission denied"),
    "org.freedesktop.DBus.Error.ServiceUnknown": N_("The firmware service is not running"),
    "org.freedesktop.DBus.Error.NameHasNoOwner": N_("The firmware service is not running"),
    "org.freedesktop.DBus.Error.UnknownObject": N_("The module is gone"),
    "org.freedesktop.DBus.Error.NoReply": N_("The service did not answer in time"),
    "org.freedesktop.DBus.Error.Timeout": N_("The service did not answer in time"),
    "access-denied": N_("This needs administrative access"),
    "not-found": N_("onemo-fwctl is not installed"),
    disconnected: N_("The connection to the system was lost"),
    terminated: N_("The connection to the system was lost"),
  };

  /* The sentence for an error name, untranslated, or null for a name no table knows. */
  function sentenceOf(name) {
    if (typeof name !== "string")
      return null;
    if (name.startsWith(SERVICE_PREFIX))
      return SERVICE[name.slice(SERVICE_PREFIX.length)] || null;
    if (name.startsWith(FWCTL_PREFIX))
      return FWCTL[name.slice(FWCTL_PREFIX.length)] || null;
    return OTHER[name] || null;
  }

  /* { name, sentence, detail } for a D-Bus error ({name, message}), a process or channel
   * problem ({problem, message}), or an onemo-fwctl result line ({error, message}). */
  function describe(error) {
    const name = error.name || error.error || error.problem || "";
    const sentence = sentenceOf(name);
    let detail = error.message || "";
    if (error.exit_status !== undefined && error.exit_status !== null && !detail)
      detail = cockpit.format(_("exit status $0"), error.exit_status);
    return {
      name,
      sentence: sentence ? _(sentence) : _("The operation failed"),
      detail: detail === sentence ? "" : detail,
    };
  }

  window.OnemoErrors = { describe, sentenceOf, SERVICE, SERVICE_PREFIX };
})();
