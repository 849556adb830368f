#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""End-to-end tests of an installed onemo-firmware (GNOME installed-tests, autopkgtest).

Runs the installed onemo-firmwared on a private session bus (no udev, its journal in a
temporary folder), the installed onemo-modem-sim as the module and the installed onemo-fwctl
as a user would. Needs python3 and dbus-daemon only; touches no real device and no system
service. The programs are found from this script's own place in the installed tree, so a tree
installed under any prefix (or DESTDIR) works as long as the relative layout is meson's.

Usage: onemo-firmware-e2e SCENARIO   (update | refusal)
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

# Where this script lies relative to the prefix, and where the programs do (meson fills these).
HERE_FROM_PREFIX = '@installed_tests_execdir@'
BINDIR = '@bindir@'
LIBEXECDIR = '@libexecdir@'
LIBDIR = '@libdir@'


def prefix():
    here = os.path.dirname(os.path.realpath(__file__))
    depth = len([p for p in HERE_FROM_PREFIX.split('/') if p])
    for _ in range(depth):
        here = os.path.dirname(here)
    return here


PREFIX = prefix()
FWCTL = os.path.join(PREFIX, BINDIR, 'onemo-fwctl')
SIM = os.path.join(PREFIX, BINDIR, 'onemo-modem-sim')
DAEMON = os.path.join(PREFIX, LIBEXECDIR, 'onemo-firmwared')


class Service:
    """A private bus, the daemon on it and one simulated module added with add-port."""

    def __init__(self, model):
        self.model = model
        self.tmp = tempfile.mkdtemp(prefix='onemo-installed-test-')
        self.procs = []
        self.env = dict(os.environ, LC_ALL='C.UTF-8')
        self.env.pop('LANGUAGE', None)
        # onemo-fwctl links libonemo-firmware: found under any prefix, not only the system's.
        self.env['LD_LIBRARY_PATH'] = os.pathsep.join(
            [os.path.join(PREFIX, LIBDIR)] + [p for p in [os.environ.get('LD_LIBRARY_PATH')] if p])

    def start(self):
        bus = self.spawn(['dbus-daemon', '--session', '--nofork', '--print-address'],
                         stdout=subprocess.PIPE)
        self.env['DBUS_SESSION_BUS_ADDRESS'] = bus.stdout.readline().decode().strip()
        self.link = os.path.join(self.tmp, 'ttyONEMO')
        self.spawn([SIM, '--model', self.model, '--link', self.link, '--reboot-ms', '50',
                    '--uart-reboot-ms', '300'])
        self.log = open(os.path.join(self.tmp, 'daemon.log'), 'w')
        self.spawn([DAEMON, '--session', '--no-udev', '--verbose', '--state-dir',
                    os.path.join(self.tmp, 'state')], stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while not os.path.exists(self.link):
            if time.monotonic() > deadline:
                raise RuntimeError('the simulator did not start')
            time.sleep(0.05)
        # add-port also waits for the service to own its name (D-Bus activation is not set up
        # here, so it is tried until it answers).
        while True:
            run = self.fwctl('--quiet', 'add-port', self.link, '--model', self.model)
            if run.returncode == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        check(run.returncode == 0, 'add-port failed: ' + run.stderr)

    def spawn(self, argv, **kwargs):
        proc = subprocess.Popen(argv, env=self.env, stdin=subprocess.DEVNULL, **kwargs)
        self.procs.append(proc)
        return proc

    def fwctl(self, *args, timeout=300):
        return subprocess.run([FWCTL, '--session'] + list(args), env=self.env,
                              capture_output=True, text=True, timeout=timeout)

    def json_lines(self, *args):
        run = self.fwctl('--json', *args)
        return run, [json.loads(line) for line in run.stdout.splitlines()]

    def stop(self):
        for proc in reversed(self.procs):
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            if proc.stdout:
                proc.stdout.close()
        if getattr(self, 'log', None):
            self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def daemon_log(self):
        self.log.flush()
        with open(self.log.name) as f:
            return f.read()


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def scenario_update(service):
    """A package file written, verified and installed in one `update`: the new revision."""
    series = subprocess.run([SIM, '--list-models'], capture_output=True, text=True,
                            check=True).stdout
    series = next(line.split()[1] for line in series.splitlines()
                  if line.split()[0] == service.model)
    revision = service.model + '-MBRH9S99'
    package = os.path.join(service.tmp, 'firmware.pkg')
    subprocess.run([SIM, '--make-package', package, '--series', series, '--new-revision',
                    revision, '--size', '30000'], check=True, capture_output=True)
    run, events = service.json_lines('update', package)
    check(run.returncode == 0, 'update failed (%d): %s' % (run.returncode, run.stderr))
    check(events and events[-1] == {'event': 'result', 'ok': True, 'revision': revision},
          'unexpected result: %r' % events[-1:])
    check(any(e.get('event') == 'upgrade' and e.get('status') == 'success' for e in events),
          'no upgrade success event')
    run, modules = service.json_lines('list')
    check(run.returncode == 0 and [m['revision'] for m in modules] == [revision],
          'list after the update: %r' % modules)


def scenario_refusal(service):
    """What the sub-model cannot take is refused before the module sees it, with exit 4."""
    run = service.fwctl('config', 'timeout=5')
    check(run.returncode == 4, 'config timeout=5: exit %d, %s' % (run.returncode, run.stderr))
    check('30–180' in run.stderr, 'the refusal does not name the range: ' + run.stderr)
    run, settings = service.json_lines('config')
    check(run.returncode == 0 and settings and settings[0].get('timeout') != 5,
          'the refused setting was applied: %r' % settings)


SCENARIOS = {
    'update': ('ML307R-DC', scenario_update),
    'refusal': ('MN316-S-DLVS', scenario_refusal),
}


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in SCENARIOS:
        print('usage: %s %s' % (sys.argv[0], ' | '.join(SCENARIOS)), file=sys.stderr)
        return 2
    model, scenario = SCENARIOS[sys.argv[1]]
    for program in (FWCTL, SIM, DAEMON):
        if not os.access(program, os.X_OK):
            print('not installed: ' + program, file=sys.stderr)
            return 1
    service = Service(model)
    try:
        service.start()
        scenario(service)
    except (Failure, subprocess.SubprocessError, RuntimeError) as e:
        print('FAIL: %s\n--- daemon log ---\n%s' % (e, service.daemon_log()
                                                     if getattr(service, 'log', None) else ''),
              file=sys.stderr)
        return 1
    finally:
        service.stop()
    print('PASS: ' + sys.argv[1])
    return 0


if __name__ == '__main__':
    sys.exit(main())
