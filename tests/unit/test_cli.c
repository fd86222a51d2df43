// SPDX-License-Identifier: GPL-2.0
/*
 * The ptscope binary end to end: exit codes (0 ok, 1 runtime failure,
 * 2 usage error), plain and JSON errors, a replayed module stream, and
 * the /proc source checked against /proc/PID/pagemap read here.
 * The binary is ../../tools/ptscope next to this test, or $PTSCOPE.
 */
#include <errno.h>
#include <fcntl.h>
#include <json.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "runpts.h"

#define NO_PID	"2147483600"

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v))
		fail_msg("no key '%s' in %s", key, pts_out);
	return v;
}

static void test_help(void **state)
{
	(void)state;
	assert_int_equal(run_pts("--help", NULL), 0);
	assert_non_null(strstr(pts_out, "Exit status"));
	assert_int_equal(run_pts("help", NULL), 0);
	assert_int_equal(run_pts("-V", NULL), 0);
	assert_non_null(strstr(pts_out, "ptscope"));
	assert_int_equal(run_pts("pt", "help", NULL), 0);
	assert_non_null(strstr(pts_out, "--range"));
	assert_int_equal(run_pts("vtop", "help", NULL), 0);
	assert_int_equal(run_pts("stats", "help", NULL), 0);
	assert_int_equal(run_pts("vma", "show", "-h", NULL), 0);
	assert_non_null(strstr(pts_out, "NAME"));
}

static void test_usage_errors(void **state)
{
	(void)state;
	assert_int_equal(run_pts(NULL), 2);
	assert_int_equal(run_pts("bogus", NULL), 2);
	assert_non_null(strstr(pts_err, "unknown command 'bogus'"));
	assert_int_equal(run_pts("vma", NULL), 2);
	assert_int_equal(run_pts("vma", "show", NULL), 2);
	assert_int_equal(run_pts("vma", "show", "abc", NULL), 2);
	assert_non_null(strstr(pts_err, "invalid pid 'abc'"));
	assert_int_equal(run_pts("vma", "show", "1", "2", NULL), 2);
	assert_int_equal(run_pts("--bogus", "vma", "show", "1", NULL),
			 2);
	assert_int_equal(run_pts("vma", "show", "1", "-o", NULL), 2);
	assert_int_equal(run_pts("--source", "x", "vma", "show", "1",
				 NULL), 2);
	assert_int_equal(run_pts("pt", "show", "1", "--range",
				 "0x2000-0x1000", NULL), 2);
	assert_int_equal(run_pts("pt", "show", "1", "--size", "3k",
				 NULL), 2);
	assert_int_equal(run_pts("pt", "show", "1", "--flags", "rw,zz",
				 NULL), 2);
	assert_non_null(strstr(pts_err, "'zz'"));
	assert_int_equal(run_pts("vtop", "1", NULL), 2);
	assert_int_equal(run_pts("vtop", "1", "xyz", NULL), 2);
	assert_int_equal(run_pts("--source", "proc", "vma", "show",
				 "1", "-o", "NOPE", NULL), 2);
}

static void test_no_such_pid(void **state)
{
	(void)state;
	assert_int_equal(run_pts("--source", "proc", "vma", "show",
				 NO_PID, NULL), 1);
	assert_string_equal(pts_err,
			    "ptscope: pid " NO_PID ": No such process\n");
	assert_string_equal(pts_out, "");
}

static void test_json_errors(void **state)
{
	struct json_object *o;

	(void)state;
	assert_int_equal(run_pts("-J", "--source", "proc", "pt", "show",
				 NO_PID, NULL), 1);
	assert_string_equal(pts_err, "");
	o = json_tokener_parse(pts_out);
	assert_non_null(o);
	assert_int_equal(json_object_get_int(get(o, "errno")), ESRCH);
	assert_non_null(strstr(json_object_get_string(get(o, "error")),
			       "No such process"));
	json_object_put(o);

	assert_int_equal(run_pts("-J", "vma", "show", "abc", NULL), 2);
	o = json_tokener_parse(pts_out);
	assert_non_null(o);
	assert_int_equal(json_object_get_int(get(o, "errno")), EINVAL);
	json_object_put(o);
}

static void test_module_missing(void **state)
{
	(void)state;
	if (!access(PTSCOPE_DEBUGFS_DIR "/query", F_OK))
		skip();
	assert_int_equal(run_pts("--source", "module", "vma", "show",
				 "1", NULL), 1);
	assert_non_null(strstr(pts_err, "ptscope.ko"));
}

static char replay_path[64];

static void write_replay(struct recbuf *b)
{
	int fd;

	strcpy(replay_path, "/tmp/ptscope-replay-XXXXXX");
	fd = mkstemp(replay_path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, b->buf, b->len), (ssize_t)b->len);
	close(fd);
}

