/* Helpers shared by the libFuzzer harnesses (tests/fuzz/README.md): a private
 * scratch folder for inputs that must be files, and a contract check that
 * aborts (libFuzzer keeps the input) instead of asserting, so that it holds in
 * every build. Header-only: each harness is one translation unit. */
#ifndef MOTCUA_FUZZ_UTIL_H
#define MOTCUA_FUZZ_UTIL_H

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* libFuzzer's entry points: each harness defines both. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts with the broken contract's text: a finding like a crash. */
#define FUZZ_REQUIRE(cond)                                                                      \
    do {                                                                                        \
        if (!(cond)) {                                                                          \
            fprintf(stderr, "fuzz: contract broken at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                            \
        }                                                                                       \
    } while (0)

static char fuzz_dir[4096];

/* Removes the scratch folder and the files in it (it holds no folders). */
static inline void fuzz_dir_remove(void)
{
    DIR *d = opendir(fuzz_dir);
    if (d != NULL) {
        for (struct dirent *e; (e = readdir(d)) != NULL;)
            if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
                unlinkat(dirfd(d), e->d_name, 0);
        closedir(d);
    }
    rmdir(fuzz_dir);
}

/* Makes the process's scratch folder ($TMPDIR or /tmp, removed at exit) once;
 * returns it. Aborts when it cannot be made: the harness cannot run. */
static inline const char *fuzz_scratch_dir(void)
{
    if (fuzz_dir[0] != '\0')
        return fuzz_dir;
    const char *tmp = getenv("TMPDIR");
    snprintf(fuzz_dir, sizeof fuzz_dir, "%s/motcua-fuzz.XXXXXX", tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
    if (mkdtemp(fuzz_dir) == NULL) {
        perror("fuzz: mkdtemp");
        abort();
    }
    atexit(fuzz_dir_remove);
    return fuzz_dir;
}

/* Writes data to path, replacing it. Aborts on failure (a full disk is no finding to keep). */
static inline void fuzz_write_file(const char *path, const uint8_t *data, size_t size)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    FUZZ_REQUIRE(fd >= 0);
    size_t off = 0;
    while (off < size) {
        ssize_t n = write(fd, data + off, size - off);
        FUZZ_REQUIRE(n > 0);
        off += (size_t)n;
    }
    FUZZ_REQUIRE(close(fd) == 0);
}

#endif
