// SPDX-License-Identifier: GPL-2.0
/*
 * t_walk_pagemap - cross-check ptscope.ko's record stream against the
 * kernel's own views of the same process.
 *
 * A scenario child (scenario.h) holds known state.  The test first checks
 * that the kernel's pagemap agrees with what the scenario meant to build
 * (this part needs no module), then walks the child with ptscope and
 * compares, page by page, with /proc/PID/pagemap and /proc/PID/maps:
 * frames, presence in both directions, RW/USER/NX against the VMA,
 * soft-dirty where pagemap's value is not just VM_SOFTDIRTY, page state
 * against /proc/kpageflags, VMA records against maps, and translations of
 * sampled addresses (range-limited records and view=xlate text).  The walk
 * is repeated after clear_refs, when soft-dirty is meaningful everywhere.
 * The frames view (one word per page) is read in the same window and
 * checked page by page against pagemap and against the records.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libproc.h"
#include "libpts.h"
#include "scenario.h"
#include "tap.h"

/* Kernel VM_* bits (include/linux/mm.h), reported as they are. */
#define VM_READ		0x00000001ULL
#define VM_WRITE	0x00000002ULL
#define VM_EXEC		0x00000004ULL
#define VM_MAYSHARE	0x00000080ULL
#define VM_SOFTDIRTY	0x08000000ULL	/* with CONFIG_MEM_SOFT_DIRTY */

#define USER_VA_LIMIT	(1ULL << 56)	/* above: [vsyscall], not a VMA */
#define MAX_DIAG	8
#define SNAP_TRIES	4

/*
 * struct walk - one ptscope walk of the child and the kernel's views taken
 * around it.  Index i runs over the child's VMAs as /proc/PID/maps lists
 * them; pages are 4K pages of that VMA.
 */
struct walk {
	struct pts_stream st;
	const struct ptscope_rec_header *h;
	struct map_ent *maps;
	size_t nmaps;
	uint64_t **pm;		/* pagemap entry per page */
	uint32_t **ri;		/* index in st.rec of the covering record */
	uint64_t **fw;		/* view=frames word per page (in the range) */
	uint64_t *gap;		/* word of the page below VMA i, when in none */
	unsigned char *gap_ok;	/* gap[i] was read */
	int frames_err;		/* -errno of the frames reads, or 0 */
	long *mv;		/* index in st.rec of the VMA record, or -1 */
	int stream_ok;
	char why[256];
	unsigned int tries;
	int ranged;		/* start=/end= given */
	uint64_t rs, re;	/* the range walked: [rs, re) */
};

/* Mismatch counting with a bounded number of diagnostic lines. */
struct miss {
	unsigned long n;
};

#define MISS(m, ...) do { \
	if ((m)->n++ < MAX_DIAG) \
		tap_diag(__VA_ARGS__); \
} while (0)

static pid_t target;
static unsigned long pages_crosschecked;
static int nx_supported;

static uint64_t vma_pages(const struct map_ent *e)
{
	return (e->end - e->start) / PG_SIZE;
}

static void walk_free(struct walk *w)
{
	size_t i;

	for (i = 0; i < w->nmaps; i++) {
		if (w->pm)
			free(w->pm[i]);
		if (w->ri)
			free(w->ri[i]);
		if (w->fw)
			free(w->fw[i]);
	}
	free(w->pm);
	free(w->ri);
	free(w->fw);
	free(w->gap);
	free(w->gap_ok);
	free(w->mv);
	free(w->maps);
	pts_stream_free(&w->st);
	memset(w, 0, sizeof(*w));
}

/*
 * The child's VMAs that meet [rs, re), without [vsyscall] (not a VMA,
 * above user space).
 */
static int user_maps(struct map_ent **maps, size_t *n, uint64_t rs,
		     uint64_t re)
{
	size_t i, k = 0;
	int ret = maps_read(target, maps, n);

	if (ret)
		return ret;
	for (i = 0; i < *n; i++)
		if ((*maps)[i].start < USER_VA_LIMIT &&
		    (*maps)[i].end > rs && (*maps)[i].start < re)
			(*maps)[k++] = (*maps)[i];
	*n = k;
	return 0;
}

/* Pages [*p0, *p1) of VMA i that lie in the walked range. */
static void span(const struct walk *w, size_t i, uint64_t *p0, uint64_t *p1)
{
	const struct map_ent *e = &w->maps[i];
	uint64_t a = e->start > w->rs ? e->start : w->rs;
	uint64_t b = e->end < w->re ? e->end : w->re;

	*p0 = (a - e->start) / PG_SIZE;
	*p1 = b > a ? (b - e->start) / PG_SIZE : *p0;
}

static int pagemap_snapshot(const struct map_ent *maps, size_t n,
			    uint64_t ***out)
{
	uint64_t **pm = calloc(n ? n : 1, sizeof(*pm));
	int fd, ret = 0;
	size_t i;

	if (!pm)
		return -ENOMEM;
	fd = pagemap_open(target);
	if (fd < 0) {
		free(pm);
		return fd;
	}
	for (i = 0; i < n && !ret; i++) {
		pm[i] = malloc(vma_pages(&maps[i]) * 8);
		if (!pm[i])
			ret = -ENOMEM;
		else
			ret = pagemap_read(fd, maps[i].start,
					   vma_pages(&maps[i]), pm[i]);
	}
	close(fd);
	if (ret) {
		for (i = 0; i < n; i++)
			free(pm[i]);
		free(pm);
		return ret;
	}
	*out = pm;
	return 0;
}

static void pagemap_free(uint64_t **pm, size_t n)
{
	size_t i;

	for (i = 0; pm && i < n; i++)
		free(pm[i]);
	free(pm);
}

static int pagemap_same(uint64_t **a, uint64_t **b, const struct map_ent *m,
			size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (memcmp(a[i], b[i], vma_pages(&m[i]) * 8))
			return 0;
	return 1;
}

/* Index the stream by the maps VMAs: VMA record and covering record. */
static int walk_index(struct walk *w)
{
	long cur_vma = -1, cur_map = -1;
	size_t i, j;

	w->ri = calloc(w->nmaps ? w->nmaps : 1, sizeof(*w->ri));
	w->mv = malloc((w->nmaps ? w->nmaps : 1) * sizeof(*w->mv));
	if (!w->ri || !w->mv)
		return -ENOMEM;
	for (i = 0; i < w->nmaps; i++) {
		w->mv[i] = -1;
		w->ri[i] = calloc(vma_pages(&w->maps[i]), sizeof(uint32_t));
		if (!w->ri[i])
			return -ENOMEM;
	}
	for (i = 1; i < w->st.nr; i++) {
		const union pts_rec *r = &w->st.rec[i];

		if (r->type == PTSCOPE_REC_VMA) {
			cur_vma = (long)i;
			cur_map = -1;
			for (j = 0; j < w->nmaps; j++) {
				uint64_t clip = w->maps[j].start > w->rs ?
						w->maps[j].start : w->rs;

				/* A VMA record may be clipped to the range. */
				if (w->maps[j].start == r->vma.start ||
				    (w->ranged && clip == r->vma.start)) {
					cur_map = (long)j;
					w->mv[j] = cur_vma;
					break;
				}
			}
			continue;
		}
		if (r->type != PTSCOPE_REC_ENTRY &&
		    r->type != PTSCOPE_REC_HOLE)
			continue;
		if (cur_map < 0)
			continue;
		{
			const struct map_ent *m = &w->maps[cur_map];
			uint64_t a = r->ent.va > m->start ? r->ent.va : m->start;
			uint64_t e = r->ent.va + r->ent.size;

			if (e > m->end)
				e = m->end;
			for (; a < e; a += PG_SIZE)
				w->ri[cur_map][(a - m->start) / PG_SIZE] =
					(uint32_t)i;
		}
	}
	return 0;
}

static int find_map(const struct walk *w, uint64_t va)
{
	size_t i;

	for (i = 0; i < w->nmaps; i++)
		if (va >= w->maps[i].start && va < w->maps[i].end)
			return (int)i;
	return -1;
}

/*
 * The frames view of the walked range: for every VMA the words of its
 * pages in the range, read with pread at their offsets (word i is page
 * rs + i * 4096; 0 when no range was given), and the word of the page just
 * below each VMA when that page is in the range and in no VMA.
 */
