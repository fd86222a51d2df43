// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope: decode page-table entries, the pages they map and VMAs into the
 * records of include/uapi/ptscope.h.
 *
 * Entry bits are decoded with the kernel's own _PAGE_* macros.  Pages are
 * looked up only through pfn_to_online_page(), and only for entries whose
 * table lock the walker holds, so the page cannot be freed meanwhile; only
 * flags and counters are read, nothing is referenced or locked.
 */
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/hugetlb_inline.h>
#include <linux/kdev_t.h>
#include <linux/magic.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/page-flags.h>
#include <linux/path.h>
#include <linux/string.h>

#include "compat.h"
#include "decode.h"
#include "walk.h"

/* @flag when any bit of @mask is set in @v (straight-line, per page) */
#define PTSCOPE_BIT(v, mask, flag)	((v) & (mask) ? (flag) : 0)

/*
 * Bits 0-6 of every present entry (leaf or table) are PTSCOPE_F_* bits 0-6
 * (checked in ptscope_decode_flags()); they are copied with one mask.
 */
#define PTSCOPE_HW_LOW	(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_PWT | \
			 _PAGE_PCD | _PAGE_ACCESSED | _PAGE_DIRTY)
#define PTSCOPE_F_LOW	(PTSCOPE_F_PRESENT | PTSCOPE_F_RW | PTSCOPE_F_USER | \
			 PTSCOPE_F_PWT | PTSCOPE_F_PCD | PTSCOPE_F_ACCESSED | \
			 PTSCOPE_F_DIRTY)

/* The other bits with the same meaning in every present entry */
#ifdef HAVE_PAGE_SAVED_DIRTY
#define PTSCOPE_HW_DIRTY	(_PAGE_DIRTY | _PAGE_SAVED_DIRTY)
#else
#define PTSCOPE_HW_DIRTY	_PAGE_DIRTY
#endif
#ifdef HAVE_PAGE_DEVMAP
#define PTSCOPE_HW_DEVMAP	_PAGE_DEVMAP
#else
#define PTSCOPE_HW_DEVMAP	0
#endif

/**
 * __ptscope_decode_flags() - decode the bits of an entry into PTSCOPE_F_*
 * @raw: entry value
 * @level: PTSCOPE_LVL_* of the table holding it
 * @present: present in the kernel's sense (present bit or PROT_NONE, or a
 *	     PSE-only PMD); false for swap-format entries
 *
 * Bit 7 is PAT in a PTE and PSE above it, where PAT moves to bit 12.  Bit 8
 * is GLOBAL when the present bit is set and PROT_NONE when it is not.  A
 * swap-format entry keeps only its soft-dirty and uffd-wp bits.
 *
 * Return: PTSCOPE_F_* bits.
 */
static __always_inline u64 __ptscope_decode_flags(u64 raw, int level,
						  bool present)
{
	u64 flags = 0;

	if (!present) {
		if (raw & _PAGE_SWP_SOFT_DIRTY)
			flags |= PTSCOPE_F_SOFT_DIRTY;
		if (raw & _PAGE_SWP_UFFD_WP)
			flags |= PTSCOPE_F_UFFD_WP;
		return flags;
	}

	BUILD_BUG_ON(PTSCOPE_HW_LOW != PTSCOPE_F_LOW);
	flags = raw & PTSCOPE_HW_LOW;
	flags |= PTSCOPE_BIT(raw, PTSCOPE_HW_DIRTY, PTSCOPE_F_DIRTY);
	flags |= PTSCOPE_BIT(raw, _PAGE_NX, PTSCOPE_F_NX);
	flags |= PTSCOPE_BIT(raw, _PAGE_SOFT_DIRTY, PTSCOPE_F_SOFT_DIRTY);
	flags |= PTSCOPE_BIT(raw, _PAGE_UFFD_WP, PTSCOPE_F_UFFD_WP);
	flags |= PTSCOPE_BIT(raw, _PAGE_SPECIAL, PTSCOPE_F_SPECIAL);
	flags |= PTSCOPE_BIT(raw, PTSCOPE_HW_DEVMAP, PTSCOPE_F_DEVMAP);

	if (level == PTSCOPE_LVL_PTE) {
		if (raw & _PAGE_PAT)
			flags |= PTSCOPE_F_PAT;
	} else if (raw & _PAGE_PSE) {
		flags |= PTSCOPE_F_PSE;
		if (raw & _PAGE_PAT_LARGE)
			flags |= PTSCOPE_F_PAT;
	}

	if (raw & _PAGE_PRESENT) {
		if (raw & _PAGE_GLOBAL)
			flags |= PTSCOPE_F_GLOBAL;
	} else if (raw & _PAGE_PROTNONE) {
		flags |= PTSCOPE_F_PROTNONE;
	}
	return flags;
}

