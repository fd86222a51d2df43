// SPDX-License-Identifier: GPL-2.0
/*
 * t_flush - TLB flush triggers ("flush", "flush_stats"), proven by a stale
 * translation.
 *
 * The helper module ptscope_test_pte.ko (tests/kmod) points the PTE of page
 * A ("old") at the frame of page B ("new") without flushing, so a CPU that
 * cached A's translation keeps reading "old" until its TLB is flushed:
 *
 *   same CPU   this process repoints its own A with a write() and reads A
 *              back, sends a bad request (nothing may be flushed), then
 *              flushes its own pid and reads A again;
 *   cross CPU  this process spins on the last CPU reading A, with no system
 *              call, while a controller on CPU 0 repoints A, waits HOLD_MS,
 *              flushes (written directly, or with /ptscope/bin/ptscope;
 *              pid, range or all) and restores.  The spinner timestamps the
 *              moment A turned "new" with the TSC.
 *
 * QEMU TCG keeps a software TLB and drops all of it on every CR3 write
 * (target/i386/helper.c cpu_x86_update_cr3(), PCIDs ignored).  With
 * page-table isolation every kernel entry and exit writes CR3, so the stale
 * entry dies at the next syscall or timer tick.  Where that happens before
 * the flush (PTI on, ticks on the spinner's CPU) the stale checks are
 * skipped with the measured numbers, and the flush is shown by the CPUs its
 * IPI reached (the answer's cpus=, the CAL count of /proc/interrupts) and
 * by A's new content.  With PTI off (nopti, or QEMU's CPU model, which is
 * not Meltdown-affected) or with nohz_full on the spinner's CPU, the stale
 * entry must survive HOLD_MS and vanish during the flush.
 *
 * Also: the answer line of every request form, flush_stats totals, every
 * bad request (errno, nothing flushed) and permission.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

#include "libproc.h"
#include "libpts.h"
#include "tap.h"

#define PTSCOPE_BIN	"/ptscope/bin/ptscope"
#define HELPER_KO	"/ptscope/kmod/ptscope_test_pte.ko"
#define HELPER_CTL	"/sys/kernel/debug/ptscope_test_pte/ctl"
#define HOLD_MS		300	/* stale entry held before the flush */
#define WARMUP_MS	20	/* spinning before the repoint */
#define AFTER_MS	20	/* spinning after the flush, */
#define AFTER_READS	10000	/* and at least as many reads of A */
#define SPIN_LIMIT_S	30	/* the spinner gives up (TSC based) */
#define PG		4096UL
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static pid_t self;
static int ncpus;
static int pti;			/* page-table isolation on */
static unsigned long long user_end;	/* TASK_SIZE */

/* ------------------------------------------------------------------ */
/* helpers                                                              */

static const char *errname(int e)
{
	switch (e) {
	case 0: return "0";
	case EINVAL: return "EINVAL";
	case ESRCH: return "ESRCH";
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ENOENT: return "ENOENT";
	case EBUSY: return "EBUSY";
	default: return strerror(e);
	}
}

/* The value of "key=" in a line of key=value words, or NULL. */
static const char *kv(const char *line, const char *key, char *out,
		      size_t len)
{
	size_t kl = strlen(key);
	const char *p = line;

	while (*p) {
		size_t n;

		p += strspn(p, " \t\n");
		n = strcspn(p, " \t\n");
		if (n > kl && !strncmp(p, key, kl) && p[kl] == '=') {
			snprintf(out, len, "%.*s", (int)(n - kl - 1), p + kl + 1);
			return out;
		}
		p += n;
	}
	return NULL;
}

static long kv_num(const char *line, const char *key)
{
	char v[64];

	if (!kv(line, key, v, sizeof(v)) || !isdigit((unsigned char)v[0]))
		return -1;
	return strtol(v, NULL, 0);
}

static int kv_is(const char *line, const char *key, const char *want)
{
	char v[64];

	return kv(line, key, v, sizeof(v)) && !strcmp(v, want);
}

/* @s without its trailing newline, for messages */
static const char *chomp(char *s)
{
	s[strcspn(s, "\n")] = '\0';
	return s[0] ? s : "(nothing)";
}

/* Read what is left of @fd into @buf (NUL terminated); -errno on error. */
static long read_all(int fd, char *buf, size_t len)
{
	size_t n = 0;
	ssize_t r;

	while (n < len - 1 && (r = read(fd, buf + n, len - 1 - n)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			buf[n] = '\0';
			return -errno;
		}
		n += r;
	}
	buf[n] = '\0';
	return n;
}

/* Write @req to a new "flush" descriptor and read the answer back. */
static int flush_req(const char *req, size_t len, char *ans, size_t alen)
{
	int fd = pts_open(PTSCOPE_FLUSH_FILE, O_RDWR);
	long n;

	if (ans)
		ans[0] = '\0';
	if (fd < 0)
		return fd;
	if (write(fd, req, len) != (ssize_t)len) {
		int e = errno;

		close(fd);
		return -e;
	}
	n = ans ? read_all(fd, ans, alen) : 0;
	close(fd);
	return n < 0 ? (int)n : 0;
}

static int flush_line(const char *req, char *ans, size_t alen)
{
	return flush_req(req, strlen(req), ans, alen);
}

/* flush_stats, in the order of include/uapi/ptscope.h */
enum {
	ST_REQUESTS, ST_REQ_ALL, ST_REQ_MM, ST_REQ_RANGE, ST_SCOPE_ALL,
	ST_SCOPE_MM, ST_INVPCID, ST_TLB_ALL, ST_CPUS, ST_ERRORS,
	ST_UNSUPPORTED, ST_NR,
};

static const char *const st_names[ST_NR] = {
	"requests", "req_all", "req_mm", "req_range", "scope_all", "scope_mm",
	"method_invpcid_all_ipi", "method_tlb_all_ipi", "cpus", "errors",
	"errors_unsupported",
};

