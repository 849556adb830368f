/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "onemo-at-writer.h"
#include "onemo-flows.h"

#include <gio/gunixfdlist.h>

G_BEGIN_DECLS

/* How Update() loads the package (onemo-flow-update.c says what each route checks). */
typedef enum {
  ONEMO_UPDATE_HOST,   /* the host writes an fd, or a url it fetched, over the serial port */
  ONEMO_UPDATE_MODULE, /* AT+MFWDLOAD: the module downloads, then AT+MFWUPGRADE */
  ONEMO_UPDATE_SELF,   /* AT+MFWUPGRADE downloads and validates the package itself */
} OnemoUpdateRoute;

/* One Update() call: its checked options, then what the run learns. */
typedef struct {
  OnemoModule *module;
  OnemoOperation *operation; /* from the start on */
  OnemoUpdateRoute route;
  int fd;       /* the package the host holds, -1 if none (yet) */
  guint64 size; /* its size */
  char *url;
  char *user;
  char *password;
  GBytes *ca; /* the CA bundle for the host's fetch, NULL: the system's */
  OnemoAtWriteMode mode;
  char *expected_sha256; /* the caller's, or the host's own fetch for a module download */
  gboolean have_expected_size;
  guint64 expected_size;
  gboolean digest_fetch; /* the host fetches url only to learn its digest */
  char *loaded_sha256;   /* what the host wrote */
  gboolean size_checked; /* a size was compared with what the module holds */
} OnemoUpdate;

/* onemo-flow-update-options.c: checks every option against the sub-model and fills @update,
 * taking the fd from @fd_list; nothing is sent anywhere. */
gboolean onemo_update_parse (OnemoUpdate *update, GVariant *options, GUnixFDList *fd_list,
                             GError **error);

G_END_DECLS
