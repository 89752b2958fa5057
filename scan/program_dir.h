/* Where the running program lives, to find its companions (motcua-scan-worker,
 * motcua-scan, the tessdata and plugin folders) in the build tree and once installed. */
#ifndef MOTCUA_SCAN_PROGRAM_DIR_H
#define MOTCUA_SCAN_PROGRAM_DIR_H

#include <stddef.h>

/* The folder of the running program (/proc/self/exe). 0, or -1 with dir "" when unknown
 * or too long. */
int program_dir(char *dir, size_t len);

/* The path of `name` in that folder. 0, or -1 when the folder is unknown or the path does
 * not fit. */
int program_beside(const char *name, char *path, size_t len);

#endif