static int stats_read(long long *st)
{
	char buf[1024], *line, *save = NULL;
	int fd = pts_open(PTSCOPE_FLUSH_STATS_FILE, O_RDONLY), i = 0;
	long n;

	if (fd < 0)
		return fd;
	n = read_all(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0)
		return n;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), i++) {
		size_t kl = i < ST_NR ? strlen(st_names[i]) : 0;

		if (i >= ST_NR || strncmp(line, st_names[i], kl) ||
		    line[kl] != '=')
			return -EPROTO;
		st[i] = strtoll(line + kl + 1, NULL, 10);
	}
	return i == ST_NR ? 0 : -EPROTO;
}

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Run the ptscope tool; its stdout in @out.  Return: exit status or -1. */
static int run_tool(char *out, size_t len, char *const argv[])
{
	int p[2], st;
	pid_t c;

	out[0] = '\0';
	if (pipe(p))
		return -1;
	fflush(NULL);
	c = fork();
	if (c < 0)
		return -1;
	if (!c) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		close(p[1]);
		execv(PTSCOPE_BIN, argv);
		_exit(127);
	}
	close(p[1]);
	read_all(p[0], out, len);
	close(p[0]);
	if (waitpid(c, &st, 0) != c || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* ------------------------------------------------------------------ */
/* answers                                                              */

static int method_ok(const char *ans)
{
	return kv_is(ans, "method", PTSCOPE_FLUSH_METHOD_INVPCID) ||
	       kv_is(ans, "method", PTSCOPE_FLUSH_METHOD_TLB_ALL);
}

/* A pid or range answer: scope mm, or all with the PCID note */
static int pid_scope_ok(const char *ans, const char *note)
{
	if (kv_is(ans, "scope", "mm"))
		return kv_is(ans, "note", note) && kv_num(ans, "cpus") >= 1;
	return kv_is(ans, "scope", "all") &&
	       kv_is(ans, "note", PTSCOPE_FLUSH_NOTE_PCID) &&
	       kv_num(ans, "cpus") == ncpus;
}

static void test_answers(void)
{
	char req[128], ans[PTSCOPE_FLUSH_LINE_MAX + 1], buf[64];
	void *m;
	int fd, err, ok;
	long n;

	snprintf(req, sizeof(req), "pid=%d\n", self);
	err = flush_line(req, ans, sizeof(ans));
	ok = !err && kv_is(ans, "req", "mm") && kv_num(ans, "pid") == self &&
	     method_ok(ans) && kv_is(ans, "precise", "0") &&
	     pid_scope_ok(ans, PTSCOPE_FLUSH_NOTE_MM) &&
	     !kv(ans, "start", buf, sizeof(buf)) &&
	     strchr(ans, '\n') == ans + strlen(ans) - 1;
	tap_ok(ok, "answer: pid=%d -> %s", self,
	       err ? errname(-err) : chomp(ans));

	snprintf(req, sizeof(req), "  %d  ", self);
	err = flush_line(req, ans, sizeof(ans));
	ok = !err && kv_is(ans, "req", "mm") && kv_num(ans, "pid") == self;
	tap_ok(ok, "answer: a bare pid with blanks -> %s",
	       err ? errname(-err) : chomp(ans));

	m = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		tap_ok(0, "answer: range: mmap: %s", strerror(errno));
	} else {
		unsigned long s = (unsigned long)m;
		char ws[40], we[40], want_s[40], want_e[40];

		snprintf(req, sizeof(req), "pid=%d start=0x%lx end=0x%lx", self,
			 s + 100, s + 2 * PG + 1);
		snprintf(want_s, sizeof(want_s), "0x%lx", s);
		snprintf(want_e, sizeof(want_e), "0x%lx", s + 3 * PG);
		err = flush_line(req, ans, sizeof(ans));
		ok = !err && kv_is(ans, "req", "range") &&
		     kv(ans, "start", ws, sizeof(ws)) && !strcmp(ws, want_s) &&
		     kv(ans, "end", we, sizeof(we)) && !strcmp(we, want_e) &&
		     method_ok(ans) && kv_is(ans, "precise", "0") &&
		     pid_scope_ok(ans, PTSCOPE_FLUSH_NOTE_RANGE);
		tap_ok(ok, "answer: range, page aligned [%s, %s) -> %s", want_s,
		       want_e, err ? errname(-err) : chomp(ans));
		munmap(m, 4 * PG);
	}

	err = flush_line("all\n", ans, sizeof(ans));
	ok = !err && kv_is(ans, "req", "all") && kv_is(ans, "scope", "all") &&
	     !kv(ans, "pid", buf, sizeof(buf)) && method_ok(ans) &&
	     kv_num(ans, "cpus") == ncpus && kv_is(ans, "precise", "1") &&
	     kv_is(ans, "note", PTSCOPE_FLUSH_NOTE_EXACT);
	tap_ok(ok, "answer: all reaches every one of the %d CPUs -> %s", ncpus,
	       err ? errname(-err) : chomp(ans));

	/* descriptor state: nothing to read first, a new request replaces */
	fd = pts_open(PTSCOPE_FLUSH_FILE, O_RDWR);
	if (fd < 0) {
		tap_ok(0, "answer: open: %s", errname(-fd));
		return;
	}
	n = read(fd, ans, sizeof(ans));
	tap_ok(n < 0 && errno == EINVAL, "answer: read before any request: %s",
	       n < 0 ? errname(errno) : "data");
	pts_write_line(fd, "all");
	err = pts_writef(fd, "pid=%d", self);
	n = err ? err : read_all(fd, ans, sizeof(ans));
	tap_ok(n > 0 && kv_is(ans, "req", "mm"),
	       "answer: a second request on a descriptor replaces the answer");
	lseek(fd, 0, SEEK_SET);
	n = read(fd, ans, 5);
	if (n == 5)
		n = read_all(fd, ans + 5, sizeof(ans) - 5) + 5;
	tap_ok(n > 5 && !strncmp(ans, "req=mm", 6),
	       "answer: read in pieces after a rewind");
	close(fd);
}

/* ------------------------------------------------------------------ */
/* bad input                                                            */

