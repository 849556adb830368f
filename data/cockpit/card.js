/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One module on the page: its identity and state, live from its D-Bus proxy; its update forms
 * (what the sub-model cannot do greyed, with the reason), progress, and outcome, also of an
 * update another program runs (onemo-fwctl, an OTA engine, another page). */
(function () {
  "use strict";

  const _ = cockpit.gettext;
  const N_ = cockpit.noop;

  const STATES = {
    idle: N_("idle"),
    configuring: N_("configuring"),
    downloading: N_("downloading"),
    writing: N_("writing"),
    verifying: N_("verifying"),
    upgrading: N_("upgrading"),
    rebooting: N_("rebooting"),
    finished: N_("finished"),
    failed: N_("failed"),
  };

  /* A package reaching the module, or installed: another program's update shows from here on. */
  const LOADING = ["downloading", "writing", "verifying", "upgrading", "rebooting"];
  /* Still the same operation: Update configures between its fetch and its write. */
  const BUSY = ["configuring", ...LOADING];

  function stateWords(state) {
    return STATES[state] ? _(STATES[state]) : state || "";
  }

  function fill(root, selector, text) {
    for (const el of root.querySelectorAll(selector))
      el.textContent = text || "";
  }

  class ModuleCard {
    constructor(client, proxy) {
      this.client = client;
      this.proxy = proxy;
      this.path = proxy.path;
      this.running = null; /* "url" or "file" while this page runs an update */
      this.lastState = null;
      this.othersRun = false; /* another program's operation runs */
      this.watching = false; /* and its progress shows */
      this.admin = null; /* whether Cockpit gives the user administrative access; null: unknown */
      const template = document.getElementById("module-template");
      this.root = template.content.firstElementChild.cloneNode(true);
      this.root.dataset.path = this.path;
      cockpit.translate(this.root);
      this.progress = new OnemoProgress(this.root.querySelector(".progress"), proxy.Capabilities);
      this.root.querySelector("form.from-url").addEventListener("submit", ev => this.submitUrl(ev));
      this.root.querySelector("form.from-file").addEventListener("submit", ev => this.submitFile(ev));
      this.root.querySelector("button.cancel").addEventListener("click", () => this.cancel());
      this.refresh();
    }

    /* The proxy's properties changed (or the card is new). */
    refresh() {
      const p = this.proxy;
      fill(this.root, ".model", p.Model);
      fill(this.root, ".sub-model", p.SubModel);
      fill(this.root, ".revision", p.Revision);
      fill(this.root, ".imei", p.Imei);
      fill(this.root, ".port", p.Port);
      fill(this.root, ".state", stateWords(p.State));
      this.root.querySelector(".badge").dataset.state = p.State || "";
      this.progress.capabilities = p.Capabilities || [];
      const began = !BUSY.includes(this.lastState) && BUSY.includes(p.State);
      this.lastState = p.State;
      if (this.running)
        this.progress.state(p.State);
      else
        this.followOthers(p, began);
      this.showLimits();
      this.setBusy(this.running !== null || this.watching);
    }

    /* Another program's operation (one that began while no update of this page ran, or before
     * the page opened), from the module's State and signals as the page's own. Only a change
     * into a busy State begins one: late news of this page's own update does not. */
    followOthers(p, began) {
      if (began)
        this.othersRun = true;
      if (!this.othersRun)
        return;
      if (!BUSY.includes(p.State)) {
        this.othersRun = false;
        if (this.watching)
          this.othersEnded(p);
        return;
      }
      if (!LOADING.includes(p.State))
        return;
      if (!this.watching) {
        this.watching = true;
        this.othersUpgrade = false;
        this.showOutcome(null);
        this.progress.start();
        if (Number(p.DownloadTotal) > 0) /* the counts so far: the page may open midway */
          this.progress.downloadStep("loading", Number(p.DownloadTotal), Number(p.DownloadedBytes));
      }
      if (p.State === "upgrading" || p.State === "rebooting")
        this.othersUpgrade = true;
      this.progress.state(p.State);
    }

    othersEnded(p) {
      this.watching = false;
      if (p.State === "failed") {
        const [name, ...message] = (p.LastError || "").split(": ");
        this.showError({ name, message: message.join(": ") });
      } else if (p.State === "finished" && this.othersUpgrade) {
        this.progress.finished();
        this.showOutcome("success", cockpit.format(_("Updated by another program: the module now runs $0"), p.Revision));
      }
    }

    /* Cockpit's administrative access changed (cockpit.permission). */
    setAdmin(allowed) {
      this.admin = allowed;
      this.refresh();
    }

    /* An upload needs the sub-model's serial writes, and root to store the file and run
     * onemo-fwctl. */
    fileUpdate() {
      const file = OnemoCapabilities.fileUpdate(this.proxy.Capabilities || []);
      if (file.ok && this.admin === false)
        return { ok: false, reason: _("Uploading a package needs administrative access: turn it on in Cockpit's top bar.") };
      return file;
    }

    showLimits() {
      const caps = this.proxy.Capabilities || [];
      /* Progress changes properties many times a second; the limits only with these. */
      const key = JSON.stringify([caps, this.admin]);
      if (key === this.limitsKey)
        return;
      this.limitsKey = key;
      const list = this.root.querySelector("ul.limits");
      list.replaceChildren();
      const limits = OnemoCapabilities.limits(caps);
      const file = this.fileUpdate();
      if (!file.ok && !limits.some(l => l.reason === file.reason))
        limits.unshift({ what: _("Update from a file"), reason: file.reason });
      for (const limit of limits) {
        const item = document.createElement("li");
        item.className = "unsupported";
        const what = document.createElement("span");
        what.className = "what";
        what.textContent = limit.what;
        const why = document.createElement("span");
        why.className = "reason";
        why.textContent = limit.reason;
        item.append(what, why);
        list.append(item);
      }
      const form = this.root.querySelector("form.from-file");
      form.classList.toggle("unsupported", !file.ok);
      form.title = file.ok ? "" : file.reason;
      form.dataset.supported = file.ok ? "yes" : "no";
      const url = this.root.querySelector("input.url");
      url.title = OnemoCapabilities.urlSchemes(caps).filter(s => s.ok).map(s => s.scheme).join(", ");
    }

    setBusy(busy) {
      const fileOk = this.fileUpdate().ok;
      for (const el of this.root.querySelectorAll("form.from-url input, form.from-url button"))
        el.disabled = busy;
      for (const el of this.root.querySelectorAll("form.from-file input, form.from-file button"))
        el.disabled = busy || !fileOk;
      const cancel = this.root.querySelector("button.cancel");
      const upgrading = ["upgrading", "rebooting"].includes(this.proxy.State);
      cancel.disabled = !busy || upgrading;
      cancel.title = upgrading ? _("An upgrade cannot be interrupted: the manual forbids it.") : "";
    }

    /* An event as onemo-fwctl --json prints it, for this module. */
    feed(event) {
      if (this.running || this.watching)
        this.progress.feed(event);
    }

    submitUrl(ev) {
      ev.preventDefault();
      const url = this.root.querySelector("input.url").value.trim();
      this.run("url", () => OnemoUpdate.fromUrl(this.client, this.path, url));
    }

    submitFile(ev) {
      ev.preventDefault();
      const file = this.root.querySelector("input.file").files[0];
      if (file)
        this.run("file", () => OnemoUpdate.fromFile(this.path, file, event => this.feed(event)));
    }

    cancel() {
      this.client.call(this.path, OnemoUpdate.IFACE, "Cancel", [])
          .catch(ex => this.showError(ex));
    }

    async run(kind, start) {
      this.running = kind;
      this.showOutcome(null);
      this.progress.start();
      this.setBusy(true);
      try {
        await start();
        this.progress.finished();
        this.showOutcome("success", cockpit.format(_("Updated: the module now runs $0"), this.proxy.Revision));
      } catch (ex) {
        this.showError(ex);
      } finally {
        this.running = null;
        this.setBusy(false);
        }
    }

    showError(ex) {
      const error = OnemoErrors.describe(ex || {});
      this.showOutcome("error", error.detail ? error.sentence + ": " + error.detail : error.sentence, error.name);
    }

    showOutcome(kind, text, name) {
      const outcome = this.root.querySelector(".outcome");
      outcome.hidden = kind === null;
      outcome.className = "outcome " + (kind || "");
      outcome.dataset.error = name || "";
      outcome.textContent = text || "";
    }
  }

  window.OnemoModuleCard = ModuleCard;
})();
