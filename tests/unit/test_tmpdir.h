/* A temporary folder for one unit test, removed with everything in it. Include after <cmocka.h>. */
#ifndef MOTCUA_TEST_TMPDIR_H
#define MOTCUA_TEST_TMPDIR_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

typedef struct tdir {
    char path[64];
} tdir;

/* Creates /tmp/motcua-<name>-XXXXXX; fails the test if it cannot. */
static inline void tdir_make(tdir *d, const char *name)
{
    int n = snprintf(d->path, sizeof d->path, "/tmp/motcua-%s-XXXXXX", name);
    assert_true(n > 0 && (size_t)n < sizeof d->path);
    assert_non_null(mkdtemp(d->path));
}

static inline int tdir_remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)type;
    (void)ftw;
    return remove(path);
}

/* Removes the folder and everything in it; fails the test if anything stays. */
static inline void tdir_remove(tdir *d)
{
    assert_int_equal(nftw(d->path, tdir_remove_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
}

/* d/name into out; fails the test if it does not fit. */
static inline void tdir_file(const tdir *d, const char *name, char *out, size_t outlen)
{
    int n = snprintf(out, outlen, "%s/%s", d->path, name);
    assert_true(n > 0 && (size_t)n < outlen);
}

#endif