/**
 * ptscope_decode_flags() - __ptscope_decode_flags(), not inlined
 * @raw: entry value
 * @level: PTSCOPE_LVL_* of the table holding it
 * @present: present in the kernel's sense
 *
 * Return: PTSCOPE_F_* bits.
 */
u64 ptscope_decode_flags(u64 raw, int level, bool present)
{
	return __ptscope_decode_flags(raw, level, present);
}

/**
 * ptscope_leaf_pfn() - first frame mapped by a present leaf
 * @raw: entry value
 * @level: PTSCOPE_LVL_PUD, PTSCOPE_LVL_PMD or PTSCOPE_LVL_PTE
 *
 * Uses the kernel's accessors, which undo the L1TF inversion of PROT_NONE
 * entries.
 *
 * Return: the PFN, or 0 for other levels.
 */
unsigned long ptscope_leaf_pfn(u64 raw, int level)
{
	switch (level) {
	case PTSCOPE_LVL_PUD:
		return pud_pfn(__pud(raw));
	case PTSCOPE_LVL_PMD:
		return pmd_pfn(__pmd(raw));
	case PTSCOPE_LVL_PTE:
		return pte_pfn(__pte(raw));
	}
	return 0;
}

/*
 * Every field is stored rather than the record memset() first: this runs
 * once per page, and a memset() of 128 bytes is a "rep stos", which QEMU's
 * TCG runs one element per step (tests/bench/README.md).
 */
static void ptscope_entry_init(struct ptscope_rec_entry *e, u32 type, int level,
			       u64 raw, unsigned long addr, unsigned long size)
{
	BUILD_BUG_ON(ARRAY_SIZE(e->reserved) != 5);
	e->type = type;
	e->level = level;
	e->va = addr;
	e->size = size;
	e->raw = raw;
	e->pfn = 0;
	e->flags = 0;
	e->state = 0;
	e->vma_index = 0;
	e->pkey = 0;
	e->mapcount = 0;
	e->refcount = 0;
	e->folio_order = 0;
	e->swap_type = 0;
	e->swap_offset = 0;
	e->reserved[0] = 0;
	e->reserved[1] = 0;
	e->reserved[2] = 0;
	e->reserved[3] = 0;
	e->reserved[4] = 0;
}

/*
 * State (PTSCOPE_S_*) of the page behind a present leaf, with the entry's
 * PTSCOPE_F_* @flags; table lock held by the walker.  @e, when not NULL,
 * also gets the folio's order, mapcount and refcount.  Inlined into both
 * views: the frames view runs it once per 4K page.
 */
static __always_inline u64 ptscope_page_state(struct vm_area_struct *vma,
					      int level, u64 raw,
					      unsigned long pfn, u64 flags,
					      struct ptscope_rec_entry *e)
{
	unsigned long vm_flags = ptscope_vm_flags(vma);
	bool hugetlb = is_vm_hugetlb_page(vma);
	u64 state = hugetlb ? PTSCOPE_S_HUGETLB : 0;
	bool reuse = false;
	struct folio *folio;
	struct page *page;
	int refcount;

	if (raw & _PAGE_SPECIAL) {
		if (is_zero_pfn(pfn))
			state |= PTSCOPE_S_ZERO;
		else if (vm_flags & (VM_PFNMAP | VM_MIXEDMAP))
			state |= PTSCOPE_S_NO_PAGE;
		else
			state |= PTSCOPE_S_UNKNOWN_SPECIAL;
		goto cow;
	}
	if (level == PTSCOPE_LVL_PTE && is_zero_pfn(pfn)) {
		state |= PTSCOPE_S_ZERO;
		goto cow;
	}

	page = pfn_to_online_page(pfn);
	if (!page) {
		state |= PTSCOPE_S_NO_PAGE;
		goto cow;
	}
	folio = page_folio(page);