static pid_t make_zombie(void)
{
	char path[64], buf[256], *p;
	int i, fd;
	pid_t c;

	fflush(NULL);
	c = fork();
	if (!c)
		_exit(0);
	if (c < 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/stat", c);
	for (i = 0; i < 500; i++) {
		fd = open(path, O_RDONLY);
		if (fd >= 0) {
			long n = read_all(fd, buf, sizeof(buf));

			close(fd);
			p = n > 0 ? strrchr(buf, ')') : NULL;
			if (p && p[1] == ' ' && p[2] == 'Z')
				return c;
		}
		sleep_ms(2);
	}
	return c;	/* the check below then says what it got */
}

static void test_bad_input(void)
{
	long long before[ST_NR], after[ST_NR];
	char big[PTSCOPE_QUERY_MAX + 64], line[160];
	int nbad = 0, nfail = 0, e, err;
	unsigned int i;
	pid_t z;
	long pid_max = 0;
	FILE *f;

	struct { const char *req; int want; const char *what; } cases[] = {
		{ "", EINVAL, "an empty line" },
		{ "\n", EINVAL, "a newline alone" },
		{ "garbage", EINVAL, "garbage" },
		{ "pid=", EINVAL, "pid without a value" },
		{ "pid=abc", EINVAL, "pid not a number" },
		{ "pid=0", EINVAL, "pid 0" },
		{ "pid=-1", EINVAL, "pid -1" },
		{ "pid=2147483648", EINVAL, "pid above INT_MAX" },
		{ "pid=1 pid=1", EINVAL, "a repeated key" },
		{ "pid=1 frob=2", EINVAL, "an unknown key" },
		{ "pid=1 addr=0x1000", EINVAL, "addr=" },
		{ "pid=1 view=pt", EINVAL, "view=" },
		{ "pid=1 start=0x1000", EINVAL, "start without end" },
		{ "pid=1 end=0x2000", EINVAL, "end without start" },
		{ "pid=1 start=0x2000 end=0x1000", EINVAL, "a reversed range" },
		{ "pid=1 start=0x2000 end=0x2000", EINVAL, "an empty range" },
		{ "pid=1 start=0x8000000000000000 end=0x8000000000001000",
		  EINVAL, "a non-canonical range" },
		{ "pid=1 start=0xffffffff81000000 end=0xffffffff81001000",
		  EINVAL, "a kernel range" },
		{ "pid=1 start=0x1000 end=0x10000000000000000", EINVAL,
		  "an end beyond 64 bits" },
		{ "all pid=1", EINVAL, "all with a pid" },
		{ "all all", EINVAL, "all twice" },
		{ "ALL", EINVAL, "ALL in capitals" },
		{ "pid=1\001", EINVAL, "a control character" },
		{ "pid=1\npid=1", EINVAL, "two lines" },
		{ "pid=2", EINVAL, "a kernel thread (kthreadd)" },
	};

	if (stats_read(before)) {
		tap_ok(0, "bad input: flush_stats unreadable");
		return;
	}
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		err = flush_req(cases[i].req, strlen(cases[i].req), NULL, 0);
		nbad++;
		if (err != -cases[i].want) {
			nfail++;
			tap_diag("bad input: %s: got %s, want %s", cases[i].what,
				 errname(-err), errname(cases[i].want));
		}
	}
	tap_ok(!nfail, "bad input: %u malformed or out-of-range requests refused with EINVAL",
	       (unsigned int)ARRAY_SIZE(cases));

	/* a range just past user space */
	snprintf(line, sizeof(line), "pid=%d start=0x%llx end=0x%llx", self,
		 user_end, user_end + PG);
	err = flush_line(line, NULL, 0);
	nbad++;
	tap_ok(err == -EINVAL, "bad input: range at the end of user space (0x%llx): %s",
	       user_end, errname(-err));
	snprintf(line, sizeof(line), "pid=%d start=0x%llx end=0x%llx", self,
		 user_end - PG, user_end + PG);
	err = flush_line(line, NULL, 0);
	nbad++;
	tap_ok(err == -EINVAL, "bad input: range straddling the end of user space: %s",
	       errname(-err));

	/* oversized: refused, never truncated into a valid request */
	snprintf(big, sizeof(big), "pid=%d", self);
	memset(big + strlen(big), ' ', sizeof(big) - strlen(big) - 1);
	big[sizeof(big) - 1] = '\0';
	err = flush_req(big, strlen(big), NULL, 0);
	nbad++;
	tap_ok(err == -EINVAL, "bad input: a %zu-byte line (max %d): %s",
	       strlen(big), PTSCOPE_QUERY_MAX, errname(-err));

	err = flush_req((const char *)8, 8, NULL, 0);
	nbad++;
	tap_ok(err == -EFAULT, "bad input: an unreadable buffer: %s",
	       errname(-err));

	f = fopen("/proc/sys/kernel/pid_max", "r");
	if (f) {
		if (fscanf(f, "%ld", &pid_max) != 1)
			pid_max = 0;
		fclose(f);
	}
	if (pid_max > 0) {
		snprintf(line, sizeof(line), "pid=%ld", pid_max);
		err = flush_line(line, NULL, 0);
		nbad++;
		tap_ok(err == -ESRCH, "bad input: pid %ld (pid_max, never used): %s",
		       pid_max, errname(-err));
	} else {
		tap_skip("/proc/sys/kernel/pid_max unreadable",
			 "bad input: nonexistent pid");
	}

	z = make_zombie();
	if (z > 0) {
		snprintf(line, sizeof(line), "pid=%d", z);
		err = flush_line(line, NULL, 0);
		nbad++;
		tap_ok(err == -EINVAL, "bad input: a zombie (pid %d): %s", z,
		       errname(-err));
		waitpid(z, NULL, 0);
	} else {
		tap_ok(0, "bad input: fork for a zombie: %s", strerror(errno));
	}

	e = stats_read(after);
	tap_ok(!e && after[ST_REQUESTS] == before[ST_REQUESTS] &&
	       after[ST_CPUS] == before[ST_CPUS] &&
	       after[ST_ERRORS] - before[ST_ERRORS] == nbad,
	       "bad input: nothing flushed (requests %+lld, cpus %+lld), errors %+lld of %d",
	       after[ST_REQUESTS] - before[ST_REQUESTS],
	       after[ST_CPUS] - before[ST_CPUS],
	       after[ST_ERRORS] - before[ST_ERRORS], nbad);
}

/* ------------------------------------------------------------------ */
/* flush_stats                                                          */

