/* Loading and checking department plugins; the host function table. */
#include "plugin_host.h"

#include <dirent.h>
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fold.h"
#include "log.h"
#include "roles.h"
#include "request.h"
#include "response.h"

/* ---- the host function table -------------------------------------------- */

static void host_log(motcua_host *host, motcua_log_level level, const char *fmt, ...)
{
    char prefix[80];
    snprintf(prefix, sizeof prefix, "plugin %s: ", host && host->department ? host->department : "?");
    va_list ap;
    va_start(ap, fmt);
    log_vmsg((int)level, prefix, fmt, ap);
    va_end(ap);
}

static const char *host_config_get(motcua_host *host, const char *key)
{
    if (host == NULL || host->cfg == NULL || key == NULL)
        return NULL;
    return config_plugin_value(host->cfg, host->department, key);
}

static const char *host_request_method(motcua_request *req)
{
    return ((request *)req)->method;
}

static const char *host_request_param(motcua_request *req, const char *name)
{
    return name ? request_param_value((request *)req, name) : NULL;
}

static const char *host_request_body(motcua_request *req, size_t *len)
{
    request *r = (request *)req;
    if (len != NULL)
        *len = r->body_len;
    return r->body;
}

static void host_respond(motcua_request *req, int status, const char *content_type, const char *body,
                         size_t len)
{
    if (status < 200 || status > 599)
        status = 500;
    response_send((request *)req, status, content_type ? content_type : "application/octet-stream",
                  NULL, body ? body : "", body ? len : 0);
}

static void host_respond_error(motcua_request *req, int status, const char *code, const char *message)
{
    if (status < 400 || status > 599)
        status = 500;
    response_error((request *)req, status, code ? code : "error", message ? message : "");
}

static int host_registry_get(motcua_host *host, const char *key, char **value_out)
{
    if (host == NULL || host->st == NULL || key == NULL || value_out == NULL)
        return -1;
    return store_registry_get(host->st, host->department, key, value_out);
}

static int host_registry_put(motcua_host *host, const char *key, const char *value)
{
    if (host == NULL || host->st == NULL || key == NULL || value == NULL)
        return -1;
    return store_registry_put(host->st, host->department, key, value);
}

static void host_free(void *p)
{
    free(p);
}

static char *host_fold_text(const char *utf8)
{
    return fold_text(utf8);
}

static void host_problem_add(motcua_problems *problems, const char *field, const char *code,
                             const char *message)
{
    if (problems == NULL || problems->list == NULL)
        return;
    json_array_append_new(problems->list,
                          json_pack("{s:s,s:s,s:s}", "field", field ? field : "", "code",
                                    code ? code : "invalid", "message", message ? message : ""));
}

const motcua_host_api plugin_host_api = {
    .size = sizeof(motcua_host_api),
    .abi_major = MOTCUA_PLUGIN_ABI_MAJOR,
    .abi_minor = MOTCUA_PLUGIN_ABI_MINOR,
    .log = host_log,
    .config_get = host_config_get,
    .request_method = host_request_method,
    .request_param = host_request_param,
    .request_body = host_request_body,
    .respond = host_respond,
    .respond_error = host_respond_error,
    .registry_get = host_registry_get,
    .registry_put = host_registry_put,
    .free = host_free,
    .fold_text = host_fold_text,
    .problem_add = host_problem_add,
};

/* ---- loading -------------------------------------------------------------- */