	if (folio_test_anon(folio)) {
		struct page *excl = (level == PTSCOPE_LVL_PTE && !hugetlb) ?
				    page : &folio->page;

		state |= PTSCOPE_S_ANON;
		if (folio_test_ksm(folio))
			state |= PTSCOPE_S_KSM;
		else if (PageAnonExclusive(excl))
			state |= PTSCOPE_S_ANON_EXCL;
	} else if (READ_ONCE(folio->mapping)) {
		/* as pagemap's PM_FILE: shmem pages are file pages too */
		state |= PTSCOPE_S_FILE;
		if (folio_test_swapbacked(folio))
			state |= PTSCOPE_S_SHMEM;
	}

	if (level != PTSCOPE_LVL_PTE && !hugetlb) {
		/*
		 * huge_zero_pfn is not exported (is_huge_zero_pmd() does not
		 * link), so the huge zero page is recognised by elimination:
		 * an anonymous VMA maps at PMD level only anon THPs and the
		 * huge zero folio, which has neither anon nor mapping.  A
		 * non-anon PMD leaf there with a mapping is not understood.
		 */
		if (vma_is_anonymous(vma) && !folio_test_anon(folio))
			state |= READ_ONCE(folio->mapping) ?
				 PTSCOPE_S_UNKNOWN_SPECIAL :
				 PTSCOPE_S_HUGE_ZERO;
		else
			state |= PTSCOPE_S_THP;
	} else if (level == PTSCOPE_LVL_PTE && folio_test_large(folio)) {
		state |= PTSCOPE_S_LARGE_FOLIO;
	}
	if (folio_test_dirty(folio))
		state |= PTSCOPE_S_PAGE_DIRTY;

	refcount = max(folio_ref_count(folio), 0);
	if (e) {
		e->folio_order = folio_order(folio);
		e->mapcount = max(ptscope_page_mapcount(page), 0);
		e->refcount = refcount;
	}

	/* do_wp_page() reuses an exclusive anon page, or one nobody else holds */
	if (folio_test_anon(folio) && !(state & PTSCOPE_S_KSM))
		reuse = (state & PTSCOPE_S_ANON_EXCL) ||
			refcount <= 1 + folio_test_swapcache(folio);
cow:
	/* a write fault would copy: private writable VMA, read-only entry */
	if (!reuse && !(flags & (PTSCOPE_F_RW | PTSCOPE_F_PROTNONE |
				 PTSCOPE_F_UFFD_WP)) &&
	    is_cow_mapping(vm_flags) && (vm_flags & VM_WRITE) &&
	    !(state & (PTSCOPE_S_NO_PAGE | PTSCOPE_S_UNKNOWN_SPECIAL)))
		state |= PTSCOPE_S_COW;
	return state;
}

/**
 * ptscope_decode_leaf() - fill an ENTRY record for a present leaf
 * @e: the record
 * @vma: VMA holding @addr
 * @level: PTSCOPE_LVL_PUD, PTSCOPE_LVL_PMD or PTSCOPE_LVL_PTE
 * @raw: entry value, read under its table lock
 * @addr: first address mapped
 * @size: bytes mapped
 *
 * Must be called with the entry's table lock held (the walker's leaf
 * callbacks are).
 */
void ptscope_decode_leaf(struct ptscope_rec_entry *e,
			 struct vm_area_struct *vma, int level, u64 raw,
			 unsigned long addr, unsigned long size)
{
	ptscope_entry_init(e, PTSCOPE_REC_ENTRY, level, raw, addr, size);
	e->flags = __ptscope_decode_flags(raw, level, true);
	e->pfn = ptscope_leaf_pfn(raw, level);
	e->pkey = pte_flags_pkey(raw);
	e->state = ptscope_page_state(vma, level, raw, e->pfn, e->flags, e);
}

/**
 * ptscope_decode_nonpresent() - fill an ENTRY record for a swap-format entry
 * @e: the record
 * @vma: VMA holding @addr
 * @level: PTSCOPE_LVL_* of the entry
 * @raw: entry value
 * @addr: first address covered
 * @size: bytes covered
 *
 * Decodes swap, migration, device and marker entries; no page is looked at.
 */