static void test_stats(void)
{
	long long b[ST_NR], a[ST_NR];
	char req[128], ans[3][PTSCOPE_FLUSH_LINE_MAX + 1];
	long cpus = 0, inv = 0;
	int i, err = 0;

	if (stats_read(b)) {
		tap_ok(0, "flush_stats: readable, %d key=value lines", ST_NR);
		return;
	}
	tap_ok(1, "flush_stats: readable, %d key=value lines in order", ST_NR);
	snprintf(req, sizeof(req), "pid=%d", self);
	err |= flush_line(req, ans[0], sizeof(ans[0]));
	snprintf(req, sizeof(req), "pid=%d start=0x1000 end=0x2000", self);
	err |= flush_line(req, ans[1], sizeof(ans[1]));
	err |= flush_line("all", ans[2], sizeof(ans[2]));
	err |= flush_line("pid=0", NULL, 0) == -EINVAL ? 0 : 1;
	for (i = 0; i < 3; i++) {
		cpus += kv_num(ans[i], "cpus");
		inv += kv_is(ans[i], "method", PTSCOPE_FLUSH_METHOD_INVPCID);
	}
	if (stats_read(a)) {
		tap_ok(0, "flush_stats: readable again");
		return;
	}
	tap_ok(!err && a[ST_REQUESTS] - b[ST_REQUESTS] == 3 &&
	       a[ST_REQ_ALL] - b[ST_REQ_ALL] == 1 &&
	       a[ST_REQ_MM] - b[ST_REQ_MM] == 1 &&
	       a[ST_REQ_RANGE] - b[ST_REQ_RANGE] == 1 &&
	       (a[ST_SCOPE_ALL] - b[ST_SCOPE_ALL]) +
	       (a[ST_SCOPE_MM] - b[ST_SCOPE_MM]) == 3 &&
	       a[ST_SCOPE_ALL] - b[ST_SCOPE_ALL] >= 1 &&
	       a[ST_INVPCID] - b[ST_INVPCID] == inv &&
	       a[ST_TLB_ALL] - b[ST_TLB_ALL] == 3 - inv &&
	       a[ST_CPUS] - b[ST_CPUS] == cpus &&
	       a[ST_ERRORS] - b[ST_ERRORS] == 1 &&
	       a[ST_UNSUPPORTED] == b[ST_UNSUPPORTED],
	       "flush_stats: mm + range + all + one error: requests %+lld, cpus %+lld (answers: %ld), errors %+lld",
	       a[ST_REQUESTS] - b[ST_REQUESTS], a[ST_CPUS] - b[ST_CPUS], cpus,
	       a[ST_ERRORS] - b[ST_ERRORS]);
}

/* ------------------------------------------------------------------ */
/* permission                                                           */

/* In a child: 0 when neither file opens, else 1 + a diagnostic */
static int perm_child(int mode)
{
	const char *const names[] = {
		PTSCOPE_FLUSH_FILE, PTSCOPE_FLUSH_STATS_FILE,
	};
	unsigned int i;
	int fd, bad = 0;

	if (mode == 0 ? setgroups(0, NULL) || setgid(65534) || setuid(65534) :
			proc_drop_cap_sys_admin()) {
		printf("# setup failed: %s\n", strerror(errno));
		return 2;
	}
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		fd = open(pts_path(names[i]), i ? O_RDONLY : O_RDWR);
		if (fd >= 0 || (errno != EPERM && (mode == 1 || errno != EACCES))) {
			printf("# %s: %s\n", names[i],
			       fd >= 0 ? "opened" : errname(errno));
			bad = 1;
		}
		if (fd >= 0)
			close(fd);
	}
	return bad;
}

static void test_permission(void)
{
	static const char *const how[] = {
		"uid 65534", "uid 0 without CAP_SYS_ADMIN (EPERM)",
	};
	int mode, st;
	pid_t c;

	for (mode = 0; mode < 2; mode++) {
		fflush(NULL);
		c = fork();
		if (!c) {
			prctl(PR_SET_KEEPCAPS, 1);
			fflush(NULL);
			_exit(perm_child(mode));
		}
		st = -1;
		if (c > 0)
			waitpid(c, &st, 0);
		tap_ok(c > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		       "permission: %s cannot open flush or flush_stats", how[mode]);
	}
}

/* ------------------------------------------------------------------ */
/* the ptscope tool                                                     */

static void test_tool(void)
{
	char out[2048], pid[16];
	char *const plain[] = { "ptscope", "flush", pid, NULL };
	char *const json[] = { "ptscope", "-J", "flush", "--all", NULL };
	int st, ok;

	if (access(PTSCOPE_BIN, X_OK)) {
		tap_skip("no " PTSCOPE_BIN, "tool: ptscope flush");
		return;
	}
	snprintf(pid, sizeof(pid), "%d", self);
	st = run_tool(out, sizeof(out), plain);
	ok = !st && kv_is(out, "req", "mm") && kv_num(out, "pid") == self &&
	     method_ok(out);
	tap_ok(ok, "tool: ptscope flush %d -> %s", self, chomp(out));
	st = run_tool(out, sizeof(out), json);
	tap_ok(!st && strstr(out, "\"fields\"") && strstr(out, "\"req\"") &&
	       strstr(out, "\"all\"") && strstr(out, "\"cpus\"") &&
	       strstr(out, "\"method\""),
	       "tool: ptscope -J flush --all turns the answer into JSON fields");
	if (st || !strstr(out, "\"fields\""))
		tap_diag("tool said: %.300s", out);
}

/* ------------------------------------------------------------------ */
/* the stale translation                                                */

struct pages {
	char *a;		/* "old" */
	char *b;		/* "new" */
	void *map;
	size_t len;
};

static int pages_make(struct pages *p)
{
	char *m;

	p->len = 4 * PG;
	p->map = mmap(NULL, p->len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p->map == MAP_FAILED)
		return -errno;
	if (madvise(p->map, p->len, MADV_DONTFORK))
		return -errno;
	/* EINVAL: no THP in this kernel (6.1 PREEMPT_RT), nothing to refuse */
	if (madvise(p->map, p->len, MADV_NOHUGEPAGE) && errno != EINVAL)
		return -errno;
	m = p->map;
	/* A and B must share a PTE table (a 2 MiB-aligned region) */
	if (((uintptr_t)m >> 21) != (((uintptr_t)m + PG) >> 21))
		m += PG;
	p->a = m;
	p->b = m + PG;
	strcpy(p->a, "old");
	strcpy(p->b, "new");
	return 0;
}

