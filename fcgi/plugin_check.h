/* Offline plugin check: load every plugin of a folder as the server would and
 * print a report (motcuactl plugins check, motcua-fcgi -t). */
#ifndef MOTCUA_PLUGIN_CHECK_H
#define MOTCUA_PLUGIN_CHECK_H

#include <stdio.h>
#include "config.h"

/* Writes one line per plugin file to out ("ok   tuphap.so  department tuphap,
 * 1 procedures: khaisinh" or "FAIL bad.so  <reason>"). cfg may be NULL.
 * Returns the number of plugins skipped, or -1 if dir cannot be read. */
int plugin_check_dir(const char *dir, const config *cfg, FILE *out);

#endif
