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

struct ptscope_bit {
	u64 mask;
	u64 flag;
};

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
static const struct ptscope_bit ptscope_present_bits[] = {
#ifdef HAVE_PAGE_SAVED_DIRTY
	{ _PAGE_SAVED_DIRTY,	PTSCOPE_F_DIRTY },
#endif
	{ _PAGE_NX,		PTSCOPE_F_NX },
	{ _PAGE_SOFT_DIRTY,	PTSCOPE_F_SOFT_DIRTY },
	{ _PAGE_UFFD_WP,	PTSCOPE_F_UFFD_WP },
	{ _PAGE_SPECIAL,	PTSCOPE_F_SPECIAL },
#ifdef HAVE_PAGE_DEVMAP
	{ _PAGE_DEVMAP,		PTSCOPE_F_DEVMAP },
#endif
};

/**
 * ptscope_decode_flags() - decode the bits of an entry into PTSCOPE_F_*
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
u64 ptscope_decode_flags(u64 raw, int level, bool present)
{
	u64 flags = 0;
	size_t i;

	if (!present) {
		if (raw & _PAGE_SWP_SOFT_DIRTY)
			flags |= PTSCOPE_F_SOFT_DIRTY;
		if (raw & _PAGE_SWP_UFFD_WP)
			flags |= PTSCOPE_F_UFFD_WP;
		return flags;
	}

	BUILD_BUG_ON(PTSCOPE_HW_LOW != PTSCOPE_F_LOW);
	flags = raw & PTSCOPE_HW_LOW;
	for (i = 0; i < ARRAY_SIZE(ptscope_present_bits); i++)
		if (raw & ptscope_present_bits[i].mask)
			flags |= ptscope_present_bits[i].flag;

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
 * State of the page behind a present leaf; table lock held by the walker.
 * Returns true when a write fault would reuse the page rather than copy it.
 */
static bool ptscope_decode_page(struct ptscope_rec_entry *e,
				struct vm_area_struct *vma, int level)
{
	unsigned long vm_flags = ptscope_vm_flags(vma);
	bool hugetlb = is_vm_hugetlb_page(vma);
	struct folio *folio;
	struct page *page;

	if (e->raw & _PAGE_SPECIAL) {
		if (is_zero_pfn(e->pfn))
			e->state |= PTSCOPE_S_ZERO;
		else if (vm_flags & (VM_PFNMAP | VM_MIXEDMAP))
			e->state |= PTSCOPE_S_NO_PAGE;
		else
			e->state |= PTSCOPE_S_UNKNOWN_SPECIAL;
		return false;
	}
	if (level == PTSCOPE_LVL_PTE && is_zero_pfn(e->pfn)) {
		e->state |= PTSCOPE_S_ZERO;
		return false;
	}

	page = pfn_to_online_page(e->pfn);
	if (!page) {
		e->state |= PTSCOPE_S_NO_PAGE;
		return false;
	}
	folio = page_folio(page);

	if (folio_test_anon(folio)) {
		struct page *excl = (level == PTSCOPE_LVL_PTE && !hugetlb) ?
				    page : &folio->page;

		e->state |= PTSCOPE_S_ANON;
		if (folio_test_ksm(folio))
			e->state |= PTSCOPE_S_KSM;
		else if (PageAnonExclusive(excl))
			e->state |= PTSCOPE_S_ANON_EXCL;
	} else if (READ_ONCE(folio->mapping)) {
		/* as pagemap's PM_FILE: shmem pages are file pages too */
		e->state |= PTSCOPE_S_FILE;
		if (folio_test_swapbacked(folio))
			e->state |= PTSCOPE_S_SHMEM;
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
			e->state |= READ_ONCE(folio->mapping) ?
				    PTSCOPE_S_UNKNOWN_SPECIAL :
				    PTSCOPE_S_HUGE_ZERO;
		else
			e->state |= PTSCOPE_S_THP;
	} else if (level == PTSCOPE_LVL_PTE && folio_test_large(folio)) {
		e->state |= PTSCOPE_S_LARGE_FOLIO;
	}
	if (folio_test_dirty(folio))
		e->state |= PTSCOPE_S_PAGE_DIRTY;

	e->folio_order = folio_order(folio);
	e->mapcount = max(ptscope_page_mapcount(page), 0);
	e->refcount = max(folio_ref_count(folio), 0);

	/* do_wp_page() reuses an exclusive anon page, or one nobody else holds */
	if (!folio_test_anon(folio) || (e->state & PTSCOPE_S_KSM))
		return false;
	return (e->state & PTSCOPE_S_ANON_EXCL) ||
	       e->refcount <= 1 + folio_test_swapcache(folio);
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
	unsigned long vm_flags = ptscope_vm_flags(vma);
	bool reuse;

	ptscope_entry_init(e, PTSCOPE_REC_ENTRY, level, raw, addr, size);
	e->flags = ptscope_decode_flags(raw, level, true);
	e->pfn = ptscope_leaf_pfn(raw, level);
	e->pkey = pte_flags_pkey(raw);
	if (is_vm_hugetlb_page(vma))
		e->state |= PTSCOPE_S_HUGETLB;

