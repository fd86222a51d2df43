// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the walker (module/walk.c), the decoder and the record generator
 * (module/gen.c) over a real user address space.
 *
 * There is no exported way to make a fresh mm (mm_alloc() is not
 * exported), so the suite borrows the one of the process that loads the
 * module: suite_init runs in insmod's context (the module notifier), takes
 * get_task_mm(current), and every case maps its own anonymous memory into
 * it from the KUnit thread with kthread_use_mm() + vm_mmap(), faults pages
 * in with put_user()/get_user(), and unmaps them with vm_munmap() before
 * leaving.  insmod is blocked in init_module() meanwhile and never touches
 * these addresses.  Nothing here may abort a case (KUNIT_ASSERT) while the
 * mm is in use: the aborted thread would exit holding it.
 *
 * Oracles: get_user_pages_remote() (the frame the kernel's own GUP finds),
 * follow_pte() (the entry value under its lock), the zero page's frame
 * (ZERO_PAGE), and the x86 paging structure: each level indexes 9 address
 * bits (shift 12/21/30/39/48), a table entry's bits 12-51 hold the next
 * table's physical address, a 2M frame is 2M aligned.
 */
#include <kunit/test.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/mmap_lock.h>
#include <linux/sched/mm.h>
#include <linux/uaccess.h>

#include "uapi/ptscope.h"
#include "decode.h"
#include "gen.h"
#include "walk.h"

#define F(x)	PTSCOPE_F_##x
#define S(x)	PTSCOPE_S_##x
#define TS4	(BIT_ULL(47) - 4096)
#define TS5	(BIT_ULL(56) - 4096)

static struct mm_struct *walk_mm;

static int walk_suite_init(struct kunit_suite *suite)
{
	/* insmod's mm; NULL if loaded some other way: the cases skip */
	walk_mm = get_task_mm(current);
	return 0;
}

static void walk_suite_exit(struct kunit_suite *suite)
{
	if (walk_mm)
		mmput(walk_mm);
	walk_mm = NULL;
}

static int walk_case_init(struct kunit *test)
{
	if (!walk_mm)
		kunit_skip(test, "no user mm: the module was not loaded by a user process");
	return 0;
}

/* What the walker reported */
#define MAX_EV	1024
struct walk_ev {
	unsigned long addr, next;
	int level;
	bool hole, nonpresent;
	u64 raw;
	struct ptscope_rec_entry e;	/* decoded, leaves only */
};

struct walk_log {
	struct walk_ev ev[MAX_EV];
	int nr;
	int overflow;
	int nr_vma;
	unsigned long vma_start, vma_end;
	int stop_after;		/* return 1 after this many leaves (0: never) */
	int leaves;
};

static struct walk_ev *walk_log_add(struct ptscope_walk *walk,
				    unsigned long addr, unsigned long next,
				    int level)
{
	struct walk_log *log = walk->private;
	struct walk_ev *ev;

	if (log->nr >= MAX_EV) {
		log->overflow++;
		return NULL;
	}
	ev = &log->ev[log->nr++];
	memset(ev, 0, sizeof(*ev));
	ev->addr = addr;
	ev->next = next;
	ev->level = level;
	return ev;
}

static int walk_log_leaf(struct ptscope_walk *walk, int level, u64 raw,
			 unsigned long addr, unsigned long next)
{
	struct walk_log *log = walk->private;
	struct walk_ev *ev = walk_log_add(walk, addr, next, level);

	if (ev) {
		ev->raw = raw;
		/* under the entry's lock, as the decoder requires */
		ptscope_decode_leaf(&ev->e, walk->vma, level, raw, addr,
				    next - addr);
	}
	log->leaves++;
	return log->stop_after && log->leaves >= log->stop_after;
}

static int walk_log_pte(pte_t pte, unsigned long addr, unsigned long next,
			struct ptscope_walk *walk)
{
	return walk_log_leaf(walk, PTSCOPE_LVL_PTE, pte_val(pte), addr, next);
}

static int walk_log_pmd(pmd_t pmd, unsigned long addr, unsigned long next,
			struct ptscope_walk *walk)
{
	return walk_log_leaf(walk, PTSCOPE_LVL_PMD, pmd_val(pmd), addr, next);
}

static int walk_log_pud(pud_t pud, unsigned long addr, unsigned long next,
			struct ptscope_walk *walk)
{
	return walk_log_leaf(walk, PTSCOPE_LVL_PUD, pud_val(pud), addr, next);
}

static int walk_log_nonpresent(u64 raw, unsigned long addr, unsigned long next,
			       int depth, struct ptscope_walk *walk)
{
	struct walk_ev *ev = walk_log_add(walk, addr, next, depth);

	if (ev) {
		ev->raw = raw;
		ev->nonpresent = true;
	}
	return 0;
}

static int walk_log_hole(unsigned long addr, unsigned long next, int depth,
			 struct ptscope_walk *walk)
{
	struct walk_ev *ev = walk_log_add(walk, addr, next, depth);

	if (ev)
		ev->hole = true;
	return 0;
}

static int walk_log_pre_vma(unsigned long start, unsigned long end,
			    struct ptscope_walk *walk)
{
	struct walk_log *log = walk->private;

	log->nr_vma++;
	log->vma_start = start;
	log->vma_end = end;
	return 0;
}

static const struct ptscope_walk_ops walk_log_ops = {
	.pre_vma		= walk_log_pre_vma,
	.pud_entry		= walk_log_pud,
	.pmd_entry		= walk_log_pmd,
	.pte_entry		= walk_log_pte,
	.nonpresent_entry	= walk_log_nonpresent,
	.pte_hole		= walk_log_hole,
};

/*
 * Map @len bytes between two unmapped guard pages, so that no neighbour
 * can merge into the VMA.  The mm must be in use.  Returns 0 on failure.
 */
static unsigned long walk_map(unsigned long len, unsigned long prot,
			      unsigned long flags)
{
	unsigned long addr;

	addr = vm_mmap(NULL, 0, len + 2 * PAGE_SIZE, prot,
		       flags | MAP_ANONYMOUS, 0);
	if (IS_ERR_VALUE(addr))
		return 0;
	vm_munmap(addr, PAGE_SIZE);
	vm_munmap(addr + PAGE_SIZE + len, PAGE_SIZE);
	return addr + PAGE_SIZE;
}

static int walk_range(unsigned long start, unsigned long end,
		      struct walk_log *log)
{
	int err;

	mmap_read_lock(walk_mm);
	err = ptscope_walk_range(walk_mm, start, end, &walk_log_ops, log);
	mmap_read_unlock(walk_mm);
	return err;
}

/* The frame GUP finds at @addr (present pages only: no fault expected) */
static long gup_pfn(unsigned long addr)
{
	struct page *page;
	long n, pfn;

	mmap_read_lock(walk_mm);
	n = get_user_pages_remote(walk_mm, addr, 1, 0, &page, NULL, NULL);
	mmap_read_unlock(walk_mm);
	if (n != 1)
		return -1;
	pfn = page_to_pfn(page);
	put_page(page);
	return pfn;
}

/* The entry follow_pte() reads at @addr, or 0 */
static u64 follow_raw(unsigned long addr)
{
	spinlock_t *ptl;	/* PTE lock */
	pte_t *ptep;
	u64 raw = 0;

	mmap_read_lock(walk_mm);
	if (!follow_pte(walk_mm, addr, &ptep, &ptl)) {
		raw = pte_val(*ptep);
		pte_unmap_unlock(ptep, ptl);
	}
	mmap_read_unlock(walk_mm);
	return raw;
}

static u64 nx_expected(void)
{
	return (__supported_pte_mask & _PAGE_NX) ? F(NX) : 0;
}

enum { PG_UNTOUCHED, PG_WRITTEN, PG_READ };

/*
 * 64 private anonymous pages: written, read (the zero page) and untouched
 * ones.  Every page is covered exactly once, by a leaf or a hole; leaves
 * are exactly the touched pages, with GUP's frame and follow_pte()'s entry.
 */
static void walk_anon_pages_test(struct kunit *test)
{
	const int nr = 64;
	const unsigned long len = nr * PAGE_SIZE;
	struct walk_log *log;
	unsigned long addr, zero_pfn_v = page_to_pfn(ZERO_PAGE(0));
	u8 *what, *covered;
	int i, j, err;

	log = kunit_kzalloc(test, sizeof(*log), GFP_KERNEL);
	what = kunit_kzalloc(test, nr, GFP_KERNEL);
	covered = kunit_kzalloc(test, nr, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, log);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, what);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, covered);
	for (i = 0; i < nr; i++) {
		if (i < 48)
			what[i] = i % 4 == 3 ? PG_UNTOUCHED : PG_WRITTEN;
		else if (i < 56)
			what[i] = PG_READ;
	}

	kthread_use_mm(walk_mm);
	addr = walk_map(len, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	KUNIT_EXPECT_NE(test, addr, 0UL);
	if (!addr)
		goto out_unuse;
	for (i = 0; i < nr; i++) {
		char __user *p = (char __user *)(addr + i * PAGE_SIZE);
		char c;

		if (what[i] == PG_WRITTEN) {
			KUNIT_EXPECT_EQ(test, put_user((char)i, p), 0);
		} else if (what[i] == PG_READ) {
			KUNIT_EXPECT_EQ(test, get_user(c, p), 0);
			KUNIT_EXPECT_EQ(test, c, 0);	/* zero-filled */
		}
	}

	/* from the guard page below to the one above: only the VMA is seen */
	err = walk_range(addr - PAGE_SIZE, addr + len + PAGE_SIZE, log);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, log->overflow, 0);
	KUNIT_EXPECT_EQ(test, log->nr_vma, 1);
	KUNIT_EXPECT_EQ(test, log->vma_start, addr);
	KUNIT_EXPECT_EQ(test, log->vma_end, addr + len);

	for (j = 0; j < log->nr; j++) {
		struct walk_ev *ev = &log->ev[j];
		unsigned long a;

		KUNIT_EXPECT_FALSE(test, ev->nonpresent);
		KUNIT_EXPECT_GE(test, ev->addr, addr);
		KUNIT_EXPECT_LE(test, ev->next, addr + len);
		KUNIT_EXPECT_LT(test, ev->addr, ev->next);
		/* events come in address order without overlap */
		if (j)
			KUNIT_EXPECT_LE(test, log->ev[j - 1].next, ev->addr);
		for (a = ev->addr; a < ev->next && a >= addr &&
		     a < addr + len; a += PAGE_SIZE) {
			i = (a - addr) / PAGE_SIZE;
			covered[i]++;
			if (ev->hole) {
				KUNIT_EXPECT_EQ_MSG(test, what[i], PG_UNTOUCHED,
						    "page %d reported as a hole", i);
				continue;
			}
			KUNIT_EXPECT_NE_MSG(test, what[i], PG_UNTOUCHED,
					    "untouched page %d reported present", i);
		}
		if (ev->hole)
			continue;

		/* a leaf: 4K here (the VMA is too small for a THP) */
		i = (ev->addr - addr) / PAGE_SIZE;
		KUNIT_EXPECT_EQ(test, ev->level, PTSCOPE_LVL_PTE);
		KUNIT_EXPECT_EQ(test, ev->next - ev->addr, PAGE_SIZE);
		KUNIT_EXPECT_EQ_MSG(test, (long)ptscope_leaf_pfn(ev->raw, ev->level),
				    gup_pfn(ev->addr), "page %d", i);
		KUNIT_EXPECT_EQ_MSG(test, ev->raw, follow_raw(ev->addr),
				    "page %d", i);
		KUNIT_EXPECT_EQ(test, ev->e.pfn,
				(u64)ptscope_leaf_pfn(ev->raw, ev->level));
		KUNIT_EXPECT_EQ(test, ev->e.va, (u64)ev->addr);
		KUNIT_EXPECT_EQ(test, ev->e.flags & (F(PRESENT) | F(USER)),
				F(PRESENT) | F(USER));
		KUNIT_EXPECT_EQ(test, ev->e.flags & F(NX), nx_expected());
		if (what[i] == PG_WRITTEN) {
			KUNIT_EXPECT_TRUE(test, ev->e.flags & F(RW));
			KUNIT_EXPECT_TRUE(test, ev->e.flags & F(DIRTY));
			KUNIT_EXPECT_EQ(test, ev->e.state & (S(ANON) | S(ZERO)),
					S(ANON));
			KUNIT_EXPECT_TRUE(test, ev->e.state & S(ANON_EXCL));
			KUNIT_EXPECT_EQ(test, ev->e.mapcount, 1U);
			KUNIT_EXPECT_EQ(test, ev->e.folio_order, 0U);
		} else if (what[i] == PG_READ) {
			/* a read fault maps the shared zero page read-only */
			KUNIT_EXPECT_FALSE(test, ev->e.flags & F(RW));
			KUNIT_EXPECT_EQ(test, ev->e.pfn, (u64)zero_pfn_v);
			KUNIT_EXPECT_TRUE(test, ev->e.state & S(ZERO));
			KUNIT_EXPECT_FALSE(test, ev->e.state & S(ANON));
		}
	}
	for (i = 0; i < nr; i++)
		KUNIT_EXPECT_EQ_MSG(test, covered[i], 1, "page %d covered %d times",
				    i, covered[i]);

	vm_munmap(addr, len);
