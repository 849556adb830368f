/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The simulator's package format (docs/package-format.md): make, validate, every rejection. */
#include "onemo-error.h"
#include "sim-package.h"

#include <string.h>

/* Offsets from docs/package-format.md: the tests check the documented layout, not the code's. */
#define OFFSET_VERSION       8
#define OFFSET_FLAGS         10
#define OFFSET_RESERVED      12
#define OFFSET_BODY_LENGTH   16
#define OFFSET_SERIES        24
#define OFFSET_REVISION      40
#define OFFSET_BASE_REVISION 72
#define OFFSET_DIGEST        104
#define HEADER_LENGTH        136

static GByteArray *
make_package (const char *series, const char *revision, const char *base, gboolean differential,
              gsize body_length)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes
      = sim_package_make (series, revision, base, differential, body_length, &error);

  g_assert_no_error (error);
  g_assert_nonnull (bytes);
  return g_bytes_unref_to_array (g_steal_pointer (&bytes));
}

/* Validates @package as an ML307A on ML307A-DSLN-MBRH0S00 and expects 854 naming @reason. */
static void
assert_rejected (GByteArray *package, const char *reason)
{
  g_autoptr (GError) error = NULL;
  SimPackageInfo info = { 0 };

  g_assert_false (sim_package_validate (package->data, package->len, "ML307A",
                                        "ML307A-DSLN-MBRH0S00", &info, &error));
  g_assert_error (error, ONEMO_ERROR, ONEMO_ERROR_UPGRADE);
  if (strstr (error->message, reason) == NULL)
    g_error ("\"%s\" does not name \"%s\"", error->message, reason);
  g_assert_null (info.series);
  g_assert_null (info.revision);
}