static int frames_take(struct walk *w)
{
	size_t n = w->nmaps ? w->nmaps : 1, i;
	char line[160];
	int fd, ret = 0;

	w->fw = calloc(n, sizeof(*w->fw));
	w->gap = calloc(n, sizeof(*w->gap));
	w->gap_ok = calloc(n, 1);
	if (!w->fw || !w->gap || !w->gap_ok)
		return -ENOMEM;
	if (w->ranged)
		snprintf(line, sizeof(line),
			 "pid=%d start=%#" PRIx64 " end=%#" PRIx64 " view=frames\n",
			 (int)target, w->rs, w->re);
	else
		snprintf(line, sizeof(line), "pid=%d view=frames\n",
			 (int)target);
	fd = pts_open("query", O_RDWR);
	if (fd < 0)
		return fd;
	ret = pts_write_line(fd, line);
	for (i = 0; i < w->nmaps && !ret; i++) {
		const struct map_ent *m = &w->maps[i];
		uint64_t p0, p1, below = m->start - PG_SIZE;

		span(w, i, &p0, &p1);
		w->fw[i] = calloc(vma_pages(m), 8);
		if (!w->fw[i]) {
			ret = -ENOMEM;
			break;
		}
		if (p1 > p0)
			ret = pts_frames_pread(fd, w->fw[i] + p0, p1 - p0,
					   (m->start + p0 * PG_SIZE - w->rs) /
					   PG_SIZE);
		if (!ret && m->start > w->rs && below >= w->rs &&
		    below < w->re && find_map(w, below) < 0) {
			ret = pts_frames_pread(fd, &w->gap[i], 1,
					   (below - w->rs) / PG_SIZE);
			w->gap_ok[i] = !ret;
		}
	}
	close(fd);
	return ret;
}

/*
 * walk_take() - snapshot maps and pagemap, read the module's stream, and
 * snapshot again; retry while the kernel changed the child in between.
 * Return: 0, or -errno of the query open/write (module missing or refusing).
 */
static int walk_take(struct walk *w, int ranged, uint64_t rs, uint64_t re)
{
	struct map_ent *m2 = NULL;
	uint64_t **pm2 = NULL;
	unsigned int tries;
	char line[128];
	size_t n2 = 0;
	int ret;

	if (ranged)
		snprintf(line, sizeof(line),
			 "pid=%d start=%#" PRIx64 " end=%#" PRIx64 " view=records\n",
			 (int)target, rs, re);
	else
		snprintf(line, sizeof(line), "pid=%d view=records\n",
			 (int)target);
	for (tries = 1;; tries++) {
		walk_free(w);
		w->tries = tries;
		w->ranged = ranged;
		w->rs = ranged ? rs : 0;
		w->re = ranged ? re : ~0ULL;
		ret = user_maps(&w->maps, &w->nmaps, w->rs, w->re);
		if (!ret)
			ret = pagemap_snapshot(w->maps, w->nmaps, &w->pm);
		if (ret)
			return ret;
		ret = pts_query_stream(line, &w->st);
		if (ret)
			return ret;
		w->frames_err = frames_take(w);
		ret = user_maps(&m2, &n2, w->rs, w->re);
		if (!ret)
			ret = pagemap_snapshot(m2, n2, &pm2);
		if (ret)
			return ret;
		ret = maps_equal(w->maps, w->nmaps, m2, n2) &&
		      pagemap_same(w->pm, pm2, w->maps, w->nmaps);
		pagemap_free(pm2, n2);
		free(m2);
		if (ret)
			break;
		if (tries == SNAP_TRIES) {
			tap_diag("the child's pagemap kept changing; using the last snapshot");
			break;
		}
	}
	w->h = pts_stream_hdr(&w->st);
	w->stream_ok = !pts_stream_check(&w->st, w->why, sizeof(w->why));
	return walk_index(w);
}

static const struct ptscope_rec_entry *page_rec(const struct walk *w,
						size_t i, uint64_t p)
{
	uint32_t k = w->ri[i][p];

	return k ? &w->st.rec[k].ent : NULL;
}

static const struct ptscope_rec_vma *map_vma(const struct walk *w, size_t i)
{
	return w->mv[i] >= 0 ? &w->st.rec[w->mv[i]].vma : NULL;
}


/* ---- the scenario against pagemap (no module needed) ---- */

static void check_scenario(const struct scn *s)
{
	unsigned int i, j;
	int fd = pagemap_open(s->pid);

	if (!tap_ok(fd >= 0, "open /proc/%d/pagemap", (int)s->pid))
		return;
	for (i = 0; i < s->lay.nregions; i++) {
		const struct scn_region *r = &s->lay.r[i];
		struct miss m = { 0 };

		for (j = 0; j < r->nprobes; j++) {
			uint64_t va = scn_probe_va(r, j), pm = 0, kpf = 0;
			uint32_t exp = r->probe[j].exp;
			int ret = pagemap_read(fd, va, 1, &pm);

			if (ret) {
				MISS(&m, "%#" PRIx64 ": pagemap: %s", va,
				     strerror(-ret));
				continue;
			}
			if ((exp & EXP_PRESENT) && !(pm & PM_PRESENT))
				MISS(&m, "%#" PRIx64 " (%s): not present in pagemap (%#" PRIx64 ")",
				     va, scn_exp_str(exp), pm);
			if ((exp & EXP_ABSENT) && (pm & (PM_PRESENT | PM_SWAP)))
				MISS(&m, "%#" PRIx64 ": meant untouched, pagemap %#" PRIx64,
				     va, pm);
			if ((exp & EXP_SD) && !(pm & PM_SOFT_DIRTY))
				MISS(&m, "%#" PRIx64 ": rewritten after clear_refs, not soft-dirty",
				     va);
			if ((exp & EXP_CLEAN) && (pm & PM_SOFT_DIRTY))
				MISS(&m, "%#" PRIx64 ": soft-dirty after clear_refs",
				     va);
			if ((exp & EXP_ZERO) && (pm & PM_PRESENT) &&
			    (kpageflags_read(pm & PM_PFN_MASK, &kpf) ||
			     !(kpf & (1ULL << KPF_ZERO_PAGE))))
				MISS(&m, "%#" PRIx64 ": read fault did not map the zero page (pfn %#" PRIx64 ")",
				     va, pm & PM_PFN_MASK);
		}
		tap_ok(!m.n, "scenario %s: pagemap agrees with %u probe pages (stage %d)",
		       r->name, r->nprobes, s->lay.stage);
	}
	close(fd);
}

/* ---- the module's stream ---- */

static void check_stream(const struct walk *w, const char *tag)
{
	if (!tap_ok(w->stream_ok, "%s: record stream is well formed (%zu records)",
		    tag, w->st.nr))
		tap_diag("%s", w->why);
}

static void check_header(const struct walk *w, const struct scn *s,
			 const char *tag)
{
	const struct ptscope_rec_header *h = w->h;
	struct miss m = { 0 };
	uint32_t vb;

	if (!h) {
		tap_ok(0, "%s: header fields", tag);
		return;
	}
	vb = h->pgtable_levels == 5 ? 56 : 47;
	if (h->pid != (__u32)target)
		MISS(&m, "pid %u, expected %d", h->pid, (int)target);
	if (h->pgtable_levels != 4 && h->pgtable_levels != 5)
		MISS(&m, "pgtable_levels %u", h->pgtable_levels);
	if (h->virt_bits != vb)
		MISS(&m, "virt_bits %u with %u levels", h->virt_bits,
		     h->pgtable_levels);
	if (!!(h->features & PTSCOPE_FEAT_LA57) != (h->pgtable_levels == 5))
		MISS(&m, "FEAT_LA57 %d with %u levels",
		     !!(h->features & PTSCOPE_FEAT_LA57), h->pgtable_levels);
	if (h->page_shift != 12)
		MISS(&m, "page_shift %u", h->page_shift);
	if (h->task_size != (1ULL << vb) - PG_SIZE)
		MISS(&m, "task_size %#llx, expected %#llx",
		     (unsigned long long)h->task_size,
		     (unsigned long long)((1ULL << vb) - PG_SIZE));
	if (h->phys_bits < 32 || h->phys_bits > 52)
		MISS(&m, "phys_bits %u", h->phys_bits);
	else if (!h->max_pfn || h->max_pfn > (1ULL << (h->phys_bits - 12)))
		MISS(&m, "max_pfn %#llx with phys_bits %u",
		     (unsigned long long)h->max_pfn, h->phys_bits);
	if (h->start != 0)
		MISS(&m, "default start %#llx", (unsigned long long)h->start);
	/* "end of user space": TASK_SIZE, or the 2^virt_bits limit. */
	if (h->end != h->task_size && h->end != (1ULL << vb))
		MISS(&m, "default end %#llx, task_size %#llx",
		     (unsigned long long)h->end,
		     (unsigned long long)h->task_size);
	tap_ok(!m.n, "%s: header fields (pid, levels %u, virt_bits, task_size, range)",
	       tag, h->pgtable_levels);

	if (s->lay.high_tried)
		tap_ok((h->pgtable_levels == 5) == !!s->lay.high_honoured,
		       "%s: pgtable_levels %u agrees with the kernel %s a hint above 128 TiB",
		       tag, h->pgtable_levels,
		       s->lay.high_honoured ? "honouring" : "ignoring");
}

