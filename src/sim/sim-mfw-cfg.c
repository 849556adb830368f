/* SPDX-License-Identifier: GPL-2.0-or-later */
/* AT+MFWCFG as each sub-model answers it, and the test forms' answer shapes: the manual prints
 * its query answers bare (§3.1) and gives test forms no format, so the knobs play each reading
 * (--cfg-values, --cfg-unreadable, --test-form). */
#include "sim-modem-private.h"

#include <string.h>

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

/* One key's answer line; FALSE when --cfg-unreadable makes it an ERROR (the final result). */
static gboolean
cfg_query (SimModem *self, const char *key)
{
  const SimFaults *faults = self->options.faults;
  /* Quoted ("url","http://…") or as §3.1 prints it ("url", http://…). */
  const char *q = faults->cfg_bare ? "" : "\"";
  const char *comma = faults->cfg_bare ? ", " : ",";

  switch (sim_faults_cfg_unreadable (faults, key)) {
    case SIM_CFG_UNREADABLE_ERROR:
      sim_modem_reply_error (self);
      return FALSE;
    case SIM_CFG_UNREADABLE_GARBAGE:
      /* The right prefix and key, then a value no reading can take. */
      sim_modem_reply_line (self, "+MFWCFG: \"%s\",\"#?(", key);
      return TRUE;
    case SIM_CFG_UNREADABLE_NONE:
      break;
  }
  if (g_str_equal (key, "url"))
    sim_modem_reply_line (self, "+MFWCFG: \"url\"%s%s%s%s", comma, q, self->url ? self->url : "",
                          q);
  else if (g_str_equal (key, "auth"))
    sim_modem_reply_line (self, "+MFWCFG: \"auth\"%s%s%s%s%s%s%s%s", comma, q,
                          self->user ? self->user : "", q, comma, q,
                          self->password ? self->password : "", q);
  else
    sim_modem_reply_line (self, "+MFWCFG: \"%s\"%s%" G_GINT64_FORMAT, key, comma,
                          *cfg_number (self, key));
  return TRUE;
}

void
sim_modem_reply_test_form (SimModem *self, const char *prefix, const char *const *items,
                           gboolean comma_joined)
{
  g_autofree char *joined = g_strjoinv (",", (char **)items);

  switch (self->options.faults->test_form) {
    case SIM_TEST_FORM_LIST:
      if (comma_joined)
        sim_modem_reply_line (self, "%s: %s", prefix, joined);
      else
        sim_modem_reply_line (self, "%s: (%s)", prefix, joined);
      break;
    case SIM_TEST_FORM_PER_KEY:
      for (guint i = 0; items[i] != NULL; i++)
        sim_modem_reply_line (self, "%s: %s", prefix, items[i]);
      break;
    case SIM_TEST_FORM_ERROR:
      sim_modem_reply_error (self);
      return;
    case SIM_TEST_FORM_OK:
      break;
    case SIM_TEST_FORM_GARBAGE:
      sim_modem_reply_line (self, "%s: ((\"#?,", prefix);
      sim_modem_reply_line (self, "~~(%s", joined);
      break;
  }
  sim_modem_reply_ok (self);
}

/* The keys the sub-model takes, with a range where the key has one. */
static void
cfg_test (SimModem *self)
{
  static const struct {
    const char *key;
    const char *range;
  } ranges[] = {
    { "timeout", ",(30-180)" },
    { "mode", ",(0,1)" },
    { "ssl", ",(0-4)" },
    { "pkgsize", ",(512-3072)" },
  };
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_free);
  gboolean per_key = self->options.faults->test_form == SIM_TEST_FORM_PER_KEY;

  for (const char *const *k = onemo_model_cfg_keys (); *k != NULL; k++) {
    const char *range = "";

    if (!cfg_key_supported (self, *k))
      continue;
    for (guint i = 0; per_key && i < G_N_ELEMENTS (ranges); i++)
      if (g_str_equal (*k, ranges[i].key))
        range = ranges[i].range;
    if (per_key && g_str_equal (*k, "pkgsize")
        && !onemo_model_supports (self->model, ONEMO_FEATURE_CFG_PKGSIZE))
      range = ",(512)";
    g_ptr_array_add (items, g_strdup_printf ("\"%s\"%s", *k, range));
  }
  g_ptr_array_add (items, NULL);
  sim_modem_reply_test_form (self, "+MFWCFG", (const char *const *)items->pdata, FALSE);
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
    cfg_test (self);
    return;
  }
  if (cmd->form == ONEMO_AT_FORM_READ) {
    for (const char *const *k = onemo_model_cfg_keys (); *k != NULL; k++)
      if (cfg_key_supported (self, *k) && !cfg_query (self, *k))
        return;
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
    if (cfg_query (self, key))
      sim_modem_reply_ok (self);
    return;
  }
  code = cfg_set (self, key, cmd);
  if (code != 0)
    sim_modem_reply_cme (self, code);
  else
    sim_modem_reply_ok (self);
}
