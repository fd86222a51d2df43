// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope: live page-table walker.
 *
 * One function per level, each the same do { next = X_addr_end(); ... }
 * while loop as mm/pagewalk.c, reporting through struct ptscope_walk_ops.
 *
 * Locking, for a walk under mmap_read_lock():
 *  - PGD, P4D, PUD and PMD tables are only freed under the mmap write lock,
 *    except hugetlb PMD tables shared between processes, which
 *    huge_pmd_unshare() detaches (and may free) under the read lock, but
 *    only with the file's i_mmap_rwsem held for write: hugetlb VMAs are
 *    walked with i_mmap_rwsem held for read.
 *  - Each entry is read once; the next table is found from that copy
 *    (pud_offset()/pmd_offset() on the value read), never by reading the
 *    live entry again.
 *  - PTE tables can be freed under the read lock since 6.5 (khugepaged), so
 *    they are mapped the way __pte_offset_map_lock() does it: RCU, one read
 *    of the PMD, pte_offset_kernel() on that copy, the PTE lock, then the
 *    PMD is checked again; a change means retry.
 *  - PUD and PMD leaves are reported under pud_lock()/pmd_lock() once the
 *    entry is found unchanged; a change means retry.
 * P4D is folded at run time on 4-level paging: pgd_none() is then always
 * false and the top table is walked at the P4D level, as in mm/pagewalk.c.
 */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/hugetlb_inline.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/mmap_lock.h>
#include <linux/io.h>

#include "compat.h"
#include "walk.h"

static const void *ptscope_table_of(const void *entry)
{
	return (const void *)((unsigned long)entry & PAGE_MASK);
}

static int ptscope_note_table(struct ptscope_walk *walk, int depth,
			      const void *entry, unsigned long addr)
{
	if (!walk->ops->table)
		return 0;
	return walk->ops->table(depth, ptscope_table_of(entry), addr, walk);
}

static int ptscope_hole(struct ptscope_walk *walk, unsigned long addr,
			unsigned long next, int depth)
{
	if (!walk->ops->pte_hole)
		return 0;
	return walk->ops->pte_hole(addr, next, depth, walk);
}

static int ptscope_nonpresent(struct ptscope_walk *walk, u64 raw,
			      unsigned long addr, unsigned long next, int depth)
{
	if (!walk->ops->nonpresent_entry)
		return 0;
	return walk->ops->nonpresent_entry(raw, addr, next, depth, walk);
}

/* A PUD is present like a PMD is: PROT_NONE and PSE-only leaves count. */
static bool ptscope_pud_present(pud_t pud)
{
	return pud_flags(pud) & (_PAGE_PRESENT | _PAGE_PROTNONE | _PAGE_PSE);
}

/* Swap entries never have PSE set, so PSE alone tells a PUD leaf. */
static bool ptscope_pud_huge(pud_t pud)
{
	return pud_flags(pud) & _PAGE_PSE;
}

/* The PMD points to a PTE table */
static bool ptscope_pmd_table(pmd_t pmd)
{
	return !pmd_none(pmd) && pmd_present(pmd) && !pmd_leaf(pmd) &&
	       !pmd_trans_huge(pmd) && !pmd_bad(pmd);
}

/* The entries of a PTE table, mapped and locked by walk_pte_range() */
static int walk_pte_entries(pte_t *ptep, unsigned long addr,
			    unsigned long end, struct ptscope_walk *walk)
{
	const struct ptscope_walk_ops *ops = walk->ops;
	unsigned long hole_start = 0;
	bool in_hole = false;
	int err;

	err = ptscope_note_table(walk, PTSCOPE_LVL_PTE, ptep, addr);
	if (err)
		return err;
	if (ops->pte_range)
		return ops->pte_range(ptep, addr, end, walk);

	do {
		pte_t pte = ptep_get(ptep);

		if (pte_none(pte)) {
			if (!in_hole) {
				hole_start = addr;
				in_hole = true;
			}
			continue;
		}
		if (in_hole) {
			in_hole = false;
			err = ptscope_hole(walk, hole_start, addr,
					   PTSCOPE_LVL_PTE);
			if (err)
				return err;
		}
		if (pte_present(pte)) {
			if (ops->pte_entry)
				err = ops->pte_entry(pte, addr,
						     addr + PAGE_SIZE, walk);
		} else {
			err = ptscope_nonpresent(walk, pte_val(pte), addr,
						 addr + PAGE_SIZE,
						 PTSCOPE_LVL_PTE);
		}
		if (err)
			return err;
	} while (ptep++, addr += PAGE_SIZE, addr != end);

	if (in_hole)
		err = ptscope_hole(walk, hole_start, end, PTSCOPE_LVL_PTE);
	return err;
}

