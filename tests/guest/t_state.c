// SPDX-License-Identifier: GPL-2.0
/*
 * t_state - page state in ptscope.ko's records, built for real and checked
 * against the kernel's own views (/proc/PID/pagemap, /proc/kpagecount,
 * /proc/kpageflags, /proc/PID/smaps):
 *
 *   fork        untouched anonymous pages share a frame, mapcount 2, S_COW
 *               in parent and child; after writes, own frames, S_ANON_EXCL
 *   thp         MADV_HUGEPAGE: a PMD-mapped THP (S_THP, 2M) as smaps and
 *               kpageflags see it; MADV_NOHUGEPAGE: none; mprotect of half
 *               of it: PTE-mapped large folio (S_LARGE_FOLIO, order 9)
 *   hugetlb     2M and 1G pages: level, size, S_HUGETLB, frames
 *   ksm         merged pages: S_KSM as kpageflags KSM
 *   zero        read-only faults: S_ZERO as kpageflags ZERO_PAGE
 *   swap        zram swap + MADV_PAGEOUT: S_SWAP with pagemap's type/offset
 *   uffd-wp     userfaultfd write-protected shmem pages: F_UFFD_WP as
 *               pagemap's UFFD_WP; zapped (MADV_DONTNEED), they leave PTE
 *               markers: S_PTE_MARKER with pagemap's swap type/offset
 *   levels      view=levels: one LEVEL record per level, leaf = pagemap
 *
 * Every present page checked also has its mapcount compared with
 * /proc/kpagecount; the totals are one test at the end.  A part the kernel
 * cannot build is a SKIP with the reason.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/userfaultfd.h>
#include <time.h>
#include <unistd.h>

#include "libjson.h"
#include "libproc.h"
#include "libpts.h"
#include "libtool.h"
#include "tap.h"

#ifndef UFFD_FEATURE_WP_HUGETLBFS_SHMEM
#define UFFD_FEATURE_WP_HUGETLBFS_SHMEM	(1 << 12)
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif
#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT	26
#endif
#define HUGE_2M_FLAG	(21 << MAP_HUGE_SHIFT)
#define HUGE_1G_FLAG	(30 << MAP_HUGE_SHIFT)

#define SZ_2M		(2ULL << 20)
#define SZ_1G		(1ULL << 30)


/* mapcount against /proc/kpagecount, over every present page checked */

/*
 * On 6.1 both are page_mapcount().  From 6.12 on per-page mapcounts are
 * gone: the module reports the folio's total (folio_mapcount()) and
 * kpagecount a per-page value, so they differ for pages of large folios.
 */
#define WHY_LARGE	"page of a large folio: 6.12+ module reports folio_mapcount(), kpagecount a per-page count"
static unsigned long mc_pages, mc_agree, mc_explained, mc_bad;

/*
 * @pfn is the frame pagemap gives for the page; @why_differs, when not
 * NULL, is why the two definitions may legitimately differ for this page.
 */
static void check_mapcount(const struct ptscope_rec_entry *e, uint64_t pfn,
			   const char *what, const char *why_differs)
{
	uint64_t kc;

	if (kpagecount_read(pfn, &kc))
		return;
	mc_pages++;
	if (kc == e->mapcount) {
		mc_agree++;
		return;
	}
	if (why_differs) {
		mc_explained++;
		tap_diag("%s: pfn 0x%llx mapcount %u, kpagecount %llu: %s", what,
			 (unsigned long long)pfn, e->mapcount,
			 (unsigned long long)kc, why_differs);
		return;
	}
	mc_bad++;
	tap_diag("%s: pfn 0x%llx mapcount %u but kpagecount %llu", what,
		 (unsigned long long)pfn, e->mapcount, (unsigned long long)kc);
}

static int query_range(pid_t pid, uint64_t start, uint64_t end,
		       struct pts_stream *st)
{
	char line[128];
	int err;

	snprintf(line, sizeof(line), "pid=%d start=0x%llx end=0x%llx\n",
		 (int)pid, (unsigned long long)start, (unsigned long long)end);
	err = pts_query_stream(line, st);
	if (!err && (st->end < 0 || st->read_err))
		err = st->read_err ? st->read_err : -EIO;
	if (err) {
		tap_diag("query %s: %s", line, strerror(-err));
		pts_stream_free(st);
	}
	return err;
}

static const struct ptscope_rec_entry *find_ent(const struct pts_stream *st,
						uint64_t va)
{
	size_t i;

	for (i = 0; i < st->nr; i++) {
		const struct ptscope_rec_entry *e = &st->rec[i].ent;

		if (e->type == PTSCOPE_REC_ENTRY && va >= e->va &&
		    va < e->va + e->size)
			return e;
	}
	return NULL;
}

/* frame of @va according to an ENTRY covering it */
static uint64_t ent_pfn(const struct ptscope_rec_entry *e, uint64_t va)
{
	return e->pfn + ((va - e->va) >> PG_SHIFT);
}

static int pagemap_one(pid_t pid, uint64_t va, size_t n, uint64_t *pm)
{
	int fd = pagemap_open(pid);
	int err;

	if (fd < 0)
		return fd;
	err = pagemap_read(fd, va, n, pm);
	close(fd);
	return err;
}

static int kpf_bit(uint64_t pfn, int bit)
{
	uint64_t f;

	if (kpageflags_read(pfn, &f))
		return -1;
	return !!(f & (1ULL << bit));
}

