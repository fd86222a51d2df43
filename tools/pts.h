/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ptscope tool: the model every source fills and every renderer reads,
 * plus the declarations shared by the object files.
 *
 * Layers (each file only calls the ones above it):
 *   format.c   units, number/range parsing, name tables, address bits
 *   model.c    the model: arrays of VMAs and entries, independent of source
 *   decode.c   the binary record stream of ptscope.ko, pagemap, kpageflags,
 *              /proc/PID/maps lines
 *   merge.c    filters and ptdump-style runs of equal attributes
 *   render.c   column tables: plain (libsmartcols) and JSON (json-c)
 *   src_*.c    sources: ptscope.ko or /proc, both fill the model
 *   vma.c pt.c vtop.c stats.c   one file per object
 *   main.c     global options, object dispatch, exit codes
 */
#ifndef PTS_H
#define PTS_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>
#include <uapi/ptscope.h>

struct json_object;

#define PTS_VERSION		"0.1"

#ifndef BIT
#define BIT(n)			(1U << (n))
#endif
#ifndef BIT_ULL
#define BIT_ULL(n)		(1ULL << (n))
#endif

#define PTS_PAGE_SHIFT		12
#define PTS_PAGE_SIZE		BIT_ULL(PTS_PAGE_SHIFT)
#define PTS_SZ_2M		BIT_ULL(21)
#define PTS_SZ_1G		BIT_ULL(30)

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#ifndef __printf
#define __printf(a, b)		__attribute__((format(printf, a, b)))
#endif

/*
 * Handlers return 0 or a negative errno.  A usage error returns
 * -PTS_EUSAGE, which main() turns into exit status 2.
 */
#define PTS_EUSAGE		4096

/* exit status, chosen in main() only */
#define PTS_EXIT_OK		0
#define PTS_EXIT_FAIL		1
#define PTS_EXIT_USAGE		2

enum pts_source {
	PTS_SRC_AUTO,
	PTS_SRC_MODULE,
	PTS_SRC_PROC,
};

/**
 * struct pts_ctx - global options, parsed once, plus error state
 * @json:	-J: JSON output
 * @pretty:	-p: pretty JSON (implies @json)
 * @raw:	-r: raw plain output
 * @bytes:	-b: sizes in bytes
 * @noheadings:	-n: no table headings
 * @output:	-o: column list, or NULL for the defaults
 * @source:	--source
 * @out:	where output goes (stdout, a memory stream in tests)
 * @err:	where plain errors and notes go
 * @reported:	an error message was already printed
 * @trouble2:	failures exit with status 2 (diff, as diff(1))
 */
struct pts_ctx {
	bool json;
	bool pretty;
	bool raw;
	bool bytes;
	bool noheadings;
	const char *output;
	enum pts_source source;
	FILE *out;
	FILE *err;
	bool reported;
	bool trouble2;
};

/* ------------------------------------------------------------------ */
/* model                                                                */

/* entry kinds */
enum pts_kind {
	PTS_PRESENT,		/* present leaf */
	PTS_SWAP,		/* swap entry */
	PTS_NONPRESENT,		/* other non-none, non-present entry */
	PTS_HOLE,		/* none entry or missing table */
	PTS_NR_KINDS,
};

#define PTS_LVL_UNKNOWN		(-1)
#define PTS_LVL_MIXED		(-2)	/* a merged run of holes */

/* tool-only page state bits, above the ABI's PTSCOPE_S_* */
#define PTS_S_MAPPED_EXCL	BIT_ULL(48)	/* pagemap bit 56 */

/* what a source can tell (struct pts_model.known) */
#define PTS_K_LEVEL		BIT(0)	/* level read from the tables */
#define PTS_K_RAW		BIT(1)	/* raw entry values */
#define PTS_K_TABLES		BIT(2)	/* page-table pages per level */
#define PTS_K_MAPCOUNT		BIT(3)
#define PTS_K_REFCOUNT		BIT(4)
#define PTS_K_PKEY		BIT(5)
#define PTS_K_PFN		BIT(6)
#define PTS_K_KPF		BIT(7)	/* /proc/kpageflags read */
#define PTS_K_VMFLAGS		BIT(8)
#define PTS_K_FOLIO		BIT(9)
#define PTS_K_XLATE		BIT(10)	/* LEVEL records */
#define PTS_K_SCAN		BIT(11)	/* PAGEMAP_SCAN: huge leaves exact */

/**
 * struct pts_arch - paging geometry of the target
 * @levels:	4 or 5
 * @page_shift:	12 on x86
 * @virt_bits:	user virtual address bits: 47 or 56
 * @phys_bits:	physical address bits
 * @task_size:	end of user space
 * @max_pfn:	highest valid frame + 1, 0 if unknown
 * @features:	PTSCOPE_FEAT_*
 */
struct pts_arch {
	__u32 levels;
	__u32 page_shift;
	__u32 virt_bits;
	__u32 phys_bits;
	__u64 task_size;
	__u64 max_pfn;
	__u64 features;
};

/**
 * struct pts_vma - one mapping
 * @start:	first address
 * @end:	end, exclusive
 * @vm_flags:	kernel VM_* bits (module source only)
 * @pgoff:	file offset in pages
 * @ino:	inode, 0 if anonymous
 * @dev_major:	device of @ino
 * @dev_minor:	device of @ino
 * @kind:	PTSCOPE_VMA_*
 * @perms:	"rwxp" as in /proc/PID/maps
 * @flagstr:	VM flags as /proc/PID/smaps mnemonics ("rd wr mr ...")
 * @name:	path, "[heap]", ... or "" (allocated)
 * @page_size:	KernelPageSize: the hugetlb page size, else 4K
 * @pmd_mapped:	bytes mapped at PMD level according to smaps (proc)
 * @present:	present leaves by size: 4K, 2M, 1G
 * @swapped:	swap entries
 */
struct pts_vma {
	__u64 start;
	__u64 end;
	__u64 vm_flags;
	__u64 pgoff;
	__u64 ino;
	__u32 dev_major;
	__u32 dev_minor;
	__u32 kind;
	char perms[5];
	char flagstr[128];
	char *name;
	__u64 page_size;
	__u64 pmd_mapped;
	__u64 present[3];
	__u64 swapped;
};

