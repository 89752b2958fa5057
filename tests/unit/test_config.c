/* Unit tests for motcua-fcgi configuration: defaults, every key, sizes, ranges, refusals, plugin sections. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "log.h"

/* Parses text that must be refused; checks err names every needle. */
static void expect_refused(const char *text, const char *const *needles)
{
    char err[512] = "";
    config *cfg = config_parse_text(text, "motcua.ini", err, sizeof err);
    if (cfg != NULL) {
        config_free(cfg);
        fail_msg("accepted:\n%s", text);
    }
    assert_true(err[0] != '\0');
    for (const char *const *n = needles; *n != NULL; n++)
        if (strstr(err, *n) == NULL)
            fail_msg("message \"%s\" does not name \"%s\" (input:\n%s)", err, *n, text);
}

static config *parse_ok(const char *text)
{
    char err[512] = "";
    config *cfg = config_parse_text(text, "motcua.ini", err, sizeof err);
    if (cfg == NULL)
        fail_msg("refused: %s\ninput:\n%s", err, text);
    return cfg;
}

static void test_defaults(void **state)
{
    (void)state;
    config *cfg = parse_ok("");
    assert_string_equal(cfg->listen, "/run/motcua/fcgi.sock");
    assert_int_equal(cfg->listen_mode, 0660);
    assert_null(cfg->listen_group);
    assert_int_equal(cfg->workers, 4);
    assert_int_equal(cfg->max_requests, 100000);
    assert_int_equal(cfg->request_timeout, 30);
    assert_int_equal(cfg->slow_request, 5);
    assert_int_equal(cfg->crash_budget, 10);
    assert_int_equal(cfg->shutdown_timeout, 20);
    assert_null(cfg->pid_file);
    assert_null(cfg->log_file);
    assert_int_equal(cfg->log_level, LOG_INFO);
    assert_string_equal(cfg->database, "/var/lib/motcua/motcua.db");
    assert_int_equal(cfg->busy_timeout_ms, 5000);
    assert_string_equal(cfg->plugin_dir, "/usr/local/lib/motcua/plugins");
    assert_int_equal(cfg->max_json_body, 1024 * 1024);
    assert_int_equal(cfg->max_upload, 50 * 1024 * 1024);
    assert_string_equal(cfg->agency_code, "H35");
    assert_string_equal(cfg->centre_name, "Trung tâm Phục vụ hành chính công");
    assert_int_equal(cfg->plugin_pair_count, 0);
    assert_string_equal(cfg->path, "motcua.ini");
    assert_null(config_plugin_value(cfg, "taichinh", "min_charter_capital"));
    config_free(cfg);
    config_free(NULL);
}

static const char full_ini[] =
    "; every key, none at its default\n"
    "[server]\n"
    "listen = 127.0.0.1:9000\n"
    "listen_mode = 0600\n"
    "listen_group = www-data\n"
    "workers = 256\n"
    "max_requests = 0\n"
    "request_timeout = 86400\n"
    "slow_request = 86400\n"
    "crash_budget = 10000\n"
    "shutdown_timeout = 3600\n"
    "pid_file = /tmp/motcua.pid\n"
    "log_file = /tmp/motcua.log\n"
    "log_level = debug\n"
    "\n"
    "[store]\n"
    "database = /tmp/test.db\n"
    "busy_timeout_ms = 0\n"
    "\n"
    "[plugins]\n"
    "plugin_dir = /opt/plugins\n"
    "\n"
    "[limits]\n"
    "max_json_body = 64k\n"
    "max_upload = 2G\n"
    "\n"
    "[centre]\n"
    "agency_code = H01\n"
    "centre_name = Trung tâm Phục vụ hành chính công tỉnh Hà Nam\n"
    "\n"
    "[plugin.taichinh]\n"
    "min_charter_capital = 1000000\n"
    "note = Phòng Đăng ký kinh doanh\n"
    "[plugin.congan]\n"
    "extra_copy_fee = 5000\n"
    "min_charter_capital = 7\n";

