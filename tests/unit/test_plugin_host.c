/* Unit tests for the plugin host: loading real and broken plugins, skip reasons, routes, the host API. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalogue.h"
#include "config.h"
#include "plugin_host.h"
#include "response.h"
#include "request.h"
#include "router.h"
#include "store.h"
#include "test_support.h"

/* ---- fixture: a temp plugin folder, a catalogue, a config and a store ---- */

#define MAX_REPORTS 32

typedef struct report_entry {
    char file[128];
    bool loaded;
    char department[64];
    char problem[1024];
} report_entry;

typedef struct fixture {
    char build[PATH_MAX];   /* absolute $BUILD */
    char dir[64];           /* the plugin folder under test */
    test_db db;             /* the store's folder, and the store */
    catalogue *cat;
    config *cfg;
    plugin_set set;
    report_entry reports[MAX_REPORTS];
    size_t report_count;
} fixture;

static void collect_report(void *ctx, const char *file, const loaded_plugin *loaded, const char *problem)
{
    fixture *f = ctx;
    assert_true(f->report_count < MAX_REPORTS);
    report_entry *r = &f->reports[f->report_count++];
    snprintf(r->file, sizeof r->file, "%s", file);
    r->loaded = problem == NULL;
    if (problem == NULL) {
        assert_non_null(loaded);
        snprintf(r->department, sizeof r->department, "%s", loaded->decl->department);
    } else {
        assert_null(loaded);
        snprintf(r->problem, sizeof r->problem, "%s", problem);
    }
}

static const report_entry *report_for(const fixture *f, const char *file)
{
    for (size_t i = 0; i < f->report_count; i++)
        if (strcmp(f->reports[i].file, file) == 0)
            return &f->reports[i];
    fail_msg("no report for %s", file);
    return NULL;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (f == NULL)
        return -1;
    const char *build = getenv("BUILD");
    if (build == NULL || build[0] == '\0')
        build = "build";
    if (realpath(build, f->build) == NULL) {
        fprintf(stderr, "build folder %s not found (run from the repository root)\n", build);
        free(f);
        return -1;
    }
    snprintf(f->dir, sizeof f->dir, "/tmp/motcua-plugins-XXXXXX");
    if (mkdtemp(f->dir) == NULL) {
        free(f);
        return -1;
    }
    if (test_db_make(&f->db, "phstore") != 0) {
        rmdir(f->dir);
        free(f);
        return -1;
    }
    char err[512];
    f->cat = catalogue_new();
    f->cfg = config_parse_text("[plugin.taichinh]\nmin_charter_capital = 1\n"
                               "[plugin.tuphap]\ngreeting = Xin chào\n",
                               "test.ini", err, sizeof err);
    if (f->cat == NULL || f->cfg == NULL || store_open(f->db.path, 1000, &f->db.st, err, sizeof err) != 0) {
        fprintf(stderr, "setup: %s\n", err);
        return -1;
    }
    *state = f;
    return 0;
}

/* Removes every entry of a flat folder, then the folder. */
static int remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return -1;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char p[PATH_MAX];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        unlink(p);
    }
    closedir(d);
    return rmdir(dir);
}

static int teardown(void **state)
{
    fixture *f = *state;
    plugin_set_unload(&f->set);
    catalogue_free(f->cat);
    config_free(f->cfg);
    int rc = test_db_remove(&f->db);
    rc |= remove_dir(f->dir);
    free(f);
    return rc;
}

/* out = a/b/c (c may be NULL); fails the test when it does not fit. */
static void path_join(char *out, size_t outlen, const char *a, const char *b, const char *c)
{
    int n = c ? snprintf(out, outlen, "%s/%s/%s", a, b, c) : snprintf(out, outlen, "%s/%s", a, b);
    assert_true(n > 0 && (size_t)n < outlen);
}

