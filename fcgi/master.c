/* The process manager: workers, signals through a self-pipe, timeouts, reload. */
#include "master.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "listen_socket.h"
#include "log.h"
#include "scoreboard.h"
#include "worker.h"

#define CRASH_WINDOW_MS 60000
#define CRASH_HISTORY 64

/* What only the master knows about a slot. */
typedef struct slot_info {
    pid_t pid;
    unsigned generation;
    int64_t drain_deadline_ms;  /* 0: not draining */
    bool timed_out;             /* killed by us at request_timeout */
} slot_info;

typedef struct master {
    config *cfg;
    int listen_fd;
    scoreboard *sb;
    slot_info slots[SCOREBOARD_SLOTS];
    unsigned generation;
    bool generation_reported;   /* a worker of this generation already logged plugin loading */
    int64_t crash_times[CRASH_HISTORY];
    size_t crash_next;
    int64_t respawn_not_before_ms;
    int64_t backoff_ms;
    bool stopping;
    int64_t stop_deadline_ms;
} master;

static int signal_pipe[2] = {-1, -1};

static void on_signal(int sig)
{
    int saved = errno;
    unsigned char b = (unsigned char)sig;
    if (write(signal_pipe[1], &b, 1) < 0) {
        /* pipe full: a wakeup is already pending, the signal is not lost for good */
    }
    errno = saved;
}

static int master_signals(void)
{
    if (pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
        return -1;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    int sigs[] = {SIGHUP, SIGTERM, SIGQUIT, SIGINT, SIGCHLD, SIGUSR1};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sa.sa_flags = 0;
    sigaction(SIGPIPE, &sa, NULL);
    return 0;
}

static int live_workers(const master *m, bool current_generation_only)
{
    int n = 0;
    for (int i = 0; i < SCOREBOARD_SLOTS; i++) {
        const slot_info *s = &m->slots[i];
        if (s->pid > 0 && (!current_generation_only ||
                           (s->generation == m->generation && s->drain_deadline_ms == 0)))
            n++;
    }
    return n;
}

/* Forks one worker of the current generation. Returns 0 or -1. */
static int spawn_worker(master *m, bool replacing)
{
    int idx = -1;
    for (int i = 0; i < SCOREBOARD_SLOTS; i++)
        if (m->slots[i].pid == 0) {
            idx = i;
            break;
        }
    if (idx < 0) {
        log_msg(LOG_ERROR, "no free scoreboard slot for a new worker");
        return -1;
    }
    worker_slot *ws = &m->sb->slots[idx];
    atomic_store(&ws->state, WORKER_STARTING);
    atomic_store(&ws->generation, m->generation);
    atomic_store(&ws->started_ms, scoreboard_now_ms());
    atomic_store(&ws->request_start_ms, 0);
    atomic_store(&ws->requests, 0);
    atomic_store(&ws->pid, 0);
    ws->request_line[0] = '\0';

    worker_args args = {m->cfg, m->listen_fd, m->sb, ws, !m->generation_reported};
    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old); /* the child keeps them blocked until its handlers are set */
    pid_t pid = fork();
    if (pid == 0) {
        close(signal_pipe[0]);
        close(signal_pipe[1]);
        worker_main(&args);
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (pid < 0) {
        log_msg(LOG_ERROR, "cannot fork a worker: %s", strerror(errno));
        atomic_store(&ws->state, WORKER_FREE);
        return -1;
    }
    atomic_store(&ws->pid, pid);
    m->slots[idx] = (slot_info){pid, m->generation, 0, false};
    m->generation_reported = true;
    if (replacing)
        atomic_fetch_add(&m->sb->respawns, 1);
    log_msg(LOG_DEBUG, "worker %d started (generation %u, slot %d)", (int)pid, m->generation, idx);
    return 0;
}

static int crashes_in_window(const master *m, int64_t now)
{
    int n = 0;
    for (size_t i = 0; i < CRASH_HISTORY; i++)
        if (m->crash_times[i] > 0 && now - m->crash_times[i] < CRASH_WINDOW_MS)
            n++;
    return n;
}

static void note_crash(master *m)
{
    int64_t now = scoreboard_now_ms();
    atomic_fetch_add(&m->sb->crashes, 1);
    m->crash_times[m->crash_next++ % CRASH_HISTORY] = now;
    int recent = crashes_in_window(m, now);
    if (recent >= m->cfg->crash_budget) {
        m->backoff_ms = m->backoff_ms ? m->backoff_ms * 2 : 1000;
        if (m->backoff_ms > 30000)
            m->backoff_ms = 30000;
        m->respawn_not_before_ms = now + m->backoff_ms;
        log_msg(LOG_ERROR, "crash budget exceeded: %d worker crashes in the last minute (budget %d); "
                           "next respawn in %lld ms. Check the log above for the cause.",
                recent, m->cfg->crash_budget, (long long)m->backoff_ms);
    } else {
        m->backoff_ms = 0;
    }
}

/* Accounts for one worker that exited. */
static void worker_exited(master *m, pid_t pid, int status)
{
    int idx = -1;
    for (int i = 0; i < SCOREBOARD_SLOTS; i++)
        if (m->slots[i].pid == pid) {
            idx = i;
            break;
        }
    if (idx < 0)
        return;
    slot_info *s = &m->slots[idx];
    worker_slot *ws = &m->sb->slots[idx];
    bool expected = s->drain_deadline_ms != 0 || m->stopping;
    if (s->timed_out) {
        /* logged when we killed it */
    } else if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        if (!(expected && sig == SIGKILL)) {
            int busy = atomic_load(&ws->state) == WORKER_BUSY || atomic_load(&ws->request_start_ms) > 0;
            log_msg(LOG_ERROR, "worker %d died on signal %d (%s)%s%s", (int)pid, sig, strsignal(sig),
                    busy ? " while serving " : "", busy ? ws->request_line : "");
            note_crash(m);
        }
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == WORKER_EXIT_SETUP) {
        log_msg(LOG_ERROR, "worker %d could not set itself up (see the line above)", (int)pid);
        note_crash(m);
    } else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
        log_msg(LOG_ERROR, "worker %d exited with status %d", (int)pid, WEXITSTATUS(status));
        note_crash(m);
    } else if (!expected) {
        atomic_fetch_add(&m->sb->recycled, 1);
    }
    atomic_store(&ws->state, WORKER_FREE);
    atomic_store(&ws->pid, 0);
    atomic_store(&ws->request_start_ms, 0);
    *s = (slot_info){0};
}

