/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Identification tried again, bounded, while the module may still come to answer. */
#include "onemo-identify-retry.h"

#include "onemo-error.h"
#include "onemo-module.h"

/* Pauses between identification attempts double from the first to the last. */
#define RETRY_FIRST_S 1
#define RETRY_MAX_S   32

typedef struct {
  guint limit_s;
  guint attempts;
  guint delay_s;   /* the last pause */
  gint64 until_us; /* monotonic: no attempt starts later */
} RetryData;

gboolean
onemo_identify_error_may_pass (const GError *error)
{
  return !g_error_matches (error, ONEMO_ERROR, ONEMO_ERROR_NOT_SUPPORTED)
         && !g_error_matches (error, ONEMO_ERROR, ONEMO_ERROR_INVALID_ARGUMENT)
         && !g_error_matches (error, ONEMO_ERROR, ONEMO_ERROR_CANCELLED)
         && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void attempt (GTask *owned);

static gboolean
pause_over (gpointer user_data)
{
  GTask *task = user_data;

  /* Unplugged, removed or shut down meanwhile: the cancellable ended the pause. */
  if (!g_task_return_error_if_cancelled (task))
    attempt (g_object_ref (task));
  return G_SOURCE_REMOVE;
}

/* Plans the next attempt after a failure that may pass; FALSE once the limit is over. */
static gboolean
retry_later (GTask *task, const GError *error)
{
  RetryData *data = g_task_get_task_data (task);
  OnemoModule *module = g_task_get_source_object (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr (GSource) pause = NULL;
  gint64 now = g_get_monotonic_time ();
  gint64 left_s;

  if (data->attempts == 1)
    data->until_us = now + (gint64)data->limit_s * G_USEC_PER_SEC;
  left_s = (data->until_us - now) / G_USEC_PER_SEC;
  if (left_s <= 0)
    return FALSE;
  data->delay_s = data->delay_s == 0 ? RETRY_FIRST_S : MIN (data->delay_s * 2, RETRY_MAX_S);
  data->delay_s = MIN (data->delay_s, (guint)left_s);
  g_debug ("%s: no answer yet (%s), again in %u s", onemo_module_get_device (module),
           error->message, data->delay_s);
  pause = g_timeout_source_new_seconds (data->delay_s);
  if (cancellable != NULL) {
    g_autoptr (GSource) cancelled = g_cancellable_source_new (cancellable);

    /* A cancel ends the pause at once: the child makes the pause ready. */
    g_source_set_dummy_callback (cancelled);
    g_source_add_child_source (pause, cancelled);
  }
  g_task_attach_source (task, pause, pause_over);
  return TRUE;
}

static void
attempt_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RetryData *data = g_task_get_task_data (task);
  OnemoModule *module = ONEMO_MODULE (source);
  g_autoptr (GError) error = NULL;

  if (onemo_module_identify_finish (module, result, &error)) {
    if (data->attempts > 1)
      g_info ("%s: identified at attempt %u", onemo_module_get_device (module), data->attempts);
    g_task_return_boolean (task, TRUE);
    return;
  }
  if (g_task_return_error_if_cancelled (task))
    return;
  if (!onemo_identify_error_may_pass (error) || !retry_later (task, error))
    g_task_return_error (task, g_steal_pointer (&error));
}

/* Takes @owned. */
static void
attempt (GTask *owned)
{
  RetryData *data = g_task_get_task_data (owned);

  data->attempts++;
  onemo_module_identify_async (g_task_get_source_object (owned), g_task_get_cancellable (owned),
                               attempt_done, owned);
}

void
onemo_identify_retry_async (OnemoModule *module, guint limit_s, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (module, cancellable, callback, user_data);
  RetryData *data = g_new0 (RetryData, 1);

  g_task_set_source_tag (task, onemo_identify_retry_async);
  data->limit_s = limit_s;
  g_task_set_task_data (task, data, g_free);
  attempt (task);
}

gboolean
onemo_identify_retry_finish (OnemoModule *module, GAsyncResult *result, guint *out_attempts,
                             GError **error)
{
  RetryData *data = g_task_get_task_data (G_TASK (result));

  if (out_attempts != NULL)
    *out_attempts = data->attempts;
  return g_task_propagate_boolean (G_TASK (result), error);
}
