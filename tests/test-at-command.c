/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command helpers: what may go into a command, the exact text of each builder, and the
 * module's side reading a command line back (spec §2, §3, §4). */
#include "onemo-at-command.h"
#include "onemo-error.h"

#include <string.h>

/* ---- String validation ---- */

static char *
repeat (char c, gsize n)
{
  char *s = g_malloc (n + 1);

  memset (s, c, n);
  s[n] = '\0';
  return s;
}

typedef struct {
  const char *value;
  gboolean ok;
} StringCase;

static const StringCase string_cases[] = {
  { "http://1.15.41.92:3000/data", TRUE },
  { "ftpxy", TRUE },
  { "a", TRUE },
  { " ~!#$%&'()*+,-./:;<=>?@[\\]^_`{|}", TRUE },
  { "", FALSE },
  { "pass\"word", FALSE },
  { "\"", FALSE },
  { "line\rbreak", FALSE },
  { "line\nbreak", FALSE },
  { "tab\there", FALSE },
  { "esc\x1b", FALSE },
  { "del\x7f", FALSE },
  { "\x01", FALSE },
  { "p\xc3\xa4ss", FALSE },              /* "päss": non-ASCII UTF-8 */
  { "\xe5\xaf\x86\xe7\xa0\x81", FALSE }, /* "密码" */
  { "\xff", FALSE },
};

static void
test_string_validate (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (string_cases); i++) {
    g_autoptr (GError) error = NULL;
    gboolean ok
        = onemo_at_string_validate ("user", string_cases[i].value, ONEMO_AT_AUTH_MAX, &error);

    g_test_message ("case %u", i);
    if (string_cases[i].ok) {
      g_assert_no_error (error);
      g_assert_true (ok);
    } else {
      g_assert_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT);
      g_assert_false (ok);
      g_assert_nonnull (strstr (error->message, "user"));
    }
  }
}

static void
test_string_validate_null (void)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (onemo_at_string_validate ("url", NULL, ONEMO_AT_URL_MAX, &error));
  g_assert_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT);
}

/* A C string ends at its first NUL: whatever follows cannot reach the port through these
 * helpers. The D-Bus layer refuses embedded NULs before they become C strings. */
static void
test_string_validate_nul (void)
{
  static const char with_nul[] = "user\0\r\nAT+MFWERASE";
  g_autoptr (GError) error = NULL;
  g_autofree char *command = NULL;

  g_assert_true (onemo_at_string_validate ("user", with_nul, ONEMO_AT_AUTH_MAX, &error));
  g_assert_no_error (error);
  command = onemo_at_build_cfg_auth (with_nul, "pw");
  g_assert_cmpstr (command, ==, "AT+MFWCFG=\"auth\",\"user\",\"pw\"");
  g_assert_null (strchr (command, '\r'));
}

static void
test_string_validate_lengths (void)
{
  static const struct {
    const char *what;
    gsize max;
  } limits[] = {
    { "url", ONEMO_AT_URL_MAX },
    { "user", ONEMO_AT_AUTH_MAX },
    { "password", ONEMO_AT_AUTH_MAX },
  };

  g_assert_cmpuint (ONEMO_AT_URL_MAX, ==, 256);
  g_assert_cmpuint (ONEMO_AT_AUTH_MAX, ==, 48);
  for (guint i = 0; i < G_N_ELEMENTS (limits); i++) {
    g_autofree char *at_limit = repeat ('x', limits[i].max);
    g_autofree char *over = repeat ('x', limits[i].max + 1);
    g_autoptr (GError) error = NULL;

    g_assert_true (onemo_at_string_validate (limits[i].what, at_limit, limits[i].max, &error));
    g_assert_no_error (error);
    g_assert_false (onemo_at_string_validate (limits[i].what, over, limits[i].max, &error));
    g_assert_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT);
    g_assert_nonnull (strstr (error->message, limits[i].what));
  }
}

/* ---- Numeric settings ---- */

typedef struct {
  const char *key;
  gint64 value;
  gboolean ok;
} NumberCase;

