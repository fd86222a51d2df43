// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope diff A B: what changed between two views of an address space.
 * A and B are each a live process (a PID) or a snapshot file.
 *
 * Mappings are paired in four passes over the two address-ordered VMA
 * lists: the same range (a permission change when the perms differ); the
 * same start or the same end (resized); then, among the rest, the same
 * size, name, device, inode and page offset (moved, as mremap() does: it
 * keeps vm_pgoff, also of anonymous VMAs, which the module reports; from
 * /proc an anonymous VMA has offset 0 and must also keep a frame at the
 * same offset).  What is left is removed (A) or added (B).
 *
 * Pages are compared where both A and B have a VMA, in one merge walk of
 * the two address-ordered entry arrays: O(entries), no lookups.  Entries
 * at the same address and size are compared one to one; a huge leaf on
 * one side against smaller leaves on the other is one change for the
 * whole range (collapsed into or split from a THP).  Pages inside added,
 * removed or moved mappings are not listed one by one.  Bits that differ
 * between two processes sharing a frame (accessed, dirty, soft-dirty) and
 * mapcounts are not differences: a page changes when its frame, swap slot
 * or presence does.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pts.h"

static const char *const mc_names[PTS_NR_MC] = {
	[PTS_MC_ADDED] = "added",
	[PTS_MC_REMOVED] = "removed",
	[PTS_MC_MOVED] = "moved",
	[PTS_MC_RESIZED] = "resized",
	[PTS_MC_PERMS] = "perms",
};

static const char *const pc_names[PTS_NR_PC] = {
	[PTS_PC_PRESENT] = "present",
	[PTS_PC_GONE] = "gone",
	[PTS_PC_REMAPPED] = "remapped",
	[PTS_PC_SWAPOUT] = "swapout",
	[PTS_PC_SWAPIN] = "swapin",
	[PTS_PC_COLLAPSE] = "collapse",
	[PTS_PC_SPLIT] = "split",
	[PTS_PC_OTHER] = "other",
};

static const char *const pc_desc[PTS_NR_PC] = {
	[PTS_PC_PRESENT] = "newly present",
	[PTS_PC_GONE] = "gone",
	[PTS_PC_REMAPPED] = "remapped",
	[PTS_PC_SWAPOUT] = "swapped out",
	[PTS_PC_SWAPIN] = "swapped in",
	[PTS_PC_COLLAPSE] = "collapsed into THP",
	[PTS_PC_SPLIT] = "split from THP",
	[PTS_PC_OTHER] = "other",
};

/**
 * pts_mchange_name - name of a mapping change
 * @kind: enum pts_mchange_kind
 *
 * Return: "added", "removed", "moved", "resized" or "perms".
 */
const char *pts_mchange_name(int kind)
{
	return kind >= 0 && kind < PTS_NR_MC ? mc_names[kind] : "?";
}

/**
 * pts_pchange_name - name of a page change
 * @kind: enum pts_pchange_kind
 *
 * Return: "present", "gone", "remapped", "swapout", "swapin", "collapse",
 * "split" or "other".
 */
const char *pts_pchange_name(int kind)
{
	return kind >= 0 && kind < PTS_NR_PC ? pc_names[kind] : "?";
}

/**
 * pts_diff_free - release a diff
 * @d: the diff; left empty
 */
void pts_diff_free(struct pts_diff *d)
{
	free(d->mc);
	free(d->pc);
	memset(d, 0, sizeof(*d));
}

/* ------------------------------------------------------------------ */
/* mappings                                                             */

struct vpair {
	const struct pts_model *a;
	const struct pts_model *b;
	size_t *ma;	/* A's VMA -> B's, PTS_NONE */
	size_t *mb;	/* B's VMA -> A's */
	int *kind;	/* per A VMA: the change of its pair, -1 none */
};

static void pair(struct vpair *p, size_t i, size_t j, int kind)
{
	p->ma[i] = j;
	p->mb[j] = i;
	p->kind[i] = kind;
}

