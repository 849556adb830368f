/* SPDX-License-Identifier: GPL-2.0-or-later */
/* AT+MFWDLOAD, AT+MFWCHECK and AT+MFWERASE as each sub-model answers them (AT+MFWCFG:
 * sim-mfw-cfg.c). */
#include "sim-modem-private.h"

#include "onemo-error.h"

#include <string.h>

#define RAW_SILENCE_SECONDS 10 /* a transparent write aborts when the host stops this long */
#define HEX_OFFSET_MAX      16777215
#define RAW_LENGTH_MAX      16777216

/* ---- URLs ---- */

gint
sim_modem_url_usable (SimModem *self, const char *url)
{
  OnemoFeature needs;

  if (!onemo_feature_for_url_scheme (onemo_at_url_scheme (url), &needs))
    return 852;
  return onemo_model_supports (self->model, needs) ? 0 : 852;
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
    case ONEMO_AT_FORM_TEST: {
      g_autofree char *offsets
          = hex || !raw ? g_strdup_printf ("(0-%d)", HEX_OFFSET_MAX) : g_strdup ("(0)");
      g_autofree char *lengths
          = g_strdup_printf ("(1-%d)", hex || !raw ? ONEMO_AT_HEX_CHUNK : RAW_LENGTH_MAX);
      const char *items[] = { offsets, lengths, NULL };

      sim_modem_reply_test_form (self, "+MFWDLOAD", items, TRUE);
      break;
    }
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
