/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ptscope: every kernel-version difference lives here.
 *
 * The rest of the module uses only the ptscope_*() helpers and the HAVE_*
 * macros below; no other file tests LINUX_VERSION_CODE.  Where a feature
 * can be probed by a macro of its own (a _PAGE_* bit, a config option) the
 * probe is used rather than a version number.
 *
 * Built (W=1, no warnings, no undefined symbols) and tested in the guest
 * against Debian's 6.1 (generic, PREEMPT_RT, cloud), 6.12 and 7.2 kernels
 * by `make check-matrix`; no version number is tested anywhere.
 */
#ifndef _PTSCOPE_COMPAT_H
#define _PTSCOPE_COMPAT_H

#include <linux/mm.h>
#include <linux/swap.h>		/* before swapops.h on 6.1 */
#include <linux/swapops.h>
#include <linux/pgtable.h>

/*
 * 7.x: swap/migration entries are decoded through softleaf_t and
 * <linux/leafops.h>.  Debian's 6.12 has a softleaf_t typedef and two
 * transitional macros but not the header, and keeps the swp_entry_t
 * helpers: the header is the probe.
 */
#ifdef __has_include
#if __has_include("linux/leafops.h")
#define HAVE_SOFTLEAF 1
#include <linux/leafops.h>
#endif
#endif

/*
 * HAVE_PAGE_MAPCOUNT: page_mapcount() exists (removed in 6.12).  No macro
 * marks it, so Kbuild probes the kernel's <linux/mm.h> and passes
 * -DHAVE_PAGE_MAPCOUNT.
 */

/* _PAGE_DEVMAP went away with pte_devmap() */
#ifdef _PAGE_DEVMAP
#define HAVE_PAGE_DEVMAP 1
#endif

/* 6.6+: the dirty bit of a write-protected entry moves to a software bit */
#ifdef _PAGE_SAVED_DIRTY
#define HAVE_PAGE_SAVED_DIRTY 1
#endif

/* PTI's config option was renamed in 6.12 */
#if defined(CONFIG_PAGE_TABLE_ISOLATION) || \
	defined(CONFIG_MITIGATION_PAGE_TABLE_ISOLATION)
#define HAVE_PTI 1
#endif

/**
 * ptscope_pmdp_get() - read a PMD entry once, without locks
 * @pmdp: the entry
 *
 * x86-64 entries are one machine word, so READ_ONCE() is the lockless read
 * on every version (pmdp_get_lockless() is not available on 6.1).
 *
 * Return: the entry.
 */
static inline pmd_t ptscope_pmdp_get(pmd_t *pmdp)
{
	return READ_ONCE(*pmdp);
}

/**
 * ptscope_pudp_get() - read a PUD entry once, without locks
 * @pudp: the entry
 *
 * Return: the entry.
 */
static inline pud_t ptscope_pudp_get(pud_t *pudp)
{
	return READ_ONCE(*pudp);
}

/**
 * ptscope_assert_mmap_locked() - lockdep check that the mmap lock is held
 * @mm: the address space
 *
 * mmap_assert_locked() calls dump_mm() on CONFIG_DEBUG_VM kernels, which
 * is not exported to modules.
 */
static inline void ptscope_assert_mmap_locked(struct mm_struct *mm)
{
	lockdep_assert_held(&mm->mmap_lock);
}

/**
 * ptscope_vm_flags() - the VM_* flags of a VMA
 * @vma: the VMA (mmap lock held)
 *
 * Return: the flags.
 */
static inline unsigned long ptscope_vm_flags(const struct vm_area_struct *vma)
{
	return vma->vm_flags;
}

/**
 * ptscope_pti_active() - is page-table isolation in use
 *
 * Return: true when user mode runs on its own PGD copy.
 */
static inline bool ptscope_pti_active(void)
{
#ifdef HAVE_PTI
	return boot_cpu_has(X86_FEATURE_PTI);
#else
	return false;
#endif
}

/**
 * ptscope_user_pgdp() - the copy of a PGD entry that user mode runs on
 * @pgdp: entry in mm->pgd
 *
 * With PTI, user mode runs on a second PGD page whose user-half entries
 * lack the NX bit the kernel copy gets.  Both point to the same tables.
 *
 * Return: the entry in the user copy, or @pgdp without PTI.
 */
static inline pgd_t *ptscope_user_pgdp(pgd_t *pgdp)
{
#ifdef HAVE_PTI
	if (ptscope_pti_active())
		return kernel_to_user_pgdp(pgdp);
#endif
	return pgdp;
}

/**
 * ptscope_anon_vma_name() - name given with PR_SET_VMA_ANON_NAME
 * @vma: the VMA (mmap lock held)
 *
 * Return: the name, or NULL.
 */
static inline const char *ptscope_anon_vma_name(struct vm_area_struct *vma)
{
#ifdef CONFIG_ANON_VMA_NAME
	if (!vma->vm_file && vma->anon_name)
		return vma->anon_name->name;
#endif
	return NULL;
}

