// SPDX-License-Identifier: GPL-2.0
/*
 * t_fuzz: random and structured garbage written to every file of
 * /sys/kernel/debug/ptscope (listed from the directory, not from a list
 * here), random read sizes, offsets and seeks on every file, with a
 * seeded PRNG: the seed is printed and a run is reproduced with it.
 *
 * Writes: 0 to 64 KiB, random bytes, printable noise, valid lines mutated
 * (keys dropped, repeated, misspelt; huge, negative, overflowing and
 * malformed numbers; NUL, control characters, embedded newlines, blanks),
 * lines cut in two writes, and pwrite at random offsets.  Asserted:
 *   - a write either takes the whole buffer or fails with a documented
 *     errno: EINVAL or ESRCH (query, target; flush also EOPNOTSUPP);
 *     EINVAL on files without write;
 *   - a write accepted is a line the grammar allows: at most
 *     PTSCOPE_QUERY_MAX bytes, printable or blank, one optional final
 *     newline;
 *   - a write refused leaves nothing half-done: "target" still reads the
 *     same afterwards;
 *   - reads: any size and offset on a text file give text or 0 (EINVAL
 *     only for a negative offset); the binary stream gives EINVAL exactly
 *     when size or offset is not a multiple of PTSCOPE_REC_SIZE; lseek
 *     follows default_llseek (EINVAL for a negative result or whence);
 *   - after all that, on the same descriptors and on fresh ones, a valid
 *     query still gives a well-formed stream.
 * The kernel side (crashes, KASAN, ...) is judged by the harness.
 *
 * Seed: argv[1], else $PTSCOPE_FUZZ_SEED, else ptscope.fuzz_seed= on the
 * kernel command line, else the time.  Rounds: $PTSCOPE_FUZZ_ROUNDS or
 * ptscope.fuzz_rounds= (default 3000 writes per writable file).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libproc.h"
#include "libpts.h"
#include "tap.h"

#define MAX_FILES	32
#define BUF_MAX		(64 * 1024)

static uint64_t seed_state;

static uint64_t rnd(void)
{
	seed_state ^= seed_state >> 12;
	seed_state ^= seed_state << 25;
	seed_state ^= seed_state >> 27;
	return seed_state * 0x2545F4914F6CDD1DULL;
}

static uint64_t rn(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static const char *cmdline_arg(const char *key)
{
	static char cmd[4096];
	char *p;

	if (read_file_str("/proc/cmdline", cmd, sizeof(cmd)))
		return NULL;
	p = strstr(cmd, key);
	return p ? p + strlen(key) : NULL;
}

/* --- garbage --------------------------------------------------------- */

static const char *const keys[] = {
	"pid", "start", "end", "addr", "view", "PID", "pi", "pidd", "", "=",
	"all", "view=", "start=", "x", "pid=pid",
};

static const char *const views[] = {
	"records", "vmas", "pt", "ptes", "xlate", "stats", "levels", "frames",
	"", "frame",
	"record", "RECORDS", "levels\n", "../", "%s%s%n",
};

static const char *const numbers[] = {
	"0", "1", "-1", "+1", "0x", "0x0", "00", "08", "0b101", "1e9", " ",
	"18446744073709551615", "18446744073709551616",
	"0xffffffffffffffff", "0x10000000000000000", "0x7fffffffffff",
	"0x800000000000", "0xffff800000000000", "0x00ffffffffffffff",
	"0x100000000000000", "0x7ffffffff000", "0xfffffffffffff000",
	"2147483647", "2147483648", "4294967296", "-2147483648",
	"999999999999999999999999999999", "0x1000", "4096", "0x1001",
	"1 2", "\t", "0x-1", "--1", "1.5", "1,000",
};

static size_t append(char *b, size_t n, size_t cap, const char *s)
{
	size_t l = strlen(s);

	if (n + l > cap)
		l = cap - n;
	memcpy(b + n, s, l);
	return n + l;
}

