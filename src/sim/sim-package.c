/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The simulated firmware package, byte by byte as docs/package-format.md describes it. */
#include "sim-package.h"

#include "onemo-error.h"

#include <string.h>

#define PACKAGE_MAGIC        "ONEMOPKG"
#define PACKAGE_MAGIC_LENGTH 8
#define PACKAGE_VERSION      1
#define PACKAGE_FLAG_DIFF    0x0001u
#define PACKAGE_KNOWN_FLAGS  PACKAGE_FLAG_DIFF
#define DIGEST_LENGTH        32

/* Offsets and sizes of the fixed header. */
enum {
  OFFSET_MAGIC = 0,
  OFFSET_VERSION = 8,
  OFFSET_FLAGS = 10,
  OFFSET_RESERVED = 12,
  OFFSET_BODY_LENGTH = 16,
  OFFSET_SERIES = 24,
  SIZE_SERIES = 16,
  OFFSET_REVISION = 40,
  SIZE_REVISION = 32,
  OFFSET_BASE_REVISION = 72,
  SIZE_BASE_REVISION = 32,
  OFFSET_DIGEST = 104,
  HEADER_LENGTH = 136,
};

void
sim_package_info_clear (SimPackageInfo *info)
{
  g_clear_pointer (&info->series, g_free);
  g_clear_pointer (&info->revision, g_free);
  g_clear_pointer (&info->base_revision, g_free);
  info->differential = FALSE;
  info->body_length = 0;
}

static void
put_le16 (guint8 *at, guint16 value)
{
  at[0] = value & 0xff;
  at[1] = value >> 8;
}

static void
put_le64 (guint8 *at, guint64 value)
{
  for (guint i = 0; i < 8; i++)
    at[i] = (value >> (8 * i)) & 0xff;
}

static guint16
get_le16 (const guint8 *at)
{
  return (guint16)(at[0] | (at[1] << 8));
}

static guint32
get_le32 (const guint8 *at)
{
  return (guint32)at[0] | ((guint32)at[1] << 8) | ((guint32)at[2] << 16) | ((guint32)at[3] << 24);
}

static guint64
get_le64 (const guint8 *at)
{
  guint64 value = 0;

  for (guint i = 0; i < 8; i++)
    value |= (guint64)at[i] << (8 * i);
  return value;
}

static void
digest_of (const guint8 *data, gsize length, guint8 out[DIGEST_LENGTH])
{
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize out_length = DIGEST_LENGTH;

  g_checksum_update (checksum, data, length);
  g_checksum_get_digest (checksum, out, &out_length);
  g_assert (out_length == DIGEST_LENGTH);
}

/* A header string: printable ASCII, shorter than its field so at least one NUL ends it. */
static gboolean
string_fits (const char *text, gsize field_size)
{
  gsize length = strlen (text);

  if (length >= field_size)
    return FALSE;
  for (gsize i = 0; i < length; i++) {
    if (!g_ascii_isprint (text[i]))
      return FALSE;
  }
  return TRUE;
}

static gboolean
check_make_string (const char *what, const char *text, gsize field_size, GError **error)
{
  if (!string_fits (text, field_size)) {
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT,
                 "%s \"%s\" must be printable ASCII of at most %" G_GSIZE_FORMAT " characters",
                 what, text, field_size - 1);
    return FALSE;
  }
  return TRUE;
}

/* xorshift64*, seeded with the FNV-1a hash of the revision: same revision, same bytes. */
static void
fill_body (guint8 *body, gsize length, const char *revision)
{
  guint64 state = G_GUINT64_CONSTANT (0xcbf29ce484222325);

  for (const char *c = revision; *c != '\0'; c++) {
    state ^= (guint8)*c;
    state *= G_GUINT64_CONSTANT (0x100000001b3);
  }
  if (state == 0)
    state = 1;
  for (gsize i = 0; i < length; i += 8) {
    guint64 word;

    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    word = state * G_GUINT64_CONSTANT (0x2545f4914f6cdd1d);
    for (gsize j = 0; j < 8 && i + j < length; j++)
      body[i + j] = (word >> (8 * j)) & 0xff;
  }
}

GBytes *
sim_package_make (const char *series, const char *revision, const char *base_revision,
                  gboolean differential, gsize body_length, GError **error)
{
  guint8 *package;

  g_return_val_if_fail (series != NULL && revision != NULL, NULL);

  if (*series == '\0' || *revision == '\0') {
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT,
                 "a package needs a series and a new revision");
    return NULL;
  }
  if (!check_make_string ("series", series, SIZE_SERIES, error)
      || !check_make_string ("revision", revision, SIZE_REVISION, error)
      || (base_revision != NULL
          && !check_make_string ("base revision", base_revision, SIZE_BASE_REVISION, error)))
    return NULL;
  if (body_length > G_MAXSIZE - HEADER_LENGTH) {
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT, "package body too large");
    return NULL;
  }

  package = g_malloc0 (HEADER_LENGTH + body_length);
  memcpy (package + OFFSET_MAGIC, PACKAGE_MAGIC, PACKAGE_MAGIC_LENGTH);
  put_le16 (package + OFFSET_VERSION, PACKAGE_VERSION);
  put_le16 (package + OFFSET_FLAGS, differential ? PACKAGE_FLAG_DIFF : 0);
  put_le64 (package + OFFSET_BODY_LENGTH, body_length);
  memcpy (package + OFFSET_SERIES, series, strlen (series));
  memcpy (package + OFFSET_REVISION, revision, strlen (revision));
  if (base_revision != NULL)
    memcpy (package + OFFSET_BASE_REVISION, base_revision, strlen (base_revision));
  fill_body (package + HEADER_LENGTH, body_length, revision);
  digest_of (package + HEADER_LENGTH, body_length, package + OFFSET_DIGEST);
  return g_bytes_new_take (package, HEADER_LENGTH + body_length);
}

