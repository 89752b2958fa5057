/* motcua-scan process: OCR, classify and check a dossier's images into result.json, text/ and dossier.pdf. */
#include <errno.h>
#include <getopt.h>
#include <glob.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "catalogue.h"
#include "commands.h"
#include "config.h"
#include "ocr_pool.h"
#include "process.h"
#include "program_dir.h"
#include "vntime.h"

/* Exit codes of process, beyond SCAN_EXIT_OK / FAILED / USAGE. */
enum {
    PROCESS_EXIT_PAGES_FAILED = 3,  /* outputs written, but some pages could not be read */
    PROCESS_EXIT_UNKNOWN_PROCEDURE = 4
};

static const char process_usage[] =
    "--procedure CODE --out DIR [--jobs N] [--config FILE | --plugins DIR] [--date YYYY-MM-DD] "
    "[--languages L] [--no-pdf] IMAGE...";

static void process_help(void)
{
    printf("Usage: motcua-scan process %s\n\n", process_usage);
    printf("OCRs the images in order (PNG, JPEG, TIFF, PNM, PDF; multi-page files give several\n"
           "pages) in a pool of OCR workers, turns each page upright and deskews it, flags blank\n"
           "pages, classifies each page into the procedure's documents, and checks completeness.\n"
           "Writes, durably:\n"
           "  DIR/result.json     {\"pages\":[{\"file\",\"page\",\"document\",\"blank\",\"rotation\",\"skew\",\n"
           "                      \"confidence\",\"ocr_confidence\",\"continuation\",\"text\",\"pdf_page\",\n"
           "                      \"error\",\"error_vi\"}],\"present\",\"missing\",\"optional_missing\",\n"
           "                      \"extra\",\"complete\",\"page_count\",\"failed\",\"blank\",\"pdf\"}\n"
           "                      (\"page\": 1-based within its file; \"confidence\": classification, 0..1;\n"
           "                      \"ocr_confidence\": Tesseract's mean word confidence, 0..100)\n"
           "  DIR/text/STEM.txt   the text of each page (multi-page files: STEM-N.txt)\n"
           "  DIR/dossier.pdf     searchable PDF of the recognised pages, in order\n\n"
           "  --procedure CODE    procedure code of the catalogue (khaisinh, lltp, dkdn, ...)\n"
           "  --out DIR           output folder (created if missing)\n"
           "  --jobs N            OCR worker processes (default: number of CPUs)\n"
           "  --plugins DIR       folder of the plugins' procedure data files (DIR/*.json or\n"
           "                      DIR/*/*.json, so the source tree's plugins/ works too)\n"
           "  --config FILE       motcua.ini: its [plugins] plugin_dir is used\n"
           "                      Neither: BIN/../plugins if it holds data files (the build tree,\n"
           "                      build/bin -> build/plugins), else BIN/../lib/motcua/plugins (the\n"
           "                      installed layout), BIN being the folder of motcua-scan.\n"
           "  --date YYYY-MM-DD   classify against the rules in force on that date (default today)\n"
           "  --languages L       Tesseract languages, '+' between them (default vie+eng; their\n"
           "                      traineddata must be installed, e.g. tesseract-ocr-vie)\n"
           "  --no-pdf            do not write dossier.pdf\n\n"
           "Progress on stderr (\"OCR 3/10 trang\"). Exit codes: 0 all pages processed;\n"
           "1 failure (nothing usable written); 2 bad command line; 3 outputs written but some\n"
           "pages failed (their \"error\" says why); 4 unknown procedure or no rules in force.\n");
}

static int bad_usage(const char *why)
{
    fprintf(stderr, "motcua-scan process: %s\nUsage: motcua-scan process %s\n", why, process_usage);
    return SCAN_EXIT_USAGE;
}

/* The procedure data files of dir: the .json files in it (installed and build
 * layouts) and in its subfolders (the source tree's plugins/DEPT/DEPT.json).
 * 0, or -1 when none. */
static int data_files(const char *dir, glob_t *g)
{
    char top[PATH_MAX], sub[PATH_MAX];
    memset(g, 0, sizeof *g);
    if (snprintf(top, sizeof top, "%s/*.json", dir) >= (int)sizeof top ||
        snprintf(sub, sizeof sub, "%s/*/*.json", dir) >= (int)sizeof sub)
        return -1;
    int rc = glob(top, 0, NULL, g);
    if (rc != 0) {
        globfree(g); /* GLOB_NOMATCH may still have allocated */
        memset(g, 0, sizeof *g);
    }
    int rc2 = glob(sub, rc == 0 ? GLOB_APPEND : 0, NULL, g);
    if (rc != 0 && rc2 != 0) {
        globfree(g);
        memset(g, 0, sizeof *g);
        return -1;
    }
    return 0;
}

