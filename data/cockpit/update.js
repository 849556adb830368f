/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The two ways the page updates a module. From a URL: the service's Update over D-Bus. From an
 * uploaded file: Cockpit cannot pass a file descriptor over D-Bus, so the upload is stored in a
 * fresh 0700 directory only root reads, and `onemo-fwctl --json update FILE` (run as root)
 * passes it to the service; its JSON lines report the progress and the result. */
(function () {
  "use strict";

  const IFACE = "org.onemo.Firmware";
  /* Update returns when the module is back with its new firmware: hours are not too long. */
  const LONG_CALL_MS = 4 * 60 * 60 * 1000;
  const UPLOAD_TEMPLATE = "onemo-firmware-upload.XXXXXXXX";

  function asRoot(argv) {
    return cockpit.spawn(argv, { superuser: "require", err: "message" });
  }

  /* Resolves with the service's reply; rejects with its D-Bus error ({name, message}). */
  function fromUrl(client, path, url) {
    return client.call(path, IFACE, "Update", [{ url: cockpit.variant("s", url) }],
                       { timeout: LONG_CALL_MS });
  }

  /* The upload, written as root into a directory mktemp made 0700: { dir, file }. */
  async function storeUpload(file) {
    const dir = (await asRoot(["mktemp", "-d", "-t", UPLOAD_TEMPLATE])).trim();
    if (!dir.startsWith("/") || !dir.includes("onemo-firmware-upload."))
      throw { problem: "internal-error", message: "mktemp: " + dir };
    const target = dir + "/package";
    const handle = cockpit.file(target, { binary: true, superuser: "require" });
    try {
      await handle.replace(new Uint8Array(await file.arrayBuffer()));
    } catch (ex) {
      await removeUpload(dir);
      throw ex;
    } finally {
      handle.close();
    }
    return { dir, file: target };
  }

  function removeUpload(dir) {
    return asRoot(["rm", "-rf", "--", dir]).catch(ex => console.warn("cannot remove", dir, ex));
  }

  /* Splits onemo-fwctl's output into JSON objects, one a line: events go to @onEvent, the last
   * "result" is kept. */
  function lineReader(onEvent) {
    const reader = { pending: "", result: null };
    reader.feed = data => {
      reader.pending += data;
      let nl;
      while ((nl = reader.pending.indexOf("\n")) >= 0) {
        const line = reader.pending.slice(0, nl);
        reader.pending = reader.pending.slice(nl + 1);
        let event;
        try {
          event = JSON.parse(line);
        } catch (ex) {
          console.warn("onemo-fwctl printed no JSON:", line);
          continue;
        }
        if (event.event === "result")
          reader.result = event;
        else
          onEvent(event);
      }
    };
    return reader;
  }

  /* Resolves with fwctl's result line ({ok: true, revision}); rejects with its failed result
   * ({error, message, exit}), else with the process's problem. */
  function runFwctl(path, file, onEvent) {
    const reader = lineReader(onEvent);
    const proc = asRoot(["onemo-fwctl", "--json", "--module", path, "update", file]);
    proc.stream(reader.feed);
    return new Promise((resolve, reject) => {
      proc.then(() => {
        if (reader.result && reader.result.ok)
          resolve(reader.result);
        else
          reject(reader.result || { problem: "internal-error", message: "onemo-fwctl printed no result" });
      }).catch(ex => reject(reader.result && !reader.result.ok ? reader.result : ex));
    });
  }

  async function fromFile(path, file, onEvent) {
    const upload = await storeUpload(file);
    try {
      return await runFwctl(path, upload.file, onEvent);
    } finally {
      await removeUpload(upload.dir);
    }
  }

  /* A module's signal as onemo-fwctl's JSON would print it, so both routes feed one display. */
  function eventOfSignal(path, signal, args) {
    const status = ["", "loading", "done", "failed"];
    if (signal === "DownloadProgress")
      return { event: "progress", module: path, status: status[args[0]] || "", total: Number(args[1]), done: Number(args[2]) };
    if (signal === "UpgradeProgress") {
      const upgrade = ["", "upgrading", "success", "failed"];
      return { event: "upgrade", module: path, status: upgrade[args[0]] || "", percent: Number(args[1]) };
    }
    return null;
  }

  window.OnemoUpdate = { fromUrl, fromFile, eventOfSignal, IFACE };
})();
