/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The page: every module the service exports, live as they come and go (the service's
 * ObjectManager at /org/onemo/Firmware), their progress signals, and a question before leaving
 * while an update runs. */
(function () {
  "use strict";

  const _ = cockpit.gettext;
  const ROOT = "/org/onemo/Firmware";
  const IFACE = OnemoUpdate.IFACE;

  const client = cockpit.dbus("org.onemo.Firmware", { bus: "system", superuser: "try" });
  const proxies = client.proxies(IFACE, ROOT);
  const cards = new Map();
  /* Uploads run as root: without administrative access they are greyed. */
  const permission = cockpit.permission({ admin: true });
  const list = document.getElementById("modules");

  function showEmpty() {
    document.getElementById("empty").hidden = cards.size > 0;
  }

  function sortCards() {
    const byNumber = (a, b) => Number(a.path.split("/").pop()) - Number(b.path.split("/").pop());
    list.replaceChildren(...[...cards.values()].sort(byNumber).map(c => c.root));
  }

  function added(proxy) {
    if (cards.has(proxy.path) || !proxy.valid)
      return;
    const card = new OnemoModuleCard(client, proxy);
    cards.set(proxy.path, card);
    card.setAdmin(permission.allowed);
    sortCards();
    showEmpty();
  }

  function removed(proxy) {
    const card = cards.get(proxy.path);
    if (!card)
      return;
    card.root.remove();
    cards.delete(proxy.path);
    showEmpty();
  }

  function showService(owner) {
    const status = document.getElementById("service-status");
    status.hidden = owner !== null;
    status.textContent = _("The firmware service is not running");
    /* What the cards show is what the service said last: greyed until it is back. */
    list.classList.toggle("stale", owner === null);
  }

  proxies.addEventListener("added", (ev, proxy) => added(proxy));
  proxies.addEventListener("changed", (ev, proxy) => {
    const card = cards.get(proxy.path);
    if (card)
      card.refresh();
    else
      added(proxy);
  });
  proxies.addEventListener("removed", (ev, proxy) => removed(proxy));
  permission.addEventListener("changed", () => {
    for (const card of cards.values())
      card.setAdmin(permission.allowed);
  });
  client.addEventListener("owner", (ev, owner) => showService(owner));
  client.addEventListener("close", (ev, options) => {
    const status = document.getElementById("service-status");
    status.hidden = false;
    status.textContent = OnemoErrors.describe(options || {}).sentence;
  });

  /* Progress signals of every module, for the page's updates from a URL and for other programs'
   * updates; an upload that runs through onemo-fwctl is followed by the CLI's own lines. */
  client.subscribe({ interface: IFACE, path_namespace: ROOT }, (path, iface, signal, args) => {
    const card = cards.get(path);
    const event = OnemoUpdate.eventOfSignal(path, signal, args);
    if (card && event && (card.running === "url" || card.watching))
      card.feed(event);
  });

  proxies.wait(() => {
    for (const path of Object.keys(proxies)) {
      if (path.startsWith(ROOT + "/"))
        added(proxies[path]);
    }
    showEmpty();
    document.body.dataset.ready = "yes";
  });

  /* Leaving the page would stop following an update (and an upload's onemo-fwctl with it). */
  window.addEventListener("beforeunload", ev => {
    if ([...cards.values()].some(c => c.running)) {
      ev.preventDefault();
      ev.returnValue = _("An update is running: leave the page anyway?");
      return ev.returnValue;
    }
    return undefined;
  });

  cockpit.translate();
})();
