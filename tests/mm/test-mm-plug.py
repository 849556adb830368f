#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Plug time beside ModemManager: a USB module appears, and both the daemon and ModemManager
would probe its AT port. The daemon waits for ModemManager's modem and takes the module's
identity from it without writing a byte to the port, and reads it on the port at the first
operation (an operation on another module than described does nothing); it asks the port
itself when ModemManager
does not take the device within --modem-manager-wait, leaves, or may not take it at all (its udev
properties say so); another vendor's module on a shared USB ID is left alone without a byte.

The daemon discovers the module with udev on umockdev's fake sysfs (its tty node is the
simulator's pty); ModemManager, in its test mode and outside umockdev, reaches the same simulated
module through Test.SetProfile with a port named like the tty ("ttyUSB2"): that name is a unix
socket path relative to ModemManager's folder, where the simulator's --socket listens. So the
modem's Ports name the tty as real ModemManager does, and the daemon finds it by its port (a
test-mode modem's Device is /virtual/<id>, not the USB device). The simulator's --log holds only
what came over the pty, that is from the daemon."""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mm_harness  # noqa: E402
import udev_helpers  # noqa: E402  (re-executes under umockdev's preload)
from mm_harness import S  # noqa: E402
from udev_helpers import ML302, ML307A  # noqa: E402

MM_CANDIDATE = ['ID_MM_CANDIDATE', '1']  # what ModemManager's own udev rules give every tty
REVISION = 'ML307A-DSLN-MBRH0S07'
IMEI = '869487060000123'


class PlugTest(mm_harness.MMTest, udev_helpers.UdevTest):

    WAIT = 60
    DAEMON_ARGS = ['--udev', '--command-timeout-ms', '3000', '--modem-manager-wait', str(WAIT)]

    def setUp(self):
        # The testbed goes with its test, last: left to the garbage collector (the test object
        # is in reference cycles) it would go during a later test, taking UMOCKDEV_DIR along.
        self.addCleanup(lambda: self.__dict__.pop('testbed', None))
        super().setUp()

    def env(self):
        """ModemManager's: outside umockdev, which would hide the test folder's sockets."""
        env = super().env()
        env.pop('LD_PRELOAD', None)
        env.pop('UMOCKDEV_DIR', None)
        return env

    def start_mm(self):
        # Where SetProfile's port names are socket paths.
        self.mm_dir = os.path.join(self.tmpdir, 'mm-ports')
        os.makedirs(self.mm_dir, exist_ok=True)
        seen = self.daemon_log_text().count('ModemManager: on the bus')
        super().start_mm(cwd=self.mm_dir)
        # A module plugged before the daemon knows ModemManager runs is not waited for.
        self.wait_for(lambda: self.daemon_log_text().count('ModemManager: on the bus') > seen, 10,
                      'the daemon did not see ModemManager come')

    def plug_module(self, model, ids, tty='ttyUSB2', properties=MM_CANDIDATE, *args,
                    usb_properties=()):
        """A simulated module on a USB device of @ids (a UART when None): its AT interface's tty
        @tty for the daemon, and the socket ModemManager's port @tty reaches."""
        sim = self.start_sim(model, '--socket', os.path.join(self.mm_dir, tty), *args)
        if ids is None:
            return sim, self.plug_sim(tty, None, sim, properties)
        usb, intfs = self.add_usb(ids, properties=usb_properties)
        self.plug_sim(tty, intfs[2], sim, properties)
        return sim, usb

    def mm_take(self, tty='ttyUSB2'):
        """ModemManager takes the device: its modem's uid once it is set up."""
        return self.set_profile('plug-%s' % tty, tty)

    def wait_asking(self):
        self.wait_for(lambda: self.daemon_logged('asking ModemManager for its modem'), 15,
                      'the daemon did not look for the modem')