/* a near-valid line: tokens of the grammar, some of them wrong */
static size_t mutate_line(char *b, size_t cap, pid_t pid)
{
	char tok[128];
	size_t n = 0;
	int i, nt = 1 + rn(7);

	for (i = 0; i < nt && n < cap; i++) {
		const char *k = rn(3) ? keys[rn(5)] : keys[rn(ARRAY_SIZE(keys))];

		switch (rn(6)) {
		case 0:
			snprintf(tok, sizeof(tok), "%s=%d", k, pid);
			break;
		case 1:
			snprintf(tok, sizeof(tok), "view=%s",
				 views[rn(ARRAY_SIZE(views))]);
			break;
		case 2:
			snprintf(tok, sizeof(tok), "%d", pid);
			break;
		case 3:
			snprintf(tok, sizeof(tok), "%s=%#llx", k,
				 (unsigned long long)rnd() >> rn(64));
			break;
		default:
			snprintf(tok, sizeof(tok), "%s=%s", k,
				 numbers[rn(ARRAY_SIZE(numbers))]);
		}
		n = append(b, n, cap, tok);
		n = append(b, n, cap, rn(8) ? " " : rn(2) ? "\t" : "  \t ");
	}
	if (rn(2))
		n = append(b, n, cap, "\n");
	/* a few byte-level mutations */
	for (i = rn(4); i > 0 && n; i--) {
		size_t at = rn(n);

		switch (rn(4)) {
		case 0:
			b[at] = (char)rnd();
			break;
		case 1:
			b[at] = "\0\n\r\x7f\x1b"[rn(5)];
			break;
		case 2:
			n = at;		/* truncate */
			break;
		default:
			b[at] = ' ';
		}
	}
	return n;
}

/* random size, 0..64 KiB, biased to small and to the edges */
static size_t rand_size(void)
{
	static const size_t edges[] = { 0, 1, 255, 256, 257, 4095, 4096,
					4097, BUF_MAX - 1, BUF_MAX };

	switch (rn(4)) {
	case 0:
		return edges[rn(ARRAY_SIZE(edges))];
	case 1:
		return rn(BUF_MAX + 1);
	default:
		return rn(300);
	}
}

static size_t make_garbage(char *b, pid_t pid, int *kind)
{
	size_t n = rand_size(), i;

	*kind = rn(5);
	switch (*kind) {
	case 0:		/* random bytes */
		for (i = 0; i < n; i++)
			b[i] = (char)rnd();
		return n;
	case 1:		/* printable noise */
		for (i = 0; i < n; i++)
			b[i] = 0x20 + rn(95);
		return n;
	case 2:		/* a valid line padded past the limit with blanks */
		i = snprintf(b, BUF_MAX, "pid=%d", pid);
		if (n < i)
			n = i;
		memset(b + i, ' ', n - i);
		return n;
	default:	/* near-valid lines */
		return mutate_line(b, rn(3) ? 256 : BUF_MAX, pid);
	}
}

/* what the grammar could accept: short, printable or blank */
static int line_plausible(const char *b, size_t n)
{
	size_t i;

	if (n > PTSCOPE_QUERY_MAX)
		return 0;
	if (n && b[n - 1] == '\n')
		n--;
	for (i = 0; i < n; i++)
		if ((b[i] < 0x20 || b[i] > 0x7e) && b[i] != '\t')
			return 0;
	return 1;
}

/* --- files ------------------------------------------------------------ */

struct pfile {
	char name[256];
	int writable, readable;
	int binary;		/* query in view=records */
	unsigned long writes, refused, accepted, reads, seeks;
};

static struct pfile files[MAX_FILES];
static int nfiles;

static int list_files(void)
{
	DIR *d = opendir(PTSCOPE_DEBUGFS_DIR);
	struct dirent *de;
	struct stat sb;
	char path[512];

	if (!d)
		return -errno;
	while ((de = readdir(d)) && nfiles < MAX_FILES) {
		struct pfile *f = &files[nfiles];

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", PTSCOPE_DEBUGFS_DIR,
			 de->d_name);
		if (stat(path, &sb) || !S_ISREG(sb.st_mode))
			continue;
		snprintf(f->name, sizeof(f->name), "%s", de->d_name);
		f->writable = !!(sb.st_mode & 0222);
		f->readable = !!(sb.st_mode & 0444);
		nfiles++;
	}
	closedir(d);
	return nfiles ? 0 : -ENOENT;
}

static int errno_ok(const struct pfile *f, int e)
{
	if (!f->writable)
		return e == EINVAL || e == EBADF;
	if (e == EINVAL || e == ESRCH)
		return 1;
	return !strcmp(f->name, PTSCOPE_FLUSH_FILE) && e == EOPNOTSUPP;
}

