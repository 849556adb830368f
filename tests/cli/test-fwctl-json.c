/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The --json writer: escaping, commas, nesting, variants. */
#include "fwctl-json.h"

#include <gio/gio.h>

static void
test_escape (void)
{
  struct {
    const char *in;
    const char *out;
  } cases[] = {
    { "", "\"\"" },
    { "plain", "\"plain\"" },
    { "a\"b", "\"a\\\"b\"" },
    { "back\\slash", "\"back\\\\slash\"" },
    { "line\nfeed\r\t", "\"line\\nfeed\\r\\t\"" },
    { "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"" },
    { "\b\f", "\"\\b\\f\"" },
    { "固件升级", "\"固件升级\"" },
    { "bad\xff", "\"bad\xef\xbf\xbd\"" }, /* invalid UTF-8 becomes U+FFFD */
    { "/", "\"/\"" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GString) out = g_string_new (NULL);
    fwctl_json_escape (out, cases[i].in);
    g_assert_cmpstr (out->str, ==, cases[i].out);
  }
}

static void
test_structure (void)
{
  g_autoptr (FwctlJson) json = fwctl_json_new ();

  fwctl_json_begin_object (json);
  fwctl_json_member_string (json, "event", "progress");
  fwctl_json_member_uint (json, "done", G_MAXUINT64);
  fwctl_json_member_bool (json, "ok", FALSE);
  fwctl_json_key (json, "list");
  fwctl_json_begin_array (json);
  fwctl_json_int (json, -3);
  fwctl_json_begin_object (json);
  fwctl_json_end_object (json);
  fwctl_json_null (json);
  fwctl_json_end_array (json);
  fwctl_json_end_object (json);
  g_assert_cmpstr (fwctl_json_get (json), ==,
                   "{\"event\":\"progress\",\"done\":18446744073709551615,\"ok\":false,"
                   "\"list\":[-3,{},null]}");
}

static void
test_variant (void)
{
  g_autoptr (FwctlJson) json = fwctl_json_new ();
  g_autoptr (GVariant) value = g_variant_ref_sink (g_variant_new_parsed (
      "{'url': <'http://h/\"x\"'>, 'timeout': <uint32 60>, 'password-set': <true>, "
      "'caps': <['a', 'b']>, 'path': <objectpath '/o/1'>, 'total': <uint64 5>}"));

  fwctl_json_variant (json, value);
  g_assert_cmpstr (fwctl_json_get (json), ==,
                   "{\"url\":\"http://h/\\\"x\\\"\",\"timeout\":60,\"password-set\":true,"
                   "\"caps\":[\"a\",\"b\"],\"path\":\"/o/1\",\"total\":5}");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fwctl/json/escape", test_escape);
  g_test_add_func ("/fwctl/json/structure", test_structure);
  g_test_add_func ("/fwctl/json/variant", test_variant);
  return g_test_run ();
}
