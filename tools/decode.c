// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope: decoders.  The binary record stream of ptscope.ko, the 64-bit
 * entries of /proc/PID/pagemap, /proc/kpageflags bits and /proc/PID/maps
 * lines, each turned into the model.  No I/O here.
 */
#include <errno.h>
#include <linux/kernel-page-flags.h>
#include <stdlib.h>
#include <string.h>

#include "pts.h"

_Static_assert(sizeof(struct ptscope_rec_header) == PTSCOPE_REC_SIZE,
	       "header record size");
_Static_assert(sizeof(struct ptscope_rec_vma) == PTSCOPE_REC_SIZE,
	       "vma record size");
_Static_assert(sizeof(struct ptscope_rec_entry) == PTSCOPE_REC_SIZE,
	       "entry record size");
_Static_assert(sizeof(struct ptscope_rec_level) == PTSCOPE_REC_SIZE,
	       "level record size");
_Static_assert(sizeof(struct ptscope_rec_stats) == PTSCOPE_REC_SIZE,
	       "stats record size");
_Static_assert(sizeof(struct ptscope_rec_end) == PTSCOPE_REC_SIZE,
	       "end record size");

#define VM_READ		0x00000001ULL
#define VM_WRITE	0x00000002ULL
#define VM_EXEC		0x00000004ULL
#define VM_MAYSHARE	0x00000080ULL

/**
 * pts_decoder_init - start decoding a record stream into @m
 * @d: decoder
 * @m: model, initialised by the caller
 */
void pts_decoder_init(struct pts_decoder *d, struct pts_model *m)
{
	memset(d, 0, sizeof(*d));
	d->m = m;
	d->cur_vma = -1;
}

static int bad(struct pts_decoder *d, int err, const char *msg)
{
	snprintf(d->msg, sizeof(d->msg), "record %llu: %s",
		 (unsigned long long)d->nr, msg);
	return err;
}

/*
 * With 4-level paging the P4D is folded into the PGD: both name the top
 * table.  The module may report it as either; the tool calls it PGD.
 */
static __u32 norm_level(const struct pts_decoder *d, __u32 level)
{
	if (d->m->arch.levels == 4 && level == PTSCOPE_LVL_P4D)
		return PTSCOPE_LVL_PGD;
	return level;
}

static int dec_header(struct pts_decoder *d, const void *p)
{
	struct ptscope_rec_header h;
	struct pts_model *m = d->m;

	memcpy(&h, p, sizeof(h));
	if (h.magic != PTSCOPE_MAGIC)
		return bad(d, -EBADMSG, "bad magic");
	if (h.rec_size != PTSCOPE_REC_SIZE)
		return bad(d, -EBADMSG, "bad record size");
	if (h.version != PTSCOPE_ABI_VERSION) {
		snprintf(d->msg, sizeof(d->msg),
			 "ABI version %u, this tool speaks %u", h.version,
			 (unsigned int)PTSCOPE_ABI_VERSION);
		return -EPROTONOSUPPORT;
	}
	if (h.pgtable_levels != 4 && h.pgtable_levels != 5)
		return bad(d, -EBADMSG, "bad number of page-table levels");
	if (h.page_shift != PTS_PAGE_SHIFT)
		return bad(d, -EBADMSG, "unsupported page size");
	if (h.start > h.end)
		return bad(d, -EBADMSG, "reversed range");

	m->source = PTS_SRC_MODULE;
	m->pid = h.pid;
	m->start = h.start;
	m->end = h.end;
	m->arch.levels = h.pgtable_levels;
	m->arch.page_shift = h.page_shift;
	m->arch.virt_bits = h.virt_bits;
	m->arch.phys_bits = h.phys_bits;
	m->arch.task_size = h.task_size;
	m->arch.max_pfn = h.max_pfn;
	m->arch.features = h.features;
	m->known = PTS_K_LEVEL | PTS_K_RAW | PTS_K_TABLES | PTS_K_PKEY |
		   PTS_K_PFN | PTS_K_VMFLAGS;
	if (h.features & PTSCOPE_FEAT_PAGE_STATE)
		m->known |= PTS_K_MAPCOUNT | PTS_K_REFCOUNT | PTS_K_FOLIO;
	m->flags_known = ~0ULL;
	d->header = true;
	return 0;
}