/**
 * struct pts_entry - one page-table entry (or a run of none entries)
 * @va:		first virtual address covered
 * @size:	bytes covered
 * @kind:	enum pts_kind
 * @level:	PTSCOPE_LVL_* or PTS_LVL_UNKNOWN
 * @vma:	index into struct pts_model.vmas
 * @raw:	raw entry value, if PTS_K_RAW
 * @pfn:	frame of @va (present leaves)
 * @flags:	PTSCOPE_F_*
 * @state:	PTSCOPE_S_* and PTS_S_*
 * @kpf:	/proc/kpageflags bits, if PTS_K_KPF
 * @pkey:	protection key
 * @mapcount:	page mapcount, 0 if unknown
 * @refcount:	folio refcount, 0 if unknown
 * @folio_order: folio order
 * @swap_type:	swap entries
 * @swap_offset: swap entries
 */
struct pts_entry {
	__u64 va;
	__u64 size;
	int kind;
	int level;
	__u32 vma;
	__u64 raw;
	__u64 pfn;
	__u64 flags;
	__u64 state;
	__u64 kpf;
	__u32 pkey;
	__u32 mapcount;
	__u32 refcount;
	__u32 folio_order;
	__u32 swap_type;
	__u64 swap_offset;
};

/**
 * struct pts_step - one translation step, from PTSCOPE_REC_LEVEL
 */
struct pts_step {
	int level;
	__u64 table_pa;
	__u64 entry_pa;
	__u64 raw;
	__u64 flags;
	__u32 index;
	__u32 shift;
	bool leaf;
	bool present;
	__u64 pa;
};

/**
 * struct pts_stats - page-table pages and leaves per level
 * @valid:	filled from a PTSCOPE_REC_STATS record
 * @estimated:	@tables estimated from the populated entries (proc)
 */
struct pts_stats {
	bool valid;
	bool estimated;
	__u32 nr_levels;
	__u64 tables[PTSCOPE_NR_LEVELS];
	__u64 leaves[PTSCOPE_NR_LEVELS];
	__u64 nonpresent;
	__u64 holes;
};

#define PTS_MAX_NOTES	8

/**
 * struct pts_model - what was learnt about one process, source independent
 * @source:	PTS_SRC_MODULE or PTS_SRC_PROC
 * @pid:	target
 * @start:	range walked
 * @end:	range walked, exclusive
 * @arch:	paging geometry
 * @known:	PTS_K_*
 * @flags_known: PTSCOPE_F_* the source can report
 * @vmas:	mappings, address order
 * @entries:	entries and holes, address order
 * @steps:	translation steps (LEVEL records)
 * @stats:	page-table pages
 * @vmpte:	VmPTE from /proc/PID/status in bytes, -1 if unknown
 * @end_error:	errno of a walk cut short (END record)
 * @notes:	notes about the source, for stderr / JSON
 */
struct pts_model {
	int source;
	__u32 pid;
	__u64 start;
	__u64 end;
	struct pts_arch arch;
	unsigned int known;
	__u64 flags_known;
	struct pts_vma *vmas;
	size_t nr_vmas;
	size_t cap_vmas;
	struct pts_entry *entries;
	size_t nr_entries;
	size_t cap_entries;
	struct pts_step steps[PTSCOPE_NR_LEVELS];
	size_t nr_steps;
	struct pts_stats stats;
	long long vmpte;
	int end_error;
	char *notes[PTS_MAX_NOTES];
	size_t nr_notes;
};

void pts_model_init(struct pts_model *m);
void pts_model_free(struct pts_model *m);
struct pts_vma *pts_model_add_vma(struct pts_model *m);
struct pts_entry *pts_model_add_entry(struct pts_model *m);
int pts_model_add_hole(struct pts_model *m, __u32 vma, __u64 va, __u64 size,
		       int level);
void pts_model_note(struct pts_model *m, const char *fmt, ...)
	__printf(2, 3);
void pts_model_count(struct pts_model *m, const struct pts_entry *e);
int pts_model_find_vma(const struct pts_model *m, __u64 va);
const char *pts_source_name(int source);

/* ------------------------------------------------------------------ */
/* format.c                                                             */

/**
 * struct pts_name - a bit and its names
 * @bit:	the bit
 * @name:	long name, used in JSON and accepted in filters
 * @abbrev:	short name for plain output, or NULL to use @name
 */
struct pts_name {
	__u64 bit;
	const char *name;
	const char *abbrev;
};

extern const struct pts_name pts_flag_names[];
extern const size_t pts_nr_flag_names;
extern const struct pts_name pts_state_names[];
extern const size_t pts_nr_state_names;
extern const struct pts_name pts_vmflag_names[];
extern const size_t pts_nr_vmflag_names;

const char *pts_level_name(int level);
const char *pts_kind_name(int kind);
const char *pts_vma_kind_name(__u32 kind);
int pts_level_shift(int level, unsigned int levels);
int pts_level_of_size(__u64 size);
int pts_size_index(__u64 size);

char *pts_size_str(char *buf, size_t len, __u64 bytes, bool exact);
int pts_parse_u64(const char *s, __u64 *val);
int pts_parse_pid(const char *s, __u32 *pid);
int pts_parse_range(const char *s, __u64 *start, __u64 *end);
int pts_parse_pagesize(const char *s, __u64 *size);
int pts_parse_names(const char *s, const struct pts_name *tbl, size_t n,
		    __u64 *set, __u64 *clear, const char **bad);
size_t pts_names_str(char *buf, size_t len, __u64 bits,
		     const struct pts_name *tbl, size_t n, bool abbrev,
		     const char *sep);
void pts_vmflags_str(char *buf, size_t len, __u64 vm_flags);

/**
 * struct pts_bits - one field of a virtual address
 * @level:	PTSCOPE_LVL_*, or -1 for the page offset
 * @hi:		highest bit of the field
 * @lo:		lowest bit of the field
 * @value:	the field's value: table index or page offset
 */
struct pts_bits {
	int level;
	unsigned int hi;
	unsigned int lo;
	__u64 value;
};

