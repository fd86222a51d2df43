// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope: the frames view, one word per 4K page (include/uapi/ptscope.h).
 *
 * Each read() walks the pages it asks for, PTSCOPE_FRAMES_CHUNK pages per
 * mmap_read_lock_killable() hold, into a per-open buffer, then copies that
 * buffer out with no lock held.  There is no stream state: the file offset
 * alone says which pages a read covers.
 *
 * Each entry is decoded with the record stream's rules (decode.c): PUD and
 * PMD entries through a record, the entries of PTE tables, one word per
 * page, by ptscope_frame_ptes() without one.
 */
#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/uaccess.h>

#include "decode.h"
#include "frames.h"
#include "walk.h"

/**
 * struct ptscope_frames_fill - one chunk being walked
 * @buf:	the words of [@start, @end)
 * @start:	address of @buf[0]
 * @end:	end of the chunk
 * @done:	the words before this address are written
 * @vma_end:	end of the VMA being walked (inside the chunk)
 */
struct ptscope_frames_fill {
	u64 *buf;
	unsigned long start;
	unsigned long end;
	unsigned long done;
	unsigned long vma_end;
};

static u64 *ptscope_frames_at(struct ptscope_frames_fill *f,
			      unsigned long addr)
{
	return f->buf + ((addr - f->start) >> PAGE_SHIFT);
}

/*
 * Words @word, @word + 1, ... (or @word throughout when @steps is false)
 * for [@addr, @next); whatever the walk skipped before @addr gets @gap.
 */
static void ptscope_frames_put(struct ptscope_frames_fill *f,
			       unsigned long addr, unsigned long next,
			       u64 word, bool steps, u64 gap)
{
	u64 *p, *stop;

	if (next <= f->done)
		return;
	if (addr < f->done) {	/* never overwrite: cut the front off */
		if (steps)
			word += (f->done - addr) >> PAGE_SHIFT;
		addr = f->done;
	}
	p = ptscope_frames_at(f, f->done);
	stop = ptscope_frames_at(f, addr);
	while (p < stop)
		*p++ = gap;
	stop = ptscope_frames_at(f, next);
	if (steps) {
		while (p < stop)
			*p++ = word++;
	} else {
		while (p < stop)
			*p++ = word;
	}
	f->done = next;
}

/* Inside a VMA, a range the walker reported nothing for (a bad table) */
#define PTSCOPE_FRAMES_GAP	PTSCOPE_FR_VMA

/* @gap for whatever is not written yet before @addr */
static void ptscope_frames_gap(struct ptscope_frames_fill *f,
			       unsigned long addr, u64 gap)
{
	ptscope_frames_put(f, addr, addr, 0, false, gap);
}

/*
 * Close the last VMA (what the walk left of it is a gap) and put the pages
 * from there to @addr, in no VMA, at 0.
 */
static void ptscope_frames_between(struct ptscope_frames_fill *f,
				   unsigned long addr)
{
	if (f->done < f->vma_end)
		ptscope_frames_gap(f, f->vma_end, PTSCOPE_FRAMES_GAP);
	ptscope_frames_gap(f, addr, 0);
}

static int ptscope_frames_pre_vma(unsigned long start, unsigned long end,
				  struct ptscope_walk *walk)
{
	struct ptscope_frames_fill *f = walk->private;

	ptscope_frames_between(f, start);
	f->vma_end = end;
	return 0;
}

/*
 * The word of @addr in an entry of @level whose record @e was decoded for
 * the whole entry, from @base on.
 */
static void ptscope_frames_entry(struct ptscope_frames_fill *f,
				 const struct ptscope_rec_entry *e,
				 unsigned long base, unsigned long addr,
				 unsigned long next)
{
	u64 word = ptscope_frame_word(e);
	bool steps = ptscope_frame_steps(word);

	if (steps)
		word += (addr - base) >> PAGE_SHIFT;
	ptscope_frames_put(f, addr, next, word, steps, PTSCOPE_FRAMES_GAP);
}

static unsigned long ptscope_frames_base(int level, unsigned long addr,
					 unsigned long *size)
{
	*size = level == PTSCOPE_LVL_PUD ? PUD_SIZE :
		level == PTSCOPE_LVL_PMD ? PMD_SIZE : PAGE_SIZE;
	return addr & ~(*size - 1);
}

/* A PUD or PMD entry (@present: a leaf, else swap-format), via a record */
static int ptscope_frames_leaf(struct ptscope_walk *walk, int level, u64 raw,
			       bool present, unsigned long addr,
			       unsigned long next)
{
	struct ptscope_rec_entry e;
	unsigned long base, size;

	base = ptscope_frames_base(level, addr, &size);
	if (present)
		ptscope_decode_leaf(&e, walk->vma, level, raw, base, size);
	else
		ptscope_decode_nonpresent(&e, walk->vma, level, raw, base,
					  size);
	ptscope_frames_entry(walk->private, &e, base, addr, next);
	return 0;
}

