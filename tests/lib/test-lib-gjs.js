// SPDX-License-Identifier: GPL-2.0-or-later
// libonemo-firmware from gjs: lists the modules, updates one from a file with progress and
// meets one error; prints what it saw as JSON for test-lib-gjs.py to judge.
// Usage: gjs test-lib-gjs.js BUS_ADDRESS MODULE_PATH PACKAGE
imports.gi.versions.OnemoFirmware = '1.0';
const {GLib, Gio, OnemoFirmware} = imports.gi;

const [address, modulePath, packagePath] = ARGV;
const connection = Gio.DBusConnection.new_for_address_sync(address,
    Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT |
    Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, null, null);
const client = OnemoFirmware.Client.new_sync(connection, null);
const seen = {
    modules: client.get_modules().map(m => [m.object_path, m.sub_model]),
    progress: [],
};
const module = client.get_module(modulePath);
const loop = new GLib.MainLoop(null, false);
const phaseNames = {
    [OnemoFirmware.FwPhase.LOADING]: 'loading',
    [OnemoFirmware.FwPhase.UPGRADING]: 'upgrading',
};

function configureOutOfRange() {
    const settings = new GLib.Variant('a{sv}', {timeout: new GLib.Variant('u', 5)});
    module.configure_async(settings, null, (m, result) => {
        try {
            m.configure_finish(result);
            seen.error = null;
        } catch (e) {
            seen.error = {
                invalid_argument: e.matches(OnemoFirmware.error_quark(),
                    OnemoFirmware.Error.INVALID_ARGUMENT),
                message: e.message,
            };
        }
        loop.quit();
    });
}

module.update_async(Gio.File.new_for_path(packagePath), null, null, null,
    (m, phase, fraction) => seen.progress.push([phaseNames[phase], fraction]),
    (m, result) => {
        try {
            seen.updated = m.update_finish(result);
        } catch (e) {
            seen.updated = e.message;
        }
        seen.revision = m.revision;
        configureOutOfRange();
    });
loop.run();
print(JSON.stringify(seen));