static int bad;
static char first_bad[512];

static void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void report(const char *fmt, ...)
{
	va_list ap;
	char *p;

	if (bad++ < 10) {
		va_start(ap, fmt);
		vsnprintf(first_bad, sizeof(first_bad), fmt, ap);
		va_end(ap);
		for (p = first_bad; (p = strchr(p, '\n'));)
			*p = '|';
		tap_diag("problem: %s", first_bad);
	}
}

static void hexcut(char *out, size_t len, const char *b, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 5 < len; i++)
		o += snprintf(out + o, len - o, (b[i] >= 0x20 && b[i] < 0x7f &&
					b[i] != '\\') ? "%c" : "\\x%02x",
			      (unsigned char)b[i]);
	if (i < n)
		snprintf(out + o, len - o, "...(%zu bytes)", n);
}

static int good_query(int fd, pid_t pid)
{
	struct pts_stream st;
	char why[256];
	int err;

	err = pts_writef(fd, "pid=%d\n", pid);
	if (err)
		return err;
	if (lseek(fd, 0, SEEK_SET))
		return -errno;
	err = pts_stream_read(fd, 1 + rn(64), &st);
	if (!err)
		err = pts_stream_check(&st, why, sizeof(why));
	if (!err && st.rec[st.end].end.error)
		err = -(int)st.rec[st.end].end.error;
	if (err)
		tap_diag("valid query after garbage: %s", err == -EPROTO ? why :
			 strerror(-err));
	pts_stream_free(&st);
	return err;
}

static void fuzz_write(struct pfile *f, int fd, char *b, pid_t pid,
		       char *target_before)
{
	char shown[200], now[256];
	int kind;
	size_t n = make_garbage(b, pid, &kind), cut;
	int e, positional;
	ssize_t r;

	f->writes++;
	if (rn(8) == 0 && n > 1) {
		/* a line in two writes: each is judged alone */
		cut = 1 + rn(n - 1);
		r = write(fd, b, cut);
		e = errno;
		if (r >= 0 && (size_t)r != cut)
			report("%s: write of %zu bytes returned %zd", f->name, cut, r);
		else if (r >= 0 && target_before && !strcmp(f->name, "target"))
			read_file_str(PTSCOPE_DEBUGFS_DIR "/target",
				      target_before, 256);
		else if (r < 0 && !errno_ok(f, e))
			report("%s: partial write: errno %d (%s)", f->name, e,
			       strerror(e));
		b += cut;
		n -= cut;
		f->writes++;
	}
	positional = rn(8) == 0;
	if (positional)
		r = pwrite(fd, b, n, rn(2) ? (off_t)rn(1 << 20) : (off_t)rnd() >> 1);
	else
		r = write(fd, b, n);
	e = errno;
	/* a file without positional I/O: the VFS says so before any driver */
	if (r < 0 && positional && e == ESPIPE) {
		f->refused++;
		return;
	}
	if (r >= 0) {
		f->accepted++;
		hexcut(shown, sizeof(shown), b, n);
		if ((size_t)r != n)
			report("%s: write of %zu bytes returned %zd: '%s'",
			       f->name, n, r, shown);
		else if (!f->writable || (n && !line_plausible(b, n)))
			report("%s: accepted %zu bytes the grammar refuses: '%s'",
			       f->name, n, shown);
		/* a line taken by "target" is the new reference */
		if (target_before && !strcmp(f->name, "target"))
			read_file_str(PTSCOPE_DEBUGFS_DIR "/target",
				      target_before, 256);
		return;
	}
	f->refused++;
	if (!errno_ok(f, e)) {
		hexcut(shown, sizeof(shown), b, n);
		report("%s: write of %zu bytes (kind %d) failed with errno %d (%s), not a documented one: '%s'",
		       f->name, n, kind, e, strerror(e), shown);
	}
	if (target_before && !strcmp(f->name, "target") &&
	    (read_file_str(PTSCOPE_DEBUGFS_DIR "/target", now, sizeof(now)) ||
	     strcmp(now, target_before)))
		report("target changed by a refused write: '%s' -> '%s'",
		       target_before, now);
}

