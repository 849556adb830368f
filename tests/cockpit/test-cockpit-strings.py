#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The Cockpit page's words: every org.onemo.Firmware.Error.* name the service can return
(src/common/onemo-error.c) has a sentence in data/cockpit/errors.js, and every message the page
marks (_("…"), N_("…") in its scripts, translate attributes in index.html) has a current
Chinese translation in data/cockpit/po.zh_CN.js, with the same $0-style placeholders; the
catalogue holds nothing the page no longer says."""

import json
import os
import re
import sys
import unittest

SRCDIR = sys.argv.pop(1) if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), '..', '..')
PAGE = os.path.join(SRCDIR, 'data', 'cockpit')

MARKED = re.compile(r'\b(?:_|N_)\("((?:[^"\\]|\\.)*)"\)')
TRANSLATABLE = re.compile(r'<(\w+)[^>]*\btranslate\b[^>]*>([^<]*)</\1>')
PLACEHOLDER = re.compile(r'\$\d')


def read(name):
    with open(os.path.join(PAGE, name), encoding='utf-8') as f:
        return f.read()


def page_messages():
    """Every marked message of the page, as cockpit.gettext looks it up."""
    messages = set()
    for name in sorted(os.listdir(PAGE)):
        if name.endswith('.js') and not name.startswith('po.'):
            messages.update(json.loads('"%s"' % m) for m in MARKED.findall(read(name)))
    messages.update(text for _, text in TRANSLATABLE.findall(read('index.html')))
    return messages


def catalogue():
    text = read('po.zh_CN.js').strip()
    match = re.fullmatch(r'(?s)(?:/\*.*?\*/\s*)?cockpit\.locale\((\{.*\})\);', text)
    if not match:
        raise AssertionError('po.zh_CN.js is not one cockpit.locale({…}) call')
    return json.loads(match.group(1))


class PageStrings(unittest.TestCase):

    def test_every_service_error_has_a_sentence(self):
        with open(os.path.join(SRCDIR, 'src', 'common', 'onemo-error.c'), encoding='utf-8') as f:
            names = re.findall(r'\{\s*ONEMO_ERROR_\w+,\s*"(\w+)"', f.read())
        self.assertGreater(len(names), 15, 'no error names found in onemo-error.c')
        table = re.search(r'(?s)const SERVICE = \{(.*?)\};', read('errors.js'))
        self.assertIsNotNone(table, 'errors.js has no SERVICE table')
        known = set(re.findall(r'^\s*(\w+): N_\(', table.group(1), re.M))
        self.assertEqual(sorted(set(names) - known), [], 'errors without a sentence')
        self.assertEqual(sorted(known - set(names)), [], 'sentences for errors the service lacks')

    def test_catalogue_is_complete_and_current(self):
        messages = page_messages()
        self.assertIn('Module firmware', messages)
        po = catalogue()
        header = po.pop('')
        self.assertEqual(header.get('language'), 'zh_CN')
        self.assertEqual(sorted(messages - set(po)), [], 'messages without a translation')
        self.assertEqual(sorted(set(po) - messages), [], 'translations of nothing the page says')
        for msgid, entry in po.items():
            self.assertIsInstance(entry, list, msgid)
            self.assertEqual(entry[0], None, msgid)
            self.assertTrue(entry[1], 'empty translation of %r' % msgid)
            self.assertEqual(sorted(PLACEHOLDER.findall(msgid)), sorted(PLACEHOLDER.findall(entry[1])),
                             'placeholders differ in %r' % msgid)

    def test_manifest_label_is_translated(self):
        manifest = json.loads(read('manifest.json'))
        label = manifest['menu']['index']['label']
        self.assertIn(label, catalogue())


if __name__ == '__main__':
    unittest.main(verbosity=2)
