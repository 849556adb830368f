/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libcurl's multi socket interface on a GLib main context. curl says which sockets to watch and
 * when its timer is due; each socket gets a unix-fd source and the timer a timeout source, and
 * whichever fires hands the event back to curl_multi_socket_action(). When the transfer ends,
 * the owner frees the loop, which removes every source: an idle daemon keeps no timer running.
 */
#include "onemo-curl-loop.h"

#include <glib-unix.h>

struct _OnemoCurlLoop {
  CURLM *multi;
  CURL *easy;
  GMainContext *context;
  GPtrArray *watches; /* SocketWatch, one per socket curl asked for */
  GSource *timer;
  OnemoCurlLoopDone done;
  gpointer user_data;
  gboolean finished;
  gboolean closing; /* freeing: curl's last callbacks find nothing left to change */
};

typedef struct {
  OnemoCurlLoop *loop;
  curl_socket_t fd;
  GIOCondition condition;
  GSource *source;
} SocketWatch;

static void
socket_watch_free (SocketWatch *watch)
{
  if (watch->source != NULL) {
    g_source_destroy (watch->source);
    g_source_unref (watch->source);
  }
  g_free (watch);
}

static void
destroy_timer (OnemoCurlLoop *loop)
{
  if (loop->timer == NULL)
    return;
  g_source_destroy (loop->timer);
  g_clear_pointer (&loop->timer, g_source_unref);
}

static void
finish (OnemoCurlLoop *loop, CURLcode code)
{
  if (loop->finished)
    return;
  loop->finished = TRUE;
  destroy_timer (loop);
  loop->done (code, loop->user_data); /* may free the loop */
}

/* Hands an event to curl; the loop may be gone when this returns. */
static void
drive (OnemoCurlLoop *loop, curl_socket_t fd, int events)
{
  int running = 0;
  CURLMcode status = curl_multi_socket_action (loop->multi, fd, events, &running);
  CURLMsg *message;
  int left = 0;

  if (status != CURLM_OK) {
    finish (loop, status == CURLM_OUT_OF_MEMORY ? CURLE_OUT_OF_MEMORY : CURLE_FAILED_INIT);
    return;
  }
  while ((message = curl_multi_info_read (loop->multi, &left)) != NULL) {
    if (message->msg == CURLMSG_DONE && message->easy_handle == loop->easy) {
      finish (loop, message->data.result);
      return;
    }
  }
}

static gboolean
on_socket_ready (gint fd, GIOCondition condition, gpointer user_data)
{
  SocketWatch *watch = user_data;
  int events = 0;

  if (condition & (G_IO_IN | G_IO_HUP))
    events |= CURL_CSELECT_IN;
  if (condition & G_IO_OUT)
    events |= CURL_CSELECT_OUT;
  if (condition & G_IO_ERR)
    events |= CURL_CSELECT_ERR;
  /* curl may drop this very watch while it works: sources are only ever destroyed explicitly. */
  drive (watch->loop, watch->fd, events);
  return G_SOURCE_CONTINUE;
}

static void
socket_watch_set (SocketWatch *watch, GIOCondition condition)
{
  if (watch->source != NULL && watch->condition == condition)
    return;
  if (watch->source != NULL) {
    g_source_destroy (watch->source);
    g_clear_pointer (&watch->source, g_source_unref);
  }
  watch->condition = condition;
  watch->source = g_unix_fd_source_new (watch->fd, condition);
  g_source_set_callback (watch->source, G_SOURCE_FUNC (on_socket_ready), watch, NULL);
  g_source_set_static_name (watch->source, "[onemo] curl socket");
  g_source_attach (watch->source, watch->loop->context);
}