int pts_addr_breakdown(__u64 va, unsigned int levels, int leaf,
		       struct pts_bits *steps, struct pts_bits *offset);
bool pts_addr_canonical(__u64 va, unsigned int levels);

/* ------------------------------------------------------------------ */
/* decode.c                                                             */

/**
 * struct pts_decoder - state of a record stream being decoded
 * @m:		model filled
 * @nr:		records seen
 * @header:	the header was seen
 * @done:	the END record was seen
 * @cur_vma:	model index of the current VMA, -1 before the first
 * @abi_vma:	ABI index of the current VMA
 * @msg:	what was wrong, for the error message
 */
struct pts_decoder {
	struct pts_model *m;
	__u64 nr;
	bool header;
	bool done;
	long cur_vma;
	__u32 abi_vma;
	char msg[128];
};

void pts_decoder_init(struct pts_decoder *d, struct pts_model *m);
int pts_decode_feed(struct pts_decoder *d, const void *buf, size_t len);
int pts_decode_finish(struct pts_decoder *d);

/**
 * struct pts_pm - one decoded /proc/PID/pagemap entry
 */
struct pts_pm {
	bool present;
	bool swapped;
	bool file_shared;
	bool exclusive;
	bool soft_dirty;
	bool uffd_wp;
	__u64 pfn;
	__u32 swap_type;
	__u64 swap_offset;
};

#define PTS_PM_PFN_MASK		(BIT_ULL(55) - 1)
#define PTS_PM_SOFT_DIRTY	BIT_ULL(55)
#define PTS_PM_EXCLUSIVE	BIT_ULL(56)
#define PTS_PM_UFFD_WP		BIT_ULL(57)
#define PTS_PM_FILE		BIT_ULL(61)
#define PTS_PM_SWAP		BIT_ULL(62)
#define PTS_PM_PRESENT		BIT_ULL(63)

void pts_pagemap_decode(__u64 e, struct pts_pm *pm);
__u64 pts_kpf_state(__u64 kpf, bool huge_leaf);
int pts_parse_maps_line(const char *line, struct pts_vma *v);
__u32 pts_vma_kind_guess(const struct pts_vma *v);

/**
 * struct pts_fill - one run of pagemap values to put into the model
 * @vma:	model index of the VMA
 * @va:		address of @pm[0]
 * @nr:		entries in @pm
 * @pm:		pagemap values
 * @kpf:	kpageflags per entry, or NULL
 * @kpc:	kpagecount per entry, or NULL
 * @huge:	leaf size when the range is known to be huge-mapped
 *		(PAGEMAP_SCAN said PAGE_IS_HUGE, or hugetlb), else 0
 * @guess_thp:	no PAGEMAP_SCAN: guess PMD-mapped THPs from kpageflags
 * @pmd_budget:	bytes smaps says are PMD-mapped and not yet guessed
 * @special:	out, swap-format entries of the kernel's special types
 *		(migration, device, hwpoison, PTE markers) put in as
 *		PTS_NONPRESENT, added to
 */
struct pts_fill {
	__u32 vma;
	__u64 va;
	size_t nr;
	const __u64 *pm;
	const __u64 *kpf;
	const __u64 *kpc;
	__u64 huge;
	bool guess_thp;
	__u64 pmd_budget;
	size_t special;
};

/*
 * The first swap type that is never a swap area: MAX_SWAPFILES is 32 less
 * the kernel's special types (22 on 6.1 with all of them configured, 23 or
 * more later), and those types (hwpoison, migration, device, PTE markers)
 * are above it.  pagemap reports every one of them as swapped.
 */
#define PTS_SWP_TYPE_SPECIAL	22

int pts_fill_pagemap(struct pts_model *m, struct pts_fill *f);

/* ------------------------------------------------------------------ */
/* merge.c                                                              */

/**
 * struct pts_filter - which entries pt show keeps
 */
struct pts_filter {
	__u64 flags_set;
	__u64 flags_clear;
	__u64 state_set;
	__u64 state_clear;
	unsigned int kinds_set;
	unsigned int kinds_clear;
	__u64 size;
};

/**
 * struct pts_run - entries with equal attributes, or one entry
 * @first:	the first entry of the run
 * @va:		start
 * @size:	bytes covered
 * @count:	entries merged
 * @level:	level, PTS_LVL_MIXED when holes of several levels merged
 * @contig:	frames contiguous across the run
 */
struct pts_run {
	const struct pts_entry *first;
	__u64 va;
	__u64 size;
	__u64 count;
	int level;
	bool contig;
};

bool pts_filter_match(const struct pts_filter *f, const struct pts_entry *e);
int pts_parse_state_filter(const char *s, struct pts_filter *f,
			   const char **bad);
size_t pts_merge(const struct pts_entry *ents, size_t n,
		 const struct pts_filter *f, bool merge, struct pts_run *runs);

/* ------------------------------------------------------------------ */
/* render.c                                                             */

enum pts_ctype {
	PTS_CT_STR,	/* string */
	PTS_CT_NUM,	/* decimal number */
	PTS_CT_HEX,	/* address: "0x..." (a string in JSON too) */
	PTS_CT_SIZE,	/* bytes: human units unless -b; a number in JSON */
	PTS_CT_BITS,	/* bit mask with a name table; JSON array */
	PTS_CT_WORDS,	/* blank separated words; JSON array */
	PTS_CT_BOOL,
};

/**
 * struct pts_col - one column: drives -o, the help and the JSON types
 */
struct pts_col {
	const char *name;
	const char *json;
	enum pts_ctype type;
	double whint;
	int scols_flags;
	const char *help;
};

/**
 * struct pts_val - one cell
 * @unknown:	the source cannot tell: "-" in plain, null in JSON
 */
struct pts_val {
	bool unknown;
	__u64 num;
	const char *str;
	const struct pts_name *tbl;
	size_t nr_tbl;
};

#define PTS_MAX_COLS	32

