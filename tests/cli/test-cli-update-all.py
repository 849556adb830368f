#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""onemo-fwctl update --all [--sub-model S]: several simulated modules behind the real daemon.
The first module is a trial (the manual's §3.4: one module before a mass upgrade): when it
fails the others are left untouched; a summary ends the run, and the exit status says whether
every module was updated.

Usage: test-cli-update-all.py ONEMO_FWCTL (and meson's daemon test environment)
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli_harness  # noqa: E402

OLD = 'MN316-S-DLVS-MBRH0S00'
NEW = 'MN316-S-DLVS-MBRH5F01'


class UpdateAllTest(cli_harness.CliTest):

    def events(self, result):
        return [json.loads(line) for line in result.stdout.splitlines()]

    def assertUntouched(self, sim, path, revision=OLD):
        super().assertUntouched(sim, path, revision)

    def test_all_succeed(self):
        modules = self.fleet(('MN316-S-DLVS', ()), ('MN316-S-DLVS', ()), ('MN316-S-DLVS', ()))
        package, _ = self.upgrade_package('MN316-S', NEW)
        result = self.fwctl_ok('--json', 'update', '--all', package)
        events = self.events(result)
        outcomes = [e for e in events if e['event'] == 'module']
        self.assertEqual([(e['module'], e['status'], e['ok'], e['revision']) for e in outcomes],
                         [(path, 'updated', True, NEW) for _, path, _ in modules])
        self.assertEqual(events[-1], {'event': 'result', 'ok': True, 'updated': 3, 'current': 0,
                                      'failed': 0, 'skipped': 0})
        # Each module's own progress is there, under its path.
        for _, path, _ in modules:
            self.assertEqual(self.prop(path, 'Revision'), NEW)
            self.assertIn({'event': 'state', 'module': path, 'state': 'upgrading'}, events)

    def test_trial_fails_rest_untouched(self):
        # The first module refuses the upgrade as a module with a bad package would.
        (first, first_path, _), *rest = self.fleet(
            ('MN316-S-DLVS', ('--error', 'AT+MFWUPGRADE=854')), ('MN316-S-DLVS', ()),
            ('MN316-S-DLVS', ()))
        package, _ = self.upgrade_package('MN316-S', NEW)
        result = self.fwctl('update', '--all', package)
        self.assertEqual(result.returncode, 13, result.stderr)
        self.assertIn('onemo-fwctl: module 0: The upgrade failed: ', result.stderr)
        self.assertIn('Module 0 (MN316-S-DLVS on %s), the trial before the others:'
                      % first.link, result.stdout)
        self.assertEqual(result.stdout.splitlines()[-1],
                         'Summary: 0 updated, 0 already current, 1 failed, 2 not tried')
        self.assertIn(b'AT+MFWUPGRADE', first.log_bytes())
        for sim, path, _ in rest:
            self.assertUntouched(sim, path)

        # With --json every module is still reported, the untouched as skipped.
        result = self.fwctl('--json', 'update', '--all', package)
        self.assertEqual(result.returncode, 13, result.stderr)
        events = self.events(result)
        self.assertEqual([(e['id'], e['status']) for e in events if e['event'] == 'module'],
                         [('0', 'failed'), ('1', 'skipped'), ('2', 'skipped')])
        failed = [e for e in events if e['event'] == 'module'][0]
        self.assertEqual((failed['error'], failed['exit']),
                         ('org.onemo.Firmware.Error.Upgrade', 13))
        result_event = events[-1]
        self.assertEqual((result_event['event'], result_event['ok'], result_event['failed'],
                          result_event['skipped'], result_event['exit']),
                         ('result', False, 1, 2, 13))
        for sim, path, _ in rest:
            self.assertUntouched(sim, path)

    def test_later_failure_does_not_stop_the_others(self):
        (s0, p0, _), (s1, p1, _), (s2, p2, _) = self.fleet(
            ('MN316-S-DLVS', ()), ('MN316-S-DLVS', ('--error', 'AT+MFWUPGRADE=854')),
            ('MN316-S-DLVS', ()))
        package, _ = self.upgrade_package('MN316-S', NEW)
        result = self.fwctl('update', '--all', package)
        self.assertEqual(result.returncode, 13, result.stderr)
        self.assertEqual(result.stdout.splitlines()[-1],
                         'Summary: 2 updated, 0 already current, 1 failed, 0 not tried')
        self.assertEqual([self.prop(p, 'Revision') for p in (p0, p1, p2)], [NEW, OLD, NEW])

    def test_expect_revision(self):
        (s0, p0, _), (s1, p1, _), (s2, p2, _) = self.fleet(
            ('MN316-S-DLVS', ()), ('MN316-S-DLVS', ()), ('MN316-S-DLVS', ()))
        package, _ = self.upgrade_package('MN316-S', NEW)
        # A package that does not install the revision named: the trial fails (NotVerified),
        # the others are left alone.
        result = self.fwctl('--json', 'update', '--all', '--expect-revision',
                            'MN316-S-DLVS-MBRH9Z99', package)
        self.assertEqual(result.returncode, 8, result.stderr)
        self.assertIn('The module now runs %s, not MN316-S-DLVS-MBRH9Z99' % NEW, result.stderr)
        self.assertEqual([e['status'] for e in self.events(result) if e['event'] == 'module'],
                         ['failed', 'skipped', 'skipped'])
        self.assertEqual([self.prop(p, 'Revision') for p in (p0, p1, p2)], [NEW, OLD, OLD])
        # Run again with the right revision: module 0 already runs it and is left alone, the
        # first module updated (1) is the trial.
        log0 = s0.log_bytes()
        result = self.fwctl('update', '--all', '--expect-revision', NEW, package)
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = result.stdout.splitlines()
        self.assertIn('Module 0 already runs %s' % NEW, lines)
        self.assertIn('Module 1 (MN316-S-DLVS on %s), the trial before the others:' % s1.link,
                      lines)
        self.assertEqual(lines[-1], 'Summary: 2 updated, 1 already current, 0 failed, 0 not tried')
        self.assertEqual(s0.log_bytes(), log0)
        self.assertEqual([self.prop(p, 'Revision') for p in (p0, p1, p2)], [NEW, NEW, NEW])

    def test_sub_model_filter(self):
        (s0, p0, _), (s1, p1, _), (s2, p2, _) = self.fleet(
            ('MN316-DLVS', ()), ('MN316-S-DLVS', ()), ('MN316-S-DLVS', ()))
        package, _ = self.upgrade_package('MN316-S', NEW)
        result = self.fwctl_ok('--json', 'update', '--all', '--sub-model', 'MN316-S-DLVS',
                               package)
        events = self.events(result)
        self.assertEqual([(e['module'], e['status']) for e in events if e['event'] == 'module'],
                         [(p1, 'updated'), (p2, 'updated')])
        self.assertEqual(events[-1]['updated'], 2)
        # The other sub-model's module heard nothing of it.
        self.assertUntouched(s0, p0, 'MN316-DLVS-MBRH0S00')
        self.assertEqual([self.prop(p, 'Revision') for p in (p1, p2)], [NEW, NEW])

    def test_none_matches(self):
        package, _ = self.upgrade_package('MN316-S', NEW)
        # No module at all.
        result = self.fwctl('--json', 'update', '--all', package)
        self.assertEqual(result.returncode, 11, result.stderr)
        self.assertEqual(self.events(result)[-1]['error'], 'org.onemo.Fwctl.Error.NoModule')
        # Modules, but none of that sub-model: nothing is touched.
        (sim, path, _), = self.fleet(('MN316-S-DLVS', ()))
        result = self.fwctl('update', '--all', '--sub-model', 'ML307A-DSLN', package)
        self.assertEqual(result.returncode, 11, result.stderr)
        self.assertIn('No module of sub-model ML307A-DSLN', result.stderr)
        self.assertUntouched(sim, path)

    def test_usage(self):
        (sim, path, _), = self.fleet(('MN316-S-DLVS', ()))
        package, _ = self.upgrade_package('MN316-S', NEW)
        for args in (['--all', '--module', '0', package],
                     ['--sub-model', 'MN316-S-DLVS', package],
                     ['--expect-revision', NEW, package],
                     ['--all']):
            result = self.fwctl('update', *args)
            self.assertEqual(result.returncode, 2, (args, result.stderr))
        # A package that cannot be opened: refused before any module is asked.
        result = self.fwctl('update', '--all', os.path.join(self.tmpdir, 'missing.pkg'))
        self.assertEqual(result.returncode, 4, result.stderr)
        self.assertUntouched(sim, path)


if __name__ == '__main__':
    cli_harness.main()
