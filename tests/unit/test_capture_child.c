/* Unit tests of the capture child (scan/capture_child.h): fake `motcua-scan capture --progress
 * json` programs (shell scripts) that finish, jam, stall, crash, end without a summary, lie on
 * stdout or are stopped; and capture_child_collect on a folder left behind.
 * (The real motcua-scan through SANE's test backend: tests/integration.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture_child.h"
#include "test_tmpdir.h"

/* What every fake program starts with: OUT from --out, DIR its parent (the test's folder),
 * its own pid in DIR/child.pid, its arguments one a line in DIR/args, and helpers that
 * speak the protocol of scan/cmd_capture.c:
 *   page_file N   writes OUT/page-000N.png (capture_child never reads the bytes)
 *   page_line N   reports it: {"page":N,"file":"OUT/page-000N.png"}
 *   page N        both
 *   summary STATUS PAGES MESSAGE DETAIL   the final object, files listing pages 1..PAGES */
static const char FAKE_PRELUDE[] =
    "#!/bin/sh\n"
    "# A fake motcua-scan capture --progress json, written by tests/unit/test_capture_child.c.\n"
    "OUT=\n"
    "prev=\n"
    "for a in \"$@\"; do\n"
    "    if [ \"$prev\" = --out ]; then OUT=$a; fi\n"
    "    prev=$a\n"
    "done\n"
    "DIR=$(dirname \"$OUT\")\n"
    "echo $$ > \"$DIR/child.pid\"\n"
    "printf '%s\\n' \"$@\" > \"$DIR/args\"\n"
    "page_name() { printf 'page-%04d.png' \"$1\"; }\n"
    "page_file() { printf 'not really a PNG, page %s' \"$1\" > \"$OUT/$(page_name \"$1\")\"; }\n"
    "page_line() { printf '{\"page\":%d,\"file\":\"%s/%s\"}\\n' \"$1\" \"$OUT\" \"$(page_name \"$1\")\"; }\n"
    "page() { page_file \"$1\"; page_line \"$1\"; }\n"
    "summary() {\n"
    "    files=; i=1\n"
    "    while [ $i -le \"$2\" ]; do files=\"$files${files:+,}\\\"$OUT/$(page_name $i)\\\"\"; i=$((i + 1)); done\n"
    "    printf '{\"status\":\"%s\",\"pages\":%d,\"files\":[%s],\"message\":\"%s\",\"detail\":\"%s\"}\\n' \\\n"
    "        \"$1\" \"$2\" \"$files\" \"$3\" \"$4\"\n"
    "}\n";

#define SEEN_MAX 8

/* The pages progress was given, in order; sets *stop once stop_after pages came (0: never). */
typedef struct seen {
    size_t n;
    size_t page[SEEN_MAX];
    char file[SEEN_MAX][256];
    size_t stop_after;
    volatile sig_atomic_t *stop;
} seen;

/* One test's folder (DIR), its out folder (DIR/out), the fake program (DIR/fake) and what
 * capture_child reported. */
typedef struct fixture {
    tdir dir;
    char out[128];
    char program[128];
    volatile sig_atomic_t stop;
    seen seen;
    capture_child_options opt;
    capture_result result;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    tdir_make(&f->dir, "cchild");
    tdir_file(&f->dir, "out", f->out, sizeof f->out);
    tdir_file(&f->dir, "fake", f->program, sizeof f->program);
    assert_int_equal(mkdir(f->out, 0700), 0);
    f->opt = (capture_child_options){
        .program = f->program, .device = "test:0", .out_dir = f->out, .page_timeout_s = 30, .stop = NULL};
    memset(&f->result, 0x55, sizeof f->result); /* capture_child_run must fill it in */
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    tdir_remove(&f->dir);
    free(f);
    return 0;
}

