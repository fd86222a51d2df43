// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope: targets and the record generator.
 *
 * The generator owns a fixed window of PTSCOPE_GEN_RECS records.  To fill
 * it, it pins the target's mm_users, takes mmap_read_lock_killable(), walks
 * from its cursor until the window is full or a work budget is spent,
 * drops the lock and the pin and calls cond_resched().  Nothing is copied
 * to user space here: readers copy out of the window afterwards, with no
 * mm lock or spinlock held.  Module memory stays bounded whatever the
 * target's size; reading backwards regenerates the stream from the start.
 *
 * Holes are merged across tables, chunks and windows: a HOLE record is held
 * back until the next record, or the end of its VMA, shows where it ends.
 */
#include <linux/errno.h>
#include <linux/io.h>
#include <linux/limits.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <asm/processor.h>

#include "compat.h"
#include "decode.h"
#include "gen.h"
#include "walk.h"

/*
 * The walk only stops between PMD entries, never inside a PTE table, so a
 * 2M range is always read under one lock hold: a table is entered only if
 * the window can take all it may produce (one record per entry, plus the
 * hole held back before it and the one it may leave).
 */
#define PTSCOPE_GEN_RESERVE	2	/* a held-back hole + one record */
#define PTSCOPE_GEN_TABLE	(PTRS_PER_PTE + PTSCOPE_GEN_RESERVE)
#define PTSCOPE_GEN_RECS	768	/* window: 96 KiB */
#define PTSCOPE_GEN_TAIL	3	/* hole + STATS + END */
#define PTSCOPE_GEN_BUDGET	1024	/* work units per mmap lock hold */
#define PTSCOPE_GEN_TABLE_COST	16	/* work units of one PTE table */
#define PTSCOPE_GEN_SLACK	(PTSCOPE_GEN_TAIL + PTSCOPE_NR_LEVELS + 1)
static_assert(PTSCOPE_GEN_TABLE + PTSCOPE_GEN_SLACK <= PTSCOPE_GEN_RECS);

enum ptscope_phase {
	PTSCOPE_PH_HEADER,
	PTSCOPE_PH_WALK,
	PTSCOPE_PH_XLATE,
	PTSCOPE_PH_TAIL,
	PTSCOPE_PH_DONE,
};

/**
 * struct ptscope_gen - record generator state
 * @t:		the target (own mm reference)
 * @xlate:	stream of a translation instead of a range walk
 * @levels:	the binary translation stream: no VMA record (view=levels)
 * @buf:	the window
 * @nbuf:	records in the window
 * @first:	stream index of @buf[0]
 * @nr_out:	records generated since the start of the stream
 * @phase:	what comes next
 * @cursor:	where the walk resumes
 * @full:	the last chunk stopped because the window was full
 * @in_vma:	a VMA record was emitted and its range is being walked
 * @vma_end:	end of the last VMA record
 * @vma_index:	its index
 * @nr_vmas:	VMA records emitted
 * @emitted_end: end of the last ENTRY or HOLE (held back or not)
 * @hole:	held-back HOLE record
 * @hole_valid:	@hole holds one
 * @last_table:	last table seen per level, to count each table once
 * @stats:	the STATS record being built
 * @budget:	callbacks left in this chunk
 * @error:	positive errno that cut the stream short
 * @scratch:	PATH_MAX bytes for VMA names
 */
struct ptscope_gen {
	struct ptscope_target t;
	bool xlate;
	bool levels;
	union ptscope_rec *buf;
	unsigned int nbuf;
	u64 first;
	u64 nr_out;
	enum ptscope_phase phase;
	unsigned long cursor;
	bool full;
	bool in_vma;
	unsigned long vma_end;
	u32 vma_index;
	u32 nr_vmas;
	unsigned long emitted_end;
	struct ptscope_rec_entry hole;
	bool hole_valid;
	const void *last_table[PTSCOPE_NR_LEVELS];
	struct ptscope_rec_stats stats;
	unsigned int budget;
	u32 error;
	char *scratch;
};