static int dec_vma(struct pts_decoder *d, const void *p)
{
	struct ptscope_rec_vma r;
	char name[sizeof(r.name) + 1];
	struct pts_vma *v;

	memcpy(&r, p, sizeof(r));
	if (r.start >= r.end)
		return bad(d, -EBADMSG, "empty or reversed VMA");
	if (d->cur_vma >= 0 && r.index != d->abi_vma + 1)
		return bad(d, -EBADMSG, "VMA index out of order");
	if (d->cur_vma >= 0 && r.start < d->m->vmas[d->cur_vma].end)
		return bad(d, -EBADMSG, "VMAs overlap or are out of order");

	memcpy(name, r.name, sizeof(r.name));
	name[sizeof(r.name)] = '\0';
	v = pts_model_add_vma(d->m);
	if (!v)
		return -ENOMEM;
	v->name = strdup(name);
	if (!v->name)
		return -ENOMEM;
	v->start = r.start;
	v->end = r.end;
	v->vm_flags = r.vm_flags;
	v->pgoff = r.pgoff;
	v->ino = r.ino;
	v->dev_major = r.dev_major;
	v->dev_minor = r.dev_minor;
	v->kind = r.kind;
	v->perms[0] = r.vm_flags & VM_READ ? 'r' : '-';
	v->perms[1] = r.vm_flags & VM_WRITE ? 'w' : '-';
	v->perms[2] = r.vm_flags & VM_EXEC ? 'x' : '-';
	v->perms[3] = r.vm_flags & VM_MAYSHARE ? 's' : 'p';
	v->perms[4] = '\0';
	pts_vmflags_str(v->flagstr, sizeof(v->flagstr), r.vm_flags);
	d->cur_vma = d->m->nr_vmas - 1;
	d->abi_vma = r.index;
	return 0;
}

static int dec_entry(struct pts_decoder *d, const void *p)
{
	struct ptscope_rec_entry r;
	struct pts_entry *e;

	memcpy(&r, p, sizeof(r));
	if (d->cur_vma < 0)
		return bad(d, -EBADMSG, "entry before any VMA");
	if (r.vma_index != d->abi_vma)
		return bad(d, -EBADMSG, "entry of another VMA");
	if (r.level >= PTSCOPE_NR_LEVELS)
		return bad(d, -EBADMSG, "bad level");
	if (!r.size || r.va + r.size < r.va)
		return bad(d, -EBADMSG, "bad entry size");

	r.level = norm_level(d, r.level);
	if (r.type == PTSCOPE_REC_HOLE)
		return pts_model_add_hole(d->m, d->cur_vma, r.va, r.size,
					  r.level);

	e = pts_model_add_entry(d->m);
	if (!e)
		return -ENOMEM;
	e->va = r.va;
	e->size = r.size;
	e->level = r.level;
	e->vma = d->cur_vma;
	e->raw = r.raw;
	e->pfn = r.pfn;
	e->flags = r.flags;
	e->state = r.state;
	e->pkey = r.pkey;
	e->mapcount = r.mapcount;
	e->refcount = r.refcount;
	e->folio_order = r.folio_order;
	e->swap_type = r.swap_type;
	e->swap_offset = r.swap_offset;
	/* a PROT_NONE entry still maps its frame (pte_present(), pagemap) */
	if (r.flags & (PTSCOPE_F_PRESENT | PTSCOPE_F_PROTNONE))
		e->kind = PTS_PRESENT;
	else if (r.state & PTSCOPE_S_SWAP)
		e->kind = PTS_SWAP;
	else
		e->kind = PTS_NONPRESENT;
	pts_model_count(d->m, e);
	return 0;
}