static int perms_of(const struct ptscope_rec_vma *v, char out[5])
{
	out[0] = v->vm_flags & VM_READ ? 'r' : '-';
	out[1] = v->vm_flags & VM_WRITE ? 'w' : '-';
	out[2] = v->vm_flags & VM_EXEC ? 'x' : '-';
	out[3] = v->vm_flags & VM_MAYSHARE ? 's' : 'p';
	out[4] = '\0';
	return 0;
}

/*
 * The name field is 64 bytes: a longer path may be cut.  Accept the cut
 * (63 bytes) as either a prefix or a suffix of the maps name.
 */
static int name_matches(const char *mod, const char *maps)
{
	size_t lm = strlen(mod), lp = strlen(maps);

	if (!strcmp(mod, maps))
		return 1;
	if (lm < 8 * PTSCOPE_NAME_WORDS - 1 || lp <= lm)
		return 0;
	return !strncmp(mod, maps, lm) || !strcmp(mod, maps + lp - lm);
}

static int kind_ok(const struct ptscope_rec_vma *v, const struct map_ent *e)
{
	if (!strcmp(e->name, "[heap]"))
		return v->kind == PTSCOPE_VMA_HEAP;
	if (!strcmp(e->name, "[stack]"))
		return v->kind == PTSCOPE_VMA_STACK;
	if (!strcmp(e->name, "[vdso]"))
		return v->kind == PTSCOPE_VMA_VDSO;
	/* 6.13+ maps "[vvar_vclock]" next to "[vvar]": both are vvar */
	if (!strncmp(e->name, "[vvar", 5))
		return v->kind == PTSCOPE_VMA_VVAR;
	if (e->name[0] == '[')
		return v->kind == PTSCOPE_VMA_SPECIAL;
	if (strstr(e->name, "anon_hugepage") || strstr(e->name, "/hugepages"))
		return v->kind == PTSCOPE_VMA_HUGETLB;
	/* A file on tmpfs, or shared anonymous memory: FILE or SHMEM. */
	if (e->ino)
		return v->kind == PTSCOPE_VMA_FILE ||
		       v->kind == PTSCOPE_VMA_SHMEM;
	return v->kind == PTSCOPE_VMA_ANON;
}

static void check_vmas(const struct walk *w, const char *tag)
{
	struct miss m = { 0 }, mk = { 0 };
	size_t i, nvma = 0, nclipped = 0;
	char perms[5], name[8 * PTSCOPE_NAME_WORDS + 1];

	for (i = 1; i < w->st.nr; i++)
		if (w->st.rec[i].type == PTSCOPE_REC_VMA)
			nvma++;
	if (nvma != w->nmaps)
		MISS(&m, "%zu VMA records, %zu VMAs in maps", nvma, w->nmaps);
	for (i = 0; i < w->nmaps; i++) {
		const struct map_ent *e = &w->maps[i];
		const struct ptscope_rec_vma *v = map_vma(w, i);

		if (!v) {
			MISS(&m, "maps VMA %#" PRIx64 "-%#" PRIx64 " %s has no VMA record",
			     e->start, e->end, e->name);
			continue;
		}
		uint64_t want_end = e->end, want_off = e->offset;

		/*
		 * In a range walk the header does not say whether a VMA
		 * record is the whole VMA or its part in the range: both are
		 * accepted, a clipped one with its offset moved along.
		 */
		if (v->start != e->start) {
			nclipped++;
			want_end = e->end < w->re ? e->end : w->re;
			want_off += v->start - e->start;
		}
		perms_of(v, perms);
		pts_vma_name(v, name, sizeof(name));
		if (v->end != want_end || strcmp(perms, e->perms) ||
		    v->ino != e->ino || !name_matches(name, e->name) ||
		    (e->ino && (v->pgoff * PG_SIZE != want_off ||
				v->dev_major != e->dev_major ||
				v->dev_minor != e->dev_minor)))
			MISS(&m, "VMA %#" PRIx64 ": module [%#llx, %#llx) %s pgoff %#llx %u:%u ino %llu \"%s\"; maps [%#" PRIx64 ", %#" PRIx64 ") %s off %#" PRIx64 " %u:%u ino %" PRIu64 " \"%s\"",
			     e->start, (unsigned long long)v->start,
			     (unsigned long long)v->end, perms,
			     (unsigned long long)v->pgoff, v->dev_major,
			     v->dev_minor, (unsigned long long)v->ino, name,
			     e->start, e->end, e->perms, e->offset,
			     e->dev_major, e->dev_minor, e->ino, e->name);
		if (!kind_ok(v, e))
			MISS(&mk, "VMA %#" PRIx64 " \"%s\" ino %" PRIu64 ": kind %u",
			     e->start, e->name, e->ino, v->kind);
	}
	if (nclipped)
		tap_diag("%s: %zu VMA records clipped to the range", tag,
			 nclipped);
	tap_ok(!m.n, "%s: %zu VMA records equal /proc/PID/maps (start, end, perms, offset, dev, inode, name)",
	       tag, nvma);
	tap_ok(!mk.n, "%s: VMA kinds agree with maps names", tag);
}

static void check_tiling(const struct walk *w, const char *tag)
{
	struct miss m = { 0 };
	uint64_t p, gaps = 0;
	size_t i;

	/* Every page of a VMA (in the range) is either an entry or a hole. */
	for (i = 0; i < w->nmaps; i++) {
		uint64_t p0, p1;

		if (!map_vma(w, i))
			continue;
		span(w, i, &p0, &p1);
		for (p = p0; p < p1; p++) {
			if (w->ri[i][p])
				continue;
			if (!gaps++)
				MISS(&m, "first uncovered page %#" PRIx64 " in VMA %#" PRIx64,
				     w->maps[i].start + p * PG_SIZE,
				     w->maps[i].start);
		}
	}
	tap_ok(!gaps, "%s: entries and holes cover every VMA page (%" PRIu64 " uncovered)",
	       tag, gaps);
}

/*
 * Frames and presence, both directions:
 *   pagemap present  <=> page covered by a mapped ENTRY (present/PROT_NONE)
 *   pagemap swap     <=> page covered by a non-present ENTRY
 *   mapped ENTRY: pagemap PFN == entry pfn + subpage index.
 * A PROT_NONE entry is not hardware-present and the header fills pfn for
 * "present leaves only": pfn 0 is accepted there, any other value must
 * match.
 */
static void check_frames(const struct walk *w, const char *tag, int count)
{
	struct miss mf = { 0 }, mp = { 0 }, ms = { 0 };
	unsigned long checked = 0, present = 0, protnone_nopfn = 0;
	uint64_t p;
	size_t i;

	for (i = 0; i < w->nmaps; i++) {
		const struct map_ent *me = &w->maps[i];
		uint64_t p0, p1;

		if (!map_vma(w, i))
			continue;
		span(w, i, &p0, &p1);
		for (p = p0; p < p1; p++) {
			const struct ptscope_rec_entry *e = page_rec(w, i, p);
			uint64_t va = me->start + p * PG_SIZE;
			uint64_t pm = w->pm[i][p], sub, want;
			int mapped = e && pts_entry_mapped(e);
			int nonpres = e && e->type == PTSCOPE_REC_ENTRY &&
				      !mapped;

			checked++;
			if (!!(pm & PM_PRESENT) != mapped)
				MISS(&mp, "%#" PRIx64 ": pagemap %s, module %s (flags %#llx)",
				     va, pm & PM_PRESENT ? "present" : "absent",
				     !e ? "no record" :
				     e->type == PTSCOPE_REC_HOLE ? "hole" :
				     mapped ? "mapped entry" : "non-present entry",
				     e ? (unsigned long long)e->flags : 0ULL);
			if (!!(pm & PM_SWAP) != nonpres)
				MISS(&ms, "%#" PRIx64 ": pagemap swap bit %d, module non-present entry %d",
				     va, !!(pm & PM_SWAP), nonpres);
			if (!mapped || !(pm & PM_PRESENT))
				continue;
			present++;
			sub = (va - e->va) / PG_SIZE;
			want = pm & PM_PFN_MASK;
			if (!(e->flags & PTSCOPE_F_PRESENT) && e->pfn == 0) {
				protnone_nopfn++;
				continue;
			}
			if (e->pfn + sub != want)
				MISS(&mf, "%#" PRIx64 ": module pfn %#llx + %" PRIu64 " (level %u), pagemap pfn %#" PRIx64,
				     va, (unsigned long long)e->pfn, sub,
				     e->level, want);
		}
	}
	tap_ok(!mf.n, "%s: frames of %lu present pages equal pagemap's PFN (%lu mismatches)",
	       tag, present, mf.n);
	tap_ok(!mp.n, "%s: present in pagemap <=> mapped entry in the stream, %lu pages (%lu mismatches)",
	       tag, checked, mp.n);
	tap_ok(!ms.n, "%s: pagemap swap bit <=> non-present entry (%lu mismatches)",
	       tag, ms.n);
	if (protnone_nopfn)
		tap_diag("%s: %lu PROT_NONE pages without a pfn (accepted: not hardware-present)",
			 tag, protnone_nopfn);
	if (count)
		pages_crosschecked += checked;
	tap_diag("%s: cross-checked %lu pages (%lu present)", tag, checked,
		 present);
}

