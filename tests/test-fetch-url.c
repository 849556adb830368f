/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The host-side fetch's checks before any connection: which URLs it takes, and how error texts
 * lose credentials. Pure, table-driven. */
#include "onemo-error.h"
#include "onemo-fetch-url.h"

#include <string.h>

static void
test_validate_url (void)
{
  static const struct {
    const char *url;
    gboolean valid;
  } cases[] = {
    { "http://example.com/pkg.bin", TRUE },
    { "https://example.com:8443/a/b.bin?x=1&y=2#frag", TRUE },
    { "ftp://127.0.0.1/pkg.bin", TRUE },
    { "ftps://127.0.0.1:2121/dir/pkg.bin", TRUE },
    { "HTTP://EXAMPLE.COM/PKG.BIN", TRUE },
    { "Https://example.com/", TRUE },
    { "FTP://h/p", TRUE },
    { "FtPs://h/p", TRUE },
    { "http://[::1]:8080/pkg%20name.bin", TRUE },
    { "http://example.com", TRUE },
    { "http://example.com/", TRUE },
    { "http://example.com/download?id=5", TRUE },
    { "ftp://example.com/dir/pkg.bin;type=i", TRUE },
    { "ftp://example.com/", FALSE },
    { "ftp://example.com", FALSE },
    { "FTPS://example.com/dir/", FALSE },
    { "file:///etc/shadow", FALSE },
    { "FILE:///etc/shadow", FALSE },
    { "file://localhost/etc/passwd", FALSE },
    { "data:text/plain,hello", FALSE },
    { "gopher://example.com/1", FALSE },
    { "scp://example.com/pkg.bin", FALSE },
    { "sftp://example.com/pkg.bin", FALSE },
    { "dict://example.com/d:word", FALSE },
    { "httpx://example.com/", FALSE },
    { "example.com/pkg.bin", FALSE },
    { "/pkg.bin", FALSE },
    { "//example.com/pkg.bin", FALSE },
    { "", FALSE },
    { "http://", FALSE },
    { "http:///pkg.bin", FALSE },
    { "http:example.com/pkg.bin", FALSE },
    { "http://:80/pkg.bin", FALSE },
    { "http://example.com:99999/pkg.bin", FALSE },
    { "http://example.com/\"pkg\".bin", FALSE },
    { "http://example.com/pkg.bin\r\nHost: evil", FALSE },
    { "http://example.com/pkg\n.bin", FALSE },
    { "http://example.com/pkg\t.bin", FALSE },
    { "http://example.com/pkg\x01.bin", FALSE },
    { "http://example.com/pkg\x7f.bin", FALSE },
    { "http://example.com/pkg bin", FALSE },
    { "http://example.com/p\xc3\xa4"
      "ckage.bin",
      FALSE },
    { "http://\xe4\xbe\x8b\xe5\xad\x90.cn/pkg.bin", FALSE },
    { "http://example.com/<pkg>.bin", FALSE },
    { "http://example.com/{pkg}|\\^`.bin", FALSE },
    { "http://user:pass@example.com/pkg.bin", FALSE },
    { "ftp://user@example.com/pkg.bin", FALSE },
    { "http://@example.com/pkg.bin", FALSE },
    { "HTTPS://u:p@EXAMPLE.COM/", FALSE },
  };

  g_assert_false (onemo_fetch_validate_url (NULL, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GError) error = NULL;
    gboolean valid = onemo_fetch_validate_url (cases[i].url, &error);
    g_autofree char *printable = g_strescape (cases[i].url, NULL);

    g_test_message ("%s", printable);
    g_assert_cmpint (valid, ==, cases[i].valid);
    if (valid)
      g_assert_no_error (error);
    else
      g_assert_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT);
  }
}