static void on_progress(void *ctx, size_t page, const char *file)
{
    seen *s = ctx;
    assert_true(s->n < SEEN_MAX);
    int len = snprintf(s->file[s->n], sizeof s->file[0], "%s", file);
    assert_true(len > 0 && (size_t)len < sizeof s->file[0]);
    s->page[s->n] = page;
    s->n++;
    if (s->stop != NULL && s->n == s->stop_after)
        *s->stop = 1;
}

/* Writes the fake program: FAKE_PRELUDE then body, with mode `mode`. */
static void fake_program_mode(fixture *f, const char *body, mode_t mode)
{
    FILE *fp = fopen(f->program, "w");
    assert_non_null(fp);
    assert_true(fputs(FAKE_PRELUDE, fp) >= 0);
    assert_true(fputs(body, fp) >= 0);
    assert_int_equal(fclose(fp), 0);
    assert_int_equal(chmod(f->program, mode), 0);
}

static void fake_program(fixture *f, const char *body)
{
    fake_program_mode(f, body, 0755);
}

static capture_child_end run(fixture *f)
{
    return capture_child_run(&f->opt, &f->result, on_progress, &f->seen);
}

/* DIR/name, for files the fake program leaves beside out/. */
static void dir_file(const fixture *f, const char *name, char *out, size_t len)
{
    tdir_file(&f->dir, name, out, len);
}

/* OUT/page-NNNN.png. */
static void page_path(const fixture *f, size_t page, char *out, size_t len)
{
    int n = snprintf(out, len, "%s/page-%04zu.png", f->out, page);
    assert_true(n > 0 && (size_t)n < len);
}

/* progress was called exactly for pages[0..n), in that order, each with OUT/page-NNNN.png. */
static void expect_seen(const fixture *f, const size_t *pages, size_t n)
{
    assert_int_equal(f->seen.n, n);
    for (size_t i = 0; i < n; i++) {
        char want[256];
        page_path(f, pages[i], want, sizeof want);
        assert_int_equal(f->seen.page[i], pages[i]);
        assert_string_equal(f->seen.file[i], want);
    }
}

static bool file_exists(const char *path)
{
    return access(path, F_OK) == 0;
}

/* The pid a fake program wrote into DIR/name. */
static pid_t read_pid(const fixture *f, const char *name)
{
    char path[192];
    dir_file(f, name, path, sizeof path);
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    long pid = 0;
    assert_int_equal(fscanf(fp, "%ld", &pid), 1);
    fclose(fp);
    assert_true(pid > 1);
    return (pid_t)pid;
}

/* The arguments the fake program was given, one a line (DIR/args). */
static void read_args(const fixture *f, char *out, size_t len)
{
    char path[192];
    dir_file(f, "args", path, sizeof path);
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    size_t n = fread(out, 1, len - 1, fp);
    assert_int_equal(ferror(fp), 0);
    fclose(fp);
    out[n] = '\0';
}

/* pid no longer exists. */
static void expect_gone(pid_t pid)
{
    errno = 0;
    assert_int_equal(kill(pid, 0), -1);
    assert_int_equal(errno, ESRCH);
}

/* A process the fake program started in the background: once the program died it became
 * this process's child (main makes this process a child subreaper, so that an orphan's end
 * is seen here and not lost to whatever init reaps it). Reaps it, checks SIGKILL ended it
 * (it would otherwise have slept 60 s and exited 0), and that it is gone. */
static void expect_orphan_killed(pid_t pid)
{
    int status = 0;
    pid_t r;
    do {
        r = waitpid(pid, &status, 0);
    } while (r < 0 && errno == EINTR);
    assert_int_equal(r, pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGKILL);
    expect_gone(pid);
}

/* Page 1, reported while a helper (a backend's, say) sleeps in the background, then a
 * wait for the helper: the child says no more unless it is let run 60 s. */
static const char PAGE_1_THEN_HANG[] = "sleep 60 &\n"
                                       "echo $! > \"$DIR/grandchild.pid\"\n"
                                       "page 1\n"
                                       "wait\n"
                                       "page 2\n"
                                       "summary ok 2 'should never be read' ''\n";

