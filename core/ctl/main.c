/* motcuactl: the administrator's command line (plugins check, user, demo-seed;
 * more commands arrive with audit and archives). */
#include <stdio.h>
#include <string.h>

#include "plugin_check.h"
#include "audit_cmd.h"
#include "user_env.h"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: motcuactl COMMAND [ARGS]\n"
            "\n"
            "Commands:\n"
            "  plugins check DIR   load every plugin in DIR as motcua-fcgi would and report\n"
            "                      each one (loaded, or skipped with the reason); exit 1 if any\n"
            "                      plugin would be skipped\n"
            "  user add|passwd|disable|enable|list ...\n"
            "                      manage accounts (motcuactl user --help)\n"
            "  demo-seed [--config FILE]\n"
            "                      create the demo accounts (password motcua-demo)\n"
            "  audit verify [--config FILE]\n"
            "                      check the audit log's hash chain; exit 1 naming the\n"
            "                      first edited or deleted event\n"
            "  help                show this help\n");
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "plugins") == 0 && argc == 4 && strcmp(argv[2], "check") == 0) {
        int skipped = plugin_check_dir(argv[3], NULL, stdout);
        return skipped == 0 ? 0 : 1;
    }
    if (strcmp(argv[1], "user") == 0)
        return ctl_user(argc - 1, argv + 1);
    if (strcmp(argv[1], "demo-seed") == 0)
        return ctl_demo_seed(argc - 1, argv + 1);
    if (strcmp(argv[1], "audit") == 0)
        return ctl_audit(argc - 1, argv + 1);
    fprintf(stderr, "motcuactl: unknown command or wrong arguments\n\n");
    usage(stderr);
    return 2;
}
