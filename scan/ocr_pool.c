/* The OCR pool: motcua-scan-worker processes (fork + exec, rlimits, OMP_THREAD_LIMIT=1 from
 * exec) fed one page at a time over a socketpair, with a per-page deadline, recycling after N
 * pages and respawn after a crash; a failing page fails alone. */
#include "ocr_pool.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "ocr_protocol.h"
#include "program_dir.h"

extern char **environ;

#define WORKER_NAME "motcua-scan-worker"
/* A slot whose worker fails to start this many times in a row is given up. */
#define MAX_START_FAILURES 3
/* Loading the engines may take this long at least (under load, from a cold disk cache). */
#define MIN_START_TIMEOUT_S 60
/* Grace for a worker told to quit, or whose socket closed, before SIGKILL. */
#define EXIT_GRACE_MS 5000
/* Worker descriptors: the protocol, stderr, traineddata, the image and its outputs. */
#define WORKER_NOFILE 128

static const char *const VI_CRASH =
    "Trang này làm bộ nhận dạng chữ dừng đột ngột. Hãy quét lại trang hoặc tải lên ảnh khác; "
    "các trang khác không bị ảnh hưởng.";
#define VI_DEADLINE_FMT \
    "Quá thời gian xử lý trang (%d giây). Hãy quét lại trang ở độ phân giải thấp hơn hoặc tải lên ảnh khác."
static const char *const VI_NO_MEMORY = "Hệ thống thiếu bộ nhớ. Hãy thử lại sau.";
static const char *const VI_NO_WORKER =
    "Bộ nhận dạng chữ chưa khởi động được. Hãy báo quản trị viên kiểm tra dịch vụ quét.";
static const char *const VI_NOT_RUN =
    "Trang này chưa được nhận dạng vì lần xử lý đã dừng giữa chừng. Hãy yêu cầu nhận dạng lại.";

typedef enum worker_state { W_DEAD = 0, W_STARTING, W_IDLE, W_BUSY } worker_state;

typedef struct pool_worker {
    worker_state state;
    pid_t pid;              /* > 0 unless W_DEAD */
    int fd;                 /* protocol socket, -1 when W_DEAD */
    ocrp_reader rd;
    long long deadline_ms;  /* W_STARTING: ready by; W_BUSY: the page's answer by */
    size_t task;            /* W_BUSY: index of the task in flight */
    int pages;              /* requests answered since it started */
    int start_failures;     /* consecutive failures to become ready */
    pid_t exiting;          /* a recycled predecessor not reaped yet, or 0 */
} pool_worker;

struct ocr_pool {
    pool_worker *w;
    int nworkers;
    int page_deadline_s;
    int recycle_after;
    size_t memory_limit_mb;
    char *worker_path;
    char **argv;            /* NULL-terminated, owned */
    char **envp;            /* NULL-terminated, owned; OMP_THREAD_LIMIT=1 */
    char last_error[256];   /* why a worker last failed to start */
};

/* One unit of work: a page to recognise or a file whose pages to count. */
typedef struct pool_task {
    const ocr_page_job *job;   /* NULL for a count */
    const char *count_path;
    ocr_page_result *res;
    int pages;                 /* count result */
} pool_task;

/* ---- small helpers ------------------------------------------------------------------ */

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void free_strv(char **v)
{
    if (v == NULL)
        return;
    for (char **p = v; *p != NULL; p++)
        free(*p);
    free(v);
}

/* Marks r failed with copies of the two reasons (on out of memory a reason may stay NULL). */
static void result_fail(ocr_page_result *r, const char *error, const char *error_vi)
{
    ocr_page_result_clear(r);
    r->ok = false;
    r->error = strdup(error);
    r->error_vi = strdup(error_vi);
}

static char *json_strdup(const json_t *o, const char *key, const char *fallback)
{
    const char *s = json_string_value(json_object_get(o, key));
    return strdup(s != NULL ? s : fallback);
}