void ptscope_decode_nonpresent(struct ptscope_rec_entry *e,
			       struct vm_area_struct *vma, int level, u64 raw,
			       unsigned long addr, unsigned long size)
{
	unsigned int type;
	bool exclusive;
	u64 offset;

	ptscope_entry_init(e, PTSCOPE_REC_ENTRY, level, raw, addr, size);
	e->flags = ptscope_decode_flags(raw, level, false);
	e->state = PTSCOPE_S_NONPRESENT;
	if (is_vm_hugetlb_page(vma))
		e->state |= PTSCOPE_S_HUGETLB;

	switch (ptscope_leaf_decode(raw, &type, &offset, &exclusive)) {
	case PTSCOPE_LEAF_SWAP:
		e->state |= PTSCOPE_S_SWAP;
		if (exclusive)
			e->state |= PTSCOPE_S_ANON_EXCL;
		break;
	case PTSCOPE_LEAF_MIGRATION_READ_EXCL:
		e->state |= PTSCOPE_S_ANON_EXCL;
		fallthrough;
	case PTSCOPE_LEAF_MIGRATION_READ:
		e->state |= PTSCOPE_S_MIGRATION_R;
		break;
	case PTSCOPE_LEAF_MIGRATION_WRITE:
		e->state |= PTSCOPE_S_MIGRATION_W;
		break;
	case PTSCOPE_LEAF_DEVICE_PRIVATE:
		e->state |= PTSCOPE_S_DEV_PRIVATE;
		break;
	case PTSCOPE_LEAF_DEVICE_EXCLUSIVE:
		e->state |= PTSCOPE_S_DEV_EXCL;
		break;
	case PTSCOPE_LEAF_MARKER:
		e->state |= PTSCOPE_S_PTE_MARKER;
		/*
		 * A uffd-wp marker keeps an unpopulated page write-protected
		 * as the entry bit does for a mapped one (pagemap: UFFD_WP)
		 */
		if (offset & PTE_MARKER_UFFD_WP)
			e->flags |= PTSCOPE_F_UFFD_WP;
		break;
	case PTSCOPE_LEAF_HWPOISON:
	case PTSCOPE_LEAF_OTHER:
		break;
	}
	e->swap_type = type;
	e->swap_offset = offset;
}

static __always_inline u64 ptscope_frame_kind(u32 type, u64 flags,
					      u64 state)
{
	if (type != PTSCOPE_REC_ENTRY)
		return PTSCOPE_FK_NONE;
	if (flags & PTSCOPE_F_PRESENT)
		return PTSCOPE_FK_PRESENT;
	if (flags & PTSCOPE_F_PROTNONE)
		return PTSCOPE_FK_PROTNONE;
	if (state & PTSCOPE_S_SWAP)
		return PTSCOPE_FK_SWAP;
	if (state & (PTSCOPE_S_MIGRATION_R | PTSCOPE_S_MIGRATION_W))
		return PTSCOPE_FK_MIGRATION;
	if (state & (PTSCOPE_S_DEV_PRIVATE | PTSCOPE_S_DEV_EXCL))
		return PTSCOPE_FK_DEVICE;
	if (state & PTSCOPE_S_PTE_MARKER)
		return PTSCOPE_FK_MARKER;
	return PTSCOPE_FK_OTHER;
}

/*
 * The word of an entry from what the record stream says of it: @type
 * (ENTRY or HOLE), @level, @pfn (mapped entries), @swap_type and
 * @swap_offset (swap-format entries), PTSCOPE_F_* @flags and PTSCOPE_S_*
 * @state.
 */