/**
 * ptscope_target_resolve() - resolve a parsed query to a target
 * @q: the query
 * @t: out, the target; release with ptscope_target_release()
 *
 * The pid is looked up in the caller's pid namespace.
 *
 * Return: 0; -ESRCH when no such task exists; -EINVAL for a kernel thread,
 * a task without an mm (a zombie or exiting task) or addresses outside the
 * target's user address space.
 */
int ptscope_target_resolve(const struct ptscope_query *q,
			   struct ptscope_target *t)
{
	struct task_struct *task;
	struct mm_struct *mm;
	struct pid *pid;
	int err;

	pid = find_get_pid(q->pid);
	if (!pid)
		return -ESRCH;
	task = get_pid_task(pid, PIDTYPE_PID);
	put_pid(pid);
	if (!task)
		return -ESRCH;

	err = -EINVAL;
	if (task->flags & PF_KTHREAD)
		goto out_put_task;
	mm = get_task_mm(task);
	if (!mm)
		goto out_put_task;

	err = ptscope_query_range(q, mm->task_size, &t->range);
	if (!err) {
		mmgrab(mm);
		t->mm = mm;
		t->q = *q;
		t->task_size = mm->task_size;
	}
	mmput(mm);
out_put_task:
	put_task_struct(task);
	return err;
}

/**
 * ptscope_target_copy() - copy a target, taking a reference on its mm
 * @dst: out
 * @src: a resolved target
 */
void ptscope_target_copy(struct ptscope_target *dst,
			 const struct ptscope_target *src)
{
	*dst = *src;
	mmgrab(dst->mm);
}

/**
 * ptscope_target_release() - drop a target's mm reference
 * @t: the target; may be unset (mm NULL)
 */
void ptscope_target_release(struct ptscope_target *t)
{
	if (t->mm)
		mmdrop(t->mm);
	t->mm = NULL;
}

static void ptscope_gen_reset(struct ptscope_gen *g)
{
	g->nbuf = 0;
	g->first = 0;
	g->nr_out = 0;
	g->phase = PTSCOPE_PH_HEADER;
	g->cursor = g->t.range.start;
	g->full = false;
	g->in_vma = false;
	g->vma_end = 0;
	g->vma_index = 0;
	g->nr_vmas = 0;
	g->emitted_end = 0;
	g->hole_valid = false;
	memset(g->last_table, 0, sizeof(g->last_table));
	memset(&g->stats, 0, sizeof(g->stats));
	g->error = 0;
}

/**
 * ptscope_gen_create() - make a generator for a target
 * @t: the target; the generator takes its own mm reference
 * @view: PTSCOPE_VIEW_XLATE or PTSCOPE_VIEW_LEVELS for a translation
 *	  stream, else a range walk
 *
 * Return: the generator, or NULL when out of memory.
 */
struct ptscope_gen *ptscope_gen_create(const struct ptscope_target *t,
				       enum ptscope_view view)
{
	struct ptscope_gen *g;

	g = kzalloc(sizeof(*g), GFP_KERNEL);
	if (!g)
		return NULL;
	g->buf = kvmalloc_array(PTSCOPE_GEN_RECS, sizeof(*g->buf), GFP_KERNEL);
	if (!g->buf)
		goto err_free_gen;
	g->scratch = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!g->scratch)
		goto err_free_buf;

	ptscope_target_copy(&g->t, t);
	g->levels = view == PTSCOPE_VIEW_LEVELS;
	g->xlate = view == PTSCOPE_VIEW_XLATE || g->levels;
	ptscope_gen_reset(g);
	return g;

err_free_buf:
	kvfree(g->buf);
err_free_gen:
	kfree(g);
	return NULL;
}

/**
 * ptscope_gen_destroy() - free a generator
 * @g: the generator, or NULL
 */
