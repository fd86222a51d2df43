/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ptscope: the one ABI shared by ptscope.ko and the ptscope tools.
 *
 * Only <linux/types.h> is included and only __u64/__u32 are used, so the
 * layout is the same for every compiler and for 32- and 64-bit readers.
 * Every record is PTSCOPE_REC_SIZE bytes; both sides assert it.
 *
 * Files under /sys/kernel/debug/ptscope/ (root only, CAP_SYS_ADMIN checked
 * at open):
 *
 *   query    Per-open-file query.  write() one query line, then read() the
 *            answer from the same descriptor.  A new write replaces the
 *            query and rewinds.  State lives in the open file only, so
 *            concurrent users never interfere.
 *   target   Global target for the text views below.  Takes the same query
 *            line; reading it shows the current target.
 *   vmas     Text: the target's VMAs.
 *   pt       Text: page-table entries, runs of equal attributes merged.
 *   ptes     Text: one line per leaf entry.
 *   xlate    Text: translation of the target's addr= level by level.
 *   stats    Text: page-table pages per level, entries by level and state.
 *   flush    TLB flush requests (see PTSCOPE_FLUSH_*).
 *   flush_stats  Text: flush totals by scope and method.
 *
 * Query line grammar (ASCII, at most PTSCOPE_QUERY_MAX bytes, one line,
 * tokens separated by blanks, numbers in C notation: 123, 0x7fff...):
 *
 *   pid=N        target process (required, N > 0)
 *   start=ADDR   first virtual address (default 0)
 *   end=ADDR     end of range, exclusive (default: end of user space)
 *   addr=ADDR    address for view=xlate and view=levels (default: start)
 *   view=NAME    records | vmas | pt | ptes | xlate | stats | levels |
 *                frames (default: records; only meaningful for "query")
 *
 * A bare number "N" is accepted as "pid=N".  Unknown keys, repeated keys,
 * missing pid, pid <= 0, a pid that does not exist (-ESRCH), a task without
 * an mm (-EINVAL), non-canonical, reversed or overflowing ranges (-EINVAL)
 * are refused at write() time with the errno in brackets; an oversized line
 * is -EINVAL (never truncated).
 *
 * Binary stream (view=records): read() sizes and file offsets must be
 * multiples of PTSCOPE_REC_SIZE, otherwise -EINVAL.  The stream is:
 *   one PTSCOPE_REC_HEADER,
 *   for each VMA in the range: one PTSCOPE_REC_VMA followed by its
 *   PTSCOPE_REC_ENTRY and PTSCOPE_REC_HOLE records in address order,
 *   one PTSCOPE_REC_STATS,
 *   one PTSCOPE_REC_END (error 0 when complete, else the positive errno
 *   that cut the walk short, e.g. ESRCH when the target exited).
 * A reader that has not seen PTSCOPE_REC_END has a partial result.
 *
 * Binary stream (view=levels), the translation of addr= that the xlate
 * text view shows, with the same read() rules:
 *   one PTSCOPE_REC_HEADER,
 *   one PTSCOPE_REC_LEVEL per level visited, top level first (P4D with
 *   4-level paging), down to the leaf or the first none, non-present or
 *   bad entry,
 *   one PTSCOPE_REC_END.
 *
 * Frames (view=frames): one __u64 word per 4 KiB page of [start, end), in
 * address order, a /proc/PID/pagemap read from the page tables with what
 * pagemap lacks (level, RW, NX, accessed, dirty, anon-exclusive, zero page,
 * KSM, pending copy-on-write).  The word of page start + i * 4096 is at
 * file offset i * 8; with start=0 (the default) that is va / 4096 * 8, as
 * in pagemap.  read() sizes and file offsets must be multiples of 8, else
 * -EINVAL; any such offset may be read directly (pread), nothing is
 * regenerated.  A read at or past the end of the range returns 0.  Each
 * read walks its pages afresh, under the mmap lock a bounded number of
 * pages at a time; once the target has exited a read returns -ESRCH (or
 * stops short after the words it already copied).  Word layout below
 * (PTSCOPE_FR_*): pages outside any VMA are 0; every page inside one has
 * PTSCOPE_FR_VMA, its kind and the level of its entry.  For a 2M or 1G
 * leaf each 4K page carries its own frame (the leaf's first frame plus its
 * index in the leaf), as do the pages of a PMD migration entry.
 *
 * Conventions of the stream:
 *  - An ENTRY covers its leaf's whole page: va is the start of the 4K, 2M
 *    or 1G page even when the query range starts inside it, and pfn is the
 *    first frame of that page (pa of an address A in it is
 *    (pfn << 12) + (A - va)).
 *  - PROT_NONE (and NUMA-hinting) entries are ENTRY records with
 *    PTSCOPE_F_PROTNONE set, PTSCOPE_F_PRESENT clear and pfn filled in, as
 *    /proc/PID/pagemap counts them present.
 *  - Levels are named as mm/pagewalk.c sees them: with 4-level paging the
 *    PGD level is folded at run time and the top table's entries are
 *    reported at PTSCOPE_LVL_P4D (stats count 0 PGD tables).  The text
 *    views and the ptscope tool call that top table the PGD, as x86 does.
 *  - HOLE records of one level are merged across tables and chunks.
 *  - VMA names longer than 63 bytes are truncated.
 *  - vm_flags are the running kernel's VM_* bits; only VM_READ, VM_WRITE,
 *    VM_EXEC, VM_SHARED and the VM_MAY* bits below 0x100 are stable.
 */