static void check_perm_bits(const struct walk *w, const char *tag)
{
	struct miss mw = { 0 }, mu = { 0 }, mx = { 0 };
	unsigned long nleaves = 0;
	size_t k;

	for (k = 1; k < w->st.nr; k++) {
		const struct ptscope_rec_entry *e = &w->st.rec[k].ent;
		const struct ptscope_rec_vma *v;
		int mi;

		if (w->st.rec[k].type != PTSCOPE_REC_ENTRY ||
		    !pts_entry_mapped(e))
			continue;
		mi = find_map(w, e->va);
		v = mi >= 0 ? map_vma(w, (size_t)mi) : NULL;
		if (!v)
			continue;
		nleaves++;
		if (!(v->vm_flags & VM_WRITE) && (e->flags & PTSCOPE_F_RW))
			MISS(&mw, "%#llx: RW entry in a VMA without write (%s)",
			     (unsigned long long)e->va, w->maps[mi].perms);
		if (!(e->flags & PTSCOPE_F_PRESENT))
			continue;	/* PROT_NONE entries carry no USER/NX */
		if (!(e->flags & PTSCOPE_F_USER))
			MISS(&mu, "%#llx: present user entry without USER",
			     (unsigned long long)e->va);
		if (nx_supported &&
		    !!(e->flags & PTSCOPE_F_NX) == !!(v->vm_flags & VM_EXEC))
			MISS(&mx, "%#llx: NX %d in a VMA %s",
			     (unsigned long long)e->va,
			     !!(e->flags & PTSCOPE_F_NX), w->maps[mi].perms);
	}
	tap_ok(!mw.n, "%s: no RW entry in read-only or PROT_NONE VMAs (%lu leaves)",
	       tag, nleaves);
	tap_ok(!mu.n, "%s: every present user entry has USER", tag);
	if (nx_supported)
		tap_ok(!mx.n, "%s: NX set exactly where the VMA is not executable",
		       tag);
	else
		tap_skip("CPU without NX (no \"nx\" in /proc/cpuinfo)",
			 "%s: NX agrees with VM_EXEC", tag);
}

/*
 * Soft-dirty: pagemap ORs VM_SOFTDIRTY into every page of a VMA that has
 * it (new VMAs do), so the entry bit is comparable only in VMAs without it.
 * hugetlb pages report VM_SOFTDIRTY only, never the entry bit: skipped.
 */
static void check_softdirty(const struct walk *w, const char *tag)
{
	unsigned long compared = 0;
	struct miss m = { 0 };
	uint64_t p;
	size_t i;

	for (i = 0; i < w->nmaps; i++) {
		const struct ptscope_rec_vma *v = map_vma(w, i);

		uint64_t p0, p1;

		if (!v || (v->vm_flags & VM_SOFTDIRTY) ||
		    v->kind == PTSCOPE_VMA_HUGETLB)
			continue;
		span(w, i, &p0, &p1);
		for (p = p0; p < p1; p++) {
			const struct ptscope_rec_entry *e = page_rec(w, i, p);
			uint64_t pm = w->pm[i][p];

			if (!e || !pts_entry_mapped(e) || !(pm & PM_PRESENT))
				continue;
			compared++;
			if (!!(e->flags & PTSCOPE_F_SOFT_DIRTY) !=
			    !!(pm & PM_SOFT_DIRTY))
				MISS(&m, "%#" PRIx64 ": soft-dirty module %d pagemap %d",
				     w->maps[i].start + p * PG_SIZE,
				     !!(e->flags & PTSCOPE_F_SOFT_DIRTY),
				     !!(pm & PM_SOFT_DIRTY));
		}
	}
	if (!compared)
		tap_skip("every VMA has VM_SOFTDIRTY: pagemap's bit says nothing about entries",
			 "%s: soft-dirty agrees with pagemap", tag);
	else
		tap_ok(!m.n, "%s: soft-dirty agrees with pagemap on %lu pages of VMAs without VM_SOFTDIRTY",
		       tag, compared);
}

/* The frames view's word for page @va of record @e, from the ABI's rules. */
static uint64_t frame_want(const struct ptscope_rec_entry *e, uint64_t va)
{
	uint64_t w = PTSCOPE_FR_VMA |
		     ((uint64_t)e->level & PTSCOPE_FR_LEVEL_MASK) <<
		     PTSCOPE_FR_LEVEL_SHIFT;
	uint64_t sub = (va - e->va) / PG_SIZE, kind;

	if (e->type == PTSCOPE_REC_HOLE)
		return w;
	if (e->flags & PTSCOPE_F_PRESENT)
		kind = PTSCOPE_FK_PRESENT;
	else if (e->flags & PTSCOPE_F_PROTNONE)
		kind = PTSCOPE_FK_PROTNONE;
	else if (e->state & PTSCOPE_S_SWAP)
		kind = PTSCOPE_FK_SWAP;
	else if (e->state & (PTSCOPE_S_MIGRATION_R | PTSCOPE_S_MIGRATION_W))
		kind = PTSCOPE_FK_MIGRATION;
	else if (e->state & (PTSCOPE_S_DEV_PRIVATE | PTSCOPE_S_DEV_EXCL))
		kind = PTSCOPE_FK_DEVICE;
	else if (e->state & PTSCOPE_S_PTE_MARKER)
		kind = PTSCOPE_FK_MARKER;
	else
		kind = PTSCOPE_FK_OTHER;
	w |= kind << PTSCOPE_FR_KIND_SHIFT;
	if (kind == PTSCOPE_FK_PRESENT || kind == PTSCOPE_FK_PROTNONE) {
		w |= (e->pfn + sub) & PTSCOPE_FR_FRAME_MASK;
		w |= e->flags & PTSCOPE_F_RW ? PTSCOPE_FR_RW : 0;
		w |= e->flags & PTSCOPE_F_NX ? PTSCOPE_FR_NX : 0;
		w |= e->flags & PTSCOPE_F_ACCESSED ? PTSCOPE_FR_ACCESSED : 0;
		w |= e->flags & PTSCOPE_F_DIRTY ? PTSCOPE_FR_DIRTY : 0;
	} else if (kind == PTSCOPE_FK_SWAP) {
		w |= e->swap_offset & PTSCOPE_FR_FRAME_MASK;
		w |= ((uint64_t)e->swap_type & PTSCOPE_FR_SWP_TYPE_MASK) <<
		     PTSCOPE_FR_SWP_TYPE_SHIFT;
	} else if (kind == PTSCOPE_FK_MIGRATION || kind == PTSCOPE_FK_DEVICE) {
		w |= (e->swap_offset + sub) & PTSCOPE_FR_FRAME_MASK;
		w |= e->state & PTSCOPE_S_MIGRATION_W ? PTSCOPE_FR_RW : 0;
	}
	w |= e->flags & PTSCOPE_F_SOFT_DIRTY ? PTSCOPE_FR_SOFT_DIRTY : 0;
	w |= e->flags & PTSCOPE_F_UFFD_WP ? PTSCOPE_FR_UFFD_WP : 0;
	w |= e->state & PTSCOPE_S_ANON ? PTSCOPE_FR_ANON : 0;
	w |= e->state & PTSCOPE_S_ANON_EXCL ? PTSCOPE_FR_ANON_EXCL : 0;
	w |= e->state & PTSCOPE_S_FILE ? PTSCOPE_FR_FILE : 0;
	w |= e->state & (PTSCOPE_S_ZERO | PTSCOPE_S_HUGE_ZERO) ?
	     PTSCOPE_FR_ZERO : 0;
	w |= e->state & PTSCOPE_S_KSM ? PTSCOPE_FR_KSM : 0;
	w |= e->state & PTSCOPE_S_COW ? PTSCOPE_FR_COW : 0;
	return w;
}