/* "Name:   N kB" of the smaps block of the VMA holding @addr, or -1 */
static long smaps_kb(pid_t pid, uint64_t addr, const char *field)
{
	char path[64], line[512];
	unsigned long long s, e;
	int in = 0;
	long kb = -1;
	size_t fl = strlen(field);
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx-%llx ", &s, &e) == 2 &&
		    strchr(line, '-') < strchr(line, ' ')) {
			in = addr >= s && addr < e;
			continue;
		}
		if (in && !strncmp(line, field, fl) && line[fl] == ':') {
			kb = strtol(line + fl + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return kb;
}

static long read_long(const char *path)
{
	char buf[64];

	if (read_file_str(path, buf, sizeof(buf)))
		return -1;
	return strtol(buf, NULL, 10);
}

static int write_long(const char *path, long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld", v);
	return write_file_str(path, buf);
}

static int text_has(pid_t pid, uint64_t start, uint64_t end, const char *view,
		    const char *needle)
{
	char line[160], *text = NULL;
	int found;

	snprintf(line, sizeof(line), "pid=%d start=0x%llx end=0x%llx view=%s\n",
		 (int)pid, (unsigned long long)start, (unsigned long long)end,
		 view);
	if (pts_query_text(line, &text) <= 0)
		return 0;
	found = strstr(text, needle) != NULL;
	if (!found)
		tap_diag("view=%s has no \"%s\":\n%s", view, needle, text);
	free(text);
	return found;
}

/* fork */

static int pipe_cmd(int fd, char c)
{
	return write(fd, &c, 1) == 1 ? 0 : -1;
}

static char pipe_wait(int fd)
{
	char c = 0;

	return read(fd, &c, 1) == 1 ? c : 0;
}

static void test_fork(void)
{
	const size_t n = 16, len = n * PG_SIZE;
	const struct ptscope_rec_entry *ep, *ec;
	struct pts_stream sp, sc;
	int down[2], up[2];
	unsigned long bad, reused;
	uint64_t pm[16], pmc[16], base;
	uint64_t pfn0[16];
	pid_t me = getpid(), child;
	size_t i;
	char *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || pipe(down) || pipe(up)) {
		tap_skip(strerror(errno), "fork: setup");
		return;
	}
	madvise(p, len, MADV_NOHUGEPAGE);
	for (i = 0; i < n; i++)
		memset(p + i * PG_SIZE, (int)i + 1, PG_SIZE);
	base = (uint64_t)(uintptr_t)p;

	child = fork();
	if (child == 0) {
		close(down[1]);
		close(up[0]);
		if (pipe_wait(down[0]) == 'w') {
			for (i = 0; i < n; i++)
				p[i * PG_SIZE] = 0x77;
			pipe_cmd(up[1], 'd');
		}
		pipe_wait(down[0]);
		_exit(0);
	}
	close(down[0]);
	close(up[1]);
	if (child < 0) {
		tap_skip(strerror(errno), "fork: fork()");
		return;
	}

	bad = 0;
	if (query_range(me, base, base + len, &sp) ||
	    query_range(child, base, base + len, &sc)) {
		tap_ok(0, "fork: query parent and child");
		goto out;
	}
	pagemap_one(me, base, n, pm);
	pagemap_one(child, base, n, pmc);
	for (i = 0; i < n; i++) {
		uint64_t va = base + i * PG_SIZE;

		ep = find_ent(&sp, va);
		ec = find_ent(&sc, va);
		if (!ep || !ec || ep->pfn != ec->pfn ||
		    ep->pfn != (pm[i] & PM_PFN_MASK) ||
		    ec->pfn != (pmc[i] & PM_PFN_MASK) ||
		    ep->mapcount != 2 || ec->mapcount != 2 ||
		    !(ep->state & PTSCOPE_S_COW) || !(ec->state & PTSCOPE_S_COW) ||
		    (ep->state & PTSCOPE_S_ANON_EXCL) ||
		    (ec->state & PTSCOPE_S_ANON_EXCL)) {
			if (!bad++)
				tap_diag("fork: page %zu parent pfn 0x%llx map %u state 0x%llx, child pfn 0x%llx map %u state 0x%llx, pagemap 0x%llx/0x%llx",
					 i, ep ? (unsigned long long)ep->pfn : 0ULL,
					 ep ? ep->mapcount : 0,
					 ep ? (unsigned long long)ep->state : 0ULL,
					 ec ? (unsigned long long)ec->pfn : 0ULL,
					 ec ? ec->mapcount : 0,
					 ec ? (unsigned long long)ec->state : 0ULL,
					 (unsigned long long)(pm[i] & PM_PFN_MASK),
					 (unsigned long long)(pmc[i] & PM_PFN_MASK));
			continue;
		}
		pfn0[i] = ep->pfn;
		check_mapcount(ep, ep->pfn, "fork shared", NULL);
	}
	tap_ok(!bad, "fork: %zu untouched pages: same frame in parent and child (= pagemap), mapcount 2, S_COW, not S_ANON_EXCL",
	       n);
	tap_ok(text_has(child, base, base + len, "ptes", " cow"),
	       "fork: view=ptes tags the child's pages cow");
	pts_stream_free(&sp);
	pts_stream_free(&sc);

	if (pipe_cmd(down[1], 'w') || pipe_wait(up[0]) != 'd') {
		tap_ok(0, "fork: child writes its pages");
		goto out;
	}
	if (query_range(me, base, base + len, &sp) ||
	    query_range(child, base, base + len, &sc)) {
		tap_ok(0, "fork: query after the child wrote");
		goto out;
	}
	pagemap_one(child, base, n, pmc);
	bad = 0;
	for (i = 0; i < n; i++) {
		uint64_t va = base + i * PG_SIZE;

		ep = find_ent(&sp, va);
		ec = find_ent(&sc, va);
		if (!ep || !ec || ep->pfn == ec->pfn || ep->pfn != pfn0[i] ||
		    ec->pfn != (pmc[i] & PM_PFN_MASK) ||
		    ep->mapcount != 1 || ec->mapcount != 1 ||
		    !(ec->state & PTSCOPE_S_ANON_EXCL) ||
		    (ec->state & PTSCOPE_S_COW)) {
			if (!bad++)
				tap_diag("fork: after child write page %zu parent pfn 0x%llx map %u, child pfn 0x%llx map %u state 0x%llx",
					 i, ep ? (unsigned long long)ep->pfn : 0ULL,
					 ep ? ep->mapcount : 0,
					 ec ? (unsigned long long)ec->pfn : 0ULL,
					 ec ? ec->mapcount : 0,
					 ec ? (unsigned long long)ec->state : 0ULL);
			continue;
		}
		check_mapcount(ep, ep->pfn, "fork parent", NULL);
		check_mapcount(ec, ec->pfn, "fork child", NULL);
	}
	tap_ok(!bad, "fork: after the child wrote: frames differ, mapcount 1 each, child S_ANON_EXCL and not S_COW");
	/*
	 * The parent's page lost its AnonExclusive bit at fork; it gets it
	 * back only at its own next write fault (which reuses the frame).
	 */
	ep = find_ent(&sp, base);
	if (ep)
		tap_diag("fork: parent before its own write: state 0x%llx ref %u",
			 (unsigned long long)ep->state, ep->refcount);
	pts_stream_free(&sp);
	pts_stream_free(&sc);

	for (i = 0; i < n; i++)
		p[i * PG_SIZE] = 0x55;
	if (query_range(me, base, base + len, &sp)) {
		tap_ok(0, "fork: query after the parent wrote");
		goto out;
	}
	/*
	 * The kernel reuses the frame when nothing else holds the page: a
	 * page still sitting in another CPU's LRU batch has an extra
	 * reference, and do_wp_page() copies instead.  So the frame is
	 * checked against pagemap, and reuse is counted, not required.
	 */
	if (pagemap_one(me, base, n, pm)) {
		tap_ok(0, "fork: pagemap after the parent wrote");
		pts_stream_free(&sp);
		goto out;
	}
	bad = 0;
	reused = 0;
	for (i = 0; i < n; i++) {
		ep = find_ent(&sp, base + i * PG_SIZE);
		if (!ep || ep->pfn != (pm[i] & PM_PFN_MASK) ||
		    ep->mapcount != 1 ||
		    !(ep->state & PTSCOPE_S_ANON_EXCL) ||
		    (ep->state & PTSCOPE_S_COW))
			bad++;
		else if (ep->pfn == pfn0[i])
			reused++;
	}
	tap_ok(!bad, "fork: after the parent wrote too: frame = pagemap, S_ANON_EXCL, mapcount 1, not S_COW (%lu bad; frame reused on %lu of %zu pages)",
	       bad, reused, n);
	pts_stream_free(&sp);
out:
	pipe_cmd(down[1], 'q');
	close(down[1]);
	close(up[0]);
	waitpid(child, NULL, 0);
	munmap(p, len);
}