/*
 * Map and lock the PTE table under @pmdp as __pte_offset_map_lock() does,
 * then walk it.  Returns -EAGAIN, having read nothing, when the PMD is not
 * (or no longer) a table: the caller reads the PMD again.
 */
static int walk_pte_range(pmd_t *pmdp, unsigned long addr, unsigned long end,
			  struct ptscope_walk *walk)
{
	spinlock_t *ptl;	/* the PTE table lock */
	int err = -EAGAIN;
	pmd_t pmdval;
	pte_t *ptep;

	rcu_read_lock();
	pmdval = ptscope_pmdp_get(pmdp);
	if (!ptscope_pmd_table(pmdval))
		goto out_rcu_unlock;

	ptep = pte_offset_kernel(&pmdval, addr);
	ptl = pte_lockptr(walk->mm, &pmdval);
	spin_lock(ptl);
	if (likely(pmd_val(ptscope_pmdp_get(pmdp)) == pmd_val(pmdval)))
		err = walk_pte_entries(ptep, addr, end, walk);
	spin_unlock(ptl);
out_rcu_unlock:
	rcu_read_unlock();
	return err;
}

/* Report a PMD leaf under its lock; -EAGAIN to re-read a changed PMD. */
static int walk_pmd_leaf(pmd_t *pmdp, pmd_t pmd, unsigned long addr,
			 unsigned long next, struct ptscope_walk *walk)
{
	spinlock_t *ptl;	/* the PMD lock */
	int err = 0;

	ptl = pmd_lock(walk->mm, pmdp);
	if (pmd_val(ptscope_pmdp_get(pmdp)) != pmd_val(pmd))
		err = -EAGAIN;
	else if (walk->ops->pmd_entry)
		err = walk->ops->pmd_entry(pmd, addr, next, walk);
	spin_unlock(ptl);
	return err;
}

/*
 * Hold off huge_pmd_unshare() while a hugetlb VMA is walked: it needs the
 * file's i_mmap_rwsem for write.  Returns what to unlock.
 */
static struct address_space *ptscope_hugetlb_lock(struct vm_area_struct *vma)
{
	struct address_space *mapping;

	if (!vma || !is_vm_hugetlb_page(vma) || !vma->vm_file)
		return NULL;
	mapping = vma->vm_file->f_mapping;
	i_mmap_lock_read(mapping);
	return mapping;
}

static void ptscope_hugetlb_unlock(struct address_space *mapping)
{
	if (mapping)
		i_mmap_unlock_read(mapping);
}

static int walk_pmd_range(pud_t pud, unsigned long addr, unsigned long end,
			  struct ptscope_walk *walk)
{
	bool hugetlb = is_vm_hugetlb_page(walk->vma);
	unsigned long next;
	pmd_t *pmdp;
	pmd_t pmd;
	int err;

	pmdp = pmd_offset(&pud, addr);
	err = ptscope_note_table(walk, PTSCOPE_LVL_PMD, pmdp, addr);
	if (err)
		return err;