/* The end was not FINISHED: status, message and detail are capture_child's own. */
static void expect_failure_result(const fixture *f, size_t pages)
{
    assert_int_equal(f->result.status, CAPTURE_IO_ERROR);
    assert_int_equal(f->result.pages, pages);
    assert_true(strlen(f->result.message_vi) > 0);
    assert_true(strlen(f->result.detail) > 0);
    assert_non_null(strstr(f->result.detail, "test:0")); /* the device, for the operator */
}

/* PAGE_1_THEN_HANG was killed before its end: page 1 handed on and kept, the detail says
 * `why`, the child and its helper are gone (SIGKILL). */
static void expect_killed_after_page_1(const fixture *f, const char *why)
{
    const size_t want[] = {1};
    expect_seen(f, want, 1);
    expect_failure_result(f, 1);
    assert_non_null(strstr(f->result.detail, why));
    expect_gone(read_pid(f, "child.pid"));
    expect_orphan_killed(read_pid(f, "grandchild.pid"));
}

/* ---- runs of a fake program ------------------------------------------------------------ */

/* A batch of 3 pages and an ok summary; the program is given capture's command line. */
static void test_normal_batch(void **state)
{
    fixture *f = *state;
    f->opt.source = "adf";
    fake_program(f, "page 1\npage 2\npage 3\n"
                    "summary ok 3 'Đã quét 3 trang.' 'device test:0: 3 pages, feeder empty'\n"
                    "exit 0\n");
    assert_int_equal(run(f), CAPTURE_CHILD_FINISHED);
    const size_t want[] = {1, 2, 3};
    expect_seen(f, want, 3);
    for (size_t i = 0; i < 3; i++)
        assert_true(file_exists(f->seen.file[i]));
    assert_int_equal(f->result.status, CAPTURE_OK);
    assert_int_equal(f->result.pages, 3);
    assert_string_equal(f->result.message_vi, "Đã quét 3 trang.");
    assert_string_equal(f->result.detail, "device test:0: 3 pages, feeder empty");
    expect_gone(read_pid(f, "child.pid"));

    char args[1024], want_args[1024];
    read_args(f, args, sizeof args);
    snprintf(want_args, sizeof want_args, "capture\n--progress\njson\n--device\ntest:0\n--out\n%s\n--source\nadf\n",
             f->out);
    assert_string_equal(args, want_args);
}

/* Without a source, capture is not given --source (its own default applies). */
static void test_no_source_argument(void **state)
{
    fixture *f = *state;
    f->opt.source = NULL;
    fake_program(f, "summary ok 0 '' ''\n");
    assert_int_equal(run(f), CAPTURE_CHILD_FINISHED);
    assert_int_equal(f->result.status, CAPTURE_OK);
    assert_int_equal(f->result.pages, 0);
    assert_int_equal(f->seen.n, 0);
    char args[1024], want_args[1024];
    read_args(f, args, sizeof args);
    snprintf(want_args, sizeof want_args, "capture\n--progress\njson\n--device\ntest:0\n--out\n%s\n", f->out);
    assert_string_equal(args, want_args);
}

/* The child's summary says "jammed": its status, message and detail come through, and the
 * pages it captured before the jam are kept. */
static void test_jam_from_summary(void **state)
{
    fixture *f = *state;
    fake_program(f, "page 1\npage 2\n"
                    "summary jammed 2 'Kẹt giấy ở trang 3. Hãy gỡ giấy kẹt rồi bấm Quét tiếp.' "
                    "'device test:0: paper jam (SANE_STATUS_JAMMED) at page 3'\n"
                    "exit 4\n");
    assert_int_equal(run(f), CAPTURE_CHILD_FINISHED);
    const size_t want[] = {1, 2};
    expect_seen(f, want, 2);
    assert_int_equal(f->result.status, CAPTURE_JAMMED);
    assert_int_equal(f->result.pages, 2);
    assert_string_equal(f->result.message_vi, "Kẹt giấy ở trang 3. Hãy gỡ giấy kẹt rồi bấm Quét tiếp.");
    assert_string_equal(f->result.detail, "device test:0: paper jam (SANE_STATUS_JAMMED) at page 3");
}