static void reap(master *m)
{
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
        worker_exited(m, pid, status);
}

/* Tells a worker to finish its request and exit, with a deadline. */
static void drain(master *m, int idx, int64_t now)
{
    slot_info *s = &m->slots[idx];
    if (s->pid <= 0 || s->drain_deadline_ms != 0)
        return;
    s->drain_deadline_ms = now + (int64_t)m->cfg->shutdown_timeout * 1000;
    int expected = WORKER_IDLE;
    atomic_compare_exchange_strong(&m->sb->slots[idx].state, &expected, WORKER_DRAINING);
    kill(s->pid, SIGQUIT);
}

/* Cuts requests past request_timeout and drains past their deadline. */
static void enforce_deadlines(master *m)
{
    int64_t now = scoreboard_now_ms();
    int64_t limit = (int64_t)m->cfg->request_timeout * 1000;
    for (int i = 0; i < SCOREBOARD_SLOTS; i++) {
        slot_info *s = &m->slots[i];
        if (s->pid <= 0 || s->timed_out)
            continue;
        worker_slot *ws = &m->sb->slots[i];
        int64_t started = atomic_load(&ws->request_start_ms);
        if (started > 0 && now - started > limit) {
            log_msg(LOG_WARN, "worker %d: request '%s' exceeded request_timeout (%d s); "
                              "killing the worker, a new one replaces it",
                    (int)s->pid, ws->request_line, m->cfg->request_timeout);
            s->timed_out = true;
            atomic_fetch_add(&m->sb->timeouts, 1);
            kill(s->pid, SIGKILL);
        } else if (s->drain_deadline_ms != 0 && now > s->drain_deadline_ms) {
            log_msg(LOG_WARN, "worker %d did not finish within shutdown_timeout; killing it", (int)s->pid);
            s->timed_out = true;
            kill(s->pid, SIGKILL);
        }
    }
}

static void reload(master *m, const char *config_path)
{
    char err[512];
    config *fresh = config_load(config_path, err, sizeof err);
    if (fresh == NULL) {
        log_msg(LOG_ERROR, "reload aborted, still serving with the previous configuration: %s", err);
        return;
    }
    if (strcmp(fresh->listen, m->cfg->listen) != 0)
        log_msg(LOG_WARN, "reload: listen changed to %s; that takes a restart, still listening on %s",
                fresh->listen, m->cfg->listen);
    free(fresh->listen);
    fresh->listen = strdup(m->cfg->listen);
    if (fresh->listen == NULL) {
        config_free(fresh);
        log_msg(LOG_ERROR, "reload aborted: out of memory");
        return;
    }
    if (log_open(fresh->log_file, fresh->log_level) != 0)
        log_msg(LOG_ERROR, "reload: cannot open log file %s: %s", fresh->log_file, strerror(errno));
    /* old workers keep their copy-on-write view of the old config */
    config_free(m->cfg);
    m->cfg = fresh;
    m->generation++;
    m->generation_reported = false;
    atomic_store(&m->sb->generation, m->generation);
    atomic_fetch_add(&m->sb->reloads, 1);
    log_msg(LOG_INFO, "reloading: generation %u, %d workers; old workers finish their requests",
            m->generation, m->cfg->workers);
    /* new workers first, so that the queue is served while the old ones drain */
    for (int i = 0; i < m->cfg->workers; i++)
        spawn_worker(m, false);
    int64_t now = scoreboard_now_ms();
    for (int i = 0; i < SCOREBOARD_SLOTS; i++)
        if (m->slots[i].pid > 0 && m->slots[i].generation != m->generation)
            drain(m, i, now);
}

