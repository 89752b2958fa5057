/* motcua-fcgi configuration: INI parsing (inih), defaults and validation. */
#include "config.h"
#include "log.h"

#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct parse_ctx {
    config *cfg;
    const char *origin;
    char *err;
    size_t errlen;
    bool failed;
} parse_ctx;

bool config_parse_size(const char *text, size_t *out)
{
    if (text == NULL || *text == '\0')
        return false;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno != 0 || end == text || text[0] == '-')
        return false;
    unsigned long long mul = 1;
    switch (*end) {
    case '\0': break;
    case 'k': case 'K': mul = 1024ULL; end++; break;
    case 'm': case 'M': mul = 1024ULL * 1024; end++; break;
    case 'g': case 'G': mul = 1024ULL * 1024 * 1024; end++; break;
    default: return false;
    }
    if (*end != '\0' || v > SIZE_MAX / mul)
        return false;
    *out = (size_t)(v * mul);
    return true;
}

static bool parse_int(const char *text, int lo, int hi, int *out)
{
    errno = 0;
    char *end;
    long v = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || v < lo || v > hi)
        return false;
    *out = (int)v;
    return true;
}

static int fail(parse_ctx *ctx, const char *key, const char *value, const char *why)
{
    snprintf(ctx->err, ctx->errlen, "%s: '%s' %s", key, value, why);
    ctx->failed = true;
    return 0;
}

/* An empty value clears the setting (NULL). Returns 0 only when out of memory. */
static int set_string(char **slot, const char *value)
{
    char *copy = NULL;
    if (value[0] != '\0' && (copy = strdup(value)) == NULL)
        return 0;
    free(*slot);
    *slot = copy;
    return 1;
}

/* An integer key: name, bounds and where it goes. */
typedef struct int_key {
    const char *section, *name;
    int lo, hi;
    size_t offset;
} int_key;

static const int_key int_keys[] = {
    {"server", "workers", 1, 256, offsetof(config, workers)},
    {"server", "max_requests", 0, INT_MAX, offsetof(config, max_requests)},
    {"server", "request_timeout", 1, 86400, offsetof(config, request_timeout)},
    {"server", "slow_request", 1, 86400, offsetof(config, slow_request)},
    {"server", "crash_budget", 1, 10000, offsetof(config, crash_budget)},
    {"server", "shutdown_timeout", 1, 3600, offsetof(config, shutdown_timeout)},
    {"store", "busy_timeout_ms", 0, 600000, offsetof(config, busy_timeout_ms)},
    {"scan", "workers", 0, 64, offsetof(config, scan_workers)},
    {"scan", "page_deadline", 1, 3600, offsetof(config, scan_page_deadline)},
    {"scan", "capture_page_timeout", 1, 3600, offsetof(config, scan_capture_page_timeout)},
    {"scan", "recycle_after", 1, 1000000, offsetof(config, scan_recycle_after)},
    {"scan", "max_attempts", 1, 100, offsetof(config, scan_max_attempts)},
    {"scan", "stale_after", 10, 86400, offsetof(config, scan_stale_after)},
    {"scan", "poll_ms", 10, 60000, offsetof(config, scan_poll_ms)},
};

typedef struct str_key {
    const char *section, *name;
    size_t offset;
} str_key;

static const str_key str_keys[] = {
    {"server", "listen", offsetof(config, listen)},
    {"server", "listen_group", offsetof(config, listen_group)},
    {"server", "pid_file", offsetof(config, pid_file)},
    {"server", "log_file", offsetof(config, log_file)},
    {"store", "database", offsetof(config, database)},
    {"store", "files_dir", offsetof(config, files_dir)},
    {"plugins", "plugin_dir", offsetof(config, plugin_dir)},
    {"centre", "agency_code", offsetof(config, agency_code)},
    {"centre", "centre_name", offsetof(config, centre_name)},
    {"centre", "calendar_file", offsetof(config, calendar_file)},
    {"scan", "log_file", offsetof(config, scan_log_file)},
    {"scan", "sane_config_dir", offsetof(config, scan_sane_config_dir)},
    {"scan", "languages", offsetof(config, scan_languages)},
    {"centre", "lookup_url", offsetof(config, lookup_url)},
};

/* Adds or, for a key already read, replaces a value in a pair list ([plugin.<dept>] keys,
 * [scan] station.<name>): the last one wins. Returns 0 only when out of memory. */
static int add_pair(config_pair **pairs, size_t *count, const char *dept, const char *key,
                    const char *value)
{
    for (size_t i = 0; i < *count; i++) {
        config_pair *p = &(*pairs)[i];
        if (strcmp(p->section, dept) == 0 && strcmp(p->key, key) == 0) {
            char *copy = strdup(value);
            if (copy == NULL)
                return 0;
            free(p->value);
            p->value = copy;
            return 1;
        }
    }
    config_pair *grown = realloc(*pairs, (*count + 1) * sizeof *grown);
    if (grown == NULL)
        return 0;
    *pairs = grown;
    config_pair *p = &grown[*count];
    p->section = strdup(dept);
    p->key = strdup(key);
    p->value = strdup(value);
    if (!p->section || !p->key || !p->value) {
        free(p->section), free(p->key), free(p->value);
        return 0;
    }
    (*count)++;
    return 1;
}

