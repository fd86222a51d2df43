// SPDX-License-Identifier: GPL-2.0
/*
 * t_tool_diff - "ptscope snapshot" and "ptscope diff" against the kernel's
 * own views, with the module and with --source proc.
 *
 *   fork      a process P with a written 64-page region forks C.  diff P C
 *             shows no change in the region; C then writes 7 chosen
 *             pages; diff P C and diff SNAPSHOT-OF-C-BEFORE C show exactly
 *             those 7 as remapped, with the frames pagemap gives, and
 *             nothing else in the region.
 *   moments   one process, snapshot, then: munmap, mprotect, mmap, touch
 *             pages, MADV_DONTNEED, mremap (move and grow), MADV_PAGEOUT
 *             onto zram; snapshot; diff.  Each change made is reported;
 *             every change reported is checked against maps and pagemap
 *             read at the moment of each snapshot; and every page whose
 *             pagemap entry changed inside mappings present at both
 *             moments is covered by a reported change.
 *   errors    a missing file, a file that is not a snapshot, another
 *             version, truncated JSON, a pid that does not exist: exit
 *             status 2 and a message naming the problem.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libjson.h"
#include "libproc.h"
#include "libtool.h"
#include "tap.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE	0x100000
#endif

#define MAX_DIAG	8
#define NPAGES		64

static const char *src_opt = "";	/* "" or "--source proc" */
static const char *src_name = "module";

/* ------------------------------------------------------------------ */
/* checking a diff against two moments                                  */

struct range {
	uint64_t lo, hi;
};

static int range_cmp(const void *x, const void *y)
{
	const struct range *a = x, *b = y;

	return a->lo < b->lo ? -1 : a->lo > b->lo;
}

static int covered(const struct range *r, size_t n, uint64_t va)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (va < r[mid].lo)
			hi = mid;
		else if (va >= r[mid].hi)
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

static int pm_mapped(uint64_t pm)
{
	return !!(pm & (PM_PRESENT | PM_SWAP));
}

/* a different presence, frame or swap slot */
static int pm_changed(uint64_t a, uint64_t b)
{
	if ((a ^ b) & (PM_PRESENT | PM_SWAP))
		return 1;
	if (a & (PM_PRESENT | PM_SWAP))
		return ((a ^ b) & PM_PFN_MASK) != 0;
	return 0;
}

/* frame of page @va in an entry object {"va", "pfn"} of the diff */
static uint64_t ent_pfn(const struct jv *e, uint64_t va)
{
	uint64_t pfn = jv_u64(e, "pfn"), eva = jv_u64(e, "va");

	if (pfn == UINT64_MAX || eva == UINT64_MAX || va < eva)
		return UINT64_MAX;
	return pfn + (va - eva) / PG_SIZE;
}

/* one reported page change, page by page; return the bad pages */
static unsigned long check_page_change(const struct jv *c,
				       const struct pmsnap *s1,
				       const struct pmsnap *s2,
				       unsigned long *skipped)
{
	const char *what = jv_s(c, "change");
	const struct jv *a = jv_get(c, "a"), *b = jv_get(c, "b");
	uint64_t va = jv_u64(c, "va"), size = jv_u64(c, "size");
	uint64_t p, e1, e2;
	unsigned long bad = 0;
	int ok, in1, in2;

	if (!what || va == UINT64_MAX || size == UINT64_MAX || !size)
		return 1;
	for (p = va; p < va + size; p += PG_SIZE) {
		in1 = pmsnap_at(s1, p, &e1);
		in2 = pmsnap_at(s2, p, &e2);
		if (!in1 || !in2) {
			ok = 0;
		} else if (!strcmp(what, "present")) {
			ok = !pm_mapped(e1) && (e2 & PM_PRESENT) &&
			     (e2 & PM_PFN_MASK) == ent_pfn(b, p);
		} else if (!strcmp(what, "gone")) {
			ok = pm_mapped(e1) && !pm_mapped(e2);
		} else if (!strcmp(what, "remapped")) {
			if ((e1 & PM_PRESENT) && (e2 & PM_PRESENT))
				ok = (e1 & PM_PFN_MASK) != (e2 & PM_PFN_MASK) &&
				     (e1 & PM_PFN_MASK) == ent_pfn(a, p) &&
				     (e2 & PM_PFN_MASK) == ent_pfn(b, p);
			else
				ok = (e1 & PM_SWAP) && (e2 & PM_SWAP) &&
				     PM_SWP_OFF(e1) != PM_SWP_OFF(e2);
		} else if (!strcmp(what, "swapout")) {
			ok = !(e1 & PM_SWAP) && (e2 & PM_SWAP) &&
			     PM_SWP_OFF(e2) == jv_u64(b, "swap_offset") &&
			     PM_SWP_TYPE(e2) == jv_u64(b, "swap_type");
		} else if (!strcmp(what, "swapin")) {
			ok = (e1 & PM_SWAP) && (e2 & PM_PRESENT);
		} else if (!strcmp(what, "collapse") || !strcmp(what, "split")) {
			ok = (e1 & PM_PRESENT) && (e2 & PM_PRESENT);
		} else {
			(*skipped)++;	/* "other": no pagemap oracle */
			ok = 1;
		}
		if (!ok && bad++ < 2)
			tap_diag("%s at 0x%llx: pagemap before 0x%llx after 0x%llx (in maps: %d %d)",
				 what, (unsigned long long)p,
				 (unsigned long long)e1, (unsigned long long)e2,
				 in1, in2);
	}
	return bad;
}

