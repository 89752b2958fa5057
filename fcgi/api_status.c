/* GET /api/v1/status: the process manager's scoreboard as JSON (php-fpm's
 * status page), for logged-in administrators only. */
#include <jansson.h>
#include <string.h>

#include "app.h"
#include "auth.h"
#include "response.h"

static const char *const state_names[] = {"free", "starting", "idle", "busy", "draining"};

static void status_get(request *req, void *ctx)
{
    app *a = ctx;
    if (!auth_require(a, req, ROLE_ADMIN, NULL))
        return;
    if (a->sb == NULL) {
        response_error(req, 503, "no_process_manager", "Trạng thái tiến trình không có sẵn.");
        return;
    }
    scoreboard *sb = a->sb;
    int64_t now = scoreboard_now_ms();
    unsigned generation = atomic_load(&sb->generation);
    json_t *procs = json_array();
    int total = 0, busy = 0, idle = 0, starting = 0, draining = 0;
    for (int i = 0; i < SCOREBOARD_SLOTS; i++) {
        worker_slot *s = &sb->slots[i];
        int state = atomic_load(&s->state);
        pid_t pid = atomic_load(&s->pid);
        if (state == WORKER_FREE || pid == 0)
            continue;
        total++;
        busy += state == WORKER_BUSY;
        idle += state == WORKER_IDLE;
        starting += state == WORKER_STARTING;
        draining += state == WORKER_DRAINING;
        int64_t rs = atomic_load(&s->request_start_ms);
        json_t *p = json_pack("{s:i,s:s,s:i,s:I,s:I}", "pid", (int)pid, "state",
                              state_names[state < 5 ? state : 0], "generation",
                              (int)atomic_load(&s->generation), "requests",
                              (json_int_t)atomic_load(&s->requests), "uptime_s",
                              (json_int_t)((now - atomic_load(&s->started_ms)) / 1000));
        if (state == WORKER_BUSY && rs > 0) {
            json_object_set_new(p, "request_ms", json_integer(now - rs));
            json_object_set_new(p, "request", json_string(s->request_line));
        }
        json_array_append_new(procs, p);
    }
    json_t *body = json_pack(
        "{s:s,s:I,s:i,s:{s:i,s:i,s:i,s:i,s:i},s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:i,s:o}",
        "pool", "motcua", "uptime_s", (json_int_t)((now - atomic_load(&sb->start_ms)) / 1000),
        "generation", (int)generation,
        "workers", "total", total, "busy", busy, "idle", idle, "starting", starting, "draining", draining,
        "accepted", (json_int_t)atomic_load(&sb->accepted),
        "slow", (json_int_t)atomic_load(&sb->slow),
        "timeouts", (json_int_t)atomic_load(&sb->timeouts),
        "crashes", (json_int_t)atomic_load(&sb->crashes),
        "respawns", (json_int_t)atomic_load(&sb->respawns),
        "recycled", (json_int_t)atomic_load(&sb->recycled),
        "reloads", (json_int_t)atomic_load(&sb->reloads),
        "max_active", atomic_load(&sb->max_active),
        "processes", procs);
    response_json(req, 200, body);
}

void api_status_register(router *r, app *a)
{
    router_add(r, "GET", "/api/v1/status", status_get, a);
}