/* Fills r from a worker's page reply. */
/* An integer member of a worker's reply, clamped to [lo, hi] (the worker decoded untrusted
 * bytes: its numbers are not trusted to fit an int). */
static int reply_int(const json_t *reply, const char *key, int lo, int hi)
{
    json_int_t v = json_integer_value(json_object_get(reply, key));
    return v < lo ? lo : v > hi ? hi : (int)v;
}

static void result_from_reply(ocr_page_result *r, const json_t *reply)
{
    ocr_page_result_clear(r);
    if (!json_is_true(json_object_get(reply, "ok"))) {
        r->ok = false;
        r->error = json_strdup(reply, "error", "the worker refused the page");
        r->error_vi = json_strdup(reply, "error_vi", "Không xử lý được trang này. Hãy quét lại trang.");
        return;
    }
    r->ok = true;
    r->width = reply_int(reply, "width", 0, 1000000);
    r->height = reply_int(reply, "height", 0, 1000000);
    r->dpi = reply_int(reply, "dpi", 0, 100000);
    r->rotation = reply_int(reply, "rotation", 0, 270);
    r->skew = json_number_value(json_object_get(reply, "skew"));
    r->blank = json_is_true(json_object_get(reply, "blank"));
    r->ink = json_number_value(json_object_get(reply, "ink"));
    r->mean_confidence = json_number_value(json_object_get(reply, "confidence"));
    r->text = json_strdup(reply, "text", "");
    r->hocr = json_strdup(reply, "hocr", "");
    if (r->text == NULL || r->hocr == NULL)
        result_fail(r, "out of memory storing the page's text", VI_NO_MEMORY);
}

/* ---- worker processes ----------------------------------------------------------------- */

/* Sets the worker's limits; runs in the child between fork and exec. */
static void child_limits(const ocr_pool *p)
{
    struct rlimit rl;
#if !defined(__SANITIZE_ADDRESS__)
    /* AddressSanitizer reserves terabytes of address space; only non-ASan builds cap it. */
    rl.rlim_cur = rl.rlim_max = (rlim_t)p->memory_limit_mb * 1024 * 1024;
    setrlimit(RLIMIT_AS, &rl);
#endif
    rl.rlim_cur = rl.rlim_max = 0;
    setrlimit(RLIMIT_CORE, &rl);
    rl.rlim_cur = rl.rlim_max = WORKER_NOFILE;
    setrlimit(RLIMIT_NOFILE, &rl);
    /* A backstop only: the wall-clock deadline acts first. Every page of a worker's life
     * may use its whole deadline in CPU, plus the engines' start. */
    rl.rlim_cur = (rlim_t)p->page_deadline_s * ((rlim_t)p->recycle_after + 1) + 600;
    rl.rlim_max = rl.rlim_cur + 10;
    setrlimit(RLIMIT_CPU, &rl);
}

/* In the child: the socket becomes stdin and stdout, everything else but stderr is
 * closed, limits are set and the worker exec'ed. Only async-signal-safe calls. */
static void child_exec(const ocr_pool *p, int sock)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (sock < 3)
        sock = fcntl(sock, F_DUPFD, 3);
    if (sock < 0 || dup2(sock, STDIN_FILENO) < 0 || dup2(sock, STDOUT_FILENO) < 0)
        _exit(127);
    if (close_range(3, UINT_MAX, 0) != 0)
        for (int fd = 3; fd < 1024; fd++)
            close(fd);
    child_limits(p);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execve(p->worker_path, p->argv, p->envp);
    _exit(127);
}