	do {
		next = pmd_addr_end(addr, end);
again:
		pmd = ptscope_pmdp_get(pmdp);
		if (pmd_none(pmd)) {
			err = ptscope_hole(walk, addr, next, PTSCOPE_LVL_PMD);
		} else if (!pmd_present(pmd)) {
			err = ptscope_nonpresent(walk, pmd_val(pmd), addr, next,
						 PTSCOPE_LVL_PMD);
		} else if (pmd_leaf(pmd)) {
			err = walk_pmd_leaf(pmdp, pmd, addr, next, walk);
			if (err == -EAGAIN)
				goto again;
		} else if (!pmd_bad(pmd) && !hugetlb) {
			err = walk_pte_range(pmdp, addr, next, walk);
			if (err == -EAGAIN)
				goto again;
		}
		if (err)
			break;
	} while (pmdp++, addr = next, addr != end);

	return err;
}

static int walk_pud_leaf(pud_t *pudp, pud_t pud, unsigned long addr,
			 unsigned long next, struct ptscope_walk *walk)
{
	spinlock_t *ptl;	/* the PUD lock */
	int err = 0;

	ptl = pud_lock(walk->mm, pudp);
	if (pud_val(ptscope_pudp_get(pudp)) != pud_val(pud))
		err = -EAGAIN;
	else if (walk->ops->pud_entry)
		err = walk->ops->pud_entry(pud, addr, next, walk);
	spin_unlock(ptl);
	return err;
}

static int walk_pud_range(p4d_t p4d, unsigned long addr, unsigned long end,
			  struct ptscope_walk *walk)
{
	unsigned long next;
	pud_t *pudp;
	pud_t pud;
	int err;

	pudp = pud_offset(&p4d, addr);
	err = ptscope_note_table(walk, PTSCOPE_LVL_PUD, pudp, addr);
	if (err)
		return err;

	do {
		next = pud_addr_end(addr, end);
again:
		pud = ptscope_pudp_get(pudp);
		if (pud_none(pud)) {
			err = ptscope_hole(walk, addr, next, PTSCOPE_LVL_PUD);
		} else if (ptscope_pud_huge(pud)) {
			err = walk_pud_leaf(pudp, pud, addr, next, walk);
			if (err == -EAGAIN)
				goto again;
		} else if (!ptscope_pud_present(pud)) {
			err = ptscope_nonpresent(walk, pud_val(pud), addr, next,
						 PTSCOPE_LVL_PUD);
		} else if (!pud_bad(pud)) {
			err = walk_pmd_range(pud, addr, next, walk);
		}
		if (err)
			break;
	} while (pudp++, addr = next, addr != end);

	return err;
}

static int walk_p4d_range(pgd_t *pgdp, unsigned long addr, unsigned long end,
			  struct ptscope_walk *walk)
{
	unsigned long next;
	p4d_t *p4dp;
	p4d_t p4d;
	int err;

	p4dp = p4d_offset(pgdp, addr);
	err = ptscope_note_table(walk, PTSCOPE_LVL_P4D, p4dp, addr);
	if (err)
		return err;

	do {
		next = p4d_addr_end(addr, end);
		p4d = READ_ONCE(*p4dp);
		if (p4d_none(p4d))
			err = ptscope_hole(walk, addr, next, PTSCOPE_LVL_P4D);
		else if (!p4d_bad(p4d))
			err = walk_pud_range(p4d, addr, next, walk);
		if (err)
			break;
	} while (p4dp++, addr = next, addr != end);

	return err;
}

static int walk_pgd_range(unsigned long addr, unsigned long end,
			  struct ptscope_walk *walk)
{
	unsigned long next;
	pgd_t *pgdp;
	pgd_t pgd;
	int err = 0;

	pgdp = pgd_offset(walk->mm, addr);
	if (pgtable_l5_enabled())
		err = ptscope_note_table(walk, PTSCOPE_LVL_PGD, pgdp, addr);
	if (err)
		return err;

	do {
		next = pgd_addr_end(addr, end);
		pgd = READ_ONCE(*pgdp);
		if (pgd_none(pgd))
			err = ptscope_hole(walk, addr, next, PTSCOPE_LVL_PGD);
		else if (!pgd_bad(pgd))
			err = walk_p4d_range(pgdp, addr, next, walk);
		if (err)
			break;
	} while (pgdp++, addr = next, addr != end);

