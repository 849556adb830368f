/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The fault knobs of the simulator: ways a module misbehaves that the host must survive. The
 * per-command knobs match a command line by its start, case-insensitively ("AT+MFWCHECK" also
 * matches "AT+MFWCHECK=2").
 */

typedef enum {
  SIM_FAULT_NONE,
  SIM_FAULT_SILENT,  /* no final result at all */
  SIM_FAULT_GARBAGE, /* binary noise, NULs, a 5000-byte line, and no final result */
  SIM_FAULT_ERROR,   /* +CME ERROR: <code> instead of the real answer */
  SIM_FAULT_FLOOD,   /* SIM_FAULTS_FLOOD_LINES lines of answer before the real one */
} SimFaultKind;

/* --test-form: the shape of AT+MFWCFG=? and AT+MFWDLOAD=? answers (the manual gives none). */
typedef enum {
  SIM_TEST_FORM_LIST,    /* one line listing every key or parameter: +MFWCFG: ("url","auth") */
  SIM_TEST_FORM_PER_KEY, /* one line per key: +MFWCFG: "url", +MFWCFG: "timeout",(30-180) */
  SIM_TEST_FORM_ERROR,   /* a bare ERROR */
  SIM_TEST_FORM_OK,      /* nothing but OK */
  SIM_TEST_FORM_GARBAGE, /* lines that read as nothing, then OK */
} SimTestForm;

/* --cfg-unreadable: what one key's query answers instead of its value. */
typedef enum {
  SIM_CFG_UNREADABLE_NONE,
  SIM_CFG_UNREADABLE_GARBAGE, /* +MFWCFG: "<key>", then a value no reading takes, then OK */
  SIM_CFG_UNREADABLE_ERROR,   /* a bare ERROR */
} SimCfgUnreadable;

typedef struct {
  GPtrArray *silent;  /* of char *: command prefixes */
  GPtrArray *garbage; /* of char * */
  GPtrArray *errors;  /* of SimFaultError * */
  GPtrArray *flood;   /* of char *: command prefixes */
  guint64 hangup_after;
  guint64 stall_at;
  gboolean stall_resumable;
  gboolean reboot_never;
  gboolean reboot_old_revision;
  char *cgmm; /* another vendor's model name for AT+CGMM and ATI; NULL: the series */

  /* Readings of the manual (issue 8, g and h) and a module still booting (its section 1). */
  gboolean cfg_bare;          /* --cfg-values bare: query values unquoted, as §3.1 prints them */
  GHashTable *cfg_unreadable; /* --cfg-unreadable: key → SimCfgUnreadable */
  SimTestForm test_form;      /* --test-form */
  guint start_deaf_ms;        /* --start-deaf-ms: input lost this long after start */
  guint faults_for_ms;        /* --faults-for-ms: --silent, --garbage, --error end then; 0 never */
} SimFaults;

SimFaults *sim_faults_new (void);
void sim_faults_free (SimFaults *self);

/* Parses "CMD=CODE" for --error; FALSE with @error when malformed. */
gboolean sim_faults_add_error (SimFaults *self, const char *spec, GError **error);

/* --cfg-values quoted|bare, --cfg-unreadable KEY=garbage|error, --test-form SHAPE; FALSE with
 * @error when malformed. */
gboolean sim_faults_set_cfg_values (SimFaults *self, const char *how, GError **error);
gboolean sim_faults_add_cfg_unreadable (SimFaults *self, const char *spec, GError **error);
gboolean sim_faults_set_test_form (SimFaults *self, const char *shape, GError **error);
SimCfgUnreadable sim_faults_cfg_unreadable (const SimFaults *self, const char *key);

/* The fault for @line, if any; @out_code gets the CME code of SIM_FAULT_ERROR. */
SimFaultKind sim_faults_match (const SimFaults *self, const char *line, gint *out_code);

#define SIM_FAULTS_FLOOD_LINES 100000

/* The flood before @command's real answer: lines that look like its own answer (with its
 * "+NAME:" prefix where it has one), so that a host gathers them all unless it bounds them. */
GString *sim_faults_flood (const char *command);

/* The garbage answer: noise, NULs and a long line without an end. */
GBytes *sim_faults_garbage (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SimFaults, sim_faults_free)

G_END_DECLS
