/* motcua-scan list-devices: the scanners SANE can see, one a line. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "capture.h"
#include "commands.h"

static void list_one(void *ctx, const char *name, const char *vendor, const char *model, const char *type)
{
    (void)ctx;
    printf("%s\t%s\t%s\t%s\n", name, vendor != NULL ? vendor : "", model != NULL ? model : "",
           type != NULL ? type : "");
}

static int list_devices_run(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--help") == 0) {
        printf("Usage: motcua-scan list-devices\n\n"
               "Prints the scanners SANE finds, one a line: NAME<TAB>VENDOR<TAB>MODEL<TAB>TYPE.\n"
               "NAME is what capture --device and the station configuration take. Network\n"
               "scanners (net backend) are included, so this may take a few seconds.\n"
               "Exit codes: 0 (also when none is found: a note goes to stderr), 1 SANE failed,\n"
               "2 bad command line. Environment: SANE_CONFIG_DIR, as for scanimage.\n");
        return SCAN_EXIT_OK;
    }
    if (argc != 1) {
        fprintf(stderr, "motcua-scan list-devices: no arguments expected\n");
        return SCAN_EXIT_USAGE;
    }
    char err[256];
    int n = capture_list_devices(list_one, NULL, err, sizeof err);
    capture_shutdown();
    if (n < 0) {
        fprintf(stderr, "motcua-scan list-devices: %s\n", err);
        return SCAN_EXIT_FAILED;
    }
    if (n == 0)
        fprintf(stderr, "Không tìm thấy máy quét nào / no scanner found (check SANE's dll.conf, "
                        "net.conf and the scanner group)\n");
    return fflush(stdout) == 0 ? SCAN_EXIT_OK : SCAN_EXIT_FAILED;
}

const scan_command scan_cmd_list_devices = {
    .name = "list-devices",
    .summary = "list the scanners SANE can see",
    .usage = "",
    .run = list_devices_run,
};
