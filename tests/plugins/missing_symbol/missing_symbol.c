/* Test plugin: needs a function no library defines, so dlopen(RTLD_NOW) fails
 * with "undefined symbol: motcua_function_that_does_not_exist". */
#include <stddef.h>
#include <motcua/plugin.h>

extern void motcua_function_that_does_not_exist(void);

/* Never runs: the plugin cannot be loaded. */
static int missing_symbol_init(motcua_host *host, void **state_out)
{
    (void)host;
    *state_out = NULL;
    motcua_function_that_does_not_exist();
    return 0;
}

static const motcua_plugin missing_symbol_plugin = {
    .size = sizeof(motcua_plugin),
    .abi_major = MOTCUA_PLUGIN_ABI_MAJOR,
    .abi_minor = MOTCUA_PLUGIN_ABI_MINOR,
    .department = "missing_symbol",
    .version = "0.0.1",
    .procedures_file = NULL,
    .init = missing_symbol_init,
};

MOTCUA_PLUGIN_EXPORT const motcua_plugin *motcua_plugin_entry(const motcua_host_api *api);

/* Returns the declaration (unreachable when loading fails as intended). */
const motcua_plugin *motcua_plugin_entry(const motcua_host_api *api)
{
    (void)api;
    return &missing_symbol_plugin;
}
