/* One capture batch in a child process (motcua-scan capture --progress json) under a deadline
 * between pages; its pages handed on as they come (capture_child.h). */
#include "capture_child.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "program_dir.h"
#include "utf8.h"

extern char **environ;

#define CAPTURE_PROGRAM "motcua-scan"
#define DEFAULT_PAGE_TIMEOUT_S 120
/* After its summary the child only closes the device and SANE: this long at most. */
#define AFTER_SUMMARY_MS 10000
/* Once the child is gone (or killed) its pipe closes at once; bounded in case a process
 * outside its group still holds it. */
#define DRAIN_MS 5000
/* Reaping a killed child; past this it is left (stuck in the kernel) and logged. */
#define REAP_MS 5000
/* The longest poll: a stop request whose signal came just before poll is seen this soon. */
#define SLICE_MS 200
/* A progress line longer than this is dropped (a page line is about 100 bytes + the path). */
#define LINE_MAX_BYTES 65536
/* Reads of 4 KiB taken from the child's pipe before the clock and the stop flag are looked at again. */
#define READS_PER_TURN 16
/* Lines that are not progress logged one by one per capture; the rest are only counted. */
#define IGNORED_LOGGED 5
/* Page file names: page-NNNN.png (capture.c). */
#define PAGE_PREFIX "page-"
#define PAGE_DIGITS 4

static const char *const VI_NOT_STARTED =
    "Không khởi động được chương trình quét. Hãy báo quản trị hệ thống kiểm tra dịch vụ quét.";

/* One child being watched. */
typedef struct child_watch {
    const capture_child_options *opt;
    void (*progress)(void *ctx, size_t page, const char *file);
    void *ctx;
    pid_t pid;
    int fd;                  /* read end of the child's stdout; -1 after EOF */
    char *line;              /* the line being assembled */
    size_t len, cap;
    bool overlong;           /* dropping the rest of a line that grew too long */
    json_t *summary;         /* the child's final object, once read */
    size_t pages;            /* pages handed to progress */
    size_t last_page;        /* number of the last page reported (0: none) */
    size_t ignored;          /* lines that were not progress (the first IGNORED_LOGGED are logged) */
} child_watch;

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The status a summary names ("ok", "jammed"...: capture_status_name); an unknown name is an
 * I/O error. The statuses run from CAPTURE_OK to CAPTURE_INVALID. */
static capture_status status_named(const char *name)
{
    for (int s = CAPTURE_OK; name != NULL && s <= CAPTURE_INVALID; s++)
        if (strcmp(name, capture_status_name((capture_status)s)) == 0)
            return (capture_status)s;
    return CAPTURE_IO_ERROR;
}

/* In the child: its own process group (killed as one, and out of reach of a terminal's ^C),
 * killed if the parent dies, pipe on stdout, /dev/null on stdin, every other descriptor
 * closed (the parent's database among them), no core files, default signals; then exec.
 * Only async-signal-safe calls. */
static void child_exec(const char *program, char *const argv[], int out, int exec_err, pid_t parent)
{
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(127); /* the parent died before prctl */
    if (out < 3)
        out = fcntl(out, F_DUPFD, 3); /* dup2 onto itself would keep its close-on-exec */
    int null = open("/dev/null", O_RDONLY);
    if (out < 0 || null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0)
        _exit(127);
    /* Everything else closes; exec_err (close-on-exec) stays to say why an exec failed. */
    if ((exec_err > 3 && close_range(3, (unsigned)exec_err - 1, 0) != 0) ||
        close_range((unsigned)exec_err + 1, UINT_MAX, 0) != 0)
        for (int fd = 3; fd < 1024; fd++)
            if (fd != exec_err)
                close(fd);
    struct rlimit none = {0, 0};
    setrlimit(RLIMIT_CORE, &none);
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigaction(SIGPIPE, &dfl, NULL); /* ignored in motcua-scand; exec would keep it ignored */
    sigset_t all;
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    execve(program, argv, environ);
    int why = errno;
    ssize_t ignored = write(exec_err, &why, sizeof why);
    (void)ignored;
    _exit(127);
}

/* Kills the child's whole group (a backend may have forked helpers); the child alone when
 * it has no group of its own yet. */
static void kill_group(pid_t pid)
{
    if (kill(-pid, SIGKILL) != 0)
        kill(pid, SIGKILL);
}

