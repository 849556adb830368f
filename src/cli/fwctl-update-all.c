/* SPDX-License-Identifier: GPL-2.0-or-later */
/* "update --all [--sub-model S]": a fleet of modules, one trial first.
 *
 * The manual (§3.4, AT+MFWUPGRADE, repeated in §4.1's flows) warns that ML302A/ML307A/ML302S/
 * ML307S cannot go back after a failed FOTA upgrade, and asks to try a single module before a
 * mass upgrade. So the first module is updated alone; the others only once it succeeded, one
 * after another (each keeps its own progress readable). A later failure does not stop the
 * others: the trial proved the package; the summary and the exit status tell. With
 * --expect-revision, modules already running it are left alone, and an updated module that
 * does not run it has failed. */
#include "config.h"

#include "fwctl-commands.h"
#include "fwctl-run.h"
#include "fwctl-update.h"

#include "onemo-firmware.h"

#include <glib/gi18n.h>

typedef enum {
  OUTCOME_UPDATED,
  OUTCOME_CURRENT, /* already runs --expect-revision: left alone */
  OUTCOME_FAILED,
  OUTCOME_SKIPPED,
} Outcome;
#define N_OUTCOMES 4

typedef struct {
  FwctlContext *ctx;
  GVariant *base;
  const char *source;
  const char *revision; /* --expect-revision, or NULL */
  guint counts[N_OUTCOMES];
  GError *first_error;
  gboolean stop; /* the trial failed, or Ctrl-C: the rest is left untouched */
} Fleet;

static gboolean
is_chosen (OnemoFwModule *module, const char *const *sub_models)
{
  const char *sub_model = onemo_fw_module_get_sub_model (module);

  return sub_models == NULL || (sub_model != NULL && g_strv_contains (sub_models, sub_model));
}

static GList *
chosen_modules (FwctlContext *ctx, const char *const *sub_models, GError **error)
{
  GList *modules = fwctl_list_modules (ctx);
  GList *chosen = NULL;

  for (GList *l = modules; l != NULL; l = l->next) {
    if (is_chosen (l->data, sub_models))
      chosen = g_list_append (chosen, g_object_ref (l->data));
  }
  g_list_free_full (modules, g_object_unref);
  if (chosen == NULL && sub_models != NULL) {
    g_autofree char *names = g_strjoinv (", ", (char **)sub_models);
    g_set_error (error, FWCTL_ERROR, FWCTL_ERROR_NO_MODULE, _ ("No module of sub-model %s"), names);
  } else if (chosen == NULL) {
    g_set_error_literal (error, FWCTL_ERROR, FWCTL_ERROR_NO_MODULE,
                         _ ("The service has found no module"));
  }
  return chosen;
}

static const char *
outcome_name (Outcome outcome)
{
  static const char *const names[] = { "updated", "current", "failed", "skipped" };

  return names[outcome];
}

/* With --json, one line per module once its outcome is known. */
static void
report_module_json (OnemoFwModule *module, Outcome outcome, const char *revision,
                    const GError *error)
{
  g_autoptr (FwctlJson) json = fwctl_json_new ();
  const char *path = onemo_fw_module_get_object_path (module);

  fwctl_json_begin_object (json);
  fwctl_json_member_string (json, "event", "module");
  fwctl_json_member_string (json, "module", path);
  fwctl_json_member_string (json, "id", fwctl_module_short_id (path));
  fwctl_json_member_string (json, "sub-model", onemo_fw_module_get_sub_model (module));
  fwctl_json_member_string (json, "port", onemo_fw_module_get_port (module));
  fwctl_json_member_bool (json, "ok", outcome == OUTCOME_UPDATED || outcome == OUTCOME_CURRENT);
  fwctl_json_member_string (json, "status", outcome_name (outcome));
  if (revision != NULL)
    fwctl_json_member_string (json, "revision", revision);
  if (error != NULL) {
    g_autofree char *name = fwctl_error_dbus_name (error);
    fwctl_json_member_string (json, "error", name);
    fwctl_json_member_string (json, "message", error->message);
    fwctl_json_member_uint (json, "exit", fwctl_exit_code_for_error (error));
  }
  fwctl_json_end_object (json);
  fwctl_print_json (json);
}

/* Updates @module; its new revision in *out_revision, which must be --expect-revision's. */
static gboolean
update_module (Fleet *fleet, OnemoFwModule *module, char **out_revision, GError **error)
{
  if (!fwctl_update_module (fleet->ctx, module, fleet->base, fleet->source, error))
    return FALSE;
  *out_revision = fwctl_get_string_property (fleet->ctx, module, "Revision");
  if (fleet->revision != NULL && g_strcmp0 (*out_revision, fleet->revision) != 0) {
    g_set_error (error, ONEMO_FIRMWARE_ERROR, ONEMO_FIRMWARE_ERROR_NOT_VERIFIED,
                 _ ("The module now runs %s, not %s"), *out_revision, fleet->revision);
    return FALSE;
  }
  return TRUE;
}

/* A module that already runs --expect-revision is left alone (a fleet run again after a
 * partial failure). */