/* True when dir holds at least one procedure data file. */
static bool has_data_files(const char *dir)
{
    glob_t g;
    if (data_files(dir, &g) != 0)
        return false;
    bool any = g.gl_pathc > 0;
    globfree(&g);
    return any;
}

/* The plugin data folder when neither --plugins nor --config says. */
static void default_plugin_dir(char *out, size_t len)
{
    char bin[PATH_MAX];
    if (program_dir(bin, sizeof bin) != 0)
        snprintf(bin, sizeof bin, "/usr/local/bin");
    int w = snprintf(out, len, "%s/../plugins", bin);
    if (w > 0 && (size_t)w < len && has_data_files(out))
        return;
    w = snprintf(out, len, "%s/../lib/motcua/plugins", bin);
    if (w < 0 || (size_t)w >= len)
        snprintf(out, len, "/usr/local/lib/motcua/plugins");
}

/* Loads every *.json of dir into cat. A file that does not load is reported and
 * skipped, as the service skips a broken plugin. Returns how many loaded. */
static size_t load_catalogue(catalogue *cat, const char *dir)
{
    glob_t g;
    size_t loaded = 0;
    if (data_files(dir, &g) != 0)
        return 0;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        char err[512] = "";
        if (catalogue_load_file(cat, g.gl_pathv[i], NULL, err, sizeof err) == 0)
            loaded++;
        else
            fprintf(stderr, "motcua-scan process: skipped %s: %s\n", g.gl_pathv[i], err);
    }
    globfree(&g);
    return loaded;
}

/* Progress on stderr, in Vietnamese for the officer at the counter. */
static void on_progress(void *ctx, const char *phase, size_t done, size_t total)
{
    (void)ctx;
    if (strcmp(phase, "count") == 0)
        fprintf(stderr, "Đếm trang: %zu/%zu tệp\n", done, total);
    else if (strcmp(phase, "ocr") == 0)
        fprintf(stderr, "OCR %zu/%zu trang\n", done, total);
    else if (strcmp(phase, "pdf") == 0 && done == total)
        fprintf(stderr, "PDF: %zu trang\n", done);
}

/* One line for the officer once the outputs are written. */
static void print_summary(const json_t *result, const char *out_dir)
{
    json_int_t pages = json_integer_value(json_object_get(result, "page_count"));
    json_int_t failed = json_integer_value(json_object_get(result, "failed"));
    bool complete = json_is_true(json_object_get(result, "complete"));
    fprintf(stderr, "Xong: %lld trang, %lld trang lỗi; hồ sơ %s", (long long)pages, (long long)failed,
            complete ? "đủ thành phần" : "còn thiếu:");
    const json_t *missing = json_object_get(result, "missing");
    size_t i;
    const json_t *id;
    json_array_foreach(missing, i, id)
        fprintf(stderr, " %s", json_string_value(id));
    fprintf(stderr, ". Kết quả: %s/result.json\n", out_dir);
}

typedef struct process_args {
    const char *procedure, *out, *config, *plugins, *languages;
    int jobs;
    vn_date date;
    bool no_pdf;
} process_args;

/* Parses the options; returns -1 when fine, else the exit code to return. */
static int parse_args(int argc, char **argv, process_args *a)
{
    static const struct option longopts[] = {
        {"procedure", required_argument, NULL, 'p'}, {"out", required_argument, NULL, 'o'},
        {"jobs", required_argument, NULL, 'j'},      {"config", required_argument, NULL, 'c'},
        {"plugins", required_argument, NULL, 'P'},   {"date", required_argument, NULL, 'd'},
        {"no-pdf", no_argument, NULL, 'n'},          {"help", no_argument, NULL, 'h'},
        {"languages", required_argument, NULL, 'l'},
        {NULL, 0, NULL, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'p': a->procedure = optarg; break;
        case 'o': a->out = optarg; break;
        case 'c': a->config = optarg; break;
        case 'P': a->plugins = optarg; break;
        case 'n': a->no_pdf = true; break;
        case 'l':
            if (!ocr_languages_valid(optarg))
                return bad_usage("--languages wants Tesseract language names joined by '+', e.g. vie+eng");
            a->languages = optarg;
            break;
        case 'j': {
            char *end = NULL;
            errno = 0;
            long v = strtol(optarg, &end, 10);
            if (errno != 0 || end == optarg || *end != '\0' || v < 1 || v > 64)
                return bad_usage("--jobs wants a number from 1 to 64");
            a->jobs = (int)v;
            break;
        }
        case 'd':
            if (!vn_date_parse(optarg, &a->date))
                return bad_usage("--date wants a date YYYY-MM-DD");
            break;
        case 'h': process_help(); return SCAN_EXIT_OK;
        default: return bad_usage("unknown option");
        }
    }
    if (a->procedure == NULL || a->out == NULL)
        return bad_usage("--procedure and --out are required");
    if (a->config != NULL && a->plugins != NULL)
        return bad_usage("give --config or --plugins, not both");
    if (optind >= argc)
        return bad_usage("no image given");
    return -1;
}

