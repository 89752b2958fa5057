/* Test plugin: routes that answer, crash with SIGSEGV, or hang, to prove one
 * bad plugin costs one worker and one request, never the service. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <motcua/plugin.h>

static const motcua_host_api *crashy_api;

#define CRASHY_OK_BODY "{\"ok\":true}"

/* GET /ok -> 200 {"ok":true}. */
static void crashy_ok(motcua_host *host, void *state, motcua_request *req)
{
    (void)host;
    (void)state;
    crashy_api->respond(req, 200, "application/json", CRASHY_OK_BODY, strlen(CRASHY_OK_BODY));
}

/* GET /segfault: a real SIGSEGV, through a volatile so no compiler removes it. */
static void crashy_segfault(motcua_host *host, void *state, motcua_request *req)
{
    (void)host;
    (void)state;
    (void)req;
    volatile int *volatile nowhere = NULL;
    *nowhere = 42;
}

/* GET /sleep?seconds=N (0..86400, default 60): sleeps N seconds, even
 * through signals, then answers 200 {"slept":N}. */
static void crashy_sleep(motcua_host *host, void *state, motcua_request *req)
{
    (void)host;
    (void)state;
    long seconds = 60;
    const char *text = crashy_api->request_param(req, "seconds");
    if (text != NULL) {
        char *end = NULL;
        errno = 0;
        seconds = strtol(text, &end, 10);
        if (errno != 0 || end == text || *end != '\0' || seconds < 0 || seconds > 86400) {
            crashy_api->respond_error(req, 400, "invalid_seconds",
                                      "Tham số seconds phải là số nguyên từ 0 đến 86400.");
            return;
        }
    }
    struct timespec left = { (time_t)seconds, 0 };
    while (nanosleep(&left, &left) != 0 && errno == EINTR)
        ;
    char body[64];
    int n = snprintf(body, sizeof body, "{\"slept\":%ld}", seconds);
    crashy_api->respond(req, 200, "application/json", body, (size_t)n);
}

static const motcua_route crashy_routes[] = {
    { sizeof(motcua_route), "GET", "/ok", crashy_ok, 0 },
    { sizeof(motcua_route), "GET", "/segfault", crashy_segfault, 0 },
    { sizeof(motcua_route), "GET", "/sleep", crashy_sleep, 0 },
};

static const motcua_plugin crashy_plugin = {
    .size = sizeof(motcua_plugin),
    .abi_major = MOTCUA_PLUGIN_ABI_MAJOR,
    .abi_minor = MOTCUA_PLUGIN_ABI_MINOR,
    .department = "crashy",
    .version = "0.0.1",
    .procedures_file = NULL,
    .routes = crashy_routes,
    .route_count = sizeof crashy_routes / sizeof crashy_routes[0],
};

MOTCUA_PLUGIN_EXPORT const motcua_plugin *motcua_plugin_entry(const motcua_host_api *api);

/* Returns the declaration, or NULL without a usable host table. */
const motcua_plugin *motcua_plugin_entry(const motcua_host_api *api)
{
    if (api == NULL || api->abi_major != MOTCUA_PLUGIN_ABI_MAJOR)
        return NULL;
    crashy_api = api;
    return &crashy_plugin;
}