/**
 * struct pts_table - a table to render
 * @cols:	column table
 * @nr_cols:	its size
 * @defaults:	names of the default columns, comma separated
 * @nr_rows:	rows
 * @get:	fills one cell
 * @priv:	for @get
 * @sel:	selected columns (indices into @cols)
 * @nr_sel:	selected columns
 */
struct pts_table {
	const struct pts_col *cols;
	size_t nr_cols;
	const char *defaults;
	size_t nr_rows;
	void (*get)(const void *priv, size_t row, int col, struct pts_val *v);
	const void *priv;
	int sel[PTS_MAX_COLS];
	size_t nr_sel;
};

int pts_table_select(struct pts_ctx *ctx, struct pts_table *t,
		     const char *list);
int pts_columns_check(struct pts_ctx *ctx, const struct pts_col *cols,
		      size_t nr, const char *defaults);
int pts_table_plain(const struct pts_ctx *ctx, const struct pts_table *t,
		    FILE *out);
struct json_object *pts_table_json(const struct pts_ctx *ctx,
				   const struct pts_table *t);
struct json_object *pts_json_head(const struct pts_model *m);
size_t pts_unknown_str(const struct pts_model *m, char *buf, size_t len);
int pts_json_print(const struct pts_ctx *ctx, struct json_object *o,
		   FILE *out);
struct json_object *pts_json_hex(__u64 v);
void pts_print_columns(FILE *out, const struct pts_col *cols, size_t n,
		       const char *defaults);

int pts_render_vmas(struct pts_ctx *ctx, const struct pts_model *m,
		    FILE *out);
int pts_render_pt(struct pts_ctx *ctx, const struct pts_model *m,
		  const struct pts_run *runs, size_t nr, bool merged,
		  FILE *out);

/**
 * struct pts_xlate - a translation, as vtop shows it
 * @addr:	address asked for
 * @entry:	entry covering @addr, NULL if none
 * @vma:	VMA holding @addr, NULL if none
 * @pa:		physical address, valid when @entry is present
 */
struct pts_xlate {
	__u64 addr;
	const struct pts_entry *entry;
	const struct pts_vma *vma;
	__u64 pa;
};

void pts_xlate_compute(const struct pts_model *m, __u64 addr,
		       struct pts_xlate *x);
int pts_render_vtop(struct pts_ctx *ctx, const struct pts_model *m,
		    const struct pts_xlate *x, bool explain, FILE *out);
int pts_render_stats(struct pts_ctx *ctx, const struct pts_model *m,
		     FILE *out);

extern const struct pts_col pts_vma_cols[];
extern const size_t pts_nr_vma_cols;
extern const char *const pts_vma_defaults;
extern const struct pts_col pts_pt_cols[];
extern const size_t pts_nr_pt_cols;
extern const char *const pts_pt_defaults;
extern const struct pts_col pts_vtop_cols[];
extern const size_t pts_nr_vtop_cols;
extern const char *const pts_vtop_defaults;
extern const struct pts_col pts_stats_cols[];
extern const size_t pts_nr_stats_cols;
extern const char *const pts_stats_defaults;

/* ------------------------------------------------------------------ */
/* sources                                                              */

/**
 * struct pts_query - what to collect
 * @pid:	target
 * @start:	first address
 * @end:	end, exclusive; 0 for the end of user space
 * @xlate:	a translation of @start: /proc widens the range to the 2M
 *		block, to see whether a huge leaf maps it
 * @levels:	also ask ptscope.ko for the walk of @addr (view=levels)
 * @addr:	the address translated, for @levels
 */
struct pts_query {
	__u32 pid;
	__u64 start;
	__u64 end;
	bool xlate;
	bool levels;
	__u64 addr;
};

int pts_gather(struct pts_ctx *ctx, const struct pts_query *q,
	       struct pts_model *m);
int pts_module_gather(struct pts_ctx *ctx, const struct pts_query *q,
		      struct pts_model *m);
int pts_proc_gather(struct pts_ctx *ctx, const struct pts_query *q,
		    struct pts_model *m);
int pts_module_replay(struct pts_ctx *ctx, const char *path,
		      const struct pts_query *q, struct pts_model *m);
int pts_module_available(void);
void pts_proc_arch(struct pts_arch *a);
bool pts_proc_is_kthread(__u32 pid);

/* ------------------------------------------------------------------ */
/* layout: the address space as a picture (region.c, elf.c, draw.c)     */

/* struct pts_region.type */
enum pts_region_type {
	PTS_RG_GAP,		/* unmapped user addresses */
	PTS_RG_GAP_HIGH,	/* unmapped, above the 47-bit mmap window */
	PTS_RG_TEXT,		/* executable's code */
	PTS_RG_RODATA,		/* executable's read-only data */
	PTS_RG_RELRO,		/* executable's data, read-only after relocation */
	PTS_RG_DATA,		/* executable's initialised data */
	PTS_RG_BSS,		/* executable's zero-initialised data */
	PTS_RG_HEAP,
	PTS_RG_LIB,		/* shared library (contiguous VMAs of one file) */
	PTS_RG_FILE,		/* other file mapping */
	PTS_RG_ANON,
	PTS_RG_SHMEM,
	PTS_RG_HUGETLB,
	PTS_RG_STACK,
	PTS_RG_VDSO,
	PTS_RG_VVAR,
	PTS_RG_SPECIAL,
	PTS_RG_GUARD,		/* last user page, never mapped on x86 */
	PTS_RG_HOLE,		/* non-canonical addresses */
	PTS_RG_KERNEL,
	PTS_RG_VSYSCALL,	/* the legacy vsyscall page, kernel half */
	PTS_NR_RG,
};

#define PTS_RG_PERMS	48
#define PTS_VSYSCALL	0xffffffffff600000ULL

/**
 * struct pts_region - one box of the picture
 * @start:	first address
 * @size:	bytes; @start + @size wraps to 0 for the top region
 * @type:	enum pts_region_type
 * @name:	path, "[heap]", ... (VMAs), or NULL; points into the model
 * @perms:	"r-xp", comma separated for a group of VMAs; "" if none
 * @nr_vmas:	VMAs in the region (0 for gaps, hole, kernel)
 * @rss:	bytes mapped by present leaves
 */