/* random reads and seeks; the stream rules for binary, text otherwise */
static void fuzz_read(struct pfile *f, int fd, char *buf)
{
	static const int whences[] = { SEEK_SET, SEEK_CUR, SEEK_END, 99, -1 };
	off_t off, pos;
	ssize_t r;
	size_t n;
	int i, e;

	for (i = 0; i < 8; i++) {
		if (rn(2)) {
			int wh = whences[rn(ARRAY_SIZE(whences))];

			switch (rn(4)) {
			case 0:
				off = -(off_t)rn(1 << 20);
				break;
			case 1:
				off = (off_t)(rnd() >> 1) * (rn(2) ? 1 : -1);
				break;
			case 2:
				off = rn(64) * PTSCOPE_REC_SIZE;
				break;
			default:
				off = rn(1 << 16);
			}
			f->seeks++;
			pos = lseek(fd, off, wh);
			e = errno;
			if (pos < 0 && e != EINVAL)
				report("%s: lseek(%lld, %d): errno %d (%s)",
				       f->name, (long long)off, wh, e,
				       strerror(e));
			if (pos < 0 && off >= 0 && wh == SEEK_SET &&
			    off < (1LL << 40))
				report("%s: lseek(%lld, SEEK_SET) refused",
				       f->name, (long long)off);
		}
		n = rn(4) ? rn(8192) : rn(BUF_MAX + 1);
		if (rn(3) == 0)
			n = rn(64) * PTSCOPE_REC_SIZE;
		pos = lseek(fd, 0, SEEK_CUR);
		f->reads++;
		r = read(fd, buf, n);
		e = errno;
		if (r >= 0) {
			if ((size_t)r > n)
				report("%s: read of %zu returned %zd", f->name, n, r);
			continue;
		}
		/*
		 * EINVAL is documented for the stream's sizes and for a read
		 * of query or flush before a query; a text view file takes
		 * any size at any offset
		 */
		if (e != EINVAL)
			report("%s: read of %zu at %lld: errno %d (%s)", f->name,
			       n, (long long)pos, e, strerror(e));
		else if (!f->writable)
			report("%s: text read of %zu at %lld: EINVAL", f->name,
			       n, (long long)pos);
	}
}

/*
 * 2000 preads of "pid=@kid@view" on one query descriptor, most of them
 * whole @unit multiples (up to @max_n units, at up to @max_off units):
 * those must succeed with whole units, the others fail with EINVAL.
 * Return: 0, or -1 when the query could not be opened or written.
 */