static bool department_id_valid(const char *id)
{
    if (id == NULL || id[0] == '\0' || strlen(id) > 32)
        return false;
    for (const char *c = id; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_'))
            return false;
    return true;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_plugin_file(const struct dirent *d)
{
    size_t n = strlen(d->d_name);
    return d->d_name[0] != '.' && n > 3 && strcmp(d->d_name + n - 3, ".so") == 0;
}

static void plugin_release(loaded_plugin *p, bool run_fini)
{
    if (run_fini && p->decl && p->decl->fini)
        p->decl->fini(&p->host, p->state);
    for (size_t i = 0; i < p->route_count; i++)
        free(p->routes[i].pattern);
    free(p->routes);
    if (p->dl)
        dlclose(p->dl);
    free(p->file);
    memset(p, 0, sizeof *p);
}

/* True when declaration d is large enough to hold `field` (fields added in later minor
 * versions are read only then: a 1.0 declaration ends at route_count). */
#define PLUGIN_DECL_HAS(d, field) ((d)->size >= offsetof(motcua_plugin, field) + sizeof((d)->field))

/* Checks the declaration against the host's ABI; NULL if fine, else why not. A 1.0-sized
 * declaration (ending at route_count) is accepted; one claiming 1.1 must hold its hooks. */
static const char *plugin_check_decl(const motcua_plugin *d, char *why, size_t whylen)
{
    if (d->size < offsetof(motcua_plugin, route_count) + sizeof d->route_count) {
        snprintf(why, whylen, "declaration is %zu bytes, smaller than ABI 1.0's", d->size);
        return why;
    }
    if (d->abi_major == MOTCUA_PLUGIN_ABI_MAJOR && d->abi_minor >= 1 && !PLUGIN_DECL_HAS(d, render_result)) {
        snprintf(why, whylen, "declares ABI 1.%u but its declaration is %zu bytes, smaller than "
                              "ABI 1.1's", d->abi_minor, d->size);
        return why;
    }
    if (d->abi_major != MOTCUA_PLUGIN_ABI_MAJOR) {
        snprintf(why, whylen, "built for ABI major %u, this host speaks %u; rebuild the plugin",
                 d->abi_major, MOTCUA_PLUGIN_ABI_MAJOR);
        return why;
    }
    if (d->abi_minor > MOTCUA_PLUGIN_ABI_MINOR) {
        snprintf(why, whylen, "needs ABI %u.%u, this host has %u.%u; upgrade motcua",
                 d->abi_major, d->abi_minor, MOTCUA_PLUGIN_ABI_MAJOR, MOTCUA_PLUGIN_ABI_MINOR);
        return why;
    }
    if (!department_id_valid(d->department)) {
        snprintf(why, whylen, "department id '%s' is not [a-z0-9_]{1,32}",
                 d->department ? d->department : "(null)");
        return why;
    }
    if (d->route_count > 0 && d->routes == NULL) {
        snprintf(why, whylen, "declares %zu routes but no route table", d->route_count);
        return why;
    }
    for (size_t i = 0; i < d->route_count; i++) {
        const motcua_route *rt = &d->routes[i];
        if (rt->size < offsetof(motcua_route, roles) || rt->method == NULL || rt->path == NULL ||
            rt->path[0] != '/' || rt->handle == NULL) {
            snprintf(why, whylen, "route %zu is incomplete (size, method, path starting with /, handler)", i);
            return why;
        }
    }
    return NULL;
}

/* Builds the mounted patterns of p's routes. Returns NULL or why not. */
static const char *plugin_prepare_routes(loaded_plugin *p)
{
    const motcua_plugin *d = p->decl;
    if (d->route_count == 0)
        return NULL;
    p->routes = calloc(d->route_count, sizeof *p->routes);
    if (p->routes == NULL)
        return "out of memory";
    for (size_t i = 0; i < d->route_count; i++) {
        const motcua_route *rt = &d->routes[i];
        size_t n = strlen("/api/v1/departments/") + strlen(d->department) + strlen(rt->path) + 1;
        char *pattern = malloc(n);
        if (pattern == NULL)
            return "out of memory";
        snprintf(pattern, n, "/api/v1/departments/%s%s", d->department, rt->path);
        p->routes[i] = (plugin_route){pattern, rt, NULL, NULL};
        p->route_count++;
    }
    return NULL;
}

/* Loads one file into *p. Returns NULL on success, else the reason. */
static const char *plugin_load_one(loaded_plugin *p, const char *dir, const char *file,
                                   const plugin_set *set, catalogue *cat, const config *cfg,
                                   store *st, char *why, size_t whylen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    p->file = strdup(file);
    if (p->file == NULL)
        return "out of memory";
    dlerror();
    p->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (p->dl == NULL) {
        const char *e = dlerror();
        snprintf(why, whylen, "cannot be loaded: %s", e ? e : "unknown dlopen error");
        return why;
    }
    dlerror();
    void *sym = dlsym(p->dl, MOTCUA_PLUGIN_ENTRY_SYMBOL);
    if (sym == NULL) {
        snprintf(why, whylen, "has no entry symbol %s (is it a motcua plugin? was it built with "
                              "MOTCUA_PLUGIN_EXPORT?)", MOTCUA_PLUGIN_ENTRY_SYMBOL);
        return why;
    }
    motcua_plugin_entry_fn entry;
    memcpy(&entry, &sym, sizeof entry); /* object pointer -> function pointer, as POSIX allows */
    p->decl = entry(&plugin_host_api);
    if (p->decl == NULL)
        return "entry point refused to load (returned NULL)";
    const char *bad = plugin_check_decl(p->decl, why, whylen);
    if (bad != NULL) {
        p->decl = NULL; /* do not call fini of a plugin we never initialised */
        return bad;
    }
    if (plugin_set_find(set, p->decl->department) != NULL) {
        snprintf(why, whylen, "department '%s' is already served by another plugin", p->decl->department);
        p->decl = NULL;
        return why;
    }
    p->host = (struct motcua_host){p->decl->department, cfg, st};
    if ((bad = plugin_prepare_routes(p)) != NULL) {
        p->decl = NULL;
        return bad;
    }
    if (p->decl->init != NULL && p->decl->init(&p->host, &p->state) != 0) {
        snprintf(why, whylen, "init failed (see the plugin's log line above)");
        p->decl = NULL;
        return why;
    }
    if (p->decl->procedures_file != NULL) {
        char data[4096], cat_err[512];
        if (strchr(p->decl->procedures_file, '/') != NULL) {
            snprintf(why, whylen, "procedures_file '%s' must be a plain file name beside the plugin",
                     p->decl->procedures_file);
            return why;
        }
        snprintf(data, sizeof data, "%s/%s", dir, p->decl->procedures_file);
        size_t before = catalogue_count(cat);
        if (catalogue_load_file(cat, data, p->decl->department, cat_err, sizeof cat_err) != 0) {
            snprintf(why, whylen, "procedure data rejected: %s", cat_err);
            return why;
        }
        p->procedure_count = catalogue_count(cat) - before;
    }
    return NULL;
}

int plugin_set_load(plugin_set *set, const char *dir, catalogue *cat, const config *cfg, store *st,
                    plugin_report_fn report, void *report_ctx, char *err, size_t errlen)
{
    struct dirent **names = NULL;
    int n = scandir(dir, &names, is_plugin_file, by_name);
    if (n < 0) {
        snprintf(err, errlen, "plugin folder %s cannot be read: %m", dir);
        return -1;
    }
    set->items = calloc(n > 0 ? (size_t)n : 1, sizeof *set->items);
    if (set->items == NULL) {
        for (int i = 0; i < n; i++)
            free(names[i]);
        free(names);
        snprintf(err, errlen, "out of memory loading plugins");
        return -1;
    }
    for (int i = 0; i < n; i++) {
        loaded_plugin *p = &set->items[set->count];
        char why[1024];
        const char *problem = plugin_load_one(p, dir, names[i]->d_name, set, cat, cfg, st, why, sizeof why);
        if (problem == NULL) {
            for (size_t r = 0; r < p->route_count; r++)
                p->routes[r].owner = p;
            set->count++;
        }
        if (report)
            report(report_ctx, names[i]->d_name, problem ? NULL : p, problem);
        if (problem != NULL)
            plugin_release(p, p->decl != NULL);
        free(names[i]);
    }
    free(names);
    return 0;
}

void plugin_set_unload(plugin_set *set)
{
    for (size_t i = set->count; i-- > 0;)
        plugin_release(&set->items[i], true);
    free(set->items);
    set->items = NULL;
    set->count = 0;
}

loaded_plugin *plugin_set_find(const plugin_set *set, const char *department)
{
    for (size_t i = 0; i < set->count; i++)
        if (department && strcmp(set->items[i].decl->department, department) == 0)
            return &set->items[i];
    return NULL;
}

_Static_assert(MOTCUA_ROLE_COUNTER == ROLE_COUNTER && MOTCUA_ROLE_DEPARTMENT_OFFICER == ROLE_DEPARTMENT_OFFICER &&
                   MOTCUA_ROLE_DEPARTMENT_HEAD == ROLE_DEPARTMENT_HEAD && MOTCUA_ROLE_SUPERVISOR == ROLE_SUPERVISOR &&
                   MOTCUA_ROLE_ARCHIVIST == ROLE_ARCHIVIST && MOTCUA_ROLE_ADMIN == ROLE_ADMIN,
               "plugin.h role bits must equal roles.h");

/* The roles a route admits: its own mask (ABI 1.1), else 0 for a 1.0 route. */
static unsigned route_roles(const motcua_route *rt)
{
    return rt->size >= offsetof(motcua_route, roles) + sizeof rt->roles ? rt->roles : 0;
}

static bool route_changes_state(const char *method)
{
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

static void plugin_route_dispatch(request *req, void *ctx)
{
    plugin_route *pr = ctx;
    loaded_plugin *p = pr->owner;
    unsigned roles = route_roles(pr->route);
    if (roles != MOTCUA_ROUTE_PUBLIC && (roles != 0 || route_changes_state(req->method))) {
        const plugin_set *set = pr->set;
        if (set->guard == NULL) { /* no way to know who asks: fail closed */
            response_error(req, 403, "forbidden", "Bạn không có quyền thực hiện thao tác này.");
            return;
        }
        if (!set->guard(set->guard_ctx, req, roles != 0 ? roles & PLUGIN_ROUTE_ANY_STAFF : PLUGIN_ROUTE_ANY_STAFF,
                        p->decl->department))
            return; /* the guard has answered 401/403 */
    }
    pr->route->handle(&p->host, p->state, (motcua_request *)req);
    if (!req->responded) {
        log_msg(LOG_ERROR, "plugin %s: route %s %s sent no response", p->decl->department,
                pr->route->method, pr->pattern);
        response_error(req, 500, "plugin_no_response",
                       "Hệ thống chưa xử lý được yêu cầu này. Vui lòng báo cho quản trị viên.");
    }
}

int plugin_set_mount(plugin_set *set, router *r)
{
    int rc = 0;
    for (size_t i = 0; i < set->count; i++) {
        loaded_plugin *p = &set->items[i];
        for (size_t j = 0; j < p->route_count; j++) {
            plugin_route *pr = &p->routes[j];
            pr->set = set;
            if (router_add(r, pr->route->method, pr->pattern, plugin_route_dispatch, pr) != 0) {
                log_msg(LOG_ERROR, "plugin %s: route %s %s not mounted (malformed or taken)",
                        p->decl->department, pr->route->method, pr->pattern);
                rc = -1;
            }
        }
    }
    return rc;
}

int plugin_validate(loaded_plugin *p, const char *procedure_code, const char *dossier_json, json_t *list)
{
    if (p == NULL || p->decl->validate == NULL)
        return 0;
    struct motcua_problems problems = {list};
    return p->decl->validate(&p->host, p->state, procedure_code, dossier_json, &problems) == 0 ? 0 : -1;
}

int plugin_on_transition(loaded_plugin *p, const char *procedure_code, const char *action,
                         const char *dossier_json, json_t *list)
{
    if (p == NULL || !PLUGIN_DECL_HAS(p->decl, on_transition) || p->decl->on_transition == NULL)
        return 0;
    struct motcua_problems problems = {list};
    return p->decl->on_transition(&p->host, p->state, procedure_code, action, dossier_json,
                                  &problems) == 0 ? 0 : -1;
}

int plugin_render_result(loaded_plugin *p, const char *procedure_code, const char *dossier_json,
                         char **text, size_t *len)
{
    *text = NULL;
    *len = 0;
    if (p == NULL || !PLUGIN_DECL_HAS(p->decl, render_result) || p->decl->render_result == NULL)
        return 1;
    char *out = NULL;
    size_t n = 0;
    int rc = p->decl->render_result(&p->host, p->state, procedure_code, dossier_json, &out, &n);
    if (rc == 0 && out != NULL && memchr(out, '\0', n) == NULL) {
        *text = strndup(out, n); /* NUL-terminated, and allocated on this side */
        *len = n;
    }
    free(out);
    if (rc == 0 && *text != NULL)
        return 0;
    return rc == 1 ? 1 : -1;
}
