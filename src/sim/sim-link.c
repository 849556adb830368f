/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sim-link.h"

#include "onemo-error.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <pty.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

struct _SimLink {
  char *path;
  guint rate; /* bytes a second; 0 = unthrottled */
  gsize chunk;
  int log_fd;
  guint64 hangup_after;
  guint64 received;
  gboolean dead; /* hung up for good */

  int master_fd;
  int slave_fd; /* ours, so a host closing its descriptor never makes the master read EIO */
  guint read_watch;
  guint write_watch;

  /* Input: a chunk read ahead, handed over when the line would have carried it. */
  GByteArray *in_chunk;
  gint64 in_free_at;
  GSource *in_timer;

  /* Output: bytes queued, of which out_ready have had their line time and may be written. */
  GByteArray *outbox;
  gsize out_ready;
  gsize out_scheduled;
  gint64 out_free_at;
  GSource *out_timer;
  GRand *pieces; /* --noise: random piece sizes and gaps; NULL: none */

  /* A reboot waits for the outbox to drain, then for down_ms. */
  SimReboot reboot;

  SimLinkReceive receive;
  gpointer receive_data;
};

static void link_flush (SimLink *self);
static void link_watch_input (SimLink *self);

/* ---- µs timers: g_timeout_add() rounds to ms, too coarse for line rates ---- */

static gboolean
timer_dispatch (GSource *source, GSourceFunc callback, gpointer user_data)
{
  g_source_set_ready_time (source, -1);
  return callback (user_data);
}

static GSourceFuncs timer_funcs = { .dispatch = timer_dispatch };

static GSource *
timer_new (GSourceFunc callback, gpointer user_data)
{
  GSource *source = g_source_new (&timer_funcs, sizeof (GSource));

  g_source_set_callback (source, callback, user_data, NULL);
  g_source_set_ready_time (source, -1);
  g_source_attach (source, NULL);
  return source;
}

static gint64
line_time_us (SimLink *self, gsize n_bytes)
{
  return (gint64)((n_bytes * G_USEC_PER_SEC + self->rate / 2) / self->rate);
}

/* The UART rule: a transfer starts when the line is free, or now (1 ms of slack). */
static gint64
line_reserve (SimLink *self, gint64 *free_at, gsize n_bytes)
{
  gint64 start = MAX (*free_at, g_get_monotonic_time () - 1000);

  *free_at = start + line_time_us (self, n_bytes);
  return *free_at;
}

/* ---- the pty and its symlink ---- */

static gboolean
link_open (SimLink *self, GError **error)
{
  struct termios tio;
  char slave_name[256];
  g_autofree char *tmp_path = NULL;
  int master_fd, slave_fd;

  if (openpty (&master_fd, &slave_fd, slave_name, NULL, NULL) < 0)
    return g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_FAILED, "openpty: %s", g_strerror (errno)),
           FALSE;
  /* Raw at once: a cooked slave would echo the host's bytes back to it. */
  if (tcgetattr (slave_fd, &tio) == 0) {
    cfmakeraw (&tio);
    tcsetattr (slave_fd, TCSANOW, &tio);
  }
  g_unix_set_fd_nonblocking (master_fd, TRUE, NULL);
  fcntl (master_fd, F_SETFD, FD_CLOEXEC);
  fcntl (slave_fd, F_SETFD, FD_CLOEXEC);

  /* Atomic: a host waiting for the path sees either nothing or the finished link. */
  tmp_path = g_strdup_printf ("%s.%u.tmp", self->path, (guint)getpid ());
  g_unlink (tmp_path);
  if (symlink (slave_name, tmp_path) < 0 || g_rename (tmp_path, self->path) < 0) {
    int saved = errno;
    g_unlink (tmp_path);
    close (master_fd);
    close (slave_fd);
    return g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_FAILED, "cannot link %s: %s", self->path,
                        g_strerror (saved)),
           FALSE;
  }
  self->master_fd = master_fd;
  self->slave_fd = slave_fd;
  self->in_free_at = self->out_free_at = 0;
  link_watch_input (self);
  return TRUE;
}