	reuse = ptscope_decode_page(e, vma, level);

	/* a write fault would copy: private writable VMA, read-only entry */
	if (!reuse && !(e->flags & (PTSCOPE_F_RW | PTSCOPE_F_PROTNONE |
				    PTSCOPE_F_UFFD_WP)) &&
	    is_cow_mapping(vm_flags) && (vm_flags & VM_WRITE) &&
	    !(e->state & (PTSCOPE_S_NO_PAGE | PTSCOPE_S_UNKNOWN_SPECIAL)))
		e->state |= PTSCOPE_S_COW;
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
		break;
	case PTSCOPE_LEAF_HWPOISON:
	case PTSCOPE_LEAF_OTHER:
		break;
	}
	e->swap_type = type;
	e->swap_offset = offset;
}

/* PTSCOPE_S_* bits with a PTSCOPE_FR_* bit of the same meaning */
static const struct ptscope_bit ptscope_frame_state_bits[] = {
	{ PTSCOPE_S_ANON,	PTSCOPE_FR_ANON },
	{ PTSCOPE_S_ANON_EXCL,	PTSCOPE_FR_ANON_EXCL },
	{ PTSCOPE_S_FILE,	PTSCOPE_FR_FILE },
	{ PTSCOPE_S_ZERO,	PTSCOPE_FR_ZERO },
	{ PTSCOPE_S_HUGE_ZERO,	PTSCOPE_FR_ZERO },
	{ PTSCOPE_S_KSM,	PTSCOPE_FR_KSM },
	{ PTSCOPE_S_COW,	PTSCOPE_FR_COW },
};

static u64 ptscope_frame_kind(const struct ptscope_rec_entry *e)
{
	if (e->type != PTSCOPE_REC_ENTRY)
		return PTSCOPE_FK_NONE;
	if (e->flags & PTSCOPE_F_PRESENT)
		return PTSCOPE_FK_PRESENT;
	if (e->flags & PTSCOPE_F_PROTNONE)
		return PTSCOPE_FK_PROTNONE;
	if (e->state & PTSCOPE_S_SWAP)
		return PTSCOPE_FK_SWAP;
	if (e->state & (PTSCOPE_S_MIGRATION_R | PTSCOPE_S_MIGRATION_W))
		return PTSCOPE_FK_MIGRATION;
	if (e->state & (PTSCOPE_S_DEV_PRIVATE | PTSCOPE_S_DEV_EXCL))
		return PTSCOPE_FK_DEVICE;
	if (e->state & PTSCOPE_S_PTE_MARKER)
		return PTSCOPE_FK_MARKER;
	return PTSCOPE_FK_OTHER;
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
	u64 kind = ptscope_frame_kind(e);
	u64 w = PTSCOPE_FR_VMA | kind << PTSCOPE_FR_KIND_SHIFT |
		((u64)e->level & PTSCOPE_FR_LEVEL_MASK) << PTSCOPE_FR_LEVEL_SHIFT;
	size_t i;

	switch (kind) {
	case PTSCOPE_FK_NONE:
		return w;
	case PTSCOPE_FK_PRESENT:
	case PTSCOPE_FK_PROTNONE:
		w |= e->pfn & PTSCOPE_FR_FRAME_MASK;
		if (e->flags & PTSCOPE_F_RW)
			w |= PTSCOPE_FR_RW;
		if (e->flags & PTSCOPE_F_NX)
			w |= PTSCOPE_FR_NX;
		if (e->flags & PTSCOPE_F_ACCESSED)
			w |= PTSCOPE_FR_ACCESSED;
		if (e->flags & PTSCOPE_F_DIRTY)
			w |= PTSCOPE_FR_DIRTY;
		break;
	case PTSCOPE_FK_SWAP:
		w |= e->swap_offset & PTSCOPE_FR_FRAME_MASK;
		w |= ((u64)e->swap_type & PTSCOPE_FR_SWP_TYPE_MASK) <<
		     PTSCOPE_FR_SWP_TYPE_SHIFT;
		break;
	case PTSCOPE_FK_MIGRATION:
		if (e->state & PTSCOPE_S_MIGRATION_W)
			w |= PTSCOPE_FR_RW;
		fallthrough;
	case PTSCOPE_FK_DEVICE:
		/* the offset of a migration or device entry is a frame */
		w |= e->swap_offset & PTSCOPE_FR_FRAME_MASK;
		break;
	}
	if (e->flags & PTSCOPE_F_SOFT_DIRTY)
		w |= PTSCOPE_FR_SOFT_DIRTY;
	if (e->flags & PTSCOPE_F_UFFD_WP)
		w |= PTSCOPE_FR_UFFD_WP;
	for (i = 0; i < ARRAY_SIZE(ptscope_frame_state_bits); i++)
		if (e->state & ptscope_frame_state_bits[i].mask)
			w |= ptscope_frame_state_bits[i].flag;
	return w;
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