struct pts_region {
	__u64 start;
	__u64 size;
	int type;
	const char *name;
	char perms[PTS_RG_PERMS];
	__u32 nr_vmas;
	__u64 rss;
};

/* struct pts_segment.kind: what a PT_LOAD segment holds */
enum pts_seg_kind {
	PTS_SEG_TEXT,
	PTS_SEG_RODATA,
	PTS_SEG_DATA,
};

/**
 * struct pts_segment - one PT_LOAD segment of the main executable
 * @kind:	enum pts_seg_kind, from p_flags
 * @flags:	PF_R | PF_W | PF_X
 * @vaddr:	p_vaddr (before the load bias)
 * @offset:	p_offset
 * @filesz:	p_filesz: data from the file
 * @memsz:	p_memsz: the rest, up to @memsz, is BSS
 */
struct pts_segment {
	int kind;
	__u32 flags;
	__u64 vaddr;
	__u64 offset;
	__u64 filesz;
	__u64 memsz;
};

#define PTS_MAX_SEGS	16

/**
 * struct pts_exe - the main executable of a process
 * @path:	/proc/PID/exe target ("" if unknown)
 * @comm:	/proc/PID/comm
 * @ino:	inode of the executable, 0 if unknown
 * @dev_major:	its device
 * @dev_minor:	its device
 * @elf_ok:	the program headers below were read
 * @elf_err:	why not, when !@elf_ok
 * @pie:	ET_DYN (position independent), else ET_EXEC
 * @segs:	PT_LOAD segments, file order
 * @nr_segs:	their number
 * @relro:	PT_GNU_RELRO, if @relro_size
 * @relro_size:	its size
 */
struct pts_exe {
	char path[4096];
	char comm[32];
	__u64 ino;
	__u32 dev_major;
	__u32 dev_minor;
	bool elf_ok;
	char elf_err[128];
	bool pie;
	struct pts_segment segs[PTS_MAX_SEGS];
	size_t nr_segs;
	__u64 relro;
	__u64 relro_size;
};

/**
 * struct pts_layout - the address space, regions bottom up covering
 * [0, 2^64), built from a model and the executable
 * @m:		the model (VMAs, entries, source, notes)
 * @exe:	the executable
 * @levels:	4 or 5
 * @virt_bits:	47 or 56
 * @user_end:	end of user space (TASK_SIZE)
 * @hole_start:	first non-canonical address
 * @kernel_start: first address of the kernel half
 * @map_window:	1 << 47 (DEFAULT_MAP_WINDOW) with 5 levels, else 0
 * @bias:	load bias of the executable (0 when unknown or ET_EXEC)
 * @bias_known:	an exe VMA matched a segment
 * @vsyscall:	the process has a [vsyscall] mapping
 * @regions:	the boxes
 * @nr_regions:	their number
 */
struct pts_layout {
	const struct pts_model *m;
	const struct pts_exe *exe;
	unsigned int levels;
	unsigned int virt_bits;
	__u64 user_end;
	__u64 hole_start;
	__u64 kernel_start;
	__u64 map_window;
	__u64 bias;
	bool bias_known;
	bool vsyscall;
	struct pts_region *regions;
	size_t nr_regions;
	size_t cap_regions;
};

const char *pts_region_type_name(int type);
const char *pts_region_type_desc(int type);
int pts_layout_build(struct pts_layout *l, const struct pts_model *m,
		     const struct pts_exe *exe, bool vsyscall);
void pts_layout_free(struct pts_layout *l);
int pts_elf_read(const char *path, struct pts_exe *exe);

/**
 * struct pts_draw - options of the terminal picture
 * @utf8:	box-drawing characters, else ASCII
 * @bytes:	sizes in bytes
 * @noheadings:	no title line
 */
struct pts_draw {
	bool utf8;
	bool bytes;
	bool noheadings;
};

int pts_layout_text(const struct pts_layout *l, const struct pts_draw *d,
		    FILE *out);
int pts_layout_svg(const struct pts_layout *l, FILE *out);
struct json_object *pts_layout_json(const struct pts_layout *l);

/* ------------------------------------------------------------------ */
/* flush.c                                                              */

/**
 * struct pts_flush_req - a TLB flush request
 * @all:	every CPU ("all")
 * @pid:	the process, when !@all
 * @ranged:	only [@start, @end)
 * @start:	first address
 * @end:	end, exclusive
 */
struct pts_flush_req {
	bool all;
	__u32 pid;
	bool ranged;
	__u64 start;
	__u64 end;
};

int pts_flush_format(char *buf, size_t len, const struct pts_flush_req *r);
int pts_flush_check(const struct pts_flush_req *r, __u64 user_end);

/* ------------------------------------------------------------------ */
/* common.c: errors, commands, option parsing                           */

int pts_error(struct pts_ctx *ctx, int err, const char *fmt, ...)
	__printf(3, 4);
int pts_usage_error(struct pts_ctx *ctx, const char *fmt, ...)
	__printf(2, 3);
void pts_print_notes(struct pts_ctx *ctx, const struct pts_model *m);

/**
 * struct pts_cmd - one command of an object, as in bpftool
 */
struct pts_cmd {
	const char *name;
	int (*func)(struct pts_ctx *ctx, int argc, char **argv);
};

int pts_cmd_select(struct pts_ctx *ctx, const struct pts_cmd *cmds,
		   int argc, char **argv);
bool pts_is_prefix(const char *pfx, const char *str);

#define PTS_OPT_BASE	256	/* command options: values from here */

#define PTS_OPT_SOURCE	200
#define PTS_OPT_HELP	1	/* pts_global_opt(): -h seen */
#define PTS_OPT_VERSION	2	/* pts_global_opt(): -V seen */

#define PTS_GLOBAL_OPTSTRING	"Jprbno:hV"

int pts_global_opt(struct pts_ctx *ctx, int c, const char *arg,
		   char *const *argv);
int pts_parse_args(struct pts_ctx *ctx, int argc, char **argv,
		   const struct option *cmd_opts,
		   int (*cmd_opt)(struct pts_ctx *ctx, int c, const char *arg,
				  void *priv),
		   void *priv, int (*help)(struct pts_ctx *ctx, int argc,
					   char **argv));