/* pass 1..3: merge the lists by start (@by_end false) or by end */
static void pair_merge(struct vpair *p, bool by_end, bool exact)
{
	const struct pts_vma *va = p->a->vmas, *vb = p->b->vmas;
	size_t i = 0, j = 0;
	__u64 ka, kb;

	while (i < p->a->nr_vmas && j < p->b->nr_vmas) {
		if (p->ma[i] != PTS_NONE) {
			i++;
			continue;
		}
		if (p->mb[j] != PTS_NONE) {
			j++;
			continue;
		}
		ka = by_end ? va[i].end : va[i].start;
		kb = by_end ? vb[j].end : vb[j].start;
		if (ka < kb) {
			i++;
		} else if (ka > kb) {
			j++;
		} else {
			if (!exact)
				pair(p, i, j, PTS_MC_RESIZED);
			else if (va[i].end == vb[j].end &&
				 va[i].start == vb[j].start)
				pair(p, i, j, strcmp(va[i].perms, vb[j].perms) ?
					 PTS_MC_PERMS : -1);
			i++;
			j++;
		}
	}
}

static int ident_cmp(const struct pts_vma *x, const struct pts_vma *y)
{
	__u64 sx = x->end - x->start, sy = y->end - y->start;

	if (sx != sy)
		return sx < sy ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	if (x->pgoff != y->pgoff)
		return x->pgoff < y->pgoff ? -1 : 1;
	if (x->dev_major != y->dev_major)
		return x->dev_major < y->dev_major ? -1 : 1;
	if (x->dev_minor != y->dev_minor)
		return x->dev_minor < y->dev_minor ? -1 : 1;
	return strcmp(x->name ? x->name : "", y->name ? y->name : "");
}

static int idx_cmp(const void *x, const void *y, void *priv)
{
	const struct pts_vma *v = priv;
	int c = ident_cmp(&v[*(const size_t *)x], &v[*(const size_t *)y]);

	if (c)
		return c;
	return *(const size_t *)x < *(const size_t *)y ? -1 : 1;
}

/* first entry index with va >= @va (entries in address order) */
static size_t entry_lb(const struct pts_model *m, __u64 va)
{
	size_t lo = 0, hi = m->nr_entries, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (m->entries[mid].va < va)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* an anonymous VMA known only from /proc: a frame kept at one offset */
static bool same_frames(const struct pts_model *a, const struct pts_vma *x,
			const struct pts_model *b, const struct pts_vma *y)
{
	const struct pts_entry *e, *f;
	size_t i, j;

	for (i = entry_lb(a, x->start); i < a->nr_entries; i++) {
		e = &a->entries[i];
		if (e->va >= x->end)
			break;
		if (e->kind != PTS_PRESENT)
			continue;
		j = entry_lb(b, y->start + (e->va - x->start));
		if (j == b->nr_entries)
			continue;
		f = &b->entries[j];
		if (f->va == y->start + (e->va - x->start) &&
		    f->kind == PTS_PRESENT && f->pfn == e->pfn)
			return true;
	}
	return false;
}

/* pass 4: moved mappings, matched by identity among the rest */
static int pair_moved(struct vpair *p)
{
	const struct pts_vma *va = p->a->vmas, *vb = p->b->vmas;
	size_t *ua, *ub, na = 0, nb = 0, i, j, k;
	int c, err = 0;

	ua = malloc((p->a->nr_vmas + 1) * sizeof(*ua));
	ub = malloc((p->b->nr_vmas + 1) * sizeof(*ub));
	if (!ua || !ub) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < p->a->nr_vmas; i++)
		if (p->ma[i] == PTS_NONE)
			ua[na++] = i;
	for (j = 0; j < p->b->nr_vmas; j++)
		if (p->mb[j] == PTS_NONE)
			ub[nb++] = j;
	qsort_r(ua, na, sizeof(*ua), idx_cmp, (void *)va);
	qsort_r(ub, nb, sizeof(*ub), idx_cmp, (void *)vb);
	i = j = 0;
	while (i < na && j < nb) {
		c = ident_cmp(&va[ua[i]], &vb[ub[j]]);
		if (c < 0) {
			i++;
			continue;
		}
		if (c > 0) {
			j++;
			continue;
		}
		/* equal identities: pair in address order, checking frames */
		for (k = j; k < nb && !ident_cmp(&va[ua[i]], &vb[ub[k]]); k++) {
			if (p->mb[ub[k]] != PTS_NONE)
				continue;
			if (!va[ua[i]].ino && !va[ua[i]].pgoff &&
			    !same_frames(p->a, &va[ua[i]], p->b, &vb[ub[k]]))
				continue;
			pair(p, ua[i], ub[k], PTS_MC_MOVED);
			break;
		}
		i++;
	}
out:
	free(ua);
	free(ub);
	return err;
}

