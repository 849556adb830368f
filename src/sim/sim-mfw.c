/* SPDX-License-Identifier: GPL-2.0-or-later */
/* AT+MFWCFG, AT+MFWDLOAD, AT+MFWCHECK and AT+MFWERASE as each sub-model answers them. */
#include "sim-modem-private.h"

#include "onemo-error.h"

#include <string.h>

#define RAW_SILENCE_SECONDS 10 /* a transparent write aborts when the host stops this long */
#define HEX_OFFSET_MAX      16777215
#define RAW_LENGTH_MAX      16777216

/* ---- AT+MFWCFG ---- */

static gboolean
cfg_key_supported (SimModem *self, const char *key)
{
  return onemo_model_supports_cfg_key (self->model, key);
}

static gint64 *
cfg_number (SimModem *self, const char *key)
{
  if (g_str_equal (key, "timeout"))
    return &self->timeout;
  if (g_str_equal (key, "mode"))
    return &self->mode;
  if (g_str_equal (key, "progind"))
    return &self->progind;
  if (g_str_equal (key, "ssl"))
    return &self->ssl;
  if (g_str_equal (key, "pkgsize"))
    return &self->pkgsize;
  return NULL;
}

static void
cfg_query (SimModem *self, const char *key)
{
  if (g_str_equal (key, "url"))
    sim_modem_reply_line (self, "+MFWCFG: \"url\",\"%s\"", self->url ? self->url : "");
  else if (g_str_equal (key, "auth"))
    sim_modem_reply_line (self, "+MFWCFG: \"auth\",\"%s\",\"%s\"", self->user ? self->user : "",
                          self->password ? self->password : "");
  else
    sim_modem_reply_line (self, "+MFWCFG: \"%s\",%" G_GINT64_FORMAT, key, *cfg_number (self, key));
}

gint
sim_modem_url_usable (SimModem *self, const char *url)
{
  OnemoFeature needs;

  if (!onemo_feature_for_url_scheme (onemo_at_url_scheme (url), &needs))
    return 852;
  return onemo_model_supports (self->model, needs) ? 0 : 852;
}

/* Sets one key; returns 0 or the CME code. */
static gint
cfg_set (SimModem *self, const char *key, const OnemoAtCommandLine *cmd)
{
  guint n_args = cmd->args->len;
  gint64 value;

  if (g_str_equal (key, "url")) {
    const char *url = onemo_at_command_line_arg (cmd, 1)->text;
    gint code;
    if (n_args != 2 || url[0] == '\0' || strlen (url) > ONEMO_AT_URL_MAX)
      return 851;
    if ((code = sim_modem_url_usable (self, url)) != 0)
      return code;
    g_free (self->url);
    self->url = g_strdup (url);
    return 0;
  }
  if (g_str_equal (key, "auth")) {
    const char *user = onemo_at_command_line_arg (cmd, 1)->text;
    const char *password = n_args == 3 ? onemo_at_command_line_arg (cmd, 2)->text : NULL;
    if (password == NULL || strlen (user) > ONEMO_AT_AUTH_MAX
        || strlen (password) > ONEMO_AT_AUTH_MAX)
      return 851;
    g_free (self->user);
    g_free (self->password);
    self->user = g_strdup (user);
    self->password = g_strdup (password);
    return 0;
  }
  if (n_args != 2 || !onemo_at_command_line_arg_number (cmd, 1, G_MININT64, G_MAXINT64, &value)
      || !onemo_at_cfg_number_validate (key, value, NULL))
    return 851;
  if (g_str_equal (key, "pkgsize") && !onemo_model_supports (self->model, ONEMO_FEATURE_CFG_PKGSIZE)
      && value != 512)
    return 851;
  *cfg_number (self, key) = value;
  return 0;
}

