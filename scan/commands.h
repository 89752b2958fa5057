/* The subcommands of motcua-scan: one scan/cmd_*.c each, offering a const scan_command
 * that scan_main.c lists in its table (as tmux's cmd-*.c do). */
#ifndef MOTCUA_SCAN_COMMANDS_H
#define MOTCUA_SCAN_COMMANDS_H

/* Exit codes every command keeps; a command documents its own codes from 3 up. */
enum {
    SCAN_EXIT_OK = 0,
    SCAN_EXIT_FAILED = 1,  /* the command ran and failed (its message says why) */
    SCAN_EXIT_USAGE = 2    /* bad command line; nothing was done */
};

typedef struct scan_command {
    const char *name;      /* as typed after motcua-scan: "capture" */
    const char *summary;   /* one line for "motcua-scan --help" */
    const char *usage;     /* the arguments after the name, for error messages */
    /* Runs the command. argv[0] is the command's name and argv[argc] is NULL; getopt is
     * reset before the call (optind = 0), so the command parses its own options with
     * getopt_long. "--help" prints the command's help on stdout and returns 0. Returns
     * the process's exit code. */
    int (*run)(int argc, char **argv);
} scan_command;

extern const scan_command scan_cmd_capture;       /* scan/cmd_capture.c */
extern const scan_command scan_cmd_list_devices;  /* scan/cmd_list_devices.c */
extern const scan_command scan_cmd_process;       /* scan/cmd_process.c */

#endif