static int helper_cmd(int fd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int helper_cmd(int fd, const char *fmt, ...)
{
	char line[128];
	va_list ap;
	ssize_t n;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	n = write(fd, line, strlen(line));
	return n < 0 ? -errno : 0;
}

/* A read of A that the compiler cannot skip or move */
static char peek(const char *p)
{
	return *(const volatile char *)p;
}

/* What one same-CPU attempt saw */
struct same_cpu {
	char before, repointed, after_bad, after_flush, restored;
	int err, err_bad;
	char ans[PTSCOPE_FLUSH_LINE_MAX + 1];
};

static int same_cpu_once(struct pages *p, int fd, struct same_cpu *r)
{
	char req[128];

	memset(r, 0, sizeof(*r));
	r->before = peek(p->a);	/* A's translation into the TLB */
	r->err = helper_cmd(fd, "repoint 0 0x%lx 0x%lx", (unsigned long)p->a,
			    (unsigned long)p->b);
	r->repointed = peek(p->a);
	snprintf(req, sizeof(req), "pid=%d start=0x2000 end=0x1000", self);
	r->err_bad = flush_line(req, NULL, 0);
	r->after_bad = peek(p->a);
	snprintf(req, sizeof(req), "pid=%d", self);
	r->err |= flush_line(req, r->ans, sizeof(r->ans));
	r->after_flush = peek(p->a);
	r->err |= helper_cmd(fd, "restore");
	r->restored = peek(p->a);
	tap_diag("same CPU: A read '%c' after the repoint, '%c' after a bad request (%s), '%c' after the flush, '%c' restored; %s",
		 r->repointed, r->after_bad, errname(-r->err_bad),
		 r->after_flush, r->restored, chomp(r->ans));
	return !r->err && r->before == 'o';
}

#define SAME_CPU_TRIES	5

/*
 * Same CPU: the repoint, the bad request and the flush are system calls
 * of this process, on its own CPU.  An attempt where the stale entry was
 * already gone before the flush (something else emptied the TLB: under
 * TCG, QEMU drops its soft TLB when it resizes it, more often under host
 * load) proves nothing and is tried again, up to SAME_CPU_TRIES times;
 * every attempt must read "new" after the flush and "old" after restore.
 */
static void test_stale_same_cpu(struct pages *p, int cpu)
{
	struct same_cpu r;
	int fd, i, ran = 1, stale = 0, flushed = 1, restored = 1;
	long cpus = 0;

	pin(cpu);
	fd = open(HELPER_CTL, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		tap_ok(0, "same CPU: open %s: %s", HELPER_CTL, strerror(errno));
		return;
	}
	for (i = 0; i < SAME_CPU_TRIES; i++) {
		if (!same_cpu_once(p, fd, &r)) {
			ran = 0;
			break;
		}
		cpus = kv_num(r.ans, "cpus");
		if (r.after_flush != 'n' || cpus < 1)
			flushed = 0;
		if (r.restored != 'o')
			restored = 0;
		if (r.repointed == 'o' && r.after_bad == 'o' &&
		    r.err_bad == -EINVAL) {
			stale = 1;
			break;
		}
		if (pti)
			break;
	}
	close(fd);

	if (!tap_ok(ran, "same CPU: repoint and flush ran (%s)",
		    errname(-r.err)))
		return;
	if (pti)
		tap_skip("PTI on: the repoint's own syscall exit wrote CR3, and QEMU TCG drops its whole TLB on every CR3 write",
			 "same CPU: stale translation after the repoint (A read '%c')",
			 r.repointed);
	else
		tap_ok(stale,
		       "same CPU: A still reads \"old\" through the stale translation after the repoint and after a refused request (EINVAL), in attempt %d of at most %d",
		       i < SAME_CPU_TRIES ? i + 1 : SAME_CPU_TRIES, SAME_CPU_TRIES);
	tap_ok(flushed,
	       "same CPU: after flush pid=%d A reads \"new\" (cpus=%ld), every attempt",
	       self, cpus);
	tap_ok(restored, "same CPU: restore: A reads its own page again");
}

enum {
	PH_START, PH_READY, PH_REPOINTED, PH_FLUSHING, PH_FLUSHED,
	PH_RESTORING, PH_DONE,
};

/* Interrupt counters of the spinner's CPU, from /proc/interrupts */
enum { IRQ_LOC, IRQ_RES, IRQ_CAL, IRQ_TLB, IRQ_NR };

static const char *const irq_rows[IRQ_NR] = { "LOC:", "RES:", "CAL:", "TLB:" };

/* Shared between the spinner (this process) and the controller */
struct shared {
	volatile int phase;
	volatile int err;		/* controller: -errno or 0 */
	volatile uint64_t tsc_repoint;	/* controller: repoint returned */
	volatile int seen_repoint;	/* spinner: saw PH_REPOINTED */
	long long irqs_to_seen;		/* spinner CPU irqs, repoint to look */
	volatile long after_reads;	/* spinner: reads of A in PH_FLUSHED */
	volatile double tsc_per_ns;
	long long hold[IRQ_NR];		/* spinner CPU irqs during the hold */
	long long flush[IRQ_NR];	/* and during the flush */
	char answer[PTSCOPE_FLUSH_LINE_MAX + 1];
	char why[160];
};

/* How one round flushes */
struct way {
	const char *name;
	int tool;		/* through /ptscope/bin/ptscope */
	int kind;		/* 0 pid, 1 range, 2 all */
};

static const struct way ways[] = {
	{ "flush pid (write)",		0, 0 },
	{ "flush range (write)",	0, 1 },
	{ "flush all (write)",		0, 2 },
	{ "ptscope flush PID",		1, 0 },
	{ "ptscope flush PID --range",	1, 1 },
	{ "ptscope flush --all",	1, 2 },
};

static void irq_counts(int cpu, long long *v)
{
	char line[4096];
	FILE *f = fopen("/proc/interrupts", "r");
	int i;

	for (i = 0; i < IRQ_NR; i++)
		v[i] = -1;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *p = line + strspn(line, " "), *end;
		int c;

		for (i = 0; i < IRQ_NR; i++)
			if (!strncmp(p, irq_rows[i], 4))
				break;
		if (i == IRQ_NR)
			continue;
		p += 4;
		for (c = 0; c <= cpu; c++) {
			v[i] = strtoll(p, &end, 10);
			if (end == p) {
				v[i] = -1;
				break;
			}
			p = end;
		}
	}
	fclose(f);
}

/* All interrupts of @cpu so far, every row of /proc/interrupts; -1 if unknown */
static long long irq_total(int cpu)
{
	char line[4096];
	long long sum = 0;
	FILE *f = fopen("/proc/interrupts", "r");

	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f)) {	/* the CPU header */
		fclose(f);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *p = strchr(line, ':'), *end;
		long long v = 0;
		int c;

		if (!p)
			continue;
		p++;
		for (c = 0; c <= cpu; c++) {
			v = strtoll(p, &end, 10);
			if (end == p)
				break;
			p = end;
		}
		if (c > cpu)
			sum += v;
	}
	fclose(f);
	return sum;
}

static void irq_delta(long long *d, const long long *a, const long long *b)
{
	int i;

	for (i = 0; i < IRQ_NR; i++)
		d[i] = a[i] < 0 || b[i] < 0 ? -1 : b[i] - a[i];
}

static void wait_phase(struct shared *sh, int ph, uint64_t limit_ns)
{
	uint64_t t0 = now_ns();

	while (sh->phase < ph && now_ns() - t0 < limit_ns)
		sleep_ms(1);
}