/* Starts a worker in slot w (state W_STARTING). 0, or -1 (w stays W_DEAD, logged). */
static int worker_spawn(ocr_pool *p, pool_worker *w)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        snprintf(p->last_error, sizeof p->last_error, "socketpair: %s", strerror(errno));
        log_msg(LOG_ERROR, "ocr pool: %s", p->last_error);
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(p->last_error, sizeof p->last_error, "fork: %s", strerror(errno));
        log_msg(LOG_ERROR, "ocr pool: %s", p->last_error);
        close(sv[0]);
        close(sv[1]);
        return -1;
    }
    if (pid == 0)
        child_exec(p, sv[1]);
    close(sv[1]);
    int fl = fcntl(sv[0], F_GETFL);
    if (fl >= 0)
        fcntl(sv[0], F_SETFL, fl | O_NONBLOCK);
    int start_s = p->page_deadline_s > MIN_START_TIMEOUT_S ? p->page_deadline_s : MIN_START_TIMEOUT_S;
    w->state = W_STARTING;
    w->pid = pid;
    w->fd = sv[0];
    w->pages = 0;
    w->deadline_ms = now_ms() + (long long)start_s * 1000;
    return 0;
}

/* Waits for pid to exit, at most grace_ms, then kills it. Describes how it ended in
 * how (may be NULL). An already reaped pid (a SIGCHLD handler elsewhere) is "unknown". */
