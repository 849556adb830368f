#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Every message the sources mark for translation has a current Chinese translation in
po/zh_CN.po (not missing, not empty, not fuzzy), with the same printf conversions, and the
catalogue compiles with msgfmt --check.

Usage: test-po-complete.py SOURCE_ROOT
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = None


def parse_po(text):
    """{msgid: (msgstr, flags)} of a PO file's text; the header entry is left out."""
    entries = {}
    for block in re.split(r'\n\s*\n', text):
        flags = set()
        fields = {}
        current = None
        for line in block.splitlines():
            if line.startswith('#,'):
                flags.update(f.strip() for f in line[2:].split(','))
            elif line.startswith('#'):
                continue
            elif line.startswith(('msgid ', 'msgstr ', 'msgctxt ', 'msgid_plural ')):
                current, rest = line.split(' ', 1)
                fields[current] = [rest]
            elif line.startswith('"') and current:
                fields[current].append(line)
        if 'msgid' not in fields:
            continue
        unquote = lambda parts: ''.join(eval(p) for p in parts)  # noqa: E731 (PO strings are C strings)
        msgid = unquote(fields['msgid'])
        if msgid:
            entries[msgid] = (unquote(fields.get('msgstr', ['""'])), flags)
    return entries


def conversions(text):
    return re.findall(r'%(?:\d+\$)?[-+ #0]*\d*(?:\.\d+)?(?:hh|h|ll|l|z|j|t|L)?[diouxXeEfgGcspn%]|%"G_[A-Z0-9_]+"', text)


class Catalogue(unittest.TestCase):
    def test_complete_and_current(self):
        po_dir = os.path.join(ROOT, 'po')
        with tempfile.TemporaryDirectory() as tmp:
            pot = os.path.join(tmp, 'messages.pot')
            subprocess.run(['xgettext', '--from-code=UTF-8', '--keyword=_', '--keyword=N_',
                            '--keyword=C_:1c,2', '--keyword=NC_:1c,2', '-f',
                            os.path.join(po_dir, 'POTFILES.in'), '-D', ROOT, '-o', pot],
                           check=True)
            with open(pot, encoding='utf-8') as f:
                wanted = parse_po(f.read())
        with open(os.path.join(po_dir, 'zh_CN.po'), encoding='utf-8') as f:
            have = parse_po(f.read())
        self.assertGreater(len(wanted), 100)
        missing = [m for m in wanted if m not in have]
        self.assertEqual(missing, [], 'not in zh_CN.po: update it')
        for msgid in wanted:
            msgstr, flags = have[msgid]
            with self.subTest(msgid=msgid):
                self.assertNotIn('fuzzy', flags)
                self.assertTrue(msgstr, 'untranslated')
                self.assertEqual(conversions(msgstr), conversions(msgid))
                # Chinese, not a copy of the English (names and units may stay as they are).
                if re.search(r'[a-z]{3,} [a-z]{3,}', msgid):
                    self.assertRegex(msgstr, r'[\u4e00-\u9fff]')

    def test_msgfmt_check(self):
        subprocess.run(['msgfmt', '--check', '-o', os.devnull,
                        os.path.join(ROOT, 'po', 'zh_CN.po')], check=True)

    def test_linguas(self):
        with open(os.path.join(ROOT, 'po', 'LINGUAS')) as f:
            languages = [w for line in f if not line.startswith('#') for w in line.split()]
        self.assertEqual(languages, ['zh_CN'])


if __name__ == '__main__':
    ROOT = sys.argv.pop(1)
    for tool in ('xgettext', 'msgfmt'):
        if shutil.which(tool) is None:
            print('%s is missing' % tool, file=sys.stderr)
            sys.exit(77)
    unittest.main(verbosity=2)