void ptscope_gen_destroy(struct ptscope_gen *g)
{
	if (!g)
		return;
	ptscope_target_release(&g->t);
	kfree(g->scratch);
	kvfree(g->buf);
	kfree(g);
}

static union ptscope_rec *ptscope_gen_push(struct ptscope_gen *g)
{
	union ptscope_rec *rec = &g->buf[g->nbuf++];

	g->nr_out++;
	return rec;
}

/*
 * Stop (> 0) at @addr, to resume there, when fewer than @need records fit
 * in the window or the work budget is spent; else charge @cost.
 */
static int ptscope_gen_room(struct ptscope_gen *g, unsigned long addr,
			    unsigned int need, unsigned int cost)
{
	if (g->nbuf + need > PTSCOPE_GEN_RECS) {
		g->full = true;
		g->cursor = addr;
		return 1;
	}
	if (!g->budget) {
		g->cursor = addr;
		return 1;
	}
	g->budget -= min(g->budget, cost);
	return 0;
}

/*
 * Room for an event at @depth.  Inside a PTE table the room was checked
 * when the table was entered, so PTE events never stop the walk.
 */
static int ptscope_gen_event(struct ptscope_gen *g, unsigned long addr,
			     int depth)
{
	if (depth == PTSCOPE_LVL_PTE) {
		if (WARN_ON_ONCE(g->nbuf + PTSCOPE_GEN_RESERVE >
				 PTSCOPE_GEN_RECS))
			return -EOVERFLOW;
		return 0;
	}
	return ptscope_gen_room(g, addr, PTSCOPE_GEN_RESERVE, 1);
}

static void ptscope_gen_flush_hole(struct ptscope_gen *g)
{
	if (!g->hole_valid)
		return;
	ptscope_gen_push(g)->ent = g->hole;
	g->stats.holes++;
	g->hole_valid = false;
}

static int ptscope_gen_pre_vma(unsigned long start, unsigned long end,
			       struct ptscope_walk *walk)
{
	struct ptscope_gen *g = walk->private;
	struct ptscope_rec_vma *v;

	/* the rest of the VMA whose record is out: ptscope_gen_walk_chunk() */
	if (g->in_vma && start < g->vma_end)
		return 0;
	if (ptscope_gen_room(g, start, PTSCOPE_GEN_RESERVE, 1))
		return 1;
	ptscope_gen_flush_hole(g);
	v = &ptscope_gen_push(g)->vma;
	ptscope_decode_vma(v, walk->vma, g->nr_vmas, g->scratch, PATH_MAX);
	/* a VMA that grew back over the last record between two chunks */
	v->start = max_t(u64, v->start, g->vma_end);
	g->vma_index = g->nr_vmas++;
	g->in_vma = true;
	g->vma_end = v->end;
	return 0;
}

static int ptscope_gen_table(int depth, const void *table, unsigned long addr,
			     struct ptscope_walk *walk)
{
	struct ptscope_gen *g = walk->private;

	if (depth == PTSCOPE_LVL_PTE &&
	    ptscope_gen_room(g, addr, PTSCOPE_GEN_TABLE,
			     PTSCOPE_GEN_TABLE_COST))
		return 1;
	if (g->last_table[depth] != table) {
		g->last_table[depth] = table;
		g->stats.tables[depth]++;
	}
	return 0;
}

/*
 * An entry record covers the whole page its entry maps, even when the range
 * asked for only part of it: [@addr, @next) is widened to the entry's size.
 * It is cut back to what was not reported yet when a huge page appeared,
 * between two chunks, over a range already reported.
 */
static unsigned long ptscope_entry_span(struct ptscope_gen *g, int level,
					unsigned long *addr, unsigned long *size)
{
	unsigned long psize, cut = 0;

	switch (level) {
	case PTSCOPE_LVL_PUD:
		psize = PUD_SIZE;
		break;
	case PTSCOPE_LVL_PMD:
		psize = PMD_SIZE;
		break;
	case PTSCOPE_LVL_PTE:
		psize = PAGE_SIZE;
		break;
	default:
		return 0;
	}
	*addr &= ~(psize - 1);
	*size = psize;
	if (*addr < g->emitted_end) {
		cut = g->emitted_end - *addr;
		*size -= cut;
		*addr = g->emitted_end;
	}
	return cut;
}

