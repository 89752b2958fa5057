/* What a worker serves with: its config, the scoreboard, the catalogue, the
 * store, the loaded plugins and the routes. One per worker process. */
#ifndef MOTCUA_APP_H
#define MOTCUA_APP_H

#include "calendar.h"
#include "catalogue.h"
#include "config.h"
#include "plugin_host.h"
#include "request.h"
#include "router.h"
#include "scoreboard.h"
#include "store.h"

typedef struct app {
    const config *cfg;
    scoreboard *sb;        /* NULL outside the process manager (tests) */
    worker_slot *slot;     /* this worker's slot, or NULL */
    catalogue *cat;
    calendar *cal;         /* working days, with the yearly overrides of [centre] calendar_file */
    store *st;
    plugin_set plugins;
    router *routes;
} app;

/* Opens the store, loads the plugins and their catalogue, records procedure
 * versions and builds the routes. Plugins that fail are logged (when
 * report_plugins) and skipped. Returns 0, or -1 with a reason in err (store or
 * plugin folder unusable): the worker cannot serve then. */
int app_init(app *a, const config *cfg, bool report_plugins, char *err, size_t errlen);

/* Releases everything app_init took; safe on a zeroed app. */
void app_fini(app *a);

/* Serves one parsed request: reads a bounded body, routes, answers 404/405/413
 * with the API's JSON errors, and makes sure exactly one response is sent. */
void app_dispatch(app *a, request *req, request_parse_result parsed);

/* Route registration, one function per API file. */
void api_health_register(router *r, app *a);
void api_status_register(router *r, app *a);
void api_procedures_register(router *r, app *a);
void api_dossiers_register(router *r, app *a);
void api_session_register(router *r, app *a);
void api_overdue_register(router *r, app *a);
void api_return_register(router *r, app *a);
void api_lookup_register(router *r, app *a);
void api_stats_register(router *r, app *a);
void api_scan_register(router *r, app *a);

#endif