#ifndef _UAPI_PTSCOPE_H
#define _UAPI_PTSCOPE_H

#include <linux/types.h>

#define PTSCOPE_ABI_VERSION	1
#define PTSCOPE_MAGIC		0x3145504f43535450ULL	/* "PTSCOPE1" in memory (LE) */
#define PTSCOPE_REC_SIZE	128
#define PTSCOPE_QUERY_MAX	256
#define PTSCOPE_NAME_WORDS	8	/* VMA name: 64 bytes, NUL padded */

#define PTSCOPE_DEBUGFS_DIR	"/sys/kernel/debug/ptscope"

/* Record types (first __u32 of every record) */
enum ptscope_rec_type {
	PTSCOPE_REC_HEADER	= 1,
	PTSCOPE_REC_VMA		= 2,
	PTSCOPE_REC_ENTRY	= 3,	/* a leaf or a non-none non-present entry */
	PTSCOPE_REC_HOLE	= 4,	/* a none entry (or missing table) */
	PTSCOPE_REC_LEVEL	= 5,	/* one step of a translation */
	PTSCOPE_REC_STATS	= 6,
	PTSCOPE_REC_END		= 7,
};

/* Page-table levels, numbered like the depth of mm/pagewalk.c */
enum ptscope_level {
	PTSCOPE_LVL_PGD	= 0,
	PTSCOPE_LVL_P4D	= 1,
	PTSCOPE_LVL_PUD	= 2,
	PTSCOPE_LVL_PMD	= 3,
	PTSCOPE_LVL_PTE	= 4,
	PTSCOPE_NR_LEVELS = 5,
};

/* Decoded hardware/software entry bits (struct ptscope_rec_entry.flags) */
#define PTSCOPE_F_PRESENT	(1ULL << 0)
#define PTSCOPE_F_RW		(1ULL << 1)
#define PTSCOPE_F_USER		(1ULL << 2)
#define PTSCOPE_F_PWT		(1ULL << 3)
#define PTSCOPE_F_PCD		(1ULL << 4)
#define PTSCOPE_F_ACCESSED	(1ULL << 5)
#define PTSCOPE_F_DIRTY		(1ULL << 6)
#define PTSCOPE_F_PSE		(1ULL << 7)	/* leaf at PUD/PMD */
#define PTSCOPE_F_PAT		(1ULL << 8)	/* bit 7 in a PTE, 12 in a huge */
#define PTSCOPE_F_GLOBAL	(1ULL << 9)
#define PTSCOPE_F_NX		(1ULL << 10)
#define PTSCOPE_F_SOFT_DIRTY	(1ULL << 11)
#define PTSCOPE_F_UFFD_WP	(1ULL << 12)	/* also a uffd-wp PTE marker */
#define PTSCOPE_F_SPECIAL	(1ULL << 13)
#define PTSCOPE_F_DEVMAP	(1ULL << 14)
#define PTSCOPE_F_PROTNONE	(1ULL << 15)	/* PROT_NONE / NUMA hinting */