/* THP */

static void test_thp(void)
{
	const char *en = "/sys/kernel/mm/transparent_hugepage/enabled";
	const struct ptscope_rec_entry *e;
	uint64_t a, pm[512];
	struct pts_stream st;
	unsigned long bad;
	char buf[128], *raw;
	pid_t me = getpid();
	long kb;
	size_t i;

	if (read_file_str(en, buf, sizeof(buf)) || strstr(buf, "[never]")) {
		/* 6.1 PREEMPT_RT has no THP at all */
		const char *why = kconfig_why("CONFIG_TRANSPARENT_HUGEPAGE",
					      "THP disabled or not built in");

		tap_skip(why, "thp: PMD-mapped THP");
		tap_skip(why, "thp: MADV_NOHUGEPAGE");
		tap_skip(why, "thp: large folio");
		return;
	}
	raw = mmap(NULL, 8 * SZ_2M / 2, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (raw == MAP_FAILED) {
		tap_skip(strerror(errno), "thp: mmap");
		return;
	}
	/* 8 MiB: A = [a, a + 2M) hugepage, B = [a + 4M, a + 6M) nohugepage */
	a = ((uint64_t)(uintptr_t)raw + SZ_2M - 1) & ~(SZ_2M - 1);
	if (madvise((void *)a, SZ_2M, MADV_HUGEPAGE) ||
	    madvise((void *)(a + 2 * SZ_2M), SZ_2M, MADV_NOHUGEPAGE)) {
		tap_skip(strerror(errno), "thp: madvise");
		goto out;
	}
	memset((void *)a, 0x11, SZ_2M);
	memset((void *)(a + 2 * SZ_2M), 0x22, SZ_2M);

	if (pagemap_one(me, a, 1, pm) || kpf_bit(pm[0] & PM_PFN_MASK,
						 KPF_THP) != 1) {
		tap_skip("the kernel gave no THP (no free 2M page?)",
			 "thp: PMD-mapped THP");
	} else if (!query_range(me, a, a + 3 * SZ_2M, &st)) {
		e = find_ent(&st, a);
		kb = smaps_kb(me, a, "AnonHugePages");
		if (!tap_ok(e && e->level == PTSCOPE_LVL_PMD &&
			    e->size == SZ_2M && e->va == a &&
			    (e->state & PTSCOPE_S_THP) &&
			    (e->state & PTSCOPE_S_ANON) &&
			    e->folio_order == 9 &&
			    e->pfn == (pm[0] & PM_PFN_MASK) &&
			    kb == (long)(e->size >> 10),
			    "thp: MADV_HUGEPAGE region is one PMD-mapped THP: level pmd, 2M, S_THP, order 9, pfn = pagemap, size = smaps AnonHugePages (%ld kB), kpageflags THP",
			    kb))
			tap_diag("entry level %u size 0x%llx state 0x%llx order %u pfn 0x%llx, pagemap pfn 0x%llx",
				 e ? e->level : 0,
				 e ? (unsigned long long)e->size : 0ULL,
				 e ? (unsigned long long)e->state : 0ULL,
				 e ? e->folio_order : 0,
				 e ? (unsigned long long)e->pfn : 0ULL,
				 (unsigned long long)(pm[0] & PM_PFN_MASK));
		else
			check_mapcount(e, e->pfn, "thp head", WHY_LARGE);
		tap_ok(text_has(me, a, a + SZ_2M, "ptes", " thp") &&
		       text_has(me, a, a + SZ_2M, "vmas", "hugepage"),
		       "thp: view=ptes tags it thp, view=vmas shows the hugepage advice");

		bad = 0;
		for (i = 0; i < SZ_2M / PG_SIZE; i++) {
			e = find_ent(&st, a + 2 * SZ_2M + i * PG_SIZE);
			if (!e || e->level != PTSCOPE_LVL_PTE ||
			    (e->state & (PTSCOPE_S_THP | PTSCOPE_S_LARGE_FOLIO)))
				bad++;
		}
		kb = smaps_kb(me, a + 2 * SZ_2M, "AnonHugePages");
		tap_ok(!bad && kb == 0,
		       "thp: MADV_NOHUGEPAGE region: 512 PTE-level small pages, no THP (%lu bad), smaps AnonHugePages %ld kB",
		       bad, kb);
		tap_ok(text_has(me, a + 2 * SZ_2M, a + 3 * SZ_2M, "vmas",
				"nohugepage"),
		       "thp: view=vmas shows the nohugepage advice");
		pts_stream_free(&st);

		/* half read-only: the PMD is split, the folio is not */
		if (mprotect((void *)a, SZ_2M / 2, PROT_READ)) {
			tap_skip(strerror(errno), "thp: mprotect half");
		} else if (!query_range(me, a, a + SZ_2M, &st)) {
			uint64_t head = 0;

			pagemap_one(me, a, 512, pm);
			bad = 0;
			for (i = 0; i < 512; i++) {
				uint64_t va = a + i * PG_SIZE;

				e = find_ent(&st, va);
				if (!e || e->level != PTSCOPE_LVL_PTE ||
				    !(e->state & PTSCOPE_S_LARGE_FOLIO) ||
				    (e->state & PTSCOPE_S_THP) ||
				    e->folio_order != 9 ||
				    e->pfn != (pm[i] & PM_PFN_MASK) ||
				    (i && e->pfn != head + i)) {
					if (!bad++)
						tap_diag("page %zu: level %u state 0x%llx order %u",
							 i, e ? e->level : 0,
							 e ? (unsigned long long)e->state : 0ULL,
							 e ? e->folio_order : 0);
					continue;
				}
				if (!i)
					head = e->pfn;
				check_mapcount(e, e->pfn, "thp pte-mapped",
					       WHY_LARGE);
			}
			tap_ok(!bad, "thp: after mprotect of half: 512 PTEs of one large folio (S_LARGE_FOLIO, order 9, consecutive frames = pagemap)");
			tap_ok(text_has(me, a, a + SZ_2M, "ptes", " lf9"),
			       "thp: view=ptes tags them lf9");
			pts_stream_free(&st);
		}
	}
out:
	munmap(raw, 4 * SZ_2M);
}

/* hugetlb */

static void test_hugetlb(uint64_t size, int flag, int level, const char *dir)
{
	const struct ptscope_rec_entry *e;
	char nrp[160], freep[160];
	struct pts_stream st;
	pid_t me = getpid();
	long nr, nfree;
	uint64_t pm[2], va;
	char *p;

	snprintf(nrp, sizeof(nrp), "%s/nr_hugepages", dir);
	snprintf(freep, sizeof(freep), "%s/free_hugepages", dir);
	nr = read_long(nrp);
	if (nr < 0) {
		tap_skip("no such hugetlb size", "hugetlb %lluM",
			 (unsigned long long)(size >> 20));
		return;
	}
	if (read_long(freep) < 1)
		write_long(nrp, nr + 1);
	nfree = read_long(freep);
	if (nfree < 1) {
		tap_skip("no free hugetlb page could be reserved (1G needs hugepagesz=1G hugepages=1)",
			 "hugetlb %lluM", (unsigned long long)(size >> 20));
		goto restore;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | flag, -1, 0);
	if (p == MAP_FAILED) {
		tap_skip(strerror(errno), "hugetlb %lluM: mmap",
			 (unsigned long long)(size >> 20));
		goto restore;
	}
	va = (uint64_t)(uintptr_t)p;
	p[0] = 1;
	p[size / 2] = 2;
	if (pagemap_one(me, va, 1, &pm[0]) ||
	    pagemap_one(me, va + size / 2, 1, &pm[1]) ||
	    query_range(me, va, va + size, &st)) {
		tap_ok(0, "hugetlb %lluM: query", (unsigned long long)(size >> 20));
		goto unmap;
	}
	e = find_ent(&st, va);
	if (!tap_ok(e && e->level == (uint32_t)level && e->size == size &&
		    e->va == va && (e->state & PTSCOPE_S_HUGETLB) &&
		    e->pfn == (pm[0] & PM_PFN_MASK) &&
		    ent_pfn(e, va + size / 2) == (pm[1] & PM_PFN_MASK) &&
		    kpf_bit(e->pfn, KPF_HUGE) == 1,
		    "hugetlb %lluM: one leaf at level %d, right size, S_HUGETLB, frames = pagemap, kpageflags HUGE",
		    (unsigned long long)(size >> 20), level))
		tap_diag("entry level %u size 0x%llx state 0x%llx pfn 0x%llx, pagemap 0x%llx",
			 e ? e->level : 0, e ? (unsigned long long)e->size : 0ULL,
			 e ? (unsigned long long)e->state : 0ULL,
			 e ? (unsigned long long)e->pfn : 0ULL,
			 (unsigned long long)(pm[0] & PM_PFN_MASK));
	else
		check_mapcount(e, e->pfn, "hugetlb head", WHY_LARGE);
	tap_ok(text_has(me, va, va + size, "ptes", " hugetlb"),
	       "hugetlb %lluM: view=ptes tags it hugetlb",
	       (unsigned long long)(size >> 20));
	pts_stream_free(&st);
unmap:
	munmap(p, size);
restore:
	write_long(nrp, nr);
}

/* KSM and the zero page */

static void test_ksm(void)
{
	const char *k = "/sys/kernel/mm/ksm/";
	long run, scan, sleep_ms, f0, f;
	const size_t n = 8, len = n * PG_SIZE;
	struct pts_stream st;
	pid_t me = getpid();
	unsigned long nksm = 0, bad = 0;
	uint64_t pm[8], base;
	char path[96];
	time_t t0;
	size_t i;
	char *p;

#define KSM(x)	(snprintf(path, sizeof(path), "%s%s", k, x), path)
	run = read_long(KSM("run"));
	scan = read_long(KSM("pages_to_scan"));
	sleep_ms = read_long(KSM("sleep_millisecs"));
	if (run < 0 || scan < 0 || sleep_ms < 0) {
		tap_skip(kconfig_why("CONFIG_KSM", "no KSM in /sys/kernel/mm/ksm"), "ksm");
		return;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		tap_skip(strerror(errno), "ksm: mmap");
		return;
	}
	base = (uint64_t)(uintptr_t)p;
	memset(p, 0x5a, len);
	if (madvise(p, len, MADV_MERGEABLE)) {
		tap_skip(strerror(errno), "ksm: MADV_MERGEABLE");
		goto unmap;
	}
	write_long(KSM("pages_to_scan"), 10000);
	write_long(KSM("sleep_millisecs"), 0);
	write_long(KSM("run"), 1);
	f0 = read_long(KSM("full_scans"));
	t0 = time(NULL);
	do {
		usleep(100000);
		f = read_long(KSM("full_scans"));
	} while (f < f0 + 2 && time(NULL) - t0 < 30);
	if (f < f0 + 2) {
		tap_skip("ksmd did not finish 2 full scans in 30 s", "ksm");
		goto restore;
	}
	if (pagemap_one(me, base, n, pm) || query_range(me, base, base + len,
							 &st)) {
		tap_ok(0, "ksm: query");
		goto restore;
	}
	for (i = 0; i < n; i++) {
		const struct ptscope_rec_entry *e = find_ent(&st, base + i * PG_SIZE);
		uint64_t pfn = pm[i] & PM_PFN_MASK;
		int kpf = kpf_bit(pfn, KPF_KSM);

		if (!e || e->pfn != pfn || !!(e->state & PTSCOPE_S_KSM) != kpf) {
			bad++;
			continue;
		}
		if (kpf) {
			nksm++;
			check_mapcount(e, pfn, "ksm", NULL);
		}
	}
	if (!nksm)
		tap_skip("ksmd merged none of the identical pages", "ksm: S_KSM");
	else
		tap_ok(!bad, "ksm: S_KSM agrees with kpageflags KSM on %zu pages (%lu merged, %lu bad)",
		       n, nksm, bad);
	if (nksm)
		tap_ok(text_has(me, base, base + len, "ptes", " ksm"),
		       "ksm: view=ptes tags merged pages ksm");
	pts_stream_free(&st);
restore:
	madvise(p, len, MADV_UNMERGEABLE);
	write_long(KSM("run"), run);
	write_long(KSM("pages_to_scan"), scan);
	write_long(KSM("sleep_millisecs"), sleep_ms);
unmap:
	munmap(p, len);
#undef KSM
}

static void test_zero(void)
{
	const size_t n = 8, len = n * PG_SIZE;
	struct pts_stream st;
	pid_t me = getpid();
	unsigned long bad = 0;
	uint64_t pm[8], base;
	volatile char *p;
	size_t i;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		tap_skip(strerror(errno), "zero: mmap");
		return;
	}
	madvise((void *)p, len, MADV_NOHUGEPAGE);
	base = (uint64_t)(uintptr_t)p;
	for (i = 0; i < n; i++)
		(void)p[i * PG_SIZE];
	if (pagemap_one(me, base, n, pm) ||
	    query_range(me, base, base + len, &st)) {
		tap_ok(0, "zero: query");
		goto out;
	}
	for (i = 0; i < n; i++) {
		const struct ptscope_rec_entry *e = find_ent(&st, base + i * PG_SIZE);
		uint64_t pfn = pm[i] & PM_PFN_MASK;

		if (!e || e->pfn != pfn || !(e->state & PTSCOPE_S_ZERO) ||
		    kpf_bit(pfn, KPF_ZERO_PAGE) != 1) {
			bad++;
			continue;
		}
		/*
		 * The zero page is mapped without rmap: the module reports 0;
		 * kpagecount reads the page's own _mapcount, which is not
		 * maintained for it either.
		 */
		check_mapcount(e, pfn, "zero page",
			       "the zero page is mapped without rmap, its mapcount is not maintained");
	}
	tap_ok(!bad, "zero: %zu read-only faults: S_ZERO and kpageflags ZERO_PAGE, pfn = pagemap (%lu bad)",
	       n, bad);
	tap_ok(text_has(getpid(), base, base + len, "ptes", " zero"),
	       "zero: view=ptes tags them zero");
	pts_stream_free(&st);
out:
	munmap((void *)p, len);
}