void
sim_mfw_cfg (SimModem *self, const OnemoAtCommandLine *cmd)
{
  g_autofree char *key = NULL;
  gint code;

  if (cmd->form == ONEMO_AT_FORM_TEST) {
    g_autoptr (GString) keys = g_string_new (NULL);
    for (const char *const *k = onemo_model_cfg_keys (); *k != NULL; k++)
      if (cfg_key_supported (self, *k))
        g_string_append_printf (keys, "%s\"%s\"", keys->len ? "," : "", *k);
    sim_modem_reply_line (self, "+MFWCFG: (%s)", keys->str);
    sim_modem_reply_ok (self);
    return;
  }
  if (cmd->form == ONEMO_AT_FORM_READ) {
    for (const char *const *k = onemo_model_cfg_keys (); *k != NULL; k++)
      if (cfg_key_supported (self, *k))
        cfg_query (self, *k);
    sim_modem_reply_ok (self);
    return;
  }
  if (cmd->form != ONEMO_AT_FORM_SET || cmd->args->len == 0
      || !cfg_key_supported (self, onemo_at_command_line_arg (cmd, 0)->text)) {
    sim_modem_reply_cme (self, 851);
    return;
  }
  key = g_ascii_strdown (onemo_at_command_line_arg (cmd, 0)->text, -1);
  if (cmd->args->len == 1) {
    cfg_query (self, key);
    sim_modem_reply_ok (self);
    return;
  }
  code = cfg_set (self, key, cmd);
  if (code != 0)
    sim_modem_reply_cme (self, code);
  else
    sim_modem_reply_ok (self);
}

/* ---- AT+MFWDLOAD: serial writes ---- */

static gboolean
on_raw_silence (gpointer user_data)
{
  SimModem *self = user_data;

  self->raw_timeout = 0;
  self->transparent = FALSE;
  g_byte_array_set_size (self->package, self->raw_offset);
  sim_modem_reply_cme (self, 853);
  sim_modem_commit (self);
  return G_SOURCE_REMOVE;
}

gsize
sim_mfw_take_raw (SimModem *self, const guint8 *data, gsize length)
{
  gsize n = MIN (self->raw_remaining, length);

  g_byte_array_append (self->package, data, n);
  self->raw_remaining -= n;
  g_clear_handle_id (&self->raw_timeout, g_source_remove);
  if (self->raw_remaining > 0) {
    self->raw_timeout = g_timeout_add_seconds (RAW_SILENCE_SECONDS, on_raw_silence, self);
    return n;
  }
  self->transparent = FALSE;
  if (self->options.transparent_answer != SIM_TRANSPARENT_OK_SILENT)
    sim_modem_reply_ok (self);
  sim_modem_commit (self);
  return n;
}

/* The checks both write forms share; 0 or the CME code. */
static gint
write_check (SimModem *self, guint64 offset, guint64 length)
{
  if (self->download != NULL || self->upgrade != NULL)
    return 850;
  if (offset > self->package->len)
    return 853; /* no gaps */
  if (offset != 0 && !onemo_model_supports (self->model, ONEMO_FEATURE_DLOAD_OFFSET))
    return 853;
  if (offset + length > self->options.max_package)
    return 853;
  return 0;
}

static void
dload_write (SimModem *self, const OnemoAtCommandLine *cmd)
{
  gboolean hex = cmd->args->len == 3;
  gint64 offset, length;
  g_autoptr (GByteArray) bytes = g_byte_array_new ();
  gint code;

  if ((cmd->args->len != 2 && !hex)
      || !onemo_model_supports (self->model,
                                hex ? ONEMO_FEATURE_DLOAD_HEX : ONEMO_FEATURE_DLOAD_TRANSPARENT)
      || !onemo_at_command_line_arg_number (cmd, 0, 0, hex ? HEX_OFFSET_MAX : RAW_LENGTH_MAX,
                                            &offset)
      || !onemo_at_command_line_arg_number (cmd, 1, 1, hex ? ONEMO_AT_HEX_CHUNK : RAW_LENGTH_MAX,
                                            &length)
      || (hex
          && (!onemo_at_hex_decode (onemo_at_command_line_arg (cmd, 2)->text, bytes)
              || bytes->len != (guint64)length))) {
    sim_modem_reply_cme (self, 853);
    return;
  }
  if ((code = write_check (self, offset, length)) != 0) {
    sim_modem_reply_cme (self, code);
    return;
  }
  g_byte_array_set_size (self->package, offset);
  self->package_downloaded = FALSE;
  if (hex) {
    g_byte_array_append (self->package, bytes->data, bytes->len);
    sim_modem_reply_ok (self);
    return;
  }
  self->transparent = TRUE;
  self->raw_offset = offset;
  self->raw_remaining = length;
  self->raw_timeout = g_timeout_add_seconds (RAW_SILENCE_SECONDS, on_raw_silence, self);
  if (self->options.transparent_answer == SIM_TRANSPARENT_PROMPT)
    sim_modem_reply_raw (self, "\r\n>");
  else
    sim_modem_reply_ok (self); /* "AT+MFWDLOAD=0,80362 → OK //进入透传模式" */
}

