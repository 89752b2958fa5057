/* motcuactl user add|passwd|disable|enable|list: managing accounts from the command line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "accounts.h"
#include "user_env.h"

#define ACTOR "motcuactl"

static void user_usage(FILE *out)
{
    fprintf(out,
            "Usage:\n"
            "  motcuactl user add USERNAME --name \"Full Name\" --role ROLE [--department DEPT]\n"
            "                     [--password-stdin] [--config FILE]\n"
            "  motcuactl user passwd USERNAME [--password-stdin] [--config FILE]\n"
            "  motcuactl user disable USERNAME [--config FILE]\n"
            "  motcuactl user enable USERNAME [--config FILE]\n"
            "  motcuactl user list [--config FILE]\n"
            "\n"
            "ROLE: counter, department_officer, department_head, supervisor, archivist, admin.\n"
            "department_officer and department_head need --department, the id of a loaded\n"
            "plugin (tuphap, congan, ...). USERNAME: 3 to 32 of a-z 0-9 . _ -\n"
            "The password (at least %d characters) is asked twice without echo on a terminal,\n"
            "or read as one line from standard input with --password-stdin.\n"
            "Disabling an account, or changing its password, ends its sessions.\n"
            "--config FILE  motcua.ini naming the database and plugin_dir (default %s)\n",
            ACCOUNT_PASSWORD_MIN, CTL_DEFAULT_CONFIG);
}

typedef struct user_args {
    const char *action;
    const char *username;
    const char *full_name;
    const char *role;
    const char *department;
    const char *config;
    bool password_stdin;
} user_args;

/* Returns 0, 1 for --help, or -1 after printing what is wrong. */
static int parse_args(int argc, char **argv, user_args *args)
{
    memset(args, 0, sizeof *args);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
            return 1;
        if (strcmp(a, "--password-stdin") == 0) {
            args->password_stdin = true;
            continue;
        }
        if (strcmp(a, "--name") == 0)
            slot = &args->full_name;
        else if (strcmp(a, "--role") == 0)
            slot = &args->role;
        else if (strcmp(a, "--department") == 0)
            slot = &args->department;
        else if (strcmp(a, "--config") == 0)
            slot = &args->config;
        if (slot != NULL) {
            if (i + 1 >= argc) {
                fprintf(stderr, "motcuactl user: %s needs a value\n", a);
                return -1;
            }
            *slot = argv[++i];
        } else if (a[0] == '-') {
            fprintf(stderr, "motcuactl user: unknown option %s\n", a);
            return -1;
        } else if (args->action == NULL) {
            args->action = a;
        } else if (args->username == NULL) {
            args->username = a;
        } else {
            fprintf(stderr, "motcuactl user: unexpected argument %s\n", a);
            return -1;
        }
    }
    if (args->action == NULL) {
        fprintf(stderr, "motcuactl user: which action? (add, passwd, disable, enable, list)\n");
        return -1;
    }
    bool needs_user = strcmp(args->action, "list") != 0;
    if (needs_user && args->username == NULL) {
        fprintf(stderr, "motcuactl user %s: USERNAME is missing\n", args->action);
        return -1;
    }
    if (!needs_user && args->username != NULL) {
        fprintf(stderr, "motcuactl user list takes no USERNAME\n");
        return -1;
    }
    return 0;
}

/* Reads one line without its end of line: a malloc'ed string the caller wipes
 * and frees (wipe_free). NULL at end of input. */
static char *read_line(FILE *in)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, in);
    if (n < 0) {
        free(line);
        return NULL;
    }
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    return line;
}

static void wipe_free(char *s)
{
    if (s != NULL) {
        sodium_memzero(s, strlen(s));
        free(s);
    }
}

/* Prompts on the terminal with echo off; NULL on end of input or error. */
static char *prompt_hidden(const char *prompt)
{
    struct termios old, quiet;
    fputs(prompt, stderr);
    fflush(stderr);
    if (tcgetattr(STDIN_FILENO, &old) != 0)
        return NULL;
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    quiet.c_lflag |= ECHONL;
    if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) != 0)
        return NULL;
    char *line = read_line(stdin);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    return line;
}

/* The new password: one line of stdin, or asked twice on a terminal. NULL after
 * printing why. */
static char *read_password(bool from_stdin)
{
    if (from_stdin) {
        char *p = read_line(stdin);
        if (p == NULL)
            fprintf(stderr, "motcuactl user: no password on standard input\n");
        return p;
    }
    if (!isatty(STDIN_FILENO)) {
        fprintf(stderr, "motcuactl user: standard input is not a terminal; use --password-stdin\n");
        return NULL;
    }
    char *first = prompt_hidden("New password: ");
    if (first == NULL)
        return NULL;
    char *second = prompt_hidden("Repeat the password: ");
    if (second == NULL || strcmp(first, second) != 0) {
        fprintf(stderr, "motcuactl user: the passwords differ; nothing was changed\n");
        wipe_free(first);
        wipe_free(second);
        return NULL;
    }
    wipe_free(second);
    return first;
}