static const NumberCase number_cases[] = {
  { "timeout", 30, TRUE },
  { "timeout", 60, TRUE },
  { "timeout", 180, TRUE },
  { "timeout", 29, FALSE },
  { "timeout", 181, FALSE },
  { "timeout", -60, FALSE },
  { "timeout", G_MININT64, FALSE },
  { "mode", 0, TRUE },
  { "mode", 1, TRUE },
  { "mode", 2, FALSE },
  { "mode", -1, FALSE },
  { "progind", 0, TRUE },
  { "progind", 1024, TRUE },
  { "progind", 10240, TRUE },
  { "progind", 1023, FALSE },
  { "progind", 1025, FALSE },
  { "progind", 512, FALSE },
  { "progind", -1024, FALSE },
  { "progind", G_MAXINT64, FALSE },
  { "ssl", 0, TRUE },
  { "ssl", 4, TRUE },
  { "ssl", 5, FALSE },
  { "ssl", -1, FALSE },
  /* pkgsize 0 is refused: the manual's default is 512 and it asks for a multiple of 512. */
  { "pkgsize", 0, FALSE },
  { "pkgsize", 512, TRUE },
  { "pkgsize", 1024, TRUE },
  { "pkgsize", 1536, TRUE },
  { "pkgsize", 3072, TRUE },
  { "pkgsize", 3584, FALSE },
  { "pkgsize", 511, FALSE },
  { "pkgsize", 1000, FALSE },
  { "pkgsize", -512, FALSE },
  { "PKGSIZE", 512, TRUE },
  { "url", 1, FALSE },
  { "auth", 1, FALSE },
  { "colour", 1, FALSE },
  { "", 1, FALSE },
  { NULL, 1, FALSE },
};

static void
test_cfg_number_validate (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (number_cases); i++) {
    const NumberCase *c = &number_cases[i];
    g_autoptr (GError) error = NULL;
    gboolean ok = onemo_at_cfg_number_validate (c->key, c->value, &error);

    g_test_message ("%s %" G_GINT64_FORMAT, c->key, c->value);
    if (c->ok) {
      g_assert_no_error (error);
      g_assert_true (ok);
    } else {
      g_assert_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT);
      g_assert_false (ok);
    }
  }
}

/* ---- URL schemes ---- */