static int same_range(const struct map_ent *m, size_t n, uint64_t s,
		      uint64_t e, const char **perms)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (m[i].start == s && m[i].end == e) {
			if (perms)
				*perms = m[i].perms;
			return 1;
		}
	return 0;
}

/* one reported mapping change against the two maps */
static int check_map_change(const struct jv *c, const struct pmsnap *s1,
			    const struct pmsnap *s2)
{
	const char *what = jv_s(c, "change"), *p1 = NULL, *p2 = NULL;
	const struct jv *a = jv_get(c, "a"), *b = jv_get(c, "b");
	uint64_t as = jv_u64(a, "start"), ae = jv_u64(a, "end");
	uint64_t bs = jv_u64(b, "start"), be = jv_u64(b, "end");
	int a1 = same_range(s1->maps, s1->nm, as, ae, &p1);
	int a2 = same_range(s2->maps, s2->nm, as, ae, NULL);
	int b1 = same_range(s1->maps, s1->nm, bs, be, NULL);
	int b2 = same_range(s2->maps, s2->nm, bs, be, &p2);

	if (!what)
		return 0;
	if (!strcmp(what, "added"))
		return b2 && !b1;
	if (!strcmp(what, "removed"))
		return a1 && !a2;
	if (!strcmp(what, "perms"))
		return a1 && b2 && as == bs && ae == be && p1 && p2 &&
		       strcmp(p1, p2) && !strcmp(p1, jv_s(a, "perms")) &&
		       !strcmp(p2, jv_s(b, "perms"));
	if (!strcmp(what, "resized"))
		return a1 && b2 && (as == bs || ae == be) && !a2 && !b1;
	if (!strcmp(what, "moved"))
		return a1 && b2 && !a2 && !b1 && ae - as == be - bs;
	return 0;
}

/*
 * The whole diff @d against moments @s1, @s2: every change reported is
 * real, and every page whose entry changed in a VMA of both moments is
 * covered.  Return: bad count.
 */
static unsigned long check_diff(const char *tag, const struct jv *d,
				const struct pmsnap *s1,
				const struct pmsnap *s2)
{
	const struct jv *pages = jv_get(d, "pages"), *maps = jv_get(d, "mappings");
	unsigned long bad = 0, nbad = 0, skipped = 0, missed = 0;
	struct range *r;
	uint64_t va, e1, e2;
	size_t i, n = 0;

	if (!pages || pages->type != JV_ARR || !maps || maps->type != JV_ARR) {
		tap_diag("%s: no pages or mappings in the JSON", tag);
		return 1;
	}
	for (i = 0; i < maps->n; i++)
		if (!check_map_change(maps->v[i], s1, s2)) {
			if (nbad++ < MAX_DIAG)
				tap_diag("%s: mapping change %zu (%s) not in maps",
					 tag, i, jv_s(maps->v[i], "change"));
		}
	r = calloc(pages->n + 1, sizeof(*r));
	if (!r)
		return 1;
	for (i = 0; i < pages->n; i++) {
		unsigned long b = check_page_change(pages->v[i], s1, s2,
						    &skipped);

		if (b && nbad++ < MAX_DIAG)
			tap_diag("%s: page change %zu (%s at %s) not in pagemap",
				 tag, i, jv_s(pages->v[i], "change"),
				 jv_s(pages->v[i], "va"));
		bad += b;
		r[n].lo = jv_u64(pages->v[i], "va");
		r[n].hi = r[n].lo + jv_u64(pages->v[i], "size");
		n++;
	}
	qsort(r, n, sizeof(*r), range_cmp);
	/* completeness: pages of VMAs in both moments */
	for (i = 0; i < s1->nm; i++) {
		if (!s1->pm[i])
			continue;
		for (va = s1->maps[i].start; va < s1->maps[i].end; va += PG_SIZE) {
			if (!pmsnap_at(s2, va, &e2))
				continue;
			pmsnap_at(s1, va, &e1);
			if (!pm_changed(e1, e2))
				continue;
			if (covered(r, n, va))
				continue;
			if (missed++ < MAX_DIAG)
				tap_diag("%s: 0x%llx changed (pagemap 0x%llx -> 0x%llx) but no change reported",
					 tag, (unsigned long long)va,
					 (unsigned long long)e1,
					 (unsigned long long)e2);
		}
	}
	free(r);
	if (skipped)
		tap_diag("%s: %lu pages of \"other\" changes not checked (no pagemap oracle)",
			 tag, skipped);
	return bad + nbad + missed;
}