static void
link_close (SimLink *self)
{
  g_clear_handle_id (&self->read_watch, g_source_remove);
  g_clear_handle_id (&self->write_watch, g_source_remove);
  if (self->in_timer != NULL)
    g_source_set_ready_time (self->in_timer, -1);
  if (self->out_timer != NULL)
    g_source_set_ready_time (self->out_timer, -1);
  g_byte_array_set_size (self->in_chunk, 0);
  g_byte_array_set_size (self->outbox, 0);
  self->out_ready = self->out_scheduled = 0;
  if (self->master_fd >= 0) {
    close (self->master_fd);
    close (self->slave_fd);
    self->master_fd = self->slave_fd = -1;
    g_unlink (self->path);
  }
}

/* ---- input ---- */

static void
link_deliver (SimLink *self, const guint8 *data, gsize length)
{
  if (self->log_fd >= 0) {
    gsize done = 0;
    while (done < length) {
      ssize_t n = write (self->log_fd, data + done, length - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      done += n;
    }
  }
  self->receive (data, length, self->receive_data);
  if (self->hangup_after > 0 && self->received >= self->hangup_after && !self->dead) {
    self->dead = TRUE;
    link_close (self);
  }
}

static gboolean
on_input_timer (gpointer user_data)
{
  SimLink *self = user_data;
  g_autoptr (GByteArray) chunk = g_steal_pointer (&self->in_chunk);

  self->in_chunk = g_byte_array_new ();
  if (self->master_fd >= 0)
    link_watch_input (self);
  link_deliver (self, chunk->data, chunk->len);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_master_readable (int fd, GIOCondition condition, gpointer user_data)
{
  SimLink *self = user_data;
  guint8 buffer[4096];
  gsize want = self->rate > 0 ? MIN (self->chunk, sizeof buffer) : sizeof buffer;
  ssize_t n = read (fd, buffer, want);

  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return G_SOURCE_CONTINUE;
  if (n <= 0) {
    /* Cannot happen while we hold the slave open; do not spin if it does. */
    g_warning ("pty read: %s", n < 0 ? g_strerror (errno) : "end of file");
    self->read_watch = 0;
    return G_SOURCE_REMOVE;
  }
  if (self->hangup_after > 0)
    n = MIN ((guint64)n, self->hangup_after - self->received);
  self->received += n;
  if (self->rate == 0) {
    link_deliver (self, buffer, n);
    return self->master_fd >= 0 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
  }
  /* Hold the chunk until the line would have carried it, and leave the rest unread in the
   * pty meanwhile so that the writer blocks, as on a real UART. */
  g_byte_array_append (self->in_chunk, buffer, n);
  g_source_set_ready_time (self->in_timer, line_reserve (self, &self->in_free_at, n));
  self->read_watch = 0;
  return G_SOURCE_REMOVE;
}

static void
link_watch_input (SimLink *self)
{
  if (self->read_watch == 0)
    self->read_watch = g_unix_fd_add (self->master_fd, G_IO_IN, on_master_readable, self);
}

/* ---- output ---- */

static gboolean
link_reopen (gpointer channel, GError **error)
{
  return link_open (channel, error);
}

static void
link_reboot_now (SimLink *self)
{
  link_close (self);
  sim_reboot_went_down (&self->reboot, self->dead);
}

static gboolean
on_master_writable (int fd, GIOCondition condition, gpointer user_data)
{
  SimLink *self = user_data;

  self->write_watch = 0;
  link_flush (self);
  return G_SOURCE_REMOVE;
}

static gboolean
on_output_timer (gpointer user_data)
{
  SimLink *self = user_data;

  self->out_ready += self->out_scheduled;
  self->out_scheduled = 0;
  link_flush (self);
  return G_SOURCE_CONTINUE;
}

static void
link_flush (SimLink *self)
{
  if (self->master_fd < 0)
    return;
  if (self->rate == 0 && self->pieces == NULL)
    self->out_ready = self->outbox->len;
  while (self->out_ready > 0) {
    ssize_t n = write (self->master_fd, self->outbox->data, self->out_ready);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      /* The host is not reading: wait until the pty takes more. */
      if (self->write_watch == 0)
        self->write_watch = g_unix_fd_add (self->master_fd, G_IO_OUT, on_master_writable, self);
      return;
    }
    g_byte_array_remove_range (self->outbox, 0, n);
    self->out_ready -= n;
  }
  if (self->pieces != NULL && self->rate == 0 && self->out_scheduled == 0
      && self->outbox->len > 0) {
    /* A piece of 1–8 bytes, then a gap of up to 2 ms: a host sees split lines. */
    gsize piece = (gsize)g_rand_int_range (self->pieces, 1, 9); /* MIN() evaluates twice */
    self->out_scheduled = MIN (piece, self->outbox->len);
    g_source_set_ready_time (self->out_timer,
                             g_get_monotonic_time () + g_rand_int_range (self->pieces, 0, 2000));
    return;
  }
  if (self->rate > 0 && self->out_scheduled == 0 && self->outbox->len > 0) {
    self->out_scheduled = MIN (self->chunk, self->outbox->len);
    g_source_set_ready_time (self->out_timer,
                             line_reserve (self, &self->out_free_at, self->out_scheduled));
    return;
  }
  if (self->outbox->len == 0 && self->reboot.pending)
    link_reboot_now (self);
}

void
sim_link_write (SimLink *self, const void *data, gsize length)
{
  if (self->master_fd < 0 || self->reboot.pending)
    return;
  g_byte_array_append (self->outbox, data, length);
  link_flush (self);
}

void
sim_link_write_string (SimLink *self, const char *text)
{
  sim_link_write (self, text, strlen (text));
}

gboolean
sim_link_is_up (SimLink *self)
{
  return self->master_fd >= 0;
}

gsize
sim_link_unread (SimLink *self)
{
  int pending = 0;

  /* Our own slave descriptor sees the host's input queue. */
  if (self->slave_fd < 0 || ioctl (self->slave_fd, FIONREAD, &pending) < 0)
    return 0;
  return self->outbox->len + (gsize)MAX (pending, 0);
}

void
sim_link_reboot (SimLink *self, guint down_ms, gboolean forever, SimLinkEvent up,
                 gpointer user_data)
{
  if (self->dead || self->master_fd < 0)
    return;
  sim_reboot_request (&self->reboot, down_ms, forever, up, user_data);
  link_flush (self);
}

SimLink *
sim_link_new (const SimLinkOptions *options, SimLinkReceive receive, gpointer user_data,
              GError **error)
{
  g_autoptr (SimLink) self = g_new0 (SimLink, 1);

  self->path = g_strdup (options->path);
  self->rate = options->baud / 10;
  if (options->baud > 0 && self->rate == 0)
    self->rate = 1;
  /* Small chunks keep the timing smooth: 2 ms of line time, at least 64 bytes. */
  self->chunk = MAX (64, self->rate * 2 / 1000);
  self->hangup_after = options->hangup_after;
  if (options->pieces_seed >= 0)
    self->pieces = g_rand_new_with_seed ((guint32)options->pieces_seed);
  self->master_fd = self->slave_fd = self->log_fd = -1;
  self->in_chunk = g_byte_array_new ();
  self->outbox = g_byte_array_new ();
  self->in_timer = timer_new (on_input_timer, self);
  self->out_timer = timer_new (on_output_timer, self);
  self->receive = receive;
  self->receive_data = user_data;
  self->reboot.reopen = link_reopen;
  self->reboot.channel = self;
  if (options->log_path != NULL) {
    self->log_fd = open (options->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (self->log_fd < 0)
      return g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_FAILED, "cannot open log %s: %s",
                          options->log_path, g_strerror (errno)),
             NULL;
  }
  if (!link_open (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

void
sim_link_free (SimLink *self)
{
  if (self == NULL)
    return;
  link_close (self);
  sim_reboot_clear (&self->reboot);
  if (self->in_timer != NULL) {
    g_source_destroy (self->in_timer);
    g_source_unref (self->in_timer);
  }
  if (self->out_timer != NULL) {
    g_source_destroy (self->out_timer);
    g_source_unref (self->out_timer);
  }
  if (self->log_fd >= 0)
    close (self->log_fd);
  g_clear_pointer (&self->pieces, g_rand_free);
  g_byte_array_unref (self->in_chunk);
  g_byte_array_unref (self->outbox);
  g_free (self->path);
  g_free (self);
}
