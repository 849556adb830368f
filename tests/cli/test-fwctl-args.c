/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Global options anywhere on the command line. */
#include "fwctl-args.h"

typedef struct {
  const char *in;
  const char *out;
} ArgsCase;

static const ArgsCase cases[] = {
  { "fwctl list --json", "fwctl --json list" },
  { "fwctl --json list", "fwctl --json list" },
  { "fwctl update fw.bin -m 2 --sha256 ab", "fwctl -m 2 update fw.bin --sha256 ab" },
  { "fwctl show --module=/dev/ttyS1 -q", "fwctl --module=/dev/ttyS1 -q show" },
  { "fwctl -m2 check --timeout 30 sha1", "fwctl -m2 --timeout 30 check sha1" },
  { "fwctl update --help", "fwctl update --help" },
  { "fwctl config -- --json", "fwctl config -- --json" },
  { "fwctl config url=--json", "fwctl config url=--json" },
  { "fwctl list --session --version", "fwctl --session --version list" },
  { "fwctl list --jsonx", "fwctl list --jsonx" },
  { "fwctl list -m", "fwctl -m list" },
  { "fwctl add-port /dev/ttyS1 --no-ask-password", "fwctl --no-ask-password add-port /dev/ttyS1" },
};

static void
test_hoist (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_auto (GStrv) in = g_strsplit (cases[i].in, " ", -1);
    g_auto (GStrv) out = fwctl_args_hoist_globals ((int)g_strv_length (in), in);
    g_autofree char *got = g_strjoinv (" ", out);

    g_assert_cmpstr (got, ==, cases[i].out);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/args/hoist-globals", test_hoist);
  return g_test_run ();
}
