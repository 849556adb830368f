/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sim-modem-private.h"

#include "onemo-error.h"

#include <string.h>

/* A command line longer than this is refused; the longest real one is a 512-byte hex write. */
#define LINE_MAX_BYTES 4096

static void modem_take (SimModem *self, guint channel, const guint8 *data, gsize length);

/* Input that arrived while an answer waited for its latency. */
typedef struct {
  guint channel;
  GBytes *bytes;
} HeldInput;

static void
held_input_free (gpointer data)
{
  HeldInput *held = data;

  g_bytes_unref (held->bytes);
  g_free (held);
}

/* ---- answers ---- */

void
sim_modem_reply_raw (SimModem *self, const char *text)
{
  g_string_append (self->response, text);
}

void
sim_modem_reply_line (SimModem *self, const char *format, ...)
{
  va_list args;

  g_string_append (self->response, "\r\n");
  va_start (args, format);
  g_string_append_vprintf (self->response, format, args);
  va_end (args);
  g_string_append (self->response, "\r\n");
}

void
sim_modem_reply_ok (SimModem *self)
{
  sim_modem_reply_raw (self, "\r\nOK\r\n");
}

void
sim_modem_reply_error (SimModem *self)
{
  sim_modem_reply_raw (self, "\r\nERROR\r\n");
}

void
sim_modem_reply_cme (SimModem *self, gint code)
{
  const char *text = onemo_error_cme_text (code);

  if (self->cmee == 0)
    sim_modem_reply_error (self);
  else if (self->cmee == 2 && text != NULL)
    sim_modem_reply_line (self, "+CME ERROR: %s", text);
  else
    sim_modem_reply_line (self, "+CME ERROR: %d", code);
}

void
sim_modem_urc (SimModem *self, const char *format, ...)
{
  g_autofree char *text = NULL;
  g_autofree char *line = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  /* While an answer waits for its latency, a URC must not overtake it. */
  if (self->latency_timer != 0) {
    g_string_append_printf (self->response, "\r\n%s\r\n", text);
    return;
  }
  line = g_strdup_printf ("\r\n%s\r\n", text);
  if (self->noise != NULL) {
    g_autoptr (GString) shaped = g_string_new (line);
    sim_noise_shape (self->noise, shaped);
    g_free (line);
    line = g_string_free (g_steal_pointer (&shaped), FALSE);
  }
  /* To the channel that sent the last command; when it is gone, to every channel. */
  if (sim_ports_has_channel (self->ports, self->channel))
    sim_ports_write_string (self->ports, self->channel, line);
  else
    sim_ports_write_all (self->ports, line);
}

/* Sends the answer built so far, shaped by --noise. */
static void
modem_send_response (SimModem *self)
{
  if (self->noise != NULL)
    sim_noise_shape (self->noise, self->response);
  sim_ports_write (self->ports, self->channel, self->response->str, self->response->len);
  g_string_truncate (self->response, 0);
}

static gboolean
on_latency_elapsed (gpointer user_data)
{
  SimModem *self = user_data;
  GQueue pending;
  HeldInput *held;

  self->latency_timer = 0;
  modem_send_response (self);
  /* In order: once another answer must wait, modem_take() queues the rest again behind it. */
  pending = *self->held_input;
  g_queue_init (self->held_input);
  while ((held = g_queue_pop_head (&pending)) != NULL) {
    gsize size;
    const guint8 *data = g_bytes_get_data (held->bytes, &size);

    modem_take (self, held->channel, data, size);
    held_input_free (held);
  }
  return G_SOURCE_REMOVE;
}

void
sim_modem_commit (SimModem *self)
{
  if (self->response->len == 0 || self->latency_timer != 0)
    return;
  if (self->options.latency_ms > 0) {
    self->latency_timer = g_timeout_add (self->options.latency_ms, on_latency_elapsed, self);
    return;
  }
  modem_send_response (self);
}

/* ---- the basic commands ---- */

