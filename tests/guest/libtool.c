// SPDX-License-Identifier: GPL-2.0
/*
 * libtool.c - see libtool.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/swap.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libtool.h"

#define KMODS		"/lib/ptscope-kmods"
#define USER_TOP	(1ULL << 56)

/* $PTSCOPE overrides the binary, to run a test outside the guest */
static const char *bin(void)
{
	return getenv("PTSCOPE") ? getenv("PTSCOPE") : PTSCOPE_BIN;
}

static int split_args(char *line, char **argv, int max)
{
	char *tok, *save = NULL;
	int argc = 0;

	argv[argc++] = (char *)bin();
	for (tok = strtok_r(line, " ", &save); tok && argc < max - 1;
	     tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	return argc;
}

int tool_run(struct tool_out *o, const char *fmt, ...)
{
	char line[1024], *argv[32];
	char errpath[] = "/tmp/libtool_err_XXXXXX";
	size_t len = 0, cap = 1 << 16;
	int p[2], efd, st;
	va_list ap;
	ssize_t n;
	pid_t pid;
	char *nb;

	memset(o, 0, sizeof(*o));
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	split_args(line, argv, 32);
	efd = mkstemp(errpath);
	if (efd < 0)
		return -errno;
	unlink(errpath);
	if (pipe(p)) {
		close(efd);
		return -errno;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		dup2(p[1], 1);
		dup2(efd, 2);
		close(p[0]);
		execv(bin(), argv);
		_exit(127);
	}
	close(p[1]);
	o->out = malloc(cap);
	while (o->out && (n = read(p[0], o->out + len, cap - len - 1)) > 0) {
		len += n;
		if (len + 1 == cap) {
			nb = realloc(o->out, cap * 2);
			if (!nb) {
				free(o->out);
				o->out = NULL;
				break;
			}
			o->out = nb;
			cap *= 2;
		}
	}
	close(p[0]);
	if (o->out)
		o->out[len] = '\0';
	waitpid(pid, &st, 0);
	n = pread(efd, o->err, sizeof(o->err) - 1, 0);
	o->err[n > 0 ? n : 0] = '\0';
	close(efd);
	o->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return o->out ? 0 : -ENOMEM;
}

void tool_out_free(struct tool_out *o)
{
	free(o->out);
	o->out = NULL;
}

pid_t tool_spawn_stdin(int *wfd, const char *fmt, ...)
{
	char line[1024], *argv[32];
	int p[2], null;
	va_list ap;
	pid_t pid;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	split_args(line, argv, 32);
	if (pipe(p))
		return -errno;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		null = open("/dev/null", O_WRONLY);
		dup2(p[0], 0);
		dup2(null, 1);
		dup2(null, 2);
		close(p[1]);
		execv(bin(), argv);
		_exit(127);
	}
	close(p[0]);
	*wfd = p[1];
	return pid;
}

int pmsnap_take(pid_t pid, struct pmsnap *s)
{
	size_t i, n;
	int fd, err;

	memset(s, 0, sizeof(*s));
	err = maps_read(pid, &s->maps, &s->nm);
	if (err)
		return err;
	s->pm = calloc(s->nm + 1, sizeof(*s->pm));
	fd = pagemap_open(pid);
	if (!s->pm || fd < 0) {
		if (fd >= 0)
			close(fd);
		pmsnap_free(s);
		return fd < 0 ? fd : -ENOMEM;
	}
	for (i = 0; i < s->nm; i++) {
		if (s->maps[i].start >= USER_TOP)
			continue;
		n = (s->maps[i].end - s->maps[i].start) / PG_SIZE;
		s->pm[i] = calloc(n, sizeof(uint64_t));
		if (!s->pm[i]) {
			err = -ENOMEM;
			break;
		}
		err = pagemap_read(fd, s->maps[i].start, n, s->pm[i]);
		if (err)
			break;
	}
	close(fd);
	if (err)
		pmsnap_free(s);
	return err;
}

void pmsnap_free(struct pmsnap *s)
{
	size_t i;

	for (i = 0; s->pm && i < s->nm; i++)
		free(s->pm[i]);
	free(s->pm);
	free(s->maps);
	memset(s, 0, sizeof(*s));
}

static long find(const struct pmsnap *s, uint64_t va)
{
	size_t lo = 0, hi = s->nm, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (va < s->maps[mid].start)
			hi = mid;
		else if (va >= s->maps[mid].end)
			lo = mid + 1;
		else
			return s->pm[mid] ? (long)mid : -1;
	}
	return -1;
}

int pmsnap_at(const struct pmsnap *s, uint64_t va, uint64_t *pm)
{
	long i = find(s, va);

	if (i < 0)
		return 0;
	*pm = s->pm[i][(va - s->maps[i].start) / PG_SIZE];
	return 1;
}

const struct map_ent *pmsnap_vma(const struct pmsnap *s, uint64_t va)
{
	long i = find(s, va);

	return i < 0 ? NULL : &s->maps[i];
}

int pmsnap_same(const struct pmsnap *a, const struct pmsnap *b)
{
	size_t i;

	if (!maps_equal(a->maps, a->nm, b->maps, b->nm))
		return 0;
	for (i = 0; i < a->nm; i++) {
		if (!a->pm[i] || !b->pm[i])
			continue;
		if (memcmp(a->pm[i], b->pm[i],
			   (a->maps[i].end - a->maps[i].start) / PG_SIZE * 8))
			return 0;
	}
	return 1;
}