/* One page, then nothing (a hung backend) with a helper process in the background: after
 * page_timeout_s the child and its helper are killed, and the page stays reported. */
static void test_stall_after_a_page(void **state)
{
    fixture *f = *state;
    f->opt.page_timeout_s = 1;
    fake_program(f, PAGE_1_THEN_HANG);
    assert_int_equal(run(f), CAPTURE_CHILD_STALLED);
    expect_killed_after_page_1(f, "stopped responding");
}

/* A child that never stops writing (a chatty backend) still meets the deadline. */
static void test_stall_while_chattering(void **state)
{
    fixture *f = *state;
    f->opt.page_timeout_s = 1;
    fake_program(f, "page 1\nexec yes 'backend chatter'\n");
    assert_int_equal(run(f), CAPTURE_CHILD_STALLED);
    assert_int_equal(f->seen.n, 1);
    expect_failure_result(f, 1);
    assert_non_null(strstr(f->result.detail, "stopped responding"));
    expect_gone(read_pid(f, "child.pid"));
}

/* No page at all: the first deadline counts from the start. */
static void test_stall_before_the_first_page(void **state)
{
    fixture *f = *state;
    f->opt.page_timeout_s = 1;
    fake_program(f, "exec sleep 60\n");
    assert_int_equal(run(f), CAPTURE_CHILD_STALLED);
    assert_int_equal(f->seen.n, 0);
    expect_failure_result(f, 0);
    assert_non_null(strstr(f->result.detail, "stopped responding"));
    expect_gone(read_pid(f, "child.pid"));
}

/* The summary came but the child then hangs (closing the device): it is killed, and the
 * batch is the summary's. */
static void test_hang_after_the_summary(void **state)
{
    fixture *f = *state;
    f->opt.page_timeout_s = 1;
    fake_program(f, "page 1\n"
                    "summary ok 1 'Đã quét 1 trang.' 'device test:0: 1 page'\n"
                    "sleep 60 &\n"
                    "echo $! > \"$DIR/grandchild.pid\"\n"
                    "wait\n");
    assert_int_equal(run(f), CAPTURE_CHILD_FINISHED);
    const size_t want[] = {1};
    expect_seen(f, want, 1);
    assert_int_equal(f->result.status, CAPTURE_OK);
    assert_int_equal(f->result.pages, 1);
    assert_string_equal(f->result.message_vi, "Đã quét 1 trang.");
    expect_gone(read_pid(f, "child.pid"));
    expect_orphan_killed(read_pid(f, "grandchild.pid"));
}

/* The child dies by a signal after 2 pages: CRASHED, the 2 pages kept, the signal named. */
static void test_crash_by_signal(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *body;
        const char *how;
    } cases[] = {
        {"page 1\npage 2\nkill -KILL $$\nsummary ok 2 '' ''\n", "signal 9"},
        {"page 1\npage 2\nkill -SEGV $$\nsummary ok 2 '' ''\n", "signal 11"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memset(&f->seen, 0, sizeof f->seen);
        memset(&f->result, 0x55, sizeof f->result);
        for (size_t p = 1; p <= 2; p++) {
            char path[256];
            page_path(f, p, path, sizeof path);
            unlink(path);
        }
        fake_program(f, cases[i].body);
        assert_int_equal(run(f), CAPTURE_CHILD_CRASHED);
        const size_t want[] = {1, 2};
        expect_seen(f, want, 2);
        expect_failure_result(f, 2);
        assert_non_null(strstr(f->result.detail, cases[i].how));
        expect_gone(read_pid(f, "child.pid"));
    }
}