/* The controller, on its own CPU: repoint, hold, flush, restore. */
static int controller(struct shared *sh, const struct pages *p,
		      const struct way *w, pid_t spinner, int spin_cpu)
{
	char req[160], pid[16], range[64];
	char *const tool_pid[] = { "ptscope", "flush", pid, NULL };
	char *const tool_range[] = { "ptscope", "flush", pid, "--range", range,
				     NULL };
	char *const tool_all[] = { "ptscope", "flush", "--all", NULL };
	unsigned long a = (unsigned long)p->a;
	long long i0[IRQ_NR], i1[IRQ_NR], i2[IRQ_NR], tot;
	uint64_t t0, c0;
	int fd, err;

	t0 = now_ns();
	c0 = __rdtsc();
	sleep_ms(20);
	sh->tsc_per_ns = (double)(__rdtsc() - c0) / (double)(now_ns() - t0);

	snprintf(pid, sizeof(pid), "%d", spinner);
	snprintf(range, sizeof(range), "0x%lx-0x%lx", a, a + PG);
	if (w->kind == 0)
		snprintf(req, sizeof(req), "pid=%d", spinner);
	else if (w->kind == 1)
		snprintf(req, sizeof(req), "pid=%d start=0x%lx end=0x%lx",
			 spinner, a, a + PG);
	else
		snprintf(req, sizeof(req), "all");

	wait_phase(sh, PH_READY, 10ULL * 1000000000ULL);
	if (sh->phase < PH_READY) {
		snprintf(sh->why, sizeof(sh->why), "spinner never ready");
		return 1;
	}
	fd = open(HELPER_CTL, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(sh->why, sizeof(sh->why), "open ctl: %s", strerror(errno));
		return 1;
	}
	tot = irq_total(spin_cpu);
	irq_counts(spin_cpu, i0);
	err = helper_cmd(fd, "repoint %d 0x%lx 0x%lx", spinner, a,
			 (unsigned long)p->b);
	sh->tsc_repoint = __rdtsc();
	if (err) {
		snprintf(sh->why, sizeof(sh->why), "repoint: %s", errname(-err));
		close(fd);
		return 1;
	}
	__sync_synchronize();
	sh->phase = PH_REPOINTED;
	/* the hold starts when the spinner has looked (a loaded host) */
	for (c0 = __rdtsc(); !sh->seen_repoint &&
	     __rdtsc() - c0 < (uint64_t)(sh->tsc_per_ns * 5e9);)
		;
	if (tot >= 0)
		sh->irqs_to_seen = irq_total(spin_cpu) - tot;
	sleep_ms(HOLD_MS);

	irq_counts(spin_cpu, i1);
	__sync_synchronize();
	sh->phase = PH_FLUSHING;
	if (w->tool)
		err = run_tool(sh->answer, sizeof(sh->answer),
			       w->kind == 0 ? tool_pid :
			       w->kind == 1 ? tool_range : tool_all);
	else
		err = flush_line(req, sh->answer, sizeof(sh->answer));
	__sync_synchronize();
	sh->phase = PH_FLUSHED;
	irq_counts(spin_cpu, i2);
	irq_delta(sh->hold, i0, i1);
	irq_delta(sh->flush, i1, i2);
	sh->err = err;
	sleep_ms(AFTER_MS);
	for (t0 = now_ns(); sh->after_reads < AFTER_READS &&
	     now_ns() - t0 < 5000000000ULL;)
		sleep_ms(1);

	sh->phase = PH_RESTORING;
	err = helper_cmd(fd, "restore");
	close(fd);
	if (err)
		snprintf(sh->why, sizeof(sh->why), "restore: %s", errname(-err));
	sh->phase = PH_DONE;
	return err ? 1 : 0;
}

/* What the spinner saw in one round */
struct seen {
	int at_repoint;		/* A's first read once REPOINTED was seen */
	int flip_phase;		/* phase when A first read "new" (0: never) */
	uint64_t tsc_seen;	/* REPOINTED first seen */
	uint64_t tsc_flip;
	long old_after;		/* "old" reads after the flush returned */
	long new_after;		/* "new" reads after the flush returned */
	int timed_out;
};

/* Spin reading A with no system call until the controller is done. */
static void spin(struct shared *sh, const struct pages *p, struct seen *s,
		 uint64_t limit_tsc)
{
	uint64_t start = __rdtsc(), t;
	int ph, seen_rep = 0;
	char c;

	memset(s, 0, sizeof(*s));
	/*
	 * Warm up in user space first: the controller's TSC calibration,
	 * then WARMUP_MS more, so that a nohz_full CPU has stopped its tick.
	 */
	while (!sh->tsc_per_ns && __rdtsc() - start < limit_tsc)
		(void)peek(p->a);
	t = __rdtsc();
	while (__rdtsc() - t < (uint64_t)(sh->tsc_per_ns * WARMUP_MS * 1e6))
		(void)peek(p->a);
	(void)peek(p->a);		/* load A's translation */
	sh->phase = PH_READY;
	for (;;) {
		ph = sh->phase;
		c = peek(p->a);
		t = __rdtsc();
		if (ph >= PH_REPOINTED && !seen_rep) {
			seen_rep = 1;
			s->at_repoint = c;
			s->tsc_seen = t;
			sh->seen_repoint = 1;
		}
		if (ph >= PH_REPOINTED && c == 'n' && !s->flip_phase) {
			s->flip_phase = ph;
			s->tsc_flip = t;
		}
		if (ph == PH_FLUSHED) {
			s->old_after += c == 'o';
			s->new_after += c == 'n';
			sh->after_reads = s->old_after + s->new_after;
		}
		if (ph >= PH_DONE)
			break;
		if (t - start > limit_tsc) {
			s->timed_out = 1;
			break;
		}
	}
}

/* Rounds of one way, by outcome */
struct tally {
	int rounds;
	int failed;		/* did not run: a diagnostic says why */
	int proof;		/* stale until the flush, new from the flush on */
	int early_ipi;		/* stale died in the hold, a foreign IPI came */
	int early;		/* stale died in the hold, no foreign IPI */
	int never;		/* not stale when the spinner first looked */
	int after_bad;		/* "old" read after the flush returned */
	int ipi_bad;		/* the flush did not reach the spinner's CPU */
	int ipi_good;		/* cpus >= 1, right method, CAL irq counted */
	int not_current;	/* scope=mm, cpus=0: spinner not in the mm */
	double min_us, max_us;	/* stale lifetime when it died early */
	double min_seen, max_seen;	/* first look when never stale */
	long long loc;		/* spinner CPU timer irqs in the holds */
};

