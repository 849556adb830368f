/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * LD_PRELOAD shim for tests: pread() on a file whose path contains $ONEMO_TEST_HANG_READS never
 * returns, as on a hung NFS or FUSE mount. Every other pread() goes straight to the kernel.
 */
/* Both pread() and pread64() are defined here, each under its own name. */
#undef _FILE_OFFSET_BITS
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int
is_marked (int fd)
{
  const char *mark = getenv ("ONEMO_TEST_HANG_READS");
  char link[64];
  char target[4096];
  ssize_t n;

  if (mark == NULL || mark[0] == '\0')
    return 0;
  snprintf (link, sizeof link, "/proc/self/fd/%d", fd);
  n = readlink (link, target, sizeof target - 1);
  if (n <= 0)
    return 0;
  target[n] = '\0';
  return strstr (target, mark) != NULL;
}

static ssize_t
pread_or_hang (int fd, void *buffer, size_t count, off64_t offset)
{
  if (is_marked (fd))
    for (;;)
      pause ();
  return syscall (SYS_pread64, fd, buffer, count, offset);
}

ssize_t
pread (int fd, void *buffer, size_t count, off_t offset)
{
  return pread_or_hang (fd, buffer, count, offset);
}

ssize_t
pread64 (int fd, void *buffer, size_t count, off64_t offset)
{
  return pread_or_hang (fd, buffer, count, offset);
}