static int user_add(user_env *env, const user_args *args)
{
    if (args->full_name == NULL || args->role == NULL) {
        fprintf(stderr, "motcuactl user add: --name and --role are required\n");
        return 2;
    }
    role r = role_parse(args->role);
    if (role_is_departmental(r)) {
        if (args->department == NULL) {
            fprintf(stderr, "motcuactl user add: role %s needs --department DEPT\n", args->role);
            return 2;
        }
        if (user_env_load_departments(env) != 0)
            return 1;
        if (!user_env_department_known(env, args->department)) {
            fprintf(stderr, "motcuactl user add: no loaded plugin serves department '%s' (plugin_dir %s)\n",
                    args->department, env->cfg->plugin_dir);
            return 1;
        }
    }
    char *password = read_password(args->password_stdin);
    if (password == NULL)
        return 1;
    char err[256] = "";
    account_status s = account_add(env->st, ACTOR, args->username, args->full_name, args->role,
                                   args->department, password, err, sizeof err);
    wipe_free(password);
    if (s != ACCOUNT_OK) {
        fprintf(stderr, "motcuactl user add %s: %s\n", args->username, err);
        return 1;
    }
    printf("user %s added (%s%s%s)\n", args->username, args->role, args->department ? ", " : "",
           args->department ? args->department : "");
    return 0;
}

static int user_passwd(user_env *env, const user_args *args)
{
    account a;
    account_status s = account_get(env->st, args->username, &a);
    if (s != ACCOUNT_OK) {
        fprintf(stderr, "motcuactl user passwd: %s\n",
                s == ACCOUNT_NOT_FOUND ? "no account with this username" : "cannot read the database");
        return 1;
    }
    char *password = read_password(args->password_stdin);
    if (password == NULL)
        return 1;
    char err[256] = "";
    s = account_set_password(env->st, ACTOR, args->username, password, err, sizeof err);
    wipe_free(password);
    if (s != ACCOUNT_OK) {
        fprintf(stderr, "motcuactl user passwd %s: %s\n", args->username, err);
        return 1;
    }
    printf("password of %s changed; its sessions were ended\n", args->username);
    return 0;
}

static int user_set_disabled(user_env *env, const user_args *args, bool disabled)
{
    char err[256] = "";
    if (account_set_disabled(env->st, ACTOR, args->username, disabled, err, sizeof err) != ACCOUNT_OK) {
        fprintf(stderr, "motcuactl user %s %s: %s\n", args->action, args->username, err);
        return 1;
    }
    printf("user %s %s\n", args->username, disabled ? "disabled (sessions ended)" : "enabled");
    return 0;
}

static int print_account(void *ctx, const account *a)
{
    (void)ctx;
    printf("%-24s %-19s %-10s %-8s %s\n", a->username, role_name(a->role),
           a->department[0] ? a->department : "-", a->disabled ? "disabled" : "enabled", a->full_name);
    return 0;
}

int ctl_user(int argc, char **argv)
{
    user_args args;
    int p = parse_args(argc, argv, &args);
    if (p != 0) {
        user_usage(p > 0 ? stdout : stderr);
        return p > 0 ? 0 : 2;
    }
    const char *known[] = {"add", "passwd", "disable", "enable", "list"};
    bool ok = false;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        ok = ok || strcmp(args.action, known[i]) == 0;
    if (!ok) {
        fprintf(stderr, "motcuactl user: unknown action '%s'\n", args.action);
        user_usage(stderr);
        return 2;
    }
    user_env env;
    if (user_env_open(&env, args.config) != 0) {
        user_env_close(&env);
        return 1;
    }
    int rc;
    if (strcmp(args.action, "add") == 0) {
        rc = user_add(&env, &args);
    } else if (strcmp(args.action, "passwd") == 0) {
        rc = user_passwd(&env, &args);
    } else if (strcmp(args.action, "disable") == 0 || strcmp(args.action, "enable") == 0) {
        rc = user_set_disabled(&env, &args, strcmp(args.action, "disable") == 0);
    } else {
        printf("%-24s %-19s %-10s %-8s %s\n", "USERNAME", "ROLE", "DEPARTMENT", "STATE", "FULL NAME");
        rc = account_list(env.st, print_account, NULL) == 0 ? 0 : 1;
        if (rc != 0)
            fprintf(stderr, "motcuactl user list: cannot read the database\n");
    }
    user_env_close(&env);
    return rc;
}
