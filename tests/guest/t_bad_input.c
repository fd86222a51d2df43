// SPDX-License-Identifier: GPL-2.0
/*
 * t_bad_input - every bad input to ptscope.ko's query and target files is
 * refused with the errno include/uapi/ptscope.h documents, at write() time,
 * and bad reads of the binary stream are -EINVAL.  Also: descriptors do not
 * interfere, a target that exits mid-stream ends the stream cleanly, and
 * nobody without CAP_SYS_ADMIN can open the files.
 *
 * Where the header leaves the errno open, a case lists every errno it
 * accepts and the comment says why; a case is never "anything goes" except
 * where only the absence of an oops can be checked (marked ANY).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libproc.h"
#include "libpts.h"
#include "scenario.h"
#include "tap.h"

#define MAX_ERRNOS	4
#define OK_WRITE	(-1)	/* in an errno list: success is accepted */
#define ANY		(-2)	/* in an errno list: any outcome, no oops */

static const char *const files[] = {
	"query", "target", "vmas", "pt", "ptes", "xlate", "stats", "flush",
};

#define NFILES ARRAY_SIZE(files)

static int present[NFILES];	/* the file exists (checked as root) */
static pid_t live;		/* the scenario child */
static pid_t live2;		/* a second, small quiescent child */
static uint64_t live_anon;	/* the live child's "anon" region, 64 pages */
static unsigned int levels;	/* 4 or 5, from a header */

/* ---- helpers ---- */

static const char *errname(int e)
{
	static char buf[32];

	switch (e) {
	case 0: return "success";
	case EINVAL: return "EINVAL";
	case ESRCH: return "ESRCH";
	case ERANGE: return "ERANGE";
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case ENODATA: return "ENODATA";
	case ENOMSG: return "ENOMSG";
	case ENOENT: return "ENOENT";
	case ESPIPE: return "ESPIPE";
	case EFAULT: return "EFAULT";
	case EOVERFLOW: return "EOVERFLOW";
	case E2BIG: return "E2BIG";
	case EMSGSIZE: return "EMSGSIZE";
	default:
		snprintf(buf, sizeof(buf), "errno %d", e);
		return buf;
	}
}

static int accepted(int err, const int *ok)
{
	int i;

	for (i = 0; i < MAX_ERRNOS && ok[i]; i++) {
		if (ok[i] == ANY || ok[i] == err ||
		    (ok[i] == OK_WRITE && err == 0))
			return 1;
	}
	return 0;
}

static const char *accepted_str(const int *ok)
{
	static char buf[96];
	size_t n = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < MAX_ERRNOS && ok[i]; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s",
				      i ? "/" : "",
				      ok[i] == ANY ? "anything" :
				      ok[i] == OK_WRITE ? "success" :
				      errname(ok[i]));
	return buf;
}

/*
 * write_case() - open @file afresh, write @len bytes of @buf in one write(),
 * return 0 when the whole line was taken, else the errno (EIO for a short
 * count, which the ABI never allows: a line is taken whole or refused).
 */
static int write_case(const char *file, const void *buf, size_t len)
{
	int fd = pts_open(file, !strcmp(file, "query") ? O_RDWR : O_WRONLY);
	ssize_t r;
	int err;

	if (fd < 0)
		return -fd;
	r = write(fd, buf, len);
	err = r < 0 ? errno : (size_t)r == len ? 0 : EIO;
	close(fd);
	return err;
}

static void expect(const char *file, const char *what, const void *buf,
		   size_t len, const int *ok)
{
	int err = write_case(file, buf, len);

	tap_ok(accepted(err, ok), "%s: %s -> %s (got %s)", file, what,
	       accepted_str(ok), errname(err));
}

static void expect_line(const char *file, const char *what, const char *line,
			const int *ok)
{
	expect(file, what, line, strlen(line), ok);
}

/* ---- the table of malformed lines ---- */

struct bad_line {
	const char *what;
	const char *fmt;	/* %1$d is the live pid */
	int ok[MAX_ERRNOS];
	int query_only;		/* view= is only meaningful for "query" */
};

#define BAD(w, f, ...) { .what = (w), .fmt = (f), .ok = { __VA_ARGS__ } }