/* swap on zram */

static void test_swap(void)
{
	const size_t n = 32, len = n * PG_SIZE;
	unsigned long swapped = 0, bad = 0;
	struct pts_stream st;
	pid_t me = getpid();
	uint64_t pm[32], base;
	char why[160];
	size_t i, j;
	char *p;

	if (swap_on(why, sizeof(why))) {
		tap_skip(why, "swap");
		return;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		tap_skip(strerror(errno), "swap: mmap");
		goto off;
	}
	madvise(p, len, MADV_NOHUGEPAGE);
	base = (uint64_t)(uintptr_t)p;
	for (i = 0; i < n; i++)
		for (j = 0; j < PG_SIZE; j++)
			p[i * PG_SIZE + j] = (char)(i * 7 + j * 13 + 1);
	if (madvise(p, len, MADV_PAGEOUT)) {
		tap_skip(strerror(errno), "swap: MADV_PAGEOUT");
		goto unmap;
	}
	if (pagemap_one(me, base, n, pm) ||
	    query_range(me, base, base + len, &st)) {
		tap_ok(0, "swap: query");
		goto unmap;
	}
	for (i = 0; i < n; i++) {
		const struct ptscope_rec_entry *e = find_ent(&st, base + i * PG_SIZE);

		if (!(pm[i] & PM_SWAP))
			continue;
		swapped++;
		if (!e || !(e->state & PTSCOPE_S_SWAP) ||
		    !(e->state & PTSCOPE_S_NONPRESENT) ||
		    e->swap_type != PM_SWP_TYPE(pm[i]) ||
		    e->swap_offset != PM_SWP_OFF(pm[i])) {
			if (!bad++)
				tap_diag("page %zu: state 0x%llx swp %u:0x%llx, pagemap %llu:0x%llx",
					 i, e ? (unsigned long long)e->state : 0ULL,
					 e ? e->swap_type : 0,
					 e ? (unsigned long long)e->swap_offset : 0ULL,
					 (unsigned long long)PM_SWP_TYPE(pm[i]),
					 (unsigned long long)PM_SWP_OFF(pm[i]));
		}
	}
	if (!swapped) {
		tap_skip("MADV_PAGEOUT swapped out nothing", "swap: S_SWAP");
	} else {
		char tag[32];

		tap_ok(!bad, "swap: %lu of %zu paged-out pages: S_SWAP, type and offset = pagemap (%lu bad)",
		       swapped, n, bad);
		for (i = 0; i < n && !(pm[i] & PM_SWAP); i++)
			;
		snprintf(tag, sizeof(tag), "swap:%llu:0x%llx",
			 (unsigned long long)PM_SWP_TYPE(pm[i]),
			 (unsigned long long)PM_SWP_OFF(pm[i]));
		tap_ok(text_has(me, base, base + len, "ptes", tag),
		       "swap: view=ptes shows %s", tag);
	}
	pts_stream_free(&st);
	bad = 0;
	for (i = 0; i < n; i++)
		for (j = 0; j < PG_SIZE; j++)
			if (p[i * PG_SIZE + j] != (char)(i * 7 + j * 13 + 1))
				bad++;
	tap_ok(!bad, "swap: the data reads back intact");
unmap:
	munmap(p, len);
off:
	swap_off();
}