static void test_replay(void **state)
{
	struct recbuf *b = malloc(sizeof(*b));
	struct json_object *o;

	(void)state;
	rec_sample(b);
	write_replay(b);
	assert_int_equal(run_pts_replay(replay_path, "vma", "show", "42",
					NULL), 0);
	assert_non_null(strstr(pts_out, "[heap]"));
	assert_string_equal(pts_err, "");
	assert_int_equal(run_pts_replay(replay_path, "-J", "vtop", "42",
					"0x6abcde", NULL), 0);
	o = json_tokener_parse(pts_out);
	assert_non_null(o);
	assert_string_equal(json_object_get_string(get(o, "phys")),
			    "0x54abcde");
	assert_string_equal(json_object_get_string(get(o, "level")), "pmd");
	json_object_put(o);
	assert_int_equal(run_pts_replay(replay_path, "pt", "show", "42",
					"--flags", "rw,nx", "-rn", "-o",
					"START,COUNT", NULL), 0);
	assert_string_equal(pts_out, "0x600000 1\n0x7f0000000000 3\n");
	unlink(replay_path);

	/* without its END record the answer is partial: an error */
	b->len -= PTSCOPE_REC_SIZE;
	write_replay(b);
	assert_int_equal(run_pts_replay(replay_path, "vma", "show", "42",
					NULL), 1);
	assert_non_null(strstr(pts_err, "partial"));
	unlink(replay_path);
	free(b);
}

/* a child with one known page; the tool must agree with pagemap */
static void test_proc_self_check(void **state)
{
	char pid_s[16], addr_s[32], range_s[64];
	struct json_object *o, *ents;
	char *page;
	__u64 pm = 0, pfn;
	int p[2], fd;
	pid_t child;

	(void)state;
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(page != MAP_FAILED);
	assert_int_equal(pipe(p), 0);
	child = fork();
	assert_true(child >= 0);
	if (!child) {
		page[0] = 1;	/* the child's own copy */
		close(p[0]);
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	assert_int_equal(read(p[0], pid_s, 1), 1);
	close(p[0]);

	snprintf(pid_s, sizeof(pid_s), "%d", child);
	snprintf(addr_s, sizeof(addr_s), "%p", (void *)(page + 0x123));
	snprintf(range_s, sizeof(range_s), "%p-%p", (void *)page,
		 (void *)(page + 4096));
	snprintf(pts_out, sizeof(pts_out), "/proc/%d/pagemap", child);
	fd = open(pts_out, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &pm, 8, (uintptr_t)page / 4096 * 8), 8);
	close(fd);
	pfn = pm & PTS_PM_PFN_MASK;
	if (!(pm & PTS_PM_PRESENT) || !pfn) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		skip();	/* frame numbers hidden: not root */
	}

	assert_int_equal(run_pts("-J", "--source", "proc", "vtop",
				 pid_s, addr_s, NULL), 0);
	o = json_tokener_parse(pts_out);
	assert_non_null(o);
	assert_string_equal(json_object_get_string(get(o, "source")), "proc");
	assert_true((__u64)json_object_get_int64(get(o, "pfn")) == pfn);
	snprintf(range_s, sizeof(range_s), "0x%llx",
		 (unsigned long long)(pfn << 12 | 0x123));
	assert_string_equal(json_object_get_string(get(o, "phys")), range_s);
	json_object_put(o);

	snprintf(range_s, sizeof(range_s), "%p-%p", (void *)page,
		 (void *)(page + 4096));
	assert_int_equal(run_pts("-J", "--source", "proc", "pt", "show",
				 pid_s, "--range", range_s, NULL), 0);
	o = json_tokener_parse(pts_out);
	assert_non_null(o);
	ents = get(o, "entries");
	assert_int_equal(json_object_array_length(ents), 1);
	assert_true((__u64)json_object_get_int64(
			get(json_object_array_get_idx(ents, 0), "pfn")) == pfn);
	json_object_put(o);

	assert_int_equal(run_pts("--source", "proc", "vma", "show",
				 pid_s, NULL), 0);
	assert_non_null(strstr(pts_err, "not known from /proc"));
	assert_int_equal(run_pts("--source", "proc", "stats", pid_s,
				 NULL), 0);
	assert_non_null(strstr(pts_out, "flat table"));

	/* entry bits are not known from /proc: filtering on them fails */
	assert_int_equal(run_pts("--source", "proc", "pt", "show",
				 pid_s, "--flags", "nx", NULL), 1);
	assert_non_null(strstr(pts_err, "not known"));

	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	munmap(page, 4096);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_no_such_pid),
		cmocka_unit_test(test_json_errors),
		cmocka_unit_test(test_module_missing),
		cmocka_unit_test(test_replay),
		cmocka_unit_test(test_proc_self_check),
	};

	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
