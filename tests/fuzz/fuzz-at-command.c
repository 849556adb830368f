/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command side, fuzzed: the module's command-line parser, the hex decoder and the string
 * validators. Two round trips are checked as well: whatever the validator lets into a builder
 * reads back, argument for argument, through the command-line parser; and a hex write decodes
 * back to the bytes it was built from.
 */
#include "onemo-at-command.h"
#include "onemo-error.h"
#include "fuzz-require.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
fuzz_command_line (const char *text)
{
  GError *error = NULL;
  OnemoAtCommandLine *command = onemo_at_command_line_parse (text, &error);
  GByteArray *bytes = g_byte_array_new ();

  require ((command == NULL) == (error != NULL));
  if (command == NULL) {
    require (g_error_matches (error, ONEMO_ERROR, ONEMO_ERROR_PROTOCOL));
    g_clear_error (&error);
    g_byte_array_unref (bytes);
    return;
  }
  require (command->name != NULL);
  require ((command->form == ONEMO_AT_FORM_SET) == (command->args != NULL));
  for (guint i = 0; onemo_at_command_line_arg (command, i) != NULL; i++) {
    const OnemoAtArg *arg = onemo_at_command_line_arg (command, i);
    gint64 value = 0;

    if (onemo_at_command_line_arg_number (command, i, -1000, 1000, &value))
      require (value >= -1000 && value <= 1000);
    onemo_at_command_line_arg_number (command, i, G_MININT64, G_MAXINT64, &value);
    onemo_at_hex_decode (arg->text, bytes);
  }
  g_byte_array_unref (bytes);
  onemo_at_command_line_free (command);
}

/* A built command reads back with @expected as its quoted arguments after the first. */
static void
require_round_trip (char *built, const char *key, const char *const *expected)
{
  OnemoAtCommandLine *command = onemo_at_command_line_parse (built, NULL);
  const OnemoAtArg *arg;

  require (command != NULL && strcmp (command->name, "+MFWCFG") == 0);
  arg = onemo_at_command_line_arg (command, 0);
  require (arg != NULL && arg->quoted && strcmp (arg->text, key) == 0);
  for (guint i = 0; expected[i] != NULL; i++) {
    arg = onemo_at_command_line_arg (command, i + 1);
    require (arg != NULL && arg->quoted && strcmp (arg->text, expected[i]) == 0);
  }
  onemo_at_command_line_free (command);
  g_free (built);
}

static const char *const numeric_keys[] = { "timeout", "mode", "progind", "ssl", "pkgsize" };

static void
fuzz_validators (const char *text)
{
  GError *error = NULL;
  gint64 number;

  if (onemo_at_string_validate ("url", text, ONEMO_AT_URL_MAX, &error)) {
    const char *values[] = { text, NULL };
    const char *scheme = onemo_at_url_scheme (text);

    require (scheme == NULL || g_ascii_strncasecmp (text, scheme, strlen (scheme)) == 0);
    require_round_trip (onemo_at_build_cfg_url (text), "url", values);
  } else {
    require (g_error_matches (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT));
    g_clear_error (&error);
  }

  if (onemo_at_string_validate ("user", text, ONEMO_AT_AUTH_MAX, NULL)) {
    const char *values[] = { text, text, NULL };
    require_round_trip (onemo_at_build_cfg_auth (text, text), "auth", values);
  }

  /* The numeric settings, with a number taken from the text. */
  number = g_ascii_strtoll (text, NULL, 10);
  for (guint i = 0; i < G_N_ELEMENTS (numeric_keys); i++) {
    if (!onemo_at_cfg_number_validate (numeric_keys[i], number, &error)) {
      require (g_error_matches (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT));
      g_clear_error (&error);
    }
  }
}

static void
fuzz_hex_write (const uint8_t *data, size_t size)
{
  GString *command = g_string_new (NULL);
  GByteArray *decoded = g_byte_array_new ();
  gsize len = MIN (size, ONEMO_AT_HEX_CHUNK);
  guint64 offset = size;
  OnemoAtCommandLine *line;
  const OnemoAtArg *hex;
  gint64 parsed_len = 0;

  onemo_at_build_dload_hex (command, offset, data, len);
  require (strlen (command->str) == command->len);
  line = onemo_at_command_line_parse (command->str, NULL);
  require (line != NULL && line->form == ONEMO_AT_FORM_SET);
  require (onemo_at_command_line_arg_number (line, 1, 1, ONEMO_AT_HEX_CHUNK, &parsed_len));
  require ((gsize)parsed_len == len);
  hex = onemo_at_command_line_arg (line, 2);
  require (hex != NULL && hex->quoted && onemo_at_hex_decode (hex->text, decoded));
  require (decoded->len == len && memcmp (decoded->data, data, len) == 0);

  onemo_at_command_line_free (line);
  g_byte_array_unref (decoded);
  g_string_free (command, TRUE);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  /* The text stops at a NUL, as any C string the daemon or the simulator holds would. */
  char *text = g_strndup ((const char *)data, size);
  GByteArray *bytes = g_byte_array_new ();

  fuzz_command_line (text);
  fuzz_validators (text);
  onemo_at_hex_decode (text, bytes);
  if (size > 0)
    fuzz_hex_write (data, size);

  g_byte_array_unref (bytes);
  g_free (text);
  return 0;
}