/* Finds the rules of the procedure in force on the date. The catalogue stays owned by the caller. */
static int find_version(const process_args *a, catalogue **cat_out, const cat_version **v)
{
    char dir[PATH_MAX];
    if (a->plugins != NULL) {
        snprintf(dir, sizeof dir, "%s", a->plugins);
    } else if (a->config != NULL) {
        char err[512] = "";
        config *cfg = config_load(a->config, err, sizeof err);
        if (cfg == NULL) {
            fprintf(stderr, "motcua-scan process: %s\n", err);
            return SCAN_EXIT_FAILED;
        }
        snprintf(dir, sizeof dir, "%s", cfg->plugin_dir);
        config_free(cfg);
    } else {
        default_plugin_dir(dir, sizeof dir);
    }
    catalogue *cat = catalogue_new();
    if (cat == NULL) {
        fprintf(stderr, "motcua-scan process: out of memory\n");
        return SCAN_EXIT_FAILED;
    }
    *cat_out = cat;
    if (load_catalogue(cat, dir) == 0) {
        fprintf(stderr, "motcua-scan process: no procedure data file loaded from %s "
                        "(give --plugins DIR or --config FILE)\n", dir);
        return SCAN_EXIT_FAILED;
    }
    const cat_procedure *p = catalogue_find(cat, a->procedure);
    if (p == NULL) {
        fprintf(stderr, "motcua-scan process: unknown procedure \"%s\" (catalogue from %s)\n",
                a->procedure, dir);
        return PROCESS_EXIT_UNKNOWN_PROCEDURE;
    }
    *v = cat_procedure_version_at(p, a->date);
    if (*v == NULL) {
        fprintf(stderr, "motcua-scan process: procedure \"%s\" has no rules in force on %d\n",
                a->procedure, a->date);
        return PROCESS_EXIT_UNKNOWN_PROCEDURE;
    }
    return -1;
}

static int process_run_cmd(int argc, char **argv)
{
    process_args a = {0};
    a.date = vn_date_of(time(NULL));
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0)
        return rc;
    catalogue *cat = NULL;
    const cat_version *v = NULL;
    rc = find_version(&a, &cat, &v);
    if (rc >= 0) {
        catalogue_free(cat);
        return rc;
    }

    char err[512] = "";
    ocr_pool_options po = {0};
    po.workers = a.jobs;
    po.languages = a.languages;
    ocr_pool *pool = ocr_pool_start(&po, err, sizeof err);
    if (pool == NULL) {
        fprintf(stderr, "motcua-scan process: cannot start the OCR workers: %s\n", err);
        catalogue_free(cat);
        return SCAN_EXIT_FAILED;
    }
    scan_process_options so = {
        .version = v, .out_dir = a.out, .write_pdf = !a.no_pdf, .progress = on_progress, .progress_ctx = NULL,
    };
    json_t *result = NULL;
    rc = scan_process(pool, &so, (const char *const *)argv + optind, (size_t)(argc - optind), &result, err,
                      sizeof err);
    ocr_pool_stop(pool);
    if (rc != 0) {
        fprintf(stderr, "motcua-scan process: %s\n", err);
        catalogue_free(cat);
        return SCAN_EXIT_FAILED;
    }
    print_summary(result, a.out);
    bool failed = json_integer_value(json_object_get(result, "failed")) > 0;
    json_decref(result);
    catalogue_free(cat);
    return failed ? PROCESS_EXIT_PAGES_FAILED : SCAN_EXIT_OK;
}

const scan_command scan_cmd_process = {
    .name = "process",
    .summary = "OCR, classify and check a dossier's images (result.json, text/, dossier.pdf)",
    .usage = process_usage,
    .run = process_run_cmd,
};
