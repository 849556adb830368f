/* SPDX-License-Identifier: GPL-2.0-or-later */
/* "config KEY=VALUE" into typed values, and which module an ID names. */
#include "fwctl-errors.h"
#include "fwctl-settings.h"

#include <gio/gio.h>

typedef struct {
  const char *argument;
  const char *key;     /* NULL: a usage error */
  const char *variant; /* the value, printed with its type */
} SettingCase;

static const SettingCase setting_cases[] = {
  { "url=http://10.0.0.1/fw.bin", "url", "'http://10.0.0.1/fw.bin'" },
  { "url=", "url", "''" },
  { "url=ftp://h/a=b", "url", "'ftp://h/a=b'" }, /* only the first '=' splits */
  { "user=alice", "user", "'alice'" },
  { "password=p w", "password", "'p w'" },
  { "timeout=60", "timeout", "uint32 60" },
  { "mode=1", "mode", "uint32 1" },
  { "mode=full", "mode", "uint32 1" },
  { "mode=Differential", "mode", "uint32 0" },
  { "progind=4096", "progind", "uint32 4096" },
  { "ssl=0", "ssl", "uint32 0" },
  { "pkgsize=4294967295", "pkgsize", "uint32 4294967295" },
  /* The service checks ranges (30–180 s…): the CLI only checks that a number is a number. */
  { "timeout=5", "timeout", "uint32 5" },
  { "pkgsize=4294967296", NULL, NULL },
  { "timeout=-1", NULL, NULL },
  { "timeout=sixty", NULL, NULL },
  { "timeout=", NULL, NULL },
  { "timeout= 6", NULL, NULL },
  { "ssl=0x1", NULL, NULL },
  { "mode=half", NULL, NULL },
  { "colour=red", NULL, NULL },
  { "URL=http://h/", NULL, NULL },
  { "url", NULL, NULL },
  { "=value", NULL, NULL },
  { "", NULL, NULL },
};

static void
test_setting_parse (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (setting_cases); i++) {
    const SettingCase *c = &setting_cases[i];
    g_autofree char *key = NULL;
    g_autoptr (GVariant) value = NULL;
    g_autoptr (GError) error = NULL;
    gboolean ok = fwctl_setting_parse (c->argument, &key, &value, &error);

    g_test_message ("%s", c->argument);
    if (c->key == NULL) {
      g_assert_false (ok);
      g_assert_error (error, FWCTL_ERROR, FWCTL_ERROR_USAGE);
      g_assert_cmpint (fwctl_exit_code_for_error (error), ==, FWCTL_EXIT_USAGE);
      g_assert_null (key);
      g_assert_null (value);
    } else {
      g_autofree char *printed = NULL;
      g_assert_no_error (error);
      g_assert_true (ok);
      g_assert_cmpstr (key, ==, c->key);
      printed = g_variant_print (value, TRUE);
      g_assert_cmpstr (printed, ==, c->variant);
    }
  }
}

static void
test_parse_all (void)
{
  const char *const arguments[] = { "url=http://h/p", "timeout=90", "user=u", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) settings = NULL;
  g_autofree char *printed = NULL;

  settings = fwctl_settings_parse_all (arguments, -1, "s3cret", &error);
  g_assert_no_error (error);
  printed = g_variant_print (settings, TRUE);
  g_assert_cmpstr (printed, ==,
                   "{'url': <'http://h/p'>, 'timeout': <uint32 90>, 'user': <'u'>, "
                   "'password': <'s3cret'>}");
  g_assert_true (g_variant_is_of_type (settings, G_VARIANT_TYPE_VARDICT));

  /* Only the first @n_arguments count. */
  g_clear_pointer (&settings, g_variant_unref);
  settings = fwctl_settings_parse_all (arguments, 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_n_children (settings), ==, 1);
}

static void
test_parse_all_errors (void)
{
  const char *const twice[] = { "timeout=90", "timeout=60", NULL };
  const char *const two_passwords[] = { "user=u", "password=a", NULL };
  const char *const bad_later[] = { "url=http://h/", "bogus=1", NULL };
  const char *const *cases[] = { twice, two_passwords, bad_later };
  const char *passwords[] = { NULL, "b", NULL };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GError) error = NULL;
    g_autoptr (GVariant) settings = fwctl_settings_parse_all (cases[i], -1, passwords[i], &error);
    g_assert_null (settings);
    g_assert_error (error, FWCTL_ERROR, FWCTL_ERROR_USAGE);
  }
}

static void
test_module_id (void)
{
  const char *path = "/org/onemo/Firmware/Module/12";
  const char *imei = "869012345678901";
  const char *port = "/dev/ttyUSB2";
  struct {
    const char *id;
    gboolean matches;
  } cases[] = {
    { "12", TRUE },
    { "/org/onemo/Firmware/Module/12", TRUE },
    { "869012345678901", TRUE },
    { "/dev/ttyUSB2", TRUE },
    { "ttyUSB2", TRUE },
    { "2", FALSE },
    { "1", FALSE },
    { "012", FALSE },
    { "Module/12", FALSE },
    { "/org/onemo/Firmware/Module/1", FALSE },
    { "86901234567890", FALSE },
    { "ttyUSB", FALSE },
    { "/dev/ttyUSB20", FALSE },
    { "dev/ttyUSB2", FALSE },
    { "", FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_test_message ("%s", cases[i].id);
    g_assert_cmpint (fwctl_module_id_matches (cases[i].id, path, imei, port), ==, cases[i].matches);
  }
  /* An empty IMEI or port (not yet known) matches nothing. */
  g_assert_false (fwctl_module_id_matches ("", path, "", ""));
  g_assert_true (fwctl_module_id_matches ("12", path, "", NULL));
  g_assert_false (fwctl_module_id_matches (NULL, path, imei, port));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fwctl/settings/parse", test_setting_parse);
  g_test_add_func ("/fwctl/settings/parse-all", test_parse_all);
  g_test_add_func ("/fwctl/settings/parse-all-errors", test_parse_all_errors);
  g_test_add_func ("/fwctl/settings/module-id", test_module_id);
  return g_test_run ();
}