static gboolean
modem_identity (SimModem *self, const OnemoAtCommandLine *cmd)
{
  const char *name = cmd->name;
  gboolean revision_prefix
      = g_str_equal (self->model->series, "ML302S") || g_str_equal (self->model->series, "ML307S");
  const char *model
      = self->options.faults->cgmm != NULL ? self->options.faults->cgmm : self->model->series;

  if (g_str_equal (name, "I")) {
    sim_modem_reply_raw (self, "\r\n");
    g_string_append_printf (self->response, "CMCC\r\n%s\r\n%s\r\n", model, self->revision);
  } else if (g_str_equal (name, "+CGMI")) {
    sim_modem_reply_line (self, "CMCC");
  } else if (g_str_equal (name, "+CGMM")) {
    sim_modem_reply_line (self, "%s", model);
  } else if (g_str_equal (name, "+CGMR")) {
    sim_modem_reply_line (self, "%s%s", revision_prefix ? "Revision: " : "", self->revision);
  } else if (g_str_equal (name, "+CGSN")) {
    sim_modem_reply_line (self, "%s", self->imei);
  } else {
    return FALSE;
  }
  return TRUE;
}

static void
modem_cmee (SimModem *self, const OnemoAtCommandLine *cmd)
{
  gint64 value;

  switch (cmd->form) {
    case ONEMO_AT_FORM_TEST:
      sim_modem_reply_line (self, "+CMEE: (0-2)");
      break;
    case ONEMO_AT_FORM_READ:
      sim_modem_reply_line (self, "+CMEE: %d", self->cmee);
      break;
    case ONEMO_AT_FORM_SET:
      if (cmd->args->len != 1 || !onemo_at_command_line_arg_number (cmd, 0, 0, 2, &value)) {
        sim_modem_reply_error (self);
        return;
      }
      self->cmee = (gint)value;
      break;
    case ONEMO_AT_FORM_EXECUTE:
      self->cmee = 0;
      break;
  }
  sim_modem_reply_ok (self);
}

typedef void (*MfwHandler) (SimModem *self, const OnemoAtCommandLine *cmd);

/* The AT+MFW* commands and what a sub-model needs to have each at all. */
static const struct {
  const char *name;
  MfwHandler handler;
  OnemoFeatures needs; /* any of these */
} mfw_commands[] = {
  { "+MFWCFG", sim_mfw_cfg, ONEMO_F (CFG_URL) | ONEMO_F (CFG_AUTH) },
  { "+MFWDLOAD", sim_mfw_dload,
    ONEMO_F (DLOAD_URL) | ONEMO_F (DLOAD_HEX) | ONEMO_F (DLOAD_TRANSPARENT) },
  { "+MFWCHECK", sim_mfw_check, ONEMO_F (CHECK) },
  { "+MFWERASE", sim_mfw_erase, ONEMO_F (ERASE) },
  { "+MFWUPGRADE", sim_mfw_upgrade, ONEMO_F (UPGRADE) | ONEMO_F (UPGRADE_URL) },
};

static void
modem_dispatch (SimModem *self, const OnemoAtCommandLine *cmd)
{
  const char *name = cmd->name;

  if (name[0] == '\0') {
    sim_modem_reply_ok (self);
    return;
  }
  if (g_str_equal (name, "E0") || g_str_equal (name, "E1") || g_str_equal (name, "E")) {
    self->echo = g_str_equal (name, "E1");
    sim_modem_reply_ok (self);
    return;
  }
  if (g_str_equal (name, "+CMEE")) {
    modem_cmee (self, cmd);
    return;
  }
  if (sim_basic_answer (self, cmd))
    return;
  if (name[0] == '+' && g_str_has_prefix (name, "+CG") && cmd->form == ONEMO_AT_FORM_TEST) {
    if (g_str_equal (name, "+CGMI") || g_str_equal (name, "+CGMM") || g_str_equal (name, "+CGMR")
        || g_str_equal (name, "+CGSN")) {
      sim_modem_reply_ok (self);
      return;
    }
  }
  if (cmd->form == ONEMO_AT_FORM_EXECUTE && modem_identity (self, cmd)) {
    sim_modem_reply_ok (self);
    return;
  }
  for (guint i = 0; i < G_N_ELEMENTS (mfw_commands); i++) {
    if (!g_str_equal (name, mfw_commands[i].name))
      continue;
    /* A command the sub-model lacks is unknown to it: plain ERROR, as a real module says. */
    if ((self->model->features & mfw_commands[i].needs) == 0)
      sim_modem_reply_error (self);
    else
      mfw_commands[i].handler (self, cmd);
    return;
  }
  sim_modem_reply_error (self);
}

