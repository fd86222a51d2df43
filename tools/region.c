// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope: the layout model.  The VMAs of a model and the program headers
 * of the executable become the boxes of the textbook picture: text, data,
 * BSS, heap, libraries, anonymous mappings, stack, vdso/vvar, the gaps
 * between them, the non-canonical hole and the kernel half, bottom up and
 * covering all 2^64 addresses.  Pure: no I/O here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pts.h"

static const struct {
	const char *name;
	const char *desc;
} rg_names[PTS_NR_RG] = {
	[PTS_RG_GAP] = { "gap", "unmapped" },
	[PTS_RG_GAP_HIGH] = { "gap-high", "unmapped, needs an mmap hint" },
	[PTS_RG_TEXT] = { "text", "code of the executable" },
	[PTS_RG_RODATA] = { "rodata", "read-only data of the executable" },
	[PTS_RG_RELRO] = { "relro", "data, read-only after relocation" },
	[PTS_RG_DATA] = { "data", "initialised data of the executable" },
	[PTS_RG_BSS] = { "bss", "zero-initialised data of the executable" },
	[PTS_RG_HEAP] = { "heap", "brk heap" },
	[PTS_RG_LIB] = { "lib", "shared library" },
	[PTS_RG_FILE] = { "file", "file mapping" },
	[PTS_RG_ANON] = { "anon", "anonymous mapping" },
	[PTS_RG_SHMEM] = { "shmem", "shared memory" },
	[PTS_RG_HUGETLB] = { "hugetlb", "hugetlbfs mapping" },
	[PTS_RG_STACK] = { "stack", "main thread stack" },
	[PTS_RG_VDSO] = { "vdso", "kernel-provided code" },
	[PTS_RG_VVAR] = { "vvar", "kernel-provided data" },
	[PTS_RG_SPECIAL] = { "special", "special mapping" },
	[PTS_RG_GUARD] = { "guard", "last user page, never mapped" },
	[PTS_RG_HOLE] = { "hole", "non-canonical addresses" },
	[PTS_RG_KERNEL] = { "kernel", "kernel space" },
	[PTS_RG_VSYSCALL] = { "vsyscall", "legacy vsyscall page" },
};

/**
 * pts_region_type_name - short name of a region type, as in JSON
 * @type: enum pts_region_type
 *
 * Return: a static string.
 */
const char *pts_region_type_name(int type)
{
	if (type < 0 || type >= PTS_NR_RG)
		return "?";
	return rg_names[type].name;
}

/**
 * pts_region_type_desc - what a region type holds, in a few words
 * @type: enum pts_region_type
 *
 * Return: a static string.
 */
const char *pts_region_type_desc(int type)
{
	if (type < 0 || type >= PTS_NR_RG)
		return "?";
	return rg_names[type].desc;
}

static struct pts_region *add(struct pts_layout *l, __u64 start, __u64 size,
			      int type)
{
	struct pts_region *r;
	size_t ncap;

	if (l->nr_regions == l->cap_regions) {
		ncap = l->cap_regions ? l->cap_regions * 2 : 32;
		r = realloc(l->regions, ncap * sizeof(*r));
		if (!r)
			return NULL;
		l->regions = r;
		l->cap_regions = ncap;
	}
	r = &l->regions[l->nr_regions++];
	memset(r, 0, sizeof(*r));
	r->start = start;
	r->size = size;
	r->type = type;
	return r;
}

/* an unmapped user range, split at the 47-bit window with 5 levels */
static int add_gap(struct pts_layout *l, __u64 start, __u64 end)
{
	__u64 w = l->map_window;

	if (start >= end)
		return 0;
	if (w && start < w && end > w) {
		if (!add(l, start, w - start, PTS_RG_GAP))
			return -ENOMEM;
		start = w;
	}
	if (!add(l, start, end - start,
		 w && start >= w ? PTS_RG_GAP_HIGH : PTS_RG_GAP))
		return -ENOMEM;
	return 0;
}

