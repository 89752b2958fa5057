/* The worker's accept loop over libfcgi. */
#include "worker.h"

#include <errno.h>
#include <fcgiapp.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "app.h"
#include "log.h"
#include "response.h"

static volatile sig_atomic_t stop_requested;
static int listen_fd_global = -1;
static int devnull_fd = -1;

/* Stop accepting: the flag is checked between requests, and the listening fd
 * is replaced by /dev/null so that an accept() about to start (or running)
 * fails instead of taking a connection we would not serve. */
static void on_stop(int sig)
{
    (void)sig;
    stop_requested = 1;
    if (devnull_fd >= 0 && listen_fd_global >= 0)
        dup2(devnull_fd, listen_fd_global);
}

static void worker_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_stop; /* no SA_RESTART: accept() must return EINTR */
    sigaction(SIGQUIT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGPIPE, &sa, NULL);
    sa.sa_handler = SIG_DFL;
    sigaction(SIGCHLD, &sa, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

static ssize_t fcgi_read(void *ctx, char *buf, size_t len)
{
    FCGX_Request *fr = ctx;
    int chunk = len > (1u << 30) ? (1 << 30) : (int)len;
    return FCGX_GetStr(buf, chunk, fr->in);
}

static int fcgi_write(void *ctx, const char *buf, size_t len)
{
    FCGX_Request *fr = ctx;
    while (len > 0) {
        int chunk = len > (1u << 30) ? (1 << 30) : (int)len;
        if (FCGX_PutStr(buf, chunk, fr->out) != chunk)
            return -1;
        buf += chunk;
        len -= (size_t)chunk;
    }
    return 0;
}

/* Ends the request and closes the connection at once. libfcgi's own close
 * half-closes and then waits for nginx to close its end (a sleep and a wake-up
 * per request); once the rest of the input is read, nothing is left that a
 * plain close could lose, so the request is detached first. */
static void finish_request(FCGX_Request *fr)
{
    char sink[4096];
    while (FCGX_GetStr(sink, sizeof sink, fr->in) > 0)
        ;
    FCGX_Detach(fr);
    FCGX_Finish_r(fr);
}

noreturn void worker_main(const worker_args *w)
{
    prctl(PR_SET_PDEATHSIG, SIGQUIT); /* the master died: finish and leave */
    listen_fd_global = w->listen_fd;
    devnull_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    worker_signals();
    if (getppid() == 1)
        exit(0);
    atomic_store(&w->slot->pid, getpid());

    app a;
    memset(&a, 0, sizeof a);
    char err[1024];
    if (app_init(&a, w->cfg, w->report_plugins, err, sizeof err) != 0) {
        log_msg(LOG_ERROR, "worker cannot start: %s", err);
        app_fini(&a);
        _exit(WORKER_EXIT_SETUP);
    }
    a.sb = w->sb;
    a.slot = w->slot;

    if (FCGX_Init() != 0) {
        log_msg(LOG_ERROR, "worker cannot start: libfcgi initialisation failed");
        _exit(WORKER_EXIT_SETUP);
    }
    worker_signals(); /* libfcgi may have installed handlers of its own */
    FCGX_Request fr;
    FCGX_InitRequest(&fr, w->listen_fd, FCGI_FAIL_ACCEPT_ON_INTR);
    atomic_store(&w->slot->state, WORKER_IDLE);

    long served = 0;
    while (!stop_requested) {
        if (FCGX_Accept_r(&fr) < 0) {
            if (stop_requested)
                break;
            if (errno == EINTR)
                continue;
            log_msg(LOG_ERROR, "worker: accept failed: %s", strerror(errno));
            break;
        }
        request req;
        request_parse_result parsed = request_parse(&req, fr.envp);
        req.read_body = fcgi_read;
        req.read_ctx = &fr;
        req.write = fcgi_write;
        req.write_ctx = &fr;
        scoreboard_request_begin(w->sb, w->slot, req.method, req.path);
        app_dispatch(&a, &req, parsed);
        finish_request(&fr);
        request_free(&req);
        scoreboard_request_end(w->slot);
        served++;
        if (w->cfg->max_requests > 0 && served >= w->cfg->max_requests) {
            log_msg(LOG_INFO, "worker recycling after %ld requests (max_requests)", served);
            break;
        }
    }
    atomic_store(&w->slot->state, WORKER_DRAINING);
    FCGX_Free(&fr, 1);
    app_fini(&a);
    _exit(0);
}