static int ptscope_gen_leaf(struct ptscope_walk *walk, int level, u64 raw,
			    unsigned long addr, unsigned long next)
{
	struct ptscope_gen *g = walk->private;
	unsigned long va = addr, size = next - addr, cut;
	struct ptscope_rec_entry *e;
	int err;

	err = ptscope_gen_event(g, addr, level);
	if (err)
		return err;
	ptscope_gen_flush_hole(g);
	e = &ptscope_gen_push(g)->ent;
	cut = ptscope_entry_span(g, level, &va, &size);
	ptscope_decode_leaf(e, walk->vma, level, raw, va, size);
	/* pfn stays the frame of va when the start was cut */
	e->pfn += cut >> PAGE_SHIFT;
	e->vma_index = g->vma_index;
	g->emitted_end = va + size;
	g->stats.leaves[level]++;
	return 0;
}

static int ptscope_gen_pud(pud_t pud, unsigned long addr, unsigned long next,
			   struct ptscope_walk *walk)
{
	return ptscope_gen_leaf(walk, PTSCOPE_LVL_PUD, pud_val(pud), addr, next);
}

static int ptscope_gen_pmd(pmd_t pmd, unsigned long addr, unsigned long next,
			   struct ptscope_walk *walk)
{
	return ptscope_gen_leaf(walk, PTSCOPE_LVL_PMD, pmd_val(pmd), addr, next);
}

static int ptscope_gen_pte(pte_t pte, unsigned long addr, unsigned long next,
			   struct ptscope_walk *walk)
{
	return ptscope_gen_leaf(walk, PTSCOPE_LVL_PTE, pte_val(pte), addr, next);
}

static int ptscope_gen_nonpresent(u64 raw, unsigned long addr,
				  unsigned long next, int depth,
				  struct ptscope_walk *walk)
{
	struct ptscope_gen *g = walk->private;
	unsigned long va = addr, size = next - addr;
	struct ptscope_rec_entry *e;
	int err;

	err = ptscope_gen_event(g, addr, depth);
	if (err)
		return err;
	ptscope_gen_flush_hole(g);
	e = &ptscope_gen_push(g)->ent;
	ptscope_entry_span(g, depth, &va, &size);
	ptscope_decode_nonpresent(e, walk->vma, depth, raw, va, size);
	e->vma_index = g->vma_index;
	g->emitted_end = va + size;
	g->stats.nonpresent++;
	return 0;
}

static int ptscope_gen_hole(unsigned long addr, unsigned long next, int depth,
			    struct ptscope_walk *walk)
{
	struct ptscope_gen *g = walk->private;
	struct ptscope_rec_entry *h = &g->hole;
	int err;

	err = ptscope_gen_event(g, addr, depth);
	if (err)
		return err;
	addr = max(addr, g->emitted_end);
	if (addr >= next)
		return 0;
	g->emitted_end = next;
	if (g->hole_valid && h->level == depth && h->va + h->size == addr) {
		h->size += next - addr;
		return 0;
	}
	ptscope_gen_flush_hole(g);
	memset(h, 0, sizeof(*h));
	h->type = PTSCOPE_REC_HOLE;
	h->level = depth;
	h->va = addr;
	h->size = next - addr;
	h->vma_index = g->vma_index;
	g->hole_valid = true;
	return 0;
}

static const struct ptscope_walk_ops ptscope_gen_ops = {
	.pre_vma		= ptscope_gen_pre_vma,
	.table			= ptscope_gen_table,
	.pud_entry		= ptscope_gen_pud,
	.pmd_entry		= ptscope_gen_pmd,
	.pte_entry		= ptscope_gen_pte,
	.nonpresent_entry	= ptscope_gen_nonpresent,
	.pte_hole		= ptscope_gen_hole,
};