static int add_plugin_pair(config *cfg, const char *dept, const char *key, const char *value)
{
    return add_pair(&cfg->plugin_pairs, &cfg->plugin_pair_count, dept, key, value);
}

static int on_entry(void *user, const char *section, const char *name, const char *value)
{
    parse_ctx *ctx = user;
    config *cfg = ctx->cfg;
    if (ctx->failed)
        return 0;
    if (strncmp(section, "plugin.", 7) == 0 && section[7] != '\0')
        return add_plugin_pair(cfg, section + 7, name, value);
    if (strcmp(section, "scan") == 0 && strncmp(name, "station.", 8) == 0) {
        if (name[8] == '\0' || value[0] == '\0')
            return fail(ctx, name, value, "needs a station name and a SANE device (station.quay1 = test:0)");
        return add_pair(&cfg->scan_stations, &cfg->scan_station_count, "scan", name + 8, value);
    }
    for (size_t i = 0; i < sizeof int_keys / sizeof int_keys[0]; i++) {
        const int_key *k = &int_keys[i];
        if (strcmp(section, k->section) == 0 && strcmp(name, k->name) == 0) {
            int *slot = (int *)((char *)cfg + k->offset);
            if (!parse_int(value, k->lo, k->hi, slot)) {
                char why[64];
                snprintf(why, sizeof why, "is not a whole number between %d and %d", k->lo, k->hi);
                return fail(ctx, name, value, why);
            }
            return 1;
        }
    }
    for (size_t i = 0; i < sizeof str_keys / sizeof str_keys[0]; i++) {
        const str_key *k = &str_keys[i];
        if (strcmp(section, k->section) == 0 && strcmp(name, k->name) == 0)
            return set_string((char **)((char *)cfg + k->offset), value);
    }
    if (strcmp(section, "server") == 0 && strcmp(name, "listen_mode") == 0) {
        char *end;
        errno = 0;
        long mode = strtol(value, &end, 8);
        if (errno || end == value || *end || mode < 0 || mode > 0777)
            return fail(ctx, name, value, "is not an octal file mode such as 0660");
        cfg->listen_mode = (mode_t)mode;
        return 1;
    }
    if (strcmp(section, "server") == 0 && strcmp(name, "log_level") == 0) {
        int level = log_level_parse(value);
        if (level < 0)
            return fail(ctx, name, value, "is not one of debug, info, warn, error");
        cfg->log_level = level;
        return 1;
    }
    if (strcmp(section, "limits") == 0 &&
        (strcmp(name, "max_json_body") == 0 || strcmp(name, "max_upload") == 0)) {
        size_t *slot = name[4] == 'j' ? &cfg->max_json_body : &cfg->max_upload;
        if (!config_parse_size(value, slot) || *slot == 0)
            return fail(ctx, name, value, "is not a size such as 512k, 1M or 2G");
        return 1;
    }
    char where[128];
    snprintf(where, sizeof where, "[%s] %s", section, name);
    return fail(ctx, where, value, "is not a known setting");
}

static config *config_defaults(const char *origin)
{
    config *cfg = calloc(1, sizeof *cfg);
    if (cfg == NULL)
        return NULL;
    cfg->listen = strdup("/run/motcua/fcgi.sock");
    cfg->listen_mode = 0660;
    cfg->workers = 4;
    cfg->max_requests = 100000; /* about an hour at full load: bounds slow leaks, rarely forks */
    cfg->request_timeout = 30;
    cfg->slow_request = 0; /* unset: 5 s, or request_timeout if that is shorter */
    cfg->crash_budget = 10;
    cfg->shutdown_timeout = 20;
    cfg->log_level = LOG_INFO;
    cfg->database = strdup("/var/lib/motcua/motcua.db");
    cfg->busy_timeout_ms = 5000;
    cfg->files_dir = strdup("/var/lib/motcua/files");
    cfg->plugin_dir = strdup("/usr/local/lib/motcua/plugins");
    cfg->scan_workers = 0;
    cfg->scan_page_deadline = 120;
    cfg->scan_capture_page_timeout = 120;
    cfg->scan_recycle_after = 200;
    cfg->scan_max_attempts = 3;
    cfg->scan_stale_after = 600;
    cfg->scan_poll_ms = 500;
    cfg->max_json_body = 1024 * 1024;
    cfg->max_upload = 50 * 1024 * 1024;
    cfg->agency_code = strdup("H35");
    cfg->centre_name = strdup("Trung tâm Phục vụ hành chính công");
    cfg->path = strdup(origin);
    if (!cfg->listen || !cfg->database || !cfg->files_dir || !cfg->plugin_dir || !cfg->agency_code ||
        !cfg->centre_name || !cfg->path) {
        config_free(cfg);
        return NULL;
    }
    return cfg;
}

/* True for an absolute http(s) address of printable ASCII without spaces or '|' (the QR
 * payload's separator), short enough for the forms (at most 255 bytes). */
