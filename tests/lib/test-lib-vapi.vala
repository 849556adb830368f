// SPDX-License-Identifier: GPL-2.0-or-later
// A client written against the library's vapi, compiled by valac (to C: the test is that
// valac type-checks every call below against onemo-firmware-1.vapi).

async void update (OnemoFirmware.FwModule module, string path) throws GLib.Error {
    yield module.update_async (GLib.File.new_for_path (path), null, null, null,
                               (m, phase, fraction) => {
        print ("%s %.0f %%\n", phase.to_string (), fraction * 100);
    });
    print ("now running %s\n", module.revision);
}

async void run (string path) {
    try {
        var client = yield new OnemoFirmware.Client (null, null);
        client.module_added.connect ((module) => print ("added %s\n", module.object_path));
        foreach (unowned OnemoFirmware.FwModule module in client.get_modules ()) {
            print ("%s %s %s\n", module.object_path, module.sub_model, module.state);
            yield update (module, path);
        }
    } catch (OnemoFirmware.Error e) {
        if (e is OnemoFirmware.Error.NOT_SUPPORTED)
            print ("not supported: %s\n", e.message);
    } catch (GLib.Error e) {
        print ("%s\n", e.message);
    }
}

int main (string[] args) {
    var loop = new GLib.MainLoop ();
    run.begin (args[1], () => loop.quit ());
    loop.run ();
    return 0;
}
