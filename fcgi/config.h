/* motcua-fcgi configuration: an INI file read with inih; each key is named as
 * the struct field below, in its section (example: nginx/motcua.ini.example). */
#ifndef MOTCUA_CONFIG_H
#define MOTCUA_CONFIG_H

#include <stddef.h>
#include <stdbool.h>
#include <sys/types.h>

/* One [plugin.<dept>] key = value pair. */
typedef struct config_pair {
    char *section; /* department id */
    char *key;
    char *value;
} config_pair;

typedef struct config {
    /* [server] */
    char *listen;             /* unix socket path, or HOST:PORT on loopback */
    mode_t listen_mode;       /* unix socket mode, default 0660 */
    char *listen_group;       /* group owning the socket, NULL: the process's */
    int workers;              /* pre-forked workers, 1..256 */
    int max_requests;         /* recycle a worker after this many requests; 0: never */
    int request_timeout;      /* seconds; a longer request is cut and its worker replaced */
    int slow_request;         /* seconds; longer requests are counted (and logged) as slow */
    int crash_budget;         /* worker crashes per minute before respawns are throttled */
    int shutdown_timeout;     /* seconds a graceful stop or reload waits for requests in flight */
    char *pid_file;           /* NULL: none */
    char *log_file;           /* NULL: stderr */
    int log_level;            /* motcua_log_level */
    /* [store] */
    char *database;
    int busy_timeout_ms;
    char *files_dir;          /* uploaded pages and rendered files live under it */
    /* [plugins] */
    char *plugin_dir;
    /* [limits] */
    size_t max_json_body;     /* bytes */
    size_t max_upload;        /* bytes */
    /* [centre] */
    char *agency_code;
    char *centre_name;
    char *calendar_file;      /* yearly holiday overrides (JSON, core/calendar.h); NULL: none */
    char *lookup_url;         /* the public lookup page printed on forms and in their QR
                                 (http:// or https://, no '|'); NULL: <scheme>://<Host>/tra-cuu
                                 of the request that renders the form */
    /* [scan]: motcua-scand (scan/scand.c) */
    int scan_workers;         /* OCR worker processes; 0: one per CPU */
    int scan_page_deadline;   /* seconds one page may take in a worker */
    int scan_capture_page_timeout; /* seconds a capture may go without a new page before its
                                      scanner is taken as stalled and the capture is killed */
    int scan_recycle_after;   /* pages before a worker is replaced */
    int scan_max_attempts;    /* claims of a job before it is failed */
    int scan_stale_after;     /* seconds without a heartbeat before a running job is taken back */
    int scan_poll_ms;         /* milliseconds between looks at an empty queue */
    char *scan_log_file;      /* NULL: stderr */
    char *scan_sane_config_dir; /* SANE_CONFIG_DIR for the scanners; NULL: SANE's default */
    char *scan_languages;     /* Tesseract languages ("vie+eng"); NULL: the OCR pool's default */
    config_pair *scan_stations; /* station.<name> = <SANE device>: section "scan", key name */
    size_t scan_station_count;
    /* [plugin.<dept>] */
    config_pair *plugin_pairs;
    size_t plugin_pair_count;
    /* where it was read from */
    char *path;
} config;

/* Reads and validates path into a new config with defaults for what is absent.
 * Returns NULL and an English reason in err ("motcua.ini:12: workers: 0 is not
 * between 1 and 256") on error. */
config *config_load(const char *path, char *err, size_t errlen);

/* Parses the same syntax from memory (for tests); origin names it in errors. */
config *config_parse_text(const char *text, const char *origin, char *err, size_t errlen);

/* Frees; config_free(NULL) is a no-op. */
void config_free(config *cfg);

/* The value of key in [plugin.<department>], or NULL. */
const char *config_plugin_value(const config *cfg, const char *department, const char *key);

/* The SANE device of [scan] station.<name>, or NULL. */
const char *config_scan_station(const config *cfg, const char *name);

/* Parses a size such as "512", "64k", "1M", "2G" into bytes. */
bool config_parse_size(const char *text, size_t *out);

#endif