static void round_once(const struct way *w, struct pages *p, int spin_cpu,
		       int ctl_cpu, struct shared *sh, struct tally *ty)
{
	const char *what;
	struct seen s;
	double us = 0, seen_us = 0;
	int st = 0, foreign;
	pid_t c;

	memset((void *)sh, 0, sizeof(*sh));
	pin(spin_cpu);
	fflush(NULL);
	c = fork();
	if (c < 0) {
		tap_diag("%s: fork: %s", w->name, strerror(errno));
		ty->failed++;
		return;
	}
	if (!c) {
		pin(ctl_cpu);
		_exit(controller(sh, p, w, getppid(), spin_cpu));
	}
	spin(sh, p, &s, (uint64_t)SPIN_LIMIT_S * 1000000000ULL * 4);
	if (s.timed_out)
		kill(c, SIGKILL);
	waitpid(c, &st, 0);

	ty->rounds++;
	if (s.timed_out || !WIFEXITED(st) || WEXITSTATUS(st) || sh->err) {
		tap_diag("%s: round failed: %s%s (flush: %s)", w->name,
			 s.timed_out ? "spinner timed out; " : "", sh->why,
			 errname(-sh->err));
		ty->failed++;
		return;
	}
	if (s.flip_phase && sh->tsc_per_ns > 0)
		us = (double)(s.tsc_flip - sh->tsc_repoint) / sh->tsc_per_ns /
		     1000.0;
	if (sh->tsc_per_ns > 0)
		seen_us = (double)(s.tsc_seen - sh->tsc_repoint) /
			  sh->tsc_per_ns / 1000.0;
	if (s.at_repoint != 'o' && (!ty->never || seen_us < ty->min_seen))
		ty->min_seen = seen_us;
	if (s.at_repoint != 'o' && seen_us > ty->max_seen)
		ty->max_seen = seen_us;
	/* a function-call IPI in the hold: another CPU flushed (vfree...) */
	foreign = sh->hold[IRQ_CAL] > 0 || sh->hold[IRQ_TLB] > 0;
	if (s.at_repoint != 'o') {
		ty->never++;
		what = "never stale";
	} else if (s.flip_phase == PH_FLUSHING || s.flip_phase == PH_FLUSHED) {
		ty->proof++;
		what = "stale until the flush, new during it";
	} else if (s.flip_phase == PH_REPOINTED) {
		if (foreign)
			ty->early_ipi++;
		else
			ty->early++;
		if (ty->early + ty->early_ipi == 1 || us < ty->min_us)
			ty->min_us = us;
		if (us > ty->max_us)
			ty->max_us = us;
		what = foreign ? "stale died in the hold, after a foreign IPI" :
				 "stale died in the hold";
	} else {
		what = "never turned new";
	}
	ty->after_bad += s.old_after > 0 || !s.new_after;
	/*
	 * A pid/range flush goes to mm_cpumask(mm) as read at that instant,
	 * as the kernel's own flushes do: a CPU running another mm then holds
	 * none of this mm's entries (no PCID under TCG: switching wrote CR3).
	 * If the spinner was switched out just then, "cpus=0" with no IPI is
	 * the right answer; such a round proves nothing either way and is
	 * only logged.  Every way still needs a round whose IPI provably
	 * reached the spinner's CPU (ipi_good), and no round may claim CPUs
	 * without the IPI being counted there (ipi_bad).
	 */
	if (strstr(sh->answer, "scope=mm") && kv_num(sh->answer, "cpus") == 0 &&
	    sh->flush[IRQ_CAL] == 0 && method_ok(sh->answer)) {
		ty->not_current++;
		tap_diag("%s: cpus=0: the spinner was not in mm_cpumask when the flush read it; round not counted for the IPI check",
			 w->name);
	} else if (kv_num(sh->answer, "cpus") < 1 || !method_ok(sh->answer) ||
		   sh->flush[IRQ_CAL] == 0) {
		ty->ipi_bad++;
	} else {
		ty->ipi_good++;
	}
	if (sh->hold[IRQ_LOC] > 0)
		ty->loc += sh->hold[IRQ_LOC];
	tap_diag("%s: %s (repoint seen after %.0f us, %lld irqs on CPU %d until then, A new after %.0f us; %ld old / %ld new reads after the flush); CPU %d irqs in the %d ms hold: LOC %lld RES %lld CAL %lld TLB %lld, in the flush: CAL %lld; %s",
		 w->name, what, seen_us, sh->irqs_to_seen, spin_cpu, us,
		 s.old_after, s.new_after, spin_cpu, HOLD_MS,
		 sh->hold[IRQ_LOC], sh->hold[IRQ_RES], sh->hold[IRQ_CAL],
		 sh->hold[IRQ_TLB], sh->flush[IRQ_CAL], chomp(sh->answer));
}

#define NEED_PROOFS	2	/* rounds that must prove each way */
#define MAX_ROUNDS	8	/* rounds tried (PTI on: ROUNDS_PTI) */
#define ROUNDS_PTI	3

static void test_stale_cross_cpu(struct pages *p, int spin_cpu, int ctl_cpu)
{
	struct shared *sh;
	unsigned int i;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		tap_ok(0, "cross CPU: shared page: %s", strerror(errno));
		return;
	}
	for (i = 0; i < ARRAY_SIZE(ways); i++) {
		const struct way *w = &ways[i];
		struct tally ty = { 0 };
		char why[400];

		if (w->tool && access(PTSCOPE_BIN, X_OK)) {
			tap_skip("no " PTSCOPE_BIN, "cross CPU: %s", w->name);
			continue;
		}
		while (ty.rounds < (pti ? ROUNDS_PTI : MAX_ROUNDS) &&
		       ty.proof < NEED_PROOFS && !ty.failed)
			round_once(w, p, spin_cpu, ctl_cpu, sh, &ty);
		if (!tap_ok(!ty.failed,
			    "cross CPU: %s: %d rounds ran (spinner on CPU %d, controller on CPU %d)",
			    w->name, ty.rounds, spin_cpu, ctl_cpu))
			continue;
		tap_ok(!ty.ipi_bad && ty.ipi_good >= 1 && !ty.after_bad,
		       "cross CPU: %s: every flush that found the spinner in the mm reached its CPU (cpus >= 1, CAL irq counted there; %d such rounds, %d with the spinner switched out) and A read only \"new\" after it",
		       w->name, ty.ipi_good, ty.not_current);
		snprintf(why, sizeof(why),
			 "%d/%d rounds stale until the flush; %d already gone at the spinner's first look (%.1f-%.1f ms after the repoint), %d died later in the hold (%.1f-%.1f ms) with no foreign IPI, %d after one; %lld timer irqs on CPU %d in the holds",
			 ty.proof, ty.rounds, ty.never, ty.min_seen / 1000,
			 ty.max_seen / 1000, ty.early, ty.min_us / 1000,
			 ty.max_us / 1000, ty.early_ipi, ty.loc, spin_cpu);
		/*
		 * A round whose stale entry died before the flush proves
		 * nothing either way: something else emptied the TLB (under
		 * TCG, QEMU also drops its soft TLB when it resizes it, which
		 * host load makes more frequent).  Such rounds are retried,
		 * up to MAX_ROUNDS, and reported; the flush is proven by the
		 * rounds where "old" held the whole hold and "new" came with
		 * the flush.
		 */
		if (ty.proof >= NEED_PROOFS) {
			tap_ok(1, "cross CPU: %s: stale \"old\" held %d ms (%lld timer irqs on CPU %d), \"new\" from the flush on, in %d/%d rounds",
			       w->name, HOLD_MS, ty.loc, spin_cpu, ty.proof,
			       ty.rounds);
			if (ty.early_ipi || ty.early || ty.never)
				tap_diag("%s", why);
		} else if (pti) {
			char reason[600];

			snprintf(reason, sizeof(reason),
				 "PTI on: every kernel entry (a timer tick) writes CR3 and QEMU TCG drops its whole TLB on a CR3 write (nohz_full on the spinner's CPU stops the ticks): %s",
				 why);
			tap_skip(reason, "cross CPU: %s: stale translation until the flush",
				 w->name);
		} else {
			tap_ok(0, "cross CPU: %s: stale \"old\" until the flush: %s",
			       w->name, why);
		}
	}
	munmap(sh, sizeof(*sh));
}