static int dec_level(struct pts_decoder *d, const void *p)
{
	struct ptscope_rec_level r;
	struct pts_step *s;
	size_t i;

	memcpy(&r, p, sizeof(r));
	if (r.level >= PTSCOPE_NR_LEVELS)
		return bad(d, -EBADMSG, "bad level");
	r.level = norm_level(d, r.level);
	for (i = 0; i < d->m->nr_steps; i++)
		if (d->m->steps[i].level == (int)r.level)
			return 0;	/* the folded level twice: same table */
	if (d->m->nr_steps >= PTSCOPE_NR_LEVELS)
		return bad(d, -EBADMSG, "too many LEVEL records");
	s = &d->m->steps[d->m->nr_steps++];
	s->level = r.level;
	s->table_pa = r.table_pa;
	s->entry_pa = r.entry_pa;
	s->raw = r.raw;
	s->flags = r.flags;
	s->index = r.index;
	s->shift = r.shift;
	s->leaf = r.leaf;
	s->present = r.present;
	s->pa = r.pa;
	d->m->known |= PTS_K_XLATE;
	return 0;
}

static int dec_stats(struct pts_decoder *d, const void *p)
{
	struct ptscope_rec_stats r;
	struct pts_stats *s = &d->m->stats;

	memcpy(&r, p, sizeof(r));
	if (s->valid)
		return bad(d, -EBADMSG, "second STATS record");
	s->valid = true;
	s->nr_levels = r.nr_levels;
	memcpy(s->tables, r.tables, sizeof(s->tables));
	memcpy(s->leaves, r.leaves, sizeof(s->leaves));
	if (d->m->arch.levels == 4) {
		/* one top table, whichever level the module counted it at */
		if (s->tables[PTSCOPE_LVL_P4D] > s->tables[PTSCOPE_LVL_PGD])
			s->tables[PTSCOPE_LVL_PGD] = s->tables[PTSCOPE_LVL_P4D];
		s->tables[PTSCOPE_LVL_P4D] = 0;
		s->leaves[PTSCOPE_LVL_PGD] += s->leaves[PTSCOPE_LVL_P4D];
		s->leaves[PTSCOPE_LVL_P4D] = 0;
	}
	s->nonpresent = r.nonpresent;
	s->holes = r.holes;
	return 0;
}

static int dec_end(struct pts_decoder *d, const void *p)
{
	struct ptscope_rec_end r;

	memcpy(&r, p, sizeof(r));
	if (r.nr_records != d->nr)
		return bad(d, -EBADMSG, "END record count does not match");
	d->m->end_error = r.error;
	d->done = true;
	return 0;
}

static int dec_one(struct pts_decoder *d, const void *p)
{
	__u32 type;

	memcpy(&type, p, sizeof(type));
	if (d->done)
		return bad(d, -EBADMSG, "record after END");
	if (!d->header && type != PTSCOPE_REC_HEADER)
		return bad(d, -EBADMSG, "stream does not start with a header");

	switch (type) {
	case PTSCOPE_REC_HEADER:
		if (d->header)
			return bad(d, -EBADMSG, "second header");
		return dec_header(d, p);
	case PTSCOPE_REC_VMA:
		return dec_vma(d, p);
	case PTSCOPE_REC_ENTRY:
	case PTSCOPE_REC_HOLE:
		return dec_entry(d, p);
	case PTSCOPE_REC_LEVEL:
		return dec_level(d, p);
	case PTSCOPE_REC_STATS:
		return dec_stats(d, p);
	case PTSCOPE_REC_END:
		return dec_end(d, p);
	default:
		/* a newer module may add record types: skip them */
		return 0;
	}
}