static gboolean
is_current (Fleet *fleet, OnemoFwModule *module, const char *id)
{
  g_autofree char *revision = NULL;

  if (fleet->revision == NULL)
    return FALSE;
  revision = fwctl_get_string_property (fleet->ctx, module, "Revision");
  if (!g_str_equal (revision, fleet->revision))
    return FALSE;
  fleet->counts[OUTCOME_CURRENT]++;
  if (fleet->ctx->json)
    report_module_json (module, OUTCOME_CURRENT, revision, NULL);
  else if (!fleet->ctx->quiet)
    g_print (_ ("Module %s already runs %s\n"), id, revision);
  return TRUE;
}

static void
run_module (Fleet *fleet, OnemoFwModule *module)
{
  FwctlContext *ctx = fleet->ctx;
  const char *id = fwctl_module_short_id (onemo_fw_module_get_object_path (module));
  g_autoptr (GError) error = NULL;
  g_autofree char *revision = NULL;
  /* The first module this run updates is the trial. */
  gboolean trial = fleet->counts[OUTCOME_UPDATED] + fleet->counts[OUTCOME_FAILED] == 0;

  if (!fleet->stop && is_current (fleet, module, id))
    return;
  if (fleet->stop) {
    fleet->counts[OUTCOME_SKIPPED]++;
    if (ctx->json)
      report_module_json (module, OUTCOME_SKIPPED, NULL, NULL);
    return;
  }
  if (!ctx->json && !ctx->quiet)
    g_print (trial ? _ ("Module %s (%s on %s), the trial before the others:\n")
                   : _ ("Module %s (%s on %s):\n"),
             id, onemo_fw_module_get_sub_model (module), onemo_fw_module_get_port (module));
  if (!update_module (fleet, module, &revision, &error)) {
    g_autofree char *text = NULL;

    g_dbus_error_strip_remote_error (error);
    text = fwctl_error_format (error);
    g_printerr (_ ("onemo-fwctl: module %s: %s\n"), id, text);
    fleet->counts[OUTCOME_FAILED]++;
    if (ctx->json)
      report_module_json (module, OUTCOME_FAILED, NULL, error);
    fleet->stop
        = trial || g_error_matches (error, ONEMO_FIRMWARE_ERROR, ONEMO_FIRMWARE_ERROR_CANCELLED);
    if (fleet->first_error == NULL)
      fleet->first_error = g_steal_pointer (&error);
    return;
  }
  fleet->counts[OUTCOME_UPDATED]++;
  if (ctx->json)
    report_module_json (module, OUTCOME_UPDATED, revision, NULL);
  else if (!ctx->quiet)
    g_print (_ ("Updated: the module now runs %s\n"), revision);
}

/* The counts, then the result: the first failure's exit code, or 0. */
static int
report_summary (Fleet *fleet)
{
  FwctlContext *ctx = fleet->ctx;
  g_autoptr (FwctlJson) json = NULL;
  int exit_code;

  if (!ctx->json && !ctx->quiet)
    g_print (_ ("Summary: %u updated, %u already current, %u failed, %u not tried\n"),
             fleet->counts[OUTCOME_UPDATED], fleet->counts[OUTCOME_CURRENT],
             fleet->counts[OUTCOME_FAILED], fleet->counts[OUTCOME_SKIPPED]);
  if (fleet->first_error == NULL)
    exit_code = FWCTL_EXIT_OK;
  else
    exit_code = fwctl_exit_code_for_error (fleet->first_error);
  if (!ctx->json)
    return exit_code;
  json = fwctl_json_new ();
  fwctl_json_begin_object (json);
  fwctl_json_member_string (json, "event", "result");
  fwctl_json_member_bool (json, "ok", fleet->first_error == NULL);
  for (Outcome o = 0; o < N_OUTCOMES; o++)
    fwctl_json_member_uint (json, outcome_name (o), fleet->counts[o]);
  if (fleet->first_error != NULL) {
    g_autofree char *name = fwctl_error_dbus_name (fleet->first_error);
    fwctl_json_member_string (json, "error", name);
    fwctl_json_member_string (json, "message", fleet->first_error->message);
    fwctl_json_member_uint (json, "exit", exit_code);
  }
  fwctl_json_end_object (json);
  fwctl_print_json (json);
  return exit_code;
}

int
fwctl_update_all (FwctlContext *ctx, GVariant *base, const char *source,
                  const char *const *sub_models, const char *revision)
{
  Fleet fleet = { .ctx = ctx, .base = base, .source = source, .revision = revision };
  g_autoptr (GError) error = NULL;
  GList *modules;
  int exit_code;

  /* A package that cannot be opened is refused before the service is asked anything. */
  if (!fwctl_update_check_source (source, &error))
    return fwctl_report_error (ctx, g_steal_pointer (&error));
  if (!fwctl_connect (ctx, &error))
    return fwctl_report_error (ctx, g_steal_pointer (&error));
  modules = chosen_modules (ctx, sub_models, &error);
  if (modules == NULL)
    return fwctl_report_error (ctx, g_steal_pointer (&error));
  for (GList *l = modules; l != NULL; l = l->next)
    run_module (&fleet, l->data);
  g_list_free_full (modules, g_object_unref);
  exit_code = report_summary (&fleet);
  g_clear_error (&fleet.first_error);
  return exit_code;
}
