/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "test-servers.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#define PYTHON            "/usr/bin/python3"
#define START_TIMEOUT_SEC 15

struct _TestServer {
  TestServerKind kind;
  GSubprocess *process;
  guint16 port;
  char *cert_dir; /* HTTPS, FTPS: holds ca_file */
  char *ca_file;
};

static const char *const kind_names[] = { "http", "https", "ftp", "ftps" };

typedef struct {
  GMainLoop *loop;
  char *line;
  GError *error;
  gboolean timed_out;
} PortWait;

static void
on_port_line (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PortWait *wait = user_data;

  wait->line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result,
                                                          NULL, &wait->error);
  g_main_loop_quit (wait->loop);
}

static gboolean
on_port_timeout (gpointer user_data)
{
  PortWait *wait = user_data;

  wait->timed_out = TRUE;
  g_main_loop_quit (wait->loop);
  return G_SOURCE_REMOVE;
}

/* Reads the "PORT <n>" line on a private main context, so the caller's loop is not run. */
static guint16
read_port (GSubprocess *process, const char *what)
{
  g_autoptr (GMainContext) context = g_main_context_new ();
  g_autoptr (GMainLoop) loop = g_main_loop_new (context, FALSE);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GDataInputStream) lines = NULL;
  g_autoptr (GSource) timeout = g_timeout_source_new_seconds (START_TIMEOUT_SEC);
  PortWait wait = { .loop = loop };
  guint64 port = 0;

  g_main_context_push_thread_default (context);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (lines), FALSE);
  g_data_input_stream_read_line_async (lines, G_PRIORITY_DEFAULT, cancellable, on_port_line, &wait);
  g_source_set_callback (timeout, on_port_timeout, &wait, NULL);
  g_source_attach (timeout, context);
  g_main_loop_run (loop);
  if (wait.timed_out) {
    g_cancellable_cancel (cancellable);
    while (wait.line == NULL && wait.error == NULL)
      g_main_context_iteration (context, TRUE);
  }
  g_source_destroy (timeout);
  g_main_context_pop_thread_default (context);

  if (wait.timed_out)
    g_error ("%s server: no PORT line within %d s", what, START_TIMEOUT_SEC);
  if (wait.line == NULL)
    g_error ("%s server exited before listening: %s", what,
             wait.error ? wait.error->message : "end of output");
  if (!g_str_has_prefix (wait.line, "PORT ")
      || !g_ascii_string_to_unsigned (wait.line + 5, 10, 1, G_MAXUINT16, &port, NULL))
    g_error ("%s server: unexpected first line \"%s\"", what, wait.line);
  g_free (wait.line);
  return (guint16)port;
}

gboolean
test_servers_available (char **reason)
{
  const char *argv[] = { PYTHON, "-c", "import pyftpdlib, OpenSSL, cryptography", NULL };
  g_autofree char *errors = NULL;
  g_autoptr (GError) error = NULL;
  gint status = 0;

  if (!g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                     &errors, &status, &error)) {
    *reason = g_strdup_printf ("%s: %s", PYTHON, error->message);
    return FALSE;
  }
  if (!g_spawn_check_wait_status (status, NULL)) {
    /* The traceback's last line names the module; TAP wants the reason on one line. */
    const char *last_line = strrchr (g_strstrip (errors), '\n');

    *reason = g_strdup_printf ("test servers need python3-pyftpdlib and python3-openssl (%s)",
                               last_line ? last_line + 1 : errors);
    return FALSE;
  }
  *reason = NULL;
  return TRUE;
}

TestServer *
test_server_start (TestServerKind kind, const char *root_dir, const char *user,
                   const char *password)
{
  const char *srcdir = g_getenv ("ONEMO_TEST_SRCDIR");
  g_autofree char *script = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GError) error = NULL;
  TestServer *server;

  g_assert (kind <= TEST_SERVER_FTPS);
  if (srcdir == NULL)
    g_error ("ONEMO_TEST_SRCDIR is not set: run the test through meson");
  script = g_build_filename (srcdir, "servers", "serve.py", NULL);

  g_ptr_array_add (argv, (gpointer)PYTHON);
  g_ptr_array_add (argv, script);
  g_ptr_array_add (argv, (gpointer) "--kind");
  g_ptr_array_add (argv, (gpointer)kind_names[kind]);
  g_ptr_array_add (argv, (gpointer) "--root");
  g_ptr_array_add (argv, (gpointer)root_dir);
  if (user != NULL) {
    g_ptr_array_add (argv, (gpointer) "--user");
    g_ptr_array_add (argv, (gpointer)user);
    g_ptr_array_add (argv, (gpointer) "--password");
    g_ptr_array_add (argv, (gpointer)(password ? password : ""));
  }
  g_ptr_array_add (argv, NULL);

  /* stdin is a pipe only we hold: the server quits at its end-of-file, even if we crash. */
  launcher
      = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  server = g_new0 (TestServer, 1);
  server->kind = kind;
  if (kind == TEST_SERVER_HTTPS || kind == TEST_SERVER_FTPS) {
    server->cert_dir = g_dir_make_tmp ("onemo-test-ca-XXXXXX", &error);
    if (server->cert_dir == NULL)
      g_error ("cannot make a folder for the certificate: %s", error->message);
    server->ca_file = g_build_filename (server->cert_dir, "cert.pem", NULL);
    g_ptr_array_insert (argv, (gint)argv->len - 1, (gpointer) "--cert-out");
    g_ptr_array_insert (argv, (gint)argv->len - 1, server->ca_file);
  }
  server->process
      = g_subprocess_launcher_spawnv (launcher, (const char *const *)argv->pdata, &error);
  if (server->process == NULL)
    g_error ("cannot start %s: %s", script, error->message);
  server->port = read_port (server->process, kind_names[kind]);
  return server;
}

guint16
test_server_port (TestServer *server)
{
  return server->port;
}

const char *
test_server_ca_file (TestServer *server)
{
  return server->ca_file;
}

char *
test_server_url (TestServer *server, const char *path)
{
  while (path != NULL && *path == '/')
    path++;
  return g_strdup_printf ("%s://127.0.0.1:%u/%s", kind_names[server->kind], server->port,
                          path ? path : "");
}

void
test_server_stop (TestServer *server)
{
  if (server == NULL)
    return;
  g_subprocess_force_exit (server->process);
  g_subprocess_wait (server->process, NULL, NULL);
  g_object_unref (server->process);
  if (server->ca_file != NULL)
    g_unlink (server->ca_file);
  if (server->cert_dir != NULL)
    g_rmdir (server->cert_dir);
  g_free (server->ca_file);
  g_free (server->cert_dir);
  g_free (server);
}
