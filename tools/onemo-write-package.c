/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * onemo-write-package: writes a package straight into a module (or the simulator) over its
 * serial port with the AT engine, showing progress, and reports the throughput against the
 * line's capacity. The demo and the write benchmark both run it; it knows no D-Bus.
 */
#include "config.h"

#include "onemo-at-command.h"
#include "onemo-at-parsers.h"
#include "onemo-at-port.h"
#include "onemo-at-writer.h"
#include "onemo-error.h"

#include <gio/gunixinputstream.h>
#include <stdio.h>
#include <unistd.h>

typedef struct {
  GMainLoop *loop;
  OnemoAtPort *port;
  const char *path;
  guint baud;
  GError *error;
  GStrv lines;
  gint64 started_us;
  gboolean show_progress;
  gboolean upgrade_done;
  gboolean upgrade_failed;
} Context;

static void
command_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Context *ctx = user_data;

  ctx->lines = onemo_at_port_command_finish (ONEMO_AT_PORT (object), result, &ctx->error);
  g_main_loop_quit (ctx->loop);
}

/* Runs one command to its end; returns its lines, or NULL with ctx->error set. */
static GStrv
run_command (Context *ctx, const char *command, guint timeout_ms)
{
  onemo_at_port_command_async (ctx->port, command, ONEMO_AT_COMMAND_FLAG_NONE, timeout_ms, NULL,
                               command_done, ctx);
  g_main_loop_run (ctx->loop);
  return g_steal_pointer (&ctx->lines);
}

static void
show_progress (OnemoAtPort *port, guint64 written, guint64 total, gpointer user_data)
{
  Context *ctx = user_data;
  const int width = 40;
  int filled = total > 0 ? (int)(written * width / total) : 0;
  double seconds = (g_get_monotonic_time () - ctx->started_us) / 1e6;

  if (!ctx->show_progress)
    return;
  if (isatty (STDOUT_FILENO)) {
    g_print ("\r  writing [%.*s%*s] %3u %% %8.1f KiB/s", filled,
             "########################################", width - filled, "",
             (guint)(written * 100 / total), seconds > 0 ? written / 1024.0 / seconds : 0.0);
  } else {
    static guint last_decile;
    guint decile = (guint)(written * 10 / total);
    if (decile != last_decile || written == total)
      g_print ("  writing: %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " bytes\n", written, total);
    last_decile = decile;
  }
}

static void
write_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Context *ctx = user_data;

  onemo_at_write_package_finish (ONEMO_AT_PORT (object), result, &ctx->error);
  g_main_loop_quit (ctx->loop);
}

static void
on_upgrade_urc (OnemoAtPort *port, const char *line, GMatchInfo *match, gpointer user_data)
{
  Context *ctx = user_data;
  OnemoMfwUpgrade upgrade;

  if (!onemo_at_parse_mfwupgrade (line, &upgrade, NULL))
    return;
  if (upgrade.has_percent)
    g_print ("  upgrading: %u %%\n", upgrade.percent);
  if (upgrade.state == ONEMO_UPGRADE_SUCCESS || upgrade.state == ONEMO_UPGRADE_FAILED) {
    ctx->upgrade_done = TRUE;
    ctx->upgrade_failed = upgrade.state == ONEMO_UPGRADE_FAILED;
    g_main_loop_quit (ctx->loop);
  }
}

static void on_hangup (OnemoAtPort *port, gpointer user_data);

static void
watch_port (Context *ctx)
{
  onemo_at_port_add_urc_handler (ctx->port, ONEMO_AT_URC_UPGRADE, on_upgrade_urc, ctx, NULL);
  g_signal_connect (ctx->port, "hangup", G_CALLBACK (on_hangup), ctx);
}

/* The module reboots: the port comes back at the same path; try it every 100 ms. */
static gboolean
try_reopen (gpointer user_data)
{
  Context *ctx = user_data;
  g_autoptr (OnemoAtPort) port = onemo_at_port_open (ctx->path, ctx->baud, FALSE, NULL);

  if (port == NULL)
    return G_SOURCE_CONTINUE;
  g_print ("  the module is back\n");
  g_set_object (&ctx->port, port);
  watch_port (ctx);
  return G_SOURCE_REMOVE;
}

static void
on_hangup (OnemoAtPort *port, gpointer user_data)
{
  g_print ("  the module reboots\n");
  g_timeout_add (100, try_reopen, user_data);
}

static gboolean
upgrade_timed_out (gpointer user_data)
{
  g_main_loop_quit (((Context *)user_data)->loop);
  return G_SOURCE_REMOVE;
}

/* AT+MFWUPGRADE of the loaded package, following it through reboots, then AT+CGMR. */
static gboolean
upgrade (Context *ctx)
{
  g_auto (GStrv) ok = NULL;
  g_auto (GStrv) revision = NULL;
  guint timeout_id;

  watch_port (ctx);
  ok = run_command (ctx, ONEMO_AT_CMD_UPGRADE, 10000);
  if (ok == NULL)
    return FALSE;
  timeout_id = g_timeout_add_seconds (60, upgrade_timed_out, ctx);
  if (!ctx->upgrade_done)
    g_main_loop_run (ctx->loop);
  if (!ctx->upgrade_done) {
    g_set_error (&ctx->error, ONEMO_ERROR, ONEMO_ERROR_TIMEOUT, "The upgrade did not finish");
    return FALSE;
  }
  g_source_remove (timeout_id);
  if (ctx->upgrade_failed) {
    g_set_error (&ctx->error, ONEMO_ERROR, ONEMO_ERROR_UPGRADE, "The module reported a failure");
    return FALSE;
  }
  revision = run_command (ctx, ONEMO_AT_CMD_REVISION, 5000);
  if (revision == NULL)
    return FALSE;
  g_print ("  new revision: %s\n", revision[0] != NULL ? revision[0] : "(none)");
  return TRUE;
}