static const struct bad_line bad_lines[] = {
	BAD("empty line", "\n", EINVAL),
	BAD("blanks only", "  \t \n", EINVAL),
	BAD("pid= without value", "pid=\n", EINVAL),
	BAD("pid=abc", "pid=abc\n", EINVAL),
	BAD("pid=12abc (trailing junk)", "pid=%1$dabc\n", EINVAL),
	BAD("pid=0", "pid=0\n", EINVAL),
	BAD("pid=-1", "pid=-1\n", EINVAL),
	BAD("bare 0", "0\n", EINVAL),
	BAD("missing pid", "start=0x1000 end=0x2000\n", EINVAL),
	BAD("unknown key", "pid=%1$d foo=1\n", EINVAL),
	BAD("stray word", "pid=%1$d bogus\n", EINVAL),
	BAD("key without =", "pid=%1$d start\n", EINVAL),
	BAD("= without key", "pid=%1$d =5\n", EINVAL),
	BAD("start==1", "pid=%1$d start==1\n", EINVAL),
	BAD("repeated pid", "pid=%1$d pid=%1$d\n", EINVAL),
	BAD("bare number and pid=", "%1$d pid=%1$d\n", EINVAL),
	BAD("repeated start", "pid=%1$d start=0 start=0\n", EINVAL),
	BAD("repeated view", "pid=%1$d view=records view=records\n",
	    EINVAL),
	{ .what = "unknown view", .fmt = "pid=%1$d view=bogus\n",
	  .ok = { EINVAL }, .query_only = 1 },
	BAD("two lines", "pid=%1$d\npid=%1$d\n", EINVAL),
	BAD("non-ASCII byte", "pid=%1$d \xff\n", EINVAL),
	BAD("start=1e3", "pid=%1$d start=1e3\n", EINVAL),
	BAD("negative start", "pid=%1$d start=-1\n", EINVAL),
	BAD("reversed range", "pid=%1$d start=0x2000 end=0x1000\n", EINVAL),
	BAD("start above 64 bits", "pid=%1$d start=0xffffffffffffffffff\n",
	    EINVAL),
	BAD("end = 2^64", "pid=%1$d end=18446744073709551616\n", EINVAL),
	BAD("addr above 64 bits", "pid=%1$d addr=0x10000000000000000\n",
	    EINVAL),
	BAD("non-canonical start 0x0100000000000000",
	    "pid=%1$d start=0x0100000000000000\n", EINVAL),
	BAD("non-canonical end 0x0100000000001000",
	    "pid=%1$d end=0x0100000000001000\n", EINVAL),
	/*
	 * The header lists overflowing *ranges* as EINVAL; a pid beyond
	 * 64 bits is the same parse error, kstrto*() would say ERANGE.
	 */
	BAD("pid beyond 64 bits", "pid=99999999999999999999\n", EINVAL, ERANGE),
	/*
	 * A pid beyond int: not a pid that can exist, either reading is
	 * fine (out of range, or no such process).
	 */
	BAD("pid beyond 32 bits", "pid=4294967297\n", EINVAL, ERANGE, ESRCH),
	/* A pid within int that no process has: does not exist. */
	BAD("pid 2147483647", "pid=2147483647\n", ESRCH),
	/*
	 * An empty range is neither reversed nor overflowing: either an
	 * empty walk or a refusal is sensible.
	 */
	BAD("empty range start == end", "pid=%1$d start=0x1000 end=0x1000\n",
	    EINVAL, OK_WRITE),
	/*
	 * A kernel-half (canonical) end is beyond user space; refusing or
	 * clamping to the end of user space are both sensible.
	 */
	BAD("kernel-half end", "pid=%1$d end=0xffffffffffffffff\n",
	    EINVAL, OK_WRITE),
};

static void run_bad_lines(const char *file)
{
	/* An embedded NUL: refusing the line or taking it up to the NUL. */
	static const int any[MAX_ERRNOS] = { ANY };
	char line[256];
	size_t i;
	int n;

	for (i = 0; i < ARRAY_SIZE(bad_lines); i++) {
		const struct bad_line *b = &bad_lines[i];
		static const int view_ok[MAX_ERRNOS] = { EINVAL, OK_WRITE };

		n = snprintf(line, sizeof(line), b->fmt, (int)live);
		expect(file, b->what, line, (size_t)n,
		       b->query_only && strcmp(file, "query") ? view_ok : b->ok);
	}
	n = snprintf(line, sizeof(line), "pid=%d", (int)live);
	memcpy(line + n + 1, "junk\n", 5);
	expect(file, "embedded NUL (checks only for an oops)", line,
	       (size_t)n + 6, any);
}

/* ---- lines that depend on the paging mode ---- */

static void run_mode_lines(const char *file)
{
	static const int einval[MAX_ERRNOS] = { EINVAL };
	static const int ok[MAX_ERRNOS] = { OK_WRITE };
	char line[128];

	/* 0x800000000000 is the first address beyond 47 bits. */
	snprintf(line, sizeof(line), "pid=%d start=0x800000000000\n",
		 (int)live);
	if (levels == 4)
		expect_line(file, "4-level: non-canonical start 0x800000000000",
			    line, einval);
	else
		expect_line(file, "5-level: start 0x800000000000 is user space",
			    line, ok);
	snprintf(line, sizeof(line), "pid=%d start=0x0100000000000000\n",
		 (int)live);
	expect_line(file, levels == 4 ?
		    "4-level: non-canonical start 0x0100000000000000" :
		    "5-level: non-canonical start 0x0100000000000000",
		    line, einval);
}

