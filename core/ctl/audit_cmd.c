/* motcuactl audit verify: recomputes the audit log's hash chain and names the first bad row. */
#include "audit_cmd.h"

#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "user_env.h"

static void audit_usage(FILE *out)
{
    fprintf(out,
            "Usage: motcuactl audit verify [--config FILE]\n"
            "  Recomputes the SHA-256 chain of the events table of the database named by\n"
            "  FILE (default " CTL_DEFAULT_CONFIG ").\n"
            "  Exit 0: intact; 1: an edited, inserted or deleted event (the first is named);\n"
            "  2: wrong arguments or the database cannot be read.\n");
}

int ctl_audit(int argc, char **argv)
{
    const char *config_path = NULL;
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        audit_usage(stdout);
        return 0;
    }
    if (argc < 2 || strcmp(argv[1], "verify") != 0) {
        audit_usage(stderr);
        return 2;
    }
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
            config_path = argv[++i];
        } else {
            audit_usage(stderr);
            return 2;
        }
    }
    user_env env;
    if (user_env_open(&env, config_path) != 0) {
        user_env_close(&env);
        return 2;
    }
    char why[256] = "";
    long long bad = audit_verify(env.st, why, sizeof why);
    int status;
    if (bad == 0) {
        printf("audit log intact\n");
        status = 0;
    } else if (bad > 0) {
        fprintf(stderr, "motcuactl: audit log broken at event %lld: %s\n", bad, why);
        status = 1;
    } else {
        fprintf(stderr, "motcuactl: cannot verify the audit log: %s\n", why);
        status = 2;
    }
    user_env_close(&env);
    return status;
}
