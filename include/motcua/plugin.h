/* motcua department plugin ABI: the only header a plugin includes.
 *
 * Rules (learned from SQLite extensions, Apache MMN and Redis modules):
 *  - a plugin exports exactly one symbol, MOTCUA_PLUGIN_ENTRY_SYMBOL, and builds
 *    everything else with -fvisibility=hidden;
 *  - abi_major must equal the host's; abi_minor must be <= the host's;
 *  - every struct that crosses the boundary starts with its size and only ever
 *    grows at the end, so an older plugin on a newer host (and the reverse, for
 *    the host table) reads only the fields it knows;
 *  - a plugin sees an opaque host handle and the host function table; it never
 *    includes core internals;
 *  - the host loads plugins with RTLD_NOW | RTLD_LOCAL; a plugin that fails to
 *    load is reported by name with the reason and skipped.
 */
#ifndef MOTCUA_PLUGIN_H
#define MOTCUA_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MOTCUA_PLUGIN_ABI_MAJOR 1
#define MOTCUA_PLUGIN_ABI_MINOR 1

/* The one symbol a plugin exports. */
#define MOTCUA_PLUGIN_ENTRY_SYMBOL "motcua_plugin_entry"
#define MOTCUA_PLUGIN_EXPORT __attribute__((visibility("default")))

/* Opaque handles owned by the host. */
typedef struct motcua_host motcua_host;
typedef struct motcua_request motcua_request;
typedef struct motcua_problems motcua_problems;

typedef enum motcua_log_level {
    MOTCUA_LOG_DEBUG = 0,
    MOTCUA_LOG_INFO = 1,
    MOTCUA_LOG_WARN = 2,
    MOTCUA_LOG_ERROR = 3
} motcua_log_level;

/* What the host offers a plugin. Check `size` before using a field added in a
 * later minor version: offsetof(motcua_host_api, field) < api->size. */