/* Page state (struct ptscope_rec_entry.state) */
#define PTSCOPE_S_ANON		(1ULL << 0)
#define PTSCOPE_S_FILE		(1ULL << 1)
#define PTSCOPE_S_SHMEM		(1ULL << 2)
#define PTSCOPE_S_KSM		(1ULL << 3)
#define PTSCOPE_S_ZERO		(1ULL << 4)	/* the shared zero page */
#define PTSCOPE_S_HUGE_ZERO	(1ULL << 5)	/* see below */
#define PTSCOPE_S_THP		(1ULL << 6)	/* PMD/PUD-mapped THP */
#define PTSCOPE_S_LARGE_FOLIO	(1ULL << 7)	/* PTE-mapped part of a large folio */
#define PTSCOPE_S_HUGETLB	(1ULL << 8)
#define PTSCOPE_S_ANON_EXCL	(1ULL << 9)
#define PTSCOPE_S_COW		(1ULL << 10)	/* copy-on-write pending */
#define PTSCOPE_S_SWAP		(1ULL << 11)
#define PTSCOPE_S_MIGRATION_R	(1ULL << 12)
#define PTSCOPE_S_MIGRATION_W	(1ULL << 13)
#define PTSCOPE_S_DEV_PRIVATE	(1ULL << 14)
#define PTSCOPE_S_DEV_EXCL	(1ULL << 15)
#define PTSCOPE_S_PTE_MARKER	(1ULL << 16)
#define PTSCOPE_S_NO_PAGE	(1ULL << 17)	/* present, no struct page (PFN map) */
#define PTSCOPE_S_UNKNOWN_SPECIAL (1ULL << 18)
#define PTSCOPE_S_PAGE_DIRTY	(1ULL << 19)	/* folio dirty flag */
#define PTSCOPE_S_NONPRESENT	(1ULL << 20)	/* entry not present (any kind) */

/*
 * PTSCOPE_S_HUGE_ZERO is found by elimination, huge_zero_pfn not being
 * exported: a PMD leaf of an anonymous VMA on a folio that is neither anon
 * nor has a mapping.  Such a leaf with a mapping is
 * PTSCOPE_S_UNKNOWN_SPECIAL.  PTSCOPE_S_COW: private writable VMA, entry
 * read-only, and a write fault would copy (the page is not anon-exclusive
 * and is referenced elsewhere, or is the zero page or a KSM page).
 */

/*
 * The frames view's word (view=frames), one per 4K page:
 *   bits  0-39  frame: the PFN of the page (PRESENT, PROTNONE, MIGRATION
 *               and DEVICE kinds) or the swap offset (SWAP; offsets from
 *               2^40 on are cut to 40 bits); 0 otherwise
 *   bits 40-44  swap type (SWAP)
 *   bits 45-47  kind, PTSCOPE_FK_*
 *   bits 48-50  level (PTSCOPE_LVL_*) of the entry, or where the walk found
 *               no entry (a none entry or a missing table; 0 as well when
 *               a table could not be read, a bad entry)
 *   bits 51-63  PTSCOPE_FR_* flags: RW, NX, ACCESSED, DIRTY (any kind
 *               that is mapped: PRESENT or PROTNONE; RW also for a
 *               writable migration entry), SOFT_DIRTY and UFFD_WP (mapped
 *               and swap-format entries), ANON, ANON_EXCL, FILE, ZERO,
 *               KSM, COW (as PTSCOPE_S_*: ZERO for the zero and the huge
 *               zero page, FILE for file and shmem pages), VMA
 */
