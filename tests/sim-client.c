/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sim-client.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#define LINK_TIMEOUT_MS 5000

struct _SimClient {
  GSubprocess *process;
  char *dir;
  char *link;
  char *socket_address; /* a client of the sim's --socket instead of its pty */
  int fd;
  GByteArray *input;
  gboolean hung_up;
};

static const char *
sim_path (void)
{
  const char *path = g_getenv ("ONEMO_MODEM_SIM");

  g_assert_nonnull (path);
  return path;
}

/* The link appears atomically, so its existence means the pty is ready. */
static gboolean
wait_for_path (const char *path, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;

  while (!g_file_test (path, G_FILE_TEST_EXISTS)) {
    if (g_get_monotonic_time () > deadline)
      return FALSE;
    g_usleep (5 * G_TIME_SPAN_MILLISECOND);
  }
  return TRUE;
}

/* The sim must not outlive a test that aborts: it would hold the test's output open. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static GSubprocess *
spawn (GPtrArray *argv, GSubprocessFlags flags, GError **error)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  return g_subprocess_launcher_spawnv (launcher, (const char *const *)argv->pdata, error);
}

/* "abstract:NAME" is the abstract socket named by the whole string, as the sim listens. */
static gboolean
client_connect (SimClient *self)
{
  struct sockaddr_un address = { .sun_family = AF_UNIX };
  gsize length = strlen (self->socket_address);
  gboolean abstract = g_str_has_prefix (self->socket_address, "abstract:");
  char *name = address.sun_path + (abstract ? 1 : 0);

  g_assert_cmpuint (length, <, sizeof address.sun_path);
  memcpy (name, self->socket_address, length);
  self->fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  g_assert_cmpint (self->fd, >=, 0);
  if (connect (self->fd, (struct sockaddr *)&address,
               abstract ? offsetof (struct sockaddr_un, sun_path) + 1 + length : sizeof address)
      < 0) {
    sim_client_close (self);
    return FALSE;
  }
  self->hung_up = FALSE;
  return TRUE;
}

static gboolean
client_open (SimClient *self)
{
  struct termios tio;

  if (self->socket_address != NULL)
    return client_connect (self);
  self->fd = open (self->link, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (self->fd < 0)
    return FALSE;
  /* TCSANOW: TCSAFLUSH would throw away the +MATREADY waiting for us. */
  g_assert_cmpint (tcgetattr (self->fd, &tio), ==, 0);
  cfmakeraw (&tio);
  g_assert_cmpint (tcsetattr (self->fd, TCSANOW, &tio), ==, 0);
  self->hung_up = FALSE;
  return TRUE;
}

SimClient *
sim_client_new (const char *model, const char *const *extra)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  SimClient *self = g_new0 (SimClient, 1);

  self->dir = g_dir_make_tmp ("onemo-sim-XXXXXX", &error);
  g_assert_no_error (error);
  self->link = g_build_filename (self->dir, "tty", NULL);
  self->input = g_byte_array_new ();
  self->fd = -1;
  g_ptr_array_add (argv, (gpointer)sim_path ());
  g_ptr_array_add (argv, (gpointer) "--model");
  g_ptr_array_add (argv, (gpointer)model);
  g_ptr_array_add (argv, (gpointer) "--link");
  g_ptr_array_add (argv, self->link);
  g_ptr_array_add (argv, (gpointer) "--reboot-ms");
  g_ptr_array_add (argv, (gpointer) "50");
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer)extra[i]);
  g_ptr_array_add (argv, NULL);
  self->process = spawn (argv, G_SUBPROCESS_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_true (wait_for_path (self->link, LINK_TIMEOUT_MS));
  g_assert_true (client_open (self));
  return self;
}

SimClient *
sim_client_connect (const char *address)
{
  SimClient *self = g_new0 (SimClient, 1);

  self->socket_address = g_strdup (address);
  self->input = g_byte_array_new ();
  self->fd = -1;
  if (!client_open (self)) {
    sim_client_free (self);
    return NULL;
  }
  return self;
}

const char *
sim_client_dir (SimClient *self)
{
  return self->dir;
}

const char *
sim_client_link (SimClient *self)
{
  return self->link;
}

static void
remove_dir (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL) {
    g_autofree char *path = g_build_filename (dir, name, NULL);
    g_unlink (path);
  }
  g_rmdir (dir);
}