static int mc_cmp(const void *x, const void *y, void *priv)
{
	const struct pts_mchange *m = x, *n = y;
	const struct vpair *p = priv;
	__u64 ax, ay;

	ax = m->a != PTS_NONE ? p->a->vmas[m->a].start : p->b->vmas[m->b].start;
	ay = n->a != PTS_NONE ? p->a->vmas[n->a].start : p->b->vmas[n->b].start;
	if (ax != ay)
		return ax < ay ? -1 : 1;
	return m->a == PTS_NONE ? 1 : -1;	/* removed before added */
}

static int diff_vmas(const struct pts_model *a, const struct pts_model *b,
		     struct pts_diff *d)
{
	struct vpair p = { .a = a, .b = b };
	size_t i, j, n = 0;
	int err = -ENOMEM;

	p.ma = malloc((a->nr_vmas + 1) * sizeof(*p.ma));
	p.mb = malloc((b->nr_vmas + 1) * sizeof(*p.mb));
	p.kind = malloc((a->nr_vmas + 1) * sizeof(*p.kind));
	d->mc = calloc(a->nr_vmas + b->nr_vmas + 1, sizeof(*d->mc));
	if (!p.ma || !p.mb || !p.kind || !d->mc)
		goto out;
	for (i = 0; i < a->nr_vmas; i++) {
		p.ma[i] = PTS_NONE;
		p.kind[i] = -1;
	}
	for (j = 0; j < b->nr_vmas; j++)
		p.mb[j] = PTS_NONE;
	pair_merge(&p, false, true);
	pair_merge(&p, false, false);
	pair_merge(&p, true, false);
	err = pair_moved(&p);
	if (err)
		goto out;
	for (i = 0; i < a->nr_vmas; i++) {
		if (p.ma[i] == PTS_NONE)
			d->mc[n++] = (struct pts_mchange){ PTS_MC_REMOVED, i,
							   PTS_NONE };
		else if (p.kind[i] >= 0)
			d->mc[n++] = (struct pts_mchange){ p.kind[i], i,
							   p.ma[i] };
	}
	for (j = 0; j < b->nr_vmas; j++)
		if (p.mb[j] == PTS_NONE)
			d->mc[n++] = (struct pts_mchange){ PTS_MC_ADDED,
							   PTS_NONE, j };
	qsort_r(d->mc, n, sizeof(*d->mc), mc_cmp, &p);
	d->nr_mc = n;
	for (i = 0; i < n; i++)
		d->mcount[d->mc[i].kind]++;
	err = 0;
out:
	free(p.ma);
	free(p.mb);
	free(p.kind);
	return err;
}

/* ------------------------------------------------------------------ */
/* pages                                                                */

/* is @va inside a VMA of @m; *cur moves forward only */
static bool in_vma(const struct pts_model *m, size_t *cur, __u64 va)
{
	while (*cur < m->nr_vmas && m->vmas[*cur].end <= va)
		(*cur)++;
	return *cur < m->nr_vmas && m->vmas[*cur].start <= va;
}