/* changes of kind @what whose range meets [lo, hi) */
static size_t changes_in(const struct jv *d, const char *key, const char *what,
			 uint64_t lo, uint64_t hi, size_t *other)
{
	const struct jv *a = jv_get(d, key), *c;
	uint64_t va, size;
	size_t i, n = 0;

	*other = 0;
	for (i = 0; a && i < a->n; i++) {
		c = a->v[i];
		if (!strcmp(key, "pages")) {
			va = jv_u64(c, "va");
			size = jv_u64(c, "size");
		} else {
			const struct jv *v = jv_get(c, "a");

			if (!v || v->type == JV_NULL)
				v = jv_get(c, "b");
			va = jv_u64(v, "start");
			size = jv_u64(v, "end") - va;
		}
		if (va >= hi || va + size <= lo)
			continue;
		if (what && !strcmp(jv_s(c, "change"), what))
			n++;
		else
			(*other)++;
	}
	return n;
}

/* ptscope -J diff ...; the JSON tree, NULL (reported) on failure */
static struct jv *run_diff(const char *tag, const char *a, const char *b)
{
	struct tool_out o;
	struct jv *d = NULL;

	if (tool_run(&o, "-J %s diff %s %s", src_opt, a, b)) {
		tap_ok(0, "%s: ptscope could not be run", tag);
		return NULL;
	}
	if (o.status != 0 && o.status != 1) {
		tap_ok(0, "%s: diff %s %s: exit status %d: %s", tag, a, b,
		       o.status, o.err);
	} else {
		d = jv_parse(o.out);
		if (!d)
			tap_ok(0, "%s: diff output is not JSON", tag);
		else if (o.status != (jv_u64(d, "differences") ? 1 : 0)) {
			tap_ok(0, "%s: exit status %d with %llu differences",
			       tag, o.status,
			       (unsigned long long)jv_u64(d, "differences"));
			jv_free(d);
			d = NULL;
		}
	}
	tool_out_free(&o);
	return d;
}

static int snapshot(const char *tag, pid_t pid, const char *path)
{
	struct tool_out o;
	int err;

	err = tool_run(&o, "%s snapshot %d -o %s", src_opt, (int)pid, path);
	if (!err && o.status)
		tap_diag("%s: snapshot %d: exit %d: %s", tag, (int)pid,
			 o.status, o.err);
	err = err ? err : o.status ? -EIO : 0;
	tool_out_free(&o);
	return err;
}

/* ------------------------------------------------------------------ */
/* fork: parent and child before and after the child writes             */

static const unsigned int written[] = { 0, 5, 9, 17, 33, 48, 63 };