/* Links $BUILD/<sub>/<name> into the plugin folder; fails the test if it is missing. */
static void link_in(fixture *f, const char *sub, const char *name)
{
    char src[PATH_MAX], dst[PATH_MAX];
    path_join(src, sizeof src, f->build, sub, name);
    path_join(dst, sizeof dst, f->dir, name, NULL);
    if (access(src, R_OK) != 0)
        fail_msg("%s is missing: run `make all` (the plugin may not be written yet)", src);
    assert_int_equal(symlink(src, dst), 0);
}

/* Copies $BUILD/<sub>/<name> into the plugin folder as new_name (a distinct file, not a link). */
static void copy_in(fixture *f, const char *sub, const char *name, const char *new_name)
{
    char src[PATH_MAX], dst[PATH_MAX];
    path_join(src, sizeof src, f->build, sub, name);
    path_join(dst, sizeof dst, f->dir, new_name, NULL);
    FILE *in = fopen(src, "rb");
    assert_non_null(in);
    FILE *out = fopen(dst, "wb");
    assert_non_null(out);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        assert_int_equal(fwrite(buf, 1, n, out), n);
    fclose(in);
    assert_int_equal(fclose(out), 0);
}

/* Links every department plugin (.so and .json) of $BUILD/plugins; returns how many .so. */
static size_t link_department_plugins(fixture *f)
{
    char src[PATH_MAX];
    path_join(src, sizeof src, f->build, "plugins", NULL);
    DIR *d = opendir(src);
    if (d == NULL)
        fail_msg("%s is missing: run `make all`", src);
    size_t count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        bool so = n > 3 && strcmp(e->d_name + n - 3, ".so") == 0;
        bool json = n > 5 && strcmp(e->d_name + n - 5, ".json") == 0;
        if (e->d_name[0] == '.' || (!so && !json))
            continue;
        link_in(f, "plugins", e->d_name);
        count += so;
    }
    closedir(d);
    return count;
}

static void load(fixture *f)
{
    char err[512] = "";
    if (plugin_set_load(&f->set, f->dir, f->cat, f->cfg, f->db.st, collect_report, f, err, sizeof err) != 0)
        fail_msg("plugin_set_load: %s", err);
}

/* Every catalogue procedure belongs to a loaded plugin, and the counts add up. */
static void check_catalogue_matches_plugins(const fixture *f)
{
    size_t sum = 0;
    for (size_t i = 0; i < f->set.count; i++)
        sum += f->set.items[i].procedure_count;
    assert_int_equal(catalogue_count(f->cat), sum);
    for (size_t i = 0; i < catalogue_count(f->cat); i++) {
        const cat_procedure *p = catalogue_at(f->cat, i);
        if (plugin_set_find(&f->set, p->department->id) == NULL)
            fail_msg("procedure %s of department %s has no loaded plugin", p->code, p->department->id);
    }
}

/* ---- loading ---------------------------------------------------------------- */

static void test_department_plugins_load(void **state)
{
    fixture *f = *state;
    size_t n = link_department_plugins(f);
    assert_true(n >= 1);
    load(f);
    assert_int_equal(f->report_count, n);
    for (size_t i = 0; i < f->report_count; i++)
        if (!f->reports[i].loaded)
            fail_msg("%s skipped: %s", f->reports[i].file, f->reports[i].problem);
    assert_int_equal(f->set.count, n);
    check_catalogue_matches_plugins(f);

    /* the demo catalogue: each department plugin present serves its procedure */
    static const struct { const char *dept, *code; } demo[] = {
        {"tuphap", "khaisinh"}, {"congan", "lltp"}, {"taichinh", "dkdn"},
        {"xaydung", "gpxd"},    {"nnmt", "dkdd"},
    };
    size_t seen = 0;
    for (size_t i = 0; i < sizeof demo / sizeof demo[0]; i++) {
        loaded_plugin *p = plugin_set_find(&f->set, demo[i].dept);
        if (p == NULL)
            continue;
        seen++;
        char file[64];
        snprintf(file, sizeof file, "%s.so", demo[i].dept);
        assert_string_equal(p->file, file);
        assert_true(p->procedure_count >= 1);
        const cat_procedure *proc = catalogue_find(f->cat, demo[i].code);
        if (proc == NULL)
            fail_msg("plugin %s loaded without procedure %s", demo[i].dept, demo[i].code);
        assert_string_equal(proc->department->id, demo[i].dept);
    }
    assert_non_null(plugin_set_find(&f->set, "tuphap"));
    assert_true(seen >= 1);
    assert_null(plugin_set_find(&f->set, "nope"));
    assert_null(plugin_set_find(&f->set, NULL));
}