/**
 * pts_decode_feed - decode whole records
 * @d: decoder
 * @buf: records as read from the query file
 * @len: a multiple of PTSCOPE_REC_SIZE
 *
 * Return: 0, -EINVAL for a partial record, -EBADMSG for a malformed
 * stream, -EPROTONOSUPPORT for another ABI version, -ENOMEM.  @d->msg
 * says what was wrong.
 */
int pts_decode_feed(struct pts_decoder *d, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	int err;

	if (len % PTSCOPE_REC_SIZE) {
		snprintf(d->msg, sizeof(d->msg),
			 "%zu bytes is not a whole number of records", len);
		return -EINVAL;
	}
	for (; len; p += PTSCOPE_REC_SIZE, len -= PTSCOPE_REC_SIZE) {
		err = dec_one(d, p);
		if (err)
			return err;
		d->nr++;
	}
	return 0;
}

/**
 * pts_decode_finish - check that the stream was complete
 * @d: decoder
 *
 * Return: 0; -EPROTO when the stream ended before its END record (the
 * model is partial); or the negative errno the module's walk stopped on.
 */
int pts_decode_finish(struct pts_decoder *d)
{
	if (!d->header) {
		snprintf(d->msg, sizeof(d->msg), "empty record stream");
		return -EPROTO;
	}
	if (!d->done) {
		snprintf(d->msg, sizeof(d->msg),
			 "stream ended after %llu records without END: partial result",
			 (unsigned long long)d->nr);
		return -EPROTO;
	}
	if (d->m->end_error) {
		snprintf(d->msg, sizeof(d->msg), "walk cut short");
		return -d->m->end_error;
	}
	return 0;
}

/**
 * pts_pagemap_decode - decode one /proc/PID/pagemap entry
 * @e: the entry
 * @pm: decoded
 *
 * Bits 0-54 PFN (present) or swap type (0-4) and offset (5-54) (swapped),
 * 55 soft-dirty, 56 exclusively mapped, 57 uffd-wp, 61 file page or
 * shared anon, 62 swapped, 63 present.
 */
void pts_pagemap_decode(__u64 e, struct pts_pm *pm)
{
	memset(pm, 0, sizeof(*pm));
	pm->present = e & PTS_PM_PRESENT;
	pm->swapped = e & PTS_PM_SWAP;
	pm->file_shared = e & PTS_PM_FILE;
	pm->exclusive = e & PTS_PM_EXCLUSIVE;
	pm->soft_dirty = e & PTS_PM_SOFT_DIRTY;
	pm->uffd_wp = e & PTS_PM_UFFD_WP;
	if (pm->present) {
		pm->pfn = e & PTS_PM_PFN_MASK;
	} else if (pm->swapped) {
		pm->swap_type = e & 0x1f;
		pm->swap_offset = (e & PTS_PM_PFN_MASK) >> 5;
	}
}

#define KPF(x)	(1ULL << KPF_##x)

/**
 * pts_kpf_state - page state (PTSCOPE_S_*) from /proc/kpageflags bits
 * @kpf: the bits of one page
 * @huge_leaf: the page is mapped by a PMD or PUD leaf
 *
 * Return: PTSCOPE_S_* bits.
 */
__u64 pts_kpf_state(__u64 kpf, bool huge_leaf)
{
	__u64 s = 0;

	if (kpf & KPF(NOPAGE))
		return PTSCOPE_S_NO_PAGE;
	if (kpf & KPF(ZERO_PAGE))
		return kpf & KPF(THP) ? PTSCOPE_S_HUGE_ZERO : PTSCOPE_S_ZERO;
	if (kpf & KPF(KSM))
		s |= PTSCOPE_S_KSM;
	if (kpf & KPF(ANON))
		s |= PTSCOPE_S_ANON;
	else if (kpf & KPF(SWAPBACKED))
		s |= PTSCOPE_S_SHMEM;
	else
		s |= PTSCOPE_S_FILE;
	if (kpf & KPF(HUGE))
		s |= PTSCOPE_S_HUGETLB;
	else if (kpf & KPF(THP) && huge_leaf)
		s |= PTSCOPE_S_THP;
	else if (kpf & (KPF(THP) | KPF(COMPOUND_HEAD) | KPF(COMPOUND_TAIL)))
		s |= PTSCOPE_S_LARGE_FOLIO;
	if (kpf & KPF(DIRTY))
		s |= PTSCOPE_S_PAGE_DIRTY;
	return s;
}

