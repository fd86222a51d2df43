// SPDX-License-Identifier: GPL-2.0
/*
 * bench.c - target processes, timed walks and kernel memory counters for
 * the ptscope benchmark; see bench.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <uapi/ptscope.h>

#include "bench.h"

#define PM_PFN_MASK	((1ULL << 55) - 1)
#define PM_PRESENT	(1ULL << 63)
#define LOOP_BYTES	(64 * 1024)

uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void nap_us(long us)
{
	struct timespec ts = { .tv_sec = us / 1000000, .tv_nsec = (us % 1000000) * 1000 };

	nanosleep(&ts, NULL);
}

int bench_pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

/* The target: write the region, then hold it or run the loop on command. */
static void target_main(struct bench_ctl *c, int kind, uint64_t len,
			uint64_t stride, int cpu)
{
	volatile char *p;
	uint64_t off, step, t0;
	char *map, *addr;

	bench_pin(cpu);
	map = mmap(NULL, len + BENCH_PMD, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (map == MAP_FAILED)
		goto fail;
	/* a 2 MiB aligned region, alone in its VMA */
	addr = (char *)(((uintptr_t)map + BENCH_PMD - 1) & ~(BENCH_PMD - 1));
	if (addr > map)
		munmap(map, (size_t)(addr - map));
	if (addr + len < map + len + BENCH_PMD)
		munmap(addr + len, (size_t)(map + len + BENCH_PMD - (addr + len)));
	/*
	 * A kernel without THP (6.1 PREEMPT_RT) refuses both advices with
	 * EINVAL: its 4K targets are 4K anyway, a THP target cannot be made.
	 */
	if (madvise(addr, len, kind == BENCH_THP ? MADV_HUGEPAGE :
		    MADV_NOHUGEPAGE) &&
	    (kind == BENCH_THP || errno != EINVAL ||
	     !access("/sys/kernel/mm/transparent_hugepage", F_OK)))
		goto fail;

	step = kind == BENCH_SPARSE ? stride : BENCH_PAGE;
	t0 = bench_now_ns();
	for (off = 0, p = addr; off < len; off += step)
		p[off] = 1;
	c->populate_ns = bench_now_ns() - t0;
	c->addr = (uintptr_t)addr;
	c->len = len;
	c->loop_bytes = LOOP_BYTES;
	__atomic_store_n(&c->state, BENCH_ST_READY, __ATOMIC_RELEASE);

	for (;;) {
		int cmd = __atomic_load_n(&c->cmd, __ATOMIC_ACQUIRE);
		uint64_t n = 0;

		if (cmd == BENCH_CMD_EXIT)
			_exit(0);
		if (cmd != BENCH_CMD_LOOP) {
			nap_us(1000);
			continue;
		}
		c->nlat = 0;
		__atomic_store_n(&c->state, BENCH_ST_LOOPING, __ATOMIC_RELEASE);
		while (__atomic_load_n(&c->cmd, __ATOMIC_ACQUIRE) ==
		       BENCH_CMD_LOOP) {
			char *q;

			t0 = bench_now_ns();
			q = mmap(NULL, LOOP_BYTES, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (q == MAP_FAILED)
				goto fail;
			for (off = 0; off < LOOP_BYTES; off += BENCH_PAGE)
				((volatile char *)q)[off] = 1;
			munmap(q, LOOP_BYTES);
			if (n < BENCH_LAT_MAX)
				c->lat[n++] = bench_now_ns() - t0;
			__atomic_store_n(&c->nlat, n, __ATOMIC_RELEASE);
		}
		__atomic_store_n(&c->state, BENCH_ST_READY, __ATOMIC_RELEASE);
	}
fail:
	c->err = errno;
	__atomic_store_n(&c->state, BENCH_ST_FAILED, __ATOMIC_RELEASE);
	_exit(1);
}

/* Wait until the target's state is @want (or it failed or died). */
static int target_wait(struct bench_target *t, int want)
{
	int st, status;

	for (;;) {
		st = __atomic_load_n(&t->ctl->state, __ATOMIC_ACQUIRE);
		if (st == want)
			return 0;
		if (st == BENCH_ST_FAILED)
			return -(t->ctl->err ? t->ctl->err : EIO);
		if (waitpid(t->pid, &status, WNOHANG) == t->pid) {
			t->pid = 0;
			return -ECHILD;
		}
		nap_us(2000);
	}
}

int bench_target_start(struct bench_target *t, const char *name, int kind,
		       uint64_t len, uint64_t stride, int cpu)
{
	int err;

	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->kind = kind;
	t->stride = stride;
	if (!len || len % BENCH_PMD || (kind == BENCH_SPARSE &&
					(!stride || stride % BENCH_PAGE)))
		return -EINVAL;
	t->ctl = mmap(NULL, sizeof(*t->ctl), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (t->ctl == MAP_FAILED) {
		t->ctl = NULL;
		return -errno;
	}
	fflush(NULL);
	t->pid = fork();
	if (t->pid < 0) {
		err = -errno;
		munmap(t->ctl, sizeof(*t->ctl));
		t->ctl = NULL;
		return err;
	}
	if (!t->pid)
		target_main(t->ctl, kind, len, stride, cpu);

	err = target_wait(t, BENCH_ST_READY);
	if (err) {
		bench_target_stop(t);
		return err;
	}
	t->start = t->ctl->addr;
	t->end = t->start + len;
	t->pages = len / BENCH_PAGE;
	t->mapped = kind == BENCH_SPARSE ? (len + stride - 1) / stride :
		    t->pages;
	t->populate_ns = t->ctl->populate_ns;
	t->loop_bytes = t->ctl->loop_bytes;
	return 0;
}

void bench_target_stop(struct bench_target *t)
{
	if (t->pid > 0) {
		__atomic_store_n(&t->ctl->cmd, BENCH_CMD_EXIT, __ATOMIC_RELEASE);
		if (target_wait(t, -1) != -ECHILD) {
			kill(t->pid, SIGKILL);
			waitpid(t->pid, NULL, 0);
		}
	}
	t->pid = 0;
	if (t->ctl)
		munmap(t->ctl, sizeof(*t->ctl));
	t->ctl = NULL;
}

int bench_loop_start(struct bench_target *t)
{
	__atomic_store_n(&t->ctl->cmd, BENCH_CMD_LOOP, __ATOMIC_RELEASE);
	return target_wait(t, BENCH_ST_LOOPING);
}

int bench_loop_stop(struct bench_target *t)
{
	__atomic_store_n(&t->ctl->cmd, BENCH_CMD_HOLD, __ATOMIC_RELEASE);
	return target_wait(t, BENCH_ST_READY);
}

/* Open "query" and write the line; fd or -errno. */
static int query_open(pid_t pid, uint64_t start, uint64_t end,
		      const char *view)
{
	char line[PTSCOPE_QUERY_MAX];
	int fd, len;

	fd = open(PTSCOPE_DEBUGFS_DIR "/query", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = snprintf(line, sizeof(line), "pid=%d start=0x%" PRIx64
		       " end=0x%" PRIx64 " view=%s", (int)pid, start, end, view);
	if (write(fd, line, (size_t)len) != len) {
		int err = errno ? -errno : -EIO;

		close(fd);
		return err;
	}
	return fd;
}

int bench_walk_records(pid_t pid, uint64_t start, uint64_t end, void *buf,
		       size_t size, struct bench_walk *w)
{
	const struct ptscope_rec_end *last = NULL;
	uint64_t t0 = bench_now_ns();
	ssize_t r;
	int fd;

	memset(w, 0, sizeof(*w));
	fd = query_open(pid, start, end, "records");
	if (fd < 0)
		return fd;
	while ((r = read(fd, buf, size)) > 0) {
		w->bytes += (uint64_t)r;
		w->reads++;
		last = (const void *)((char *)buf + r - PTSCOPE_REC_SIZE);
	}
	if (r == 0 && last)
		w->complete = last->type == PTSCOPE_REC_END && !last->error;
	close(fd);
	w->ns = bench_now_ns() - t0;
	return r < 0 ? -errno : 0;
}

/*
 * Read @fd to its end in @size-byte reads, close it and fill @w (complete:
 * something was read and the end reached; ns: since @t0).
 */
static int read_all(int fd, void *buf, size_t size, struct bench_walk *w,
		    uint64_t t0)
{
	ssize_t r;
	int err;

	while ((r = read(fd, buf, size)) > 0) {
		w->bytes += (uint64_t)r;
		w->reads++;
	}
	err = r < 0 ? -errno : 0;
	w->complete = r == 0 && w->bytes > 0;
	close(fd);
	w->ns = bench_now_ns() - t0;
	return err;
}

int bench_walk_text(pid_t pid, uint64_t start, uint64_t end, const char *view,
		    void *buf, size_t size, struct bench_walk *w)
{
	uint64_t t0 = bench_now_ns();
	int fd;

	memset(w, 0, sizeof(*w));
	fd = query_open(pid, start, end, view);
	if (fd < 0)
		return fd;
	return read_all(fd, buf, size, w, t0);
}

int bench_walk_frames(pid_t pid, uint64_t start, uint64_t end, void *buf,
		      size_t size, struct bench_walk *w)
{
	uint64_t t0 = bench_now_ns();
	int fd, err;

	memset(w, 0, sizeof(*w));
	fd = query_open(pid, start, end, "frames");
	if (fd < 0)
		return fd;
	err = read_all(fd, buf, size, w, t0);
	w->complete = !err && w->bytes == (end - start) / BENCH_PAGE * 8;
	return err;
}

int bench_walk_pagemap(pid_t pid, uint64_t start, uint64_t end, void *buf,
		       size_t size, struct bench_walk *w)
{
	uint64_t off = start / BENCH_PAGE * 8, stop = end / BENCH_PAGE * 8;
	uint64_t t0 = bench_now_ns();
	char path[64];
	ssize_t r = 0;
	int fd;

	memset(w, 0, sizeof(*w));
	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (off < stop) {
		size_t n = stop - off < size ? (size_t)(stop - off) : size;

		r = pread(fd, buf, n, (off_t)off);
		if (r <= 0)
			break;
		off += (uint64_t)r;
		w->bytes += (uint64_t)r;
		w->reads++;
	}
	w->complete = off == stop;
	close(fd);
	w->ns = bench_now_ns() - t0;
	return r < 0 ? -errno : 0;
}

int bench_walk_smaps(pid_t pid, void *buf, size_t size, struct bench_walk *w)
{
	uint64_t t0 = bench_now_ns();
	char path[64];
	int fd;

	memset(w, 0, sizeof(*w));
	snprintf(path, sizeof(path), "/proc/%d/smaps", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return read_all(fd, buf, size, w, t0);
}

int bench_check_frames(pid_t pid, uint64_t start, uint64_t end, void *buf,
		       size_t size, uint64_t *pm, struct bench_check *c)
{
	const struct ptscope_rec_end *last = NULL;
	uint64_t i, npages = (end - start) / BENCH_PAGE;
	char path[64];
	ssize_t r;
	int fd;

	memset(c, 0, sizeof(*c));
	c->pages = npages;
	c->first_bad = UINT64_MAX;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (i = 0; i < npages; ) {
		r = pread(fd, pm + i, (npages - i) * 8,
			  (off_t)((start / BENCH_PAGE + i) * 8));
		if (r <= 0 || r % 8) {
			close(fd);
			return r < 0 ? -errno : -EIO;
		}
		i += (uint64_t)r / 8;
	}
	close(fd);
	for (i = 0; i < npages; i++)
		if (pm[i] & PM_PRESENT)
			c->pm_present++;

	fd = query_open(pid, start, end, "records");
	if (fd < 0)
		return fd;
	while ((r = read(fd, buf, size)) > 0) {
		const struct ptscope_rec_entry *e = buf;
		size_t k, n = (size_t)r / PTSCOPE_REC_SIZE;

		c->records += n;
		last = (const void *)((char *)buf + r - PTSCOPE_REC_SIZE);
		for (k = 0; k < n; k++, e++) {
			uint64_t a, lo, hi;

			if (e->type != PTSCOPE_REC_ENTRY)
				continue;
			c->entries++;
			if (!(e->flags & (PTSCOPE_F_PRESENT | PTSCOPE_F_PROTNONE)) ||
			    (e->state & PTSCOPE_S_NONPRESENT))
				continue;
			lo = e->va > start ? e->va : start;
			hi = e->va + e->size < end ? e->va + e->size : end;
			for (a = lo; a < hi; a += BENCH_PAGE) {
				uint64_t v = pm[(a - start) / BENCH_PAGE];
				uint64_t pfn = e->pfn + (a - e->va) / BENCH_PAGE;

				c->pts_present++;
				if ((v & PM_PRESENT) && (v & PM_PFN_MASK) == pfn) {
					c->equal++;
				} else if (c->first_bad == UINT64_MAX) {
					c->first_bad = a;
				}
			}
		}
	}
	close(fd);
	if (r < 0)
		return -errno;
	c->complete = last && last->type == PTSCOPE_REC_END && !last->error;
	c->mismatch = (c->pts_present - c->equal) + (c->pm_present - c->equal);
	if (c->mismatch && c->first_bad == UINT64_MAX) {
		for (i = 0; i < npages; i++)
			if (pm[i] & PM_PRESENT)
				break;
		c->first_bad = start + i * BENCH_PAGE;
	}
	return 0;
}

static uint64_t kb_field(const char *line, const char *key)
{
	size_t n = strlen(key);

	if (strncmp(line, key, n))
		return UINT64_MAX;
	return strtoull(line + n, NULL, 10);
}

int bench_smaps_parse(const char *txt, size_t len, uint64_t addr,
		      struct bench_smaps_vma *v)
{
	const char *p = txt, *stop = txt + len;
	int inside = 0;

	memset(v, 0, sizeof(*v));
	while (p < stop) {
		const char *nl = memchr(p, '\n', (size_t)(stop - p));
		unsigned long long s, e;
		char line[256];
		size_t n = nl ? (size_t)(nl - p) : (size_t)(stop - p);
		uint64_t x;

		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, p, n);
		line[n] = 0;
		p = nl ? nl + 1 : stop;
		/* a VMA line: "00400000-00401000 r-xp 00000000 00:00 0 ..." */
		if (sscanf(line, "%llx-%llx %*4s", &s, &e) == 2 &&
		    line[strspn(line, "0123456789abcdef")] == '-') {
			inside = addr >= s && addr < e;
			v->found |= inside;
			continue;
		}
		x = kb_field(line, "Size:");
		if (x != UINT64_MAX) {
			v->total_size_kb += x;
			if (inside)
				v->size_kb = x;
			continue;
		}
		x = kb_field(line, "Rss:");
		if (x != UINT64_MAX) {
			v->total_rss_kb += x;
			if (inside)
				v->rss_kb = x;
			continue;
		}
		x = kb_field(line, "AnonHugePages:");
		if (x != UINT64_MAX && inside)
			v->anon_huge_kb = x;
	}
	return v->found ? 0 : -ENOENT;
}

int bench_smaps_read(pid_t pid, uint64_t addr, char *buf, size_t size,
		     struct bench_smaps_vma *v)
{
	char path[64];
	size_t len = 0;
	ssize_t r;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/smaps", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (len < size && (r = read(fd, buf + len, size - len)) > 0)
		len += (size_t)r;
	close(fd);
	if (len == size)
		return -EFBIG;
	return bench_smaps_parse(buf, len, addr, v);
}

int bench_meminfo_read(int fd, struct bench_meminfo *m)
{
	char buf[8192], *p, *nl;
	ssize_t r;
	uint64_t x;
	int got = 0;

	r = pread(fd, buf, sizeof(buf) - 1, 0);
	if (r <= 0)
		return r < 0 ? -errno : -EIO;
	buf[r] = 0;
	memset(m, 0, sizeof(*m));
	for (p = buf; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			break;
		*nl = 0;
		if ((x = kb_field(p, "Slab:")) != UINT64_MAX)
			m->slab = (int64_t)x, got |= 1;
		else if ((x = kb_field(p, "SUnreclaim:")) != UINT64_MAX)
			m->sunreclaim = (int64_t)x, got |= 2;
		else if ((x = kb_field(p, "VmallocUsed:")) != UINT64_MAX)
			m->vmalloc = (int64_t)x, got |= 4;
		else if ((x = kb_field(p, "MemFree:")) != UINT64_MAX)
			m->memfree = (int64_t)x, got |= 8;
		else if ((x = kb_field(p, "PageTables:")) != UINT64_MAX)
			m->pagetables = (int64_t)x, got |= 16;
	}
	return got == 31 ? 0 : -ENOENT;
}

int bench_mem_walk(pid_t pid, uint64_t start, uint64_t end, const char *view,
		   void *buf, size_t size, struct bench_mem *m)
{
	const struct ptscope_rec_end *last = NULL;
	struct bench_meminfo mi;
	int64_t free0;
	int mfd, fd, err;
	ssize_t r;

	memset(m, 0, sizeof(*m));
	mfd = open("/proc/meminfo", O_RDONLY | O_CLOEXEC);
	if (mfd < 0)
		return -errno;
	/* the first read allocates the seq_file buffer: not in the baseline */
	err = bench_meminfo_read(mfd, &mi);
	if (!err)
		err = bench_meminfo_read(mfd, &mi);
	if (err)
		goto out_close;
	m->base = mi.slab + mi.vmalloc;
	m->peak = m->base;
	free0 = mi.memfree;

	fd = query_open(pid, start, end, view);
	if (fd < 0) {
		err = fd;
		goto out_close;
	}
	for (r = 1; r > 0; ) {
		err = bench_meminfo_read(mfd, &mi);
		if (err)
			break;
		m->samples++;
		if (mi.slab + mi.vmalloc > m->peak)
			m->peak = mi.slab + mi.vmalloc;
		if (free0 - mi.memfree > m->free_drop)
			m->free_drop = free0 - mi.memfree;
		r = read(fd, buf, size);
		if (r > 0)
			last = (const void *)((char *)buf + r - PTSCOPE_REC_SIZE);
		else if (r < 0)
			err = -errno;
	}
	close(fd);
	if (strcmp(view, "records"))
		m->complete = !err && last;
	else
		m->complete = !err && last && last->type == PTSCOPE_REC_END &&
			      !last->error;
	if (!err)
		err = bench_meminfo_read(mfd, &mi);
	m->after = mi.slab + mi.vmalloc;
out_close:
	close(mfd);
	return err;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

void bench_sort_u64(uint64_t *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_u64);
}

uint64_t bench_pct(const uint64_t *v, size_t n, double p)
{
	size_t k;

	if (!n)
		return 0;
	k = (size_t)(p / 100.0 * (double)n + 0.999999);
	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	return v[k - 1];
}

double bench_median(double *v, size_t n)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_dbl);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}