int kpagecount_read(uint64_t pfn, uint64_t *count)
{
	int fd = open("/proc/kpagecount", O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = pread(fd, count, sizeof(*count), (off_t)(pfn * sizeof(*count)));
	close(fd);
	return n == sizeof(*count) ? 0 : -EIO;
}

static int loaded_zs, loaded_zram;

static int sh(const char *cmd)
{
	return system(cmd) == 0 ? 0 : -1;
}

int swap_on(char *why, size_t len)
{
	if (access(KMODS "/zram.ko", R_OK) && access("/sys/block/zram0", F_OK)) {
		snprintf(why, len, "%s",
			 kconfig_why("CONFIG_ZRAM", "no zram module in " KMODS));
		return -ENOENT;
	}
	if (access("/sys/block/zram0", F_OK)) {
		/*
		 * The matrix kernels list zram, its default compressor where
		 * that is a module (lzo-rle on cloud kernels) and all they
		 * need (6.12's zram links its lz4hc/zstd backends), in order.
		 */
		if (!access(KMODS "/load-order", R_OK))
			sh("for m in $(cat " KMODS "/load-order); do insmod " KMODS "/$m 2>/dev/null; done");
		loaded_zs = !sh("insmod " KMODS "/zsmalloc.ko 2>/dev/null");
		loaded_zram = !sh("insmod " KMODS "/zram.ko 2>/dev/null") ||
			      !access("/sys/module/zram", F_OK);
	}
	if (write_file_str("/sys/block/zram0/disksize", "64M") ||
	    sh("mkswap /dev/zram0 >/dev/null 2>&1") ||
	    swapon("/dev/zram0", 0)) {
		snprintf(why, len,
			 "zram swap could not be set up (insmod, disksize, mkswap or swapon failed)");
		swap_off();
		return -EIO;
	}
	return 0;
}

void swap_off(void)
{
	swapoff("/dev/zram0");
	write_file_str("/sys/block/zram0/reset", "1");
	if (loaded_zram)
		sh("rmmod zram 2>/dev/null");
	if (loaded_zs)
		sh("rmmod zsmalloc 2>/dev/null");
	loaded_zram = loaded_zs = 0;
}

/* P: the region, fork C, report both, live until cmd_p closes */
static void cow_pair_parent(size_t npages, int cmd_p, int cmd_c, int rsp)
{
	size_t len = npages * PG_SIZE, i;
	uint64_t msg[2];
	uint32_t n, pg;
	char *r, c;
	pid_t kid;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	r = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r == MAP_FAILED)
		_exit(1);
	madvise(r, len, MADV_NOHUGEPAGE);
	for (i = 0; i < len; i++)
		r[i] = (char)(i / PG_SIZE + 1);
	kid = fork();
	if (kid < 0)
		_exit(1);
	if (!kid) {
		/* C: "n, then n page indexes": write them, answer 'W' */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(cmd_p);
		while (read(cmd_c, &n, sizeof(n)) == sizeof(n)) {
			for (; n; n--) {
				if (read(cmd_c, &pg, sizeof(pg)) != sizeof(pg))
					_exit(1);
				if (pg < npages)
					r[pg * PG_SIZE + 7] = 'w';
			}
			c = 'W';
			if (write(rsp, &c, 1) != 1)
				_exit(1);
		}
		_exit(0);
	}
	close(cmd_c);
	msg[0] = (uint64_t)(uintptr_t)r;
	msg[1] = (uint64_t)kid;
	if (write(rsp, msg, sizeof(msg)) != sizeof(msg))
		_exit(1);
	while (read(cmd_p, &c, 1) == 1)
		;
	kill(kid, SIGKILL);
	waitpid(kid, NULL, 0);
	_exit(0);
}

int cow_pair_start(struct cow_pair *f, size_t npages)
{
	int cp[2], cc[2], rs[2];
	uint64_t msg[2];

	memset(f, 0, sizeof(*f));
	if (pipe(cp))
		return -errno;
	if (pipe(cc)) {
		close(cp[0]);
		close(cp[1]);
		return -errno;
	}
	if (pipe(rs)) {
		close(cp[0]);
		close(cp[1]);
		close(cc[0]);
		close(cc[1]);
		return -errno;
	}
	fflush(stdout);
	f->p = fork();
	if (!f->p) {
		close(cp[1]);
		close(cc[1]);
		close(rs[0]);
		cow_pair_parent(npages, cp[0], cc[0], rs[1]);
	}
	close(cp[0]);
	close(cc[0]);
	close(rs[1]);
	f->cmd_p = cp[1];
	f->cmd_c = cc[1];
	f->rsp = rs[0];
	f->npages = npages;
	if (f->p < 0 || read(f->rsp, msg, sizeof(msg)) != sizeof(msg)) {
		cow_pair_stop(f);
		return -EIO;
	}
	f->base = msg[0];
	f->c = (pid_t)msg[1];
	return 0;
}

int cow_pair_child_write(struct cow_pair *f, const unsigned int *pages,
			 size_t n)
{
	uint32_t v = (uint32_t)n;
	size_t i;
	char c;

	if (write(f->cmd_c, &v, sizeof(v)) != sizeof(v))
		return -EIO;
	for (i = 0; i < n; i++) {
		v = pages[i];
		if (write(f->cmd_c, &v, sizeof(v)) != sizeof(v))
			return -EIO;
	}
	return read(f->rsp, &c, 1) == 1 && c == 'W' ? 0 : -EIO;
}

void cow_pair_stop(struct cow_pair *f)
{
	close(f->cmd_c);
	close(f->cmd_p);
	close(f->rsp);
	if (f->p > 0)
		waitpid(f->p, NULL, 0);
	f->p = 0;
}