/**
 * pts_parse_maps_line - parse one /proc/PID/maps (or smaps header) line
 * @line: "start-end perms offset major:minor inode   name"
 * @v: filled; @v->name is allocated
 *
 * Return: 0, -EINVAL when @line is not a maps line, -ENOMEM.
 */
int pts_parse_maps_line(const char *line, struct pts_vma *v)
{
	unsigned long long start, end, off, ino;
	unsigned int maj, min;
	char perms[8];
	const char *name;
	size_t len;
	int pos = 0;

	if (sscanf(line, "%llx-%llx %7s %llx %x:%x %llu%n", &start, &end,
		   perms, &off, &maj, &min, &ino, &pos) != 7 || !pos)
		return -EINVAL;
	if (strlen(perms) != 4 || start >= end)
		return -EINVAL;
	name = line + pos;
	while (*name == ' ' || *name == '\t')
		name++;
	len = strcspn(name, "\n");

	v->name = strndup(name, len);
	if (!v->name)
		return -ENOMEM;
	v->start = start;
	v->end = end;
	memcpy(v->perms, perms, 5);
	v->pgoff = off >> PTS_PAGE_SHIFT;
	v->dev_major = maj;
	v->dev_minor = min;
	v->ino = ino;
	return 0;
}

/**
 * pts_vma_kind_guess - PTSCOPE_VMA_* for a VMA read from /proc
 * @v: the VMA, with name, perms, inode and page size filled in
 *
 * Return: the kind.
 */
__u32 pts_vma_kind_guess(const struct pts_vma *v)
{
	const char *n = v->name ? v->name : "";

	if (!strcmp(n, "[heap]"))
		return PTSCOPE_VMA_HEAP;
	if (!strncmp(n, "[stack", 6))
		return PTSCOPE_VMA_STACK;
	if (!strcmp(n, "[vdso]"))
		return PTSCOPE_VMA_VDSO;
	if (!strncmp(n, "[vvar", 5))
		return PTSCOPE_VMA_VVAR;
	if (v->page_size > PTS_PAGE_SIZE)
		return PTSCOPE_VMA_HUGETLB;
	if (!strncmp(n, "[anon_shmem:", 12) || !strncmp(n, "/memfd:", 7) ||
	    !strncmp(n, "/dev/zero", 9) || !strncmp(n, "/SYSV", 5))
		return PTSCOPE_VMA_SHMEM;
	if (!strncmp(n, "[anon:", 6))
		return PTSCOPE_VMA_ANON;
	if (n[0] == '[')
		return PTSCOPE_VMA_SPECIAL;
	if (n[0] == '/' || v->ino)
		return PTSCOPE_VMA_FILE;
	return PTSCOPE_VMA_ANON;
}

static bool thp_pmd_guess(const struct pts_fill *f, size_t i, __u64 va)
{
	size_t j, n = PTS_SZ_2M / PTS_PAGE_SIZE;
	struct pts_pm pm, next;

	if (!f->guess_thp || !f->kpf || f->pmd_budget < PTS_SZ_2M)
		return false;
	if (va & (PTS_SZ_2M - 1) || i + n > f->nr)
		return false;
	if (!(f->kpf[i] & KPF(THP)) || !(f->kpf[i] & KPF(COMPOUND_HEAD)))
		return false;
	pts_pagemap_decode(f->pm[i], &pm);
	if (pm.pfn & (n - 1))
		return false;
	for (j = 1; j < n; j++) {
		pts_pagemap_decode(f->pm[i + j], &next);
		if (!next.present || next.pfn != pm.pfn + j)
			return false;
	}
	return true;
}

