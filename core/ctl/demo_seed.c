/* motcuactl demo-seed: the demo accounts of DESIGN.md (password motcua-demo), for nginx/stack --demo only. */
#include <stdio.h>
#include <string.h>

#include "accounts.h"
#include "user_env.h"

#define DEMO_PASSWORD "motcua-demo"

static void demo_usage(FILE *out)
{
    fprintf(out,
            "Usage: motcuactl demo-seed [--config FILE]\n"
            "\n"
            "Creates the demo accounts, all with the password '" DEMO_PASSWORD "':\n"
            "  demo-counter (counter), demo-supervisor, demo-archivist, demo-admin,\n"
            "  and for each loaded plugin DEPT: demo-DEPT (department_officer) and\n"
            "  demo-DEPT-head (department_head).\n"
            "Accounts that already exist are left alone, so it can run again. Only for\n"
            "demonstration databases (nginx/stack up --demo): never on a real centre.\n"
            "--config FILE  motcua.ini naming the database and plugin_dir (default %s)\n",
            CTL_DEFAULT_CONFIG);
}

/* Creates one account unless it exists. Returns 0 (created or present) or -1. */
static int seed_one(user_env *env, const char *username, const char *full_name, const char *role_text,
                    const char *department)
{
    account existing;
    account_status s = account_get(env->st, username, &existing);
    if (s == ACCOUNT_OK) {
        printf("demo-seed: %s exists, left alone\n", username);
        return 0;
    }
    char err[256] = "";
    if (s == ACCOUNT_NOT_FOUND)
        s = account_add(env->st, "motcuactl demo-seed", username, full_name, role_text, department,
                        DEMO_PASSWORD, err, sizeof err);
    else
        snprintf(err, sizeof err, "cannot read the database");
    if (s != ACCOUNT_OK && s != ACCOUNT_EXISTS) { /* EXISTS: another seeder was faster */
        fprintf(stderr, "motcuactl demo-seed: %s: %s\n", username, err);
        return -1;
    }
    printf("demo-seed: %s (%s%s%s)\n", username, role_text, department ? ", " : "",
           department ? department : "");
    return 0;
}

static int seed_departments(user_env *env)
{
    int failed = 0;
    for (size_t i = 0; i < env->plugins.count; i++) {
        const char *dept = env->plugins.items[i].decl->department;
        const cat_department *d = catalogue_department(env->cat, dept);
        const char *dname = d != NULL && d->name != NULL ? d->name : dept;
        char officer[64], head[64], officer_name[128], head_name[128];
        snprintf(officer, sizeof officer, "demo-%s", dept);
        snprintf(head, sizeof head, "demo-%s-head", dept);
        snprintf(officer_name, sizeof officer_name, "Chuyên viên %s (demo)", dname);
        snprintf(head_name, sizeof head_name, "Lãnh đạo %s (demo)", dname);
        if (!account_username_valid(head)) {
            fprintf(stderr, "motcuactl demo-seed: department id '%s' is too long for a demo username; skipped\n",
                    dept);
            continue;
        }
        failed += seed_one(env, officer, officer_name, "department_officer", dept) != 0;
        failed += seed_one(env, head, head_name, "department_head", dept) != 0;
    }
    return failed;
}

int ctl_demo_seed(int argc, char **argv)
{
    const char *config_path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            demo_usage(stdout);
            return 0;
        }
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
            config_path = argv[++i];
        } else {
            fprintf(stderr, "motcuactl demo-seed: unexpected argument %s\n\n", argv[i]);
            demo_usage(stderr);
            return 2;
        }
    }
    user_env env;
    if (user_env_open(&env, config_path) != 0 || user_env_load_departments(&env) != 0) {
        user_env_close(&env);
        return 1;
    }
    static const struct {
        const char *username, *full_name, *role;
    } staff[] = {
        {"demo-counter", "Cán bộ tiếp nhận (demo)", "counter"},
        {"demo-supervisor", "Cán bộ giám sát (demo)", "supervisor"},
        {"demo-archivist", "Cán bộ lưu trữ (demo)", "archivist"},
        {"demo-admin", "Quản trị hệ thống (demo)", "admin"},
    };
    int failed = 0;
    for (size_t i = 0; i < sizeof staff / sizeof staff[0]; i++)
        failed += seed_one(&env, staff[i].username, staff[i].full_name, staff[i].role, NULL) != 0;
    failed += seed_departments(&env);
    user_env_close(&env);
    return failed == 0 ? 0 : 1;
}