/* the region's changes in @d: exactly the written pages, remapped */
static void check_written(const char *tag, const struct jv *d,
			  const struct pmsnap *s1, const struct pmsnap *s2,
			  uint64_t base)
{
	const struct jv *pages = jv_get(d, "pages"), *c;
	unsigned long bad = 0;
	size_t i, j, n = 0, other;
	uint64_t va, e1, e2;

	for (i = 0; pages && i < pages->n; i++) {
		c = pages->v[i];
		va = jv_u64(c, "va");
		if (va < base || va >= base + NPAGES * PG_SIZE)
			continue;
		n++;
		for (j = 0; j < ARRAY_SIZE(written); j++)
			if (va == base + written[j] * PG_SIZE)
				break;
		if (j == ARRAY_SIZE(written) || strcmp(jv_s(c, "change"), "remapped") ||
		    jv_u64(c, "size") != PG_SIZE ||
		    !pmsnap_at(s1, va, &e1) || !pmsnap_at(s2, va, &e2) ||
		    jv_u64(jv_get(c, "a"), "pfn") != (e1 & PM_PFN_MASK) ||
		    jv_u64(jv_get(c, "b"), "pfn") != (e2 & PM_PFN_MASK)) {
			if (bad++ < MAX_DIAG)
				tap_diag("%s: unexpected change %s at page %llu of the region",
					 tag, jv_s(c, "change"),
					 (unsigned long long)(va - base) / PG_SIZE);
		}
	}
	changes_in(d, "pages", NULL, base, base + NPAGES * PG_SIZE, &other);
	tap_ok(!bad && n == ARRAY_SIZE(written) && other == n,
	       "%s [%s]: the region shows exactly the %zu written pages as remapped, frames = pagemap (%zu changes, %lu bad)",
	       tag, src_name, ARRAY_SIZE(written), n, bad);
}

static void test_fork(void)
{
	struct pmsnap sp, sc0, sc1;
	struct cow_pair f;
	char a[32], b[32], snap[64];
	size_t i, other;
	struct jv *d;

	if (cow_pair_start(&f, NPAGES)) {
		tap_ok(0, "fork [%s]: the parent and child could not be started",
		       src_name);
		return;
	}
	snprintf(a, sizeof(a), "%d", (int)f.p);
	snprintf(b, sizeof(b), "%d", (int)f.c);
	snprintf(snap, sizeof(snap), "/tmp/t_tool_diff.c0.json");
	if (snapshot("fork", f.c, snap) || pmsnap_take(f.p, &sp) ||
	    pmsnap_take(f.c, &sc0)) {
		tap_ok(0, "fork [%s]: snapshot of the child", src_name);
		goto out;
	}
	/* before the child writes: the region is the same frames */
	d = run_diff("fork: before", a, b);
	if (d) {
		size_t n = changes_in(d, "pages", NULL, f.base,
				      f.base + NPAGES * PG_SIZE, &other);
		unsigned long bad = 0;
		uint64_t e1, e2;

		for (i = 0; i < NPAGES; i++)
			if (!pmsnap_at(&sp, f.base + i * PG_SIZE, &e1) ||
			    !pmsnap_at(&sc0, f.base + i * PG_SIZE, &e2) ||
			    (e1 & PM_PFN_MASK) != (e2 & PM_PFN_MASK))
				bad++;
		tap_ok(!n && !other && !bad,
		       "fork: before [%s]: diff parent child: no change in the shared region (%zu reported; pagemap: %lu pages differ)",
		       src_name, other, bad);
		tap_ok(!check_diff("fork: before", d, &sp, &sc0),
		       "fork: before [%s]: every change of diff parent child is real and complete (pagemap, maps)",
		       src_name);
		jv_free(d);
	}
	pmsnap_free(&sp);
	if (cow_pair_child_write(&f, written, ARRAY_SIZE(written))) {
		tap_ok(0, "fork [%s]: the child did not write", src_name);
		goto out_c0;
	}
	if (pmsnap_take(f.p, &sp) || pmsnap_take(f.c, &sc1)) {
		tap_ok(0, "fork [%s]: pagemap", src_name);
		goto out_c0;
	}
	d = run_diff("fork: after", a, b);
	if (d) {
		check_written("fork: after: diff parent child", d, &sp, &sc1,
			      f.base);
		tap_ok(!check_diff("fork: after", d, &sp, &sc1),
		       "fork: after [%s]: every change of diff parent child is real and complete (pagemap, maps)",
		       src_name);
		jv_free(d);
	}
	d = run_diff("fork: child", snap, b);
	if (d) {
		check_written("fork: diff child-snapshot child", d, &sc0, &sc1,
			      f.base);
		tap_ok(!check_diff("fork: child", d, &sc0, &sc1),
		       "fork: child [%s]: every change of diff snapshot child is real and complete (pagemap, maps)",
		       src_name);
		jv_free(d);
	}
	pmsnap_free(&sp);
	pmsnap_free(&sc1);
out_c0:
	pmsnap_free(&sc0);
out:
	unlink(snap);
	cow_pair_stop(&f);
}