int pts_parse_global(struct pts_ctx *ctx, int argc, char **argv,
		     int (*help)(struct pts_ctx *ctx, int argc, char **argv));
void pts_print_version(struct pts_ctx *ctx);
int pts_help(struct pts_ctx *ctx, int (*help)(struct pts_ctx *ctx, int argc,
					      char **argv),
	     int argc, char **argv);

/**
 * struct pts_pid_view - a command that shows one table of a whole process
 * @name:	the command, for "NAME: expected PID"
 * @help:	prints its help, for -h
 * @cols:	its columns, checked against -o before gathering
 * @nr_cols:	number of @cols
 * @defaults:	default columns
 * @render:	prints the gathered model to its stream
 */
struct pts_pid_view {
	const char *name;
	int (*help)(struct pts_ctx *ctx, int argc, char **argv);
	const struct pts_col *cols;
	size_t nr_cols;
	const char *defaults;
	int (*render)(struct pts_ctx *ctx, const struct pts_model *m,
		      FILE *out);
};

int pts_show_pid(struct pts_ctx *ctx, int argc, char **argv,
		 const struct pts_pid_view *v);

int do_vma(struct pts_ctx *ctx, int argc, char **argv);
int do_pt(struct pts_ctx *ctx, int argc, char **argv);
int do_vtop(struct pts_ctx *ctx, int argc, char **argv);
int do_stats(struct pts_ctx *ctx, int argc, char **argv);
int do_layout(struct pts_ctx *ctx, int argc, char **argv);
int do_flush(struct pts_ctx *ctx, int argc, char **argv);

/* ------------------------------------------------------------------ */
/* jstream.c: streaming JSON writer and pull reader                    */

#define PTS_JW_DEPTH	32

/**
 * struct pts_jw - a JSON writer that prints as it goes
 * @f:		the stream
 * @pretty:	one member or element per line
 * @flat:	inside an array written on one line
 * @after_key:	a key was printed, its value comes next
 * @depth:	open containers
 * @count:	members or elements so far, per open container
 * @flatd:	@flat of the enclosing level, per open container
 */
struct pts_jw {
	FILE *f;
	bool pretty;
	bool flat;
	bool after_key;
	int depth;
	unsigned long count[PTS_JW_DEPTH];
	bool flatd[PTS_JW_DEPTH];
};

void pts_jw_init(struct pts_jw *w, FILE *f, bool pretty);
void pts_jw_str_raw(FILE *f, const char *s);
void pts_jw_key(struct pts_jw *w, const char *key);
void pts_jw_obj(struct pts_jw *w, const char *key);
void pts_jw_arr(struct pts_jw *w, const char *key, bool flat);
void pts_jw_end(struct pts_jw *w, char c);
void pts_jw_str(struct pts_jw *w, const char *key, const char *s);
void pts_jw_u64(struct pts_jw *w, const char *key, __u64 v);
void pts_jw_i64(struct pts_jw *w, const char *key, long long v);
void pts_jw_hex(struct pts_jw *w, const char *key, __u64 v);
void pts_jw_double(struct pts_jw *w, const char *key, double v);
void pts_jw_null(struct pts_jw *w, const char *key);
void pts_jw_bool(struct pts_jw *w, const char *key, bool v);
void pts_jw_bits(struct pts_jw *w, const char *key, __u64 bits,
		 const struct pts_name *tbl, size_t n);

/* tokens of struct pts_jr */
enum pts_jtok {
	PTS_JT_EOF,
	PTS_JT_OBJ,		/* '{' */
	PTS_JT_END_OBJ,		/* '}' */
	PTS_JT_ARR,		/* '[' */
	PTS_JT_END_ARR,		/* ']' */
	PTS_JT_KEY,
	PTS_JT_STR,
	PTS_JT_NUM,
	PTS_JT_TRUE,
	PTS_JT_FALSE,
	PTS_JT_NULL,
};

#define PTS_JR_DEPTH	32
#define PTS_JR_MAX_STR	(1 << 20)
#define PTS_ETRUNC	ENODATA	/* the document ends early */

/**
 * struct pts_jr - a pull JSON reader over a stream
 * @f:		the stream
 * @buf:	bytes read ahead
 * @pos:	next byte in @buf
 * @len:	bytes in @buf
 * @off:	offset of @buf[0] in the document
 * @str:	the last string or key, NUL terminated
 * @len_str:	its length
 * @cap:	size of @str
 * @num:	the last number's magnitude, when @is_int
 * @neg:	it had a minus sign
 * @is_int:	it was an integer that fits 64 bits
 * @depth:	open containers
 * @state:	what is expected next, per level
 * @in_obj:	the container at each level is an object
 * @err:	the first error, sticky
 * @msg:	what it was, with the byte offset
 */
struct pts_jr {
	FILE *f;
	char buf[1 << 16];
	size_t pos;
	size_t len;
	__u64 off;
	char *str;
	size_t len_str;
	size_t cap;
	__u64 num;
	bool neg;
	bool is_int;
	int depth;
	int state[PTS_JR_DEPTH];
	bool in_obj[PTS_JR_DEPTH];
	int err;
	char msg[160];
};

int pts_jr_init(struct pts_jr *r, FILE *f);
void pts_jr_free(struct pts_jr *r);
int pts_jr_next(struct pts_jr *r);
int pts_jr_skip(struct pts_jr *r, int tok);
int pts_jr_ints(struct pts_jr *r, __u64 *v, __u64 *neg, size_t max);
__u64 pts_jr_where(const struct pts_jr *r);

/* ------------------------------------------------------------------ */
/* snapshot.c, diff.c, share.c                                          */

#define PTS_SNAP_FORMAT		"ptscope-snapshot"
#define PTS_SNAP_VERSION	1

/*
 * Returned by a handler that ran fine and found differences (diff):
 * main() turns it into exit status 1.  A handler that sets
 * pts_ctx.trouble2 has its failures exit with status 2, as diff(1).
 */
#define PTS_EDIFFER		4097

