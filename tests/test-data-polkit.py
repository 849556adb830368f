#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The polkit actions (the merged data/org.onemo.Firmware.policy) against the D-Bus interfaces.

Checks the actions and their defaults, and that every method of the introspection XML is
authorized by the action the policy's comment names for it: a new method cannot slip in without
a decision about who may call it.

Usage: test-data-polkit.py POLICY INTROSPECTION_XML...
"""

import re
import sys
import unittest
import xml.etree.ElementTree as ET

POLICY = None
INTROSPECTION = []

# Which action guards which method; None: no authorization.
ACTION_OF = {
    "Configure": "org.onemo.Firmware.update",
    "Download": "org.onemo.Firmware.update",
    "Write": "org.onemo.Firmware.update",
    "Fetch": "org.onemo.Firmware.update",
    "Upgrade": "org.onemo.Firmware.update",
    "Erase": "org.onemo.Firmware.update",
    "Update": "org.onemo.Firmware.update",
    "Cancel": "org.onemo.Firmware.update",
    "AddPort": "org.onemo.Firmware.manage-ports",
    "RemovePort": "org.onemo.Firmware.manage-ports",
    "GetConfiguration": "org.onemo.Firmware.read",
    "Checksum": "org.onemo.Firmware.read",
}

DEFAULTS = {
    "org.onemo.Firmware.update": {
        "allow_any": "no", "allow_inactive": "no", "allow_active": "auth_admin_keep"},
    "org.onemo.Firmware.read": {
        "allow_any": "no", "allow_inactive": "no", "allow_active": "yes"},
    "org.onemo.Firmware.manage-ports": {
        "allow_any": "auth_admin", "allow_inactive": "auth_admin", "allow_active": "auth_admin"},
}

VALID_RESULTS = {"no", "yes", "auth_self", "auth_admin", "auth_self_keep", "auth_admin_keep"}


def methods():
    for path in INTROSPECTION:
        for iface in ET.parse(path).getroot().iter("interface"):
            for method in iface.iter("method"):
                yield iface.get("name"), method.get("name")


class PolkitPolicyTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(POLICY, encoding="utf-8") as f:
            cls.text = f.read()
        cls.root = ET.fromstring(cls.text)
        cls.actions = {a.get("id"): a for a in cls.root.iter("action")}

    def test_root_and_vendor(self):
        self.assertEqual(self.root.tag, "policyconfig")
        self.assertTrue(self.root.findtext("vendor"))

    def test_actions_and_defaults(self):
        self.assertEqual(set(self.actions), set(DEFAULTS))
        for action_id, expected in DEFAULTS.items():
            defaults = self.actions[action_id].find("defaults")
            got = {child.tag: child.text.strip() for child in defaults}
            self.assertEqual(got, expected, action_id)
            self.assertTrue(set(got.values()) <= VALID_RESULTS)

    def test_messages_in_english(self):
        for action_id, action in self.actions.items():
            untranslated = [e for e in action if "{http://www.w3.org/XML/1998/namespace}lang"
                            not in e.attrib]
            for tag in ("description", "message"):
                texts = [e.text for e in untranslated if e.tag == tag]
                self.assertEqual(len(texts), 1, f"{action_id}: one English <{tag}>")
                self.assertTrue(texts[0].strip())

    def test_every_method_has_a_decision(self):
        found = list(methods())
        self.assertTrue(found, "no methods in the introspection XML")
        for iface, method in found:
            self.assertIn(method, ACTION_OF, f"{iface}.{method}: which polkit action?")

    def test_comment_documents_the_mapping(self):
        # The policy file's comment is what integrators read: it must name every guarded
        # method under the action that guards it.
        comment = " ".join(self.text.split())
        for action_id in DEFAULTS:
            guarded = [m for m, a in ACTION_OF.items() if a == action_id]
            paragraph = re.search(re.escape(action_id) + r" guards [^:]*:\s*([A-Za-z, ]+)", comment)
            self.assertIsNotNone(paragraph, f"no comment paragraph for {action_id}")
            named = set(re.findall(r"\b[A-Z][A-Za-z]+\b", paragraph.group(1)))
            self.assertTrue(set(guarded) <= named,
                            f"{action_id}: the comment misses {set(guarded) - named}")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    POLICY, INTROSPECTION = sys.argv[1], sys.argv[2:]
    unittest.main(argv=sys.argv[:1], verbosity=2)