/* Exactly at the limit, and one byte over. */
static void
test_validate_url_length (void)
{
  g_autofree char *longest = NULL;
  g_autofree char *too_long = NULL;
  gsize prefix = strlen ("http://example.com/");

  longest = g_strnfill (ONEMO_FETCH_MAX_URL_LENGTH, 'a');
  memcpy (longest, "http://example.com/", prefix);
  g_assert_true (onemo_fetch_validate_url (longest, NULL));
  too_long = g_strconcat (longest, "a", NULL);
  g_assert_false (onemo_fetch_validate_url (too_long, NULL));
}

/* Error texts lose the user part of every URL, and the password wherever it appears. */
static void
test_redact (void)
{
  static const struct {
    const char *text;
    const char *secret;
    const char *expected;
  } cases[] = {
    { "no URL here\n", NULL, "no URL here" },
    { "Could not resolve: http://user:pw@example.com/x", NULL,
      "Could not resolve: http://example.com/x" },
    { "ftp://a@b@c:21/d and HTTPS://x:y@z?q then http://host/path@x", NULL,
      "ftp://c:21/d and HTTPS://z?q then http://host/path@x" },
    { "\"http://u:p@h\" 'ftps://u@h'", NULL, "\"http://h\" 'ftps://h'" },
    { "login s3cret failed (s3cret)", "s3cret", "login (hidden) failed ((hidden))" },
    { "http://u:s3cret@h/", "s3cret", "http://h/" },
    { "trailing ://", "", "trailing ://" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *redacted = onemo_fetch_redact (cases[i].text, cases[i].secret);

    g_assert_cmpstr (redacted, ==, cases[i].expected);
  }
}

/* The CA bundle is bytes of PEM text, within the cap; the helper reads it from memory. */
static void
test_validate_ca (void)
{
  g_autofree char *at_cap_text = g_strnfill (ONEMO_FETCH_MAX_CA_SIZE, 'A');
  g_autofree char *over_text = g_strnfill (ONEMO_FETCH_MAX_CA_SIZE + 1, 'A');
  g_autoptr (GBytes) pem = g_bytes_new_static ("-----BEGIN CERTIFICATE-----\n", 28);
  g_autoptr (GBytes) at_cap = g_bytes_new (at_cap_text, ONEMO_FETCH_MAX_CA_SIZE);
  g_autoptr (GBytes) over_cap = g_bytes_new (over_text, ONEMO_FETCH_MAX_CA_SIZE + 1);
  g_autoptr (GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr (GBytes) nul = g_bytes_new_static ("PEM\0", 4);
  GBytes *refused[] = { over_cap, empty, nul };

  g_assert_true (onemo_fetch_validate_ca (NULL, NULL));
  g_assert_true (onemo_fetch_validate_ca (pem, NULL));
  g_assert_true (onemo_fetch_validate_ca (at_cap, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++) {
    g_autoptr (GError) error = NULL;

    g_assert_false (onemo_fetch_validate_ca (refused[i], &error));
    g_assert_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT);
  }
}

/* Which URLs start under TLS, and so may only be redirected to https. */
static void
test_url_is_tls (void)
{
  g_assert_true (onemo_fetch_url_is_tls ("https://h/p"));
  g_assert_true (onemo_fetch_url_is_tls ("HTTPS://h/p"));
  g_assert_true (onemo_fetch_url_is_tls ("ftps://h/p"));
  g_assert_true (onemo_fetch_url_is_tls ("FtPs://h/p"));
  g_assert_false (onemo_fetch_url_is_tls ("http://h/p"));
  g_assert_false (onemo_fetch_url_is_tls ("ftp://h/p"));
  g_assert_false (onemo_fetch_url_is_tls ("httpsx://h/p"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fetch/url/validate", test_validate_url);
  g_test_add_func ("/fetch/url/validate-length", test_validate_url_length);
  g_test_add_func ("/fetch/redact", test_redact);
  g_test_add_func ("/fetch/ca/validate", test_validate_ca);
  g_test_add_func ("/fetch/url/is-tls", test_url_is_tls);
  return g_test_run ();
}
