/* Test plugin: loads fine, but its init logs a reason and fails, so the host
 * must skip it and keep serving the others. */
#include <stddef.h>
#include <motcua/plugin.h>

static const motcua_host_api *failing_init_api;

/* Always fails, after saying why. */
static int failing_init_init(motcua_host *host, void **state_out)
{
    *state_out = NULL;
    failing_init_api->log(host, MOTCUA_LOG_ERROR,
                          "init failed on purpose: this test plugin never starts");
    return -1;
}

static const motcua_plugin failing_init_plugin = {
    .size = sizeof(motcua_plugin),
    .abi_major = MOTCUA_PLUGIN_ABI_MAJOR,
    .abi_minor = MOTCUA_PLUGIN_ABI_MINOR,
    .department = "failing_init",
    .version = "0.0.1",
    .procedures_file = NULL,
    .init = failing_init_init,
};

MOTCUA_PLUGIN_EXPORT const motcua_plugin *motcua_plugin_entry(const motcua_host_api *api);

/* Returns the declaration; NULL without a host table to log through. */
const motcua_plugin *motcua_plugin_entry(const motcua_host_api *api)
{
    if (api == NULL || api->abi_major != MOTCUA_PLUGIN_ABI_MAJOR)
        return NULL;
    failing_init_api = api;
    return &failing_init_plugin;
}