void
sim_mfw_dload (SimModem *self, const OnemoAtCommandLine *cmd)
{
  gboolean hex = onemo_model_supports (self->model, ONEMO_FEATURE_DLOAD_HEX);
  gboolean raw = onemo_model_supports (self->model, ONEMO_FEATURE_DLOAD_TRANSPARENT);

  switch (cmd->form) {
    case ONEMO_AT_FORM_TEST:
      if (hex || !raw)
        sim_modem_reply_line (self, "+MFWDLOAD: (0-%d),(1-%d)", HEX_OFFSET_MAX, ONEMO_AT_HEX_CHUNK);
      else
        sim_modem_reply_line (self, "+MFWDLOAD: (0),(1-%d)", RAW_LENGTH_MAX);
      sim_modem_reply_ok (self);
      break;
    case ONEMO_AT_FORM_READ:
      sim_modem_reply_line (self, "+MFWDLOAD: %d,%" G_GUINT64_FORMAT ",%u",
                            MAX (self->dload_state, 0), self->dload_total, self->package->len);
      sim_modem_reply_ok (self);
      break;
    case ONEMO_AT_FORM_EXECUTE:
      if (onemo_model_supports (self->model, ONEMO_FEATURE_DLOAD_URL))
        sim_mfw_dload_start (self);
      else
        sim_modem_reply_cme (self, 851);
      break;
    case ONEMO_AT_FORM_SET:
      dload_write (self, cmd);
      break;
  }
}

/* ---- AT+MFWCHECK, AT+MFWERASE ---- */

void
sim_mfw_check (SimModem *self, const OnemoAtCommandLine *cmd)
{
  static const GChecksumType types[] = { G_CHECKSUM_MD5, G_CHECKSUM_SHA1, G_CHECKSUM_SHA256 };
  g_autoptr (GChecksum) checksum = NULL;
  g_autofree char *digest = NULL;
  gint64 algorithm;

  if (cmd->form == ONEMO_AT_FORM_TEST) {
    sim_modem_reply_line (self, "+MFWCHECK: (0-2)");
    sim_modem_reply_ok (self);
    return;
  }
  if (cmd->form != ONEMO_AT_FORM_SET || cmd->args->len != 1
      || !onemo_at_command_line_arg_number (cmd, 0, 0, 2, &algorithm)) {
    sim_modem_reply_cme (self, 851);
    return;
  }
  if (self->package->len == 0 || self->download != NULL) {
    sim_modem_reply_cme (self, 853);
    return;
  }
  /* The manual's AT+MFWCHECK is for a package written over the serial port. */
  if (self->package_downloaded && self->options.dload->check_local_only) {
    sim_modem_reply_error (self);
    return;
  }
  checksum = g_checksum_new (types[algorithm]);
  g_checksum_update (checksum, self->package->data, self->package->len);
  digest = g_ascii_strup (g_checksum_get_string (checksum), -1);
  sim_modem_reply_line (self, "+MFWCHECK: %s", digest);
  sim_modem_reply_ok (self);
}

void
sim_mfw_erase (SimModem *self, const OnemoAtCommandLine *cmd)
{
  if (cmd->form == ONEMO_AT_FORM_EXECUTE) {
    sim_modem_erase (self);
    if (self->options.dload->erase_clears_config) {
      g_clear_pointer (&self->url, g_free);
      g_clear_pointer (&self->user, g_free);
      g_clear_pointer (&self->password, g_free);
    }
    sim_modem_reply_ok (self);
  } else if (cmd->form == ONEMO_AT_FORM_TEST) {
    sim_modem_reply_ok (self);
  } else {
    sim_modem_reply_cme (self, 851);
  }
}