/* ---- pids that are not a live user process ---- */

static pid_t find_dead_pid(void)
{
	char buf[32];
	long max = 32768, p;

	if (!read_file_str("/proc/sys/kernel/pid_max", buf, sizeof(buf)))
		max = atol(buf);
	for (p = max - 1; p > 300; p--)
		if (kill((pid_t)p, 0) < 0 && errno == ESRCH)
			return (pid_t)p;
	return -1;
}

static pid_t find_kthread(void)
{
	pid_t p;

	for (p = 2; p < 200; p++)
		if (proc_is_kthread(p) == 1)
			return p;
	return -1;
}

static void run_pid_cases(const char *file)
{
	static const int esrch[MAX_ERRNOS] = { ESRCH };
	static const int einval[MAX_ERRNOS] = { EINVAL };
	/*
	 * A zombie has released its mm: "a task without an mm" (EINVAL);
	 * a lookup that skips exited tasks would say ESRCH.  Both sensible.
	 */
	static const int zombie_ok[MAX_ERRNOS] = { EINVAL, ESRCH };
	char line[64], what[64];
	pid_t p, z;
	char st = '?';
	int i;

	p = find_dead_pid();
	if (p < 0) {
		tap_skip("no free pid found below pid_max",
			 "%s: nonexistent pid", file);
	} else {
		snprintf(line, sizeof(line), "pid=%d\n", (int)p);
		snprintf(what, sizeof(what), "nonexistent pid %d", (int)p);
		expect_line(file, what, line, esrch);
		snprintf(line, sizeof(line), "%d\n", (int)p);
		snprintf(what, sizeof(what), "nonexistent bare pid %d", (int)p);
		expect_line(file, what, line, esrch);
	}

	p = find_kthread();
	if (p < 0) {
		tap_skip("no kernel thread found", "%s: kernel thread", file);
	} else {
		snprintf(line, sizeof(line), "pid=%d\n", (int)p);
		snprintf(what, sizeof(what), "kernel thread pid %d (no mm)",
			 (int)p);
		expect_line(file, what, line, einval);
	}

	fflush(NULL);
	z = fork();
	if (z == 0)
		_exit(0);
	for (i = 0; z > 0 && i < 500; i++) {
		if (!proc_state(z, &st) && st == 'Z')
			break;
		usleep(10000);
	}
	if (z < 0 || st != 'Z') {
		tap_skip("could not make a zombie", "%s: zombie", file);
	} else {
		snprintf(line, sizeof(line), "pid=%d\n", (int)z);
		expect_line(file, "zombie (exited, not reaped)", line,
			    zombie_ok);
	}
	if (z > 0)
		waitpid(z, NULL, 0);
}

/* ---- sizes, partial and odd writes ---- */

static void run_size_cases(const char *file)
{
	static const int einval[MAX_ERRNOS] = { EINVAL };
	static const int ok[MAX_ERRNOS] = { OK_WRITE };
	/* A zero-length write carries no line: a no-op or EINVAL. */
	static const int zero_ok[MAX_ERRNOS] = { OK_WRITE, EINVAL };
	char *big, line[128], what[96];
	size_t n, big_len = 1 << 20;

	big = malloc(big_len);
	if (!big) {
		tap_ok(0, "%s: malloc", file);
		return;
	}

	/* Exactly PTSCOPE_QUERY_MAX bytes, newline included: accepted. */
	n = (size_t)snprintf(big, 64, "pid=%d", (int)live);
	memset(big + n, ' ', PTSCOPE_QUERY_MAX - 1 - n);
	big[PTSCOPE_QUERY_MAX - 1] = '\n';
	snprintf(what, sizeof(what), "%d-byte line (the maximum)",
		 PTSCOPE_QUERY_MAX);
	expect(file, what, big, PTSCOPE_QUERY_MAX, ok);

	/* One byte more: refused, never truncated. */
	memset(big + n, ' ', PTSCOPE_QUERY_MAX - n);
	big[PTSCOPE_QUERY_MAX] = '\n';
	snprintf(what, sizeof(what), "%d-byte line (one too many)",
		 PTSCOPE_QUERY_MAX + 1);
	expect(file, what, big, PTSCOPE_QUERY_MAX + 1, einval);

	/* Valid first 256 bytes followed by junk: not truncated to valid. */
	memset(big + n, ' ', 300 - n);
	memcpy(big + 290, "foo=1\n", 6);
	expect(file, "300-byte line, valid up to byte 256", big, 296, einval);

	/* 1 MiB of 'a': refused without reading it all into the kernel. */
	memset(big, 'a', big_len);
	expect(file, "1 MiB write", big, big_len, einval);
	free(big);

	/* Partial writes: the count cuts the line. */
	n = (size_t)snprintf(line, sizeof(line), "pid=%d start=0x1000\n",
			     (int)live);
	expect(file, "write cut after \"start=\"", line,
	       (size_t)(strstr(line, "=0x1000") + 1 - line), einval);
	expect(file, "write cut to \"pid\"", line, 3, einval);
	expect(file, "write cut to \"pid=\"", line, 4, einval);
	expect(file, "zero-length write", line, 0, zero_ok);

	/* Well-formed variants that must be accepted. */
	snprintf(line, sizeof(line), "pid=%d", (int)live);
	expect_line(file, "line without newline", line, ok);
	snprintf(line, sizeof(line), "  pid=%d \t \n", (int)live);
	expect_line(file, "leading and trailing blanks", line, ok);
	snprintf(line, sizeof(line), "%d\n", (int)live);
	expect_line(file, "bare number = pid", line, ok);
	snprintf(line, sizeof(line), "pid=%#x start=0x1000 end=0x7fff0000 addr=4096\n",
		 (unsigned int)live);
	expect_line(file, "hex pid, start, end, decimal addr", line, ok);
}