typedef struct broken_case {
    const char *name;       /* file stem in $BUILD/test-plugins */
    const char *department; /* what it would have declared */
    const char *reason[3];  /* substrings the reason must hold */
} broken_case;

static const broken_case broken[] = {
    {"bad_abi", "bad_abi", {"ABI major", "rebuild", NULL}},
    {"missing_symbol", "missing_symbol", {"cannot be loaded", "motcua_function_that_does_not_exist", NULL}},
    {"no_entry", "no_entry", {"no entry symbol", "motcua_plugin_entry", NULL}},
    {"bad_data", "bad_data", {"procedure data rejected", "bad_data.json", NULL}},
    {"failing_init", "failing_init", {"init failed", NULL, NULL}},
};

static void check_broken_report(const fixture *f, const broken_case *b)
{
    char file[64];
    snprintf(file, sizeof file, "%s.so", b->name);
    const report_entry *r = report_for(f, file);
    if (r->loaded)
        fail_msg("%s loaded, expected it skipped", file);
    for (size_t k = 0; k < 3 && b->reason[k] != NULL; k++)
        if (strstr(r->problem, b->reason[k]) == NULL)
            fail_msg("%s: reason \"%s\" lacks \"%s\"", file, r->problem, b->reason[k]);
    assert_null(plugin_set_find(&f->set, b->department));
    assert_null(catalogue_department(f->cat, b->department));
}

/* All broken plugins in one folder with the good ones. */
static void test_broken_plugins_skipped_together(void **state)
{
    fixture *f = *state;
    size_t good = link_department_plugins(f);
    for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
        char so[64];
        snprintf(so, sizeof so, "%s.so", broken[i].name);
        link_in(f, "test-plugins", so);
    }
    link_in(f, "test-plugins", "bad_data.json");
    load(f);
    assert_int_equal(f->report_count, good + sizeof broken / sizeof broken[0]);
    assert_int_equal(f->set.count, good);
    for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++)
        check_broken_report(f, &broken[i]);
    for (size_t i = 0; i < f->set.count; i++) {
        char file[64];
        snprintf(file, sizeof file, "%s.so", f->set.items[i].decl->department);
        assert_true(report_for(f, file)->loaded);
    }
    /* the procedure of the plugin whose data was rejected is not served */
    assert_null(catalogue_find(f->cat, "baddata"));
    assert_non_null(catalogue_find(f->cat, "khaisinh"));
    check_catalogue_matches_plugins(f);
}

/* Each broken plugin alone beside tuphap: tuphap loads and the catalogue is tuphap's alone. */
static void test_broken_plugins_one_by_one(void **state)
{
    fixture *f = *state;
    for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
        plugin_set_unload(&f->set);
        catalogue_free(f->cat);
        f->cat = catalogue_new();
        assert_non_null(f->cat);
        f->report_count = 0;
        assert_int_equal(remove_dir(f->dir), 0);
        assert_int_equal(mkdir(f->dir, 0700), 0);

        link_in(f, "plugins", "tuphap.so");
        link_in(f, "plugins", "tuphap.json");
        char so[64], json[64], path[PATH_MAX];
        snprintf(so, sizeof so, "%s.so", broken[i].name);
        link_in(f, "test-plugins", so);
        snprintf(json, sizeof json, "%s.json", broken[i].name);
        path_join(path, sizeof path, f->build, "test-plugins", json);
        if (access(path, R_OK) == 0)
            link_in(f, "test-plugins", json);
        load(f);

        assert_int_equal(f->report_count, 2);
        assert_true(report_for(f, "tuphap.so")->loaded);
        check_broken_report(f, &broken[i]);
        assert_int_equal(f->set.count, 1);
        check_catalogue_matches_plugins(f);
        for (size_t k = 0; k < catalogue_count(f->cat); k++)
            assert_string_equal(catalogue_at(f->cat, k)->department->id, "tuphap");
    }
}

