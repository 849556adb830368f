#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Discovery retries a module that does not answer when its port appears (still booting, or
swallowing a write its previous host left unfinished): with growing pauses, until it answers,
its device goes, or --identify-retry-limit has passed. The simulator is stopped (SIGSTOP) at
plug time to play a module that is not answering yet, or silent on every command."""

import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import udev_helpers  # noqa: E402  (re-executes under umockdev's preload)
import harness  # noqa: E402
from udev_helpers import ML307A  # noqa: E402


class IdentifyRetryTest(udev_helpers.UdevTest):

    # Attempts at about 0, 2, 5 and 9 s (each fails after two 0.5 s timeouts), none after 9 s.
    DAEMON_ARGS = ['--udev', '--command-timeout-ms', '500', '--identify-retry-limit', '8']

    def attempts(self):
        with open(self.daemon_log.name) as f:
            return f.read().count(': no answer yet (')

    def pause(self, sim):
        os.kill(sim.proc.pid, signal.SIGSTOP)
        self.addCleanup(lambda: sim.proc.poll() is None and os.kill(sim.proc.pid, signal.SIGCONT))

    def test_module_answers_later(self):
        sim = self.start_sim('ML307A-DSLN')
        self.pause(sim)  # still booting
        usb, intfs = self.add_usb(ML307A)
        self.plug_sim('ttyUSB2', intfs[2], sim)
        self.wait_for(lambda: self.attempts() >= 1, 10, 'the first attempt did not fail')
        self.assertEqual(self.modules(), {})
        os.kill(sim.proc.pid, signal.SIGCONT)
        modules = self.wait_modules(1, 'the module was not identified once it answered')
        props, = modules.values()
        self.assertEqual(props['Port'], '/dev/ttyUSB2')
        self.assertEqual(props['SubModel'], 'ML307A-DSLN')
        self.assertTrue(self.daemon_logged('/dev/ttyUSB2: identified at attempt '))

    def test_module_never_answers(self):
        silent = self.start_sim('ML307A-DSLN', '--silent', 'AT')
        usb, intfs = self.add_usb(ML307A)
        self.plug_sim('ttyUSB2', intfs[2], silent)
        self.wait_for(lambda: self.daemon_logged('/dev/ttyUSB2: not claimed, no answer after 4 '
                                                 'attempts'), 20, 'discovery did not give up')
        self.assertEqual(self.attempts(), 3)
        # Healthy: another module is discovered, and the silent one is not tried again.
        sent = len(silent.log_bytes())
        sim = self.start_sim('ML307A-DSLN')
        other, intfs2 = self.add_usb(ML307A)
        self.plug_sim('ttyUSB5', intfs2[2], sim)
        modules = self.wait_modules(1, 'the daemon did not discover another module')
        self.assertEqual([p['Port'] for p in modules.values()], ['/dev/ttyUSB5'])
        self.assertEqual(len(silent.log_bytes()), sent, 'the module was tried after giving up')
        # Unplugged, it is forgotten: plugged again, it is tried again.
        self.unplug(usb)
        usb, intfs = self.add_usb(ML307A)
        self.plug_sim('ttyUSB7', intfs[2], silent)
        self.wait_for(lambda: len(silent.log_bytes()) > sent, 10,
                      'the module plugged again was not tried')

    def test_unplugged_while_retrying(self):
        silent = self.start_sim('ML307A-DSLN', '--silent', 'AT')
        usb, intfs = self.add_usb(ML307A)
        self.plug_sim('ttyUSB2', intfs[2], silent)
        self.wait_for(lambda: self.attempts() >= 1, 10, 'the first attempt did not fail')
        self.unplug(usb)
        sent = len(silent.log_bytes())
        # No event tells of an attempt that does not come: look for longer than the next pause.
        self.run_main_loop(2.5)
        self.assertEqual(len(silent.log_bytes()), sent, 'an unplugged module was tried again')
        self.assertEqual(self.attempts(), 1)
        self.assertEqual(self.modules(), {})
        self.assertEqual(self.daemon.poll(), None, 'the daemon died')

    def run_main_loop(self, seconds):
        deadline = time.monotonic() + seconds
        self.wait_for(lambda: time.monotonic() > deadline, seconds + 1, 'the clock stopped')


if __name__ == '__main__':
    harness.main()
