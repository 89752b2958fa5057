/* motcuactl: the administrator's command line (plugins check; more commands
 * arrive with accounts, audit and archives). */
#include <stdio.h>
#include <string.h>

#include "plugin_check.h"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: motcuactl COMMAND [ARGS]\n"
            "\n"
            "Commands:\n"
            "  plugins check DIR   load every plugin in DIR as motcua-fcgi would and report\n"
            "                      each one (loaded, or skipped with the reason); exit 1 if any\n"
            "                      plugin would be skipped\n"
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
    fprintf(stderr, "motcuactl: unknown command or wrong arguments\n\n");
    usage(stderr);
    return 2;
}