/* ---- reads of the binary stream ---- */

static int open_query_for(pid_t pid, const char *extra)
{
	int fd = pts_open("query", O_RDWR);
	int ret;

	if (fd < 0)
		return fd;
	ret = pts_writef(fd, "pid=%d%s%s\n", (int)pid, extra ? " " : "",
			 extra ? extra : "");
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

static void read_case(const char *what, ssize_t r, int err, const int *ok)
{
	int got = r < 0 ? err : 0;

	if (!tap_ok(r < 0 && accepted(got, ok), "query read: %s -> %s (got %s)",
		    what, accepted_str(ok), errname(got)))
		tap_diag("read returned %zd", r);
}

static void run_read_cases(void)
{
	static const int einval[MAX_ERRNOS] = { EINVAL };
	/*
	 * No query yet: the header does not name the errno.  EINVAL (no
	 * valid query), ENODATA/ENOMSG (nothing to read) are all sensible;
	 * an empty EOF would look like a stream cut before its header.
	 */
	static const int noquery[MAX_ERRNOS] = { EINVAL, ENODATA, ENOMSG };
	union pts_rec rec[4], first[2];
	struct pts_stream st;
	ssize_t r;
	int fd, e;

	fd = pts_open("query", O_RDWR);
	if (fd < 0) {
		tap_ok(0, "query: open");
		return;
	}
	r = read(fd, rec, sizeof(rec[0]));
	e = errno;
	read_case("read before any query was written", r, e, noquery);
	close(fd);

	fd = open_query_for(live, NULL);
	if (fd < 0) {
		tap_ok(0, "query: write a valid query (%s)", strerror(-fd));
		return;
	}
	r = read(fd, rec, 100);
	e = errno;
	read_case("read(100)", r, e, einval);
	r = read(fd, rec, 129);
	e = errno;
	read_case("read(129)", r, e, einval);
	r = read(fd, rec, 64);
	e = errno;
	read_case("read(64)", r, e, einval);
	r = pread(fd, rec, 128, 64);
	e = errno;
	read_case("pread(128) at offset 64", r, e, einval);
	r = pread(fd, rec, 256, 192);
	e = errno;
	read_case("pread(256) at offset 192", r, e, einval);

	/* The refusals left the descriptor usable, still at offset 0. */
	r = read(fd, first, sizeof(first));
	tap_ok(r == (ssize_t)sizeof(first) && first[0].type == PTSCOPE_REC_HEADER &&
	       first[0].hdr.magic == PTSCOPE_MAGIC,
	       "query read: after refused reads, read(256) returns the header first");
	r = read(fd, rec, 0);
	tap_ok(r == 0, "query read: read(0) returns 0");

	/* An aligned pread sees the same record as the sequential read. */
	r = pread(fd, rec, 128, 128);
	if (!tap_ok(r == 128 && !memcmp(&rec[0], &first[1], 128),
		    "query read: pread(128) at offset 128 equals the second record"))
		tap_diag("pread returned %zd (%s)", r,
			 r < 0 ? strerror(errno) : "different record");

	/* A misaligned file position (lseek) is refused at read. */
	if (lseek(fd, 64, SEEK_SET) == 64) {
		r = read(fd, rec, 128);
		e = errno;
		read_case("read(128) after lseek to 64", r, e, einval);
	} else {
		tap_ok(errno == EINVAL || errno == ESPIPE,
		       "query read: lseek to 64 refused (%s) or allowed",
		       strerror(errno));
	}

	/* Read to EOF; EOF again afterwards. */
	pts_writef(fd, "pid=%d\n", (int)live);
	pts_stream_read(fd, 16, &st);
	tap_ok(st.end >= 0 && !st.read_err,
	       "query read: whole stream read after a rewrite (%zu records)",
	       st.nr);
	r = read(fd, rec, 128);
	tap_ok(r == 0, "query read: read after EOF returns 0 (got %zd)", r);
	pts_stream_free(&st);
	close(fd);
}

/* ---- reads of the frames view (one 8-byte word per page) ---- */

static void run_frames_reads(void)
{
	static const int einval[MAX_ERRNOS] = { EINVAL };
	static const int esrch[MAX_ERRNOS] = { ESRCH };
	uint64_t w[8], a[8];
	union pts_rec rec;
	char extra[128];
	unsigned int i, vma = 0;
	struct scn s;
	ssize_t r;
	int fd, e, ret;

	if (!live_anon) {
		tap_ok(0, "frames: the scenario's anon region");
		return;
	}
	snprintf(extra, sizeof(extra),
		 "start=%#" PRIx64 " end=%#" PRIx64 " view=frames",
		 live_anon, live_anon + 8 * 4096);
	fd = open_query_for(live, extra);
	if (fd < 0) {
		tap_ok(0, "frames: query %s (%s)", extra, strerror(-fd));
		return;
	}
	r = read(fd, w, 4);
	e = errno;
	read_case("view=frames read(4)", r, e, einval);
	r = read(fd, w, 12);
	e = errno;
	read_case("view=frames read(12)", r, e, einval);
	r = pread(fd, w, 8, 4);
	e = errno;
	read_case("view=frames pread(8) at offset 4", r, e, einval);
	r = read(fd, w, sizeof(w));
	for (i = 0; r == sizeof(w) && i < 8; i++)
		vma += !!(w[i] & PTSCOPE_FR_VMA);
	tap_ok(r == sizeof(w) && vma == 8,
	       "frames: after refused reads, read(64) returns the 8 words of the range, all in a VMA (got %zd, %u in a VMA)",
	       r, vma);
	r = read(fd, a, 8);
	tap_ok(r == 0, "frames: the next read is at the end of the range: 0 (got %zd)",
	       r);
	r = pread(fd, a, sizeof(a), 0);
	tap_ok(r == sizeof(a) && !memcmp(a, w, sizeof(a)),
	       "frames: pread(64) at 0 returns the same words (got %zd)", r);
	r = pread(fd, a, sizeof(a), 48);
	tap_ok(r == 16 && !memcmp(a, &w[6], 16),
	       "frames: pread(64) at 48 stops at the end of the range: 16 bytes, words 6 and 7 (got %zd)",
	       r);
	r = pread(fd, a, 8, 64);
	tap_ok(r == 0, "frames: pread at the end of the range returns 0 (got %zd)",
	       r);
	r = pread(fd, a, 8, (off_t)1 << 40);
	tap_ok(r == 0, "frames: pread far past the end returns 0 (got %zd)", r);
	r = read(fd, a, 0);
	tap_ok(r == 0, "frames: read(0) returns 0");
	if (lseek(fd, 4, SEEK_SET) == 4) {
		r = read(fd, a, 8);
		e = errno;
		read_case("view=frames read(8) after lseek to 4", r, e, einval);
	}
	/* the same descriptor switched to the record stream, and back */
	ret = pts_writef(fd, "pid=%d\n", (int)live);
	r = ret ? -1 : read(fd, &rec, sizeof(rec));
	tap_ok(r == sizeof(rec) && rec.type == PTSCOPE_REC_HEADER,
	       "frames: a new query on the descriptor answers with the record stream's header");
	ret = pts_writef(fd, "pid=%d %s\n", (int)live, extra);
	r = ret ? -1 : read(fd, a, sizeof(a));
	tap_ok(r == sizeof(a) && !memcmp(a, w, sizeof(a)),
	       "frames: and view=frames again reads the same 8 words from offset 0");
	close(fd);

	/* the target exits: a read after that is ESRCH */
	ret = scn_start(&s);
	if (ret) {
		tap_ok(0, "frames: start a scenario child (%s)", strerror(-ret));
		return;
	}
	fd = open_query_for(s.pid, "view=frames");
	if (fd < 0) {
		tap_ok(0, "frames: query the second child (%s)", strerror(-fd));
		scn_stop(&s);
		return;
	}
	r = pread(fd, a, sizeof(a), 0);
	tap_ok(r == sizeof(a), "frames: whole address space, pread(64) at 0 (got %zd)",
	       r);
	scn_stop(&s);			/* SIGKILL and reap */
	r = pread(fd, a, sizeof(a), 0);
	e = errno;
	read_case("view=frames read after the target exited", r, e, esrch);
	close(fd);
}

/* ---- text views read in odd sizes ---- */

static void run_text_reads(void)
{
	char line[64], *whole = NULL, *bytes;
	size_t n = 0, cap;
	long len;
	int fd;

	snprintf(line, sizeof(line), "pid=%d view=vmas\n", (int)live);
	len = pts_query_text(line, &whole);
	if (!tap_ok(len > 0, "text: view=vmas read whole")) {
		tap_diag("%s", len < 0 ? strerror((int)-len) : "empty");
		return;
	}
	cap = (size_t)len + 4096;
	bytes = malloc(cap);
	fd = open_query_for(live, "view=vmas");
	while (bytes && fd >= 0 && n < cap - 1) {
		ssize_t r = read(fd, bytes + n, 1);

		if (r <= 0)
			break;
		n++;
	}
	if (fd >= 0)
		close(fd);
	tap_ok(bytes && n == (size_t)len && !memcmp(bytes, whole, n),
	       "text: view=vmas read one byte at a time equals the whole read (%zu bytes)",
	       n);
	free(bytes);
	free(whole);
}

/* ---- writes to the read-only views ---- */

static void run_readonly_views(void)
{
	static const char *const ro[] = { "vmas", "pt", "ptes", "xlate",
					  "stats" };
	char line[64];
	size_t i;

	snprintf(line, sizeof(line), "pid=%d\n", (int)live);
	for (i = 0; i < ARRAY_SIZE(ro); i++) {
		int err = write_case(ro[i], line, strlen(line));

		tap_ok(err != 0, "%s: writing a query to a read-only view fails (%s)",
		       ro[i], errname(err));
	}
}

/* ---- two descriptors do not interfere ---- */

static int same_walk(const struct pts_stream *a, const struct pts_stream *b)
{
	size_t i;

	if (a->nr != b->nr)
		return 0;
	for (i = 0; i < a->nr; i++) {
		const union pts_rec *x = &a->rec[i], *y = &b->rec[i];

		if (x->type != y->type)
			return 0;
		if (x->type == PTSCOPE_REC_VMA &&
		    (x->vma.start != y->vma.start || x->vma.end != y->vma.end))
			return 0;
		if ((x->type == PTSCOPE_REC_ENTRY ||
		     x->type == PTSCOPE_REC_HOLE) &&
		    (x->ent.va != y->ent.va || x->ent.size != y->ent.size ||
		     x->ent.pfn != y->ent.pfn || x->ent.level != y->ent.level))
			return 0;
	}
	return 1;
}

static void run_concurrency(void)
{
	struct pts_stream ra, rb, ia, ib;
	char qa[96], qb[96], why[256];
	int fa, fb, ma = 1, mb = 1, ok;

	/* Different processes and different ranges on the two descriptors. */
	snprintf(qa, sizeof(qa), "pid=%d\n", (int)live);
	snprintf(qb, sizeof(qb), "pid=%d start=0x400000 end=0x7fff00000000\n",
		 (int)live2);
	if (pts_query_stream(qa, &ra) || pts_query_stream(qb, &rb)) {
		tap_ok(0, "concurrency: reference streams");
		return;
	}
	pts_stream_init(&ia);
	pts_stream_init(&ib);
	fa = pts_open("query", O_RDWR);
	fb = pts_open("query", O_RDWR);
	ok = fa >= 0 && fb >= 0 && !pts_write_line(fa, qa) &&
	     !pts_write_line(fb, qb);
	/* Interleave one record at a time until both reach EOF. */
	while (ok && (ma > 0 || mb > 0)) {
		if (ma > 0)
			ma = pts_stream_step(fa, 1, &ia);
		if (mb > 0)
			mb = pts_stream_step(fb, 1, &ib);
		ok = ma >= 0 && mb >= 0;
	}
	ok = ok && !pts_stream_check(&ia, why, sizeof(why)) &&
	     !pts_stream_check(&ib, why, sizeof(why));
	if (!tap_ok(ok && same_walk(&ia, &ra) && same_walk(&ib, &rb) &&
		    ia.rec[0].hdr.pid == (__u32)live &&
		    ib.rec[0].hdr.pid == (__u32)live2 &&
		    ib.rec[0].hdr.start == 0x400000,
		    "concurrency: two descriptors read interleaved give the streams each gives alone (%zu + %zu records)",
		    ia.nr, ib.nr))
		tap_diag("ok %d, %zu/%zu and %zu/%zu records, %s", ok, ia.nr,
			 ra.nr, ib.nr, rb.nr, why);

	/* A new write replaces the query and rewinds. */
	pts_stream_free(&ia);
	if (fa >= 0) {
		union pts_rec two[2];

		pts_write_line(fa, qa);
		ok = read(fa, two, sizeof(two)) == sizeof(two);
		ok = ok && !pts_write_line(fa, qb) &&
		     !pts_stream_read(fa, 8, &ia) &&
		     !pts_stream_check(&ia, why, sizeof(why)) &&
		     same_walk(&ia, &rb);
		tap_ok(ok, "concurrency: a new write mid-stream replaces the query and rewinds");
	}
	if (fa >= 0)
		close(fa);
	if (fb >= 0)
		close(fb);
	pts_stream_free(&ia);
	pts_stream_free(&ib);
	pts_stream_free(&ra);
	pts_stream_free(&rb);
}

/* ---- the target exits while its stream is read ---- */

static void run_target_exit(void)
{
	union pts_rec hdr;
	struct pts_stream st;
	struct scn s;
	int fd, ret, err;
	const char *how;

	/*
	 * Either the walk was already done (END error 0), or it was cut
	 * short: END carries ESRCH, or read() itself fails with ESRCH.
	 */
	ret = scn_start(&s);
	if (ret) {
		tap_ok(0, "target exit: start a scenario child (%s)",
		       strerror(-ret));
		return;
	}
	fd = open_query_for(s.pid, NULL);
	if (fd < 0) {
		tap_ok(0, "target exit: query (%s)", strerror(-fd));
		scn_stop(&s);
		return;
	}
	ret = (int)read(fd, &hdr, sizeof(hdr));
	scn_stop(&s);			/* SIGKILL and reap */
	pts_stream_read(fd, 4, &st);
	close(fd);
	err = st.end >= 0 ? (int)st.rec[st.end].end.error : -1;
	if (st.read_err)
		how = st.read_err == -ESRCH ? "read() failed with ESRCH" :
		      "read() failed with another errno";
	else if (st.end < 0)
		how = "no END record";
	else
		how = err == 0 ? "complete (END error 0)" :
		      err == ESRCH ? "cut short (END error ESRCH)" :
		      "END with another error";
	tap_ok(ret == 128 && hdr.type == PTSCOPE_REC_HEADER &&
	       ((st.read_err == -ESRCH) ||
		(!st.read_err && st.end >= 0 && (err == 0 || err == ESRCH))),
	       "target exit: SIGKILL after the header: %s", how);
	pts_stream_free(&st);

	/* Killed between write() and the first read(). */
	ret = scn_start(&s);
	if (ret) {
		tap_ok(0, "target exit: start a scenario child (%s)",
		       strerror(-ret));
		return;
	}
	fd = open_query_for(s.pid, NULL);
	scn_stop(&s);
	if (fd < 0) {
		tap_ok(0, "target exit: query (%s)", strerror(-fd));
		return;
	}
	pts_stream_read(fd, 4, &st);
	close(fd);
	err = st.end >= 0 ? (int)st.rec[st.end].end.error : -1;
	tap_ok((st.read_err == -ESRCH) ||
	       (!st.read_err && st.end >= 0 && (err == 0 || err == ESRCH) &&
		st.nr >= 3 && st.rec[0].type == PTSCOPE_REC_HEADER),
	       "target exit: SIGKILL between write and read: %s",
	       st.read_err ? errname(-st.read_err) :
	       st.end < 0 ? "no END record" : errname(err));
	pts_stream_free(&st);
}

/* ---- permission ---- */

/*
 * In a child: drop privilege (@mode 0: uid 65534; 1: uid 0 without
 * CAP_SYS_ADMIN), try to open every file for reading and for writing, and
 * report one line per file on @out: "ok NAME" or "bad NAME: how".
 */
static void perm_child(int mode, int out)
{
	char buf[160];
	size_t i;
	int ret;

	if (mode == 0) {
		ret = setgroups(0, NULL) || setgid(65534) || setuid(65534) ?
		      -errno : 0;
	} else {
		prctl(PR_SET_KEEPCAPS, 1);
		ret = proc_drop_cap_sys_admin();
	}
	if (ret) {
		dprintf(out, "bad setup: %s\n", strerror(-ret));
		_exit(1);
	}
	for (i = 0; i < NFILES; i++) {
		int fr, er, fw, ew;

		if (!present[i])
			continue;
		fr = open(pts_path(files[i]), O_RDONLY);
		er = errno;
		fw = open(pts_path(files[i]), O_WRONLY);
		ew = errno;

		if (fr >= 0 || fw >= 0)
			snprintf(buf, sizeof(buf), "bad %s: opened (%s)",
				 files[i], fr >= 0 ? "read" : "write");
		else if ((er != EPERM && er != EACCES) ||
			 (ew != EPERM && ew != EACCES))
			snprintf(buf, sizeof(buf), "bad %s: read %s, write %s",
				 files[i], errname(er), errname(ew));
		else
			snprintf(buf, sizeof(buf), "ok %s: %s/%s", files[i],
				 errname(er), errname(ew));
		dprintf(out, "%s\n", buf);
		if (fr >= 0)
			close(fr);
		if (fw >= 0)
			close(fw);
	}
	_exit(0);
}

static int nfiles_present(void)
{
	int i, n = 0;

	for (i = 0; i < (int)NFILES; i++)
		n += present[i];
	return n;
}

static void run_permission(void)
{
	static const char *const how[] = {
		"uid 65534", "uid 0 without CAP_SYS_ADMIN",
	};
	int mode;

	for (mode = 0; mode < 2; mode++) {
		char buf[4096], *line, *save = NULL;
		int p[2], bad = 0, good = 0;
		ssize_t n = 0, r;
		pid_t c;

		if (pipe(p)) {
			tap_ok(0, "permission: pipe");
			return;
		}
		fflush(NULL);
		c = fork();
		if (c == 0) {
			close(p[0]);
			perm_child(mode, p[1]);
		}
		close(p[1]);
		while (c > 0 && n < (ssize_t)sizeof(buf) - 1 &&
		       (r = read(p[0], buf + n, sizeof(buf) - 1 - (size_t)n)) > 0)
			n += r;
		buf[n > 0 ? n : 0] = '\0';
		close(p[0]);
		if (c > 0)
			waitpid(c, NULL, 0);
		for (line = strtok_r(buf, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			if (!strncmp(line, "ok ", 3)) {
				good++;
			} else {
				bad++;
				tap_diag("%s", line);
			}
		}
		tap_ok(c > 0 && !bad && good == nfiles_present(),
		       "permission: %s cannot open any of the %d files (EPERM/EACCES)",
		       how[mode], good);
	}
}

/* ---- main ---- */

static pid_t start_sleeper(int *wfd)
{
	int p[2];
	pid_t c;
	char ch;

	if (pipe(p))
		return -1;
	fflush(NULL);
	c = fork();
	if (c == 0) {
		close(p[1]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		while (read(p[0], &ch, 1) > 0)
			;
		_exit(0);
	}
	close(p[0]);
	*wfd = p[1];
	return c;
}

int main(void)
{
	struct pts_stream st;
	struct stat sb;
	struct scn s;
	size_t i;
	int fd, ret, sleeper_fd = -1;
	char line[64];

	tap_init();
	fd = pts_open("query", O_RDWR);
	if (!tap_ok(fd >= 0, "open %s", pts_path("query"))) {
		tap_diag("%s: is ptscope.ko loaded and debugfs mounted? Nothing else can be checked",
			 strerror(-fd));
		return tap_done();
	}
	close(fd);
	/*
	 * "flush" belongs to its own issue (TLB flush triggers): until the
	 * module has it, its absence is a skip, not a failure.
	 */
	for (i = 0; i < NFILES; i++) {
		present[i] = !stat(pts_path(files[i]), &sb);
		if (!strcmp(files[i], "flush") && !present[i])
			tap_skip("no flush file yet (TLB flush triggers issue)",
				 "debugfs file flush exists");
		else
			tap_ok(present[i], "debugfs file %s exists", files[i]);
	}

	ret = scn_start(&s);
	if (!tap_ok(!ret, "scenario child built")) {
		tap_diag("%s", strerror(-ret));
		return tap_done();
	}
	live = s.pid;
	if (scn_find(&s.lay, "anon"))
		live_anon = scn_find(&s.lay, "anon")->addr;
	live2 = start_sleeper(&sleeper_fd);

	snprintf(line, sizeof(line), "pid=%d\n", (int)live);
	ret = pts_query_stream(line, &st);
	levels = pts_stream_hdr(&st) ? pts_stream_hdr(&st)->pgtable_levels : 0;
	if (!tap_ok(!ret && (levels == 4 || levels == 5),
		    "a valid query works (pgtable_levels %u)", levels)) {
		tap_diag("%s", ret ? strerror(-ret) : "no header");
		levels = s.lay.high_honoured ? 5 : 4;
	}
	pts_stream_free(&st);

	run_bad_lines("query");
	run_mode_lines("query");
	run_pid_cases("query");
	run_size_cases("query");

	run_bad_lines("target");
	run_mode_lines("target");
	run_pid_cases("target");
	run_size_cases("target");

	run_read_cases();
	run_frames_reads();
	run_text_reads();
	run_readonly_views();
	run_concurrency();
	run_target_exit();
	run_permission();

	if (sleeper_fd >= 0)
		close(sleeper_fd);
	if (live2 > 0) {
		kill(live2, SIGKILL);
		waitpid(live2, NULL, 0);
	}
	scn_stop(&s);
	return tap_done();
}