static __always_inline u64 ptscope_frame_compose(u32 type, u32 level, u64 pfn,
						 u32 swap_type,
						 u64 swap_offset, u64 flags,
						 u64 state)
{
	u64 kind = ptscope_frame_kind(type, flags, state);
	u64 w = PTSCOPE_FR_VMA | kind << PTSCOPE_FR_KIND_SHIFT |
		((u64)level & PTSCOPE_FR_LEVEL_MASK) << PTSCOPE_FR_LEVEL_SHIFT;

	switch (kind) {
	case PTSCOPE_FK_NONE:
		return w;
	case PTSCOPE_FK_PRESENT:
	case PTSCOPE_FK_PROTNONE:
		w |= pfn & PTSCOPE_FR_FRAME_MASK;
		w |= PTSCOPE_BIT(flags, PTSCOPE_F_RW, PTSCOPE_FR_RW);
		w |= PTSCOPE_BIT(flags, PTSCOPE_F_NX, PTSCOPE_FR_NX);
		w |= PTSCOPE_BIT(flags, PTSCOPE_F_ACCESSED, PTSCOPE_FR_ACCESSED);
		w |= PTSCOPE_BIT(flags, PTSCOPE_F_DIRTY, PTSCOPE_FR_DIRTY);
		break;
	case PTSCOPE_FK_SWAP:
		w |= swap_offset & PTSCOPE_FR_FRAME_MASK;
		w |= ((u64)swap_type & PTSCOPE_FR_SWP_TYPE_MASK) <<
		     PTSCOPE_FR_SWP_TYPE_SHIFT;
		break;
	case PTSCOPE_FK_MIGRATION:
		if (state & PTSCOPE_S_MIGRATION_W)
			w |= PTSCOPE_FR_RW;
		fallthrough;
	case PTSCOPE_FK_DEVICE:
		/* the offset of a migration or device entry is a frame */
		w |= swap_offset & PTSCOPE_FR_FRAME_MASK;
		break;
	}
	w |= PTSCOPE_BIT(flags, PTSCOPE_F_SOFT_DIRTY, PTSCOPE_FR_SOFT_DIRTY);
	w |= PTSCOPE_BIT(flags, PTSCOPE_F_UFFD_WP, PTSCOPE_FR_UFFD_WP);
	/* the PTSCOPE_S_* bits with a PTSCOPE_FR_* bit of the same meaning */
	w |= PTSCOPE_BIT(state, PTSCOPE_S_ANON, PTSCOPE_FR_ANON);
	w |= PTSCOPE_BIT(state, PTSCOPE_S_ANON_EXCL, PTSCOPE_FR_ANON_EXCL);
	w |= PTSCOPE_BIT(state, PTSCOPE_S_FILE, PTSCOPE_FR_FILE);
	w |= PTSCOPE_BIT(state, PTSCOPE_S_ZERO | PTSCOPE_S_HUGE_ZERO,
			 PTSCOPE_FR_ZERO);
	w |= PTSCOPE_BIT(state, PTSCOPE_S_KSM, PTSCOPE_FR_KSM);
	w |= PTSCOPE_BIT(state, PTSCOPE_S_COW, PTSCOPE_FR_COW);
	return w;
}

/**
 * ptscope_frame_word() - the frames view's word for the first page of a
 * record
 * @e: an ENTRY or HOLE record, as decoded for the record stream
 *
 * Return: the word (include/uapi/ptscope.h, PTSCOPE_FR_*).  The word of
 * the page N pages further in the same entry is this plus N when
 * ptscope_frame_steps() says so.
 */
u64 ptscope_frame_word(const struct ptscope_rec_entry *e)
{
	return ptscope_frame_compose(e->type, e->level, e->pfn, e->swap_type,
				     e->swap_offset, e->flags, e->state);
}

/**
 * ptscope_frame_ptes() - the frames view's words of part of a PTE table
 * @vma: the VMA the entries map
 * @ptep: the first entry, table mapped and locked by the walker
 * @n: entries
 * @out: @n words
 *
 * The frames view's hot path: what ptscope_decode_leaf() and
 * ptscope_frame_word() give for each entry, computed without a record in
 * between (t_walk_pagemap compares the two views on every page).
 */
void ptscope_frame_ptes(struct vm_area_struct *vma, pte_t *ptep,
			unsigned int n, u64 *out)
{
	struct ptscope_rec_entry e;
	unsigned int i;

	for (i = 0; i < n; i++) {
		pte_t pte = ptep_get(ptep + i);
		u64 raw = pte_val(pte), flags, state;
		unsigned long pfn;

		if (pte_none(pte)) {
			out[i] = ptscope_frame_compose(PTSCOPE_REC_HOLE,
						       PTSCOPE_LVL_PTE, 0, 0,
						       0, 0, 0);
		} else if (pte_present(pte)) {
			flags = __ptscope_decode_flags(raw, PTSCOPE_LVL_PTE,
						       true);
			pfn = pte_pfn(pte);
			state = ptscope_page_state(vma, PTSCOPE_LVL_PTE, raw,
						   pfn, flags, NULL);
			out[i] = ptscope_frame_compose(PTSCOPE_REC_ENTRY,
						       PTSCOPE_LVL_PTE, pfn, 0,
						       0, flags, state);
		} else {
			ptscope_decode_nonpresent(&e, vma, PTSCOPE_LVL_PTE,
						  raw, 0, PAGE_SIZE);
			out[i] = ptscope_frame_word(&e);
		}
	}
}