/* bad_data without its data file is refused too, naming the file. */
static void test_missing_data_file(void **state)
{
    fixture *f = *state;
    link_in(f, "test-plugins", "bad_data.so");
    load(f);
    const report_entry *r = report_for(f, "bad_data.so");
    assert_false(r->loaded);
    assert_non_null(strstr(r->problem, "bad_data.json"));
    assert_int_equal(f->set.count, 0);
    assert_int_equal(catalogue_count(f->cat), 0);
}

static void test_duplicate_department(void **state)
{
    fixture *f = *state;
    link_in(f, "plugins", "tuphap.so");
    link_in(f, "plugins", "tuphap.json");
    copy_in(f, "plugins", "tuphap.so", "tuphap_copy.so");
    load(f);
    assert_int_equal(f->report_count, 2);
    const report_entry *first = report_for(f, "tuphap.so");
    const report_entry *second = report_for(f, "tuphap_copy.so");
    assert_true(first->loaded);
    assert_string_equal(first->department, "tuphap");
    assert_false(second->loaded);
    if (strstr(second->problem, "tuphap") == NULL || strstr(second->problem, "already") == NULL)
        fail_msg("reason: %s", second->problem);
    assert_int_equal(f->set.count, 1);
    assert_string_equal(f->set.items[0].file, "tuphap.so");
    assert_non_null(catalogue_find(f->cat, "khaisinh"));
    check_catalogue_matches_plugins(f);
}

static void test_folder_errors_and_filtering(void **state)
{
    fixture *f = *state;
    char err[512] = "";
    plugin_set other = {0};
    assert_int_equal(plugin_set_load(&other, "/nonexistent/plugins", f->cat, f->cfg, f->db.st, collect_report, f,
                                     err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "/nonexistent/plugins"));
    plugin_set_unload(&other);

    /* only "*.so" files that are not hidden are loaded */
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/README.txt", f->dir);
    FILE *t = fopen(p, "w");
    assert_non_null(t);
    fputs("not a plugin\n", t);
    fclose(t);
    copy_in(f, "plugins", "tuphap.so", ".hidden.so");
    copy_in(f, "plugins", "tuphap.so", "tuphap.so.bak");
    load(f);
    assert_int_equal(f->report_count, 0);
    assert_int_equal(f->set.count, 0);
    assert_int_equal(catalogue_count(f->cat), 0);
    /* unloading twice is harmless */
    plugin_set_unload(&f->set);
    plugin_set_unload(&f->set);
}

/* ---- routes ----------------------------------------------------------------- */

/* Responses of plugin routes fit in 4 KiB. */
#define ROUTE_RESPONSE_MAX 4096

