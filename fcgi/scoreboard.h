/* The scoreboard: one shared-memory page set up by the master before forking,
 * where every worker publishes its state and the master reads it to enforce
 * request timeouts and to answer status. Fields are written with relaxed atomics. */
#ifndef MOTCUA_SCOREBOARD_H
#define MOTCUA_SCOREBOARD_H

#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

#define SCOREBOARD_SLOTS 512   /* 2 x the maximum workers: old and new during a reload */

typedef enum worker_state {
    WORKER_FREE = 0,       /* slot unused */
    WORKER_STARTING,       /* forked, loading plugins and opening the store */
    WORKER_IDLE,           /* waiting in accept */
    WORKER_BUSY,           /* serving a request */
    WORKER_DRAINING        /* told to finish its request and exit */
} worker_state;

typedef struct worker_slot {
    _Atomic pid_t pid;
    _Atomic int state;              /* worker_state */
    _Atomic unsigned generation;    /* config generation it was started for */
    _Atomic int64_t started_ms;     /* process start, ms since epoch */
    _Atomic int64_t request_start_ms;  /* current request start, 0 when none */
    _Atomic uint64_t requests;      /* requests served */
    char request_line[128];         /* "GET /api/v1/..." of the current request */
} worker_slot;

typedef struct scoreboard {
    _Atomic int64_t start_ms;
    _Atomic unsigned generation;
    _Atomic uint64_t accepted;      /* requests accepted by all workers ever */
    _Atomic uint64_t slow;          /* requests over slow_request */
    _Atomic uint64_t timeouts;      /* requests cut at request_timeout */
    _Atomic uint64_t crashes;       /* workers that died on a signal or a bad exit */
    _Atomic uint64_t respawns;      /* workers started to replace another */
    _Atomic uint64_t recycled;      /* workers that left after max_requests */
    _Atomic uint64_t reloads;
    _Atomic int max_active;         /* most workers busy at once */
    worker_slot slots[SCOREBOARD_SLOTS];
} scoreboard;

/* Maps a zeroed shared anonymous scoreboard; NULL on failure. */
scoreboard *scoreboard_create(void);
void scoreboard_destroy(scoreboard *sb);

/* Milliseconds since the epoch (CLOCK_REALTIME). */
int64_t scoreboard_now_ms(void);

/* Worker side: mark the slot busy with a request line, or idle again. */
void scoreboard_request_begin(scoreboard *sb, worker_slot *slot, const char *method, const char *path);
void scoreboard_request_end(worker_slot *slot);

#endif