static void test_every_key(void **state)
{
    (void)state;
    config *cfg = parse_ok(full_ini);
    assert_string_equal(cfg->listen, "127.0.0.1:9000");
    assert_int_equal(cfg->listen_mode, 0600);
    assert_string_equal(cfg->listen_group, "www-data");
    assert_int_equal(cfg->workers, 256);
    assert_int_equal(cfg->max_requests, 0);
    assert_int_equal(cfg->request_timeout, 86400);
    assert_int_equal(cfg->slow_request, 86400);
    assert_int_equal(cfg->crash_budget, 10000);
    assert_int_equal(cfg->shutdown_timeout, 3600);
    assert_string_equal(cfg->pid_file, "/tmp/motcua.pid");
    assert_string_equal(cfg->log_file, "/tmp/motcua.log");
    assert_int_equal(cfg->log_level, LOG_DEBUG);
    assert_string_equal(cfg->database, "/tmp/test.db");
    assert_int_equal(cfg->busy_timeout_ms, 0);
    assert_string_equal(cfg->plugin_dir, "/opt/plugins");
    assert_int_equal(cfg->max_json_body, 64 * 1024);
    assert_true(cfg->max_upload == (size_t)2 * 1024 * 1024 * 1024);
    assert_string_equal(cfg->agency_code, "H01");
    assert_string_equal(cfg->centre_name, "Trung tâm Phục vụ hành chính công tỉnh Hà Nam");

    assert_int_equal(cfg->plugin_pair_count, 4);
    assert_string_equal(config_plugin_value(cfg, "taichinh", "min_charter_capital"), "1000000");
    assert_string_equal(config_plugin_value(cfg, "taichinh", "note"), "Phòng Đăng ký kinh doanh");
    assert_string_equal(config_plugin_value(cfg, "congan", "extra_copy_fee"), "5000");
    /* the same key in two departments stays apart */
    assert_string_equal(config_plugin_value(cfg, "congan", "min_charter_capital"), "7");
    assert_null(config_plugin_value(cfg, "congan", "note"));
    assert_null(config_plugin_value(cfg, "tuphap", "note"));
    assert_null(config_plugin_value(cfg, "taichinh", "missing"));
    config_free(cfg);
}

/* The lower bounds of every integer key are accepted too. */
static void test_int_lower_bounds(void **state)
{
    (void)state;
    config *cfg = parse_ok("[server]\nworkers = 1\nrequest_timeout = 1\nslow_request = 1\n"
                           "crash_budget = 1\nshutdown_timeout = 1\nmax_requests = 2147483647\n"
                           "[store]\nbusy_timeout_ms = 600000\n");
    assert_int_equal(cfg->workers, 1);
    assert_int_equal(cfg->request_timeout, 1);
    assert_int_equal(cfg->slow_request, 1);
    assert_int_equal(cfg->crash_budget, 1);
    assert_int_equal(cfg->shutdown_timeout, 1);
    assert_int_equal(cfg->max_requests, 2147483647);
    assert_int_equal(cfg->busy_timeout_ms, 600000);
    config_free(cfg);
}

/* The example shipped for operators must load as it is. */
static void test_shipped_example_loads(void **state)
{
    (void)state;
    char err[512] = "";
    config *cfg = config_load("nginx/motcua.ini.example", err, sizeof err);
    if (cfg == NULL)
        fail_msg("nginx/motcua.ini.example: %s", err);
    assert_string_equal(cfg->path, "nginx/motcua.ini.example");
    assert_string_equal(config_plugin_value(cfg, "taichinh", "min_charter_capital"), "1");
    config_free(cfg);
}

static void test_sizes(void **state)
{
    (void)state;
    size_t v = 0;
    assert_true(config_parse_size("512", &v));
    assert_int_equal(v, 512);
    assert_true(config_parse_size("1k", &v));
    assert_int_equal(v, 1024);
    assert_true(config_parse_size("64K", &v));
    assert_int_equal(v, 65536);
    assert_true(config_parse_size("1M", &v));
    assert_int_equal(v, 1048576);
    assert_true(config_parse_size("3m", &v));
    assert_int_equal(v, 3 * 1048576);
    assert_true(config_parse_size("2G", &v));
    assert_true(v == (size_t)2 * 1024 * 1024 * 1024);
    assert_true(config_parse_size("0", &v));
    assert_int_equal(v, 0);

    const char *bad[] = {
        "", "k", "M", "1.5M", "1KB", "1 k", "-1", "-1k", "1T", "12x", "0x10k",
        "99999999999999999999999", "18446744073709551615G", "17179869184G",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        v = 12345;
        if (config_parse_size(bad[i], &v))
            fail_msg("size '%s' accepted as %zu", bad[i], v);
        assert_int_equal(v, 12345); /* untouched on error */
    }
    assert_false(config_parse_size(NULL, &v));
}

static void test_bad_sizes_in_file(void **state)
{
    (void)state;
    expect_refused("[limits]\nmax_json_body = 1.5M\n",
                   (const char *const[]){"motcua.ini:2:", "max_json_body", "1.5M", NULL});
    expect_refused("[limits]\n\nmax_upload = 0\n",
                   (const char *const[]){"motcua.ini:3:", "max_upload", NULL});
    expect_refused("[limits]\nmax_upload = -5M\n", (const char *const[]){"max_upload", NULL});
}