class IdentityFromModemManagerTest(PlugTest):

    def test_identity_from_the_modem_without_a_byte(self):
        sim, usb = self.plug_module('ML307A-DSLN', ML307A, 'ttyUSB2', MM_CANDIDATE,
                                    '--revision', REVISION, '--imei', IMEI)
        self.wait_asking()
        # Nothing is published or sent while ModemManager has not taken the device.
        time.sleep(1)
        self.assertEqual(self.modules(), {})
        self.assertEqual(sim.log_bytes(), b'')

        uid = self.mm_take()
        modules = self.wait_modules(1, 'the module did not appear once ModemManager had it')
        (path, props), = modules.items()
        self.assertEqual(props['Port'], '/dev/ttyUSB2')
        self.assertEqual(props['PhysicalDevice'], usb)
        self.assertEqual(props['Manufacturer'], 'CMCC')
        self.assertEqual(props['Model'], 'ML307A')
        self.assertEqual(props['SubModel'], 'ML307A-DSLN')
        self.assertEqual(props['Revision'], REVISION)
        self.assertEqual(props['Imei'], IMEI)
        self.assertIn('upgrade-url', props['Capabilities'])
        self.assertEqual(sim.log_bytes(), b'', 'the daemon wrote to the port ModemManager probed')
        self.assertTrue(self.daemon_logged("identified by ModemManager's modem"))

        # The first operation holds the modem (found by its port), opens the port and reads
        # the identity there once before it does anything.
        old_path = self.wait_modem(uid)
        self.module(path, 'Configure', '(a{sv})', ({'url': S('http://127.0.0.1/fw.pkg')},))
        log = sim.log_bytes()
        self.assertIn(b'AT+MFWCFG="url","http://127.0.0.1/fw.pkg"', log)
        self.assertLess(log.index(b'AT+CGSN'), log.index(b'AT+MFWCFG'))
        self.assertEqual(self.prop(path, 'State'), 'finished')
        self.assertEqual(self.prop(path, 'Imei'), IMEI)
        self.assert_returned(uid, old_path)
        self.assert_no_inhibition_left()
        # Confirmed once: the next operation goes straight to its commands.
        before = len(sim.log_bytes())
        self.module(path, 'Configure', '(a{sv})', ({'url': S('http://127.0.0.1/fw2.pkg')},))
        self.assertNotIn(b'AT+CGSN', sim.log_bytes()[before:])

    def test_another_module_than_modem_manager_described(self):
        # ModemManager's port of that name reaches another module: the first operation finds
        # out on the port, does nothing, and the properties become the module's own answers.
        sim = self.start_sim('ML307A-DSLN', '--imei', IMEI)
        other = self.start_sim('ML307R-DC', '--socket', os.path.join(self.mm_dir, 'ttyUSB2'))
        usb, intfs = self.add_usb(ML307A)
        self.plug_sim('ttyUSB2', intfs[2], sim, MM_CANDIDATE)
        self.wait_asking()
        self.mm_take()
        (path, props), = self.wait_modules(1, 'the module did not appear').items()
        self.assertEqual(props['SubModel'], 'ML307R-DC')
        error = self.assertDBusError('Protocol', self.module, path, 'Configure', '(a{sv})',
                                     ({'url': S('http://127.0.0.1/fw.pkg')},))
        self.assertIn('ModemManager described', error.message)
        self.assertNotIn(b'AT+MFWCFG', sim.log_bytes())
        self.assertEqual(self.prop(path, 'SubModel'), 'ML307A-DSLN')
        self.assertEqual(self.prop(path, 'Imei'), IMEI)
        self.module(path, 'Configure', '(a{sv})', ({'url': S('http://127.0.0.1/fw.pkg')},))
        self.assertIn(b'AT+MFWCFG="url"', sim.log_bytes())
        self.assertNotIn(b'AT+MFWCFG', other.log_bytes())

    def test_revision_prefix_and_shared_usb_id(self):
        # An ML302S answers AT+CGMR with "Revision: …", which ModemManager keeps; 1782:4d11 is
        # claimed only once the model names a OneMO series.
        sim, usb = self.plug_module('ML302S-DNLM', ML302)
        self.wait_asking()
        self.mm_take()
        (path, props), = self.wait_modules(1, 'the ML302S did not appear').items()
        self.assertEqual(props['Model'], 'ML302S')
        self.assertEqual(props['SubModel'], 'ML302S-DNLM')
        self.assertEqual(props['Revision'], 'ML302S-DNLM-MBRH0S00')
        self.assertEqual(sim.log_bytes(), b'')

    def test_another_vendor_left_alone_without_a_byte(self):
        fibocom, usb = self.plug_module('ML302A-DSLM', ML302, 'ttyUSB2', MM_CANDIDATE,
                                        '--cgmm', 'L610', '--revision', '16000.1000.00.96.18.02')
        self.wait_asking()
        self.mm_take()
        self.wait_for(lambda: self.daemon_logged('not claimed'), 15,
                      'the L610 was not left alone')
        self.assertEqual(self.modules(), {})
        self.assertEqual(fibocom.log_bytes(), b'')

    def test_ignored_by_modem_manager_asks_the_port_at_once(self):
        # Without ModemManager's candidate mark, with an ignore mark on the port or the device,
        # or on a UART it is not told to process, ModemManager never comes.
        sims = [
            self.plug_module('ML307A-DSLN', ML307A, 'ttyUSB2', [])[0],
            self.plug_module('ML307A-DSLN', ML307A, 'ttyUSB5',
                             MM_CANDIDATE + ['ID_MM_PORT_IGNORE', '1'], '--imei', IMEI)[0],
            self.plug_module('ML307A-DSLN', ML307A, 'ttyUSB8', MM_CANDIDATE, '--imei',
                             '869487060000008', usb_properties=['ID_MM_DEVICE_IGNORE', '1'])[0],
            self.plug_module('MN316-DBRS', None, 'ttyS4',
                             MM_CANDIDATE + ['ONEMO_FIRMWARE_MODEL', 'MN316-DBRS'])[0],
        ]
        start = time.monotonic()
        self.wait_modules(len(sims), 'the modules ModemManager ignores were not identified')
        self.assertLess(time.monotonic() - start, self.WAIT / 2)
        for sim in sims:
            self.assertIn(b'AT+CGSN', sim.log_bytes())

    def test_uart_modem_manager_is_told_to_process(self):
        sim, _ = self.plug_module('MN316-DBRS', None, 'ttyS4',
                                  MM_CANDIDATE + ['ONEMO_FIRMWARE_MODEL', 'MN316-DBRS',
                                                  'ID_MM_DEVICE_PROCESS', '1'])
        self.wait_asking()
        time.sleep(1)
        self.assertEqual(self.modules(), {})
        self.mm_take('ttyS4')
        (path, props), = self.wait_modules(1, 'the UART did not appear').items()
        self.assertEqual(props['SubModel'], 'MN316-DBRS')
        self.assertEqual(sim.log_bytes(), b'')

    def test_modem_manager_leaves_while_waited_for(self):
        sim, usb = self.plug_module('ML307A-DSLN', ML307A)
        self.wait_asking()
        time.sleep(1)
        self.assertEqual(sim.log_bytes(), b'', 'the port was asked while ModemManager ran')
        self.stop_mm()
        start = time.monotonic()
        self.wait_modules(1, 'the module was not identified over its port')
        self.assertLess(time.monotonic() - start, self.WAIT / 2)
        self.assertIn(b'AT+CGSN', sim.log_bytes())


class FallBackTest(PlugTest):

    WAIT = 3
    DAEMON_ARGS = ['--udev', '--command-timeout-ms', '3000', '--modem-manager-wait', str(WAIT)]

    def test_not_taken_within_the_bound(self):
        sim, usb = self.plug_module('ML307A-DSLN', ML307A)
        self.wait_asking()
        start = time.monotonic()
        time.sleep(self.WAIT - 1)
        self.assertEqual(sim.log_bytes(), b'', 'the port was asked before the bound')
        (path, props), = self.wait_modules(1, 'the module was never identified').items()
        self.assertGreaterEqual(time.monotonic() - start, self.WAIT - 1)
        self.assertEqual(props['SubModel'], 'ML307A-DSLN')
        self.assertIn(b'AT+CGSN', sim.log_bytes())
        self.assertTrue(self.daemon_logged('ModemManager did not take the module within 3 s'))


if __name__ == '__main__':
    mm_harness.main()