out_unuse:
	kthread_unuse_mm(walk_mm);
}

/*
 * One translation, level by level: the x86 index of each level, each
 * entry pointing to the next table, the final physical address GUP's.
 */
static void walk_xlate_test(struct kunit *test)
{
	static const unsigned int shifts[PTSCOPE_NR_LEVELS] = {
		48, 39, 30, 21, 12,
	};
	struct ptscope_xlate_step steps[PTSCOPE_NR_LEVELS];
	const int levels = pgtable_l5_enabled() ? 5 : 4;
	unsigned long addr, va, untouched;
	long pfn;
	int i, n;

	kthread_use_mm(walk_mm);
	addr = walk_map(4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	KUNIT_EXPECT_NE(test, addr, 0UL);
	if (!addr)
		goto out_unuse;
	va = addr + PAGE_SIZE + 0x123;
	KUNIT_EXPECT_EQ(test, put_user((char)1, (char __user *)va), 0);
	pfn = gup_pfn(va);

	mmap_read_lock(walk_mm);
	n = ptscope_walk_xlate(walk_mm, va, steps);
	mmap_read_unlock(walk_mm);

	KUNIT_EXPECT_EQ(test, n, levels);
	for (i = 0; i < n && i < levels; i++) {
		int level = PTSCOPE_NR_LEVELS - levels + i;

		KUNIT_EXPECT_EQ(test, steps[i].level, level);
		KUNIT_EXPECT_EQ(test, steps[i].shift, shifts[level]);
		KUNIT_EXPECT_EQ(test, steps[i].index,
				(unsigned int)((va >> shifts[level]) & 511));
		KUNIT_EXPECT_EQ(test, steps[i].entry_pa,
				steps[i].table_pa + 8 * steps[i].index);
		KUNIT_EXPECT_TRUE(test, steps[i].present);
		KUNIT_EXPECT_TRUE(test, steps[i].raw & _PAGE_USER);
		KUNIT_EXPECT_EQ(test, steps[i].leaf, i == levels - 1);
		/* bits 12..51 of a table entry: the next table */
		if (i + 1 < n)
			KUNIT_EXPECT_EQ(test, steps[i + 1].table_pa,
					(phys_addr_t)(steps[i].raw &
						      GENMASK_ULL(51, 12)));
	}
	if (n == levels) {
		struct ptscope_rec_level r;

		ptscope_decode_level(&r, &steps[n - 1], va);
		KUNIT_EXPECT_EQ(test, r.pa, ((u64)pfn << PAGE_SHIFT) |
				(va & ~PAGE_MASK));
	}

	/*
	 * An untouched page of the same PTE table stops at a none PTE.  The
	 * four pages may straddle a 2M boundary, with no PTE table beyond
	 * it: then page 0 shares va's table (one boundary in four pages).
	 */
	untouched = addr + 3 * PAGE_SIZE;
	if ((untouched ^ va) & PMD_MASK)
		untouched = addr;
	mmap_read_lock(walk_mm);
	n = ptscope_walk_xlate(walk_mm, untouched, steps);
	mmap_read_unlock(walk_mm);
	KUNIT_EXPECT_EQ(test, n, levels);
	if (n == levels) {
		KUNIT_EXPECT_EQ(test, steps[n - 1].level, PTSCOPE_LVL_PTE);
		KUNIT_EXPECT_EQ(test, steps[n - 1].raw, 0ULL);
		KUNIT_EXPECT_FALSE(test, steps[n - 1].leaf);
	}

	vm_munmap(addr, 4 * PAGE_SIZE);
out_unuse:
	kthread_unuse_mm(walk_mm);
}

/*
 * The record stream of a real range: header fields from the machine,
 * VMA, entries with GUP's frames, holes over exactly the untouched pages
 * (merged: no two adjacent holes of one level), STATS and END consistent.
 */
static void walk_gen_stream_test(struct kunit *test)
{
	const int nr = 32, max = 256;
	const unsigned long len = nr * PAGE_SIZE;
	struct ptscope_target t = { };
	union ptscope_rec *out;
	struct ptscope_gen *g = NULL;
	unsigned long addr;
	int i, n = 0, nent = 0, nhole = 0, err;
	u8 *covered;

	out = kunit_kcalloc(test, max, sizeof(*out), GFP_KERNEL);
	covered = kunit_kzalloc(test, nr, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, out);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, covered);

	kthread_use_mm(walk_mm);
	addr = walk_map(len, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	KUNIT_EXPECT_NE(test, addr, 0UL);
	if (!addr)
		goto out_unuse;
	/* written: 0-7 and 16-23; untouched: 8-15 and 24-31 */
	for (i = 0; i < nr; i++)
		if (i % 16 < 8)
			KUNIT_EXPECT_EQ(test, put_user((char)1, (char __user *)
					(addr + i * PAGE_SIZE)), 0);

	t.mm = walk_mm;
	t.q.keys = BIT(PTSCOPE_KEY_PID) | BIT(PTSCOPE_KEY_START) |
		   BIT(PTSCOPE_KEY_END);
	t.q.pid = 1;
	t.q.start = addr - PAGE_SIZE;
	t.q.end = addr + len + PAGE_SIZE;
	t.task_size = walk_mm->task_size;
	err = ptscope_query_range(&t.q, t.task_size, &t.range);
	KUNIT_EXPECT_EQ(test, err, 0);
	if (!err)
		g = ptscope_gen_create(&t, PTSCOPE_VIEW_RECORDS);
	KUNIT_EXPECT_NOT_NULL(test, g);
	while (g) {
		const union ptscope_rec *recs;
		unsigned int got, k;

		err = ptscope_gen_window(g, n, &recs, &got);
		KUNIT_EXPECT_EQ(test, err, 0);
		if (err || !got)
			break;
		for (k = 0; k < got && n < max; k++)
			out[n++] = recs[k];
		if (n >= max) {
			KUNIT_FAIL(test, "more than %d records", max);
			break;
		}
	}
	ptscope_gen_destroy(g);

	KUNIT_EXPECT_GE(test, n, 5);
	if (n < 5)
		goto out_unmap;

	/* header: the machine's paging mode and the range asked for */
	KUNIT_EXPECT_EQ(test, out[0].type, (u32)PTSCOPE_REC_HEADER);
	KUNIT_EXPECT_EQ(test, out[0].hdr.rec_size, (u32)PTSCOPE_REC_SIZE);
	KUNIT_EXPECT_EQ(test, out[0].hdr.magic, PTSCOPE_MAGIC);
	KUNIT_EXPECT_EQ(test, out[0].hdr.version, (u32)PTSCOPE_ABI_VERSION);
	KUNIT_EXPECT_EQ(test, out[0].hdr.start, (u64)(addr - PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, out[0].hdr.end, (u64)(addr + len + PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, out[0].hdr.page_shift, 12U);
	if (pgtable_l5_enabled()) {
		KUNIT_EXPECT_EQ(test, out[0].hdr.pgtable_levels, 5U);
		KUNIT_EXPECT_EQ(test, out[0].hdr.virt_bits, 56U);
		KUNIT_EXPECT_EQ(test, out[0].hdr.task_size, TS5);
		KUNIT_EXPECT_TRUE(test, out[0].hdr.features & PTSCOPE_FEAT_LA57);
	} else {
		KUNIT_EXPECT_EQ(test, out[0].hdr.pgtable_levels, 4U);
		KUNIT_EXPECT_EQ(test, out[0].hdr.virt_bits, 47U);
		KUNIT_EXPECT_EQ(test, out[0].hdr.task_size, TS4);
		KUNIT_EXPECT_FALSE(test, out[0].hdr.features & PTSCOPE_FEAT_LA57);
	}
	KUNIT_EXPECT_EQ(test, !!(out[0].hdr.features & PTSCOPE_FEAT_PTI),
			boot_cpu_has(X86_FEATURE_PTI));

	/* one VMA: exactly the mapping */
	KUNIT_EXPECT_EQ(test, out[1].type, (u32)PTSCOPE_REC_VMA);
	KUNIT_EXPECT_EQ(test, out[1].vma.index, 0U);
	KUNIT_EXPECT_EQ(test, out[1].vma.start, (u64)addr);
	KUNIT_EXPECT_EQ(test, out[1].vma.end, (u64)(addr + len));
	KUNIT_EXPECT_EQ(test, out[1].vma.kind, (u32)PTSCOPE_VMA_ANON);
	KUNIT_EXPECT_EQ(test, out[1].vma.vm_flags & (VM_READ | VM_WRITE |
						      VM_EXEC | VM_SHARED),
			(u64)(VM_READ | VM_WRITE));

	for (i = 2; i < n - 2; i++) {
		const struct ptscope_rec_entry *e = &out[i].ent;
		u64 a;

		KUNIT_EXPECT_TRUE(test, e->type == PTSCOPE_REC_ENTRY ||
				  e->type == PTSCOPE_REC_HOLE);
		KUNIT_EXPECT_EQ(test, e->vma_index, 0U);
		if (e->type == PTSCOPE_REC_HOLE) {
			nhole++;
			/* holes of one level are merged */
			if (out[i - 1].type == PTSCOPE_REC_HOLE)
				KUNIT_EXPECT_FALSE(test,
						   out[i - 1].ent.level == e->level &&
						   out[i - 1].ent.va +
						   out[i - 1].ent.size == e->va);
		} else {
			nent++;
			KUNIT_EXPECT_EQ(test, e->level, (u32)PTSCOPE_LVL_PTE);
			KUNIT_EXPECT_EQ(test, (long)e->pfn, gup_pfn(e->va));
			KUNIT_EXPECT_TRUE(test, e->state & S(ANON));
		}
		for (a = e->va; a < e->va + e->size; a += PAGE_SIZE) {
			int p = (a - addr) / PAGE_SIZE;

			KUNIT_EXPECT_TRUE(test, a >= addr && a < addr + len);
			if (a < addr || a >= addr + len)
				break;
			covered[p]++;
			KUNIT_EXPECT_EQ_MSG(test, e->type == PTSCOPE_REC_ENTRY,
					    p % 16 < 8, "page %d", p);
		}
	}
	for (i = 0; i < nr; i++)
		KUNIT_EXPECT_EQ_MSG(test, covered[i], 1, "page %d", i);
	KUNIT_EXPECT_EQ(test, nent, 16);
	KUNIT_EXPECT_GE(test, nhole, 2);

	KUNIT_EXPECT_EQ(test, out[n - 2].type, (u32)PTSCOPE_REC_STATS);
	KUNIT_EXPECT_EQ(test, out[n - 2].st.leaves[PTSCOPE_LVL_PTE], 16ULL);
	KUNIT_EXPECT_EQ(test, out[n - 2].st.holes, (u64)nhole);
	KUNIT_EXPECT_EQ(test, out[n - 2].st.nonpresent, 0ULL);
	KUNIT_EXPECT_GE(test, out[n - 2].st.tables[PTSCOPE_LVL_PTE], 1ULL);
	KUNIT_EXPECT_EQ(test, out[n - 2].st.nr_levels,
			pgtable_l5_enabled() ? 5U : 4U);
	KUNIT_EXPECT_EQ(test, out[n - 1].type, (u32)PTSCOPE_REC_END);
	KUNIT_EXPECT_EQ(test, out[n - 1].end.error, 0U);
	KUNIT_EXPECT_EQ(test, out[n - 1].end.nr_records, (u64)(n - 1));

out_unmap:
	vm_munmap(addr, len);
out_unuse:
	kthread_unuse_mm(walk_mm);
}

/*
 * A write fault in a 2M-aligned part of a THP-enabled VMA: a PMD leaf
 * whose frame is 2M aligned and whose 4K pages are GUP's frames pfn + i.
 * Skipped (after the checks) when the fault fell back to 4K pages.
 */
static void walk_thp_test(struct kunit *test)
{
	const unsigned long len = 2 * PMD_SIZE;
	struct walk_log *log;
	unsigned long addr, a;
	bool thp = false;
	int j;

	log = kunit_kzalloc(test, sizeof(*log), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, log);

	kthread_use_mm(walk_mm);
	addr = walk_map(len, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	KUNIT_EXPECT_NE(test, addr, 0UL);
	if (!addr)
		goto out_unuse;
	a = ALIGN(addr, PMD_SIZE);
	KUNIT_EXPECT_EQ(test, put_user((char)1, (char __user *)(a + 0x1234)), 0);
	KUNIT_EXPECT_EQ(test, walk_range(a, a + PMD_SIZE, log), 0);
	for (j = 0; j < log->nr; j++) {
		struct walk_ev *ev = &log->ev[j];
		unsigned long pfn;

		if (ev->hole || ev->level != PTSCOPE_LVL_PMD)
			continue;
		thp = true;
		pfn = ptscope_leaf_pfn(ev->raw, ev->level);
		KUNIT_EXPECT_EQ(test, ev->addr, a);
		KUNIT_EXPECT_EQ(test, ev->next, a + PMD_SIZE);
		KUNIT_EXPECT_EQ(test, pfn & 511, 0UL);
		KUNIT_EXPECT_EQ(test, (long)pfn, gup_pfn(a));
		KUNIT_EXPECT_EQ(test, (long)pfn + 1, gup_pfn(a + PAGE_SIZE));
		KUNIT_EXPECT_EQ(test, (long)pfn + 511, gup_pfn(a + 511 * PAGE_SIZE));
		KUNIT_EXPECT_TRUE(test, ev->e.flags & F(PSE));
		KUNIT_EXPECT_TRUE(test, ev->e.flags & F(RW));
		KUNIT_EXPECT_TRUE(test, ev->e.state & S(THP));
		KUNIT_EXPECT_TRUE(test, ev->e.state & S(ANON));
		KUNIT_EXPECT_EQ(test, ev->e.folio_order, 9U);
		KUNIT_EXPECT_EQ(test, ev->e.size, (u64)PMD_SIZE);
	}
	if (!thp) {
		/* 4K fallback: the written page is still GUP's */
		for (j = 0; j < log->nr; j++)
			if (!log->ev[j].hole)
				KUNIT_EXPECT_EQ(test,
						(long)ptscope_leaf_pfn(log->ev[j].raw,
								       log->ev[j].level),
						gup_pfn(log->ev[j].addr));
	}
	vm_munmap(addr, len);
out_unuse:
	kthread_unuse_mm(walk_mm);
	if (!thp)
		kunit_skip(test, "the write fault got no THP (THP disabled or no free 2M page)");
}

/*
 * Read faults in a PROT_READ|PROT_EXEC mapping map the zero page without
 * NX; a shared anonymous mapping is shmem (file-backed, as pagemap says).
 */
static void walk_prot_shared_test(struct kunit *test)
{
	struct walk_log *log;
	unsigned long addr;
	char c;

	log = kunit_kzalloc(test, sizeof(*log), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, log);

	kthread_use_mm(walk_mm);
	addr = walk_map(4 * PAGE_SIZE, PROT_READ | PROT_EXEC, MAP_PRIVATE);
	KUNIT_EXPECT_NE(test, addr, 0UL);
	if (!addr)
		goto out_unuse;
	KUNIT_EXPECT_EQ(test, get_user(c, (char __user *)addr), 0);
	KUNIT_EXPECT_EQ(test, c, 0);
	KUNIT_EXPECT_EQ(test, walk_range(addr, addr + PAGE_SIZE, log), 0);
	KUNIT_EXPECT_EQ(test, log->nr, 1);
	if (log->nr == 1) {
		KUNIT_EXPECT_FALSE(test, log->ev[0].hole);
		KUNIT_EXPECT_EQ(test, log->ev[0].e.flags & (F(RW) | F(NX) |
							    F(USER)), F(USER));
		KUNIT_EXPECT_TRUE(test, log->ev[0].e.state & S(ZERO));
		KUNIT_EXPECT_EQ(test, log->ev[0].e.pfn,
				(u64)page_to_pfn(ZERO_PAGE(0)));
	}
	vm_munmap(addr, 4 * PAGE_SIZE);

	memset(log, 0, sizeof(*log));
	addr = walk_map(4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED);
	KUNIT_EXPECT_NE(test, addr, 0UL);
	if (!addr)
		goto out_unuse;
	KUNIT_EXPECT_EQ(test, put_user((char)1, (char __user *)addr), 0);
	KUNIT_EXPECT_EQ(test, walk_range(addr, addr + 4 * PAGE_SIZE, log), 0);
	KUNIT_EXPECT_GE(test, log->nr, 1);
	if (log->nr >= 1 && !log->ev[0].hole) {
		KUNIT_EXPECT_EQ(test, log->ev[0].addr, addr);
		u64 kind = log->ev[0].e.state &
			   (PTSCOPE_S_FILE | PTSCOPE_S_SHMEM | PTSCOPE_S_ANON);

		KUNIT_EXPECT_EQ(test, kind, PTSCOPE_S_FILE | PTSCOPE_S_SHMEM);
		KUNIT_EXPECT_EQ(test, log->ev[0].e.pfn, (u64)gup_pfn(addr));
		KUNIT_EXPECT_TRUE(test, log->ev[0].e.flags & F(RW));
	} else {
		KUNIT_FAIL(test, "the written shared page is not reported");
	}
	vm_munmap(addr, 4 * PAGE_SIZE);
out_unuse:
	kthread_unuse_mm(walk_mm);
}

/* The walker's return rules: -EINVAL for bad ranges, a callback's value */
static void walk_rules_test(struct kunit *test)
{
	struct walk_log *log;
	unsigned long addr;

	log = kunit_kzalloc(test, sizeof(*log), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, log);

	kthread_use_mm(walk_mm);
	addr = walk_map(8 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	KUNIT_EXPECT_NE(test, addr, 0UL);
	if (!addr)
		goto out_unuse;
	KUNIT_EXPECT_EQ(test, put_user((char)1, (char __user *)addr), 0);
	KUNIT_EXPECT_EQ(test, put_user((char)1,
				       (char __user *)(addr + PAGE_SIZE)), 0);

	KUNIT_EXPECT_EQ(test, walk_range(addr + 1, addr + PAGE_SIZE, log),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, walk_range(addr, addr + PAGE_SIZE + 1, log),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, walk_range(addr, addr, log), -EINVAL);
	KUNIT_EXPECT_EQ(test, walk_range(addr + PAGE_SIZE, addr, log), -EINVAL);
	KUNIT_EXPECT_EQ(test, log->nr, 0);

	/* the guard page below: no VMA, nothing reported */
	KUNIT_EXPECT_EQ(test, walk_range(addr - PAGE_SIZE, addr, log), 0);
	KUNIT_EXPECT_EQ(test, log->nr, 0);
	KUNIT_EXPECT_EQ(test, log->nr_vma, 0);

	/* a positive callback value stops the walk and is returned */
	log->stop_after = 1;
	KUNIT_EXPECT_EQ(test, walk_range(addr, addr + 8 * PAGE_SIZE, log), 1);
	KUNIT_EXPECT_EQ(test, log->leaves, 1);
	KUNIT_EXPECT_EQ(test, log->nr, 1);

	vm_munmap(addr, 8 * PAGE_SIZE);
out_unuse:
	kthread_unuse_mm(walk_mm);
}

/* The borrowed address space is the machine's user space size */
static void walk_task_size_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, (u64)walk_mm->task_size,
			pgtable_l5_enabled() ? TS5 : TS4);
}

static struct kunit_case walk_test_cases[] = {
	KUNIT_CASE(walk_task_size_test),
	KUNIT_CASE(walk_anon_pages_test),
	KUNIT_CASE(walk_xlate_test),
	KUNIT_CASE(walk_gen_stream_test),
	KUNIT_CASE(walk_thp_test),
	KUNIT_CASE(walk_prot_shared_test),
	KUNIT_CASE(walk_rules_test),
	{}
};

static struct kunit_suite walk_test_suite = {
	.name = "ptscope_walk",
	.suite_init = walk_suite_init,
	.suite_exit = walk_suite_exit,
	.init = walk_case_init,
	.test_cases = walk_test_cases,
};

kunit_test_suite(walk_test_suite);