	return err;
}

/**
 * ptscope_walk_range() - walk the page tables of the VMAs in a range
 * @mm: address space, with mmap_read_lock() held and a reference on mm_users
 * @start: first address, page aligned
 * @end: end of the range (exclusive), page aligned
 * @ops: callbacks; any may be NULL
 * @private: stored in struct ptscope_walk for the callbacks
 *
 * Only addresses inside VMAs are visited, VMA by VMA in address order;
 * @ops->pre_vma is told each one before its entries.  Hugetlb VMAs are
 * walked with their file's i_mmap_rwsem held for read, so this may sleep.  Present leaves at
 * PUD, PMD and PTE level, non-present entries and holes (with the level
 * where the walk found nothing) are reported in address order.
 *
 * Return: 0 when the range was walked, else the first non-zero value a
 * callback returned (negative errno: abort; positive: caller stop), or
 * -EINVAL for an empty or unaligned range.
 */
int ptscope_walk_range(struct mm_struct *mm, unsigned long start,
		       unsigned long end, const struct ptscope_walk_ops *ops,
		       void *private)
{
	struct ptscope_walk walk = {
		.ops = ops,
		.mm = mm,
		.private = private,
	};
	struct address_space *mapping;
	struct vm_area_struct *vma;
	unsigned long next;
	int err = 0;

	if (start >= end || !PAGE_ALIGNED(start) || !PAGE_ALIGNED(end))
		return -EINVAL;
	ptscope_assert_mmap_locked(mm);

	vma = find_vma(mm, start);
	while (vma && vma->vm_start < end) {
		start = max(start, vma->vm_start);
		next = min(end, vma->vm_end);
		walk.vma = vma;
		if (ops->pre_vma) {
			err = ops->pre_vma(start, next, &walk);
			if (err)
				break;
		}
		mapping = ptscope_hugetlb_lock(vma);
		err = walk_pgd_range(start, next, &walk);
		ptscope_hugetlb_unlock(mapping);
		if (err || next >= end)
			break;
		start = next;
		vma = find_vma(mm, start);
	}
	return err;
}

static void ptscope_xlate_fill(struct ptscope_xlate_step *step, int level,
			       const void *entry, u64 raw, unsigned int shift)
{
	step->level = level;
	step->table_pa = virt_to_phys((void *)ptscope_table_of(entry));
	step->entry_pa = virt_to_phys((void *)entry);
	step->index = (step->entry_pa - step->table_pa) / sizeof(u64);
	step->shift = shift;
	step->raw = raw;
	step->leaf = false;
	step->present = false;
}

static int xlate_pte(struct mm_struct *mm, pmd_t *pmdp, unsigned long addr,
		     struct ptscope_xlate_step *step)
{
	spinlock_t *ptl;	/* the PTE table lock */
	int n = -EAGAIN;
	pmd_t pmdval;
	pte_t *ptep;

	rcu_read_lock();
	pmdval = ptscope_pmdp_get(pmdp);
	if (!ptscope_pmd_table(pmdval))
		goto out_rcu_unlock;

	ptep = pte_offset_kernel(&pmdval, addr);
	ptl = pte_lockptr(mm, &pmdval);
	spin_lock(ptl);
	if (likely(pmd_val(ptscope_pmdp_get(pmdp)) == pmd_val(pmdval))) {
		ptscope_xlate_fill(step, PTSCOPE_LVL_PTE, ptep,
				   pte_val(ptep_get(ptep)), PAGE_SHIFT);
		n = 1;
	}
	spin_unlock(ptl);
out_rcu_unlock:
	rcu_read_unlock();

	if (n == 1) {
		step->present = pte_present(__pte(step->raw));
		step->leaf = step->present;
	}
	return n;
}