/**
 * ptscope_frame_steps() - whether the frame field grows by one from one
 * 4K page of @word's entry to the next
 * @word: a word from ptscope_frame_word()
 *
 * Return: true for kinds whose frame field is a PFN.
 */
bool ptscope_frame_steps(u64 word)
{
	switch (PTSCOPE_FR_KIND(word)) {
	case PTSCOPE_FK_PRESENT:
	case PTSCOPE_FK_PROTNONE:
	case PTSCOPE_FK_MIGRATION:
	case PTSCOPE_FK_DEVICE:
		return true;
	}
	return false;
}

static u32 ptscope_vma_special_kind(const char *name)
{
	if (!strcmp(name, "[vdso]"))
		return PTSCOPE_VMA_VDSO;
	if (!strncmp(name, "[vvar", 5))
		return PTSCOPE_VMA_VVAR;
	return PTSCOPE_VMA_SPECIAL;
}

/**
 * ptscope_decode_vma() - fill a VMA record
 * @r: the record
 * @vma: the VMA, mmap lock held
 * @index: index of the VMA in the walk
 * @scratch: buffer for the path (d_path() writes at its end)
 * @scratch_len: its size
 *
 * The name is what /proc/PID/maps shows, cut to 63 bytes plus a NUL.
 */
void ptscope_decode_vma(struct ptscope_rec_vma *r, struct vm_area_struct *vma,
			u32 index, char *scratch, size_t scratch_len)
{
	struct mm_struct *mm = vma->vm_mm;
	struct file *file = vma->vm_file;
	const char *name = NULL;
	u32 kind = PTSCOPE_VMA_ANON;

	memset(r, 0, sizeof(*r));
	r->type = PTSCOPE_REC_VMA;
	r->index = index;
	r->start = vma->vm_start;
	r->end = vma->vm_end;
	r->vm_flags = ptscope_vm_flags(vma);
	r->pgoff = vma->vm_pgoff;

	if (file) {
		struct inode *inode = file_inode(file);

		r->ino = inode->i_ino;
		r->dev_major = MAJOR(inode->i_sb->s_dev);
		r->dev_minor = MINOR(inode->i_sb->s_dev);
		kind = inode->i_sb->s_magic == TMPFS_MAGIC ?
		       PTSCOPE_VMA_SHMEM : PTSCOPE_VMA_FILE;
		name = d_path(&file->f_path, scratch, scratch_len);
		if (IS_ERR(name))
			name = "?";
	} else if (vma->vm_ops && vma->vm_ops->name) {
		name = vma->vm_ops->name(vma);
		if (name)
			kind = ptscope_vma_special_kind(name);
	} else if (vma->vm_start <= mm->brk && vma->vm_end >= mm->start_brk) {
		name = "[heap]";
		kind = PTSCOPE_VMA_HEAP;
	} else if (vma->vm_start <= mm->start_stack &&
		   vma->vm_end >= mm->start_stack) {
		name = "[stack]";
		kind = PTSCOPE_VMA_STACK;
	} else if (ptscope_anon_vma_name(vma)) {
		snprintf(scratch, scratch_len, "[anon:%s]",
			 ptscope_anon_vma_name(vma));
		name = scratch;
	}
	if (is_vm_hugetlb_page(vma))
		kind = PTSCOPE_VMA_HUGETLB;

	r->kind = kind;
	if (name)
		strscpy((char *)r->name, name, sizeof(r->name));
}

/**
 * ptscope_decode_level() - fill a LEVEL record from one translation step
 * @r: the record
 * @step: the step
 * @addr: the address translated
 */
void ptscope_decode_level(struct ptscope_rec_level *r,
			  const struct ptscope_xlate_step *step,
			  unsigned long addr)
{
	memset(r, 0, sizeof(*r));
	r->type = PTSCOPE_REC_LEVEL;
	r->level = step->level;
	r->va = addr;
	r->table_pa = step->table_pa;
	r->entry_pa = step->entry_pa;
	r->raw = step->raw;
	r->flags = ptscope_decode_flags(step->raw, step->level, step->present);
	r->index = step->index;
	r->shift = step->shift;
	r->leaf = step->leaf;
	r->present = step->present;
	if (step->leaf)
		r->pa = ((u64)ptscope_leaf_pfn(step->raw, step->level) <<
			 PAGE_SHIFT) | (addr & (BIT_ULL(step->shift) - 1));
}
