/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "sim-expect.h"
#include "test-servers.h"

G_BEGIN_DECLS

/* A simulated module fetching a package from a test server, for the simulator's download tests
 * (test-sim-fetch.c, test-sim-dload-readings.c). Each call fails the test on a mismatch. */

#define DOWNLOAD_MS 15000

typedef struct {
  SimClient *client;
  GBytes *package;
  char *root; /* the servers' folder, also the module's --fs-root */
  TestServer *server;
} Fixture;

/* Starts @model with @extra and --fs-root, puts a package for it (of @size body bytes) at
 * pkg.bin in that folder, and serves the folder with a server of @kind (none for -1). */
void fixture_setup (Fixture *f, const char *model, int kind, const char *user, const char *password,
                    const char *size, const char *const *extra);
void fixture_teardown (Fixture *f);

/* AT+MFWCFG="url" for @path on the fixture's server. */
void set_url (Fixture *f, const char *path);
gsize package_size (Fixture *f);

/* The next line, which must be a +MFWDLOAD URC (progress lines may be skipped when @skip). */
char *next_dload (Fixture *f, gboolean skip_progress);

/* The next report but progress is "+MFWDLOAD: 2,<size>,<size>". */
void expect_download_success (Fixture *f);

G_END_DECLS
