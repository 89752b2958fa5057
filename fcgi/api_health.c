/* GET /api/v1/health: liveness, with the store answering. */
#include <jansson.h>

#include "app.h"
#include "response.h"

static void health_get(request *req, void *ctx)
{
    app *a = ctx;
    bool store_ok = a->st != NULL && store_ping(a->st) == 0;
    response_json(req, store_ok ? 200 : 503,
                  json_pack("{s:s,s:s,s:i,s:i}", "status", store_ok ? "ok" : "degraded", "store",
                            store_ok ? "ok" : "unavailable", "procedures", (int)catalogue_count(a->cat),
                            "plugins", (int)a->plugins.count));
}

void api_health_register(router *r, app *a)
{
    router_add(r, "GET", "/api/v1/health", health_get, a);
}