#define PTSCOPE_FR_FRAME_MASK	((1ULL << 40) - 1)
#define PTSCOPE_FR_SWP_TYPE_SHIFT	40
#define PTSCOPE_FR_SWP_TYPE_MASK	0x1fULL
#define PTSCOPE_FR_KIND_SHIFT	45
#define PTSCOPE_FR_KIND_MASK	0x7ULL
#define PTSCOPE_FR_LEVEL_SHIFT	48
#define PTSCOPE_FR_LEVEL_MASK	0x7ULL
#define PTSCOPE_FR_RW		(1ULL << 51)
#define PTSCOPE_FR_NX		(1ULL << 52)
#define PTSCOPE_FR_ACCESSED	(1ULL << 53)
#define PTSCOPE_FR_DIRTY	(1ULL << 54)
#define PTSCOPE_FR_SOFT_DIRTY	(1ULL << 55)	/* pagemap's bit 55 too */
#define PTSCOPE_FR_UFFD_WP	(1ULL << 56)
#define PTSCOPE_FR_ANON		(1ULL << 57)
#define PTSCOPE_FR_ANON_EXCL	(1ULL << 58)
#define PTSCOPE_FR_FILE		(1ULL << 59)
#define PTSCOPE_FR_ZERO		(1ULL << 60)
#define PTSCOPE_FR_KSM		(1ULL << 61)
#define PTSCOPE_FR_COW		(1ULL << 62)
#define PTSCOPE_FR_VMA		(1ULL << 63)	/* the page is in a VMA */

#define PTSCOPE_FR_KIND(w)	(((w) >> PTSCOPE_FR_KIND_SHIFT) & PTSCOPE_FR_KIND_MASK)
#define PTSCOPE_FR_LEVEL(w)	(((w) >> PTSCOPE_FR_LEVEL_SHIFT) & PTSCOPE_FR_LEVEL_MASK)
#define PTSCOPE_FR_SWP_TYPE(w)	(((w) >> PTSCOPE_FR_SWP_TYPE_SHIFT) & PTSCOPE_FR_SWP_TYPE_MASK)

/* Kinds of page in the frames view (bits 45-47 of its word) */
enum ptscope_frame_kind {
	PTSCOPE_FK_NONE		= 0,	/* no entry (or no VMA: word 0) */
	PTSCOPE_FK_PRESENT	= 1,	/* mapped, hardware present */
	PTSCOPE_FK_PROTNONE	= 2,	/* mapped, PROT_NONE / NUMA hinting */
	PTSCOPE_FK_SWAP		= 3,
	PTSCOPE_FK_MIGRATION	= 4,	/* RW set: a writable one */
	PTSCOPE_FK_DEVICE	= 5,	/* device private or exclusive */
	PTSCOPE_FK_MARKER	= 6,	/* PTE marker (uffd-wp, guard...) */
	PTSCOPE_FK_OTHER	= 7,	/* hwpoison, or not understood */
};

/* Header features (struct ptscope_rec_header.features) */
#define PTSCOPE_FEAT_LA57	(1ULL << 0)	/* 5-level paging active */
#define PTSCOPE_FEAT_PTI	(1ULL << 1)	/* page-table isolation active */
#define PTSCOPE_FEAT_PAGE_STATE	(1ULL << 2)	/* state/mapcount filled in */

struct ptscope_rec_header {
	__u32 type;		/* PTSCOPE_REC_HEADER */
	__u32 rec_size;		/* PTSCOPE_REC_SIZE */
	__u64 magic;		/* PTSCOPE_MAGIC */
	__u32 version;		/* PTSCOPE_ABI_VERSION */
	__u32 pid;		/* target pid (in the reader's namespace) */
	__u64 start;		/* range walked, [start, end) */
	__u64 end;
	__u64 features;		/* PTSCOPE_FEAT_* */
	__u32 pgtable_levels;	/* 4 or 5 */
	__u32 page_shift;	/* 12 on x86 */
	__u32 virt_bits;	/* user VA bits: 47 or 56 */
	__u32 phys_bits;	/* x86_phys_bits */
	__u64 task_size;	/* TASK_SIZE of the target */
	__u64 max_pfn;		/* highest valid frame + 1 */
	__u64 reserved[6];
};