/* uffd-wp and PTE markers */

/*
 * What ptscope says of one page against pagemap's word @pm: @marker, a
 * zapped write-protected page (a uffd-wp PTE marker), else a present one;
 * both write-protected.  @w is the frames view's word.  0 when all agree.
 */
static int uffd_page_bad(const struct ptscope_rec_entry *e, uint64_t w,
			 uint64_t pm, int marker)
{
	uint64_t want_kind = marker ? PTSCOPE_FK_MARKER : PTSCOPE_FK_PRESENT;

	if (!e || !(pm & PM_UFFD_WP) || !(e->flags & PTSCOPE_F_UFFD_WP) ||
	    !(w & PTSCOPE_FR_UFFD_WP) || PTSCOPE_FR_KIND(w) != want_kind ||
	    (w & PTSCOPE_FR_RW))
		return 1;
	if (marker)
		return !(pm & PM_SWAP) || (pm & PM_PRESENT) ||
			e->state != (PTSCOPE_S_NONPRESENT | PTSCOPE_S_PTE_MARKER) ||
			(e->flags & ~PTSCOPE_F_UFFD_WP) ||
			e->swap_type != PM_SWP_TYPE(pm) ||
			e->swap_offset != PM_SWP_OFF(pm) ||
			/* the word has no frame or swap fields for a marker */
			(w & PTSCOPE_FR_FRAME_MASK) ||
			((w >> PTSCOPE_FR_SWP_TYPE_SHIFT) &
			 PTSCOPE_FR_SWP_TYPE_MASK);
	return !(pm & PM_PRESENT) || !(e->flags & PTSCOPE_F_PRESENT) ||
		(e->flags & PTSCOPE_F_RW) ||
		!(e->state & PTSCOPE_S_SHMEM) ||
		e->pfn != (pm & PM_PFN_MASK) ||
		(w & PTSCOPE_FR_FRAME_MASK) != (pm & PM_PFN_MASK);
}