/*
 * The frames view, page by page: against the record stream (the word the
 * ABI derives from the covering record), against pagemap (presence, frame,
 * swap entry, soft-dirty, file page), and 0 below VMAs in no VMA.
 */
static void check_frames_view(const struct walk *w, const char *tag)
{
	struct miss mr = { 0 }, mp = { 0 }, mf = { 0 }, ms = { 0 };
	struct miss md = { 0 }, mg = { 0 }, mfile = { 0 };
	unsigned long checked = 0, present = 0, gaps = 0, sd = 0, files = 0;
	uint64_t p;
	size_t i;

	if (!tap_ok(!w->frames_err, "%s: view=frames read with pread at every VMA's offset",
		    tag)) {
		tap_diag("%s", strerror(-w->frames_err));
		return;
	}
	for (i = 0; i < w->nmaps; i++) {
		const struct ptscope_rec_vma *v = map_vma(w, i);
		const struct map_ent *me = &w->maps[i];
		int sd_ok = v && !(v->vm_flags & VM_SOFTDIRTY) &&
			    v->kind != PTSCOPE_VMA_HUGETLB;
		uint64_t p0, p1;

		if (w->gap_ok[i]) {
			gaps++;
			if (w->gap[i])
				MISS(&mg, "%#" PRIx64 " (below a VMA, in none): word %#" PRIx64 ", want 0",
				     me->start - PG_SIZE, w->gap[i]);
		}
		if (!v)
			continue;
		span(w, i, &p0, &p1);
		for (p = p0; p < p1; p++) {
			const struct ptscope_rec_entry *e = page_rec(w, i, p);
			uint64_t va = me->start + p * PG_SIZE;
			uint64_t fw = w->fw[i][p], pm = w->pm[i][p];
			uint64_t kind = PTSCOPE_FR_KIND(fw);
			int mapped = kind == PTSCOPE_FK_PRESENT ||
				     kind == PTSCOPE_FK_PROTNONE;
			int nonpres = kind != PTSCOPE_FK_NONE && !mapped;

			checked++;
			if (!e || fw != frame_want(e, va))
				MISS(&mr, "%#" PRIx64 ": word %#" PRIx64 ", from the record %#" PRIx64,
				     va, fw, e ? frame_want(e, va) : 0);
			if (!!(pm & PM_PRESENT) != mapped)
				MISS(&mp, "%#" PRIx64 ": pagemap %s, word %#" PRIx64,
				     va, pm & PM_PRESENT ? "present" : "absent", fw);
			if (!!(pm & PM_SWAP) != nonpres)
				MISS(&ms, "%#" PRIx64 ": pagemap swap bit %d, word %#" PRIx64,
				     va, !!(pm & PM_SWAP), fw);
			else if (kind == PTSCOPE_FK_SWAP &&
				 (PTSCOPE_FR_SWP_TYPE(fw) != (uint64_t)PM_SWP_TYPE(pm) ||
				  (fw & PTSCOPE_FR_FRAME_MASK) != (uint64_t)PM_SWP_OFF(pm)))
				MISS(&ms, "%#" PRIx64 ": swap entry %#" PRIx64 ", pagemap %#" PRIx64,
				     va, fw, pm);
			if (sd_ok && (mapped || nonpres)) {
				sd++;
				if (!!(fw & PTSCOPE_FR_SOFT_DIRTY) !=
				    !!(pm & PM_SOFT_DIRTY))
					MISS(&md, "%#" PRIx64 ": soft-dirty word %d pagemap %d",
					     va, !!(fw & PTSCOPE_FR_SOFT_DIRTY),
					     !!(pm & PM_SOFT_DIRTY));
			}
			if (!mapped || !(pm & PM_PRESENT))
				continue;
			present++;
			/* PROT_NONE without a frame: as check_frames() */
			if (kind == PTSCOPE_FK_PROTNONE &&
			    !(fw & PTSCOPE_FR_FRAME_MASK))
				continue;
			if ((fw & PTSCOPE_FR_FRAME_MASK) != (pm & PM_PFN_MASK))
				MISS(&mf, "%#" PRIx64 ": frame %#" PRIx64 " (level %" PRIu64 "), pagemap %#" PRIx64,
				     va, (uint64_t)(fw & PTSCOPE_FR_FRAME_MASK),
				     (uint64_t)PTSCOPE_FR_LEVEL(fw), pm & PM_PFN_MASK);
			/* pagemap's PM_FILE: a page that is not anon (4K, not the zero page) */
			if (PTSCOPE_FR_LEVEL(fw) == PTSCOPE_LVL_PTE &&
			    kind == PTSCOPE_FK_PRESENT &&
			    !(fw & (PTSCOPE_FR_ZERO | PTSCOPE_FR_ANON)) &&
			    (fw & PTSCOPE_FR_FILE)) {
				files++;
				if (!(pm & PM_FILE))
					MISS(&mfile, "%#" PRIx64 ": file page, pagemap without PM_FILE",
					     va);
			} else if (fw & PTSCOPE_FR_ANON) {
				if (pm & PM_FILE)
					MISS(&mfile, "%#" PRIx64 ": anon page, pagemap PM_FILE",
					     va);
			}
		}
	}
	tap_ok(!mr.n, "%s: frames view: every word of %lu pages is what its record says (%lu mismatches)",
	       tag, checked, mr.n);
	tap_ok(!mp.n && !ms.n, "%s: frames view: present and swap as pagemap says (%lu, %lu mismatches)",
	       tag, mp.n, ms.n);
	tap_ok(!mf.n, "%s: frames view: frames of %lu present pages equal pagemap's PFN (%lu mismatches)",
	       tag, present, mf.n);
	tap_ok(!mfile.n, "%s: frames view: file/anon as pagemap's PM_FILE (%lu file pages, %lu mismatches)",
	       tag, files, mfile.n);
	/* as check_softdirty(), for the walks of the whole address space */
	if (sd)
		tap_ok(!md.n, "%s: frames view: soft-dirty as pagemap on %lu pages of VMAs without VM_SOFTDIRTY",
		       tag, sd);
	else if (!w->ranged)
		tap_skip("every VMA has VM_SOFTDIRTY: pagemap's bit says nothing about entries",
			 "%s: frames view: soft-dirty agrees with pagemap", tag);
	/* a range inside the VMAs may have no such page; a whole walk has */
	tap_ok((gaps || w->ranged) && !mg.n,
	       "%s: frames view: %lu pages just below a VMA, in none, are 0",
	       tag, gaps);
}

/* The scenario's own expectations, seen through the module. */
static void check_expectations(const struct walk *w, const struct scn *s,
			       const char *tag)
{
	int state = w->h && (w->h->features & PTSCOPE_FEAT_PAGE_STATE);
	struct miss m = { 0 }, mz = { 0 };
	unsigned int i, j, nz = 0;

	for (i = 0; i < s->lay.nregions; i++) {
		const struct scn_region *r = &s->lay.r[i];

		for (j = 0; j < r->nprobes; j++) {
			uint64_t va = scn_probe_va(r, j);
			uint32_t exp = r->probe[j].exp;
			const struct ptscope_rec_entry *e = NULL;
			int mi = find_map(w, va);
			uint64_t fl;

			if (mi >= 0 && map_vma(w, (size_t)mi))
				e = page_rec(w, (size_t)mi,
					     (va - w->maps[mi].start) / PG_SIZE);
			if (!(exp & EXP_PRESENT))
				continue;
			if (!e || !pts_entry_mapped(e)) {
				MISS(&m, "%s %#" PRIx64 " (%s): no mapped entry",
				     r->name, va, scn_exp_str(exp));
				continue;
			}
			fl = e->flags;
			if (((exp & EXP_RW) && !(fl & PTSCOPE_F_RW)) ||
			    ((exp & EXP_RO) && (fl & PTSCOPE_F_RW)) ||
			    ((exp & EXP_PROTNONE) && !(fl & PTSCOPE_F_PROTNONE)) ||
			    ((exp & EXP_SD) && !(fl & PTSCOPE_F_SOFT_DIRTY)) ||
			    ((exp & EXP_CLEAN) && (fl & PTSCOPE_F_SOFT_DIRTY)))
				MISS(&m, "%s %#" PRIx64 " (%s): flags %#llx",
				     r->name, va, scn_exp_str(exp),
				     (unsigned long long)fl);
			if ((exp & EXP_RW) && s->lay.stage == 0 &&
			    !(fl & PTSCOPE_F_DIRTY))
				MISS(&m, "%s %#" PRIx64 ": written, no DIRTY (flags %#llx)",
				     r->name, va, (unsigned long long)fl);
			if (exp & EXP_ZERO) {
				nz++;
				if (state && !(e->state & PTSCOPE_S_ZERO))
					MISS(&mz, "%s %#" PRIx64 ": zero page, state %#llx",
					     r->name, va,
					     (unsigned long long)e->state);
			}
		}
	}
	tap_ok(!m.n, "%s: scenario probes have the expected RW/PROTNONE/DIRTY/soft-dirty bits",
	       tag);
	if (!state)
		tap_skip("header lacks PTSCOPE_FEAT_PAGE_STATE",
			 "%s: zero-page reads have S_ZERO", tag);
	else
		tap_ok(!mz.n, "%s: %u zero-page reads have S_ZERO", tag, nz);
}