static int pread_rules(pid_t kid, const char *view, size_t unit,
		       uint64_t max_n, uint64_t max_off, char *buf,
		       unsigned long *reads)
{
	int fd = pts_open("query", O_RDWR), i;

	if (fd < 0)
		return -1;
	if (pts_writef(fd, "pid=%d%s", kid, view)) {
		close(fd);
		return -1;
	}
	for (i = 0; i < 2000; i++) {
		size_t n = rn(6) ? rn(max_n) * unit : rn(8192);
		off_t off = rn(3) ? (off_t)(rn(max_off) * unit) : (off_t)rn(8192);
		ssize_t r = pread(fd, buf, n, off);
		int whole = !(n % unit) && !(off % (off_t)unit);

		(*reads)++;
		if (whole ? (r < 0 || r % (ssize_t)unit || (size_t)r > n) :
			    (r >= 0 || errno != EINVAL)) {
			report("query%s: pread(%zu, %lld) = %zd (%s)", view, n,
			       (long long)off, r, r < 0 ? strerror(errno) : "ok");
			break;
		}
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long rounds = 3000, total_writes = 0, total_reads = 0;
	unsigned long total_seeks = 0;
	char target_before[256] = "";
	const char *a;
	uint64_t seed;
	pid_t kid;
	char *buf;
	int i, fd, err, again = 0;

	tap_init();
	if (argc > 1)
		seed = strtoull(argv[1], NULL, 0);
	else if (getenv("PTSCOPE_FUZZ_SEED"))
		seed = strtoull(getenv("PTSCOPE_FUZZ_SEED"), NULL, 0);
	else if ((a = cmdline_arg("ptscope.fuzz_seed=")))
		seed = strtoull(a, NULL, 0);
	else
		seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	if (getenv("PTSCOPE_FUZZ_ROUNDS"))
		rounds = strtoul(getenv("PTSCOPE_FUZZ_ROUNDS"), NULL, 0);
	else if ((a = cmdline_arg("ptscope.fuzz_rounds=")))
		rounds = strtoul(a, NULL, 0);
	seed_state = seed ? seed : 1;
	tap_diag("seed %#llx (reproduce: t_fuzz %#llx), %lu rounds per file",
		 (unsigned long long)seed, (unsigned long long)seed, rounds);

	if (list_files()) {
		tap_skip("ptscope.ko not loaded (no " PTSCOPE_DEBUGFS_DIR ")",
			 "fuzzing");
		return tap_done();
	}
	buf = mmap(NULL, 2 * BUF_MAX, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		return 1;

	/* a live target with a few mappings */
	fflush(stdout);
	kid = fork();
	if (kid == 0) {
		pause();
		_exit(0);
	}

	fd = pts_open("target", O_WRONLY);
	if (fd >= 0) {
		pts_writef(fd, "pid=%d\n", kid);
		close(fd);
	}
	read_file_str(PTSCOPE_DEBUGFS_DIR "/target", target_before,
		      sizeof(target_before));

	for (i = 0; i < nfiles; i++) {
		struct pfile *f = &files[i];
		unsigned long k;

		fd = open(pts_path(f->name), O_RDWR);
		if (fd < 0)
			fd = open(pts_path(f->name), O_RDONLY);
		if (fd < 0) {
			report("open %s: %s", f->name, strerror(errno));
			continue;
		}
		for (k = 0; k < (f->writable ? rounds : rounds / 20); k++) {
			/* query: random views, binary or text, between garbage */
			if (!strcmp(f->name, "query") && rn(4) == 0) {
				const char *v = views[rn(8)];

				if (pts_writef(fd, "pid=%d view=%s", rn(2) ? kid : getpid(), v))
					report("query: valid view=%s refused", v);
			}
			fuzz_write(f, fd, buf, rn(2) ? kid : getpid(),
				   target_before[0] ? target_before : NULL);
			if (f->readable && (!f->writable || rn(4) == 0))
				fuzz_read(f, fd, buf + BUF_MAX);
		}
		if (!strcmp(f->name, "query") && good_query(fd, kid))
			report("query: a valid query on the fuzzed descriptor failed");
		close(fd);
		tap_diag("%s (%s%s): %lu writes (%lu refused, %lu taken), %lu reads, %lu seeks",
			 f->name, f->readable ? "r" : "", f->writable ? "w" : "",
			 f->writes, f->refused, f->accepted, f->reads, f->seeks);
		total_writes += f->writes;
		total_reads += f->reads;
		total_seeks += f->seeks;
	}

	/* the binary views' rules, asserted exactly on a known answer */
	fd = pread_rules(kid, "", PTSCOPE_REC_SIZE, 40, 40, buf, &total_reads);
	tap_ok(fd >= 0, "binary stream: pread of whole records works, anything else is EINVAL");
	fd = pread_rules(kid, " view=frames", 8, 4096, 1ULL << 36, buf,
			 &total_reads);
	tap_ok(fd >= 0, "frames view: pread of whole words at word offsets works, anything else is EINVAL");

	for (i = 0; i < nfiles; i++)
		if (!strcmp(files[i].name, "query"))
			break;
	tap_ok(i < nfiles, "query is among the %d files listed", nfiles);
	tap_ok(!bad, "%lu writes fuzzed, %lu reads, %lu seeks: only documented errors, nothing half-done (%d problems%s%s)",
	       total_writes, total_reads, total_seeks, bad, bad ? "; first: " : "",
	       first_bad);

	fd = pts_open("query", O_RDWR);
	err = fd < 0 ? fd : good_query(fd, kid);
	if (fd >= 0)
		close(fd);
	tap_ok(!err, "a valid query on a fresh descriptor gives a sound stream after the fuzzing");
	err = read_file_str(PTSCOPE_DEBUGFS_DIR "/target", buf, 256);
	again = !err && !strcmp(buf, target_before);
	tap_ok(again, "target still '%.*s' after every refused write",
	       (int)strcspn(target_before, "\n"), target_before);
	kill(kid, SIGKILL);
	waitpid(kid, NULL, 0);
	tap_diag("writes fuzzed: %lu", total_writes);
	return tap_done();
}