static void uffd_check(pid_t me, uint64_t base, size_t n, size_t nmarkers,
		       const char *stage)
{
	uint64_t pm[8], fw[8];
	struct pts_stream st;
	unsigned long bad = 0;
	char line[128];
	size_t i;

	snprintf(line, sizeof(line), "pid=%d start=0x%llx end=0x%llx view=frames\n",
		 (int)me, (unsigned long long)base,
		 (unsigned long long)(base + n * PG_SIZE));
	if (n > 8 || pagemap_one(me, base, n, pm) ||
	    pts_query_frames(line, fw, n) ||
	    query_range(me, base, base + n * PG_SIZE, &st)) {
		tap_ok(0, "uffd-wp: %s: query records, frames and pagemap", stage);
		return;
	}
	for (i = 0; i < n; i++) {
		const struct ptscope_rec_entry *e = find_ent(&st, base + i * PG_SIZE);

		if (uffd_page_bad(e, fw[i], pm[i], i < nmarkers) && !bad++)
			tap_diag("page %zu: flags 0x%llx state 0x%llx pfn 0x%llx swp %u:0x%llx, frames 0x%016llx, pagemap 0x%016llx",
				 i, e ? (unsigned long long)e->flags : 0ULL,
				 e ? (unsigned long long)e->state : 0ULL,
				 e ? (unsigned long long)e->pfn : 0ULL,
				 e ? e->swap_type : 0,
				 e ? (unsigned long long)e->swap_offset : 0ULL,
				 (unsigned long long)fw[i],
				 (unsigned long long)pm[i]);
	}
	if (nmarkers)
		tap_ok(!bad, "uffd-wp: %s: %zu PTE markers (S_PTE_MARKER, F_UFFD_WP as pagemap's, swap type/offset = pagemap's; frames view: kind marker, UFFD_WP) and %zu write-protected pages (%lu bad)",
		       stage, nmarkers, n - nmarkers, bad);
	else
		tap_ok(!bad, "uffd-wp: %s: %zu present shmem pages: F_UFFD_WP as pagemap's UFFD_WP, read-only, frame = pagemap (records and frames view) (%lu bad)",
		       stage, n, bad);
	pts_stream_free(&st);
}

