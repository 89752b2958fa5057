/* Shared-memory scoreboard between the master and its workers. */
#include "scoreboard.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

scoreboard *scoreboard_create(void)
{
    void *p = mmap(NULL, sizeof(scoreboard), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    scoreboard *sb = p; /* anonymous mappings are zero-filled */
    atomic_store(&sb->start_ms, scoreboard_now_ms());
    return sb;
}

void scoreboard_destroy(scoreboard *sb)
{
    if (sb != NULL)
        munmap(sb, sizeof *sb);
}

int64_t scoreboard_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void scoreboard_request_begin(scoreboard *sb, worker_slot *slot, const char *method, const char *path)
{
    snprintf(slot->request_line, sizeof slot->request_line, "%s %s", method, path ? path : "");
    atomic_store(&slot->request_start_ms, scoreboard_now_ms());
    atomic_store(&slot->state, WORKER_BUSY);
    atomic_fetch_add(&sb->accepted, 1);
    int busy = 0;
    for (int i = 0; i < SCOREBOARD_SLOTS; i++)
        if (atomic_load(&sb->slots[i].state) == WORKER_BUSY)
            busy++;
    int seen = atomic_load(&sb->max_active);
    while (busy > seen && !atomic_compare_exchange_weak(&sb->max_active, &seen, busy))
        ;
}

void scoreboard_request_end(worker_slot *slot)
{
    atomic_store(&slot->request_start_ms, 0);
    atomic_fetch_add(&slot->requests, 1);
    int expected = WORKER_BUSY;
    atomic_compare_exchange_strong(&slot->state, &expected, WORKER_IDLE);
}