static bool name_eq(const char *vma_name, const char *path)
{
	size_t n;

	if (!vma_name || !*vma_name || !*path)
		return false;
	if (!strcmp(vma_name, path))
		return true;
	/* the module's names are cut at 63 bytes */
	n = strlen(vma_name);
	return n == sizeof(((struct ptscope_rec_vma *)0)->name) - 1 &&
	       !strncmp(vma_name, path, n);
}

/* any file-backed VMA: an initramfs or tmpfs file counts as shmem */
static bool is_exe(const struct pts_exe *exe, const struct pts_vma *v)
{
	if (v->kind != PTSCOPE_VMA_FILE && v->kind != PTSCOPE_VMA_SHMEM)
		return false;
	if (exe->ino && v->ino == exe->ino &&
	    ((v->dev_major == exe->dev_major && v->dev_minor == exe->dev_minor) ||
	     name_eq(v->name, exe->path)))
		return true;
	return !exe->ino && name_eq(v->name, exe->path);
}

static bool is_lib(const char *name)
{
	const char *base = name ? strrchr(name, '/') : NULL;
	const char *so;

	base = base ? base + 1 : name;
	so = base ? strstr(base, ".so") : NULL;
	return so && (so[3] == '\0' || so[3] == '.');
}

static __u64 page_down(__u64 a)
{
	return a & ~(PTS_PAGE_SIZE - 1);
}

static __u64 page_up(__u64 a)
{
	return (a + PTS_PAGE_SIZE - 1) & ~(PTS_PAGE_SIZE - 1);
}

/* the load bias, from the exe VMA that maps a segment's first page */
static void find_bias(struct pts_layout *l, const struct pts_model *m)
{
	const struct pts_exe *exe = l->exe;
	const struct pts_vma *v;
	size_t i, j;

	if (!exe->elf_ok)
		return;
	for (i = 0; i < m->nr_vmas; i++) {
		v = &m->vmas[i];
		if (!is_exe(exe, v))
			continue;
		for (j = 0; j < exe->nr_segs; j++) {
			if (page_down(exe->segs[j].offset) !=
			    v->pgoff << PTS_PAGE_SHIFT)
				continue;
			l->bias = v->start - page_down(exe->segs[j].vaddr);
			l->bias_known = true;
			return;
		}
	}
}

/* the segment overlapping [start, end) most, or NULL */
static const struct pts_segment *find_seg(const struct pts_layout *l,
					  __u64 start, __u64 end)
{
	const struct pts_segment *best = NULL, *s;
	__u64 a, b, lo, hi, most = 0;
	size_t i;

	if (!l->bias_known)
		return NULL;
	for (i = 0; i < l->exe->nr_segs; i++) {
		s = &l->exe->segs[i];
		a = l->bias + page_down(s->vaddr);
		b = l->bias + page_up(s->vaddr + s->memsz);
		lo = a > start ? a : start;
		hi = b < end ? b : end;
		if (lo < hi && hi - lo > most) {
			most = hi - lo;
			best = s;
		}
	}
	return best;
}

static void set_vma(struct pts_region *r, const struct pts_vma *v)
{
	size_t n = strlen(r->perms);

	if (n && n + 6 < sizeof(r->perms))
		r->perms[n++] = ',';
	if (n + 5 < sizeof(r->perms))
		memcpy(r->perms + n, v->perms, 5);
	r->nr_vmas++;
	if (!r->name)
		r->name = v->name;
}