/**
 * ptscope_page_mapcount() - mapcount of one page, as /proc/kpagecount has it
 * @page: a page mapped by an entry whose table lock is held
 *
 * Without page_mapcount() (6.12+) /proc/kpagecount still reports the
 * page's own count: its _mapcount plus the mappings of its whole large
 * folio by PMD/PUD leaves (folio_precise_page_mapcount() in fs/proc, not
 * reachable from a module).  That needs the per-page counts, which
 * CONFIG_NO_PAGE_MAPCOUNT kernels (6.15+, not Debian's) no longer keep:
 * there the folio's total is returned.
 *
 * Return: the mapcount.
 */
static inline int ptscope_page_mapcount(struct page *page)
{
#if defined(HAVE_PAGE_MAPCOUNT)
	return page_mapcount(page);
#elif defined(CONFIG_NO_PAGE_MAPCOUNT)
	return folio_mapcount(page_folio(page));
#else
	struct folio *folio = page_folio(page);
	int mapcount = atomic_read(&page->_mapcount) + 1;

	/* the page-type field shares the word on typed pages */
	if (page_mapcount_is_type(mapcount))
		mapcount = 0;
	if (folio_test_large(folio))
		mapcount += folio_entire_mapcount(folio);
	return mapcount;
#endif
}

/* What a non-present, non-none entry encodes */
enum ptscope_leaf_kind {
	PTSCOPE_LEAF_SWAP,
	PTSCOPE_LEAF_MIGRATION_READ,
	PTSCOPE_LEAF_MIGRATION_READ_EXCL,
	PTSCOPE_LEAF_MIGRATION_WRITE,
	PTSCOPE_LEAF_DEVICE_PRIVATE,
	PTSCOPE_LEAF_DEVICE_EXCLUSIVE,
	PTSCOPE_LEAF_MARKER,
	PTSCOPE_LEAF_HWPOISON,
	PTSCOPE_LEAF_OTHER,
};

/**
 * ptscope_leaf_decode() - classify a non-present entry
 * @raw: the entry; PMD and PUD swap entries share the PTE layout on x86
 * @type: out, swap type (or the special type number)
 * @offset: out, swap offset; the PFN alone for migration, device and
 *	    hwpoison entries (as /proc/PID/pagemap reports it)
 * @exclusive: out, the swap entry carries the anon-exclusive bit
 *
 * Return: what the entry encodes.
 */
static inline enum ptscope_leaf_kind
ptscope_leaf_decode(u64 raw, unsigned int *type, u64 *offset, bool *exclusive)
{
	pte_t pte = __pte(raw);
#ifdef HAVE_SOFTLEAF
	softleaf_t entry = softleaf_from_pte(pte);

	*exclusive = pte_swp_exclusive(pte);
	*type = swp_type(entry);
	*offset = softleaf_has_pfn(entry) ? softleaf_to_pfn(entry) :
					    swp_offset(entry);
	if (softleaf_is_swap(entry))
		return PTSCOPE_LEAF_SWAP;
	if (softleaf_is_migration_write(entry))
		return PTSCOPE_LEAF_MIGRATION_WRITE;
	if (softleaf_is_migration_read_exclusive(entry))
		return PTSCOPE_LEAF_MIGRATION_READ_EXCL;
	if (softleaf_is_migration(entry))
		return PTSCOPE_LEAF_MIGRATION_READ;
	if (softleaf_is_device_private(entry))
		return PTSCOPE_LEAF_DEVICE_PRIVATE;
	if (softleaf_is_device_exclusive(entry))
		return PTSCOPE_LEAF_DEVICE_EXCLUSIVE;
	if (softleaf_is_marker(entry))
		return PTSCOPE_LEAF_MARKER;
	if (softleaf_is_hwpoison(entry))
		return PTSCOPE_LEAF_HWPOISON;
#else
	swp_entry_t entry = pte_to_swp_entry(pte);

	*exclusive = pte_swp_exclusive(pte);
	*type = swp_type(entry);
	*offset = is_pfn_swap_entry(entry) ? swp_offset_pfn(entry) :
					     swp_offset(entry);
	if (!non_swap_entry(entry))
		return PTSCOPE_LEAF_SWAP;
	if (is_writable_migration_entry(entry))
		return PTSCOPE_LEAF_MIGRATION_WRITE;
	if (is_readable_exclusive_migration_entry(entry))
		return PTSCOPE_LEAF_MIGRATION_READ_EXCL;
	if (is_migration_entry(entry))
		return PTSCOPE_LEAF_MIGRATION_READ;
	if (is_device_private_entry(entry))
		return PTSCOPE_LEAF_DEVICE_PRIVATE;
	if (is_device_exclusive_entry(entry))
		return PTSCOPE_LEAF_DEVICE_EXCLUSIVE;
	if (is_pte_marker_entry(entry))
		return PTSCOPE_LEAF_MARKER;
	if (is_hwpoison_entry(entry))
		return PTSCOPE_LEAF_HWPOISON;
#endif
	return PTSCOPE_LEAF_OTHER;
}

#endif /* _PTSCOPE_COMPAT_H */
