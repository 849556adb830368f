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
} SimFaults;

SimFaults *sim_faults_new (void);
void sim_faults_free (SimFaults *self);

/* Parses "CMD=CODE" for --error; FALSE with @error when malformed. */
gboolean sim_faults_add_error (SimFaults *self, const char *spec, GError **error);

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
