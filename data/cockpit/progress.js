/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One module's two progress bars, download (or serial write) and upgrade, fed alike by the
 * service's signals (an update over D-Bus) and by onemo-fwctl's JSON lines (an uploaded file). */
(function () {
  "use strict";

  const _ = cockpit.gettext;

  function percentOf(done, total) {
    if (!(total > 0))
      return null;
    return Math.min(100, Math.floor((done * 100) / total));
  }

  function setBar(bar, text, percent, words) {
    if (percent === null) {
      bar.removeAttribute("value"); /* indeterminate */
      bar.dataset.percent = "";
    } else {
      bar.value = percent;
      bar.dataset.percent = String(percent);
    }
    text.textContent = words;
  }

  class Progress {
    constructor(root, capabilities) {
      this.root = root;
      this.capabilities = capabilities || [];
      this.download = root.querySelector("progress.download");
      this.downloadText = root.querySelector(".download-text");
      this.upgrade = root.querySelector("progress.upgrade");
      this.upgradeText = root.querySelector(".upgrade-text");
    }

    start() {
      this.root.hidden = false;
      this.downloadSeen = false;
      this.upgradeSeen = false;
      setBar(this.download, this.downloadText, 0, "");
      setBar(this.upgrade, this.upgradeText, 0, "");
    }

    /* A download or serial write: "loading", "done" or "failed"; total 0 when unknown. */
    downloadStep(status, total, done) {
      this.downloadSeen = true;
      if (status === "done") {
        setBar(this.download, this.downloadText, 100, "100 %");
        return;
      }
      const percent = percentOf(done, total);
      let words = percent === null
        ? cockpit.format(_("$0 bytes"), done)
        : cockpit.format("$0 % ($1 / $2)", percent, cockpit.format_bytes(done), cockpit.format_bytes(total));
      if (status === "failed")
        words = _("failed");
      setBar(this.download, this.downloadText, percent, words);
    }

    /* The upgrade: "upgrading", "success" or "failed"; percent where the sub-model reports it. */
    upgradeStep(status, percent) {
      this.upgradeSeen = true;
      if (status === "success") {
        setBar(this.upgrade, this.upgradeText, 100, "100 %");
      } else if (status === "failed") {
        setBar(this.upgrade, this.upgradeText, Number(this.upgrade.dataset.percent) || 0, _("failed"));
      } else if (OnemoCapabilities.has(this.capabilities, "upgrade-percent")) {
        setBar(this.upgrade, this.upgradeText, percent, percent + " %");
      } else {
        setBar(this.upgrade, this.upgradeText, null, _("upgrading"));
      }
    }

    /* The step the module is at (its State). A self-downloading module (ML30x, ML307R) loads
     * its package inside its upgrade and reports no download of its own. */
    state(state) {
      if (state !== "upgrading" && state !== "rebooting")
        return;
      if (!this.downloadSeen)
        setBar(this.download, this.downloadText, null, _("inside the module's upgrade"));
      else if (this.download.dataset.percent !== "100")
        setBar(this.download, this.downloadText, 100, "100 %");
      if (!this.upgradeSeen && !OnemoCapabilities.has(this.capabilities, "upgrade-percent"))
        setBar(this.upgrade, this.upgradeText, null, _("upgrading"));
    }

    /* An event as onemo-fwctl --json prints it (update.js turns signals into the same). */
    feed(event) {
      if (event.event === "progress")
        this.downloadStep(event.status, event.total, event.done);
      else if (event.event === "upgrade")
        this.upgradeStep(event.status, event.percent);
      else if (event.event === "state")
        this.state(event.state);
    }

    finished() {
      setBar(this.download, this.downloadText, 100, "100 %");
      setBar(this.upgrade, this.upgradeText, 100, "100 %");
    }
  }

  window.OnemoProgress = Progress;
})();