/* a VMA of the executable: text, rodata, relro, data (+ bss in its tail) */
static int add_exe_vma(struct pts_layout *l, const struct pts_vma *v)
{
	const struct pts_segment *s = find_seg(l, v->start, v->end);
	bool w = v->perms[1] == 'w';
	struct pts_region *r;
	__u64 bss;
	int type;

	if (!s)
		type = v->perms[2] == 'x' ? PTS_RG_TEXT :
		       w ? PTS_RG_DATA : PTS_RG_RODATA;
	else if (s->kind == PTS_SEG_TEXT)
		type = PTS_RG_TEXT;
	else if (s->kind == PTS_SEG_RODATA)
		type = PTS_RG_RODATA;
	else
		type = w ? PTS_RG_DATA : PTS_RG_RELRO;

	if (type == PTS_RG_DATA && s && s->filesz < s->memsz) {
		bss = l->bias + s->vaddr + s->filesz;
		if (bss > v->start && bss < v->end) {
			r = add(l, v->start, bss - v->start, PTS_RG_DATA);
			if (!r)
				return -ENOMEM;
			set_vma(r, v);
			r = add(l, bss, v->end - bss, PTS_RG_BSS);
			if (!r)
				return -ENOMEM;
			set_vma(r, v);
			r->nr_vmas = 0;	/* the tail of the data VMA */
			return 0;
		}
	}
	r = add(l, v->start, v->end - v->start, type);
	if (!r)
		return -ENOMEM;
	set_vma(r, v);
	return 0;
}

/* an anonymous VMA holding the executable's BSS beyond its file pages */
static bool is_bss(const struct pts_layout *l, const struct pts_vma *v)
{
	const struct pts_segment *s;
	__u64 a, b;
	size_t i;

	if (v->kind != PTSCOPE_VMA_ANON || !l->bias_known)
		return false;
	for (i = 0; i < l->exe->nr_segs; i++) {
		s = &l->exe->segs[i];
		if (s->kind != PTS_SEG_DATA || s->filesz >= s->memsz)
			continue;
		a = l->bias + s->vaddr + s->filesz;
		b = l->bias + page_up(s->vaddr + s->memsz);
		if (v->start < b && v->end > a)
			return true;
	}
	return false;
}

static int vma_type(const struct pts_vma *v)
{
	switch (v->kind) {
	case PTSCOPE_VMA_HEAP:
		return PTS_RG_HEAP;
	case PTSCOPE_VMA_STACK:
		return PTS_RG_STACK;
	case PTSCOPE_VMA_VDSO:
		return PTS_RG_VDSO;
	case PTSCOPE_VMA_VVAR:
		return PTS_RG_VVAR;
	case PTSCOPE_VMA_SHMEM:
		return is_lib(v->name) ? PTS_RG_LIB : PTS_RG_SHMEM;
	case PTSCOPE_VMA_HUGETLB:
		return PTS_RG_HUGETLB;
	case PTSCOPE_VMA_SPECIAL:
		return PTS_RG_SPECIAL;
	case PTSCOPE_VMA_FILE:
		return is_lib(v->name) ? PTS_RG_LIB : PTS_RG_FILE;
	default:
		return PTS_RG_ANON;
	}
}

static int add_vmas(struct pts_layout *l, const struct pts_model *m)
{
	struct pts_region *r = NULL;
	const struct pts_vma *v;
	__u64 cursor = 0;
	size_t i;
	int type, err;

	for (i = 0; i < m->nr_vmas; i++) {
		v = &m->vmas[i];
		if (v->start < cursor || v->start >= l->user_end)
			continue;	/* overlapping or beyond user space */
		err = add_gap(l, cursor, v->start);
		if (err)
			return err;
		cursor = v->end;
		if (is_exe(l->exe, v)) {
			err = add_exe_vma(l, v);
			if (err)
				return err;
			r = NULL;
			continue;
		}
		type = is_bss(l, v) ? PTS_RG_BSS : vma_type(v);
		/* one box for the contiguous VMAs of one file */
		if (r && (type == PTS_RG_LIB || type == PTS_RG_FILE ||
			  type == PTS_RG_SHMEM) &&
		    r->type == type && r->start + r->size == v->start &&
		    v->name && r->name && !strcmp(v->name, r->name)) {
			r->size += v->end - v->start;
			set_vma(r, v);
			continue;
		}
		r = add(l, v->start, v->end - v->start, type);
		if (!r)
			return -ENOMEM;
		set_vma(r, v);
	}
	return add_gap(l, cursor, l->user_end);
}