static void test_routes_mounted(void **state)
{
    fixture *f = *state;
    link_department_plugins(f);
    link_in(f, "test-plugins", "crashy.so");
    load(f);
    assert_true(report_for(f, "crashy.so")->loaded);

    size_t total = 0;
    for (size_t i = 0; i < f->set.count; i++) {
        loaded_plugin *p = &f->set.items[i];
        assert_int_equal(p->route_count, p->decl->route_count);
        for (size_t j = 0; j < p->route_count; j++) {
            char want[512];
            snprintf(want, sizeof want, "/api/v1/departments/%s%s", p->decl->department, p->decl->routes[j].path);
            assert_string_equal(p->routes[j].pattern, want);
            assert_ptr_equal(p->routes[j].route, &p->decl->routes[j]);
            assert_ptr_equal(p->routes[j].owner, p);
            total++;
        }
    }
    loaded_plugin *crashy = plugin_set_find(&f->set, "crashy");
    assert_non_null(crashy);
    assert_int_equal(crashy->route_count, 3);

    router *r = router_new();
    assert_int_equal(plugin_set_mount(&f->set, r), 0);
    assert_int_equal(router_count(r), total);
    /* mounting again collides with what is there: refused, nothing added */
    assert_int_equal(plugin_set_mount(&f->set, r), -1);
    assert_int_equal(router_count(r), total);

    char *envp[] = {"REQUEST_METHOD=GET", "REQUEST_URI=/api/v1/departments/crashy/ok", NULL};
    request req;
    assert_int_equal(request_parse(&req, envp), REQUEST_OK);
    test_capture c;
    test_capture_start(&c, ROUTE_RESPONSE_MAX, &req);
    route_handler h = NULL;
    void *ctx = NULL;
    assert_int_equal(router_match(r, &req, &h, &ctx, NULL, 0), ROUTE_FOUND);
    h(&req, ctx);
    assert_true(req.responded);
    assert_int_equal(req.status, 200);
    assert_non_null(strstr(c.buf, "Status: 200 OK\r\n"));
    assert_non_null(strstr(c.buf, "\r\n\r\n{\"ok\":true}"));
    request_free(&req);

    char allow[64];
    char *post[] = {"REQUEST_METHOD=POST", "REQUEST_URI=/api/v1/departments/crashy/ok", NULL};
    assert_int_equal(request_parse(&req, post), REQUEST_OK);
    assert_int_equal(router_match(r, &req, &h, &ctx, allow, sizeof allow), ROUTE_METHOD_NOT_ALLOWED);
    assert_string_equal(allow, "GET");
    request_free(&req);

    /* routes live under their department only */
    const char *misses[] = {"/ok", "/api/v1/departments/ok", "/api/v1/departments/tuphap/ok",
                            "/api/v1/departments/crashy/ok/"};
    for (size_t i = 0; i < sizeof misses / sizeof misses[0]; i++) {
        char uri[128];
        snprintf(uri, sizeof uri, "REQUEST_URI=%s", misses[i]);
        char *e[] = {"REQUEST_METHOD=GET", uri, NULL};
        assert_int_equal(request_parse(&req, e), REQUEST_OK);
        if (router_match(r, &req, &h, &ctx, NULL, 0) != ROUTE_NOT_FOUND)
            fail_msg("%s routed", misses[i]);
        request_free(&req);
    }
    router_free(r);
}

/* A guard that records what it was asked and answers as told. */
typedef struct guard_log {
    int calls;
    unsigned roles;
    char department[33];
    bool allow;
} guard_log;

static bool recording_guard(void *ctx, request *req, unsigned roles, const char *department)
{
    guard_log *g = ctx;
    g->calls++;
    g->roles = roles;
    snprintf(g->department, sizeof g->department, "%s", department);
    if (!g->allow)
        response_error(req, 401, "not_logged_in", "Bạn cần đăng nhập.");
    return g->allow;
}

/* Runs METHOD URI with BODY through the mounted routes; returns the status sent. */
static int run_route(router *r, const char *method, const char *uri, const char *body)
{
    char m[32], u[256], len[48];
    snprintf(m, sizeof m, "REQUEST_METHOD=%s", method);
    snprintf(u, sizeof u, "REQUEST_URI=%s", uri);
    snprintf(len, sizeof len, "CONTENT_LENGTH=%zu", strlen(body));
    char *envp[] = {m, u, len, NULL};
    request req;
    assert_int_equal(request_parse(&req, envp), REQUEST_OK);
    test_capture c;
    test_capture_start(&c, ROUTE_RESPONSE_MAX, &req);
    req.body = strdup(body);
    req.body_len = strlen(body);
    route_handler h = NULL;
    void *ctx = NULL;
    assert_int_equal(router_match(r, &req, &h, &ctx, NULL, 0), ROUTE_FOUND);
    h(&req, ctx);
    int status = req.status;
    request_free(&req);
    return status;
}

/* State-changing plugin routes and routes with roles go through the guard; public
 * ones do not; without a guard the host refuses (fails closed). */