static void
test_url_scheme (void)
{
  static const struct {
    const char *url;
    const char *scheme;
  } cases[] = {
    { "http://1.15.41.92:3000/data", "http" },
    { "https://xxx.com:8080/update2.bin", "https" },
    { "ftp://120.79.94.27:21/pro/Test.bin", "ftp" },
    { "FTP://115.29.109.79:21/ML302S/system_patch.mini_1", "ftp" },
    { "ftps://host/x", "ftps" },
    { "FtPs://host/x", "ftps" },
    { "file://usr/myfile/test.bin", "file" },
    { "HTTP://a", "http" },
    { "HTTPS://a", "https" },
    { "http:/a", NULL },
    { "http:a", NULL },
    { "http//a", NULL },
    { "gopher://a", NULL },
    { "sftp://a", NULL },
    { " http://a", NULL },
    { "httpx://a", NULL },
    { "1.15.41.92:3000/data", NULL },
    { "", NULL },
    { NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_test_message ("%s", cases[i].url);
    g_assert_cmpstr (onemo_at_url_scheme (cases[i].url), ==, cases[i].scheme);
  }
}

/* ---- Builders ---- */

static void
test_builders (void)
{
  struct {
    char *built;
    const char *expected;
  } cases[] = {
    { onemo_at_build_cfg_url ("http://1.15.41.92:3000/data"),
      "AT+MFWCFG=\"url\",\"http://1.15.41.92:3000/data\"" },
    { onemo_at_build_cfg_auth ("ftpxy", "123654"), "AT+MFWCFG=\"auth\",\"ftpxy\",\"123654\"" },
    { onemo_at_build_cfg_number ("timeout", 60), "AT+MFWCFG=\"timeout\",60" },
    { onemo_at_build_cfg_number ("progind", 10240), "AT+MFWCFG=\"progind\",10240" },
    { onemo_at_build_cfg_number ("pkgsize", 3072), "AT+MFWCFG=\"pkgsize\",3072" },
    { onemo_at_build_cfg_number ("ssl", 0), "AT+MFWCFG=\"ssl\",0" },
    { onemo_at_build_cfg_query ("url"), "AT+MFWCFG=\"url\"" },
    { onemo_at_build_cfg_query ("auth"), "AT+MFWCFG=\"auth\"" },
    { onemo_at_build_check (ONEMO_AT_CHECK_MD5), "AT+MFWCHECK=0" },
    { onemo_at_build_check (ONEMO_AT_CHECK_SHA1), "AT+MFWCHECK=1" },
    { onemo_at_build_check (ONEMO_AT_CHECK_SHA256), "AT+MFWCHECK=2" },
    { onemo_at_build_dload_transparent (0, 80362), "AT+MFWDLOAD=0,80362" },
    { onemo_at_build_dload_transparent (0, 16407), "AT+MFWDLOAD=0,16407" },
    { onemo_at_build_dload_transparent (G_MAXUINT64, 1), "AT+MFWDLOAD=18446744073709551615,1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_assert_cmpstr (cases[i].built, ==, cases[i].expected);
    g_free (cases[i].built);
  }
}

static void
test_build_dload_hex (void)
{
  static const guint8 one[] = { 0x01 };
  static const guint8 all_nibbles[]
      = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x00, 0xff };
  g_autoptr (GString) command = g_string_new ("left over from before");
  g_autoptr (GByteArray) decoded = g_byte_array_new ();
  guint8 chunk[ONEMO_AT_HEX_CHUNK];
  g_autofree char *expected_head = NULL;
  const char *hex;

  /* The manual's own example: AT+MFWDLOAD=0,1,"01". */
  onemo_at_build_dload_hex (command, 0, one, sizeof one);
  g_assert_cmpstr (command->str, ==, "AT+MFWDLOAD=0,1,\"01\"");

  onemo_at_build_dload_hex (command, 512, all_nibbles, sizeof all_nibbles);
  g_assert_cmpstr (command->str, ==, "AT+MFWDLOAD=512,10,\"0123456789ABCDEF00FF\"");
  g_assert_cmpuint (command->len, ==, strlen (command->str));

  /* A full chunk at a large offset, reusing the same GString. */
  for (guint i = 0; i < sizeof chunk; i++)
    chunk[i] = (guint8)(i * 7 + 3);
  onemo_at_build_dload_hex (command, G_MAXUINT64, chunk, sizeof chunk);
  expected_head = g_strdup_printf ("AT+MFWDLOAD=%" G_GUINT64_FORMAT ",512,\"", G_MAXUINT64);
  g_assert_true (g_str_has_prefix (command->str, expected_head));
  g_assert_cmpuint (command->len, ==, strlen (expected_head) + 2 * sizeof chunk + 1);
  g_assert_cmpint (command->str[command->len - 1], ==, '"');
  g_assert_cmpuint (strlen (command->str), ==, command->len);

  /* Round trip through the module side's decoder. */
  hex = command->str + strlen (expected_head);
  {
    g_autofree char *digits = g_strndup (hex, 2 * sizeof chunk);
    g_assert_true (onemo_at_hex_decode (digits, decoded));
    g_assert_cmpmem (decoded->data, decoded->len, chunk, sizeof chunk);
    for (gsize i = 0; digits[i] != '\0'; i++)
      g_assert_true (g_ascii_isdigit (digits[i]) || (digits[i] >= 'A' && digits[i] <= 'F'));
  }

  /* A shorter chunk after a full one leaves nothing behind. */
  onemo_at_build_dload_hex (command, 512, one, sizeof one);
  g_assert_cmpstr (command->str, ==, "AT+MFWDLOAD=512,1,\"01\"");
}

/* A 1 MiB package is 2048 chunks: once the GString has grown to a full command, writing the
 * rest allocates nothing. */
static void
test_build_dload_hex_reuses_buffer (void)
{
  static const guint64 package_size = 1024 * 1024;
  guint8 chunk[ONEMO_AT_HEX_CHUNK];
  g_autoptr (GString) command = g_string_new (NULL);
  const char *storage;
  gsize allocated;

  memset (chunk, 0xa5, sizeof chunk);
  onemo_at_build_dload_hex (command, package_size - ONEMO_AT_HEX_CHUNK, chunk, sizeof chunk);
  storage = command->str;
  allocated = command->allocated_len;
  for (guint64 offset = 0; offset < package_size; offset += ONEMO_AT_HEX_CHUNK) {
    onemo_at_build_dload_hex (command, offset, chunk, sizeof chunk);
    g_assert_true (command->str == storage);
    g_assert_cmpuint (command->allocated_len, ==, allocated);
  }
  g_assert_true (g_str_has_prefix (command->str, "AT+MFWDLOAD=1048064,512,\"A5A5"));
}

/* Lengths outside 1..512 are programming errors: a critical, and the GString untouched. */
static void
test_build_dload_hex_bad_length (void)
{
  if (g_test_subprocess ()) {
    static guint8 data[ONEMO_AT_HEX_CHUNK + 1];
    g_autoptr (GString) command = g_string_new (NULL);
    onemo_at_build_dload_hex (command, 0, data, sizeof data);
    return;
  }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CRITICAL*len*");
}

static void
test_build_dload_hex_zero_length (void)
{
  if (g_test_subprocess ()) {
    static const guint8 data[1];
    g_autoptr (GString) command = g_string_new (NULL);
    onemo_at_build_dload_hex (command, 0, data, 0);
    return;
  }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CRITICAL*len*");
}

static void
test_hex_ceiling (void)
{
  /* 512 payload bytes in "AT+MFWDLOAD=" + offset + ",512,\"" + 1024 digits + "\"" + CR. */
  g_assert_cmpfloat_with_epsilon (onemo_at_hex_ceiling (0), 512.0 / (12 + 1 + 6 + 1024 + 1 + 1),
                                  1e-12);
  g_assert_cmpfloat_with_epsilon (onemo_at_hex_ceiling (512), 512.0 / 1047.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (onemo_at_hex_ceiling (1048064), 512.0 / 1051.0, 1e-12);
  g_assert_cmpfloat (onemo_at_hex_ceiling (0), <, 0.5);
  g_assert_cmpfloat (onemo_at_hex_ceiling (0), >, onemo_at_hex_ceiling (1048064));

  /* It agrees with the builder's own output plus its CR. */
  {
    guint8 chunk[ONEMO_AT_HEX_CHUNK] = { 0 };
    g_autoptr (GString) command = g_string_new (NULL);
    onemo_at_build_dload_hex (command, 123456, chunk, sizeof chunk);
    g_assert_cmpfloat_with_epsilon (onemo_at_hex_ceiling (123456),
                                    (double)ONEMO_AT_HEX_CHUNK / (double)(command->len + 1), 1e-12);
  }
}

/* ---- Hex decoding ---- */

static void
test_hex_decode (void)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();
  static const guint8 expected[] = { 0x01, 0xab, 0xcd, 0xef };

  g_byte_array_append (out, (const guint8 *)"junk", 4);
  g_assert_true (onemo_at_hex_decode ("01aBcDEF", out));
  g_assert_cmpmem (out->data, out->len, expected, sizeof expected);
  g_assert_true (onemo_at_hex_decode ("", out));
  g_assert_cmpuint (out->len, ==, 0);
  g_assert_true (onemo_at_hex_decode ("7374", out));
  g_assert_cmpmem (out->data, out->len, "st", 2);

  g_assert_false (onemo_at_hex_decode ("0", out));
  g_assert_cmpuint (out->len, ==, 0);
  g_assert_false (onemo_at_hex_decode ("012", out));
  g_assert_false (onemo_at_hex_decode ("0G", out));
  g_assert_false (onemo_at_hex_decode ("G0", out));
  g_assert_false (onemo_at_hex_decode (" 01", out));
  g_assert_false (onemo_at_hex_decode ("0x01", out));
  g_assert_false (onemo_at_hex_decode ("\"01\"", out));
  g_assert_false (onemo_at_hex_decode ("01\r\n", out));
  g_assert_cmpuint (out->len, ==, 0);
}

/* ---- The module's side: command lines ---- */

typedef struct {
  const char *line;
  const char *name; /* NULL: must fail */
  OnemoAtForm form;
  const char *args; /* SET only: each argument, ',' joined, a quoted one in quotes */
} CommandCase;

static const CommandCase command_cases[] = {
  { "AT", "", ONEMO_AT_FORM_EXECUTE },
  { "at", "", ONEMO_AT_FORM_EXECUTE },
  { "ATI", "I", ONEMO_AT_FORM_EXECUTE },
  { "ati", "I", ONEMO_AT_FORM_EXECUTE },
  { "ATE0", "E0", ONEMO_AT_FORM_EXECUTE },
  { "ATE1", "E1", ONEMO_AT_FORM_EXECUTE },
  { "AT&F", "&F", ONEMO_AT_FORM_EXECUTE },
  { "AT+CMEE=2", "+CMEE", ONEMO_AT_FORM_SET, "2" },
  { "AT+CGMM", "+CGMM", ONEMO_AT_FORM_EXECUTE },
  { "at+cgmr", "+CGMR", ONEMO_AT_FORM_EXECUTE },
  { "AT+MFWCFG=\"url\",\"http://a/b\"", "+MFWCFG", ONEMO_AT_FORM_SET, "\"url\",\"http://a/b\"" },
  { "AT+MFWCFG=\"url\"", "+MFWCFG", ONEMO_AT_FORM_SET, "\"url\"" },
  { "AT+MFWCFG=\"url\", \"http://a/b\"", "+MFWCFG", ONEMO_AT_FORM_SET, "\"url\",\"http://a/b\"" },
  { "AT+MFWCFG=\"auth\",\"user\",\"pa,ss\"", "+MFWCFG", ONEMO_AT_FORM_SET,
    "\"auth\",\"user\",\"pa,ss\"" },
  { "AT+MFWCFG=\"timeout\",60", "+MFWCFG", ONEMO_AT_FORM_SET, "\"timeout\",60" },
  { "AT+MFWCFG=\"auth\",\"\",\"\"", "+MFWCFG", ONEMO_AT_FORM_SET, "\"auth\",\"\",\"\"" },
  { "AT+MFWCFG=?", "+MFWCFG", ONEMO_AT_FORM_TEST },
  { "AT+MFWDLOAD=0,512,\"0A0B\"", "+MFWDLOAD", ONEMO_AT_FORM_SET, "0,512,\"0A0B\"" },
  { "AT+MFWDLOAD=0,1,\"01\"", "+MFWDLOAD", ONEMO_AT_FORM_SET, "0,1,\"01\"" },
  /* The manual prints the hex unquoted. */
  { "AT+MFWDLOAD=0,512,7374617231", "+MFWDLOAD", ONEMO_AT_FORM_SET, "0,512,7374617231" },
  { "AT+MFWDLOAD=0,80362", "+MFWDLOAD", ONEMO_AT_FORM_SET, "0,80362" },
  { "AT+MFWDLOAD", "+MFWDLOAD", ONEMO_AT_FORM_EXECUTE },
  { "AT+MFWDLOAD?", "+MFWDLOAD", ONEMO_AT_FORM_READ },
  { "AT+MFWCHECK=?", "+MFWCHECK", ONEMO_AT_FORM_TEST },
  { "AT+MFWCHECK=0", "+MFWCHECK", ONEMO_AT_FORM_SET, "0" },
  { "AT+MFWUPGRADE", "+MFWUPGRADE", ONEMO_AT_FORM_EXECUTE },
  { "AT+MFWERASE", "+MFWERASE", ONEMO_AT_FORM_EXECUTE },
  { "AT+mfwErase", "+MFWERASE", ONEMO_AT_FORM_EXECUTE },
  /* Empty arguments. */
  { "AT+X=1,,2", "+X", ONEMO_AT_FORM_SET, "1,,2" },
  { "AT+X=", "+X", ONEMO_AT_FORM_SET, "" },
  { "AT+X=,", "+X", ONEMO_AT_FORM_SET, "," },
  { "AT+X= 1 , 2 ", "+X", ONEMO_AT_FORM_SET, "1,2" },
  /* Malformed. */
  { "" },
  { "A" },
  { "T" },
  { "XT+MFWCFG?" },
  { "+MFWCFG?" },
  { " AT" },
  { "AT+" },
  { "AT+=1" },
  { "AT+MFWCFG=\"url" },
  { "AT+MFWCFG=\"url\",\"http://a/b" },
  { "AT+MFWCFG=\"url\"x" },
  { "AT+MFWCFG=u\"rl\"" },
  { "AT+MFWCFG?x" },
  { "AT+MFWCFG=??" },
  { "AT+MFW CFG" },
  { "AT+MFWCFG\r" },
  { "AT+MFWCFG=\"url\",\"a\nb\"" },
  { "AT+MFWCFG=\"url\",\"a\x01"
    "b\"" },
  { "ATI\x7f" },
  { "AT I" },
  { "AT$%" },
};

static char *
join_args (const OnemoAtCommandLine *command)
{
  g_autoptr (GString) joined = g_string_new (NULL);

  for (guint i = 0; onemo_at_command_line_arg (command, i) != NULL; i++) {
    const OnemoAtArg *arg = onemo_at_command_line_arg (command, i);
    if (i > 0)
      g_string_append_c (joined, ',');
    if (arg->quoted)
      g_string_append_printf (joined, "\"%s\"", arg->text);
    else
      g_string_append (joined, arg->text);
  }
  return g_string_free (g_steal_pointer (&joined), FALSE);
}

static void
test_command_line_parse (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (command_cases); i++) {
    const CommandCase *c = &command_cases[i];
    g_autoptr (GError) error = NULL;
    g_autoptr (OnemoAtCommandLine) command = onemo_at_command_line_parse (c->line, &error);

    g_test_message ("%s", c->line);
    if (c->name == NULL) {
      g_assert_error (error, ONEMO_ERROR, ONEMO_ERROR_PROTOCOL);
      g_assert_null (command);
      continue;
    }
    g_assert_no_error (error);
    g_assert_nonnull (command);
    g_assert_cmpstr (command->name, ==, c->name);
    g_assert_cmpint (command->form, ==, c->form);
    if (c->form == ONEMO_AT_FORM_SET) {
      g_autofree char *joined = join_args (command);
      g_assert_nonnull (command->args);
      g_assert_cmpstr (joined, ==, c->args);
    } else {
      g_assert_null (onemo_at_command_line_arg (command, 0));
    }
  }
}