static void test_out_of_range_ints(void **state)
{
    (void)state;
    expect_refused("[server]\nworkers = 0\n",
                   (const char *const[]){"motcua.ini:2:", "workers", "0", "256", NULL});
    expect_refused("; comment\n[server]\nlisten = /tmp/s\n\nworkers = 257\n",
                   (const char *const[]){"motcua.ini:5:", "workers", "257", NULL});
    expect_refused("[server]\nworkers = 4x\n", (const char *const[]){"motcua.ini:2:", "workers", NULL});
    expect_refused("[server]\nworkers = \n", (const char *const[]){"motcua.ini:2:", "workers", NULL});
    expect_refused("[server]\nworkers = 99999999999999999999\n", (const char *const[]){"workers", NULL});
    expect_refused("[server]\nmax_requests = -1\n", (const char *const[]){"motcua.ini:2:", "max_requests", NULL});
    expect_refused("[server]\nrequest_timeout = 0\n", (const char *const[]){"request_timeout", NULL});
    expect_refused("[server]\nrequest_timeout = 86401\n", (const char *const[]){"request_timeout", NULL});
    expect_refused("[server]\ncrash_budget = 10001\n", (const char *const[]){"crash_budget", NULL});
    expect_refused("[server]\nshutdown_timeout = 3601\n", (const char *const[]){"shutdown_timeout", NULL});
    expect_refused("[server]\nslow_request = 0\n", (const char *const[]){"slow_request", NULL});
    expect_refused("[store]\nbusy_timeout_ms = -1\n",
                   (const char *const[]){"motcua.ini:2:", "busy_timeout_ms", NULL});
    expect_refused("[store]\nbusy_timeout_ms = 600001\n", (const char *const[]){"busy_timeout_ms", NULL});
}

static void test_unknown_keys_and_sections(void **state)
{
    (void)state;
    expect_refused("[server]\nworkers = 4\nworkerz = 4\n",
                   (const char *const[]){"motcua.ini:3:", "workerz", NULL});
    expect_refused("[foo]\nbar = 1\n", (const char *const[]){"motcua.ini:2:", "foo", "bar", NULL});
    /* a key in the wrong section is unknown there */
    expect_refused("[store]\nworkers = 4\n", (const char *const[]){"motcua.ini:2:", "workers", NULL});
    /* top-level keys before any section */
    expect_refused("workers = 4\n", (const char *const[]){"motcua.ini:1:", "workers", NULL});
    /* "[plugin.]" names no department */
    expect_refused("[plugin.]\nx = 1\n", (const char *const[]){"motcua.ini:2:", NULL});
    /* a broken line */
    expect_refused("[server]\nworkers 4\n", (const char *const[]){"motcua.ini:2:", NULL});
    expect_refused("[server\nworkers = 4\n", (const char *const[]){"motcua.ini:1:", NULL});
}

static void test_listen_mode_octal(void **state)
{
    (void)state;
    config *cfg = parse_ok("[server]\nlisten_mode = 0666\n");
    assert_int_equal(cfg->listen_mode, 0666);
    config_free(cfg);
    cfg = parse_ok("[server]\nlisten_mode = 660\n"); /* octal even without the 0 */
    assert_int_equal(cfg->listen_mode, 0660);
    config_free(cfg);
    cfg = parse_ok("[server]\nlisten_mode = 0\n");
    assert_int_equal(cfg->listen_mode, 0);
    config_free(cfg);
    const char *bad[] = {"0888", "0660x", "01000", "-1", "rw-rw----", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[128];
        snprintf(text, sizeof text, "[server]\nlisten_mode = %s\n", bad[i]);
        expect_refused(text, (const char *const[]){"motcua.ini:2:", "listen_mode", NULL});
    }
}

static void test_log_levels(void **state)
{
    (void)state;
    const char *names[] = {"debug", "info", "warn", "error"};
    const int levels[] = {LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR};
    for (size_t i = 0; i < 4; i++) {
        char text[64];
        snprintf(text, sizeof text, "[server]\nlog_level = %s\n", names[i]);
        config *cfg = parse_ok(text);
        assert_int_equal(cfg->log_level, levels[i]);
        config_free(cfg);
    }
    expect_refused("[server]\nlog_level = verbose\n",
                   (const char *const[]){"motcua.ini:2:", "log_level", "verbose", NULL});
    expect_refused("[server]\nlog_level = 2\n", (const char *const[]){"log_level", NULL});
}

static void test_slow_request_vs_timeout(void **state)
{
    (void)state;
    expect_refused("[server]\nrequest_timeout = 30\nslow_request = 31\n",
                   (const char *const[]){"slow_request", "request_timeout", NULL});
    /* the default timeout (30) applies when only slow_request is given */
    expect_refused("[server]\nslow_request = 60\n", (const char *const[]){"slow_request", NULL});
    /* whatever the order of the lines */
    expect_refused("[server]\nslow_request = 40\nrequest_timeout = 10\n",
                   (const char *const[]){"slow_request", NULL});
    config *cfg = parse_ok("[server]\nrequest_timeout = 10\nslow_request = 10\n");
    assert_int_equal(cfg->slow_request, 10);
    config_free(cfg);
}