static int add_pc(struct pts_diff *d, int kind, __u64 va, __u64 size,
		  size_t a, size_t b, __u32 na, __u32 nb)
{
	struct pts_pchange *p;
	size_t ncap;

	if (d->nr_pc == d->cap_pc) {
		ncap = d->cap_pc ? d->cap_pc * 2 : 256;
		p = realloc(d->pc, ncap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		d->pc = p;
		d->cap_pc = ncap;
	}
	d->pc[d->nr_pc++] = (struct pts_pchange){ kind, va, size, a, b, na, nb };
	d->pcount[kind]++;
	d->pbytes[kind] += size;
	return 0;
}

/* one entry against one entry at the same address and size; -1: same */
static int cmp_one(const struct pts_entry *x, const struct pts_entry *y)
{
	if (x->kind == PTS_PRESENT && y->kind == PTS_PRESENT)
		return x->pfn != y->pfn ? PTS_PC_REMAPPED : -1;
	if (x->kind == PTS_SWAP && y->kind == PTS_SWAP)
		return x->swap_type != y->swap_type ||
		       x->swap_offset != y->swap_offset ? PTS_PC_REMAPPED : -1;
	if (x->kind == PTS_PRESENT && y->kind == PTS_SWAP)
		return PTS_PC_SWAPOUT;
	if (x->kind == PTS_SWAP && y->kind == PTS_PRESENT)
		return PTS_PC_SWAPIN;
	/* a migration, device or marker entry on one side */
	if (x->kind == y->kind && x->state == y->state &&
	    x->swap_type == y->swap_type && x->swap_offset == y->swap_offset &&
	    x->pfn == y->pfn)
		return -1;
	return PTS_PC_OTHER;
}

static int only_a(const struct pts_entry *x)
{
	(void)x;
	return PTS_PC_GONE;
}

static int only_b(const struct pts_entry *y)
{
	if (y->kind == PTS_PRESENT)
		return PTS_PC_PRESENT;
	if (y->kind == PTS_SWAP)
		return PTS_PC_SWAPOUT;
	return PTS_PC_OTHER;
}

struct walk {
	const struct pts_model *a;
	const struct pts_model *b;
	size_t i, j;		/* next entries */
	size_t ca, cb;		/* VMA cursors */
};

static bool common(struct walk *w, __u64 va)
{
	bool ia = in_vma(w->a, &w->ca, va);
	bool ib = in_vma(w->b, &w->cb, va);

	return ia && ib;
}

static const struct pts_entry *next_a(struct walk *w)
{
	while (w->i < w->a->nr_entries &&
	       w->a->entries[w->i].kind == PTS_HOLE)
		w->i++;
	return w->i < w->a->nr_entries ? &w->a->entries[w->i] : NULL;
}

static const struct pts_entry *next_b(struct walk *w)
{
	while (w->j < w->b->nr_entries &&
	       w->b->entries[w->j].kind == PTS_HOLE)
		w->j++;
	return w->j < w->b->nr_entries ? &w->b->entries[w->j] : NULL;
}

/* entries of different sizes overlapping: one change for their union */
static int group(struct walk *w, struct pts_diff *d)
{
	const struct pts_entry *x = next_a(w), *y = next_b(w), *big = NULL;
	__u64 lo = x->va < y->va ? x->va : y->va, hi;
	size_t fa = w->i, fb = w->j;
	__u32 na = 0, nb = 0;
	bool more = true, big_a;
	int kind;

	hi = x->va + x->size > y->va + y->size ? x->va + x->size :
						 y->va + y->size;
	while (more) {
		more = false;
		while ((x = next_a(w)) && x->va < hi) {
			if (x->va + x->size > hi)
				hi = x->va + x->size;
			na++;
			w->i++;
			more = true;
		}
		while ((y = next_b(w)) && y->va < hi) {
			if (y->va + y->size > hi)
				hi = y->va + y->size;
			nb++;
			w->j++;
			more = true;
		}
	}
	if (!common(w, lo))
		return 0;
	x = &w->a->entries[fa];
	y = &w->b->entries[fb];
	big_a = na == 1 && x->size > y->size;
	if (big_a)
		big = x;
	else if (nb == 1 && y->size > x->size)
		big = y;
	if (big && big->kind == PTS_PRESENT && big->size > PTS_PAGE_SIZE)
		kind = big_a ? PTS_PC_SPLIT : PTS_PC_COLLAPSE;
	else
		kind = PTS_PC_OTHER;
	return add_pc(d, kind, lo, hi - lo, fa, fb, na, nb);
}

static int diff_pages(const struct pts_model *a, const struct pts_model *b,
		      struct pts_diff *d)
{
	struct walk w = { .a = a, .b = b };
	const struct pts_entry *x, *y;
	int kind, err = 0;

	for (;;) {
		x = next_a(&w);
		y = next_b(&w);
		if (!x && !y)
			break;
		if (x && (!y || x->va + x->size <= y->va)) {
			if (common(&w, x->va))
				err = add_pc(d, only_a(x), x->va, x->size, w.i,
					     PTS_NONE, 1, 0);
			w.i++;
		} else if (y && (!x || y->va + y->size <= x->va)) {
			if (common(&w, y->va))
				err = add_pc(d, only_b(y), y->va, y->size,
					     PTS_NONE, w.j, 0, 1);
			w.j++;
		} else if (x && y && x->va == y->va && x->size == y->size) {
			kind = cmp_one(x, y);
			if (kind >= 0 && common(&w, x->va))
				err = add_pc(d, kind, x->va, x->size, w.i, w.j,
					     1, 1);
			w.i++;
			w.j++;
		} else {
			err = group(&w, d);
		}
		if (err)
			return err;
	}
	return 0;
}

/**
 * pts_diff_compute - the differences from @a to @b
 * @a: the first view
 * @b: the second view
 * @d: filled; free with pts_diff_free()
 *
 * Return: 0 or -ENOMEM.
 */
int pts_diff_compute(const struct pts_model *a, const struct pts_model *b,
		     struct pts_diff *d)
{
	int err;

	memset(d, 0, sizeof(*d));
	err = diff_vmas(a, b, d);
	if (!err)
		err = diff_pages(a, b, d);
	if (err)
		pts_diff_free(d);
	return err;
}

/* ------------------------------------------------------------------ */
/* output                                                               */

static const char *vname(const struct pts_vma *v)
{
	return v->name && *v->name ? v->name : "[anon]";
}

static void side_text(char *buf, size_t len, const struct pts_model *m,
		      size_t idx, __u32 n)
{
	const struct pts_entry *e;
	char sz[16];

	if (idx == PTS_NONE) {
		snprintf(buf, len, "none");
		return;
	}
	e = &m->entries[idx];
	if (n > 1) {
		snprintf(buf, len, "%u entries", n);
		return;
	}
	pts_size_str(sz, sizeof(sz), e->size, false);
	if (e->kind == PTS_PRESENT)
		snprintf(buf, len, "pfn 0x%llx (%s)",
			 (unsigned long long)e->pfn, sz);
	else if (e->kind == PTS_SWAP)
		snprintf(buf, len, "swap %u:0x%llx", e->swap_type,
			 (unsigned long long)e->swap_offset);
	else
		snprintf(buf, len, "nonpresent");
}

static void head_text(FILE *out, const char *tag, const struct pts_model *m,
		      const struct pts_snapinfo *si)
{
	fprintf(out, "%s pid %u (%s), %s, %s%s%s\n", tag, m->pid,
		*si->comm ? si->comm : "?", pts_source_name(m->source),
		*si->time ? si->time : "?", *si->path ? ", " : "", si->path);
}

static void render_plain(struct pts_ctx *ctx, const struct pts_model *a,
			 const struct pts_snapinfo *ia,
			 const struct pts_model *b,
			 const struct pts_snapinfo *ib,
			 const struct pts_diff *d, bool summary, FILE *out)
{
	const struct pts_vma *va, *vb;
	char sa[64], sb[64], sz[16], sz2[16];
	const struct pts_pchange *p;
	size_t i;
	int k;

	head_text(out, "---", a, ia);
	head_text(out, "+++", b, ib);
	fprintf(out, "mappings: %llu added, %llu removed, %llu moved, %llu resized, %llu permissions changed\n",
		(unsigned long long)d->mcount[PTS_MC_ADDED],
		(unsigned long long)d->mcount[PTS_MC_REMOVED],
		(unsigned long long)d->mcount[PTS_MC_MOVED],
		(unsigned long long)d->mcount[PTS_MC_RESIZED],
		(unsigned long long)d->mcount[PTS_MC_PERMS]);
	fprintf(out, "pages:");
	for (k = 0; k < PTS_NR_PC; k++) {
		pts_size_str(sz, sizeof(sz), d->pbytes[k], ctx->bytes);
		fprintf(out, "%s %llu %s (%s)", k ? "," : "",
			(unsigned long long)d->pcount[k], pc_desc[k], sz);
	}
	fputc('\n', out);
	if (summary)
		return;
	for (i = 0; i < d->nr_mc; i++) {
		va = d->mc[i].a != PTS_NONE ? &a->vmas[d->mc[i].a] : NULL;
		vb = d->mc[i].b != PTS_NONE ? &b->vmas[d->mc[i].b] : NULL;
		fprintf(out, "%-9s ", mc_names[d->mc[i].kind]);
		if (va && vb && d->mc[i].kind == PTS_MC_PERMS) {
			fprintf(out, "0x%llx-0x%llx %s -> %s %s\n",
				(unsigned long long)va->start,
				(unsigned long long)va->end, va->perms,
				vb->perms, vname(vb));
		} else if (va && vb) {
			pts_size_str(sz, sizeof(sz), va->end - va->start,
				     ctx->bytes);
			pts_size_str(sz2, sizeof(sz2), vb->end - vb->start,
				     ctx->bytes);
			fprintf(out, "0x%llx-0x%llx -> 0x%llx-0x%llx %s %s -> %s %s\n",
				(unsigned long long)va->start,
				(unsigned long long)va->end,
				(unsigned long long)vb->start,
				(unsigned long long)vb->end, vb->perms, sz,
				sz2, vname(vb));
		} else {
			const struct pts_vma *v = va ? va : vb;

			pts_size_str(sz, sizeof(sz), v->end - v->start,
				     ctx->bytes);
			fprintf(out, "0x%llx-0x%llx %s %s %s\n",
				(unsigned long long)v->start,
				(unsigned long long)v->end, v->perms, sz,
				vname(v));
		}
	}
	for (i = 0; i < d->nr_pc; i++) {
		p = &d->pc[i];
		side_text(sa, sizeof(sa), a, p->a, p->na);
		side_text(sb, sizeof(sb), b, p->b, p->nb);
		pts_size_str(sz, sizeof(sz), p->size, ctx->bytes);
		fprintf(out, "%-9s 0x%llx %s %s -> %s\n", pc_names[p->kind],
			(unsigned long long)p->va, sz, sa, sb);
	}
}

static void json_side(struct pts_jw *w, const char *key,
		      const struct pts_model *m, const struct pts_snapinfo *si)
{
	pts_jw_obj(w, key);
	pts_jw_u64(w, "pid", m->pid);
	pts_jw_str(w, "comm", si->comm);
	pts_jw_str(w, "source", pts_source_name(m->source));
	pts_jw_str(w, "time", si->time);
	pts_jw_str(w, "kernel", si->kernel);
	if (*si->path)
		pts_jw_str(w, "file", si->path);
	else
		pts_jw_null(w, "file");
	pts_jw_arr(w, "notes", false);
	for (size_t i = 0; i < m->nr_notes; i++)
		pts_jw_str(w, NULL, m->notes[i]);
	pts_jw_end(w, ']');
	pts_jw_end(w, '}');
}

static void json_vma(struct pts_jw *w, const char *key,
		     const struct pts_vma *v)
{
	if (!v) {
		pts_jw_null(w, key);
		return;
	}
	pts_jw_obj(w, key);
	pts_jw_hex(w, "start", v->start);
	pts_jw_hex(w, "end", v->end);
	pts_jw_str(w, "perms", v->perms);
	pts_jw_str(w, "kind", pts_vma_kind_name(v->kind));
	pts_jw_str(w, "name", v->name ? v->name : "");
	pts_jw_end(w, '}');
}

static void json_ent(struct pts_jw *w, const char *key,
		     const struct pts_model *m, size_t idx, __u32 n)
{
	const struct pts_entry *e;

	if (idx == PTS_NONE) {
		pts_jw_null(w, key);
		return;
	}
	e = &m->entries[idx];
	pts_jw_obj(w, key);
	pts_jw_u64(w, "entries", n);
	pts_jw_str(w, "type", pts_kind_name(e->kind));
	pts_jw_hex(w, "va", e->va);
	pts_jw_u64(w, "size", e->size);
	if (e->kind == PTS_PRESENT)
		pts_jw_hex(w, "pfn", e->pfn);
	else
		pts_jw_null(w, "pfn");
	if (e->kind == PTS_SWAP) {
		pts_jw_u64(w, "swap_type", e->swap_type);
		pts_jw_hex(w, "swap_offset", e->swap_offset);
	}
	pts_jw_bits(w, "state", e->state, pts_state_names, pts_nr_state_names);
	pts_jw_end(w, '}');
}

static void render_json(struct pts_ctx *ctx, const struct pts_model *a,
			const struct pts_snapinfo *ia,
			const struct pts_model *b,
			const struct pts_snapinfo *ib,
			const struct pts_diff *d, bool summary, FILE *out)
{
	const struct pts_pchange *p;
	struct pts_jw w;
	size_t i;
	int k;

	pts_jw_init(&w, out, ctx->pretty);
	pts_jw_obj(&w, NULL);
	pts_jw_str(&w, "format", "ptscope-diff");
	pts_jw_u64(&w, "version", 1);
	json_side(&w, "a", a, ia);
	json_side(&w, "b", b, ib);
	pts_jw_u64(&w, "differences", d->nr_mc + d->nr_pc);
	pts_jw_obj(&w, "summary");
	pts_jw_obj(&w, "mappings");
	for (k = 0; k < PTS_NR_MC; k++)
		pts_jw_u64(&w, mc_names[k], d->mcount[k]);
	pts_jw_end(&w, '}');
	pts_jw_obj(&w, "pages");
	for (k = 0; k < PTS_NR_PC; k++) {
		pts_jw_obj(&w, pc_names[k]);
		pts_jw_u64(&w, "count", d->pcount[k]);
		pts_jw_u64(&w, "bytes", d->pbytes[k]);
		pts_jw_end(&w, '}');
	}
	pts_jw_end(&w, '}');
	pts_jw_end(&w, '}');
	if (!summary) {
		pts_jw_arr(&w, "mappings", false);
		for (i = 0; i < d->nr_mc; i++) {
			pts_jw_obj(&w, NULL);
			pts_jw_str(&w, "change", mc_names[d->mc[i].kind]);
			json_vma(&w, "a", d->mc[i].a != PTS_NONE ?
				 &a->vmas[d->mc[i].a] : NULL);
			json_vma(&w, "b", d->mc[i].b != PTS_NONE ?
				 &b->vmas[d->mc[i].b] : NULL);
			pts_jw_end(&w, '}');
		}
		pts_jw_end(&w, ']');
		pts_jw_arr(&w, "pages", false);
		for (i = 0; i < d->nr_pc; i++) {
			p = &d->pc[i];
			pts_jw_obj(&w, NULL);
			pts_jw_str(&w, "change", pc_names[p->kind]);
			pts_jw_hex(&w, "va", p->va);
			pts_jw_u64(&w, "size", p->size);
			json_ent(&w, "a", a, p->a, p->na);
			json_ent(&w, "b", b, p->b, p->nb);
			pts_jw_end(&w, '}');
		}
		pts_jw_end(&w, ']');
	}
	pts_jw_end(&w, '}');
}

/**
 * pts_diff_render - print a diff, plain or JSON
 * @ctx: context: -J, -p, -b
 * @a: the first view
 * @ia: where it came from
 * @b: the second view
 * @ib: where it came from
 * @d: the diff
 * @out: the stream
 *
 * Return: 0 or -EIO.
 */
int pts_diff_render(struct pts_ctx *ctx, const struct pts_model *a,
		    const struct pts_snapinfo *ia, const struct pts_model *b,
		    const struct pts_snapinfo *ib, const struct pts_diff *d,
		    FILE *out)
{
	if (ctx->json)
		render_json(ctx, a, ia, b, ib, d, false, out);
	else
		render_plain(ctx, a, ia, b, ib, d, false, out);
	return ferror(out) ? -EIO : 0;
}

/* ------------------------------------------------------------------ */
/* the command                                                          */

static int do_help(struct pts_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(ctx->out,
		"Usage: ptscope [OPTIONS] diff A B [--summary]\n"
		"       ptscope diff help\n"
		"\n"
		"Compare two views of an address space.  A and B are each a PID (taken\n"
		"live) or a snapshot file ('ptscope snapshot'; a file named only with\n"
		"digits is given as ./NAME, '-' is standard input).\n"
		"\n"
		"Mappings: added, removed, moved (mremap), resized, permissions changed.\n"
		"Pages, where both have a mapping: present (newly present), gone,\n"
		"remapped (another frame or swap slot), swapout, swapin, collapse (into a\n"
		"THP), split (from a THP), other (migration, device or marker entries).\n"
		"Accessed, dirty and soft-dirty bits and mapcounts are not differences.\n"
		"\n"
		"  --summary       only the counts, not each change\n"
		"\n"
		"Exit status, as diff(1): 0 no differences, 1 differences, 2 trouble\n"
		"(usage error, unreadable or invalid snapshot, no such process).\n");
	return 0;
}

#define OPT_SUMMARY	(PTS_OPT_BASE + 0)

static int diff_opt(struct pts_ctx *ctx, int c, const char *arg, void *priv)
{
	(void)ctx;
	(void)arg;
	if (c == OPT_SUMMARY)
		*(bool *)priv = true;
	return 0;
}

/**
 * do_diff - the diff object: "diff A B"
 * @ctx: context
 * @argc: arguments
 * @argv: arguments, argv[0] being "diff"
 *
 * Return: 0 when A and B are the same, -PTS_EDIFFER when they differ, or
 * a negative error (exit status 2: pts_ctx.trouble2 is set here).
 */
int do_diff(struct pts_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "summary", no_argument, NULL, OPT_SUMMARY },
		{ NULL, 0, NULL, 0 },
	};
	struct pts_snapinfo *ia = NULL, *ib = NULL;
	struct pts_model a, b;
	struct pts_diff d;
	bool summary = false;
	int i, err;

	ctx->trouble2 = true;
	if (argc > 1 && !strcmp(argv[1], "help"))
		return pts_help(ctx, do_help, argc, argv);
	i = pts_parse_args(ctx, argc, argv, opts, diff_opt, &summary,
			   do_help);
	if (i <= 0)
		return i;
	if (argc - i != 2)
		return pts_usage_error(ctx, "diff: expected A and B (PIDs or snapshot files)");
	if (!strcmp(argv[i], "-") && !strcmp(argv[i + 1], "-"))
		return pts_usage_error(ctx, "diff: standard input can be only one of A and B");

	pts_model_init(&a);
	pts_model_init(&b);
	ia = calloc(1, sizeof(*ia));
	ib = calloc(1, sizeof(*ib));
	if (!ia || !ib) {
		err = pts_error(ctx, ENOMEM, "diff");
		goto out;
	}
	err = pts_snap_arg(ctx, argv[i], &a, ia);
	if (!err)
		err = pts_snap_arg(ctx, argv[i + 1], &b, ib);
	if (err)
		goto out;
	/* a snapshot's notes are about when it was taken: in its file */
	if (!*ia->path)
		pts_print_notes(ctx, &a);
	if (!*ib->path)
		pts_print_notes(ctx, &b);
	if (a.source != b.source && !ctx->json)
		fprintf(ctx->err,
			"ptscope: note: A is from %s, B from %s: huge leaves and levels may be seen differently\n",
			pts_source_name(a.source), pts_source_name(b.source));
	err = pts_diff_compute(&a, &b, &d);
	if (err) {
		err = pts_error(ctx, err, "diff");
		goto out;
	}
	if (ctx->json)
		render_json(ctx, &a, ia, &b, ib, &d, summary, ctx->out);
	else
		render_plain(ctx, &a, ia, &b, ib, &d, summary, ctx->out);
	if (ferror(ctx->out))
		err = pts_error(ctx, EIO, "standard output");
	else if (d.nr_mc || d.nr_pc)
		err = -PTS_EDIFFER;
	pts_diff_free(&d);
out:
	pts_model_free(&a);
	pts_model_free(&b);
	free(ia);
	free(ib);
	return err;
}
