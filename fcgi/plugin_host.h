/* The host side of the plugin ABI: loading department plugins from a folder,
 * checking them, feeding their data files to the catalogue, the host function
 * table, and mounting their routes. */
#ifndef MOTCUA_PLUGIN_HOST_H
#define MOTCUA_PLUGIN_HOST_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include "catalogue.h"
#include "config.h"
#include "motcua/plugin.h"
#include "router.h"
#include "store.h"

/* What a plugin sees as its opaque host handle. */
struct motcua_host {
    const char *department;
    const config *cfg;   /* may be NULL (offline checks) */
    store *st;           /* may be NULL (offline checks): registry calls then fail */
};

/* Problems collected by a validation hook: a JSON array of {field, code, message}. */
struct motcua_problems {
    json_t *list;
};

typedef struct plugin_route {
    char *pattern;                 /* "/api/v1/departments/<dept><path>" */
    const motcua_route *route;
    struct loaded_plugin *owner;
    const struct plugin_set *set;  /* for its guard, set by plugin_set_mount */
} plugin_route;

typedef struct loaded_plugin {
    char *file;                    /* base name, "tuphap.so" */
    void *dl;
    const motcua_plugin *decl;
    void *state;
    struct motcua_host host;
    plugin_route *routes;
    size_t route_count;
    size_t procedure_count;
} loaded_plugin;

/* Decides whether req may run a plugin route admitting `roles` (a mask of
 * MOTCUA_ROLE_* values, equal to core/roles.h's) of `department`: checks the
 * session, the CSRF token of a state-changing request, the role and, for a
 * departmental role, the department. Answers 401/403 itself and returns false. */
typedef bool (*plugin_route_guard)(void *ctx, request *req, unsigned roles, const char *department);

/* What a route with roles 0 admits for a state-changing method. */
#define PLUGIN_ROUTE_ANY_STAFF                                                                   \
    (MOTCUA_ROLE_COUNTER | MOTCUA_ROLE_DEPARTMENT_OFFICER | MOTCUA_ROLE_DEPARTMENT_HEAD |        \
     MOTCUA_ROLE_SUPERVISOR | MOTCUA_ROLE_ARCHIVIST | MOTCUA_ROLE_ADMIN)

typedef struct plugin_set {
    loaded_plugin *items;
    size_t count;
    plugin_route_guard guard;      /* NULL: routes that need a user are refused */
    void *guard_ctx;
} plugin_set;

/* Called once per plugin file: problem is NULL when it loaded, else the reason
 * it was skipped (one English sentence). */
typedef void (*plugin_report_fn)(void *ctx, const char *file, const loaded_plugin *loaded,
                                 const char *problem);

/* The host function table handed to every plugin. */
extern const motcua_host_api plugin_host_api;

/* Loads every "*.so" in dir, in name order, with RTLD_NOW | RTLD_LOCAL: finds
 * the entry symbol, checks ABI major/minor and struct sizes, checks the
 * department id (valid, not taken by an earlier plugin), runs init, then adds
 * its data file to cat. A plugin failing any step is reported, finalised,
 * unloaded and skipped, and cat is left without its procedures. cfg and st may
 * be NULL. Returns 0 when dir could be read (even if every plugin was skipped),
 * -1 with a reason in err otherwise. */
int plugin_set_load(plugin_set *set, const char *dir, catalogue *cat, const config *cfg, store *st,
                    plugin_report_fn report, void *report_ctx, char *err, size_t errlen);

/* Calls every fini and unloads; safe on a zeroed or partly loaded set. */
void plugin_set_unload(plugin_set *set);

/* The plugin of a department, or NULL. */
loaded_plugin *plugin_set_find(const plugin_set *set, const char *department);

/* Mounts every plugin route on r; set->guard (if any) must be set before. Returns 0, or -1 if a route cannot be added
 * (it is logged and the rest are still mounted). */
int plugin_set_mount(plugin_set *set, router *r);

/* Runs the department's validate hook on dossier_json; appends problems to
 * list. Returns 0 (hook ran or there is none) or -1 (hook failed). */
int plugin_validate(loaded_plugin *p, const char *procedure_code, const char *dossier_json, json_t *list);

/* Runs the department's on_transition hook (ABI 1.1; a 1.0 plugin or a NULL hook: nothing
 * to run) inside the caller's transaction; appends problems to list. Returns 0 (ran, or
 * none) or -1 (hook failed). */
int plugin_on_transition(loaded_plugin *p, const char *procedure_code, const char *action,
                         const char *dossier_json, json_t *list);

/* Runs the department's render_result hook (ABI 1.1). Returns 0 with *text (malloc'ed,
 * NUL-terminated, caller frees, *len bytes before the NUL), 1 when there is no hook or no result document,
 * -1 when the hook failed or returned no text; *text is NULL unless 0. */
int plugin_render_result(loaded_plugin *p, const char *procedure_code, const char *dossier_json,
                         char **text, size_t *len);

#endif