static int xlate_pmd(struct mm_struct *mm, pud_t pud, unsigned long addr,
		     struct ptscope_xlate_step *steps)
{
	pmd_t *pmdp = pmd_offset(&pud, addr);
	pmd_t pmd;
	int n;

	do {
		pmd = ptscope_pmdp_get(pmdp);
		ptscope_xlate_fill(steps, PTSCOPE_LVL_PMD, pmdp, pmd_val(pmd),
				   PMD_SHIFT);
		if (pmd_none(pmd))
			return 1;
		steps->present = pmd_present(pmd);
		steps->leaf = steps->present && pmd_leaf(pmd);
		if (!steps->present || steps->leaf || pmd_bad(pmd))
			return 1;
		n = xlate_pte(mm, pmdp, addr, steps + 1);
	} while (n == -EAGAIN);
	return 1 + n;
}

static int xlate_pud(struct mm_struct *mm, p4d_t p4d, unsigned long addr,
		     struct ptscope_xlate_step *steps)
{
	pud_t *pudp = pud_offset(&p4d, addr);
	pud_t pud = ptscope_pudp_get(pudp);

	ptscope_xlate_fill(steps, PTSCOPE_LVL_PUD, pudp, pud_val(pud),
			   PUD_SHIFT);
	if (pud_none(pud))
		return 1;
	steps->present = ptscope_pud_present(pud);
	steps->leaf = steps->present && ptscope_pud_huge(pud);
	if (!steps->present || steps->leaf || pud_bad(pud))
		return 1;
	return 1 + xlate_pmd(mm, pud, addr, steps + 1);
}

static int xlate_p4d(struct mm_struct *mm, pgd_t *pgdp, unsigned long addr,
		     struct ptscope_xlate_step *steps)
{
	p4d_t *p4dp = p4d_offset(pgdp, addr);
	p4d_t p4d = READ_ONCE(*p4dp);

	ptscope_xlate_fill(steps, PTSCOPE_LVL_P4D, p4dp, p4d_val(p4d),
			   P4D_SHIFT);
	if (p4d_none(p4d))
		return 1;
	steps->present = p4d_present(p4d);
	if (!steps->present || p4d_bad(p4d))
		return 1;
	return 1 + xlate_pud(mm, p4d, addr, steps + 1);
}

/**
 * ptscope_walk_xlate() - translate one user address level by level
 * @mm: address space, with mmap_read_lock() held and a reference on mm_users
 * @addr: the user address
 * @steps: filled with one entry per level read, top first
 *
 * The top level is read from the PGD copy user mode runs on (the PTI user
 * copy when PTI is active).  On 4-level paging the PGD is folded and the
 * first step is the P4D level.  The walk stops at the first leaf, none,
 * non-present or bad entry; the last step tells which.
 *
 * Return: the number of steps filled (at least 1).
 */
int ptscope_walk_xlate(struct mm_struct *mm, unsigned long addr,
		       struct ptscope_xlate_step steps[PTSCOPE_NR_LEVELS])
{
	pgd_t *pgdp = ptscope_user_pgdp(pgd_offset(mm, addr));
	struct address_space *mapping;
	struct vm_area_struct *vma;
	pgd_t pgd;
	int n = 1;

	ptscope_assert_mmap_locked(mm);

	vma = find_vma(mm, addr);
	if (vma && vma->vm_start > addr)
		vma = NULL;
	mapping = ptscope_hugetlb_lock(vma);

	if (!pgtable_l5_enabled()) {
		n = xlate_p4d(mm, pgdp, addr, steps);
		goto out_unlock;
	}
	pgd = READ_ONCE(*pgdp);
	ptscope_xlate_fill(steps, PTSCOPE_LVL_PGD, pgdp, pgd_val(pgd),
			   PGDIR_SHIFT);
	if (pgd_none(pgd))
		goto out_unlock;
	steps->present = pgd_present(pgd);
	if (steps->present && !pgd_bad(pgd))
		n += xlate_p4d(mm, pgdp, addr, steps + 1);
out_unlock:
	ptscope_hugetlb_unlock(mapping);
	return n;
}
