/* The host function table as one plugin sees it: bound once at entry, plus
 * the small conveniences every department plugin needs (folding, config). */
#include "host_api.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Set once at entry, before any other call; read-only afterwards. */
static const motcua_host_api *host_api_table;

bool host_api_bind(const motcua_host_api *api)
{
    if (api == NULL || api->abi_major != MOTCUA_PLUGIN_ABI_MAJOR)
        return false;
    /* problem_add is the last field this plugin calls. */
    if (api->size < offsetof(motcua_host_api, problem_add) + sizeof api->problem_add)
        return false;
    host_api_table = api;
    return true;
}

const motcua_host_api *host_api(void)
{
    return host_api_table;
}

char *host_fold(const char *text)
{
    if (text == NULL)
        return NULL;
    return host_api_table->fold_text(text);
}

bool host_fold_in(const char *text, const char *const *folded_choices)
{
    char *folded = host_fold(text);
    bool found = false;
    if (folded == NULL)
        return false;
    for (size_t i = 0; folded_choices[i] != NULL && !found; i++)
        found = strcmp(folded, folded_choices[i]) == 0;
    host_api_table->free(folded);
    return found;
}

bool host_fold_has_prefix(const char *text, const char *prefix)
{
    char *folded = host_fold(text);
    size_t n = strlen(prefix);
    bool found;
    if (folded == NULL)
        return false;
    found = strncmp(folded, prefix, n) == 0 && folded[n] == ' ' && folded[n + 1] != '\0';
    host_api_table->free(folded);
    return found;
}

int host_config_long(motcua_host *host, const char *key, long fallback, long min, long max,
                     long *out)
{
    const char *text = host_api_table->config_get(host, key);
    if (text == NULL) {
        *out = fallback;
        return 0;
    }
    char *end = NULL;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || v < min || v > max) {
        host_api_table->log(host, MOTCUA_LOG_ERROR,
                            "config %s = \"%s\" is not an integer in [%ld, %ld]", key, text,
                            min, max);
        return -1;
    }
    *out = v;
    return 0;
}
