/* motcua-scan: the scanner service's command-line tool; dispatches to the subcommands
 * of scan/commands.h (capture, list-devices, ...). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"

/* Every subcommand, in the order "motcua-scan --help" lists them. To add one: write
 * scan/cmd_NAME.c with a const scan_command, declare it in commands.h, list it here. */
static const scan_command *const scan_commands[] = {
    &scan_cmd_capture,
    &scan_cmd_list_devices,
    &scan_cmd_process,
};
#define SCAN_N_COMMANDS (sizeof scan_commands / sizeof scan_commands[0])

static void usage(FILE *out)
{
    fprintf(out, "Usage: motcua-scan COMMAND [OPTIONS]   (motcua-scan COMMAND --help for more)\n\nCommands:\n");
    for (size_t i = 0; i < SCAN_N_COMMANDS; i++)
        fprintf(out, "  %-14s %s\n", scan_commands[i]->name, scan_commands[i]->summary);
    fprintf(out, "\nExit codes: 0 success, 1 failure, 2 bad command line; commands add their own.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return SCAN_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return SCAN_EXIT_OK;
    }
    for (size_t i = 0; i < SCAN_N_COMMANDS; i++) {
        if (strcmp(argv[1], scan_commands[i]->name) == 0) {
            optind = 0; /* GNU getopt: start afresh on the command's own argv */
            return scan_commands[i]->run(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "motcua-scan: unknown command \"%s\"\n", argv[1]);
    usage(stderr);
    return SCAN_EXIT_USAGE;
}