/**
 * struct pts_snapinfo - what a snapshot says about where it came from
 * @comm:	the process's command name
 * @kernel:	kernel release (uname -r)
 * @time:	when it was taken, UTC, ISO 8601
 * @time_ns:	the same, nanoseconds since the epoch
 * @path:	the file it was read from, "" for a live process
 */
struct pts_snapinfo {
	char comm[64];
	char kernel[128];
	char time[40];
	__u64 time_ns;
	char path[4096];
};

int pts_snap_take(struct pts_ctx *ctx, __u32 pid, struct pts_model *m,
		  struct pts_snapinfo *si);
int pts_snap_write(const struct pts_model *m, const struct pts_snapinfo *si,
		   FILE *f);
int pts_snap_read(FILE *f, struct pts_model *m, struct pts_snapinfo *si,
		  char *msg, size_t len);
int pts_snap_load(struct pts_ctx *ctx, const char *path, struct pts_model *m,
		  struct pts_snapinfo *si);
int pts_snap_arg(struct pts_ctx *ctx, const char *arg, struct pts_model *m,
		 struct pts_snapinfo *si);

/* mapping changes (struct pts_mchange.kind) */
enum pts_mchange_kind {
	PTS_MC_ADDED,
	PTS_MC_REMOVED,
	PTS_MC_MOVED,
	PTS_MC_RESIZED,
	PTS_MC_PERMS,
	PTS_NR_MC,
};

/* page changes (struct pts_pchange.kind) */
enum pts_pchange_kind {
	PTS_PC_PRESENT,		/* newly present */
	PTS_PC_GONE,		/* present or swapped, now nothing */
	PTS_PC_REMAPPED,	/* another frame (or swap slot) */
	PTS_PC_SWAPOUT,		/* now a swap entry */
	PTS_PC_SWAPIN,		/* was a swap entry, now present */
	PTS_PC_COLLAPSE,	/* small leaves became one huge leaf */
	PTS_PC_SPLIT,		/* a huge leaf became small leaves */
	PTS_PC_OTHER,		/* other non-present entries changed */
	PTS_NR_PC,
};

#define PTS_NONE	((size_t)-1)

/**
 * struct pts_mchange - one mapping change
 * @kind:	enum pts_mchange_kind
 * @a:		VMA index in A, PTS_NONE when added
 * @b:		VMA index in B, PTS_NONE when removed
 */
struct pts_mchange {
	int kind;
	size_t a;
	size_t b;
};

/**
 * struct pts_pchange - one page change
 * @kind:	enum pts_pchange_kind
 * @va:		first address
 * @size:	bytes covered
 * @a:		first entry of A covering it, PTS_NONE if none
 * @b:		first entry of B, PTS_NONE if none
 * @na:		entries of A in the range
 * @nb:		entries of B in the range
 */
struct pts_pchange {
	int kind;
	__u64 va;
	__u64 size;
	size_t a;
	size_t b;
	__u32 na;
	__u32 nb;
};

/**
 * struct pts_diff - the differences from A to B
 * @mc:		mapping changes, in address order of A then B
 * @nr_mc:	their number
 * @pc:		page changes, in address order
 * @nr_pc:	their number
 * @cap_pc:	allocated
 * @mcount:	mapping changes per kind
 * @pcount:	page changes per kind
 * @pbytes:	bytes of page changes per kind
 */
struct pts_diff {
	struct pts_mchange *mc;
	size_t nr_mc;
	struct pts_pchange *pc;
	size_t nr_pc;
	size_t cap_pc;
	__u64 mcount[PTS_NR_MC];
	__u64 pcount[PTS_NR_PC];
	__u64 pbytes[PTS_NR_PC];
};

const char *pts_mchange_name(int kind);
const char *pts_pchange_name(int kind);
int pts_diff_compute(const struct pts_model *a, const struct pts_model *b,
		     struct pts_diff *d);
void pts_diff_free(struct pts_diff *d);
int pts_diff_render(struct pts_ctx *ctx, const struct pts_model *a,
		    const struct pts_snapinfo *ia, const struct pts_model *b,
		    const struct pts_snapinfo *ib, const struct pts_diff *d,
		    FILE *out);

/* classes of shared frames (struct pts_sframe.cls) */
enum pts_share_class {
	PTS_SH_COW,		/* anonymous, shared after fork */
	PTS_SH_FILE,		/* file page cache */
	PTS_SH_SHMEM,		/* shmem / tmpfs / shared anonymous */
	PTS_SH_KSM,
	PTS_SH_ZERO,		/* the zero page (or huge zero page) */
	PTS_SH_OTHER,
	PTS_NR_SH,
};

/**
 * struct pts_smap - one 4K page of one process mapping a frame
 * @pfn:	the frame
 * @va:		the address of the page
 * @proc:	index of the process
 * @vma:	index of the VMA in that process's model
 * @entry:	index of the entry in that model
 */
struct pts_smap {
	__u64 pfn;
	__u64 va;
	__u32 proc;
	__u32 vma;
	size_t entry;
};

/**
 * struct pts_sframe - a frame mapped by two or more of the processes
 * @pfn:	the frame
 * @cls:	enum pts_share_class
 * @first:	its first mapping in struct pts_share.maps
 * @nmaps:	mappings of it by the processes (k)
 * @nprocs:	distinct processes mapping it (p)
 * @mapcount:	the kernel's mapcount (module or /proc/kpagecount), 0 if
 *		unknown
 */
struct pts_sframe {
	__u64 pfn;
	int cls;
	size_t first;
	__u32 nmaps;
	__u32 nprocs;
	__u32 mapcount;
};

/**
 * struct pts_sproc - totals of one process
 * @rss:	bytes of present 4K pages mapped, the zero page excluded
 * @shared:	bytes of them on frames shared with another process, by class
 *		(the zero page included under PTS_SH_ZERO)
 * @pss:	sum of 4096 / mapcount (kernel's) over its pages
 * @gshare:	sum of 4096 / k over its pages, k the mappings of the frame
 *		by the given processes
 */
struct pts_sproc {
	__u64 rss;
	__u64 shared[PTS_NR_SH];
	double pss;
	double gshare;
};