static void check_hugetlb(const struct walk *w, const struct scn *s,
			  const char *name, const char *why, unsigned int level,
			  uint64_t size, const char *tag)
{
	const struct scn_region *r = scn_find(&s->lay, name);
	const struct ptscope_rec_entry *e = NULL;
	const struct ptscope_rec_vma *v = NULL;
	int mi;

	if (!r) {
		tap_skip(why[0] ? why : "no such region",
			 "%s: %s page mapped by a %s leaf", tag, name,
			 level == PTSCOPE_LVL_PMD ? "PMD" : "PUD");
		return;
	}
	mi = find_map(w, r->addr);
	if (mi >= 0)
		v = map_vma(w, (size_t)mi);
	if (v)
		e = page_rec(w, (size_t)mi,
			     (r->addr - w->maps[mi].start) / PG_SIZE);
	if (!tap_ok(e && pts_entry_mapped(e) && e->level == level &&
		    e->va == r->addr && e->size == size &&
		    v->kind == PTSCOPE_VMA_HUGETLB,
		    "%s: %s page mapped by a %s leaf in a HUGETLB VMA", tag, name,
		    level == PTSCOPE_LVL_PMD ? "PMD" : "PUD") && e)
		tap_diag("entry level %u va %#llx size %#llx flags %#llx, VMA kind %u",
			 e->level, (unsigned long long)e->va,
			 (unsigned long long)e->size,
			 (unsigned long long)e->flags, v ? v->kind : 99);
}

static void check_huge(const struct walk *w, const struct scn *s,
		       const char *tag)
{
	const struct scn_region *r = scn_find(&s->lay, "thp");
	const struct ptscope_rec_entry *e = NULL;
	char reason[160], thp[128] = "?";
	uint64_t pm = 0, kpf = 0;
	int mi, fd;

	if (!r) {
		tap_skip("no thp region", "%s: THP mapped by a PMD leaf", tag);
	} else {
		mi = find_map(w, r->addr);
		if (mi >= 0 && map_vma(w, (size_t)mi))
			e = page_rec(w, (size_t)mi,
				     (r->addr - w->maps[mi].start) / PG_SIZE);
		fd = pagemap_open(target);
		if (fd >= 0) {
			pagemap_read(fd, r->addr, 1, &pm);
			close(fd);
		}
		if (!(pm & PM_PRESENT) ||
		    kpageflags_read(pm & PM_PFN_MASK, &kpf) ||
		    !(kpf & (1ULL << KPF_THP))) {
			if (read_file_str("/sys/kernel/mm/transparent_hugepage/enabled",
					  thp, sizeof(thp)))
				thp[0] = '\0';
			thp[strcspn(thp, "\n")] = '\0';
			if (!thp[0])
				snprintf(reason, sizeof(reason), "%s",
					 kconfig_why("CONFIG_TRANSPARENT_HUGEPAGE",
						     "no THP in this kernel"));
			else
				snprintf(reason, sizeof(reason),
					 "the kernel gave no THP (kpageflags %#llx, THP enabled: %s)",
					 (unsigned long long)kpf, thp);
			tap_skip(reason, "%s: THP mapped by a PMD leaf", tag);
		} else {
			int ok = e && pts_entry_mapped(e) &&
				 e->level == PTSCOPE_LVL_PMD &&
				 e->va == r->addr && e->size == (2ULL << 20);

			if (ok && w->h &&
			    (w->h->features & PTSCOPE_FEAT_PAGE_STATE))
				ok = !!(e->state & PTSCOPE_S_THP) &&
				     !!(e->state & PTSCOPE_S_ANON);
			if (!tap_ok(ok, "%s: THP mapped by a PMD leaf (PSE, S_THP)",
				    tag) && e)
				tap_diag("entry level %u va %#llx size %#llx flags %#llx state %#llx",
					 e->level, (unsigned long long)e->va,
					 (unsigned long long)e->size,
					 (unsigned long long)e->flags,
					 (unsigned long long)e->state);
			else if (ok && !(e->flags & PTSCOPE_F_PSE))
				tap_diag("note: PMD leaf without PTSCOPE_F_PSE");
		}
	}

	check_hugetlb(w, s, "hugetlb", s->lay.hugetlb_why, PTSCOPE_LVL_PMD,
		      2ULL << 20, tag);
	check_hugetlb(w, s, "hugetlb1g", s->lay.hugetlb1g_why,
		      PTSCOPE_LVL_PUD, 1ULL << 30, tag);
}

/*
 * Is /proc/kpageflags' KSM bit meaningless here?  Debian's 6.12
 * stable_page_flags() sets KPF_KSM when "mapping & PAGE_MAPPING_KSM",
 * and PAGE_MAPPING_KSM is ANON | MOVABLE: every anonymous page then reads
 * as KSM.  A fresh private anonymous page of ours, never MADV_MERGEABLE,
 * cannot be a KSM page; if the oracle says it is, its KSM bit is unusable.
 */