static int jv_has_str(const struct jv *a, const char *s)
{
	size_t i;

	for (i = 0; a && a->type == JV_ARR && i < a->n; i++)
		if (a->v[i]->type == JV_STR && !strcmp(a->v[i]->str, s))
			return 1;
	return 0;
}

/*
 * The ptscope command from source @src: the first @nmarkers pages are
 * non-present entries, not swap (the module says pte-marker; pagemap
 * gives only a swap type above the swap areas'), with pagemap's type and
 * offset; the rest present and uffd-wp.
 */
static void uffd_tool_check(pid_t me, uint64_t base, size_t n,
			    size_t nmarkers, const char *src)
{
	const struct jv *a, *e;
	unsigned long bad = 0;
	struct tool_out o;
	uint64_t pm[8];
	struct jv *j = NULL;
	size_t i, seen = 0;

	if (n > 8 || pagemap_one(me, base, n, pm) ||
	    tool_run(&o, "-J -o +SWAPTYPE,SWAPOFF --source %s pt show --all --range 0x%llx-0x%llx %d",
		     src, (unsigned long long)base,
		     (unsigned long long)(base + n * PG_SIZE), (int)me)) {
		tap_ok(0, "uffd-wp: ptscope --source %s: run", src);
		return;
	}
	if (!o.status)
		j = jv_parse(o.out);
	a = j ? jv_get(j, "entries") : NULL;
	for (i = 0; a && a->type == JV_ARR && i < a->n; i++) {
		const char *type;
		uint64_t va;
		size_t pg;
		int ok;

		e = a->v[i];
		type = jv_s(e, "type") ?: "";
		va = jv_u64(e, "start");
		if (va < base || va >= base + n * PG_SIZE)
			continue;
		pg = (va - base) / PG_SIZE;
		seen++;
		if (pg < nmarkers)
			ok = !strcmp(type, "nonpresent") &&
				!jv_has_str(jv_get(e, "state"), "swap") &&
				jv_u64(e, "swap_type") == PM_SWP_TYPE(pm[pg]) &&
				jv_u64(e, "swap_offset") == PM_SWP_OFF(pm[pg]) &&
				(strcmp(src, "module") ||
				 jv_has_str(jv_get(e, "state"), "pte-marker"));
		else
			ok = !strcmp(type, "present") &&
				jv_u64(e, "pfn") == (pm[pg] & PM_PFN_MASK);
		ok = ok && jv_has_str(jv_get(e, "flags"), "uffd-wp");
		if (!ok && !bad++)
			tap_diag("page %zu: type %s, swap %llu:0x%llx, uffd-wp %d, pte-marker %d; pagemap 0x%016llx",
				 pg, type,
				 (unsigned long long)jv_u64(e, "swap_type"),
				 (unsigned long long)jv_u64(e, "swap_offset"),
				 jv_has_str(jv_get(e, "flags"), "uffd-wp"),
				 jv_has_str(jv_get(e, "state"), "pte-marker"),
				 (unsigned long long)pm[pg]);
	}
	if (!tap_ok(a && seen == n && !bad,
		    "uffd-wp: ptscope --source %s pt show: %zu markers are non-present entries (not swap) with pagemap's type/offset, %zu pages present, all uffd-wp (%zu of %zu pages seen, %lu bad)",
		    src, nmarkers, n - nmarkers, seen, n, bad))
		tap_diag("exit %d: %s", o.status, o.err);
	jv_free(j);
	tool_out_free(&o);
}