static int cpuinfo_flag(const char *flag)
{
	char line[8192], pat[64];
	int found = 0;
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (!f)
		return 0;
	snprintf(pat, sizeof(pat), " %s", flag);
	while (fgets(line, sizeof(line), f)) {
		char *p;

		if (strncmp(line, "flags", 5))
			continue;
		for (p = strstr(line, pat); p; p = strstr(p + 1, pat))
			if (p[strlen(pat)] == ' ' || p[strlen(pat)] == '\n')
				found = 1;
		break;
	}
	fclose(f);
	return found;
}

static void test_stale(void)
{
	struct pages p;
	int loaded = 0, err;

	if (access(HELPER_KO, R_OK)) {
		tap_skip("no " HELPER_KO " (make kmods)", "stale translation");
		return;
	}
	if (access(HELPER_CTL, F_OK)) {
		fflush(NULL);
		tap_ok(!system("insmod " HELPER_KO), "stale: insmod ptscope_test_pte.ko");
		loaded = 1;
	}
	if (access(HELPER_CTL, F_OK))
		return;
	err = pages_make(&p);
	if (err) {
		tap_ok(0, "stale: pages A and B: %s", strerror(-err));
		return;
	}
	tap_ok(1, "stale: pages A (\"old\") and B (\"new\") at %p, %p",
	       (void *)p.a, (void *)p.b);

	test_stale_same_cpu(&p, ncpus - 1);
	if (ncpus < 2)
		tap_skip("one CPU: no second CPU for the controller",
			 "cross CPU: stale translation");
	else
		test_stale_cross_cpu(&p, ncpus - 1, 0);
	pin(0);

	tap_ok(p.a[0] == 'o' && p.b[0] == 'n',
	       "stale: A and B hold their own contents again");
	munmap(p.map, p.len);
	if (loaded) {
		fflush(NULL);
		tap_ok(!system("rmmod ptscope_test_pte"), "stale: rmmod ptscope_test_pte");
	}
}

/*
 * A kernel may leave a module no whole-TLB flush at all: the CPU has no
 * INVPCID (QEMU TCG's "max" CPU has none) and __flush_tlb_all() is
 * exported to KVM only (7.x).  The module must then refuse every request
 * with EOPNOTSUPP, count it in errors_unsupported and flush nothing; the
 * tool must say so.  Return: 1 when that is the case here.
 */
static int test_unsupported(void)
{
	char req[64], out[1024], pid[16];
	char *const plain[] = { "ptscope", "flush", pid, NULL };
	long long b[ST_NR], a[ST_NR];
	int err, st;

	if (flush_line("all", NULL, 0) != -EOPNOTSUPP)
		return 0;
	tap_ok(!cpuinfo_flag("invpcid"),
	       "unsupported: EOPNOTSUPP, and the CPU has no INVPCID (this kernel does not export __flush_tlb_all() to modules)");
	snprintf(req, sizeof(req), "pid=%d", self);
	err = stats_read(b);
	err = err ?: flush_line(req, NULL, 0) == -EOPNOTSUPP ? 0 : -EPROTO;
	err = err ?: flush_line("all", NULL, 0) == -EOPNOTSUPP ? 0 : -EPROTO;
	err = err ?: stats_read(a);
	tap_ok(!err && a[ST_REQUESTS] == b[ST_REQUESTS] &&
	       a[ST_CPUS] == b[ST_CPUS] &&
	       a[ST_UNSUPPORTED] - b[ST_UNSUPPORTED] == 2,
	       "unsupported: pid and all refused with EOPNOTSUPP, nothing flushed, errors_unsupported +2");
	if (access(PTSCOPE_BIN, X_OK)) {
		tap_skip("no " PTSCOPE_BIN, "unsupported: ptscope flush");
	} else {
		snprintf(pid, sizeof(pid), "%d", self);
		st = run_tool(out, sizeof(out), plain);
		tap_ok(st && strstr(out, "not supported"),
		       "unsupported: ptscope flush %d fails and says why: %s",
		       self, chomp(out));
	}
	return 1;
}

int main(void)
{
	tap_init();
	if (access(pts_path(PTSCOPE_FLUSH_FILE), F_OK)) {
		tap_skip("the loaded ptscope.ko has no flush file", "flush");
		return tap_done();
	}
	self = getpid();
	ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	pti = cpuinfo_flag("pti");
	/* TASK_SIZE: the top page below the canonical hole is never user */
	user_end = (cpuinfo_flag("la57") ? 1ULL << 56 : 1ULL << 47) - PG;
	tap_diag("%d CPUs, PTI %s, pcid %s, invpcid %s, %d-level paging", ncpus,
		 pti ? "on" : "off", cpuinfo_flag("pcid") ? "yes" : "no",
		 cpuinfo_flag("invpcid") ? "yes" : "no",
		 cpuinfo_flag("la57") ? 5 : 4);

	if (test_unsupported()) {
		const char *why = "no TLB flush method for a module on this kernel and CPU (no INVPCID, __flush_tlb_all() KVM-only)";

		test_bad_input();
		test_permission();
		tap_skip(why, "answers, flush_stats accounting, tool output and the stale translation");
		return tap_done();
	}
	test_answers();
	test_stats();
	test_bad_input();
	test_permission();
	test_tool();
	test_stale();
	return tap_done();
}