struct ptscope_rec_vma {
	__u32 type;		/* PTSCOPE_REC_VMA */
	__u32 index;		/* 0-based, in address order within the walk */
	__u64 start;
	__u64 end;
	__u64 vm_flags;		/* kernel VM_* bits as they are */
	__u64 pgoff;		/* vm_pgoff (file offset in pages) */
	__u64 ino;		/* backing inode, 0 if anonymous */
	__u32 dev_major;
	__u32 dev_minor;
	__u32 kind;		/* PTSCOPE_VMA_* */
	__u32 reserved0;
	__u64 name[PTSCOPE_NAME_WORDS];	/* NUL-padded bytes: path or [heap] */
};

/* struct ptscope_rec_vma.kind */
enum ptscope_vma_kind {
	PTSCOPE_VMA_ANON	= 0,
	PTSCOPE_VMA_FILE	= 1,
	PTSCOPE_VMA_HEAP	= 2,
	PTSCOPE_VMA_STACK	= 3,
	PTSCOPE_VMA_VDSO	= 4,
	PTSCOPE_VMA_VVAR	= 5,
	PTSCOPE_VMA_SHMEM	= 6,
	PTSCOPE_VMA_HUGETLB	= 7,
	PTSCOPE_VMA_SPECIAL	= 8,	/* other special mapping */
};

struct ptscope_rec_entry {
	__u32 type;		/* PTSCOPE_REC_ENTRY or PTSCOPE_REC_HOLE */
	__u32 level;		/* PTSCOPE_LVL_* where the leaf or hole is */
	__u64 va;		/* first virtual address covered */
	__u64 size;		/* bytes covered: page size, or hole length */
	__u64 raw;		/* raw entry value (0 for a hole) */
	__u64 pfn;		/* frame number, present leaves only */
	__u64 flags;		/* PTSCOPE_F_* */
	__u64 state;		/* PTSCOPE_S_* */
	__u32 vma_index;	/* matches struct ptscope_rec_vma.index */
	__u32 pkey;		/* protection key (bits 59..62) */
	__u32 mapcount;		/* page mapcount, 0 if unknown */
	__u32 refcount;		/* folio refcount, 0 if unknown */
	__u32 folio_order;	/* order of the folio holding the page */
	__u32 swap_type;	/* swap/migration entries */
	__u64 swap_offset;
	__u64 reserved[5];
};

struct ptscope_rec_level {
	__u32 type;		/* PTSCOPE_REC_LEVEL */
	__u32 level;		/* PTSCOPE_LVL_* */
	__u64 va;		/* the address translated */
	__u64 table_pa;		/* physical address of the table read */
	__u64 entry_pa;		/* physical address of the entry read */
	__u64 raw;		/* entry value */
	__u64 flags;		/* PTSCOPE_F_* */
	__u32 index;		/* index of the entry in its table */
	__u32 shift;		/* VA bits below this level */
	__u32 leaf;		/* 1 when this entry maps the page */
	__u32 present;
	__u64 pa;		/* final physical address (leaf only) */
	__u64 reserved[7];
};

struct ptscope_rec_stats {
	__u32 type;		/* PTSCOPE_REC_STATS */
	__u32 nr_levels;	/* levels in use: 4 or 5 */
	__u64 tables[PTSCOPE_NR_LEVELS];	/* table pages seen per level */
	__u64 leaves[PTSCOPE_NR_LEVELS];	/* present leaves per level */
	__u64 nonpresent;	/* non-none, non-present entries */
	__u64 holes;		/* hole records emitted */
	__u64 reserved[3];
};

struct ptscope_rec_end {
	__u32 type;		/* PTSCOPE_REC_END */
	__u32 error;		/* 0 complete, else the errno that cut it short */
	__u64 nr_records;	/* records before this one, header included */
	__u64 reserved[14];
};