static void test_uffd_wp(void)
{
	const size_t n = 8, len = n * PG_SIZE;
	struct uffdio_api api = {
		.api = UFFD_API,
		.features = UFFD_FEATURE_WP_HUGETLBFS_SHMEM,
	};
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_WP };
	struct uffdio_writeprotect wp = { .mode = UFFDIO_WRITEPROTECT_MODE_WP };
	pid_t me = getpid();
	unsigned long bad = 0;
	int fd, uffd = -1;
	char val[8], *p;
	uint64_t base;
	size_t i;

	fd = memfd_create("ptscope-uffd", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, (off_t)len)) {
		tap_ok(0, "uffd-wp: memfd: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		tap_ok(0, "uffd-wp: mmap: %s", strerror(errno));
		return;
	}
	base = (uint64_t)(uintptr_t)p;
	uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0) {
		tap_skip(kconfig_why("CONFIG_USERFAULTFD", strerror(errno)),
			 "uffd-wp");
		goto unmap;
	}
	/* uffd-wp on shmem needs the markers (CONFIG_PTE_MARKER_UFFD_WP) */
	if (ioctl(uffd, UFFDIO_API, &api)) {
		if (!kconfig_get("CONFIG_PTE_MARKER_UFFD_WP", val, sizeof(val)) &&
		    !strcmp(val, "y"))
			tap_ok(0, "uffd-wp: UFFDIO_API with WP_HUGETLBFS_SHMEM: %s",
			       strerror(errno));
		else
			tap_skip(kconfig_why("CONFIG_PTE_MARKER_UFFD_WP",
					     "UFFDIO_API: no uffd-wp on shmem"),
				 "uffd-wp");
		goto out;
	}
	for (i = 0; i < n; i++)
		p[i * PG_SIZE] = (char)(i + 1);
	reg.range.start = base;
	reg.range.len = len;
	wp.range = reg.range;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg) ||
	    ioctl(uffd, UFFDIO_WRITEPROTECT, &wp)) {
		tap_ok(0, "uffd-wp: register and write-protect: %s",
		       strerror(errno));
		goto out;
	}
	uffd_check(me, base, n, 0, "write-protected");

	/* zapping keeps the protection as markers; the pages stay in shmem */
	if (madvise(p, len / 2, MADV_DONTNEED)) {
		tap_ok(0, "uffd-wp: MADV_DONTNEED: %s", strerror(errno));
		goto out;
	}
	uffd_check(me, base, n, n / 2, "zapped half");
	uffd_tool_check(me, base, n, n / 2, "module");
	uffd_tool_check(me, base, n, n / 2, "proc");
	tap_ok(text_has(me, base, base + len, "ptes", " marker"),
	       "uffd-wp: view=ptes tags the markers \"marker\"");
	for (i = 0; i < n; i++)
		if (p[i * PG_SIZE] != (char)(i + 1))
			bad++;
	tap_ok(!bad, "uffd-wp: the data reads back through the markers");
out:
	close(uffd);
unmap:
	munmap(p, len);
}

/* view=levels */

static void test_levels(void)
{
	const struct ptscope_rec_header *h;
	const struct ptscope_rec_level *l;
	struct pts_stream st;
	uint64_t pm, va;
	char line[96], *p;
	size_t i, nl = 0;
	int ok = 1;

	p = mmap(NULL, PG_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		tap_skip(strerror(errno), "levels: mmap");
		return;
	}
	p[0] = 1;
	va = (uint64_t)(uintptr_t)p;
	snprintf(line, sizeof(line), "pid=%d addr=0x%llx view=levels\n",
		 (int)getpid(), (unsigned long long)(va + 0x123));
	if (pagemap_one(getpid(), va, 1, &pm) || pts_query_stream(line, &st)) {
		tap_ok(0, "levels: query");
		goto out;
	}
	h = pts_stream_hdr(&st);
	if (!h || st.nr < 3 || st.end != (long)st.nr - 1)
		ok = 0;
	for (i = 1; ok && i + 1 < st.nr; i++) {
		l = &st.rec[i].lvl;
		if (l->type != PTSCOPE_REC_LEVEL ||
		    l->level != (uint32_t)(h->pgtable_levels == 5 ? 0 : 1) + nl)
			ok = 0;
		nl++;
	}
	l = ok ? &st.rec[st.nr - 2].lvl : NULL;
	tap_ok(ok && nl == h->pgtable_levels && l->leaf && l->present &&
	       l->level == PTSCOPE_LVL_PTE &&
	       l->pa == ((pm & PM_PFN_MASK) << PG_SHIFT) + 0x123,
	       "levels: HEADER, %zu LEVEL records top level first, END; the PTE leaf's pa = pagemap",
	       nl);
	pts_stream_free(&st);
out:
	munmap(p, PG_SIZE);
}

int main(void)
{
	tap_init();
	if (access(pts_path("query"), F_OK)) {
		tap_skip("ptscope.ko not loaded", "page state");
		return tap_done();
	}
	test_levels();
	test_fork();
	test_zero();
	test_thp();
	test_hugetlb(SZ_2M, HUGE_2M_FLAG, PTSCOPE_LVL_PMD,
		     "/sys/kernel/mm/hugepages/hugepages-2048kB");
	test_hugetlb(SZ_1G, HUGE_1G_FLAG, PTSCOPE_LVL_PUD,
		     "/sys/kernel/mm/hugepages/hugepages-1048576kB");
	test_ksm();
	test_swap();
	test_uffd_wp();

	tap_ok(mc_pages && !mc_bad,
	       "mapcount = /proc/kpagecount on %lu of %lu present pages checked (%lu explained exceptions, %lu unexplained)",
	       mc_agree, mc_pages, mc_explained, mc_bad);
	return tap_done();
}