static void
test_round_trip (void)
{
  g_autoptr (GByteArray) package
      = make_package ("ML307A", "ML307A-DSLN-MBRH0S01", NULL, FALSE, 5000);
  g_autoptr (GError) error = NULL;
  SimPackageInfo info = { 0 };

  g_assert_cmpuint (package->len, ==, HEADER_LENGTH + 5000);
  g_assert_cmpmem (package->data, 8, "ONEMOPKG", 8);
  g_assert_cmpuint (package->data[OFFSET_VERSION], ==, 1);
  g_assert_cmpuint (package->data[OFFSET_BODY_LENGTH], ==, 5000 & 0xff);
  g_assert_cmpuint (package->data[OFFSET_BODY_LENGTH + 1], ==, 5000 >> 8);

  g_assert_true (
      sim_package_validate (package->data, package->len, "ML307A", "whatever", &info, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (info.series, ==, "ML307A");
  g_assert_cmpstr (info.revision, ==, "ML307A-DSLN-MBRH0S01");
  g_assert_null (info.base_revision);
  g_assert_false (info.differential);
  g_assert_cmpuint (info.body_length, ==, 5000);
  sim_package_info_clear (&info);
  g_assert_null (info.series);

  /* No info wanted is fine too; an empty body is a valid package. */
  g_assert_true (sim_package_validate (package->data, package->len, "ml307a", NULL, NULL, NULL));
  g_clear_pointer (&package, g_byte_array_unref);
  package = make_package ("MN316", "MN316-DBRS-MBRH0C01", NULL, FALSE, 0);
  g_assert_cmpuint (package->len, ==, HEADER_LENGTH);
  g_assert_true (sim_package_validate (package->data, package->len, "MN316", NULL, NULL, NULL));
}

static void
test_deterministic (void)
{
  g_autoptr (GByteArray) a = make_package ("ML302S", "R2", "R1", TRUE, 4099);
  g_autoptr (GByteArray) b = make_package ("ML302S", "R2", "R1", TRUE, 4099);
  g_autoptr (GByteArray) other = make_package ("ML302S", "R3", "R1", TRUE, 4099);
  static const guint8 first_bytes[] = { 0xcb, 0x5c, 0xe2, 0xb1, 0x11, 0xc8, 0xeb, 0xff,
                                        0x89, 0xcc, 0xc9, 0xb5, 0x98, 0x4d, 0x40, 0x42 };

  g_assert_cmpmem (a->data, a->len, b->data, b->len);
  g_assert_cmpint (memcmp (a->data + HEADER_LENGTH, other->data + HEADER_LENGTH, 4099), !=, 0);
  /* The example in docs/package-format.md: generator and documentation must not drift apart. */
  g_assert_cmpmem (a->data + HEADER_LENGTH, 16, first_bytes, 16);
}

static void
test_differential (void)
{
  g_autoptr (GByteArray) package
      = make_package ("ML307A", "ML307A-DSLN-MBRH0S01", "ML307A-DSLN-MBRH0S00", TRUE, 100);
  g_autoptr (GByteArray) any_base = make_package ("ML307A", "R9", NULL, TRUE, 100);
  g_autoptr (GByteArray) full = make_package ("ML307A", "R9", "R0", FALSE, 100);
  g_autoptr (GError) error = NULL;
  SimPackageInfo info = { 0 };

  g_assert_true (sim_package_validate (package->data, package->len, "ML307A",
                                       "ML307A-DSLN-MBRH0S00", &info, &error));
  g_assert_no_error (error);
  g_assert_true (info.differential);
  g_assert_cmpstr (info.base_revision, ==, "ML307A-DSLN-MBRH0S00");
  sim_package_info_clear (&info);

  g_assert_false (sim_package_validate (package->data, package->len, "ML307A",
                                        "ML307A-DSLN-MBRH0S02", NULL, &error));
  g_assert_error (error, ONEMO_ERROR, ONEMO_ERROR_UPGRADE);
  g_assert_nonnull (strstr (error->message, "differential from ML307A-DSLN-MBRH0S00"));
  g_clear_error (&error);
  g_assert_false (sim_package_validate (package->data, package->len, "ML307A", NULL, NULL, &error));
  g_assert_error (error, ONEMO_ERROR, ONEMO_ERROR_UPGRADE);

  /* No base revision: applies to any; a full package's base revision is not checked. */
  g_assert_true (sim_package_validate (any_base->data, any_base->len, "ML307A", "X", NULL, NULL));
  g_assert_true (sim_package_validate (full->data, full->len, "ML307A", "X", &info, NULL));
  g_assert_false (info.differential);
  g_assert_cmpstr (info.base_revision, ==, "R0");
  sim_package_info_clear (&info);
}

static void
test_reject_size (void)
{
  g_autoptr (GByteArray) package = make_package ("ML307A", "R1", NULL, FALSE, 300);
  g_autoptr (GError) error = NULL;

  g_assert_false (sim_package_validate (NULL, 0, "ML307A", NULL, NULL, &error));
  g_assert_error (error, ONEMO_ERROR, ONEMO_ERROR_UPGRADE);
  g_assert_nonnull (strstr (error->message, "short header"));
  g_byte_array_set_size (package, HEADER_LENGTH + 300 + 1);
  assert_rejected (package, "1 trailing bytes");
  g_byte_array_set_size (package, HEADER_LENGTH + 299);
  assert_rejected (package, "truncated");
  g_byte_array_set_size (package, HEADER_LENGTH - 1);
  assert_rejected (package, "short header");
}

static void
test_reject_header (void)
{
  struct {
    guint offset;
    guint8 value;
    const char *reason;
  } cases[] = {
    { 0, 'X', "bad magic" },
    { OFFSET_VERSION, 2, "format version 2" },
    { OFFSET_VERSION + 1, 1, "format version 257" },
    { OFFSET_FLAGS, 0x02, "unknown flags 0x0002" },
    { OFFSET_FLAGS + 1, 0x80, "unknown flags" },
    { OFFSET_RESERVED + 3, 1, "reserved" },
    { OFFSET_SERIES, 0, "malformed series" },        /* empty series */
    { OFFSET_SERIES + 1, 0x07, "malformed series" }, /* not printable */
    { OFFSET_SERIES + 10, 'Z', "malformed series" }, /* garbage after the NUL */
    { OFFSET_REVISION, 0, "malformed revision" },
    { OFFSET_REVISION + 1, 0xc3, "malformed revision" },
    { OFFSET_BASE_REVISION + 31, 'A', "malformed base revision" },
    { OFFSET_BODY_LENGTH, 0x2d, "truncated" }, /* 301 declared, 300 present */
    { OFFSET_BODY_LENGTH + 7, 0x01, "truncated" },
    { OFFSET_BODY_LENGTH, 0x2b, "1 trailing bytes" },
    { OFFSET_DIGEST + 5, 0x00, "digest mismatch" },
    { HEADER_LENGTH + 123, 0x00, "digest mismatch" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GByteArray) package = make_package ("ML307A", "R1", NULL, TRUE, 300);

    g_test_message ("case %u: offset %u", i, cases[i].offset);
    /* Make sure the tampered byte really changes (the digest and body are random). */
    if (package->data[cases[i].offset] == cases[i].value)
      package->data[cases[i].offset] ^= 0xff;
    else
      package->data[cases[i].offset] = cases[i].value;
    assert_rejected (package, cases[i].reason);
  }
}

static void
test_reject_unterminated_series (void)
{
  g_autoptr (GByteArray) package = make_package ("ML307A", "R1", NULL, FALSE, 10);

  memset (package->data + OFFSET_SERIES, 'M', 16);
  assert_rejected (package, "malformed series");
}

static void
test_reject_wrong_series (void)
{
  g_autoptr (GByteArray) package = make_package ("ML302A", "R1", NULL, FALSE, 10);

  assert_rejected (package, "made for ML302A, not ML307A");
}

static void
test_make_refuses (void)
{
  const char *bad[][2] = {
    { "", "R1" },
    { "ML307A", "" },
    { "ML307A-TOO-LONG-X", "R1" }, /* 17 characters: the field holds 15 and a NUL */
    { "ML307A", "tab\tinside" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autoptr (GError) error = NULL;
    g_autoptr (GBytes) package = sim_package_make (bad[i][0], bad[i][1], NULL, FALSE, 1, &error);

    g_assert_null (package);
    g_assert_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT);
  }
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GBytes) package
        = sim_package_make ("ML307A", "R1", "0123456789012345678901234567890123", TRUE, 1, &error);
    g_assert_null (package);
    g_assert_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT);
  }
  {
    /* The longest strings that fit do fit. */
    g_autoptr (GByteArray) package = make_package ("ML307A-XXXXXXXX",                 /* 15 */
                                                   "0123456789012345678901234567890", /* 31 */
                                                   "abcdefghijabcdefghijabcdefghija", TRUE, 1);
    g_assert_true (sim_package_validate (package->data, package->len, "ML307A-XXXXXXXX",
                                         "abcdefghijabcdefghijabcdefghija", NULL, NULL));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sim/package/round-trip", test_round_trip);
  g_test_add_func ("/sim/package/deterministic", test_deterministic);
  g_test_add_func ("/sim/package/differential", test_differential);
  g_test_add_func ("/sim/package/reject-size", test_reject_size);
  g_test_add_func ("/sim/package/reject-header", test_reject_header);
  g_test_add_func ("/sim/package/reject-unterminated-series", test_reject_unterminated_series);
  g_test_add_func ("/sim/package/reject-wrong-series", test_reject_wrong_series);
  g_test_add_func ("/sim/package/make-refuses", test_make_refuses);
  return g_test_run ();
}
