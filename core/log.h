/* Operator log: one English line per event, "2026-11-23T18:00:00Z warn [1234] text". */
#ifndef MOTCUA_LOG_H
#define MOTCUA_LOG_H

#include <stdarg.h>

enum log_level { LOG_DEBUG = 0, LOG_INFO = 1, LOG_WARN = 2, LOG_ERROR = 3 };

/* Opens path for appending (NULL: stderr) and sets the lowest level written.
 * Returns 0, or -1 with errno set (logging then goes to stderr). Safe to call
 * again, e.g. after SIGHUP to follow a rotated file. */
int log_open(const char *path, int min_level);

/* Parses "debug", "info", "warn", "error"; returns -1 for anything else. */
int log_level_parse(const char *name);

/* Writes one line with a single write(2), so lines from several processes
 * sharing the file never interleave. Long lines are cut at 4 KiB. */
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_vmsg(int level, const char *prefix, const char *fmt, va_list ap);

#endif