static void begin_stop(master *m, int sig)
{
    if (m->stopping)
        return;
    m->stopping = true;
    int64_t now = scoreboard_now_ms();
    m->stop_deadline_ms = now + (int64_t)m->cfg->shutdown_timeout * 1000;
    log_msg(LOG_INFO, "stopping on %s: %d workers finish their requests (at most %d s)", strsignal(sig),
            live_workers(m, false), m->cfg->shutdown_timeout);
    for (int i = 0; i < SCOREBOARD_SLOTS; i++)
        drain(m, i, now);
}

static void keep_pool_full(master *m)
{
    if (m->stopping)
        return;
    int64_t now = scoreboard_now_ms();
    int missing = m->cfg->workers - live_workers(m, true);
    while (missing-- > 0) {
        if (now < m->respawn_not_before_ms)
            return;
        if (spawn_worker(m, true) != 0)
            return;
        if (m->backoff_ms > 0) { /* throttled: one respawn per backoff period */
            m->respawn_not_before_ms = now + m->backoff_ms;
            return;
        }
    }
}

static int write_pid_file(const char *path)
{
    if (path == NULL)
        return 0;
    char tmp[4096], text[32];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int n = snprintf(text, sizeof text, "%ld\n", (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    bool ok = write(fd, text, (size_t)n) == n;
    ok = close(fd) == 0 && ok;
    return ok && rename(tmp, path) == 0 ? 0 : -1;
}

int master_run(config *cfg)
{
    static master m; /* large (slot table); one per process */
    memset(&m, 0, sizeof m);
    m.cfg = cfg;
    m.generation = 1;
    char err[512];
    const char *config_path = cfg->path;
    char *config_path_copy = strdup(config_path);
    if (config_path_copy == NULL || master_signals() != 0) {
        log_msg(LOG_ERROR, "cannot start: %s", strerror(errno));
        free(config_path_copy);
        return 1;
    }
    m.listen_fd = listen_socket_open(cfg->listen, cfg->listen_mode, cfg->listen_group, err, sizeof err);
    if (m.listen_fd < 0) {
        log_msg(LOG_ERROR, "cannot start: %s", err);
        free(config_path_copy);
        return 1;
    }
    m.sb = scoreboard_create();
    if (m.sb == NULL) {
        log_msg(LOG_ERROR, "cannot start: scoreboard: %s", strerror(errno));
        listen_socket_close(m.listen_fd, cfg->listen);
        free(config_path_copy);
        return 1;
    }
    atomic_store(&m.sb->generation, m.generation);
    if (write_pid_file(cfg->pid_file) != 0)
        log_msg(LOG_WARN, "cannot write pid file %s: %s", cfg->pid_file, strerror(errno));
    log_msg(LOG_INFO, "motcua-fcgi started: listening on %s, %d workers, plugins from %s",
            cfg->listen, cfg->workers, cfg->plugin_dir);
    for (int i = 0; i < cfg->workers; i++)
        spawn_worker(&m, false);

    while (!(m.stopping && live_workers(&m, false) == 0)) {
        struct pollfd pfd = {signal_pipe[0], POLLIN, 0};
        int rc = poll(&pfd, 1, 250);
        if (rc < 0 && errno != EINTR)
            log_msg(LOG_ERROR, "poll: %s", strerror(errno));
        unsigned char sigs[64];
        ssize_t n;
        bool want_reload = false;
        while ((n = read(signal_pipe[0], sigs, sizeof sigs)) > 0) {
            for (ssize_t i = 0; i < n; i++) {
                if (sigs[i] == SIGHUP)
                    want_reload = true;
                else if (sigs[i] == SIGTERM || sigs[i] == SIGQUIT || sigs[i] == SIGINT)
                    begin_stop(&m, sigs[i]);
            }
        }
        reap(&m);
        if (want_reload && !m.stopping)
            reload(&m, config_path_copy);
        enforce_deadlines(&m);
        keep_pool_full(&m);
        if (m.stopping && scoreboard_now_ms() > m.stop_deadline_ms + 5000) {
            for (int i = 0; i < SCOREBOARD_SLOTS; i++)
                if (m.slots[i].pid > 0)
                    kill(m.slots[i].pid, SIGKILL);
        }
    }
    listen_socket_close(m.listen_fd, m.cfg->listen);
    if (m.cfg->pid_file)
        unlink(m.cfg->pid_file);
    log_msg(LOG_INFO, "motcua-fcgi stopped");
    scoreboard_destroy(m.sb);
    config_free(m.cfg);
    free(config_path_copy);
    return 0;
}
