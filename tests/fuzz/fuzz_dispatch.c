/* Fuzz target: the public web surface served end to end (fcgi/app.c's
 * app_dispatch): request parsing, routing, the bounded body read, the public
 * catalogue (GET /api/v1/procedures?q=&department=, /procedures/{code}), the
 * department plugins' validation of a draft dossier (POST
 * /api/v1/procedures/{code}/validate: the plugins' JSON and field parsing,
 * CCCD numbers, dates) and the plugins' public routes, and the JSON responses.
 * The plugins are the department .so files rebuilt with coverage beside this
 * program ($(FUZZ_BUILD)/plugins, or $MOTCUA_FUZZ_PLUGIN_DIR). No store: routes
 * that need one (sessions, dossiers, lookup) are not mounted. Input: see
 * fuzz_http.h.
 *
 * Contracts checked beyond "no crash, no sanitizer report": exactly one
 * response; its header block is well formed (no header line broken by a
 * request's bytes); its Content-Length is the body's length; a JSON response
 * is valid JSON (UTF-8 included), so whatever a request sends comes back
 * escaped. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "config.h"
#include "fuzz_http.h"
#include "log.h"
#include "plugin_host.h"
#include "response.h"

static app the_app;

/* What the app wrote back. */
typedef struct written {
    char *buf;
    size_t len, cap;
    int writes;
} written;

static int written_append(void *ctx, const char *buf, size_t len)
{
    written *w = ctx;
    w->writes++;
    if (w->cap - w->len < len + 1) {
        size_t cap = w->cap ? w->cap : 4096;
        while (cap - w->len < len + 1)
            cap *= 2;
        char *grown = realloc(w->buf, cap);
        FUZZ_REQUIRE(grown != NULL);
        w->buf = grown;
        w->cap = cap;
    }
    memcpy(w->buf + w->len, buf, len);
    w->len += len;
    w->buf[w->len] = '\0';
    return 0;
}

static void report_plugin(void *ctx, const char *file, const loaded_plugin *p, const char *problem)
{
    if (problem != NULL) {
        fprintf(stderr, "fuzz_dispatch: plugin %s not loaded: %s\n", file, problem);
        abort(); /* a harness without its plugins would fuzz less than it says */
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    log_open("/dev/null", LOG_DEBUG);
    char dir[PATH_MAX], err[512] = "";
    const char *env = getenv("MOTCUA_FUZZ_PLUGIN_DIR");
    if (env != NULL && env[0] != '\0') {
        snprintf(dir, sizeof dir, "%s", env);
    } else {
        ssize_t n = readlink("/proc/self/exe", dir, sizeof dir - 16);
        FUZZ_REQUIRE(n > 0);
        dir[n] = '\0';
        char *slash = strrchr(dir, '/');
        FUZZ_REQUIRE(slash != NULL);
        snprintf(slash, sizeof dir - (size_t)(slash - dir), "/../plugins");
    }
    the_app.cfg = config_parse_text("", "defaults.ini", err, sizeof err);
    the_app.cat = catalogue_new();
    the_app.cal = calendar_new();
    the_app.routes = router_new();
    FUZZ_REQUIRE(the_app.cfg != NULL && the_app.cat != NULL && the_app.cal != NULL && the_app.routes != NULL);
    if (plugin_set_load(&the_app.plugins, dir, the_app.cat, the_app.cfg, NULL, report_plugin, NULL, err,
                        sizeof err) != 0 || the_app.plugins.count == 0) {
        fprintf(stderr, "fuzz_dispatch: no plugins in %s: %s\n", dir, err);
        abort();
    }
    api_health_register(the_app.routes, &the_app);
    api_procedures_register(the_app.routes, &the_app);
    plugin_set_mount(&the_app.plugins, the_app.routes); /* no guard: staff routes refuse */
    return 0;
}

/* The response in w is one well-formed CGI response. */
static void check_response(const request *req, const written *w)
{
    FUZZ_REQUIRE(req->responded && w->len > 0 && w->writes <= 2);
    FUZZ_REQUIRE(strncmp(w->buf, "Status: ", 8) == 0);
    const char *end = strstr(w->buf, "\r\n\r\n");
    FUZZ_REQUIRE(end != NULL);
    const char *body = end + 4;
    size_t body_len = w->len - (size_t)(body - w->buf);
    long long declared = -1;
    bool json = false;
    for (const char *line = w->buf; line < end + 2;) {
        const char *eol = strstr(line, "\r\n");
        const char *colon = memchr(line, ':', (size_t)(eol - line));
        FUZZ_REQUIRE(colon != NULL && colon > line && colon[1] == ' ');
        for (const char *c = line; c < eol; c++)
            FUZZ_REQUIRE(*c != '\r' && *c != '\n' && *c != '\0');
        if (strncmp(line, "Content-Length: ", 16) == 0)
            declared = strtoll(line + 16, NULL, 10);
        if (strncmp(line, "Content-Type: application/json", 30) == 0)
            json = true;
        line = eol + 2;
    }
    if (strcmp(req->method, "HEAD") == 0) {
        FUZZ_REQUIRE(body_len == 0);
        return;
    }
    FUZZ_REQUIRE(declared >= 0 && (size_t)declared == body_len);
    if (json) {
        json_error_t e;
        json_t *v = json_loadb(body, body_len, 0, &e);
        if (v == NULL)
            fprintf(stderr, "fuzz_dispatch: JSON response does not parse: %s\n", e.text);
        FUZZ_REQUIRE(v != NULL);
        json_decref(v);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_http h;
    request req;
    request_parse_result parsed;
    if (!fuzz_http_request(&h, &req, data, size, &parsed))
        return 0;
    written w = {0};
    req.write = written_append;
    req.write_ctx = &w;
    app_dispatch(&the_app, &req, parsed);
    check_response(&req, &w);
    free(w.buf);
    request_free(&req);
    fuzz_http_free(&h);
    return 0;
}