static int kpf_ksm_broken(void)
{
	static int broken = -1;
	uint64_t pm = 0, kpf = 0;
	char *p;
	int fd;

	if (broken >= 0)
		return broken;
	broken = 0;
	p = mmap(NULL, PG_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return broken;
	p[0] = 1;
	fd = pagemap_open(getpid());
	if (fd >= 0 && !pagemap_read(fd, (uintptr_t)p, 1, &pm) &&
	    (pm & PM_PRESENT) && !kpageflags_read(pm & PM_PFN_MASK, &kpf))
		broken = !!(kpf & (1ULL << KPF_KSM));
	if (fd >= 0)
		close(fd);
	munmap(p, PG_SIZE);
	return broken;
}

/* Page state against /proc/kpageflags: anon, zero page, KSM, THP. */
static void check_page_state(const struct walk *w, const char *tag)
{
	unsigned long compared = 0;
	struct miss m = { 0 };
	int ksm_broken = kpf_ksm_broken();
	uint64_t kmask = 1ULL << KPF_ZERO_PAGE;
	size_t k;

	if (ksm_broken)
		tap_diag("%s: /proc/kpageflags says KSM for a fresh unmergeable anonymous page: its KSM bit is not compared on this kernel",
			 tag);
	else
		kmask |= 1ULL << KPF_KSM;

	if (!w->h || !(w->h->features & PTSCOPE_FEAT_PAGE_STATE)) {
		tap_skip("header lacks PTSCOPE_FEAT_PAGE_STATE",
			 "%s: page state agrees with /proc/kpageflags", tag);
		return;
	}
	for (k = 1; k < w->st.nr; k++) {
		const struct ptscope_rec_entry *e = &w->st.rec[k].ent;
		uint64_t kpf;

		if (w->st.rec[k].type != PTSCOPE_REC_ENTRY ||
		    !(e->flags & PTSCOPE_F_PRESENT) ||
		    (e->state & PTSCOPE_S_NO_PAGE) || e->pfn >= w->h->max_pfn)
			continue;
		if (kpageflags_read(e->pfn, &kpf))
			continue;
		compared++;
		if (!!(e->state & PTSCOPE_S_ZERO) !=
		    !!(kpf & (1ULL << KPF_ZERO_PAGE)) ||
		    (!ksm_broken && !!(e->state & PTSCOPE_S_KSM) !=
				    !!(kpf & (1ULL << KPF_KSM))) ||
		    (!(kpf & kmask) && !(e->state & PTSCOPE_S_KSM) &&
		     !!(e->state & PTSCOPE_S_ANON) != !!(kpf & (1ULL << KPF_ANON))))
			MISS(&m, "%#llx pfn %#llx: state %#llx, kpageflags %#llx",
			     (unsigned long long)e->va,
			     (unsigned long long)e->pfn,
			     (unsigned long long)e->state,
			     (unsigned long long)kpf);
	}
	tap_ok(!m.n, "%s: S_ANON/S_ZERO%s agree with /proc/kpageflags on %lu leaves",
	       tag, ksm_broken ? " (not S_KSM: see above)" : "/S_KSM", compared);
}

static void run_walk(struct scn *s, const char *tag, int count)
{
	struct walk w;
	int ret;

	memset(&w, 0, sizeof(w));
	ret = walk_take(&w, 0, 0, 0);
	if (!tap_ok(!ret, "%s: walk pid %d with \"pid=N view=records\"", tag,
		    (int)target)) {
		tap_diag("%s", strerror(-ret));
		walk_free(&w);
		return;
	}
	if (w.tries > 1)
		tap_diag("%s: %u snapshots needed", tag, w.tries);
	check_stream(&w, tag);
	check_header(&w, s, tag);
	check_vmas(&w, tag);
	check_tiling(&w, tag);
	check_frames(&w, tag, count);
	check_perm_bits(&w, tag);
	check_softdirty(&w, tag);
	check_frames_view(&w, tag);
	check_expectations(&w, s, tag);
	check_huge(&w, s, tag);
	check_page_state(&w, tag);
	walk_free(&w);
}

/* Walks of part of the address space: [rs, re) given in the query. */
static void run_range_walk(const char *tag, uint64_t rs, uint64_t re)
{
	struct walk w;
	int ret;

	memset(&w, 0, sizeof(w));
	ret = walk_take(&w, 1, rs, re);
	if (!tap_ok(!ret, "%s: walk [%#" PRIx64 ", %#" PRIx64 ")", tag, rs, re)) {
		tap_diag("%s", strerror(-ret));
		walk_free(&w);
		return;
	}
	check_stream(&w, tag);
	tap_ok(w.h && w.h->pid == (__u32)target && w.h->start == rs &&
	       w.h->end == re, "%s: header range equals the query", tag);
	check_vmas(&w, tag);
	check_tiling(&w, tag);
	check_frames(&w, tag, 1);
	check_frames_view(&w, tag);
	walk_free(&w);
}

static void run_range_walks(const struct scn *s)
{
	const struct scn_region *a = scn_find(&s->lay, "anon");
	const struct scn_region *sd = scn_find(&s->lay, "sd");
	const struct scn_region *sp = scn_find(&s->lay, "sparse");
	const struct scn_region *thp = scn_find(&s->lay, "thp");
	const struct scn_region *hi = scn_find(&s->lay, "high");
	const uint64_t M2 = 2ULL << 20, G1 = 1ULL << 30;

	if (a)		/* part of one VMA */
		run_range_walk("range: anon pages 5-36", a->addr + 5 * PG_SIZE,
			       a->addr + 37 * PG_SIZE);
	if (a && sd && sd->addr < a->addr)	/* several VMAs */
		run_range_walk("range: the anonymous regions", sd->addr,
			       a->addr + a->len);
	if (sp)		/* across page-table boundaries, around one page */
		run_range_walk("range: sparse, 2 MiB around 1 GiB",
			       sp->addr + G1 - M2 - PG_SIZE,
			       sp->addr + G1 + M2 + PG_SIZE);
	if (thp)	/* inside one PMD leaf */
		run_range_walk("range: 8 KiB inside the THP",
			       thp->addr + M2 / 2, thp->addr + M2 / 2 + 2 * PG_SIZE);
	if (hi)		/* above 128 TiB */
		run_range_walk("range: part of the region above 128 TiB",
			       hi->addr + PG_SIZE, hi->addr + 3 * PG_SIZE);
}

/* ---- translations of sampled addresses ---- */

struct sample {
	uint64_t va;
	uint64_t pa;		/* from pagemap */
};

static size_t pick_samples(const struct scn *s, struct sample *out,
			   size_t max)
{
	struct map_ent *maps = NULL;
	size_t n = 0, nm = 0, i;
	unsigned int j;
	int fd = pagemap_open(target);

	if (fd < 0)
		return 0;
	/* One present probe per scenario region ... */
	for (i = 0; i < s->lay.nregions && n < max; i++) {
		const struct scn_region *r = &s->lay.r[i];

		for (j = 0; j < r->nprobes; j++) {
			if (r->probe[j].exp & EXP_PRESENT) {
				out[n++].va = scn_probe_va(r, j) + 0x123 + 8 * i;
				break;
			}
		}
	}
	/* ... and the first present page of every other VMA. */
	if (!user_maps(&maps, &nm, 0, ~0ULL)) {
		for (i = 0; i < nm && n < max; i++) {
			uint64_t p, pm;

			if (vma_pages(&maps[i]) > 4096)
				continue;
			for (p = 0; p < vma_pages(&maps[i]); p++) {
				uint64_t va = maps[i].start + p * PG_SIZE;

				if (!pagemap_read(fd, va, 1, &pm) &&
				    (pm & PM_PRESENT)) {
					out[n++].va = va + 0xabc;
					break;
				}
			}
		}
		free(maps);
	}
	for (i = 0; i < n; i++) {
		uint64_t pm = 0;

		pagemap_read(fd, out[i].va & ~(PG_SIZE - 1), 1, &pm);
		out[i].pa = pm & PM_PRESENT ?
			((pm & PM_PFN_MASK) << PG_SHIFT) |
			(out[i].va & (PG_SIZE - 1)) : 0;
	}
	close(fd);
	return n;
}

/*
 * The level names of an xlate text, top first, as "pgd p4d pud ...": the
 * lines "NAME INDEX TABLE-PA ..." after the "# LEVEL" heading.
 */
static void xlate_level_names(const char *text, char *out, size_t size)
{
	const char *l;
	size_t len = 0;

	out[0] = '\0';
	for (l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		char name[8];
		unsigned int idx;

		if (sscanf(l, "%7s %u 0x", name, &idx) != 2 ||
		    strlen(name) != 3 || name[0] != 'p')
			continue;
		len += snprintf(out + len, size - len, "%s%s", len ? " " : "",
				name);
		if (len >= size)
			break;
	}
}

static void check_xlate(const struct scn *s)
{
	struct sample smp[48];
	struct miss mb = { 0 }, mt = { 0 };
	size_t n = pick_samples(s, smp, 48), i, k, ntext = 0;
	const struct scn_region *r;
	char line[128], *text = NULL;
	int named = 0;
	long ret;

	for (i = 0; i < n; i++) {
		uint64_t page = smp[i].va & ~(PG_SIZE - 1), pa = 0;
		const struct ptscope_rec_header *h;
		struct pts_stream st;
		char why[256];
		int found = 0;

		snprintf(line, sizeof(line), "pid=%d start=%#" PRIx64 " end=%#" PRIx64 "\n",
			 (int)target, page, page + PG_SIZE);
		ret = pts_query_stream(line, &st);
		h = pts_stream_hdr(&st);
		if (ret || pts_stream_check(&st, why, sizeof(why)) ||
		    !h || h->start != page || h->end != page + PG_SIZE) {
			MISS(&mb, "%s -> %s", line,
			     ret ? strerror((int)-ret) :
			     !h ? "no header" : why);
			pts_stream_free(&st);
			continue;
		}
		for (k = 1; k < st.nr; k++) {
			const struct ptscope_rec_entry *e = &st.rec[k].ent;

			if (st.rec[k].type == PTSCOPE_REC_ENTRY &&
			    pts_entry_mapped(e) && smp[i].va >= e->va &&
			    smp[i].va < e->va + e->size) {
				found = 1;
				pa = (e->pfn << PG_SHIFT) + (smp[i].va - e->va);
			}
		}
		if (!found || pa != smp[i].pa)
			MISS(&mb, "%#" PRIx64 ": records pa %#" PRIx64 " (found %d), pagemap pa %#" PRIx64,
			     smp[i].va, pa, found, smp[i].pa);
		pts_stream_free(&st);
	}
	tap_ok(n && !mb.n, "xlate: %zu sampled addresses: records limited to [A, A+4096) give pagemap's physical address",
	       n);

	/* The text view: the pagemap physical address must appear in it. */
	for (i = 0; i < n && ntext < 12; i++, ntext++) {
		snprintf(line, sizeof(line), "pid=%d addr=%#" PRIx64 " view=xlate\n",
			 (int)target, smp[i].va);
		ret = pts_query_text(line, &text);
		if (ret < 0) {
			MISS(&mt, "%s -> %s", line, strerror((int)-ret));
			continue;
		}
		if (!pts_text_has_hex(text, smp[i].pa)) {
			MISS(&mt, "%#" PRIx64 ": pa %#" PRIx64 " not in the xlate text:",
			     smp[i].va, smp[i].pa);
			if (mt.n <= 2)
				tap_diag("%s", text);
		}
		/*
		 * Level names: 5-level paging (the kernel honoured a hint
		 * above 128 TiB) reads pgd, p4d, pud...; 4-level folds the
		 * P4D and the top table is the pgd, as x86 and the tool say.
		 */
		if (!named && smp[i].pa && s->lay.high_tried) {
			const char *want = s->lay.high_honoured ?
				"pgd p4d pud" : "pgd pud";
			char names[64];

			named = 1;
			xlate_level_names(text, names, sizeof(names));
			if (!tap_ok(!strncmp(names, want, strlen(want)) &&
				    (s->lay.high_honoured || !strstr(names, "p4d")),
				    "xlate: view=xlate text names the levels %s... (%d-level paging)",
				    want, s->lay.high_honoured ? 5 : 4))
				tap_diag("levels in the text: '%s'", names);
		}
		free(text);
	}
	tap_ok(ntext && !mt.n, "xlate: view=xlate text shows pagemap's physical address for %zu addresses",
	       ntext);

	/* An address nothing maps: a clean answer, not an error. */
	r = scn_find(&s->lay, "none_untouched");
	if (r) {
		snprintf(line, sizeof(line), "pid=%d addr=%#" PRIx64 " view=xlate\n",
			 (int)target, r->addr + 0x10);
		ret = pts_query_text(line, &text);
		if (!tap_ok(ret > 0, "xlate: an unmapped address gives a non-empty answer"))
			tap_diag("%s", ret < 0 ? strerror((int)-ret) : "empty");
		else
			free(text);
	}
}

/* ---- text views, through "query" and through "target" ---- */

static int text_has_all_starts(const char *text, long *missing)
{
	struct map_ent *maps = NULL;
	size_t nm = 0, i;

	*missing = -1;
	if (user_maps(&maps, &nm, 0, ~0ULL))
		return 0;
	for (i = 0; i < nm; i++)
		if (!pts_text_has_hex(text, maps[i].start)) {
			*missing = (long)i;
			tap_diag("VMA start %#" PRIx64 " (%s) not in the text",
				 maps[i].start, maps[i].name);
			break;
		}
	free(maps);
	return *missing < 0;
}

static void check_text_views(void)
{
	static const char *const views[] = { "vmas", "pt", "ptes", "stats" };
	char line[96], *text = NULL, *t2 = NULL;
	long ret, miss;
	size_t i;
	int fd;

	for (i = 0; i < ARRAY_SIZE(views); i++) {
		snprintf(line, sizeof(line), "pid=%d view=%s\n", (int)target,
			 views[i]);
		ret = pts_query_text(line, &text);
		if (!tap_ok(ret > 0, "text: view=%s reads to EOF with output",
			    views[i])) {
			tap_diag("%s", ret < 0 ? strerror((int)-ret) : "empty");
			continue;
		}
		if (!strcmp(views[i], "vmas"))
			tap_ok(text_has_all_starts(text, &miss),
			       "text: view=vmas lists every VMA start address");
		free(text);
	}

	/* The global target and the per-view files. */
	fd = pts_open("target", O_RDWR);
	ret = fd < 0 ? fd : pts_writef(fd, "pid=%d\n", (int)target);
	if (!tap_ok(!ret, "target: write \"pid=N\"")) {
		tap_diag("%s", strerror((int)-ret));
		if (fd >= 0)
			close(fd);
		return;
	}
	close(fd);
	fd = pts_open("target", O_RDONLY);
	ret = fd < 0 ? fd : pts_read_text_fd(fd, &text);
	if (fd >= 0)
		close(fd);
	snprintf(line, sizeof(line), "%d", (int)target);
	if (tap_ok(ret > 0 && strstr(text, line),
		   "target: reading it shows pid %d", (int)target))
		free(text);
	else if (ret > 0) {
		tap_diag("target reads: %s", text);
		free(text);
	}

	for (i = 0; i < ARRAY_SIZE(views); i++) {
		fd = pts_open(views[i], O_RDONLY);
		ret = fd < 0 ? fd : pts_read_text_fd(fd, &text);
		if (fd >= 0)
			close(fd);
		if (!tap_ok(ret > 0, "text: file %s reads the target with output",
			    views[i])) {
			tap_diag("%s", ret < 0 ? strerror((int)-ret) : "empty");
			continue;
		}
		snprintf(line, sizeof(line), "pid=%d view=%s\n", (int)target,
			 views[i]);
		if (!strcmp(views[i], "vmas") && pts_query_text(line, &t2) > 0) {
			tap_ok(!strcmp(text, t2),
			       "text: file vmas equals query view=vmas");
			free(t2);
		}
		free(text);
	}
}

/*
 * Huge page pools: reserve one more page of each size for the scenario
 * while the test runs, and give them back at the end.  Runtime allocation
 * of a 1 GiB page may fail (fragmentation): the region is then skipped.
 */
struct pool {
	const char *path;
	long old;
	int grown;
};

static struct pool pools[] = {
	{ .path = "/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages" },
	{ .path = "/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages" },
};

static void pools_grow(void)
{
	char buf[32];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(pools); i++) {
		if (read_file_str(pools[i].path, buf, sizeof(buf)))
			continue;
		pools[i].old = atol(buf);
		snprintf(buf, sizeof(buf), "%ld", pools[i].old + 1);
		pools[i].grown = !write_file_str(pools[i].path, buf);
		if (!read_file_str(pools[i].path, buf, sizeof(buf)) &&
		    atol(buf) <= pools[i].old)
			tap_diag("could not reserve a page in %s (still %ld)",
				 pools[i].path, atol(buf));
	}
}

