/* The host function table as one plugin sees it: bound once at entry, plus
 * the small conveniences every department plugin needs (folding, config). */
#ifndef PLUGIN_HOST_API_H
#define PLUGIN_HOST_API_H

#include <stdbool.h>
#include <motcua/plugin.h>

/* Keeps `api` for the life of the process if the plugin can use it: same ABI
 * major, and a table large enough to hold every field this plugin calls.
 * Returns false (and keeps nothing) otherwise, or when api is NULL. */
bool host_api_bind(const motcua_host_api *api);

/* The bound table; only valid after host_api_bind returned true. */
const motcua_host_api *host_api(void);

/* api->fold_text(text): the folded copy (free with host_api()->free), or NULL
 * when text is NULL or not valid UTF-8. */
char *host_fold(const char *text);

/* True when the folded form of text equals one of `folded_choices`
 * (a NULL-terminated list of already folded strings). False when text is
 * NULL or not valid UTF-8. */
bool host_fold_in(const char *text, const char *const *folded_choices);

/* True when the folded form of text starts with the folded word(s) `prefix`
 * followed by a space and at least one more character (e.g. "cong ty tnhh"). */
bool host_fold_has_prefix(const char *text, const char *prefix);

/* Reads the integer setting `key` of [plugin.<department>] into *out, or
 * `fallback` when the key is absent. Returns 0 on success; -1 (after logging
 * an English line naming the key, the value and the range) when the value is
 * not a base-10 integer within [min, max]. */
int host_config_long(motcua_host *host, const char *key, long fallback, long min, long max,
                     long *out);

#endif
