/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a sub-model cannot do, from its Capabilities property (the model table's names), as the
 * page shows it: greyed, with the reason. Pure: no D-Bus, no DOM. */
(function () {
  "use strict";

  const _ = cockpit.gettext;

  const URL_SCHEMES = ["http", "https", "ftp", "ftps"];

  function has(caps, name) {
    return Array.isArray(caps) && caps.includes(name);
  }

  /* The service can stream a package over the port (an uploaded file, or a URL it fetches). */
  function takesSerialWrites(caps) {
    return has(caps, "write-hex") || has(caps, "write-transparent");
  }

  /* The module downloads a URL itself (AT+MFWDLOAD, or a self-downloading AT+MFWUPGRADE). */
  function downloadsItself(caps) {
    return has(caps, "download") || has(caps, "upgrade-url");
  }

  /* Whether a package file can be uploaded; the reason when it cannot. */
  function fileUpdate(caps) {
    if (takesSerialWrites(caps))
      return { ok: true };
    return {
      ok: false,
      reason: _("This sub-model takes no package over its serial port: it downloads its firmware itself, so update it from a URL."),
    };
  }

  /* Each URL scheme: usable, and if not, why. The service fetches any of them for a module that
   * takes serial writes; else the module's own downloader must know the scheme. */
  function urlSchemes(caps) {
    return URL_SCHEMES.map(scheme => {
      if (takesSerialWrites(caps) || (downloadsItself(caps) && has(caps, scheme)))
        return { scheme, ok: true };
      return {
        scheme,
        ok: false,
        reason: cockpit.format(
          _("$0 URLs: this sub-model downloads its firmware itself and does not speak $0."), scheme),
      };
    });
  }

  /* Everything the page greys for this sub-model: { what, reason } each. */
  function limits(caps) {
    const out = [];
    const file = fileUpdate(caps);
    if (!file.ok)
      out.push({ what: _("Update from a file"), reason: file.reason });
    for (const s of urlSchemes(caps)) {
      if (!s.ok)
        out.push({ what: cockpit.format(_("Update from an $0 URL"), s.scheme), reason: s.reason });
    }
    if (!has(caps, "upgrade-percent")) {
      out.push({
        what: _("Upgrade percentage"),
        reason: _("This sub-model does not report how far its upgrade is: the bar fills when it ends."),
      });
    }
    if (!has(caps, "checksum")) {
      out.push({
        what: _("Digest check in the module"),
        reason: _("This sub-model cannot report a digest of the package it holds (it has no AT+MFWCHECK)."),
      });
    }
    return out;
  }

  window.OnemoCapabilities = { fileUpdate, urlSchemes, limits, has };
})();