/* Exit 0 after the pages but no summary: CRASHED all the same (header), pages kept. */
static void test_exit_without_summary(void **state)
{
    fixture *f = *state;
    fake_program(f, "page 1\npage 2\nexit 0\n");
    assert_int_equal(run(f), CAPTURE_CHILD_CRASHED);
    const size_t want[] = {1, 2};
    expect_seen(f, want, 2);
    expect_failure_result(f, 2);
    assert_non_null(strstr(f->result.detail, "exited with status 0"));
}

/* Page 2 was made durable but the child died before reporting it, while page 3 was half
 * written under durable_temp_name's name: page 2 is handed on after page 1, the temporary
 * file is deleted, other files are left alone. */
static void test_page_written_but_not_reported(void **state)
{
    fixture *f = *state;
    fake_program(f, "page 1\n"
                    "page_file 2\n"
                    "printf 'half a PNG' > \"$OUT/page-0003.png.tmp-$$-1\"\n"
                    "printf 'notes' > \"$OUT/notes.txt\"\n"
                    "kill -KILL $$\n");
    assert_int_equal(run(f), CAPTURE_CHILD_CRASHED);
    const size_t want[] = {1, 2};
    expect_seen(f, want, 2);
    expect_failure_result(f, 2);

    pid_t child = read_pid(f, "child.pid");
    char tmp[256], notes[256], page2[256];
    int n = snprintf(tmp, sizeof tmp, "%s/page-0003.png.tmp-%ld-1", f->out, (long)child);
    assert_true(n > 0 && (size_t)n < sizeof tmp);
    tdir_file(&f->dir, "out/notes.txt", notes, sizeof notes);
    page_path(f, 2, page2, sizeof page2);
    assert_false(file_exists(tmp));
    assert_true(file_exists(page2));
    assert_true(file_exists(notes));
}

/* Lines that are not progress, and page lines whose file is not OUT/page-NNNN.png for their
 * number (outside OUT, another name, another number) or whose page is not after the last,
 * are ignored; a line over 64 KiB is dropped whole and the next one still read. The forged
 * lines claim page 5, which is never written: had one been taken, progress would see 5 (and
 * then refuse pages 1 and 2 as not after the last). */
static void test_garbage_and_forged_lines(void **state)
{
    fixture *f = *state;
    fake_program(f, "echo 'a backend chatting on stdout'\n"
                    "echo '{not json'\n"
                    "echo '[1,2,3]'\n"
                    "echo '\"page\"'\n"
                    "echo\n"
                    "page_file 1\n"
                    "printf '{\"page\":5,\"file\":\"%s/../page-0005.png\"}\\n' \"$OUT\"\n"
                    "printf '{\"page\":5,\"file\":\"%s/page-0005.png\"}\\n' \"$DIR\"\n"
                    "printf '{\"page\":5,\"file\":\"%s/./page-0005.png\"}\\n' \"$OUT\"\n"
                    "printf '{\"page\":5,\"file\":\"/etc/passwd\"}\\n'\n"
                    "printf '{\"page\":5,\"file\":\"page-0005.png\"}\\n'\n"
                    "printf '{\"page\":5,\"file\":\"%s/page-5.png\"}\\n' \"$OUT\"\n"
                    "printf '{\"page\":5,\"file\":\"%s/page-0005.jpg\"}\\n' \"$OUT\"\n"
                    "printf '{\"page\":5,\"file\":\"%s/page-0001.png\"}\\n' \"$OUT\"\n"
                    "printf '{\"page\":99999,\"file\":\"%s/page-99999.png\"}\\n' \"$OUT\"\n"
                    "printf '{\"page\":\"5\",\"file\":\"%s/page-0005.png\"}\\n' \"$OUT\"\n"
                    "printf '{\"page\":5.0,\"file\":\"%s/page-0005.png\"}\\n' \"$OUT\"\n"
                    "printf '{\"page\":5}\\n'\n"
                    "printf '{\"page\":5,\"file\":7}\\n'\n"
                    "printf '%70000s\\n' 'x'\n"
                    "page_line 1\n"
                    "page_line 1\n"
                    "page 2\n"
                    "summary ok 2 'Đã quét 2 trang.' ''\n"
                    "printf '%70000s' ''\n"
                    "summary jammed 2 'a summary inside a line over 64 KiB' ''\n");
    assert_int_equal(run(f), CAPTURE_CHILD_FINISHED);
    const size_t want[] = {1, 2};
    expect_seen(f, want, 2);
    assert_int_equal(f->result.status, CAPTURE_OK);
    assert_int_equal(f->result.pages, 2);
    assert_string_equal(f->result.message_vi, "Đã quét 2 trang.");
}