/**
 * struct pts_svma - totals of one mapping of one process
 * @proc:	index of the process
 * @vma:	index of the VMA
 * @shared:	bytes on shared frames, by class
 * @gshare:	as struct pts_sproc.gshare
 * @pss:	as struct pts_sproc.pss
 */
struct pts_svma {
	__u32 proc;
	__u32 vma;
	__u64 shared[PTS_NR_SH];
	double gshare;
	double pss;
};

/**
 * struct pts_share - the result of share
 * @nr_procs:	processes
 * @models:	their models
 * @maps:	every present 4K page of every process, sorted by frame
 * @nr_maps:	their number
 * @frames:	frames mapped by two or more processes, ascending
 * @nr_frames:	their number
 * @total:	distinct shared frames per class
 * @procs:	per process
 * @vmas:	per mapping with shared pages, process then address order
 * @nr_vmas:	their number
 */
struct pts_share {
	size_t nr_procs;
	const struct pts_model *models;
	struct pts_smap *maps;
	size_t nr_maps;
	struct pts_sframe *frames;
	size_t nr_frames;
	__u64 total[PTS_NR_SH];
	struct pts_sproc *procs;
	struct pts_svma *vmas;
	size_t nr_vmas;
};

const char *pts_share_class_name(int cls);
int pts_share_compute(const struct pts_model *models, size_t n,
		      struct pts_share *s);
void pts_share_free(struct pts_share *s);

int do_snapshot(struct pts_ctx *ctx, int argc, char **argv);
int do_diff(struct pts_ctx *ctx, int argc, char **argv);
int do_share(struct pts_ctx *ctx, int argc, char **argv);
/* aslr: entropy of bases across runs (entropy.c, aslr.c)               */

/*
 * A varying bit is "weak", and not counted, when fewer than
 * 1/PTS_ENT_WEAK_DEN of the runs have it 1, or fewer have it 0.
 */
#define PTS_ENT_WEAK_DEN	4

/**
 * struct pts_entropy - what a set of bases tells about their randomness
 * @n:		samples
 * @min:	lowest base
 * @max:	highest base
 * @or_all:	OR of the bases
 * @and_all:	AND of the bases
 * @varying:	bits seen both 0 and 1 (@or_all ^ @and_all), as paxtest
 * @counted:	the varying bits counted as entropy: not weak, both in the
 *		bases and in their offsets from @min (see entropy.c)
 * @nr_varying:	popcount(@varying)
 * @bits:	popcount(@counted): the observed entropy
 * @align_shift: lowest varying bit; when none varies, the trailing zeros
 *		common to all bases (64 when all are 0)
 * @spread_bits: log2((@max - @min) / 2^@align_shift + 1)
 */
struct pts_entropy {
	size_t n;
	__u64 min;
	__u64 max;
	__u64 or_all;
	__u64 and_all;
	__u64 varying;
	__u64 counted;
	unsigned int nr_varying;
	unsigned int bits;
	unsigned int align_shift;
	double spread_bits;
};

int pts_entropy(const __u64 *v, size_t n, struct pts_entropy *e);

int do_aslr(struct pts_ctx *ctx, int argc, char **argv);
int do_elf(struct pts_ctx *ctx, int argc, char **argv);

/* elf: violations found (exit status 1); the handler reported them */
#define PTS_EFOUND		4097

/* ------------------------------------------------------------------ */
/* elf: an ELF object's segments, sections and symbols (elfmap.c)       */

/**
 * struct pts_elf_seg - one program header
 */
struct pts_elf_seg {
	__u32 type;
	__u32 flags;
	__u64 offset;
	__u64 vaddr;
	__u64 filesz;
	__u64 memsz;
	__u64 align;
};

/**
 * struct pts_elf_sec - one SHF_ALLOC section
 */
struct pts_elf_sec {
	char *name;
	__u64 addr;
	__u64 size;
	__u64 flags;
	__u32 type;
};

/**
 * struct pts_elf_sym - one function or object symbol
 */
struct pts_elf_sym {
	char *name;
	__u64 value;
	__u64 size;
};

/**
 * struct pts_elfobj - what ptscope elf needs of an ELF file
 * @type:	e_type (ET_EXEC, ET_DYN, ...)
 * @elfclass:	ELFCLASS32 or ELFCLASS64
 * @segs:	program headers, file order
 * @secs:	allocated sections
 * @syms:	FUNC and OBJECT symbols, from .symtab or else .dynsym
 * @symtab:	@syms come from .symtab (not stripped)
 * @relro:	index of PT_GNU_RELRO in @segs, -1 if none
 * @gnu_stack:	index of PT_GNU_STACK, -1 if none
 * @dynamic:	has PT_DYNAMIC
 * @bind_now:	DF_BIND_NOW, DF_1_NOW or DT_BIND_NOW
 * @textrel:	DT_TEXTREL or DF_TEXTREL: relocations in read-only segments
 * @err:	why pts_elfobj_load() failed
 */
struct pts_elfobj {
	int type;
	int elfclass;
	struct pts_elf_seg *segs;
	size_t nr_segs;
	struct pts_elf_sec *secs;
	size_t nr_secs;
	struct pts_elf_sym *syms;
	size_t nr_syms;
	bool symtab;
	int relro;
	int gnu_stack;
	bool dynamic;
	bool bind_now;
	bool textrel;
	char err[128];
};

int pts_elfobj_load_fd(int fd, struct pts_elfobj *o);
int pts_elfobj_load(const char *path, struct pts_elfobj *o);
void pts_elfobj_free(struct pts_elfobj *o);
const char *pts_elf_ptype_name(__u32 type);
int pts_elfobj_bias(const struct pts_elfobj *o, __u64 start, __u64 off,
		    __u64 *bias);
size_t pts_elfobj_segs_at(const struct pts_elfobj *o, __u64 lo, __u64 hi,
			  char *buf, size_t len);
size_t pts_elfobj_secs_at(const struct pts_elfobj *o, __u64 lo, __u64 hi,
			  char *buf, size_t len);
size_t pts_elfobj_syms_at(const struct pts_elfobj *o, __u64 lo, __u64 hi,
			  size_t max, char *buf, size_t len);

#endif /* PTS_H */
