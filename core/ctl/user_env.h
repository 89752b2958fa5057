/* What the account commands of motcuactl (user, demo-seed) share: the config, the
 * store and the department ids of the loaded plugins, and their entry points. */
#ifndef MOTCUA_CTL_USER_ENV_H
#define MOTCUA_CTL_USER_ENV_H

#include <stdbool.h>

#include "catalogue.h"
#include "config.h"
#include "plugin_host.h"
#include "store.h"

#define CTL_DEFAULT_CONFIG "/etc/motcua/motcua.ini"

typedef struct user_env {
    config *cfg;
    store *st;
    catalogue *cat;      /* NULL until user_env_load_departments */
    plugin_set plugins;
} user_env;

/* Reads the config at path (NULL: CTL_DEFAULT_CONFIG) and opens its database
 * (migrating it). Returns 0, or -1 after printing the reason to stderr (env is
 * then safe to pass to user_env_close). */
int user_env_open(user_env *env, const char *path);

/* Loads the plugins of the config's plugin_dir, quietly, so that department ids
 * can be checked. Returns 0, or -1 after printing why. */
int user_env_load_departments(user_env *env);

/* True when a loaded plugin declares department id. */
bool user_env_department_known(const user_env *env, const char *id);

/* Releases everything; safe on a zeroed env. */
void user_env_close(user_env *env);

/* motcuactl user ...: argv[0] is "user". Returns the exit status. */
int ctl_user(int argc, char **argv);
/* motcuactl demo-seed ...: argv[0] is "demo-seed". Returns the exit status. */
int ctl_demo_seed(int argc, char **argv);

#endif