/* ATE0: a module echoes every hex command back, which costs nothing on a full-duplex line but
 * is noise to read. AT+CMEE=1: numeric errors, for the messages. */
static gboolean
prepare_module (Context *ctx)
{
  g_auto (GStrv) echo = run_command (ctx, ONEMO_AT_CMD_ECHO_OFF, 5000);
  g_auto (GStrv) cmee = echo != NULL ? run_command (ctx, ONEMO_AT_CMD_CMEE_NUMERIC, 5000) : NULL;

  return cmee != NULL;
}

static gboolean
write_package (Context *ctx, GInputStream *stream, guint64 size, OnemoAtWriteMode mode)
{
  if (ctx->show_progress)
    g_print ("Writing %" G_GUINT64_FORMAT " bytes (%s) into %s at %u baud\n", size,
             mode == ONEMO_AT_WRITE_HEX ? "hex" : "transparent", ctx->path, ctx->baud);
  ctx->started_us = g_get_monotonic_time ();
  onemo_at_write_package_async (ctx->port, stream, 0, size, mode, 30000, show_progress, ctx, NULL,
                                write_done, ctx);
  g_main_loop_run (ctx->loop);
  if (ctx->show_progress && isatty (STDOUT_FILENO))
    g_print ("\n");
  return ctx->error == NULL;
}

/* One line of figures, the benchmark's input: payload rate against the line's capacity and,
 * for hex, against the hex ceiling. */
static void
print_figures (Context *ctx, guint64 size, OnemoAtWriteMode mode)
{
  double seconds = (g_get_monotonic_time () - ctx->started_us) / 1e6;
  double rate = size / seconds;
  double line_rate = ctx->baud / 10.0;

  g_print ("mode=%s baud=%u bytes=%" G_GUINT64_FORMAT " seconds=%.3f payload_Bps=%.0f "
           "line_share=%.2f%%",
           mode == ONEMO_AT_WRITE_HEX ? "hex" : "transparent", ctx->baud, size, seconds, rate,
           100.0 * rate / line_rate);
  if (mode == ONEMO_AT_WRITE_HEX)
    g_print (" hex_ceiling=%.2f%% of_ceiling=%.2f%%", 100.0 * onemo_at_hex_ceiling (0),
             100.0 * rate / line_rate / onemo_at_hex_ceiling (0));
  g_print ("\n");
}

static GInputStream *
open_package (const char *file, guint64 *out_size, GError **error)
{
  g_autoptr (GFile) gfile = g_file_new_for_commandline_arg (file);
  g_autoptr (GFileInputStream) stream = g_file_read (gfile, NULL, error);
  g_autoptr (GFileInfo) info = NULL;

  if (stream == NULL)
    return NULL;
  info = g_file_input_stream_query_info (stream, G_FILE_ATTRIBUTE_STANDARD_SIZE, NULL, error);
  if (info == NULL)
    return NULL;
  *out_size = (guint64)g_file_info_get_size (info);
  return G_INPUT_STREAM (g_steal_pointer (&stream));
}

int
main (int argc, char **argv)
{
  g_autofree char *port_path = NULL;
  g_autofree char *file = NULL;
  g_autofree char *mode_name = NULL;
  gint baud = 115200;
  gboolean do_upgrade = FALSE;
  gboolean quiet = FALSE;
  const GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_FILENAME, &port_path, "The module's AT port", "PATH" },
    { "file", 'f', 0, G_OPTION_ARG_FILENAME, &file, "The package to write", "FILE" },
    { "mode", 'm', 0, G_OPTION_ARG_STRING, &mode_name, "hex (default) or transparent", "MODE" },
    { "baud", 'b', 0, G_OPTION_ARG_INT, &baud, "The line's rate (default 115200)", "N" },
    { "upgrade", 'u', 0, G_OPTION_ARG_NONE, &do_upgrade, "Upgrade after writing", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No progress, only the figures", NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) options = g_option_context_new ("- write a package into a module");
  g_autoptr (GError) error = NULL;
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (GInputStream) stream = NULL;
  OnemoAtWriteMode mode = ONEMO_AT_WRITE_HEX;
  Context ctx = { .loop = loop, .show_progress = TRUE };
  guint64 size = 0;
  int status = 0;

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error) || port_path == NULL || file == NULL
      || baud <= 0) {
    g_printerr ("%s\n", error != NULL ? error->message : "--port and --file are required");
    return 2;
  }
  if (g_strcmp0 (mode_name, "transparent") == 0)
    mode = ONEMO_AT_WRITE_TRANSPARENT;
  else if (mode_name != NULL && g_strcmp0 (mode_name, "hex") != 0) {
    g_printerr ("Unknown mode %s: hex or transparent\n", mode_name);
    return 2;
  }

  stream = open_package (file, &size, &error);
  if (stream != NULL)
    ctx.port = onemo_at_port_open (port_path, (guint)baud, FALSE, &error);
  if (ctx.port == NULL) {
    g_printerr ("%s\n", error->message);
    return 1;
  }
  ctx.path = port_path;
  ctx.baud = (guint)baud;
  ctx.show_progress = !quiet;

  if (!prepare_module (&ctx) || !write_package (&ctx, stream, size, mode)) {
    g_printerr ("Failed: %s\n", ctx.error->message);
    status = 1;
  } else {
    print_figures (&ctx, size, mode);
    if (do_upgrade && !upgrade (&ctx)) {
      g_printerr ("Upgrade failed: %s\n", ctx.error->message);
      status = 1;
    }
  }
  g_clear_object (&ctx.port);
  g_clear_error (&ctx.error);
  return status;
}