static int
on_curl_socket (CURL *easy, curl_socket_t fd, int what, void *user_data, void *socket_data)
{
  OnemoCurlLoop *loop = user_data;
  SocketWatch *watch = socket_data;
  GIOCondition condition = 0;

  if (loop->closing)
    return 0;
  if (what == CURL_POLL_REMOVE) {
    if (watch != NULL) {
      curl_multi_assign (loop->multi, fd, NULL);
      g_ptr_array_remove_fast (loop->watches, watch);
    }
    return 0;
  }
  if (watch == NULL) {
    watch = g_new0 (SocketWatch, 1);
    watch->loop = loop;
    watch->fd = fd;
    g_ptr_array_add (loop->watches, watch);
    curl_multi_assign (loop->multi, fd, watch);
  }
  if (what == CURL_POLL_IN || what == CURL_POLL_INOUT)
    condition |= G_IO_IN;
  if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT)
    condition |= G_IO_OUT;
  socket_watch_set (watch, condition);
  return 0;
}

static gboolean
on_timer_due (gpointer user_data)
{
  OnemoCurlLoop *loop = user_data;

  /* curl's timer fires once; whatever curl wants next, it asks for during the action. */
  destroy_timer (loop);
  drive (loop, CURL_SOCKET_TIMEOUT, 0);
  return G_SOURCE_REMOVE;
}

static int
on_curl_timer (CURLM *multi, long timeout_ms, void *user_data)
{
  OnemoCurlLoop *loop = user_data;

  if (loop->closing)
    return 0;
  destroy_timer (loop);
  if (timeout_ms < 0)
    return 0;
  loop->timer = g_timeout_source_new ((guint)MIN (timeout_ms, (long)G_MAXUINT));
  g_source_set_callback (loop->timer, on_timer_due, loop, NULL);
  g_source_set_static_name (loop->timer, "[onemo] curl timer");
  g_source_attach (loop->timer, loop->context);
  return 0;
}

OnemoCurlLoop *
onemo_curl_loop_start (CURL *easy, GMainContext *context, OnemoCurlLoopDone done,
                       gpointer user_data, CURLMcode *out_code)
{
  OnemoCurlLoop *loop;
  CURLMcode code;

  g_return_val_if_fail (easy != NULL && done != NULL, NULL);

  loop = g_new0 (OnemoCurlLoop, 1);
  loop->easy = easy;
  loop->context = context ? g_main_context_ref (context) : g_main_context_ref_thread_default ();
  loop->watches = g_ptr_array_new_with_free_func ((GDestroyNotify)socket_watch_free);
  loop->done = done;
  loop->user_data = user_data;
  loop->multi = curl_multi_init ();
  if (loop->multi == NULL) {
    code = CURLM_OUT_OF_MEMORY;
    goto failed;
  }
  curl_multi_setopt (loop->multi, CURLMOPT_SOCKETFUNCTION, on_curl_socket);
  curl_multi_setopt (loop->multi, CURLMOPT_SOCKETDATA, loop);
  curl_multi_setopt (loop->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
  curl_multi_setopt (loop->multi, CURLMOPT_TIMERDATA, loop);
  /* Adding sets curl's timer to "now": the transfer starts from the context, not from here. */
  code = curl_multi_add_handle (loop->multi, easy);
  if (code != CURLM_OK)
    goto failed;
  if (out_code != NULL)
    *out_code = CURLM_OK;
  return loop;

failed:
  if (out_code != NULL)
    *out_code = code;
  loop->easy = NULL; /* never added */
  onemo_curl_loop_free (loop);
  return NULL;
}

void
onemo_curl_loop_free (OnemoCurlLoop *loop)
{
  if (loop == NULL)
    return;
  loop->closing = TRUE;
  if (loop->multi != NULL) {
    curl_multi_setopt (loop->multi, CURLMOPT_SOCKETFUNCTION, NULL);
    curl_multi_setopt (loop->multi, CURLMOPT_TIMERFUNCTION, NULL);
    if (loop->easy != NULL)
      curl_multi_remove_handle (loop->multi, loop->easy);
    curl_multi_cleanup (loop->multi); /* closes the connections it kept */
  }
  g_ptr_array_unref (loop->watches);
  destroy_timer (loop);
  g_main_context_unref (loop->context);
  g_free (loop);
}