static void pools_restore(void)
{
	char buf[32];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(pools); i++) {
		if (!pools[i].grown)
			continue;
		snprintf(buf, sizeof(buf), "%ld", pools[i].old);
		write_file_str(pools[i].path, buf);
	}
}

int main(void)
{
	char cpuinfo[1 << 16];
	struct scn s;
	int fd, ret, module;

	tap_init();
	if (!read_file_str("/proc/cpuinfo", cpuinfo, sizeof(cpuinfo)))
		nx_supported = strstr(cpuinfo, " nx") != NULL;

	pools_grow();
	ret = scn_start(&s);
	if (!tap_ok(!ret, "scenario child built")) {
		pools_restore();
		tap_diag("%s: %s", s.lay.build_what[0] ? s.lay.build_what :
			 "scn_start", strerror(-ret));
		return tap_done();
	}
	target = s.pid;
	tap_diag("scenario pid %d, %u regions, hint above 128 TiB %s",
		 (int)s.pid, s.lay.nregions,
		 s.lay.high_honoured ? "honoured" : "ignored");
	check_scenario(&s);
	if (!s.lay.high_honoured)
		tap_skip("mmap hint above 128 TiB not honoured: 4-level paging",
			 "scenario high: mapping above 128 TiB");
	if (!scn_find(&s.lay, "hugetlb"))
		tap_diag("no hugetlb region: %s", s.lay.hugetlb_why);
	if (!scn_find(&s.lay, "hugetlb1g"))
		tap_diag("no hugetlb1g region: %s", s.lay.hugetlb1g_why);

	fd = pts_open("query", O_RDWR);
	module = tap_ok(fd >= 0, "open %s", pts_path("query"));
	if (module) {
		close(fd);
		run_walk(&s, "walk 1", 1);
		run_range_walks(&s);
		check_xlate(&s);
		check_text_views();
	} else {
		tap_diag("%s: is ptscope.ko loaded and debugfs mounted? The module checks cannot run",
			 strerror(-fd));
	}

	ret = scn_command(&s, SCN_CMD_SOFTDIRTY);
	if (!tap_ok(!ret, "scenario: clear_refs and rewrite")) {
		tap_diag("%s", strerror(-ret));
	} else if (s.lay.softdirty_err) {
		char why[96];

		if (s.lay.softdirty_err == EOPNOTSUPP)
			snprintf(why, sizeof(why),
				 "kernel without CONFIG_MEM_SOFT_DIRTY (pagemap never shows soft-dirty)");
		else
			snprintf(why, sizeof(why), "writing 4 to clear_refs: %s",
				 strerror(s.lay.softdirty_err));
		tap_skip(why, "walk 2: soft-dirty after clear_refs");
	} else {
		check_scenario(&s);
		if (module)
			run_walk(&s, "walk 2 (after clear_refs)", 1);
	}

	tap_diag("cross-checked %lu pages", pages_crosschecked);
	scn_stop(&s);
	pools_restore();
	return tap_done();
}