static void test_route_guard(void **state)
{
    fixture *f = *state;
    link_department_plugins(f);
    load(f);
    router *r = router_new();
    assert_int_equal(plugin_set_mount(&f->set, r), 0);
    const char *names = "/api/v1/departments/taichinh/names";
    const char *body = "{\"name\":\"Công ty TNHH Kiểm Thử\"}";

    assert_int_equal(run_route(r, "POST", names, body), 403); /* no guard: closed */

    guard_log g = {.allow = false};
    f->set.guard = recording_guard;
    f->set.guard_ctx = &g;
    assert_int_equal(run_route(r, "POST", names, body), 401);
    assert_int_equal(g.calls, 1);
    assert_int_equal(g.roles, MOTCUA_ROLE_DEPARTMENT_OFFICER | MOTCUA_ROLE_DEPARTMENT_HEAD);
    assert_string_equal(g.department, "taichinh");

    /* a public calculator never asks the guard */
    assert_int_equal(run_route(r, "POST", "/api/v1/departments/taichinh/name-check", body), 200);
    assert_int_equal(run_route(r, "GET", "/api/v1/departments/nnmt/land-use-codes", ""), 200);
    assert_int_equal(g.calls, 1);
    router_free(r);
}

/* ---- the host function table ---------------------------------------------- */

static void test_host_api_table(void **state)
{
    (void)state;
    const motcua_host_api *api = &plugin_host_api;
    assert_int_equal(api->size, sizeof(motcua_host_api));
    assert_int_equal(api->abi_major, MOTCUA_PLUGIN_ABI_MAJOR);
    assert_int_equal(api->abi_minor, MOTCUA_PLUGIN_ABI_MINOR);
    assert_non_null(api->log);
    assert_non_null(api->config_get);
    assert_non_null(api->request_method);
    assert_non_null(api->request_param);
    assert_non_null(api->request_body);
    assert_non_null(api->respond);
    assert_non_null(api->respond_error);
    assert_non_null(api->registry_get);
    assert_non_null(api->registry_put);
    assert_non_null(api->free);
    assert_non_null(api->fold_text);
    assert_non_null(api->problem_add);
}

static void test_host_config_get(void **state)
{
    fixture *f = *state;
    const motcua_host_api *api = &plugin_host_api;
    struct motcua_host taichinh = {"taichinh", f->cfg, f->db.st};
    struct motcua_host tuphap = {"tuphap", f->cfg, f->db.st};
    struct motcua_host offline = {"taichinh", NULL, NULL};
    assert_string_equal(api->config_get(&taichinh, "min_charter_capital"), "1");
    assert_string_equal(api->config_get(&tuphap, "greeting"), "Xin chào");
    /* a department reads its own section only */
    assert_null(api->config_get(&tuphap, "min_charter_capital"));
    assert_null(api->config_get(&taichinh, "greeting"));
    assert_null(api->config_get(&taichinh, "missing"));
    assert_null(api->config_get(&taichinh, NULL));
    assert_null(api->config_get(&offline, "min_charter_capital"));
    api->log(&taichinh, MOTCUA_LOG_DEBUG, "unit test log line %d", 1);
    /* a level the ABI does not define is still logged safely (ASan checks the lookup) */
    api->log(&taichinh, (motcua_log_level)99, "unit test log line with level %d", 99);
    api->log(NULL, MOTCUA_LOG_ERROR, "unit test log line without a host");
}

static void test_host_fold_text(void **state)
{
    (void)state;
    const motcua_host_api *api = &plugin_host_api;
    char *s = api->fold_text("Đăng ký  KHAI-SINH");
    assert_non_null(s);
    assert_string_equal(s, "dang ky khai sinh");
    api->free(s);
    s = api->fold_text("  Công ty TNHH Hòa Bình, Sở Tài chính  ");
    assert_non_null(s);
    assert_string_equal(s, "cong ty tnhh hoa binh so tai chinh");
    api->free(s);
    assert_null(api->fold_text("bad \xff utf-8"));
    api->free(NULL);
}

