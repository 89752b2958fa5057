/* Durable replacement of a file: by a finished temporary one, or by a buffer (temp name, fsync, rename, fsync of the folder). */
#ifndef MOTCUA_SCAN_DURABLE_FILE_H
#define MOTCUA_SCAN_DURABLE_FILE_H

#include <stddef.h>

/* Fills tmp (size tmplen) with a temporary name beside path ("<path>.tmp-<pid>-<n>")
 * that no other process or call uses. 0, or -1 when it does not fit. */
int durable_temp_name(const char *path, char *tmp, size_t tmplen);

/* Gives tmp mode `mode`, fsyncs it, renames it over path and fsyncs path's
 * folder. Returns 0, or -1 with an English reason in err; on error tmp is
 * removed and path is untouched (except when only the folder fsync fails: the
 * new file is then in place but its name may not survive a power cut). */
int durable_commit(const char *tmp, const char *path, unsigned mode, char *err, size_t errlen);

/* Replaces path by len bytes of data (len 0: an empty file) with mode `mode`:
 * written in full under a durable_temp_name (created exclusively), then
 * durable_commit. Returns 0, or -1 with an English reason in err; on error no
 * temporary file is left and path is untouched (except as durable_commit says
 * when only the folder fsync fails). */
int durable_write(const char *path, const void *data, size_t len, unsigned mode, char *err,
                  size_t errlen);

#endif