static void
modem_execute_line (SimModem *self, const char *line)
{
  g_autoptr (OnemoAtCommandLine) cmd = NULL;
  g_autoptr (GError) error = NULL;
  gint code = 0;
  SimFaultKind fault;

  /* --faults-for-ms: a module that misbehaves while it boots, then answers well. */
  if (self->faults_until_us != 0 && g_get_monotonic_time () >= self->faults_until_us)
    fault = SIM_FAULT_NONE;
  else
    fault = sim_faults_match (self->options.faults, line, &code);
  switch (fault) {
    case SIM_FAULT_SILENT:
      return;
    case SIM_FAULT_GARBAGE: {
      g_autoptr (GBytes) garbage = sim_faults_garbage ();
      gsize size;
      const char *data = g_bytes_get_data (garbage, &size);
      g_string_append_len (self->response, data, size);
      sim_modem_commit (self);
      return;
    }
    case SIM_FAULT_ERROR:
      sim_modem_reply_cme (self, code);
      sim_modem_commit (self);
      return;
    case SIM_FAULT_FLOOD: {
      g_autoptr (GString) flood = sim_faults_flood (line);
      g_string_append_len (self->response, flood->str, (gssize)flood->len);
      break; /* then the real answer */
    }
    case SIM_FAULT_NONE:
      break;
  }
  cmd = onemo_at_command_line_parse (line, &error);
  if (cmd == NULL)
    sim_modem_reply_error (self);
  else
    modem_dispatch (self, cmd);
  sim_modem_commit (self);
}

/* ---- reading the host's bytes ---- */

static void
modem_end_of_line (SimModem *self)
{
  g_autofree char *line = g_strndup (self->line->str, self->line->len);

  if (line[0] != '\0' && !self->line_too_long && !sim_modem_hears (self, line)) {
    g_string_truncate (self->line, 0);
    return;
  }
  if (self->echo) {
    g_autofree char *urc = self->noise != NULL ? sim_noise_maybe_urc (self->noise) : NULL;
    if (urc != NULL) /* a URC may beat the echo */
      sim_ports_write_string (self->ports, self->channel, urc);
    sim_ports_write (self->ports, self->channel, self->line->str, self->line->len);
    sim_ports_write_string (self->ports, self->channel, "\r");
  }
  g_string_truncate (self->line, 0);
  if (self->line_too_long) {
    self->line_too_long = FALSE;
    sim_modem_reply_error (self);
    sim_modem_commit (self);
    return;
  }
  if (line[0] == '\0')
    return; /* an empty line: modules say nothing */
  modem_execute_line (self, line);
}

/* The module has one command parser: bytes from another channel start a new line there. */
static void
modem_switch_channel (SimModem *self, guint channel)
{
  if (channel == self->channel)
    return;
  g_string_truncate (self->line, 0);
  self->after_cr = FALSE;
  self->line_too_long = FALSE;
  self->channel = channel;
}

static void
modem_take (SimModem *self, guint channel, const guint8 *data, gsize length)
{
  if (self->deaf_timer != 0)
    return; /* rebooting behind its UART: what comes is lost */
  for (gsize i = 0; i < length; i++) {
    if (self->latency_timer != 0) {
      HeldInput *held = g_new0 (HeldInput, 1);

      held->channel = channel;
      held->bytes = g_bytes_new (data + i, length - i);
      g_queue_push_tail (self->held_input, held);
      return;
    }
    modem_switch_channel (self, channel);
    if (self->transparent) {
      i += sim_mfw_take_raw (self, data + i, length - i) - 1;
      continue;
    }
    if (data[i] == '\n' && self->after_cr) {
      self->after_cr = FALSE;
      continue;
    }
    self->after_cr = data[i] == '\r';
    if (data[i] == '\r') {
      modem_end_of_line (self);
    } else if (self->line->len < LINE_MAX_BYTES) {
      g_string_append_c (self->line, (char)data[i]);
    } else {
      self->line_too_long = TRUE;
    }
  }
}

