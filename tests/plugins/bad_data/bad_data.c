/* Test plugin: a valid ABI whose procedure data file (bad_data.json) is
 * present but invalid (a document without an id), so the host must skip it. */
#include <stddef.h>
#include <motcua/plugin.h>

static const motcua_plugin bad_data_plugin = {
    .size = sizeof(motcua_plugin),
    .abi_major = MOTCUA_PLUGIN_ABI_MAJOR,
    .abi_minor = MOTCUA_PLUGIN_ABI_MINOR,
    .department = "bad_data",
    .version = "0.0.1",
    .procedures_file = "bad_data.json",
};

MOTCUA_PLUGIN_EXPORT const motcua_plugin *motcua_plugin_entry(const motcua_host_api *api);

/* Returns the declaration. */
const motcua_plugin *motcua_plugin_entry(const motcua_host_api *api)
{
    (void)api;
    return &bad_data_plugin;
}
