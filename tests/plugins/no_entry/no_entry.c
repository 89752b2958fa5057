/* Test plugin: exports a symbol, but not motcua_plugin_entry, so the host
 * must report the missing entry point and skip it. */
#include <stddef.h>
#include <motcua/plugin.h>

static const motcua_plugin no_entry_plugin = {
    .size = sizeof(motcua_plugin),
    .abi_major = MOTCUA_PLUGIN_ABI_MAJOR,
    .abi_minor = MOTCUA_PLUGIN_ABI_MINOR,
    .department = "no_entry",
    .version = "0.0.1",
};

MOTCUA_PLUGIN_EXPORT const motcua_plugin *motcua_plugin_entry_misspelt(const motcua_host_api *api);

/* A look-alike of the entry point under the wrong name. */
const motcua_plugin *motcua_plugin_entry_misspelt(const motcua_host_api *api)
{
    (void)api;
    return &no_entry_plugin;
}