static void ptscope_gen_header(struct ptscope_gen *g)
{
	struct ptscope_rec_header *h = &ptscope_gen_push(g)->hdr;

	memset(h, 0, sizeof(*h));
	h->type = PTSCOPE_REC_HEADER;
	h->rec_size = PTSCOPE_REC_SIZE;
	h->magic = PTSCOPE_MAGIC;
	h->version = PTSCOPE_ABI_VERSION;
	h->pid = g->t.q.pid;
	h->start = g->t.range.start;
	h->end = g->t.range.end;
	if (pgtable_l5_enabled())
		h->features |= PTSCOPE_FEAT_LA57;
	if (ptscope_pti_active())
		h->features |= PTSCOPE_FEAT_PTI;
	h->features |= PTSCOPE_FEAT_PAGE_STATE;
	h->pgtable_levels = pgtable_l5_enabled() ? 5 : 4;
	h->page_shift = PAGE_SHIFT;
	h->virt_bits = __VIRTUAL_MASK_SHIFT;
	h->phys_bits = boot_cpu_data.x86_phys_bits;
	h->task_size = g->t.task_size;
	/* x86-64 sets high_memory from max_pfn, which is not exported */
	h->max_pfn = PFN_DOWN(virt_to_phys(high_memory - 1)) + 1;
}

/**
 * ptscope_target_mm_lock() - pin a target's address space (mm_users) and take
 * its mmap lock for reading
 * @t: the target
 *
 * Return: 0, to be undone with ptscope_target_mm_unlock(); -ESRCH when the
 * target has exited (no users left); -EINTR on a fatal signal.
 */
int ptscope_target_mm_lock(const struct ptscope_target *t)
{
	if (!mmget_not_zero(t->mm))
		return -ESRCH;
	if (mmap_read_lock_killable(t->mm)) {
		mmput(t->mm);
		return -EINTR;
	}
	return 0;
}

/**
 * ptscope_target_mm_unlock() - undo ptscope_target_mm_lock()
 * @t: the target
 */
void ptscope_target_mm_unlock(const struct ptscope_target *t)
{
	mmap_read_unlock(t->mm);
	mmput(t->mm);
}

/*
 * Lock the target for one chunk.  Returns 0 to go on, 1 when the target is
 * gone (the stream then ends with ESRCH), -EINTR.
 */
static int ptscope_gen_lock(struct ptscope_gen *g)
{
	int err = ptscope_target_mm_lock(&g->t);

	if (err != -ESRCH)
		return err;
	g->error = ESRCH;
	g->phase = PTSCOPE_PH_TAIL;
	return 1;
}

/*
 * One chunk under the mmap lock.  The rest of the VMA whose record is out
 * is walked first, bounded by that record (the VMA may have changed since
 * the last chunk), then whatever follows it.
 */
static int ptscope_gen_walk_chunk(struct ptscope_gen *g)
{
	unsigned long end = g->t.range.end;
	struct mm_struct *mm = g->t.mm;
	int ret;

	ret = ptscope_gen_lock(g);
	if (ret)
		return ret < 0 ? ret : 0;
	g->budget = PTSCOPE_GEN_BUDGET;
	if (g->in_vma && g->cursor < g->vma_end) {
		unsigned long vma_end = min(g->vma_end, end);

		ret = ptscope_walk_range(mm, g->cursor, vma_end,
					 &ptscope_gen_ops, g);
		if (!ret)
			g->cursor = vma_end;
	}
	if (!ret && g->cursor < end)
		ret = ptscope_walk_range(mm, g->cursor, end, &ptscope_gen_ops,
					 g);
	ptscope_target_mm_unlock(&g->t);

	if (ret <= 0) {
		g->error = -ret;
		g->phase = PTSCOPE_PH_TAIL;
	}
	return 0;
}