static void test_host_problem_add(void **state)
{
    (void)state;
    const motcua_host_api *api = &plugin_host_api;
    struct motcua_problems problems = {json_array()};
    assert_non_null(problems.list);
    api->problem_add(&problems, "applicant.id_number", "invalid_cccd",
                     "Số căn cước công dân phải gồm đúng 12 chữ số.");
    api->problem_add(&problems, NULL, NULL, NULL);
    api->problem_add(NULL, "x", "y", "z"); /* ignored */
    assert_int_equal(json_array_size(problems.list), 2);
    json_t *p = json_array_get(problems.list, 0);
    assert_string_equal(json_string_value(json_object_get(p, "field")), "applicant.id_number");
    assert_string_equal(json_string_value(json_object_get(p, "code")), "invalid_cccd");
    assert_string_equal(json_string_value(json_object_get(p, "message")),
                        "Số căn cước công dân phải gồm đúng 12 chữ số.");
    p = json_array_get(problems.list, 1);
    assert_string_equal(json_string_value(json_object_get(p, "field")), "");
    assert_string_equal(json_string_value(json_object_get(p, "code")), "invalid");
    assert_string_equal(json_string_value(json_object_get(p, "message")), "");
    json_decref(problems.list);

    struct motcua_problems none = {NULL};
    api->problem_add(&none, "x", "y", "z"); /* ignored, no crash */
}

static void test_host_registry(void **state)
{
    fixture *f = *state;
    const motcua_host_api *api = &plugin_host_api;
    struct motcua_host taichinh = {"taichinh", f->cfg, f->db.st};
    struct motcua_host congan = {"congan", f->cfg, f->db.st};
    struct motcua_host offline = {"taichinh", f->cfg, NULL};
    char *value = NULL;

    assert_int_equal(api->registry_get(&taichinh, "name:cong ty hoa binh", &value), 0);
    assert_null(value);
    assert_int_equal(api->registry_put(&taichinh, "name:cong ty hoa binh", "Công ty TNHH Hòa Bình"), 0);
    assert_int_equal(api->registry_get(&taichinh, "name:cong ty hoa binh", &value), 1);
    assert_non_null(value);
    assert_string_equal(value, "Công ty TNHH Hòa Bình");
    api->free(value);
    value = NULL;

    /* a second put keeps the first value */
    assert_int_equal(api->registry_put(&taichinh, "name:cong ty hoa binh", "other"), 1);
    assert_int_equal(api->registry_get(&taichinh, "name:cong ty hoa binh", &value), 1);
    assert_string_equal(value, "Công ty TNHH Hòa Bình");
    api->free(value);
    value = NULL;

    /* namespaced by department */
    assert_int_equal(api->registry_get(&congan, "name:cong ty hoa binh", &value), 0);
    assert_null(value);
    assert_int_equal(api->registry_put(&congan, "name:cong ty hoa binh", "congan's"), 0);
    assert_int_equal(api->registry_get(&congan, "name:cong ty hoa binh", &value), 1);
    assert_string_equal(value, "congan's");
    api->free(value);
    value = NULL;

    /* without a store (offline checks) or with bad arguments: -1 */
    assert_int_equal(api->registry_get(&offline, "k", &value), -1);
    assert_int_equal(api->registry_put(&offline, "k", "v"), -1);
    assert_int_equal(api->registry_get(&taichinh, NULL, &value), -1);
    assert_int_equal(api->registry_get(&taichinh, "k", NULL), -1);
    assert_int_equal(api->registry_put(&taichinh, "k", NULL), -1);
    assert_int_equal(api->registry_put(NULL, "k", "v"), -1);

    /* what was stored is durable: reopen the store */
    store_close(f->db.st);
    char err[256];
    assert_int_equal(store_open(f->db.path, 1000, &f->db.st, err, sizeof err), 0);
    taichinh.st = f->db.st;
    assert_int_equal(api->registry_get(&taichinh, "name:cong ty hoa binh", &value), 1);
    assert_string_equal(value, "Công ty TNHH Hòa Bình");
    api->free(value);
}

/* Routes a request so that it carries path parameters; never called. */
static void unused_handler(request *req, void *ctx)
{
    (void)req, (void)ctx;
}