static void reap(pid_t pid, int grace_ms, char *how, size_t howlen)
{
    int status = 0;
    pid_t r = 0;
    for (int waited = 0; waited <= grace_ms; waited += 5) {
        do {
            r = waitpid(pid, &status, WNOHANG);
        } while (r < 0 && errno == EINTR);
        if (r != 0)
            break;
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    if (r == 0) {
        kill(pid, SIGKILL);
        do {
            r = waitpid(pid, &status, 0);
        } while (r < 0 && errno == EINTR);
    }
    if (how == NULL)
        return;
    if (r != pid)
        snprintf(how, howlen, "ended (status unknown)");
    else if (WIFSIGNALED(status))
        snprintf(how, howlen, "was killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
    else
        snprintf(how, howlen, "exited with status %d", WEXITSTATUS(status));
}

/* Forgets w's process: closes its socket and reader; the process must be gone or going. */
static void worker_forget(pool_worker *w)
{
    if (w->fd >= 0)
        close(w->fd);
    w->fd = -1;
    w->pid = 0;
    w->state = W_DEAD;
    ocrp_reader_reset(&w->rd);
}

/* Ends w's process now (SIGKILL unless kill_now is false and it is exiting on its own)
 * and describes how it ended; w becomes W_DEAD. */
static void worker_end(pool_worker *w, bool kill_now, char *how, size_t howlen)
{
    pid_t pid = w->pid;
    worker_forget(w);
    if (pid <= 0)
        return;
    if (kill_now)
        kill(pid, SIGKILL);
    reap(pid, kill_now ? 0 : 1000, how, howlen);
}

/* Asks an idle worker to quit and lets it go; it is reaped later (slot's exiting). */
static void worker_retire(pool_worker *w)
{
    char err[128];
    json_t *quit = json_pack("{s:s}", "op", "quit");
    bool sent = quit != NULL && ocrp_write(w->fd, quit, err, sizeof err) == 0;
    json_decref(quit);
    pid_t pid = w->pid;
    worker_forget(w);
    if (w->exiting > 0)
        reap(w->exiting, EXIT_GRACE_MS, NULL, 0);
    w->exiting = 0;
    if (!sent) {
        kill(pid, SIGKILL);
        reap(pid, 0, NULL, 0);
    } else {
        w->exiting = pid;
    }
}

/* Reaps a recycled predecessor of w if it has exited, without waiting. */
static void worker_collect(pool_worker *w)
{
    if (w->exiting <= 0)
        return;
    int status;
    pid_t r = waitpid(w->exiting, &status, WNOHANG);
    if (r == w->exiting || (r < 0 && errno == ECHILD))
        w->exiting = 0;
}

/* Restarts a W_DEAD slot unless it has failed to start too often. */
static void worker_respawn(ocr_pool *p, pool_worker *w)
{
    if (w->state != W_DEAD || w->start_failures >= MAX_START_FAILURES)
        return;
    if (worker_spawn(p, w) != 0)
        w->start_failures++;
}

/* A worker that died or misbehaved before it was ready. */
static void worker_start_failed(ocr_pool *p, pool_worker *w, const char *why)
{
    char how[128] = "";
    pid_t pid = w->pid;
    worker_end(w, true, how, sizeof how);
    w->start_failures++;
    snprintf(p->last_error, sizeof p->last_error, "%s", why[0] ? why : how);
    log_msg(LOG_ERROR, "ocr pool: worker %ld failed to start (%d in a row): %s", (long)pid,
            w->start_failures, p->last_error);
}

/* ---- the event loop ------------------------------------------------------------------ */

typedef struct run_state {
    pool_task *tasks;
    size_t n;
    size_t next;        /* first task not yet sent; next - done are in flight */
    size_t done;
    size_t failed;
    ocr_page_done_fn page_done; /* told of every finished page task (not counts) */
    void *ctx;
    bool stopping;      /* page_done said stop: send nothing more */
} run_state;

/* Task `task` is finished (its result is set): counted, then reported. */
static void task_finished(run_state *rs, size_t task)
{
    pool_task *t = &rs->tasks[task];
    if (!t->res->ok)
        rs->failed++; /* before page_done, which may clear the result */
    rs->done++;
    if (rs->page_done != NULL && t->job != NULL && !rs->page_done(rs->ctx, task, t->res))
        rs->stopping = true;
}

/* Fails every task not sent yet with en/vi; they are reported unless the run is stopping. */
static void tasks_fail_unsent(run_state *rs, const char *en, const char *vi)
{
    for (; rs->next < rs->n; rs->next++) {
        result_fail(rs->tasks[rs->next].res, en, vi);
        if (rs->stopping) {
            rs->failed++;
            rs->done++;
        } else {
            task_finished(rs, rs->next);
        }
    }
}

/* Why a task in flight was lost. */
typedef enum lost_reason { LOST_CRASH, LOST_GARBLED, LOST_DEADLINE } lost_reason;

/* The task in flight on w fails because its worker died, garbled its reply or hung; w is
 * ended and replaced. */
static void task_lost(ocr_pool *p, pool_worker *w, run_state *rs, lost_reason why)
{
    bool deadline = why == LOST_DEADLINE;
    pool_task *t = &rs->tasks[w->task];
    const char *path = t->job != NULL ? t->job->path : t->count_path;
    int index = t->job != NULL ? t->job->index : 0;
    char how[128] = "";
    pid_t pid = w->pid;
    worker_end(w, why != LOST_CRASH, how, sizeof how);
    char en[512];
    if (deadline) {
        char vi[256];
        snprintf(en, sizeof en, "page %d of %s took longer than the %d s deadline; its worker was killed",
                 index + 1, path, p->page_deadline_s);
        snprintf(vi, sizeof vi, VI_DEADLINE_FMT, p->page_deadline_s);
        result_fail(t->res, en, vi);
    } else {
        snprintf(en, sizeof en, "the OCR worker %s while processing page %d of %s", how, index + 1, path);
        result_fail(t->res, en, VI_CRASH);
    }
    log_msg(LOG_WARN, "ocr pool: worker %ld: %s", (long)pid, en);
    task_finished(rs, w->task);
    worker_respawn(p, w);
}

/* Handles one message from w. */
static void worker_message(ocr_pool *p, pool_worker *w, run_state *rs, json_t *msg)
{
    const char *op = json_string_value(json_object_get(msg, "op"));
    if (w->state == W_STARTING) {
        if (op != NULL && strcmp(op, "ready") == 0) {
            w->state = W_IDLE;
            w->start_failures = 0;
            return;
        }
        const char *why = json_string_value(json_object_get(msg, "error"));
        worker_start_failed(p, w, why != NULL ? why : "unexpected first message");
        worker_respawn(p, w);
        return;
    }
    if (w->state != W_BUSY) {
        log_msg(LOG_ERROR, "ocr pool: worker %ld sent a message while idle; replacing it", (long)w->pid);
        worker_end(w, true, NULL, 0);
        worker_respawn(p, w);
        return;
    }
    pool_task *t = &rs->tasks[w->task];
    result_from_reply(t->res, msg);
    if (t->job == NULL && t->res->ok) {
        json_int_t pages = json_integer_value(json_object_get(msg, "pages"));
        t->pages = pages > 0 && pages <= INT_MAX ? (int)pages : 0;
    }
    w->state = W_IDLE;
    w->pages++;
    task_finished(rs, w->task);
    if (p->recycle_after > 0 && w->pages >= p->recycle_after) {
        worker_retire(w);
        worker_respawn(p, w);
    }
}

/* Reads what w has sent; handles whole messages, end of stream and garbage. */
static void worker_readable(ocr_pool *p, pool_worker *w, run_state *rs)
{
    for (;;) {
        char err[256] = "";
        json_t *msg = NULL;
        ocrp_status st = ocrp_read(&w->rd, w->fd, &msg, err, sizeof err);
        if (st == OCRP_AGAIN)
            return;
        if (st == OCRP_FRAME) {
            worker_message(p, w, rs, msg);
            json_decref(msg);
            if (w->state != W_IDLE && w->state != W_STARTING)
                return;
            continue;
        }
        /* End of stream or a garbled frame: the worker is dead or must be. */
        if (st == OCRP_ERROR)
            log_msg(LOG_ERROR, "ocr pool: worker %ld: %s", (long)w->pid, err);
        if (w->state == W_BUSY) {
            task_lost(p, w, rs, st == OCRP_ERROR ? LOST_GARBLED : LOST_CRASH);
        } else if (w->state == W_STARTING) {
            worker_start_failed(p, w, "");
            worker_respawn(p, w);
        } else {
            char how[128] = "";
            pid_t pid = w->pid;
            worker_end(w, st == OCRP_ERROR, how, sizeof how);
            log_msg(LOG_WARN, "ocr pool: idle worker %ld %s; replacing it", (long)pid, how);
            worker_respawn(p, w);
        }
        return;
    }
}

/* Handles a worker past its deadline. */
static void worker_overdue(ocr_pool *p, pool_worker *w, run_state *rs)
{
    if (w->state == W_BUSY) {
        task_lost(p, w, rs, LOST_DEADLINE);
    } else if (w->state == W_STARTING) {
        worker_start_failed(p, w, "the worker did not load its engines in time");
        worker_respawn(p, w);
    }
}

/* Waits for events (at most until the nearest deadline) and handles them. */
static void pool_step(ocr_pool *p, run_state *rs)
{
    struct pollfd pfd[p->nworkers];
    int slot[p->nworkers];
    int n = 0;
    long long now = now_ms();
    long long wake = -1;
    for (int i = 0; i < p->nworkers; i++) {
        pool_worker *w = &p->w[i];
        if (w->state == W_DEAD)
            continue;
        pfd[n] = (struct pollfd){.fd = w->fd, .events = POLLIN};
        slot[n++] = i;
        if ((w->state == W_STARTING || w->state == W_BUSY) && (wake < 0 || w->deadline_ms < wake))
            wake = w->deadline_ms;
    }
    if (n == 0)
        return;
    int timeout = wake < 0 ? -1 : wake <= now ? 0 : wake - now > INT_MAX ? INT_MAX : (int)(wake - now);
    int r = poll(pfd, (nfds_t)n, timeout);
    if (r < 0 && errno != EINTR)
        log_msg(LOG_ERROR, "ocr pool: poll: %s", strerror(errno));
    for (int k = 0; k < n && r > 0; k++)
        if (pfd[k].revents != 0 && p->w[slot[k]].fd == pfd[k].fd)
            worker_readable(p, &p->w[slot[k]], rs);
    now = now_ms();
    for (int i = 0; i < p->nworkers; i++) {
        pool_worker *w = &p->w[i];
        worker_collect(w);
        if ((w->state == W_STARTING || w->state == W_BUSY) && w->deadline_ms <= now)
            worker_overdue(p, w, rs);
    }
}

/* The request for task t, a new reference or NULL. */
static json_t *task_request(const pool_task *t)
{
    if (t->job == NULL)
        return json_pack("{s:s, s:s}", "op", "count", "path", t->count_path);
    return json_pack("{s:s, s:s, s:i, s:s?, s:s?}", "op", "page", "path", t->job->path, "index",
                     t->job->index, "pdf_out", t->job->pdf_out, "upright_out", t->job->upright_out);
}

/* Gives waiting tasks to idle workers (none once the run is stopping). */
static void pool_dispatch(ocr_pool *p, run_state *rs)
{
    for (int i = 0; i < p->nworkers && rs->next < rs->n && !rs->stopping; i++) {
        pool_worker *w = &p->w[i];
        worker_respawn(p, w);
        if (w->state != W_IDLE)
            continue;
        char err[256];
        json_t *req = task_request(&rs->tasks[rs->next]);
        int rc = req != NULL ? ocrp_write(w->fd, req, err, sizeof err) : -1;
        json_decref(req);
        if (rc != 0) {
            /* The worker is gone (the task never reached it): replace it, keep the task. */
            char how[128] = "";
            pid_t pid = w->pid;
            worker_end(w, true, how, sizeof how);
            log_msg(LOG_WARN, "ocr pool: idle worker %ld %s; replacing it", (long)pid, how);
            worker_respawn(p, w);
            continue;
        }
        w->state = W_BUSY;
        w->task = rs->next++;
        w->deadline_ms = now_ms() + (long long)p->page_deadline_s * 1000;
    }
}

static bool pool_has_live_worker(const ocr_pool *p)
{
    for (int i = 0; i < p->nworkers; i++)
        if (p->w[i].state != W_DEAD || p->w[i].start_failures < MAX_START_FAILURES)
            return true;
    return false;
}

/* Runs every task to a result (a stopping run: the tasks in flight, the rest fail unsent).
 * Returns the number that failed. */
static size_t pool_execute(ocr_pool *p, run_state *rs)
{
    while (rs->done < rs->n) {
        if (rs->stopping && rs->done == rs->next) {
            tasks_fail_unsent(rs, "not run: the run was stopped before this page", VI_NOT_RUN);
            break;
        }
        pool_dispatch(p, rs);
        if (!pool_has_live_worker(p)) {
            /* Nothing can be in flight: a busy worker is a live one. */
            char en[512];
            snprintf(en, sizeof en, "no OCR worker could start: %s", p->last_error);
            tasks_fail_unsent(rs, en, VI_NO_WORKER);
            break;
        }
        pool_step(p, rs);
    }
    return rs->failed;
}

/* ---- the public interface ----------------------------------------------------------- */

bool ocr_languages_valid(const char *s)
{
    size_t name = 0;
    for (; *s != '\0'; s++) {
        if (*s == '+') {
            if (name == 0)
                return false;
            name = 0;
        } else if ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_') {
            if (++name > 32)
                return false;
        } else {
            return false;
        }
    }
    return name > 0;
}

/* The worker beside the running program. NULL when it cannot be found. */
static char *default_worker_path(void)
{
    char path[PATH_MAX];
    return program_beside(WORKER_NAME, path, sizeof path) == 0 ? strdup(path) : NULL;
}

/* motcua's tessdata folder (ocr-models/link-tessdata: the Debian models plus
 * vie.user-words) near the worker: <bin>/../tessdata in the build tree,
 * <bin>/../share/motcua/tessdata once installed. NULL: Tesseract's default. */
static char *default_tessdata(const char *worker_path)
{
    static const char *const relative[] = {"../tessdata", "../share/motcua/tessdata"};
    const char *slash = strrchr(worker_path, '/');
    if (slash == NULL)
        return NULL;
    int dir_len = (int)(slash - worker_path);
    for (size_t i = 0; i < sizeof relative / sizeof relative[0]; i++) {
        char probe[PATH_MAX];
        snprintf(probe, sizeof probe, "%.*s/%s/vie.user-words", dir_len, worker_path, relative[i]);
        if (access(probe, R_OK) == 0) {
            *strrchr(probe, '/') = '\0';
            return strdup(probe);
        }
    }
    return NULL;
}

/* The workers' environment: ours, with OMP_THREAD_LIMIT=1 (Tesseract's OpenMP would
 * otherwise start a thread per core in every worker). NULL when out of memory. */
static char **worker_environment(void)
{
    size_t n = 0;
    for (char **e = environ; e != NULL && *e != NULL; e++)
        n++;
    char **env = calloc(n + 2, sizeof *env);
    if (env == NULL)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (strncmp(environ[i], "OMP_THREAD_LIMIT=", 17) == 0)
            continue;
        if ((env[k++] = strdup(environ[i])) == NULL) {
            free_strv(env);
            return NULL;
        }
    }
    if ((env[k] = strdup("OMP_THREAD_LIMIT=1")) == NULL) {
        free_strv(env);
        return NULL;
    }
    return env;
}