static int ptscope_gen_xlate(struct ptscope_gen *g)
{
	struct ptscope_xlate_step steps[PTSCOPE_NR_LEVELS];
	unsigned long addr = g->t.range.addr;
	struct mm_struct *mm = g->t.mm;
	struct vm_area_struct *vma;
	int i, n;

	n = ptscope_gen_lock(g);
	if (n)
		return n < 0 ? n : 0;
	vma = find_vma(mm, addr);
	if (!g->levels && vma && vma->vm_start <= addr)
		ptscope_decode_vma(&ptscope_gen_push(g)->vma, vma, 0,
				   g->scratch, PATH_MAX);
	n = ptscope_walk_xlate(mm, addr, steps);
	ptscope_target_mm_unlock(&g->t);

	for (i = 0; i < n; i++)
		ptscope_decode_level(&ptscope_gen_push(g)->lvl, &steps[i], addr);
	g->phase = PTSCOPE_PH_TAIL;
	return 0;
}

static void ptscope_gen_tail(struct ptscope_gen *g)
{
	struct ptscope_rec_end *end;

	ptscope_gen_flush_hole(g);
	g->in_vma = false;
	if (!g->xlate) {
		g->stats.type = PTSCOPE_REC_STATS;
		g->stats.nr_levels = pgtable_l5_enabled() ? 5 : 4;
		ptscope_gen_push(g)->st = g->stats;
	}
	end = &ptscope_gen_push(g)->end;
	memset(end, 0, sizeof(*end));
	end->type = PTSCOPE_REC_END;
	end->error = g->error;
	end->nr_records = g->nr_out - 1;
	g->phase = PTSCOPE_PH_DONE;
}

/* Start a new window after the current one and fill it. */
static int ptscope_gen_refill(struct ptscope_gen *g)
{
	int err = 0;

	g->first += g->nbuf;
	g->nbuf = 0;
	g->full = false;

	while (g->phase != PTSCOPE_PH_DONE && !g->full &&
	       g->nbuf + PTSCOPE_GEN_SLACK <= PTSCOPE_GEN_RECS) {
		if (fatal_signal_pending(current))
			return -EINTR;
		switch (g->phase) {
		case PTSCOPE_PH_HEADER:
			ptscope_gen_header(g);
			g->phase = g->xlate ? PTSCOPE_PH_XLATE : PTSCOPE_PH_WALK;
			break;
		case PTSCOPE_PH_WALK:
			err = ptscope_gen_walk_chunk(g);
			cond_resched();
			break;
		case PTSCOPE_PH_XLATE:
			err = ptscope_gen_xlate(g);
			break;
		case PTSCOPE_PH_TAIL:
			ptscope_gen_tail(g);
			break;
		case PTSCOPE_PH_DONE:
			break;
		}
		if (err)
			return err;
	}
	return 0;
}

/**
 * ptscope_gen_window() - the records from stream index @idx on
 * @g: the generator
 * @idx: index of the first record wanted
 * @recs: out, the records (valid until the next call)
 * @nr: out, how many; 0 at the end of the stream
 *
 * Generates as needed; an index before the window restarts the stream.
 * May sleep; takes and drops the target's mmap lock.  The caller
 * serializes calls on one generator.
 *
 * Return: 0, or -EINTR when a fatal signal interrupted the walk (the
 * stream can be resumed by calling again).
 */
int ptscope_gen_window(struct ptscope_gen *g, u64 idx,
		       const union ptscope_rec **recs, unsigned int *nr)
{
	int err;

	if (idx < g->first)
		ptscope_gen_reset(g);
	while (idx >= g->first + g->nbuf) {
		if (g->phase == PTSCOPE_PH_DONE) {
			*nr = 0;
			return 0;
		}
		err = ptscope_gen_refill(g);
		if (err)
			return err;
	}
	*recs = &g->buf[idx - g->first];
	*nr = g->first + g->nbuf - idx;
	return 0;
}