void
sim_client_free (SimClient *self)
{
  g_autoptr (GError) error = NULL;

  if (self == NULL)
    return;
  sim_client_close (self);
  if (self->process != NULL) {
    g_subprocess_send_signal (self->process, SIGTERM);
    g_subprocess_wait (self->process, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (g_subprocess_get_if_exited (self->process));
    g_assert_cmpint (g_subprocess_get_exit_status (self->process), ==, 0);
    g_assert_false (g_file_test (self->link, G_FILE_TEST_EXISTS | G_FILE_TEST_IS_SYMLINK));
    g_object_unref (self->process);
    remove_dir (self->dir);
  }
  g_free (self->dir);
  g_free (self->link);
  g_free (self->socket_address);
  g_byte_array_unref (self->input);
  g_free (self);
}

void
sim_client_close (SimClient *self)
{
  if (self->fd >= 0)
    close (self->fd);
  self->fd = -1;
}

gboolean
sim_client_reopen (SimClient *self, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;

  sim_client_close (self);
  g_byte_array_set_size (self->input, 0);
  /* The link of the old pty may still be there for a moment: retry until one opens. */
  while (g_get_monotonic_time () < deadline) {
    if ((self->socket_address != NULL || wait_for_path (self->link, timeout_ms))
        && client_open (self))
      return TRUE;
    g_usleep (5 * G_TIME_SPAN_MILLISECOND);
  }
  return FALSE;
}

void
sim_client_write (SimClient *self, const void *data, gsize length)
{
  gsize done = 0;

  g_assert_cmpint (self->fd, >=, 0);
  while (done < length) {
    ssize_t n = write (self->fd, (const guint8 *)data + done, length - done);
    if (n < 0 && errno == EINTR)
      continue;
    g_assert_cmpint (n, >, 0);
    done += n;
  }
}

void
sim_client_send (SimClient *self, const char *command)
{
  sim_client_write (self, command, strlen (command));
  sim_client_write (self, "\r", 1);
}

/* Reads what is there, waiting until @deadline; FALSE on timeout or hang-up. */
static gboolean
fill (SimClient *self, gint64 deadline)
{
  struct pollfd pfd = { .fd = self->fd, .events = POLLIN };
  guint8 buffer[4096];
  gint64 now = g_get_monotonic_time ();
  ssize_t n;

  if (self->fd < 0 || self->hung_up || now >= deadline)
    return FALSE;
  if (poll (&pfd, 1, (int)((deadline - now + 999) / 1000)) <= 0)
    return FALSE;
  n = read (self->fd, buffer, sizeof buffer);
  if (n <= 0) {
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
      return TRUE;
    self->hung_up = TRUE;
    return FALSE;
  }
  g_byte_array_append (self->input, buffer, n);
  return TRUE;
}

static char *
take_line (SimClient *self)
{
  for (;;) {
    guint8 *lf = self->input->len ? memchr (self->input->data, '\n', self->input->len) : NULL;
    gsize length;
    char *line;
    if (lf == NULL)
      return NULL;
    length = lf - self->input->data;
    line = g_strndup ((const char *)self->input->data, length);
    g_byte_array_remove_range (self->input, 0, length + 1);
    g_strdelimit (line, "\r", ' ');
    g_strstrip (line);
    if (line[0] != '\0')
      return line;
    g_free (line);
  }
}

char *
sim_client_read_line (SimClient *self, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;
  char *line;

  while ((line = take_line (self)) == NULL)
    if (!fill (self, deadline))
      return NULL;
  return line;
}

gboolean
sim_client_read_until (SimClient *self, const char *needle, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;
  gsize n = strlen (needle);

  for (;;) {
    const guint8 *found
        = self->input->len ? memmem (self->input->data, self->input->len, needle, n) : NULL;
    if (found != NULL) {
      g_byte_array_remove_range (self->input, 0, (found - self->input->data) + n);
      return TRUE;
    }
    if (!fill (self, deadline))
      return FALSE;
  }
}

GBytes *
sim_client_read_for (SimClient *self, guint ms)
{
  gint64 deadline = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;
  GBytes *bytes;

  while (g_get_monotonic_time () < deadline)
    if (!fill (self, deadline) && self->hung_up)
      break;
  bytes = g_bytes_new (self->input->data, self->input->len);
  g_byte_array_set_size (self->input, 0);
  return bytes;
}

gboolean
sim_client_wait_hangup (SimClient *self, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;

  while (!self->hung_up)
    if (!fill (self, deadline) && !self->hung_up)
      return FALSE;
  return TRUE;
}

static gboolean
is_final (const char *line)
{
  return g_str_equal (line, "OK") || g_str_equal (line, "ERROR")
         || g_str_has_prefix (line, "+CME ERROR:");
}

GPtrArray *
sim_client_command (SimClient *self, const char *command, guint timeout_ms)
{
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  gboolean echo_seen = FALSE;

  sim_client_send (self, command);
  for (;;) {
    char *line = sim_client_read_line (self, timeout_ms);
    if (line == NULL)
      return NULL;
    if (!echo_seen && g_str_equal (line, command)) {
      echo_seen = TRUE;
      g_free (line);
      continue;
    }
    g_ptr_array_add (lines, line);
    if (is_final (line))
      return g_steal_pointer (&lines);
  }
}

char *
sim_client_final (SimClient *self, const char *command)
{
  g_autoptr (GPtrArray) lines = sim_client_command (self, command, 3000);

  if (lines == NULL)
    return g_strdup ("");
  return g_strdup (g_ptr_array_index (lines, lines->len - 1));
}

int
sim_client_run (const char *const *argv, char **out_stdout)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) full = g_ptr_array_new ();
  g_autoptr (GSubprocess) process = NULL;

  g_ptr_array_add (full, (gpointer)sim_path ());
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (full, (gpointer)argv[i]);
  g_ptr_array_add (full, NULL);
  process
      = spawn (full, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, out_stdout, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  return g_subprocess_get_exit_status (process);
}