/* True once the child has ended; it is not reaped (its pid and group stay ours). */
static bool child_ended(pid_t pid)
{
    siginfo_t si;
    memset(&si, 0, sizeof si);
    int rc;
    do {
        rc = waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT);
    } while (rc != 0 && errno == EINTR);
    return rc != 0 || si.si_pid == pid; /* rc != 0: not our child any more (ECHILD) */
}

/* Reaps the child, waiting at most REAP_MS. Says how it ended into how. */
static void child_reap(pid_t pid, char *how, size_t howlen)
{
    int status = 0;
    pid_t r = 0;
    for (long long until = now_ms() + REAP_MS;;) {
        do {
            r = waitpid(pid, &status, WNOHANG);
        } while (r < 0 && errno == EINTR);
        if (r != 0 || now_ms() >= until)
            break;
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    if (r == 0) {
        snprintf(how, howlen, "did not end after SIGKILL");
        log_msg(LOG_ERROR, "capture: process %d did not end %d s after SIGKILL (stuck in the kernel?); "
                           "leaving it", (int)pid, REAP_MS / 1000);
    } else if (r != pid) {
        snprintf(how, howlen, "ended (status unknown)");
    } else if (WIFSIGNALED(status)) {
        snprintf(how, howlen, "was killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
    } else {
        snprintf(how, howlen, "exited with status %d", WEXITSTATUS(status));
    }
}

/* A page line {"page":N,"file":F}: F must be out_dir/page-NNNN.png for N, after the last
 * page (anything else is logged and ignored: the folder's own files are what count). */
/* Counts a line that was not progress; true while it should still be logged. */
static bool log_ignored(child_watch *w)
{
    return w->ignored++ < IGNORED_LOGGED;
}

static void on_page(child_watch *w, const json_t *page, const json_t *file)
{
    json_int_t n = json_integer_value(page);
    char want[PATH_MAX];
    if (!json_is_integer(page) || !json_is_string(file) || n < 1 || n > 9999 || (size_t)n <= w->last_page ||
        snprintf(want, sizeof want, "%s/" PAGE_PREFIX "%0*d.png", w->opt->out_dir, PAGE_DIGITS, (int)n) >=
            (int)sizeof want ||
        strcmp(json_string_value(file), want) != 0) {
        if (log_ignored(w))
            log_msg(LOG_WARN, "capture: process %d reported an unexpected page (%lld, %.200s); ignored",
                    (int)w->pid, (long long)n, json_is_string(file) ? json_string_value(file) : "no file");
        return;
    }
    w->last_page = (size_t)n;
    w->pages++;
    if (w->progress != NULL)
        w->progress(w->ctx, (size_t)n, want);
}

/* One complete line from the child. */
static void on_line(child_watch *w, const char *text)
{
    json_error_t e;
    json_t *o = json_loads(text, 0, &e);
    if (!json_is_object(o)) {
        /* a backend printing on stdout: not ours */
        if (log_ignored(w))
            log_msg(LOG_WARN, "capture: process %d wrote a line that is not progress: %.200s", (int)w->pid, text);
    } else if (json_is_string(json_object_get(o, "status")) && json_is_integer(json_object_get(o, "pages"))) {
        json_decref(w->summary);
        w->summary = json_incref(o);
    } else {
        on_page(w, json_object_get(o, "page"), json_object_get(o, "file"));
    }
    json_decref(o);
}

/* Adds n bytes of the child's output, handling every complete line. */
static void on_bytes(child_watch *w, const char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (buf[i] == '\n') {
            if (!w->overlong && w->line != NULL) {
                w->line[w->len] = '\0';
                on_line(w, w->line);
            } else if (w->overlong && log_ignored(w)) {
                log_msg(LOG_WARN, "capture: process %d wrote a line over %d bytes; dropped", (int)w->pid,
                        LINE_MAX_BYTES);
            }
            w->len = 0;
            w->overlong = false;
            continue;
        }
        if (w->overlong)
            continue;
        if (w->len + 1 >= w->cap) {
            size_t cap = w->cap == 0 ? 512 : w->cap * 2;
            char *grown = cap <= LINE_MAX_BYTES ? realloc(w->line, cap) : NULL;
            if (grown == NULL) {
                w->overlong = true;
                continue;
            }
            w->line = grown;
            w->cap = cap;
        }
        w->line[w->len++] = buf[i];
    }
}

/* Reads what the child has written so far; closes fd at EOF. */
static void read_available(child_watch *w)
{
    char buf[4096];
    /* Bounded, so that a child that never stops writing still meets the deadline and stop checks. */
    for (int turn = 0; turn < READS_PER_TURN; turn++) {
        ssize_t n = read(w->fd, buf, sizeof buf);
        if (n > 0) {
            on_bytes(w, buf, (size_t)n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (n < 0)
            log_msg(LOG_WARN, "capture: reading process %d: %s", (int)w->pid, strerror(errno));
        if (n == 0 && w->len > 0)
            on_bytes(w, "\n", 1); /* a last line without its newline */
        close(w->fd);
        w->fd = -1;
        return;
    }
}

/* "đã lưu N trang quét được" / "chưa quét được trang nào", as capture.c says it. */
static void kept_vi(size_t pages, char *out, size_t len)
{
    if (pages > 0)
        snprintf(out, len, "đã lưu %zu trang quét được", pages);
    else
        snprintf(out, len, "chưa quét được trang nào");
}

/* Fills result for an end other than FINISHED. */
static void result_for(capture_result *r, capture_child_end end, const capture_child_options *opt,
                       int timeout_s, const char *how)
{
    char kept[64];
    kept_vi(r->pages, kept, sizeof kept);
    r->status = CAPTURE_IO_ERROR;
    switch (end) {
    case CAPTURE_CHILD_STALLED:
        snprintf(r->detail, sizeof r->detail,
                 "device %s: scanner stopped responding: no page for %d s; capture killed (%zu pages kept)",
                 opt->device, timeout_s, r->pages);
        snprintf(r->message_vi, sizeof r->message_vi,
                 "Máy quét không phản hồi: quá %d giây không có trang mới (%s). Hãy kiểm tra máy quét, "
                 "đặt lại các trang chưa quét rồi bấm Quét tiếp.", timeout_s, kept);
        break;
    case CAPTURE_CHILD_CRASHED:
        snprintf(r->detail, sizeof r->detail, "device %s: the capture process %s and gave no summary (%zu pages kept)",
                 opt->device, how, r->pages);
        snprintf(r->message_vi, sizeof r->message_vi,
                 "Chương trình quét dừng đột ngột (%s). Hãy kiểm tra máy quét, đặt lại các trang chưa quét "
                 "rồi bấm Quét tiếp; nếu vẫn lỗi, báo quản trị hệ thống.", kept);
        break;
    case CAPTURE_CHILD_STOPPED:
        snprintf(r->detail, sizeof r->detail, "device %s: capture stopped for a shutdown (%zu pages kept)",
                 opt->device, r->pages);
        snprintf(r->message_vi, sizeof r->message_vi,
                 "Lần quét bị dừng do dịch vụ quét tắt (%s). Hãy kiểm tra số trang rồi quét tiếp các trang "
                 "còn thiếu.", kept);
        break;
    case CAPTURE_CHILD_NOT_STARTED:
        snprintf(r->message_vi, sizeof r->message_vi, "%s", VI_NOT_STARTED);
        break;
    case CAPTURE_CHILD_FINISHED:
        break;
    }
}

/* Fills result from the child's summary; status, message and detail are the child's. */
static void result_from_summary(capture_result *r, const json_t *summary)
{
    const char *message = json_string_value(json_object_get(summary, "message"));
    const char *detail = json_string_value(json_object_get(summary, "detail"));
    r->status = status_named(json_string_value(json_object_get(summary, "status")));
    utf8_copy(r->message_vi, sizeof r->message_vi, message);
    utf8_copy(r->detail, sizeof r->detail, detail);
    if (r->message_vi[0] == '\0' && r->status != CAPTURE_OK)
        snprintf(r->message_vi, sizeof r->message_vi,
                 "Lỗi khi quét. Hãy bấm Quét tiếp; nếu vẫn lỗi, báo quản trị hệ thống.");
}

/* Starts the child with its stdout on a pipe. Returns its pid with *fd the read end
 * (non-blocking), or -1 with detail set. */
static pid_t child_start(const char *program, const capture_child_options *opt, int *fd, char *detail,
                         size_t dlen)
{
    char *argv[12];
    size_t k = 0;
    argv[k++] = (char *)program;
    argv[k++] = "capture";
    argv[k++] = "--progress";
    argv[k++] = "json";
    argv[k++] = "--device";
    argv[k++] = (char *)opt->device;
    argv[k++] = "--out";
    argv[k++] = (char *)opt->out_dir;
    if (opt->source != NULL && opt->source[0] != '\0') {
        argv[k++] = "--source";
        argv[k++] = (char *)opt->source;
    }
    argv[k] = NULL;
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) {
        snprintf(detail, dlen, "pipe: %s", strerror(errno));
        return -1;
    }
    int e[2]; /* the child's errno when its exec fails; closed unread when it succeeds */
    if (pipe2(e, O_CLOEXEC) != 0) {
        snprintf(detail, dlen, "pipe: %s", strerror(errno));
        close(p[0]);
        close(p[1]);
        return -1;
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0)
        child_exec(program, argv, p[1], e[1], parent);
    int saved = errno;
    close(p[1]);
    close(e[1]);
    if (pid < 0) {
        close(p[0]);
        close(e[0]);
        snprintf(detail, dlen, "fork: %s", strerror(saved));
        return -1;
    }
    setpgid(pid, pid); /* as the child does: whichever runs first, the group exists before a kill */
    int exec_errno = 0;
    ssize_t got;
    while ((got = read(e[0], &exec_errno, sizeof exec_errno)) < 0 && errno == EINTR)
        ;
    close(e[0]);
    if (got == (ssize_t)sizeof exec_errno) {
        close(p[0]);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
        snprintf(detail, dlen, "cannot run the capture program %.200s: %s", program, strerror(exec_errno));
        return -1;
    }
    int fl = fcntl(p[0], F_GETFL);
    if (fl >= 0)
        fcntl(p[0], F_SETFL, fl | O_NONBLOCK);
    *fd = p[0];
    return pid;
}

/* Reads what the child wrote; with deadline, restarts the clock when a page was handed on
 * (the callee's time is not the scanner's) or shortens it once the summary came (the child
 * has only to close the device). True when either happened. */
static bool read_and_extend(child_watch *w, long long *deadline, long long timeout_ms)
{
    size_t pages = w->pages;
    bool had_summary = w->summary != NULL;
    read_available(w);
    bool page = w->pages != pages, summary = w->summary != NULL && !had_summary;
    if (deadline != NULL && page)
        *deadline = now_ms() + timeout_ms;
    if (deadline != NULL && summary)
        *deadline = now_ms() + (timeout_ms < AFTER_SUMMARY_MS ? timeout_ms : AFTER_SUMMARY_MS);
    return page || summary;
}

capture_child_end capture_child_run(const capture_child_options *opt, capture_result *result,
                                    void (*progress)(void *ctx, size_t page, const char *file), void *ctx)
{
    memset(result, 0, sizeof *result);
    int timeout_s = opt->page_timeout_s > 0 ? opt->page_timeout_s : DEFAULT_PAGE_TIMEOUT_S;
    long long timeout_ms = (long long)timeout_s * 1000;
    char program[PATH_MAX];
    if (opt->program != NULL)
        snprintf(program, sizeof program, "%s", opt->program);
    else if (program_beside(CAPTURE_PROGRAM, program, sizeof program) != 0)
        snprintf(program, sizeof program, "(cannot locate " CAPTURE_PROGRAM ")");
    child_watch w = {.opt = opt, .progress = progress, .ctx = ctx, .fd = -1};
    if (access(program, X_OK) != 0) {
        snprintf(result->detail, sizeof result->detail, "cannot run the capture program %.200s: %s", program,
                 strerror(errno));
        w.pid = -1;
    } else {
        w.pid = child_start(program, opt, &w.fd, result->detail, sizeof result->detail);
    }
    if (w.pid < 0) {
        result_for(result, CAPTURE_CHILD_NOT_STARTED, opt, timeout_s, "");
        return CAPTURE_CHILD_NOT_STARTED;
    }
    log_msg(LOG_INFO, "capture: process %d capturing from %s into %s", (int)w.pid, opt->device, opt->out_dir);

    long long deadline = now_ms() + timeout_ms, killed_at = 0;
    bool ended = false, stalled = false, stopped = false;
    while (w.fd >= 0 || !ended) {
        long long now = now_ms();
        if (!ended && child_ended(w.pid)) {
            ended = true;
            if (killed_at == 0) {
                kill_group(w.pid); /* helpers a backend left behind, if any */
                killed_at = now;
            }
        }
        if (killed_at == 0 && opt->stop != NULL && *opt->stop) {
            stopped = true;
            kill_group(w.pid);
            killed_at = now;
        } else if (killed_at == 0 && now >= deadline) {
            if (w.fd >= 0 && read_and_extend(&w, &deadline, timeout_ms))
                continue; /* a page (or the summary) came in at the last moment */
            stalled = w.summary == NULL;
            if (!stalled)
                log_msg(LOG_WARN, "capture: process %d did not end after its summary; killing it", (int)w.pid);
            kill_group(w.pid);
            killed_at = now;
        }
        if (killed_at != 0 && now - killed_at >= DRAIN_MS)
            break;
        long long wait = killed_at != 0 ? SLICE_MS : deadline - now;
        if (wait > SLICE_MS)
            wait = SLICE_MS;
        struct pollfd pfd = {.fd = w.fd, .events = POLLIN};
        int n = poll(w.fd >= 0 ? &pfd : NULL, w.fd >= 0 ? 1 : 0, (int)(wait > 0 ? wait : 0));
        if (n > 0)
            read_and_extend(&w, killed_at == 0 ? &deadline : NULL, timeout_ms);
    }
    if (!ended && killed_at == 0)
        kill_group(w.pid);
    if (w.fd >= 0)
        close(w.fd);
    free(w.line);
    if (w.ignored > IGNORED_LOGGED)
        log_msg(LOG_WARN, "capture: process %d wrote %zu more lines that were not progress; ignored", (int)w.pid,
                w.ignored - IGNORED_LOGGED);
    char how[128];
    child_reap(w.pid, how, sizeof how);

    /* A page made durable just before the child died, whose line never came. */
    size_t late = capture_child_collect(opt->out_dir, w.last_page, progress, ctx);
    result->pages = w.pages + late;
    capture_child_end end = w.summary != NULL ? CAPTURE_CHILD_FINISHED
                            : stopped         ? CAPTURE_CHILD_STOPPED
                            : stalled         ? CAPTURE_CHILD_STALLED
                                              : CAPTURE_CHILD_CRASHED;
    if (end == CAPTURE_CHILD_FINISHED)
        result_from_summary(result, w.summary);
    else
        result_for(result, end, opt, timeout_s, how);
    log_msg(end == CAPTURE_CHILD_FINISHED ? LOG_INFO : LOG_WARN, "capture: process %d %s; %zu pages", (int)w.pid,
            end == CAPTURE_CHILD_STALLED ? "killed: no page in time"
            : end == CAPTURE_CHILD_STOPPED ? "killed for a shutdown"
                                           : how,
            result->pages);
    json_decref(w.summary);
    return end;
}

/* The number of a page file name: "page-NNNN.png" gives 1 and NNNN; "page-NNNN.png.tmp-..."
 * (durable_file.h's temporary name) gives 2; anything else 0. */
static int page_file_kind(const char *name, long *number)
{
    size_t pre = strlen(PAGE_PREFIX);
    if (strncmp(name, PAGE_PREFIX, pre) != 0)
        return 0;
    long n = 0;
    for (size_t i = pre; i < pre + PAGE_DIGITS; i++) {
        if (name[i] < '0' || name[i] > '9')
            return 0;
        n = n * 10 + (name[i] - '0');
    }
    const char *rest = name + pre + PAGE_DIGITS;
    *number = n;
    if (strcmp(rest, ".png") == 0)
        return n > 0 ? 1 : 0;
    return strncmp(rest, ".png.tmp-", 9) == 0 ? 2 : 0;
}

static int compare_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

size_t capture_child_collect(const char *out_dir, size_t after,
                             void (*progress)(void *ctx, size_t page, const char *file), void *ctx)
{
    DIR *dir = opendir(out_dir);
    if (dir == NULL)
        return 0;
    long *found = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        long number = 0;
        int kind = page_file_kind(e->d_name, &number);
        if (kind == 2) {
            if (unlinkat(dirfd(dir), e->d_name, 0) == 0)
                log_msg(LOG_INFO, "capture: removed the unfinished %s/%s", out_dir, e->d_name);
        } else if (kind == 1 && (size_t)number > after) {
            if (n == cap) {
                size_t grown_cap = cap == 0 ? 16 : cap * 2;
                long *grown = realloc(found, grown_cap * sizeof *grown);
                if (grown == NULL)
                    break; /* out of memory: the pages stay in the folder */
                found = grown;
                cap = grown_cap;
            }
            found[n++] = number;
        }
    }
    closedir(dir);
    if (n > 1)
        qsort(found, n, sizeof *found, compare_long);
    for (size_t i = 0; i < n; i++) {
        char file[PATH_MAX];
        snprintf(file, sizeof file, "%s/" PAGE_PREFIX "%0*ld.png", out_dir, PAGE_DIGITS, found[i]);
        log_msg(LOG_WARN, "capture: page %ld (%s) was written but never reported; keeping it", found[i], file);
        if (progress != NULL)
            progress(ctx, (size_t)found[i], file);
    }
    free(found);
    return n;
}