/* ------------------------------------------------------------------ */
/* moments: one process mutated between two snapshots                   */

enum { R_UNMAP, R_PROT, R_TOUCH, R_PAGEOUT, R_NEW, R_DROP, R_MOVE,
	R_GROW, R_MOVED_TO, NR_R };

static const size_t rpages[NR_R] = { 16, 8, 32, 32, 8, 16, 8, 8, 8 };

struct mut_msg {
	uint64_t addr[NR_R];
	int32_t err;		/* errno of the step that failed, 0 ok */
	int32_t pageout_err;	/* errno of MADV_PAGEOUT */
	char what[48];
};

static void fill(char *p, size_t pages, int seed)
{
	size_t i;

	for (i = 0; i < pages; i++)
		memset(p + i * PG_SIZE, seed + (int)i + 1, PG_SIZE);
}

/* the mutated process: regions 4M apart in a range it reserved */
static void mut_holder(int cmd, int rsp, int pageout)
{
	struct mut_msg m = { 0 };
	uint64_t base, a;
	char c, *p;
	int i;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	p = mmap(NULL, (NR_R + 1) * (4 << 20), PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		_exit(1);
	munmap(p, (NR_R + 1) * (4 << 20));
	base = ((uint64_t)(uintptr_t)p + (2 << 20) - 1) & ~((2ULL << 20) - 1);
	for (i = 0; i < NR_R; i++)
		m.addr[i] = base + (uint64_t)i * (4 << 20);
	for (i = 0; i < NR_R; i++) {
		if (i == R_NEW || i == R_MOVED_TO)
			continue;
		a = (uint64_t)(uintptr_t)mmap((void *)(uintptr_t)m.addr[i],
					      rpages[i] * PG_SIZE,
					      PROT_READ | PROT_WRITE,
					      MAP_PRIVATE | MAP_ANONYMOUS |
					      MAP_FIXED_NOREPLACE, -1, 0);
		if (a != m.addr[i]) {
			m.err = errno ? errno : EEXIST;
			snprintf(m.what, sizeof(m.what), "mmap region %d", i);
			break;
		}
		madvise((void *)(uintptr_t)a, rpages[i] * PG_SIZE,
			MADV_NOHUGEPAGE);
		fill((char *)(uintptr_t)a, i == R_TOUCH ? 16 : rpages[i], i * 16);
	}
	if (write(rsp, &m, sizeof(m)) != sizeof(m) || m.err)
		_exit(1);
	if (read(cmd, &c, 1) != 1)
		_exit(0);
	/* the mutations */
	if (munmap((void *)(uintptr_t)m.addr[R_UNMAP], rpages[R_UNMAP] * PG_SIZE))
		snprintf(m.what, sizeof(m.what), "munmap");
	else if (mprotect((void *)(uintptr_t)m.addr[R_PROT],
			  rpages[R_PROT] * PG_SIZE, PROT_READ))
		snprintf(m.what, sizeof(m.what), "mprotect");
	else if ((uint64_t)(uintptr_t)mmap((void *)(uintptr_t)m.addr[R_NEW],
					   rpages[R_NEW] * PG_SIZE,
					   PROT_READ | PROT_WRITE,
					   MAP_PRIVATE | MAP_ANONYMOUS |
					   MAP_FIXED_NOREPLACE, -1, 0) !=
		 m.addr[R_NEW])
		snprintf(m.what, sizeof(m.what), "mmap new");
	else if (madvise((void *)(uintptr_t)m.addr[R_DROP], 4 * PG_SIZE,
			 MADV_DONTNEED))
		snprintf(m.what, sizeof(m.what), "MADV_DONTNEED");
	else if (mremap((void *)(uintptr_t)m.addr[R_MOVE],
			rpages[R_MOVE] * PG_SIZE, rpages[R_MOVE] * PG_SIZE,
			MREMAP_MAYMOVE | MREMAP_FIXED,
			(void *)(uintptr_t)m.addr[R_MOVED_TO]) == MAP_FAILED)
		snprintf(m.what, sizeof(m.what), "mremap move");
	else if (mremap((void *)(uintptr_t)m.addr[R_GROW],
			rpages[R_GROW] * PG_SIZE, 2 * rpages[R_GROW] * PG_SIZE,
			0) == MAP_FAILED)
		snprintf(m.what, sizeof(m.what), "mremap grow");
	if (m.what[0])
		m.err = errno;
	if (!m.err) {
		madvise((void *)(uintptr_t)m.addr[R_NEW],
			rpages[R_NEW] * PG_SIZE, MADV_NOHUGEPAGE);
		fill((char *)(uintptr_t)m.addr[R_NEW], rpages[R_NEW], 99);
		fill((char *)(uintptr_t)m.addr[R_TOUCH] + 16 * PG_SIZE, 8, 77);
		if (pageout && madvise((void *)(uintptr_t)m.addr[R_PAGEOUT],
				       rpages[R_PAGEOUT] * PG_SIZE,
				       MADV_PAGEOUT))
			m.pageout_err = errno;
	}
	if (write(rsp, &m, sizeof(m)) != sizeof(m))
		_exit(1);
	while (read(cmd, &c, 1) == 1)
		;
	_exit(0);
}

static void expect(const char *what, size_t n, size_t want)
{
	tap_ok(n == want, "moments [%s]: %s: %zu reported, %zu made", src_name,
	       what, n, want);
}

static void test_moments(int have_swap)
{
	const char *s1p = "/tmp/t_tool_diff.m1.json";
	const char *s2p = "/tmp/t_tool_diff.m2.json";
	struct pmsnap s1, s2;
	struct mut_msg m = { 0 };
	int cmd[2], rsp[2];
	size_t other, n;
	struct jv *d;
	char c = 'M';
	uint64_t e;
	pid_t pid;
	unsigned long swapped = 0;

	if (pipe(cmd) || pipe(rsp)) {
		tap_ok(0, "moments: pipe");
		return;
	}
	fflush(stdout);
	pid = fork();
	if (!pid) {
		close(cmd[1]);
		close(rsp[0]);
		mut_holder(cmd[0], rsp[1], have_swap);
	}
	close(cmd[0]);
	close(rsp[1]);
	if (pid < 0 || read(rsp[0], &m, sizeof(m)) != sizeof(m) || m.err) {
		tap_ok(0, "moments [%s]: the process could not build its regions (%s)",
		       src_name, m.what);
		goto out;
	}
	if (snapshot("moments", pid, s1p) || pmsnap_take(pid, &s1)) {
		tap_ok(0, "moments [%s]: first snapshot", src_name);
		goto out;
	}
	if (write(cmd[1], &c, 1) != 1 ||
	    read(rsp[0], &m, sizeof(m)) != sizeof(m) || m.err) {
		tap_ok(0, "moments [%s]: mutation failed: %s: %s", src_name,
		       m.what, strerror(m.err));
		goto out_s1;
	}
	if (snapshot("moments", pid, s2p) || pmsnap_take(pid, &s2)) {
		tap_ok(0, "moments [%s]: second snapshot", src_name);
		goto out_s1;
	}
	d = run_diff("moments", s1p, s2p);
	if (!d)
		goto out_s2;
	tap_ok(!check_diff("moments", d, &s1, &s2),
	       "moments [%s]: every change reported is in maps/pagemap, every page changed is reported",
	       src_name);
	n = changes_in(d, "mappings", "removed", m.addr[R_UNMAP],
		       m.addr[R_UNMAP] + 1, &other);
	expect("munmap: mapping removed", n, 1);
	n = changes_in(d, "mappings", "perms", m.addr[R_PROT],
		       m.addr[R_PROT] + 1, &other);
	expect("mprotect: permissions changed", n, 1);
	n = changes_in(d, "mappings", "added", m.addr[R_NEW],
		       m.addr[R_NEW] + 1, &other);
	expect("mmap: mapping added", n, 1);
	n = changes_in(d, "mappings", "moved", m.addr[R_MOVE],
		       m.addr[R_MOVE] + 1, &other);
	expect("mremap: mapping moved", n, 1);
	n = changes_in(d, "mappings", "resized", m.addr[R_GROW],
		       m.addr[R_GROW] + 1, &other);
	expect("mremap: mapping resized", n, 1);
	n = changes_in(d, "pages", "present", m.addr[R_TOUCH],
		       m.addr[R_TOUCH] + rpages[R_TOUCH] * PG_SIZE, &other);
	expect("pages touched: newly present", n + other, 8);
	n = changes_in(d, "pages", "gone", m.addr[R_DROP],
		       m.addr[R_DROP] + rpages[R_DROP] * PG_SIZE, &other);
	expect("MADV_DONTNEED: pages gone", n + other, 4);
	if (!have_swap) {
		tap_skip("no zram swap", "moments [%s]: MADV_PAGEOUT: pages swapped out",
			 src_name);
	} else if (m.pageout_err) {
		tap_skip(strerror(m.pageout_err),
			 "moments [%s]: MADV_PAGEOUT: pages swapped out", src_name);
	} else {
		for (n = 0; n < rpages[R_PAGEOUT]; n++)
			if (pmsnap_at(&s2, m.addr[R_PAGEOUT] + n * PG_SIZE, &e) &&
			    (e & PM_SWAP))
				swapped++;
		n = changes_in(d, "pages", "swapout", m.addr[R_PAGEOUT],
			       m.addr[R_PAGEOUT] + rpages[R_PAGEOUT] * PG_SIZE,
			       &other);
		if (!swapped)
			tap_skip("MADV_PAGEOUT swapped out nothing",
				 "moments [%s]: pages swapped out", src_name);
		else
			tap_ok(n == swapped && !other,
			       "moments [%s]: MADV_PAGEOUT: %zu pages swapped out reported, pagemap has %lu",
			       src_name, n, swapped);
	}
	jv_free(d);
	/* the same process against itself: no differences, exit status 0 */
	d = run_diff("moments: same", s2p, s2p);
	tap_ok(d && jv_u64(d, "differences") == 0,
	       "moments [%s]: a snapshot against itself: 0 differences, exit status 0",
	       src_name);
	jv_free(d);
out_s2:
	pmsnap_free(&s2);
out_s1:
	pmsnap_free(&s1);
out:
	unlink(s1p);
	unlink(s2p);
	close(cmd[1]);
	close(rsp[0]);
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

/* ------------------------------------------------------------------ */
/* bad input                                                            */

static void bad(const char *what, const char *content, const char *args,
		const char *msg)
{
	const char *path = "/tmp/t_tool_diff.bad.json";
	struct tool_out o;
	FILE *f;

	if (content) {
		f = fopen(path, "w");
		if (!f || fputs(content, f) < 0 || fclose(f)) {
			tap_ok(0, "bad input: %s: cannot write the file", what);
			return;
		}
	}
	if (tool_run(&o, "diff %s %s", args ? args : path, path)) {
		tap_ok(0, "bad input: %s: ptscope could not be run", what);
		return;
	}
	tap_ok(o.status == 2 && strstr(o.err, msg) && !*o.out,
	       "bad input: %s: exit status 2 (%d), message \"%s\" (%s)", what,
	       o.status, msg, o.err[0] ? strtok(o.err, "\n") : "none");
	tool_out_free(&o);
	unlink(path);
}

static void test_bad(void)
{
	bad("missing file", NULL, "/tmp/no/such/snapshot.json",
	    "No such file or directory");
	bad("not a snapshot", "{\"hello\": 1}\n", NULL,
	    "not a ptscope snapshot");
	bad("not JSON", "PTSCOPE\x01\x02", NULL, "not a ptscope snapshot");
	bad("another version",
	    "{\"format\":\"ptscope-snapshot\",\"version\":2,\"pid\":1}\n", NULL,
	    "version 2 not supported");
	bad("truncated JSON",
	    "{\"format\":\"ptscope-snapshot\",\"version\":1,\"pid\":1,\"vmas\":[[4096,8192,\"rw-p\"",
	    NULL, "truncated");
	bad("nonexistent pid", NULL, "2147483600", "pid 2147483600");
}

int main(void)
{
	char why[128];
	int have_swap;

	tap_init();
	if (access(getenv("PTSCOPE") ? getenv("PTSCOPE") : PTSCOPE_BIN, X_OK)) {
		tap_skip("no " PTSCOPE_BIN, "ptscope diff");
		return tap_done();
	}
	have_swap = !swap_on(why, sizeof(why));
	if (!have_swap)
		tap_diag("no swap: %s", why);
	if (access("/sys/kernel/debug/ptscope/query", F_OK)) {
		tap_skip("ptscope.ko not loaded", "diff with the module source");
	} else {
		test_fork();
		test_moments(have_swap);
	}
	src_opt = "--source proc";
	src_name = "proc";
	test_fork();
	test_moments(have_swap);
	test_bad();
	if (have_swap)
		swap_off();
	return tap_done();
}
