/* Offline plugin check shared by motcuactl and motcua-fcgi -t. */
#include "plugin_check.h"

#include <string.h>

#include "catalogue.h"
#include "plugin_host.h"

typedef struct check_ctx {
    FILE *out;
    const catalogue *cat;
    int failed;
} check_ctx;

static void report(void *ctx, const char *file, const loaded_plugin *p, const char *problem)
{
    check_ctx *c = ctx;
    if (problem != NULL) {
        fprintf(c->out, "FAIL %-20s %s\n", file, problem);
        c->failed++;
        return;
    }
    fprintf(c->out, "ok   %-20s department %s, version %s, %zu procedures, %zu routes\n", file,
            p->decl->department, p->decl->version ? p->decl->version : "?", p->procedure_count,
            p->route_count);
}

int plugin_check_dir(const char *dir, const config *cfg, FILE *out)
{
    catalogue *cat = catalogue_new();
    if (cat == NULL)
        return -1;
    check_ctx c = {out, cat, 0};
    plugin_set set;
    memset(&set, 0, sizeof set);
    char err[512];
    if (plugin_set_load(&set, dir, cat, cfg, NULL, report, &c, err, sizeof err) != 0) {
        fprintf(out, "FAIL %s\n", err);
        catalogue_free(cat);
        return -1;
    }
    for (size_t i = 0; i < catalogue_count(cat); i++) {
        const cat_procedure *p = catalogue_at(cat, i);
        fprintf(out, "     procedure %-10s %s (%s, %zu versions)\n", p->code, p->name,
                p->department->id, p->version_count);
    }
    fprintf(out, "%zu plugins loaded, %d skipped, %zu procedures\n", set.count, c.failed,
            catalogue_count(cat));
    plugin_set_unload(&set);
    catalogue_free(cat);
    return c.failed;
}