/* The stop flag set (as by SIGTERM) while page 1 is handed on: the child and its helper are
 * killed, the end is STOPPED and page 1 is kept. */
static void test_stop_after_a_page(void **state)
{
    fixture *f = *state;
    f->opt.stop = &f->stop;
    f->seen.stop = &f->stop;
    f->seen.stop_after = 1;
    fake_program(f, PAGE_1_THEN_HANG);
    assert_int_equal(run(f), CAPTURE_CHILD_STOPPED);
    expect_killed_after_page_1(f, "stopped for a shutdown");
}

/* The stop flag already set: the child is killed at once, nothing captured. */
static void test_stop_before_the_start(void **state)
{
    fixture *f = *state;
    f->stop = 1;
    f->opt.stop = &f->stop;
    fake_program(f, "exec sleep 60\n");
    assert_int_equal(run(f), CAPTURE_CHILD_STOPPED);
    assert_int_equal(f->seen.n, 0);
    expect_failure_result(f, 0);
}

/* A program that is missing or not executable is not started, and the detail says which
 * program and why. */
static void test_program_not_runnable(void **state)
{
    fixture *f = *state;
    char missing[192];
    dir_file(f, "no-such-program", missing, sizeof missing);
    f->opt.program = missing;
    assert_int_equal(run(f), CAPTURE_CHILD_NOT_STARTED);
    assert_int_equal(f->seen.n, 0);
    assert_int_equal(f->result.status, CAPTURE_IO_ERROR);
    assert_int_equal(f->result.pages, 0);
    assert_true(strlen(f->result.message_vi) > 0);
    assert_non_null(strstr(f->result.detail, "cannot run the capture program"));
    assert_non_null(strstr(f->result.detail, missing));
    assert_non_null(strstr(f->result.detail, strerror(ENOENT)));

    memset(&f->result, 0x55, sizeof f->result);
    f->opt.program = f->program;
    fake_program_mode(f, "page 1\nsummary ok 1 '' ''\n", 0644);
    assert_int_equal(run(f), CAPTURE_CHILD_NOT_STARTED);
    assert_int_equal(f->seen.n, 0);
    assert_int_equal(f->result.status, CAPTURE_IO_ERROR);
    assert_int_equal(f->result.pages, 0);
    assert_true(strlen(f->result.message_vi) > 0);
    assert_non_null(strstr(f->result.detail, f->program));
    assert_non_null(strstr(f->result.detail, strerror(EACCES)));
    char page1[256];
    page_path(f, 1, page1, sizeof page1);
    assert_false(file_exists(page1));
}

/* A program that passes the access check but cannot be exec'ed (not an executable format:
 * ENOEXEC) is NOT_STARTED with exec's reason, not a crash of the scanner. (Not a missing #!
 * interpreter: valgrind cannot survive that failed exec in the child and exits 101.) */
static void test_program_exec_fails(void **state)
{
    fixture *f = *state;
    FILE *fp = fopen(f->program, "w");
    assert_non_null(fp);
    assert_true(fputs("\x01\x02 neither ELF nor a script\n", fp) >= 0);
    assert_int_equal(fclose(fp), 0);
    assert_int_equal(chmod(f->program, 0755), 0);
    assert_int_equal(run(f), CAPTURE_CHILD_NOT_STARTED);
    assert_int_equal(f->seen.n, 0);
    assert_int_equal(f->result.status, CAPTURE_IO_ERROR);
    assert_non_null(strstr(f->result.detail, "cannot run the capture program"));
    assert_non_null(strstr(f->result.detail, strerror(ENOEXEC)));
}