static void
on_ports_receive (guint channel, const guint8 *data, gsize length, gpointer user_data)
{
  SimModem *self = user_data;

  /* --start-deaf-ms: still booting, the module loses what it is sent. */
  if (g_get_monotonic_time () < self->deaf_until_us)
    return;
  modem_take (self, channel, data, length);
}

/* ---- life ---- */

void
sim_modem_erase (SimModem *self)
{
  g_clear_pointer (&self->download, sim_download_cancel);
  g_clear_handle_id (&self->dload_resume_timer, g_source_remove);
  self->package_downloaded = FALSE;
  g_byte_array_set_size (self->package, 0);
  self->dload_state = SIM_DLOAD_IDLE;
  self->dload_total = 0;
  self->dload_needs_erase = FALSE;
}

/* --noise: a network URC now and then, whatever the host is doing (but not into raw mode,
 * where the module is busy taking bytes). */
static gboolean
on_noise_timer (gpointer user_data)
{
  SimModem *self = user_data;

  if (!self->transparent)
    sim_modem_urc (self, "%s", sim_noise_pick_urc (self->noise));
  self->noise_timer = g_timeout_add (sim_noise_next_gap_ms (self->noise), on_noise_timer, self);
  return G_SOURCE_REMOVE;
}

SimModem *
sim_modem_new (const SimModemOptions *options, const SimLinkOptions *link_options,
               const char *socket_address, GError **error)
{
  g_autoptr (SimModem) self = g_new0 (SimModem, 1);

  self->options = *options;
  self->model = options->model;
  self->revision = g_strdup (options->revision);
  self->imei = g_strdup (options->imei);
  self->fs_root = g_strdup (options->fs_root);
  self->options.revision = self->options.imei = self->options.fs_root = NULL;
  self->timeout = 60;
  self->pkgsize = 512;
  self->package = g_byte_array_new ();
  self->dload_state = SIM_DLOAD_IDLE;
  self->line = g_string_new (NULL);
  self->response = g_string_new (NULL);
  self->held_input = g_queue_new ();
  self->lose_pending = g_ptr_array_new_with_free_func (g_free);
  sim_modem_boot (self);
  self->channel = SIM_PORTS_PTY;
  if (options->noise_seed >= 0) {
    self->noise = sim_noise_new ((guint32)options->noise_seed);
    self->noise_timer = g_timeout_add (sim_noise_next_gap_ms (self->noise), on_noise_timer, self);
  }
  self->deaf_until_us
      = g_get_monotonic_time () + (gint64)options->faults->start_deaf_ms * G_TIME_SPAN_MILLISECOND;
  if (options->faults->faults_for_ms > 0)
    self->faults_until_us = g_get_monotonic_time ()
                            + (gint64)options->faults->faults_for_ms * G_TIME_SPAN_MILLISECOND;
  self->ports = sim_ports_new (link_options, socket_address, on_ports_receive, self, error);
  if (self->ports == NULL)
    return NULL;
  sim_ports_write_all (self->ports, "\r\n+MATREADY\r\n");
  return g_steal_pointer (&self);
}

void
sim_modem_free (SimModem *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->upgrade, sim_upgrade_free);
  sim_modem_boot_clear (self);
  g_clear_pointer (&self->download, sim_download_cancel);
  g_clear_handle_id (&self->latency_timer, g_source_remove);
  g_clear_handle_id (&self->raw_timeout, g_source_remove);
  g_clear_handle_id (&self->dload_resume_timer, g_source_remove);
  g_clear_pointer (&self->ports, sim_ports_free);
  g_clear_handle_id (&self->noise_timer, g_source_remove);
  g_clear_pointer (&self->noise, sim_noise_free);
  g_free (self->revision);
  g_free (self->imei);
  g_free (self->fs_root);
  g_free (self->url);
  g_free (self->user);
  g_free (self->password);
  g_byte_array_unref (self->package);
  g_string_free (self->line, TRUE);
  g_string_free (self->response, TRUE);
  g_queue_free_full (self->held_input, held_input_free);
  g_free (self);
}