static int add_top(struct pts_layout *l)
{
	__u64 vs = PTS_VSYSCALL;

	if (l->user_end < l->hole_start &&
	    !add(l, l->user_end, l->hole_start - l->user_end, PTS_RG_GUARD))
		return -ENOMEM;
	if (!add(l, l->hole_start, l->kernel_start - l->hole_start,
		 PTS_RG_HOLE))
		return -ENOMEM;
	if (!l->vsyscall)
		return add(l, l->kernel_start, 0 - l->kernel_start,
			   PTS_RG_KERNEL) ? 0 : -ENOMEM;
	if (!add(l, l->kernel_start, vs - l->kernel_start, PTS_RG_KERNEL) ||
	    !add(l, vs, PTS_PAGE_SIZE, PTS_RG_VSYSCALL) ||
	    !add(l, vs + PTS_PAGE_SIZE, 0 - (vs + PTS_PAGE_SIZE),
		 PTS_RG_KERNEL))
		return -ENOMEM;
	return 0;
}

/* present leaves per region: both lists are in address order */
static void count_rss(struct pts_layout *l, const struct pts_model *m)
{
	const struct pts_entry *e;
	struct pts_region *r;
	__u64 lo, hi, end;
	size_t i, j = 0;

	for (i = 0; i < m->nr_entries; i++) {
		e = &m->entries[i];
		if (e->kind != PTS_PRESENT)
			continue;
		while (j < l->nr_regions) {
			r = &l->regions[j];
			end = r->start + r->size;
			if (end && end <= e->va) {
				j++;
				continue;
			}
			break;
		}
		for (; j < l->nr_regions; j++) {
			r = &l->regions[j];
			end = r->start + r->size;
			if (r->start >= e->va + e->size)
				break;
			lo = r->start > e->va ? r->start : e->va;
			hi = end && end < e->va + e->size ? end :
			     e->va + e->size;
			if (lo < hi)
				r->rss += hi - lo;
			if (!end || end >= e->va + e->size)
				break;
		}
	}
}

/**
 * pts_layout_build - the regions of an address space
 * @l: the layout, filled in; release with pts_layout_free()
 * @m: the model (VMAs, entries, paging geometry); must outlive @l
 * @exe: the executable; must outlive @l
 * @vsyscall: the process has the legacy [vsyscall] page
 *
 * The paging geometry comes from the model (the module's header, or
 * /proc/cpuinfo); a VMA above 47 bits also means 5 levels.
 *
 * Return: 0 or -ENOMEM.
 */
int pts_layout_build(struct pts_layout *l, const struct pts_model *m,
		     const struct pts_exe *exe, bool vsyscall)
{
	size_t i;
	int err;

	memset(l, 0, sizeof(*l));
	l->m = m;
	l->exe = exe;
	l->vsyscall = vsyscall;
	l->levels = m->arch.levels == 5 ? 5 : 4;
	for (i = 0; i < m->nr_vmas; i++)
		if (m->vmas[i].end > 1ULL << 47)
			l->levels = 5;
	l->virt_bits = l->levels == 5 ? 56 : 47;
	l->hole_start = 1ULL << l->virt_bits;
	l->kernel_start = ~0ULL << l->virt_bits;
	l->user_end = m->arch.task_size;
	if (!l->user_end || l->user_end > l->hole_start ||
	    (l->levels == 5 && l->user_end <= 1ULL << 47))
		l->user_end = l->hole_start - PTS_PAGE_SIZE;
	l->map_window = l->levels == 5 ? 1ULL << 47 : 0;

	find_bias(l, m);
	err = add_vmas(l, m);
	if (!err)
		err = add_top(l);
	if (err) {
		pts_layout_free(l);
		return err;
	}
	count_rss(l, m);
	return 0;
}

/**
 * pts_layout_free - release the regions
 * @l: the layout
 */
void pts_layout_free(struct pts_layout *l)
{
	free(l->regions);
	l->regions = NULL;
	l->nr_regions = 0;
	l->cap_regions = 0;
}