/*
 * TLB flush requests, written to "flush" (issue: TLB flush triggers):
 *   "pid=N"                   the CPUs that may hold N's translations
 *   "pid=N start=A end=B"     a range of N (flushed as a superset)
 *   "all"                     every CPU
 * Reading the same descriptor returns one line describing what ran.
 *
 * Like "query", "flush" is root only (CAP_SYS_ADMIN checked at open) and
 * keeps its state in the open file.  A request is one line of at most
 * PTSCOPE_QUERY_MAX bytes in the query grammar above, or the word "all"
 * alone; a bare number "N" means "pid=N".  A range needs both start= and
 * end=; addr= and view= are refused.  The flush has run on every CPU it
 * reports when write() returns.  Refused at write(), with nothing flushed:
 *   -EINVAL      garbage, unknown, repeated or missing keys, pid <= 0, a
 *                kernel thread or a task without an mm (zombie, exiting),
 *                start without end, an empty or reversed range, an address
 *                at or above the target's TASK_SIZE (non-canonical or
 *                kernel), an oversized line
 *   -ESRCH       no such pid in the writer's pid namespace
 *   -EOPNOTSUPP  no flush method: the CPU lacks INVPCID and the kernel does
 *                not export __flush_tlb_all() (restricted to KVM in 7.x)
 *
 * Nothing exported flushes one mm or one range of another process, so a
 * request is never flushed precisely: each CPU of the scope flushes its
 * whole TLB, global entries and every PCID (PTI's user PCIDs) included,
 * in an IPI, with INVPCID (all contexts) where the CPU has it, else with
 * __flush_tlb_all().  For "pid=N" the scope is the CPUs in N's mm_cpumask
 * at that moment: without PCIDs a CPU that switched away from N lost N's
 * entries, so cpus=0 is a valid answer for a process that runs nowhere.
 * With PCIDs a CPU leaves the mask but may keep N's entries under N's
 * PCID (the kernel flushes them lazily through a TLB generation count that
 * modules cannot reach), so a pid request then flushes every CPU and says
 * so (scope=all note=pcid-all-cpus).
 *
 * The answer: one newline-terminated line of blank-separated key=value
 * words, in this order, at most PTSCOPE_FLUSH_LINE_MAX bytes:
 *   req=all|mm|range    what was asked
 *   scope=all|mm        what was flushed: every online CPU, or the CPUs in
 *                       the mm's mm_cpumask (see above)
 *   pid=N               req=mm and req=range only, as written
 *   start=0xA end=0xB   req=range only, page-aligned [start, end)
 *   method=M            PTSCOPE_FLUSH_METHOD_*: what ran on each CPU
 *   cpus=N              CPUs on which it ran, counted in the IPI itself
 *   precise=0|1         1 only when exactly the request was flushed
 *                       (req=all); a pid or range request is always 0
 *   note=W              PTSCOPE_FLUSH_NOTE_*
 * Example: "req=range scope=mm pid=123 start=0x7f0000000000
 * end=0x7f0000002000 method=invpcid-all-ipi cpus=2 precise=0
 * note=superset-of-range".  A read before any successful write is -EINVAL.
 *
 * "flush_stats" (root only) holds totals since the module was loaded, one
 * "key=value" per line, in this order: requests (flushes run), req_all,
 * req_mm, req_range, scope_all, scope_mm, method_invpcid_all_ipi,
 * method_tlb_all_ipi, cpus (sum of cpus=), errors (writes refused, every
 * errno), errors_unsupported (of which -EOPNOTSUPP).
 */
#define PTSCOPE_FLUSH_FILE		"flush"
#define PTSCOPE_FLUSH_STATS_FILE	"flush_stats"
#define PTSCOPE_FLUSH_LINE_MAX		256

#define PTSCOPE_FLUSH_METHOD_INVPCID	"invpcid-all-ipi"
#define PTSCOPE_FLUSH_METHOD_TLB_ALL	"tlb-all-ipi"	/* __flush_tlb_all() */

#define PTSCOPE_FLUSH_NOTE_EXACT	"exact"			/* req=all */
#define PTSCOPE_FLUSH_NOTE_MM		"superset-of-mm"	/* req=mm */
#define PTSCOPE_FLUSH_NOTE_RANGE	"superset-of-range"	/* req=range */
#define PTSCOPE_FLUSH_NOTE_PCID		"pcid-all-cpus"	/* pid, scope=all */

#endif /* _UAPI_PTSCOPE_H */