static int ptscope_frames_pud(pud_t pud, unsigned long addr,
			      unsigned long next, struct ptscope_walk *walk)
{
	return ptscope_frames_leaf(walk, PTSCOPE_LVL_PUD, pud_val(pud), true,
				   addr, next);
}

static int ptscope_frames_pmd(pmd_t pmd, unsigned long addr,
			      unsigned long next, struct ptscope_walk *walk)
{
	return ptscope_frames_leaf(walk, PTSCOPE_LVL_PMD, pmd_val(pmd), true,
				   addr, next);
}

/* A PTE table's entries, straight into the buffer */
static int ptscope_frames_ptes(pte_t *ptep, unsigned long addr,
			       unsigned long end, struct ptscope_walk *walk)
{
	struct ptscope_frames_fill *f = walk->private;

	/* what the walk skipped before the table is a gap */
	ptscope_frames_gap(f, addr, PTSCOPE_FRAMES_GAP);
	ptscope_frame_ptes(walk->vma, ptep, (end - addr) >> PAGE_SHIFT,
			   ptscope_frames_at(f, addr));
	f->done = end;
	return 0;
}

static int ptscope_frames_nonpresent(u64 raw, unsigned long addr,
				     unsigned long next, int depth,
				     struct ptscope_walk *walk)
{
	return ptscope_frames_leaf(walk, depth, raw, false, addr, next);
}

static int ptscope_frames_hole(unsigned long addr, unsigned long next,
			       int depth, struct ptscope_walk *walk)
{
	u64 word = PTSCOPE_FR_VMA |
		   ((u64)depth & PTSCOPE_FR_LEVEL_MASK) << PTSCOPE_FR_LEVEL_SHIFT;

	ptscope_frames_put(walk->private, addr, next, word, false,
			   PTSCOPE_FRAMES_GAP);
	return 0;
}

static const struct ptscope_walk_ops ptscope_frames_ops = {
	.pre_vma		= ptscope_frames_pre_vma,
	.pud_entry		= ptscope_frames_pud,
	.pmd_entry		= ptscope_frames_pmd,
	.nonpresent_entry	= ptscope_frames_nonpresent,
	.pte_hole		= ptscope_frames_hole,
	.pte_range		= ptscope_frames_ptes,
};

/*
 * The words of [@start, @start + @n pages) into @buf, under one mmap lock
 * hold.  Returns 0, -ESRCH when the target has no users left, -EINTR.
 */
static int ptscope_frames_chunk(const struct ptscope_target *t,
				unsigned long start, unsigned int n, u64 *buf)
{
	struct ptscope_frames_fill f = {
		.buf = buf,
		.start = start,
		.end = start + ((unsigned long)n << PAGE_SHIFT),
		.done = start,
	};
	int err;

	err = ptscope_target_mm_lock(t);
	if (err)
		return err;
	err = ptscope_walk_range(t->mm, f.start, f.end, &ptscope_frames_ops,
				 &f);
	ptscope_target_mm_unlock(t);
	if (err)
		return err < 0 ? err : -EIO;
	ptscope_frames_between(&f, f.end);
	return 0;
}

/**
 * ptscope_frames_read() - read() of the frames view
 * @t: the target
 * @buf: PTSCOPE_FRAMES_CHUNK words of scratch space
 * @ubuf: user buffer
 * @count: its size
 * @ppos: file offset
 *
 * Return: bytes copied; 0 at or past the end of the range; -EINVAL for a
 * size or offset that is not a multiple of 8; -ESRCH when the target has
 * exited and nothing was copied; -EINTR, -EFAULT.
 */
ssize_t ptscope_frames_read(const struct ptscope_target *t, u64 *buf,
			    char __user *ubuf, size_t count, loff_t *ppos)
{
	unsigned long npages, idx;
	size_t done = 0;
	int err = 0;

	if (*ppos < 0 || *ppos % sizeof(u64) || count % sizeof(u64))
		return -EINVAL;
	npages = (t->range.end - t->range.start) >> PAGE_SHIFT;
	if (*ppos / sizeof(u64) >= npages)
		return 0;
	idx = *ppos / sizeof(u64);
	count = min_t(u64, count / sizeof(u64), npages - idx);

	while (done < count) {
		unsigned int n = min_t(size_t, count - done,
				       PTSCOPE_FRAMES_CHUNK);
		unsigned long va = t->range.start +
				   ((idx + done) << PAGE_SHIFT);

		if (fatal_signal_pending(current)) {
			err = -EINTR;
			break;
		}
		err = ptscope_frames_chunk(t, va, n, buf);
		if (err)
			break;
		if (copy_to_user(ubuf + done * sizeof(u64), buf,
				 n * sizeof(u64))) {
			err = -EFAULT;
			break;
		}
		done += n;
		cond_resched();
	}
	if (!done && err)
		return err;
	*ppos += done * sizeof(u64);
	return done * sizeof(u64);
}
