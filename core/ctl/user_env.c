/* The environment of motcuactl's account commands: config, store, loaded department ids. */
#include "user_env.h"

#include <stdio.h>
#include <string.h>

#include "log.h"

int user_env_open(user_env *env, const char *path)
{
    memset(env, 0, sizeof *env);
    if (path == NULL)
        path = CTL_DEFAULT_CONFIG;
    char err[512] = "";
    env->cfg = config_load(path, err, sizeof err);
    if (env->cfg == NULL) {
        fprintf(stderr, "motcuactl: %s\n", err);
        return -1;
    }
    if (store_open(env->cfg->database, env->cfg->busy_timeout_ms, &env->st, err, sizeof err) != 0) {
        fprintf(stderr, "motcuactl: database %s: %s\n", env->cfg->database, err);
        return -1;
    }
    return 0;
}

/* Plugins that fail to load are the server's business (motcuactl plugins check
 * reports them); here they only mean their department cannot be used. */
static void quiet_report(void *ctx, const char *file, const loaded_plugin *p, const char *problem)
{
    (void)ctx;
    (void)p;
    if (problem != NULL)
        fprintf(stderr, "motcuactl: plugin %s skipped: %s\n", file, problem);
}

int user_env_load_departments(user_env *env)
{
    char err[512] = "";
    env->cat = catalogue_new();
    if (env->cat == NULL) {
        fprintf(stderr, "motcuactl: out of memory\n");
        return -1;
    }
    /* Plugins log through the operator log; keep their chatter out of the command's output. */
    log_open(NULL, LOG_WARN);
    if (plugin_set_load(&env->plugins, env->cfg->plugin_dir, env->cat, env->cfg, NULL, quiet_report, NULL,
                        err, sizeof err) != 0) {
        fprintf(stderr, "motcuactl: plugins: %s\n", err);
        return -1;
    }
    return 0;
}

bool user_env_department_known(const user_env *env, const char *id)
{
    return id != NULL && plugin_set_find(&env->plugins, id) != NULL;
}

void user_env_close(user_env *env)
{
    plugin_set_unload(&env->plugins);
    catalogue_free(env->cat);
    store_close(env->st);
    config_free(env->cfg);
    memset(env, 0, sizeof *env);
}