typedef struct motcua_host_api {
    size_t size;
    unsigned abi_major;
    unsigned abi_minor;

    /* Operator log line, in English, prefixed by the host with the plugin name. */
    void (*log)(motcua_host *host, motcua_log_level level, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

    /* Value of `key` in the config section [plugin.<department>], or NULL. */
    const char *(*config_get)(motcua_host *host, const char *key);

    /* Request accessors; the strings live as long as the request. */
    const char *(*request_method)(motcua_request *req);
    /* A path parameter declared as {name} in the route, else a query parameter. NULL if absent. */
    const char *(*request_param)(motcua_request *req, const char *name);
    /* The request body (not NUL-terminated bytes, but always followed by a NUL), or NULL when empty. */
    const char *(*request_body)(motcua_request *req, size_t *len);

    /* Send the response. Call exactly one respond function per request;
     * a handler that sends none gets a 500 from the host. */
    void (*respond)(motcua_request *req, int status, const char *content_type,
                    const char *body, size_t len);
    /* {"error":{"code":code,"message":message_vi}} with the given status. */
    void (*respond_error)(motcua_request *req, int status, const char *code,
                          const char *message_vi);

    /* A plugin's own key/value registry in the store, namespaced by department.
     * registry_get: 1 and *value_out (free with api->free) if found, 0 if not, -1 on error.
     * registry_put: 0 stored, 1 key already present (value unchanged), -1 on error. */
    int (*registry_get)(motcua_host *host, const char *key, char **value_out);
    int (*registry_put)(motcua_host *host, const char *key, const char *value);
    void (*free)(void *ptr);

    /* Fold UTF-8 text for matching: lower case, Vietnamese diacritics removed,
     * đ -> d, runs of space/punctuation -> one space, trimmed.
     * Returns a malloc'ed string (free with api->free) or NULL on invalid UTF-8. */
    char *(*fold_text)(const char *utf8);

    /* Record a problem found by a validation hook: field is a JSON path such as
     * "applicant.id_number"; code is machine-readable; message_vi is for the citizen. */
    void (*problem_add)(motcua_problems *problems, const char *field, const char *code,
                        const char *message_vi);
} motcua_host_api;

/* A plugin route, mounted at /api/v1/departments/<department><path>.
 * path may hold {name} segments, read back with request_param(). */
/* Staff roles, for motcua_route.roles (ABI 1.1). */
#define MOTCUA_ROLE_COUNTER 0x01u
#define MOTCUA_ROLE_DEPARTMENT_OFFICER 0x02u /* of the plugin's own department only */
#define MOTCUA_ROLE_DEPARTMENT_HEAD 0x04u    /* of the plugin's own department only */
#define MOTCUA_ROLE_SUPERVISOR 0x08u
#define MOTCUA_ROLE_ARCHIVIST 0x10u
#define MOTCUA_ROLE_ADMIN 0x20u
/* motcua_route.roles: anyone, whatever the method: for read-only calculations
 * that take a body (a fee calculator, a name check). */
#define MOTCUA_ROUTE_PUBLIC 0x80000000u

typedef struct motcua_route {
    size_t size;
    const char *method; /* "GET", "POST", "PUT", "DELETE" */
    const char *path;   /* "/name-check", "/parcels/{id}" */
    void (*handle)(motcua_host *host, void *state, motcua_request *req);
    /* ABI 1.1: who may call the route, a mask of MOTCUA_ROLE_*. 0 means: anyone
     * for GET (public, like the catalogue), any logged-in staff member for
     * every other method. The host checks the session, the CSRF token of a
     * state-changing request and, for departmental roles, that the user belongs
     * to this plugin's department, before the handler runs. MOTCUA_ROUTE_PUBLIC
     * opens a route to everyone. */
    unsigned roles;
} motcua_route;

/* What a plugin declares. */
typedef struct motcua_plugin {
    size_t size;
    unsigned abi_major; /* MOTCUA_PLUGIN_ABI_MAJOR at build time */
    unsigned abi_minor; /* MOTCUA_PLUGIN_ABI_MINOR at build time */

    const char *department;      /* id, [a-z0-9_]+, equal to the data file's department.id */
    const char *version;         /* the plugin's own version, "1.0.0" */
    const char *procedures_file; /* data file beside the .so declaring its procedures;
                                  NULL for a plugin that declares only routes */

    /* Called once per process after loading. Return 0 on success; anything
     * else skips the plugin (log why with api->log first). May be NULL. */
    int (*init)(motcua_host *host, void **state_out);
    /* Called once before the process exits. May be NULL. */
    void (*fini)(motcua_host *host, void *state);

    /* Dossier validation hook: dossier_json is
     * {"procedure":code,"applicant":{name,id_number,phone,email,address,birth_date,sex},
     *  "channel":..., "details":{...procedure-specific fields...}}.
     * Add one problem per issue found. Return 0 when it ran (problems or not),
     * -1 on an internal failure. May be NULL. */
    int (*validate)(motcua_host *host, void *state, const char *procedure_code,
                    const char *dossier_json, motcua_problems *problems);

    const motcua_route *routes;
    size_t route_count;

    /* ---- ABI 1.1: the host reads these only when `size` covers them, so a 1.0
     * declaration (which ends at route_count) keeps loading. ---- */

    /* Transition hook, run inside the transition's store transaction, after the
     * dossier's own checks and before it commits: a problem added here refuses the
     * transition and nothing of it (nor anything the hook wrote with registry_put) is
     * kept. action is the API action ("transfer", "receive", "complete_step",
     * "send_back", "resubmit", "stop", "withdraw", "return"); dossier_json is
     * {"code","procedure","department","status" (before),"to" (after),
     *  "step":{"index","id","name","role"} (the current workflow step, or null),
     *  "applicant":{...},"details":{...},"actor":username,"at":"YYYY-MM-DD HH:MM"}.
     * Return 0 when it ran (problems or not), -1 on an internal failure (the
     * transition is refused with a 500). May be NULL. */
    int (*on_transition)(motcua_host *host, void *state, const char *procedure_code,
                         const char *action, const char *dossier_json,
                         motcua_problems *problems);

    /* Result document hook: the text of the dossier's result (e.g. "GIẤY KHAI
     * SINH"), which the host prints as a PDF (GET /dossiers/{code}/result.pdf).
     * dossier_json as for on_transition (without "to", "actor", "at"). The text is
     * plain UTF-8: the first line is the title, each further line a paragraph, a
     * line "Label: value" prints the label plain and the value bold, an empty line
     * is a gap. Return 0 with *out_text malloc()ed by the plugin (the host frees it
     * with free()) and *out_len its length in bytes; 1 when the procedure has no
     * result document; -1 on failure. May be NULL. */
    int (*render_result)(motcua_host *host, void *state, const char *procedure_code,
                         const char *dossier_json, char **out_text, size_t *out_len);
} motcua_plugin;

/* The entry point: returns the plugin's static declaration, or NULL to refuse
 * (for example when the host table is older than the plugin needs). */
typedef const motcua_plugin *(*motcua_plugin_entry_fn)(const motcua_host_api *api);

#ifdef __cplusplus
}
#endif
#endif /* MOTCUA_PLUGIN_H */