static void
test_command_line_arg_number (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OnemoAtCommandLine) command = onemo_at_command_line_parse (
      "AT+X=0,512,\"7\",-5,9223372036854775807,9223372036854775808,-9223372036854775808,,1x,+3,"
      "99999999999999999999",
      &error);
  gint64 value = 42;

  g_assert_no_error (error);
  g_assert_true (onemo_at_command_line_arg_number (command, 0, 0, 100, &value));
  g_assert_cmpint (value, ==, 0);
  g_assert_true (onemo_at_command_line_arg_number (command, 1, 1, ONEMO_AT_HEX_CHUNK, &value));
  g_assert_cmpint (value, ==, 512);
  g_assert_false (onemo_at_command_line_arg_number (command, 1, 1, 511, &value));
  g_assert_false (onemo_at_command_line_arg_number (command, 1, 513, 1000, &value));
  /* A quoted argument is a string, not a number. */
  g_assert_false (onemo_at_command_line_arg_number (command, 2, 0, 100, &value));
  g_assert_true (onemo_at_command_line_arg_number (command, 3, -10, 10, &value));
  g_assert_cmpint (value, ==, -5);
  g_assert_false (onemo_at_command_line_arg_number (command, 3, 0, 10, &value));
  g_assert_true (onemo_at_command_line_arg_number (command, 4, 0, G_MAXINT64, &value));
  g_assert_cmpint (value, ==, G_MAXINT64);
  g_assert_false (onemo_at_command_line_arg_number (command, 5, G_MININT64, G_MAXINT64, &value));
  g_assert_true (onemo_at_command_line_arg_number (command, 6, G_MININT64, 0, &value));
  g_assert_cmpint (value, ==, G_MININT64);
  g_assert_false (onemo_at_command_line_arg_number (command, 7, G_MININT64, G_MAXINT64, &value));
  g_assert_false (onemo_at_command_line_arg_number (command, 8, G_MININT64, G_MAXINT64, &value));
  g_assert_false (onemo_at_command_line_arg_number (command, 9, G_MININT64, G_MAXINT64, &value));
  g_assert_false (onemo_at_command_line_arg_number (command, 10, G_MININT64, G_MAXINT64, &value));
  g_assert_false (onemo_at_command_line_arg_number (command, 11, G_MININT64, G_MAXINT64, &value));
  g_assert_cmpint (value, ==, G_MININT64); /* untouched by the failures */
  g_assert_null (onemo_at_command_line_arg (command, 11));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/at-command/string-validate", test_string_validate);
  g_test_add_func ("/at-command/string-validate/null", test_string_validate_null);
  g_test_add_func ("/at-command/string-validate/nul", test_string_validate_nul);
  g_test_add_func ("/at-command/string-validate/lengths", test_string_validate_lengths);
  g_test_add_func ("/at-command/cfg-number-validate", test_cfg_number_validate);
  g_test_add_func ("/at-command/url-scheme", test_url_scheme);
  g_test_add_func ("/at-command/builders", test_builders);
  g_test_add_func ("/at-command/build-dload-hex", test_build_dload_hex);
  g_test_add_func ("/at-command/build-dload-hex/reuses-buffer", test_build_dload_hex_reuses_buffer);
  g_test_add_func ("/at-command/build-dload-hex/bad-length", test_build_dload_hex_bad_length);
  g_test_add_func ("/at-command/build-dload-hex/zero-length", test_build_dload_hex_zero_length);
  g_test_add_func ("/at-command/hex-ceiling", test_hex_ceiling);
  g_test_add_func ("/at-command/hex-decode", test_hex_decode);
  g_test_add_func ("/at-command/command-line/parse", test_command_line_parse);
  g_test_add_func ("/at-command/command-line/arg-number", test_command_line_arg_number);

  return g_test_run ();
}