/* [scan]: the keys of motcua-scand, and a capture wait that must stay under stale_after. */
static void test_scan_keys(void **state)
{
    (void)state;
    config *cfg = parse_ok("[scan]\nworkers = 3\npage_deadline = 60\ncapture_page_timeout = 30\n"
                           "stale_after = 31\nlanguages = vie\nstation.quay1 = test:0\n");
    assert_int_equal(cfg->scan_workers, 3);
    assert_int_equal(cfg->scan_page_deadline, 60);
    assert_int_equal(cfg->scan_capture_page_timeout, 30);
    assert_int_equal(cfg->scan_stale_after, 31);
    assert_string_equal(cfg->scan_languages, "vie");
    assert_int_equal(cfg->scan_station_count, 1);
    config_free(cfg);
    cfg = parse_ok("[scan]\n");
    assert_int_equal(cfg->scan_capture_page_timeout, 120);
    assert_null(cfg->scan_languages);
    config_free(cfg);
    expect_refused("[scan]\ncapture_page_timeout = 600\n",
                   (const char *const[]){"capture_page_timeout", "stale_after", NULL});
    expect_refused("[scan]\nstale_after = 60\ncapture_page_timeout = 90\n",
                   (const char *const[]){"capture_page_timeout", NULL});
}

static void test_empty_required_strings(void **state)
{
    (void)state;
    expect_refused("[server]\nlisten =\n", (const char *const[]){"listen", NULL});
    expect_refused("[store]\ndatabase =\n", (const char *const[]){"database", NULL});
    /* the message names the key the operator must fill in */
    expect_refused("[plugins]\nplugin_dir =\n", (const char *const[]){"plugin_dir", NULL});
    expect_refused("[centre]\nagency_code =\n", (const char *const[]){"agency_code", NULL});
    /* optional strings may be emptied */
    config *cfg = parse_ok("[server]\npid_file = /tmp/x.pid\npid_file =\n");
    assert_null(cfg->pid_file);
    config_free(cfg);
}

/* A later value of the same key replaces the earlier one (and frees it). */
static void test_repeated_key(void **state)
{
    (void)state;
    config *cfg = parse_ok("[store]\ndatabase = /tmp/a.db\ndatabase = /tmp/b.db\n[server]\nworkers = 2\nworkers = 3\n");
    assert_string_equal(cfg->database, "/tmp/b.db");
    assert_int_equal(cfg->workers, 3);
    config_free(cfg);
    /* the same in a plugin section: the value read last is the one in force */
    cfg = parse_ok("[plugin.congan]\nextra_copy_fee = 5000\nextra_copy_fee = 6000\n");
    assert_string_equal(config_plugin_value(cfg, "congan", "extra_copy_fee"), "6000");
    config_free(cfg);
}

static void test_load_file(void **state)
{
    (void)state;
    char path[] = "/tmp/motcua-config-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fputs(full_ini, f);
    fclose(f);
    char err[512] = "";
    config *cfg = config_load(path, err, sizeof err);
    if (cfg == NULL)
        fail_msg("%s", err);
    assert_string_equal(cfg->path, path);
    assert_int_equal(cfg->workers, 256);
    assert_string_equal(config_plugin_value(cfg, "congan", "extra_copy_fee"), "5000");
    config_free(cfg);

    /* errors in a file name the file and the line */
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("[server]\nworkers = 4\ncrash_budget = 0\n", f);
    fclose(f);
    cfg = config_load(path, err, sizeof err);
    assert_null(cfg);
    char where[64];
    snprintf(where, sizeof where, "%s:3:", path);
    if (strstr(err, where) == NULL || strstr(err, "crash_budget") == NULL)
        fail_msg("message: %s", err);
    assert_int_equal(unlink(path), 0);

    /* a missing file */
    err[0] = '\0';
    cfg = config_load("/nonexistent/motcua.ini", err, sizeof err);
    assert_null(cfg);
    assert_non_null(strstr(err, "/nonexistent/motcua.ini"));
    assert_non_null(strstr(err, "cannot open"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_every_key),
        cmocka_unit_test(test_int_lower_bounds),
        cmocka_unit_test(test_shipped_example_loads),
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_bad_sizes_in_file),
        cmocka_unit_test(test_out_of_range_ints),
        cmocka_unit_test(test_unknown_keys_and_sections),
        cmocka_unit_test(test_listen_mode_octal),
        cmocka_unit_test(test_log_levels),
        cmocka_unit_test(test_slow_request_vs_timeout),
        cmocka_unit_test(test_scan_keys),
        cmocka_unit_test(test_empty_required_strings),
        cmocka_unit_test(test_repeated_key),
        cmocka_unit_test(test_load_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
