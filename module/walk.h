/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ptscope: live page-table walker.
 *
 * Pure mechanism, shaped like mm/pagewalk.c: it reads the tables of a user
 * address space and reports what it finds through optional callbacks.  It
 * never prints and never allocates.
 */
#ifndef _PTSCOPE_WALK_H
#define _PTSCOPE_WALK_H

#include <linux/types.h>
#include <linux/mm_types.h>
#include <linux/pgtable.h>

#include "uapi/ptscope.h"

struct ptscope_walk;

/**
 * struct ptscope_walk_ops - callbacks for ptscope_walk_range()
 * @pre_vma:	a VMA is about to be walked; [@start, @end) is the part of it
 *		inside the requested range.  The only callback that may sleep.
 * @table:	a page-table page of level @depth is about to be read from
 *		@addr on; @table is its kernel address (the same table may be
 *		reported more than once, in address order).  A PTE table is
 *		reported under its lock, before any of its entries.
 * @pud_entry:	a present (or PROT_NONE) 1G leaf, under the PUD lock.
 * @pmd_entry:	a present (or PROT_NONE) 2M leaf, THP or hugetlb, under the
 *		PMD lock.
 * @pte_entry:	a present (or PROT_NONE) PTE, under the PTE table lock.
 * @nonpresent_entry: an entry at @depth that is neither none nor present
 *		(swap, migration, device, marker).  PTEs are reported under
 *		the PTE table lock, PMD and PUD entries as a lockless snapshot.
 * @pte_hole:	[@addr, @next) has no entry at @depth: a run of none entries
 *		in one table, or a missing table.  May be called under the PTE
 *		table lock.
 * @pte_range:	when set, the entries [@addr, @end) of a PTE table, mapped
 *		and locked at @ptep, are handed over whole instead of through
 *		@pte_entry, @nonpresent_entry and @pte_hole (as mm/pagewalk.c's
 *		users that loop over a table themselves).
 *
 * Every callback returns 0 to continue, a negative errno to abort the walk
 * or a positive value to stop it; ptscope_walk_range() returns that value.
 * Callbacks must not return -EAGAIN (the walker uses it to retry) and,
 * but for @pre_vma, must not sleep: they may run under a spinlock or in
 * an RCU read-side section.
 */
struct ptscope_walk_ops {
	int (*pre_vma)(unsigned long start, unsigned long end,
		       struct ptscope_walk *walk);
	int (*table)(int depth, const void *table, unsigned long addr,
		     struct ptscope_walk *walk);
	int (*pud_entry)(pud_t pud, unsigned long addr, unsigned long next,
			 struct ptscope_walk *walk);
	int (*pmd_entry)(pmd_t pmd, unsigned long addr, unsigned long next,
			 struct ptscope_walk *walk);
	int (*pte_entry)(pte_t pte, unsigned long addr, unsigned long next,
			 struct ptscope_walk *walk);
	int (*nonpresent_entry)(u64 raw, unsigned long addr, unsigned long next,
				int depth, struct ptscope_walk *walk);
	int (*pte_hole)(unsigned long addr, unsigned long next, int depth,
			struct ptscope_walk *walk);
	int (*pte_range)(pte_t *ptep, unsigned long addr, unsigned long end,
			 struct ptscope_walk *walk);
};

/**
 * struct ptscope_walk - state of one ptscope_walk_range() call
 * @ops:	the callbacks
 * @mm:		the address space (mmap lock held for read)
 * @vma:	the VMA being walked
 * @private:	the caller's data
 */
struct ptscope_walk {
	const struct ptscope_walk_ops *ops;
	struct mm_struct *mm;
	struct vm_area_struct *vma;
	void *private;
};

int ptscope_walk_range(struct mm_struct *mm, unsigned long start,
		       unsigned long end, const struct ptscope_walk_ops *ops,
		       void *private);

/**
 * struct ptscope_xlate_step - one level of a translation
 * @level:	PTSCOPE_LVL_*
 * @index:	index of the entry in its table
 * @shift:	VA bits below this level
 * @table_pa:	physical address of the table
 * @entry_pa:	physical address of the entry
 * @raw:	entry value
 * @leaf:	the entry maps the page
 * @present:	present in the kernel's sense (PROT_NONE counts)
 */
struct ptscope_xlate_step {
	int level;
	unsigned int index;
	unsigned int shift;
	phys_addr_t table_pa;
	phys_addr_t entry_pa;
	u64 raw;
	bool leaf;
	bool present;
};

int ptscope_walk_xlate(struct mm_struct *mm, unsigned long addr,
		       struct ptscope_xlate_step steps[PTSCOPE_NR_LEVELS]);

#endif /* _PTSCOPE_WALK_H */