static bool lookup_url_valid(const char *url)
{
    size_t n = strlen(url);
    if (n > 255 || (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) ||
        url[url[4] == 's' ? 8 : 7] == '\0')
        return false;
    for (size_t i = 0; i < n; i++)
        if (url[i] <= ' ' || url[i] > '~' || url[i] == '|')
            return false;
    return true;
}

/* Cross-field checks once every line is read. */
static bool config_check(config *cfg, const char *origin, char *err, size_t errlen)
{
    const char *empty = cfg->listen == NULL       ? "[server] listen"
                        : cfg->database == NULL     ? "[store] database"
                        : cfg->files_dir == NULL    ? "[store] files_dir"
                        : cfg->plugin_dir == NULL   ? "[plugins] plugin_dir"
                        : cfg->agency_code == NULL  ? "[centre] agency_code"
                                                    : NULL;
    if (empty != NULL) {
        snprintf(err, errlen, "%s: %s must not be empty", origin, empty);
        return false;
    }
    if (cfg->lookup_url != NULL && !lookup_url_valid(cfg->lookup_url)) {
        snprintf(err, errlen, "%s: [centre] lookup_url '%s' is not an http:// or https:// address "
                 "(printable ASCII, no spaces or '|', at most 255 bytes)", origin, cfg->lookup_url);
        return false;
    }
    /* A capture heartbeats its job only when a page comes: waiting longer than stale_after
     * for one would let another machine's motcua-scand take the job back mid-capture. */
    if (cfg->scan_capture_page_timeout >= cfg->scan_stale_after) {
        snprintf(err, errlen, "%s: [scan] capture_page_timeout (%d s) must be less than stale_after (%d s)",
                 origin, cfg->scan_capture_page_timeout, cfg->scan_stale_after);
        return false;
    }
    if (cfg->slow_request == 0)
        cfg->slow_request = cfg->request_timeout < 5 ? cfg->request_timeout : 5;
    if (cfg->slow_request > cfg->request_timeout) {
        snprintf(err, errlen, "%s: slow_request (%d s) must not exceed request_timeout (%d s)",
                 origin, cfg->slow_request, cfg->request_timeout);
        return false;
    }
    return true;
}

static config *parse_with(int (*run)(const void *, ini_handler, void *), const void *src,
                          const char *origin, char *err, size_t errlen)
{
    config *cfg = config_defaults(origin);
    if (cfg == NULL) {
        snprintf(err, errlen, "%s: out of memory", origin);
        return NULL;
    }
    char why[256] = "";
    parse_ctx ctx = {cfg, origin, why, sizeof why, false};
    int rc = run(src, on_entry, &ctx);
    if (ctx.failed) {
        snprintf(err, errlen, "%s:%d: %s", origin, rc, why);
    } else if (rc == -1) {
        snprintf(err, errlen, "%s: cannot open: %s", origin, strerror(errno));
    } else if (rc != 0) {
        snprintf(err, errlen, "%s:%d: syntax error (expected [section] or key = value)", origin, rc);
    }
    if (rc != 0 || ctx.failed || !config_check(cfg, origin, err, errlen)) {
        config_free(cfg);
        return NULL;
    }
    return cfg;
}

static int run_file(const void *src, ini_handler h, void *user)
{
    return ini_parse((const char *)src, h, user);
}

static int run_text(const void *src, ini_handler h, void *user)
{
    return ini_parse_string((const char *)src, h, user);
}

config *config_load(const char *path, char *err, size_t errlen)
{
    return parse_with(run_file, path, path, err, errlen);
}

config *config_parse_text(const char *text, const char *origin, char *err, size_t errlen)
{
    return parse_with(run_text, text, origin, err, errlen);
}

void config_free(config *cfg)
{
    if (cfg == NULL)
        return;
    for (size_t i = 0; i < sizeof str_keys / sizeof str_keys[0]; i++)
        free(*(char **)((char *)cfg + str_keys[i].offset));
    for (size_t i = 0; i < cfg->plugin_pair_count; i++) {
        free(cfg->plugin_pairs[i].section);
        free(cfg->plugin_pairs[i].key);
        free(cfg->plugin_pairs[i].value);
    }
    free(cfg->plugin_pairs);
    for (size_t i = 0; i < cfg->scan_station_count; i++) {
        free(cfg->scan_stations[i].section);
        free(cfg->scan_stations[i].key);
        free(cfg->scan_stations[i].value);
    }
    free(cfg->scan_stations);
    free(cfg->path);
    free(cfg);
}

const char *config_plugin_value(const config *cfg, const char *department, const char *key)
{
    for (size_t i = 0; i < cfg->plugin_pair_count; i++) {
        const config_pair *p = &cfg->plugin_pairs[i];
        if (strcmp(p->section, department) == 0 && strcmp(p->key, key) == 0)
            return p->value;
    }
    return NULL;
}

const char *config_scan_station(const config *cfg, const char *name)
{
    for (size_t i = 0; name != NULL && i < cfg->scan_station_count; i++)
        if (strcmp(cfg->scan_stations[i].key, name) == 0)
            return cfg->scan_stations[i].value;
    return NULL;
}