/**
 * pts_fill_pagemap - put pagemap values for consecutive pages into the model
 * @m: the model
 * @f: the pages
 *
 * Pages neither present nor swapped become holes; swapped pages of types
 * from PTS_SWP_TYPE_SPECIAL on become PTS_NONPRESENT entries (counted in
 * @f->special), the rest swap entries.  A present page in a
 * huge-mapped range (@f->huge) becomes one leaf for the whole huge page
 * (clipped to the range); 4K pages are PTE leaves.  Page state comes from
 * kpageflags when given, else from the pagemap file/shared bit.
 *
 * Return: 0 or -ENOMEM.
 */
int pts_fill_pagemap(struct pts_model *m, struct pts_fill *f)
{
	__u64 va, leaf, end, lim = f->va + f->nr * PTS_PAGE_SIZE;
	struct pts_entry *e;
	struct pts_pm pm;
	__u32 vkind;
	size_t i = 0;

	vkind = f->vma < m->nr_vmas ? m->vmas[f->vma].kind : PTSCOPE_VMA_ANON;
	while (i < f->nr) {
		va = f->va + i * PTS_PAGE_SIZE;
		pts_pagemap_decode(f->pm[i], &pm);
		if (!pm.present && !pm.swapped) {
			if (pts_model_add_hole(m, f->vma, va, PTS_PAGE_SIZE,
					       PTS_LVL_UNKNOWN))
				return -ENOMEM;
			i++;
			continue;
		}
		e = pts_model_add_entry(m);
		if (!e)
			return -ENOMEM;
		e->vma = f->vma;
		e->va = va;
		e->size = PTS_PAGE_SIZE;
		e->level = PTSCOPE_LVL_PTE;
		if (pm.soft_dirty)
			e->flags |= PTSCOPE_F_SOFT_DIRTY;
		if (pm.uffd_wp)
			e->flags |= PTSCOPE_F_UFFD_WP;
		if (pm.exclusive)
			e->state |= PTS_S_MAPPED_EXCL;

		if (pm.swapped) {
			if (pm.swap_type >= PTS_SWP_TYPE_SPECIAL) {
				/* not swap: which kind pagemap does not say */
				e->kind = PTS_NONPRESENT;
				e->state |= PTSCOPE_S_NONPRESENT;
				f->special++;
			} else {
				e->kind = PTS_SWAP;
				e->state |= PTSCOPE_S_SWAP |
					    PTSCOPE_S_NONPRESENT;
			}
			e->swap_type = pm.swap_type;
			e->swap_offset = pm.swap_offset;
			pts_model_count(m, e);
			i++;
			continue;
		}

		e->kind = PTS_PRESENT;
		e->flags |= PTSCOPE_F_PRESENT;
		e->pfn = pm.pfn;
		leaf = f->huge;
		if (!leaf && thp_pmd_guess(f, i, va)) {
			leaf = PTS_SZ_2M;
			f->pmd_budget -= PTS_SZ_2M;
		}
		if (leaf > PTS_PAGE_SIZE) {
			end = (va & ~(leaf - 1)) + leaf;
			if (end > lim)
				end = lim;
			e->size = end - va;
			e->level = pts_level_of_size(leaf);
		}
		if (f->kpf) {
			e->kpf = f->kpf[i];
			e->state |= pts_kpf_state(f->kpf[i], leaf > PTS_PAGE_SIZE);
		} else if (!pm.file_shared) {
			e->state |= PTSCOPE_S_ANON;
		} else {
			e->state |= vkind == PTSCOPE_VMA_SHMEM ?
				    PTSCOPE_S_SHMEM : PTSCOPE_S_FILE;
		}
		if (f->kpc)
			e->mapcount = f->kpc[i];
		pts_model_count(m, e);
		i += e->size / PTS_PAGE_SIZE;
	}
	return 0;
}