static gboolean reject (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
reject (GError **error, const char *format, ...)
{
  va_list args;
  g_autofree char *reason = NULL;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_UPGRADE, "package rejected: %s", reason);
  return FALSE;
}

/* Reads a NUL-padded field: printable up to the first NUL, zeros after it. */
static char *
read_string (const guint8 *field, gsize size)
{
  gsize length = 0;

  while (length < size && field[length] != '\0') {
    if (!g_ascii_isprint (field[length]))
      return NULL;
    length++;
  }
  if (length == size)
    return NULL;
  for (gsize i = length; i < size; i++) {
    if (field[i] != '\0')
      return NULL;
  }
  return g_strndup ((const char *)field, length);
}

static gboolean
read_strings (const guint8 *header, SimPackageInfo *info, GError **error)
{
  info->series = read_string (header + OFFSET_SERIES, SIZE_SERIES);
  if (info->series == NULL || *info->series == '\0')
    return reject (error, "malformed series field");
  info->revision = read_string (header + OFFSET_REVISION, SIZE_REVISION);
  if (info->revision == NULL || *info->revision == '\0')
    return reject (error, "malformed revision field");
  info->base_revision = read_string (header + OFFSET_BASE_REVISION, SIZE_BASE_REVISION);
  if (info->base_revision == NULL)
    return reject (error, "malformed base revision field");
  if (*info->base_revision == '\0')
    g_clear_pointer (&info->base_revision, g_free);
  return TRUE;
}

static gboolean
check_header (const guint8 *data, gsize length, SimPackageInfo *info, GError **error)
{
  guint16 version, flags;
  guint64 body_length;

  if (length < HEADER_LENGTH)
    return reject (error, "short header (%" G_GSIZE_FORMAT " of %d bytes)", length, HEADER_LENGTH);
  if (memcmp (data + OFFSET_MAGIC, PACKAGE_MAGIC, PACKAGE_MAGIC_LENGTH) != 0)
    return reject (error, "bad magic");
  version = get_le16 (data + OFFSET_VERSION);
  if (version != PACKAGE_VERSION)
    return reject (error, "unsupported format version %u", version);
  flags = get_le16 (data + OFFSET_FLAGS);
  if ((flags & ~PACKAGE_KNOWN_FLAGS) != 0 || get_le32 (data + OFFSET_RESERVED) != 0)
    return reject (error, "unknown flags 0x%04x or reserved bits set", flags);
  info->differential = (flags & PACKAGE_FLAG_DIFF) != 0;
  if (!read_strings (data, info, error))
    return FALSE;

  body_length = get_le64 (data + OFFSET_BODY_LENGTH);
  if (body_length > length - HEADER_LENGTH)
    return reject (error,
                   "truncated (body %" G_GUINT64_FORMAT " bytes, %" G_GSIZE_FORMAT " present)",
                   body_length, length - HEADER_LENGTH);
  if (body_length < length - HEADER_LENGTH)
    return reject (error, "%" G_GUINT64_FORMAT " trailing bytes after the body",
                   (guint64)(length - HEADER_LENGTH) - body_length);
  info->body_length = body_length;
  return TRUE;
}

gboolean
sim_package_validate (const guint8 *data, gsize length, const char *series,
                      const char *current_revision, SimPackageInfo *out_info, GError **error)
{
  SimPackageInfo info = { 0 };
  guint8 digest[DIGEST_LENGTH];

  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (series != NULL, FALSE);

  if (!check_header (data, length, &info, error))
    goto fail;
  digest_of (data + HEADER_LENGTH, info.body_length, digest);
  if (memcmp (digest, data + OFFSET_DIGEST, DIGEST_LENGTH) != 0) {
    reject (error, "body digest mismatch (corrupt)");
    goto fail;
  }
  if (g_ascii_strcasecmp (info.series, series) != 0) {
    reject (error, "made for %s, not %s", info.series, series);
    goto fail;
  }
  if (info.differential && info.base_revision != NULL
      && g_strcmp0 (info.base_revision, current_revision) != 0) {
    reject (error, "differential from %s, but the module runs %s", info.base_revision,
            current_revision ? current_revision : "an unknown revision");
    goto fail;
  }

  if (out_info != NULL)
    *out_info = info;
  else
    sim_package_info_clear (&info);
  return TRUE;

fail:
  sim_package_info_clear (&info);
  return FALSE;
}
