/* Test plugin: declares an ABI major the host cannot have, so the host must skip it. */
#include <stddef.h>
#include <motcua/plugin.h>

static const motcua_plugin bad_abi_plugin = {
    .size = sizeof(motcua_plugin),
    .abi_major = MOTCUA_PLUGIN_ABI_MAJOR + 98,
    .abi_minor = 0,
    .department = "bad_abi",
    .version = "0.0.1",
    .procedures_file = NULL,
    .routes = NULL,
    .route_count = 0,
};

MOTCUA_PLUGIN_EXPORT const motcua_plugin *motcua_plugin_entry(const motcua_host_api *api);

/* Always returns the (incompatible) declaration. */
const motcua_plugin *motcua_plugin_entry(const motcua_host_api *api)
{
    (void)api;
    return &bad_abi_plugin;
}
