/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "fwctl-common.h"

#include <gio/gunixfdlist.h>

G_BEGIN_DECLS

/* The options that say where a package comes from and how it is written (write, fetch, update). */
typedef struct {
  char *mode;    /* "hex" or "transparent" */
  gint64 offset; /* -1: none */
  char *user;
  gboolean password_stdin;
  char *ca_file;
  char *via; /* update only: "host" or "module" */
} FwctlPackageOptions;

/* Which options a command offers. */
typedef enum {
  FWCTL_PACKAGE_MODE = 1 << 0,   /* --mode */
  FWCTL_PACKAGE_OFFSET = 1 << 1, /* --offset */
  FWCTL_PACKAGE_SERVER = 1 << 2, /* --user, --password-stdin, --ca-file */
  FWCTL_PACKAGE_VIA = 1 << 3,    /* --via */
} FwctlPackageEntries;

/* The GOptionEntry table (zero-terminated) for @which, writing into @options. */
GArray *fwctl_package_entries (FwctlPackageOptions *options, FwctlPackageEntries which);

void fwctl_package_options_clear (FwctlPackageOptions *options);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FwctlPackageOptions, fwctl_package_options_clear)

/* Checks the options and adds those given to @builder (an a{sv}); reads the password from
 * stdin when asked. */
gboolean fwctl_package_options_build (FwctlPackageOptions *options, GVariantBuilder *builder,
                                      GError **error);

/* Opens @path read-only, checks it is a regular file, and appends its fd to @fd_list. */
gboolean fwctl_package_open (const char *path, GUnixFDList *fd_list, gint *out_index,
                             GError **error);

/* Whether @source is a URL rather than a file name. */
gboolean fwctl_package_is_url (const char *source);

G_END_DECLS