static void test_host_request_and_respond(void **state)
{
    (void)state;
    const motcua_host_api *api = &plugin_host_api;
    char *envp[] = {"REQUEST_METHOD=POST", "REQUEST_URI=/api/v1/departments/taichinh/names/abc?id=query&q=t%C3%AAn",
                    NULL};
    request req;
    assert_int_equal(request_parse(&req, envp), REQUEST_OK);
    router *r = router_new();
    route_handler h = NULL;
    void *ctx = NULL;
    assert_int_equal(router_add(r, "POST", "/api/v1/departments/taichinh/names/{id}", unused_handler, NULL), 0);
    assert_int_equal(router_match(r, &req, &h, &ctx, NULL, 0), ROUTE_FOUND);
    router_free(r);
    motcua_request *mreq = (motcua_request *)&req;
    assert_string_equal(api->request_method(mreq), "POST");
    assert_string_equal(api->request_param(mreq, "id"), "abc"); /* the path wins */
    assert_string_equal(api->request_param(mreq, "q"), "tên");
    assert_null(api->request_param(mreq, "missing"));
    assert_null(api->request_param(mreq, NULL));
    size_t len = 99;
    assert_null(api->request_body(mreq, &len));
    assert_int_equal(len, 0);
    req.body = strdup("{\"a\":1}");
    req.body_len = 7;
    assert_string_equal(api->request_body(mreq, &len), "{\"a\":1}");
    assert_int_equal(len, 7);

    test_capture c;
    test_capture_start(&c, ROUTE_RESPONSE_MAX, &req);
    api->respond(mreq, 99, NULL, "x", 1); /* a status out of range becomes 500 */
    assert_int_equal(req.status, 500);
    assert_non_null(strstr(c.buf, "Content-Type: application/octet-stream\r\n"));
    request_free(&req);

    assert_int_equal(request_parse(&req, envp), REQUEST_OK);
    test_capture_start(&c, ROUTE_RESPONSE_MAX, &req);
    api->respond_error(mreq, 200, "name_taken", "Tên doanh nghiệp đã được đăng ký."); /* not an error status */
    assert_int_equal(req.status, 500);
    assert_non_null(strstr(c.buf, "Tên doanh nghiệp đã được đăng ký."));
    assert_non_null(strstr(c.buf, "\"code\":\"name_taken\""));
    request_free(&req);
}

static void test_validate_hook(void **state)
{
    fixture *f = *state;
    json_t *list = json_array();
    assert_int_equal(plugin_validate(NULL, "khaisinh", "{}", list), 0); /* no plugin: nothing to run */
    assert_int_equal(json_array_size(list), 0);

    link_in(f, "plugins", "tuphap.so");
    link_in(f, "plugins", "tuphap.json");
    load(f);
    loaded_plugin *p = plugin_set_find(&f->set, "tuphap");
    assert_non_null(p);
    /* an empty draft cannot satisfy a real procedure: the hook reports problems */
    assert_int_equal(plugin_validate(p, "khaisinh", "{\"procedure\":\"khaisinh\"}", list), 0);
    assert_true(json_array_size(list) > 0);
    json_t *first = json_array_get(list, 0);
    assert_true(json_is_string(json_object_get(first, "field")));
    assert_true(json_is_string(json_object_get(first, "code")));
    assert_true(json_is_string(json_object_get(first, "message")));
    json_decref(list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_department_plugins_load, setup, teardown),
        cmocka_unit_test_setup_teardown(test_broken_plugins_skipped_together, setup, teardown),
        cmocka_unit_test_setup_teardown(test_broken_plugins_one_by_one, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_data_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_department, setup, teardown),
        cmocka_unit_test_setup_teardown(test_folder_errors_and_filtering, setup, teardown),
        cmocka_unit_test_setup_teardown(test_routes_mounted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_route_guard, setup, teardown),
        cmocka_unit_test(test_host_api_table),
        cmocka_unit_test_setup_teardown(test_host_config_get, setup, teardown),
        cmocka_unit_test(test_host_fold_text),
        cmocka_unit_test(test_host_problem_add),
        cmocka_unit_test_setup_teardown(test_host_registry, setup, teardown),
        cmocka_unit_test(test_host_request_and_respond),
        cmocka_unit_test_setup_teardown(test_validate_hook, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