static char **worker_arguments(const char *path, const char *languages, const char *tessdata)
{
    const char *a[] = {path, "--languages", languages, tessdata ? "--tessdata" : NULL, tessdata, NULL};
    size_t n = tessdata ? 5 : 3;
    char **argv = calloc(n + 1, sizeof *argv);
    if (argv == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if ((argv[i] = strdup(a[i])) == NULL) {
            free_strv(argv);
            return NULL;
        }
    return argv;
}

ocr_pool *ocr_pool_start(const ocr_pool_options *opt, char *err, size_t errlen)
{
    ocr_pool_options o = {0};
    if (opt != NULL)
        o = *opt;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    ocr_pool *p = calloc(1, sizeof *p);
    if (p == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    p->nworkers = o.workers > 0 ? o.workers : cpus > 0 ? (int)cpus : 1;
    p->page_deadline_s = o.page_deadline_s > 0 ? o.page_deadline_s : 120;
    p->recycle_after = o.recycle_after > 0 ? o.recycle_after : 200;
    p->memory_limit_mb = o.memory_limit_mb > 0 ? o.memory_limit_mb : 2048;
    p->worker_path = o.worker_path != NULL ? strdup(o.worker_path) : default_worker_path();
    p->w = calloc((size_t)p->nworkers, sizeof *p->w);
    if (p->worker_path != NULL) {
        char *tessdata = o.tessdata != NULL ? NULL : default_tessdata(p->worker_path);
        p->argv = worker_arguments(p->worker_path, o.languages ? o.languages : "vie+eng",
                                   o.tessdata != NULL ? o.tessdata : tessdata);
        free(tessdata);
    }
    p->envp = worker_environment();
    if (p->worker_path == NULL || p->w == NULL || p->argv == NULL || p->envp == NULL) {
        snprintf(err, errlen, p->worker_path == NULL ? "cannot locate " WORKER_NAME : "out of memory");
        ocr_pool_stop(p);
        return NULL;
    }
    if (access(p->worker_path, X_OK) != 0) {
        snprintf(err, errlen, "cannot run the OCR worker %s: %s", p->worker_path, strerror(errno));
        ocr_pool_stop(p);
        return NULL;
    }
    for (int i = 0; i < p->nworkers; i++) {
        p->w[i].fd = -1;
        worker_respawn(p, &p->w[i]);
    }
    /* Wait until every worker has loaded its engines (or given up). */
    run_state rs = {0};
    for (;;) {
        bool starting = false;
        for (int i = 0; i < p->nworkers; i++)
            starting |= p->w[i].state == W_STARTING;
        if (!starting)
            break;
        pool_step(p, &rs);
    }
    int ready = 0;
    for (int i = 0; i < p->nworkers; i++)
        ready += p->w[i].state == W_IDLE;
    if (ready == 0) {
        snprintf(err, errlen, "no OCR worker could start: %s", p->last_error);
        ocr_pool_stop(p);
        return NULL;
    }
    log_msg(LOG_INFO, "ocr pool: %d of %d workers ready (%s)", ready, p->nworkers, p->worker_path);
    return p;
}

int ocr_pool_count_pages(ocr_pool *pool, const char *path, int *pages, char *err, size_t errlen)
{
    ocr_page_result res = {0};
    pool_task t = {.job = NULL, .count_path = path, .res = &res, .pages = 0};
    run_state rs = {.tasks = &t, .n = 1};
    pool_execute(pool, &rs);
    int rc = res.ok ? 0 : -1;
    if (res.ok)
        *pages = t.pages;
    else
        snprintf(err, errlen, "%s", res.error != NULL ? res.error : "cannot count the pages");
    ocr_page_result_clear(&res);
    return rc;
}

size_t ocr_pool_run_each(ocr_pool *pool, const ocr_page_job *jobs, size_t n, ocr_page_result *results,
                         ocr_page_done_fn done, void *ctx)
{
    if (n == 0)
        return 0;
    memset(results, 0, n * sizeof *results);
    pool_task *tasks = calloc(n, sizeof *tasks);
    if (tasks == NULL) {
        bool go_on = true;
        for (size_t i = 0; i < n; i++) {
            result_fail(&results[i], "out of memory", VI_NO_MEMORY);
            if (go_on && done != NULL)
                go_on = done(ctx, i, &results[i]);
        }
        return n;
    }
    for (size_t i = 0; i < n; i++)
        tasks[i] = (pool_task){.job = &jobs[i], .res = &results[i]};
    run_state rs = {.tasks = tasks, .n = n, .page_done = done, .ctx = ctx};
    size_t failed = pool_execute(pool, &rs);
    free(tasks);
    return failed;
}

/* ocr_pool_run's progress, told through ocr_pool_run_each's per-page callback. */
typedef struct run_progress {
    void (*progress)(void *ctx, size_t done, size_t total);
    void *ctx;
    size_t done, total;
} run_progress;

static bool run_progress_page(void *ctx, size_t index, ocr_page_result *r)
{
    (void)index;
    (void)r;
    run_progress *rp = ctx;
    rp->done++;
    if (rp->progress != NULL)
        rp->progress(rp->ctx, rp->done, rp->total);
    return true;
}

size_t ocr_pool_run(ocr_pool *pool, const ocr_page_job *jobs, size_t n, ocr_page_result *results,
                    void (*progress)(void *ctx, size_t done, size_t total), void *ctx)
{
    run_progress rp = {.progress = progress, .ctx = ctx, .total = n};
    return ocr_pool_run_each(pool, jobs, n, results, run_progress_page, &rp);
}

size_t ocr_pool_worker_pids(const ocr_pool *pool, pid_t *pids, size_t max)
{
    size_t k = 0;
    for (int i = 0; pool != NULL && i < pool->nworkers && k < max; i++)
        if (pool->w[i].state != W_DEAD)
            pids[k++] = pool->w[i].pid;
    return k;
}

void ocr_pool_stop(ocr_pool *pool)
{
    if (pool == NULL)
        return;
    for (int i = 0; pool->w != NULL && i < pool->nworkers; i++) {
        pool_worker *w = &pool->w[i];
        if (w->state == W_IDLE)
            worker_retire(w);
        else if (w->state != W_DEAD)
            worker_end(w, true, NULL, 0);
    }
    for (int i = 0; pool->w != NULL && i < pool->nworkers; i++)
        if (pool->w[i].exiting > 0)
            reap(pool->w[i].exiting, EXIT_GRACE_MS, NULL, 0);
    free(pool->w);
    free(pool->worker_path);
    free_strv(pool->argv);
    free_strv(pool->envp);
    free(pool);
}

void ocr_page_result_clear(ocr_page_result *r)
{
    if (r == NULL)
        return;
    free(r->error);
    free(r->error_vi);
    free(r->text);
    free(r->hocr);
    memset(r, 0, sizeof *r);
}
