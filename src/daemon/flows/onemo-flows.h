/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The flows, one per method (onemo-flow-*.c), as the method table (onemo-flow-methods.c) runs
 * them: a prepare that checks the call's arguments against the sub-model before anything is
 * touched, then a start that runs on the operation once it holds the module and its port. */

#include "onemo-at-writer.h"
#include "onemo-command-sequence.h"
#include "onemo-module.h"
#include "onemo-operation.h"

G_BEGIN_DECLS

/* What a prepare hands to the operation's begin. */
typedef struct {
  const char *state;        /* the first State: the row's, unless the flow chooses another */
  gpointer data;            /* given to the start, which owns it from then */
  GDestroyNotify free_data; /* frees @data when the begin fails */
} OnemoFlowCall;

/* Checks @parameters (the call's, typed as the interface says) and fills @call; FALSE with a
 * named error when anything is wrong, and nothing has been touched then. */
typedef gboolean (*OnemoFlowPrepare) (OnemoModule *module, GDBusMethodInvocation *invocation,
                                      GVariant *parameters, OnemoFlowCall *call, GError **error);

gboolean onemo_flow_configure_prepare (OnemoModule *module, GDBusMethodInvocation *invocation,
                                       GVariant *parameters, OnemoFlowCall *call, GError **error);
void onemo_flow_configure_start (OnemoOperation *operation, gpointer sequence);
void onemo_flow_get_configuration_start (OnemoOperation *operation, gpointer data);

gboolean onemo_flow_checksum_prepare (OnemoModule *module, GDBusMethodInvocation *invocation,
                                      GVariant *parameters, OnemoFlowCall *call, GError **error);
void onemo_flow_checksum_start (OnemoOperation *operation, gpointer command);

gboolean onemo_flow_erase_prepare (OnemoModule *module, GDBusMethodInvocation *invocation,
                                   GVariant *parameters, OnemoFlowCall *call, GError **error);
void onemo_flow_erase_start (OnemoOperation *operation, gpointer data);

gboolean onemo_flow_download_prepare (OnemoModule *module, GDBusMethodInvocation *invocation,
                                      GVariant *parameters, OnemoFlowCall *call, GError **error);
void onemo_flow_download_start (OnemoOperation *operation, gpointer data);

gboolean onemo_flow_write_prepare (OnemoModule *module, GDBusMethodInvocation *invocation,
                                   GVariant *parameters, OnemoFlowCall *call, GError **error);
void onemo_flow_write_start (OnemoOperation *operation, gpointer request);

gboolean onemo_flow_fetch_prepare (OnemoModule *module, GDBusMethodInvocation *invocation,
                                   GVariant *parameters, OnemoFlowCall *call, GError **error);
void onemo_flow_fetch_start (OnemoOperation *operation, gpointer fetch);

gboolean onemo_flow_upgrade_prepare (OnemoModule *module, GDBusMethodInvocation *invocation,
                                     GVariant *parameters, OnemoFlowCall *call, GError **error);
void onemo_flow_upgrade_start (OnemoOperation *operation, gpointer data);

/* Upgrade()'s row of the method table, from its checks on, for Update()'s handover
 * (onemo_operation_handover()). */
void onemo_flow_upgrade_begin (OnemoModule *module, GDBusMethodInvocation *invocation);

/* Follows an upgrade the module was running when the daemon stopped, from the journal's
 * @phase ("upgrading", "rebooting" or "confirming"), without commanding it again. */
void onemo_flow_upgrade_follow (OnemoOperation *operation, const char *phase);

gboolean onemo_flow_update_prepare (OnemoModule *module, GDBusMethodInvocation *invocation,
                                    GVariant *parameters, OnemoFlowCall *call, GError **error);
void onemo_flow_update_start (OnemoOperation *operation, gpointer update);

/* A url the module itself would open (AT+MFWCFG="url"): its length, characters, and a scheme
 * the sub-model has; InvalidArgument or NotSupported (onemo-flow-configure.c). */
gboolean onemo_flow_url_supported (OnemoModule *module, const char *url, GError **error);

/* Configure()'s settings checked against the sub-model and turned into commands; nothing is
 * sent unless all of it is right (onemo-flow-configure.c). */
OnemoCommandSequence *onemo_flow_configure_build (OnemoModule *module, GVariant *settings,
                                                  GError **error);

/* Write()'s options, checked against the sub-model (onemo-flow-write.c). */
typedef struct {
  OnemoAtWriteMode mode;
  guint64 offset;
} OnemoWriteOptions;
gboolean onemo_flow_write_parse_options (OnemoModule *module, GVariant *options,
                                         OnemoWriteOptions *out, GError **error);

G_END_DECLS