/* The summary as the very last bytes, without a newline, still counts. */
static void test_summary_without_newline(void **state)
{
    fixture *f = *state;
    fake_program(f, "page 1\npage 2\nsummary ok 2 '' 'done' | tr -d '\\n'\n");
    assert_int_equal(run(f), CAPTURE_CHILD_FINISHED);
    assert_int_equal(f->result.status, CAPTURE_OK);
    assert_int_equal(f->result.pages, 2);
    assert_string_equal(f->result.detail, "done");
}

/* ---- capture_child_collect -------------------------------------------------------------- */

static void touch(const fixture *f, const char *name)
{
    char path[256];
    int n = snprintf(path, sizeof path, "%s/%s", f->out, name);
    assert_true(n > 0 && (size_t)n < sizeof path);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    assert_int_equal(fclose(fp), 0);
}

/* Pages above `after` are handed on in number order whatever the folder's order; names that
 * are not page-NNNN.png (or page 0) are not pages; temporary files are deleted. */
static void test_collect(void **state)
{
    fixture *f = *state;
    touch(f, "page-0003.png");
    touch(f, "page-0001.png");
    touch(f, "page-0002.png");
    touch(f, "page-0000.png");
    touch(f, "page-12.png");
    touch(f, "page-0005.jpg");
    touch(f, "page-0006.png.bak");
    touch(f, "page-0004.png.tmp-123-1");
    assert_int_equal(capture_child_collect(f->out, 1, on_progress, &f->seen), 2);
    const size_t want[] = {2, 3};
    expect_seen(f, want, 2);

    char tmp[256], odd[256];
    tdir_file(&f->dir, "out/page-0004.png.tmp-123-1", tmp, sizeof tmp);
    tdir_file(&f->dir, "out/page-0006.png.bak", odd, sizeof odd);
    assert_false(file_exists(tmp));
    assert_true(file_exists(odd));

    memset(&f->seen, 0, sizeof f->seen);
    assert_int_equal(capture_child_collect(f->out, 0, on_progress, &f->seen), 3);
    const size_t all[] = {1, 2, 3};
    expect_seen(f, all, 3);

    memset(&f->seen, 0, sizeof f->seen);
    assert_int_equal(capture_child_collect(f->out, 3, on_progress, &f->seen), 0);
    assert_int_equal(f->seen.n, 0);
    assert_int_equal(capture_child_collect(f->out, 0, NULL, NULL), 3);
}

static void test_collect_missing_folder(void **state)
{
    fixture *f = *state;
    char missing[192];
    dir_file(f, "no-such-folder", missing, sizeof missing);
    assert_int_equal(capture_child_collect(missing, 0, on_progress, &f->seen), 0);
    assert_int_equal(f->seen.n, 0);
}

int main(void)
{
    /* Orphans of a killed fake program come to this process, to be checked and reaped
     * (expect_orphan_killed). */
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
        perror("prctl(PR_SET_CHILD_SUBREAPER)");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_normal_batch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_source_argument, setup, teardown),
        cmocka_unit_test_setup_teardown(test_jam_from_summary, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stall_after_a_page, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stall_before_the_first_page, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stall_while_chattering, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hang_after_the_summary, setup, teardown),
        cmocka_unit_test_setup_teardown(test_crash_by_signal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exit_without_summary, setup, teardown),
        cmocka_unit_test_setup_teardown(test_page_written_but_not_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_garbage_and_forged_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stop_after_a_page, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stop_before_the_start, setup, teardown),
        cmocka_unit_test_setup_teardown(test_program_not_runnable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_program_exec_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_summary_without_newline, setup, teardown),
        cmocka_unit_test_setup_teardown(test_collect, setup, teardown),
        cmocka_unit_test_setup_teardown(test_collect_missing_folder, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
