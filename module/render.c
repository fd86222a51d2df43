// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope: text renderers for the vmas, pt, ptes, xlate and stats views.
 *
 * Each view is a small state machine fed one record at a time, in stream
 * order; it prints when it has a complete line (pt merges runs of equal
 * attributes like mm/ptdump.c's note_page() and prints on a change).
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/stdarg.h>
#include <linux/string.h>

#include "render.h"

static const char * const ptscope_level_names[PTSCOPE_NR_LEVELS] = {
	"pgd", "p4d", "pud", "pmd", "pte",
};

/* PTSCOPE_F_* by bit number */
static const char * const ptscope_flag_names[] = {
	"P", "RW", "USR", "PWT", "PCD", "A", "D", "PSE", "PAT", "GLB", "NX",
	"SD", "UW", "SPL", "DEVMAP", "PROTNONE",
};

/* PTSCOPE_S_* by bit number */
static const char * const ptscope_state_names[PTSCOPE_NR_STATE_BITS] = {
	"anon", "file", "shmem", "ksm", "zero", "huge_zero", "thp", "large",
	"hugetlb", "excl", "cow", "swap", "migr_r", "migr_w", "dev_private",
	"dev_excl", "marker", "no_page", "special", "dirty", "nonpresent",
};

/* enum ptscope_vma_kind */
static const char * const ptscope_kind_names[] = {
	"anon", "file", "heap", "stack", "vdso", "vvar", "shmem", "hugetlb",
	"special",
};

struct ptscope_vm_flag {
	unsigned long flag;
	const char *name;
};

/* The /proc/PID/smaps VmFlags mnemonics */
static const struct ptscope_vm_flag ptscope_vm_flags[] = {
	{ VM_READ, "rd" }, { VM_WRITE, "wr" }, { VM_EXEC, "ex" },
	{ VM_SHARED, "sh" }, { VM_MAYREAD, "mr" }, { VM_MAYWRITE, "mw" },
	{ VM_MAYEXEC, "me" }, { VM_MAYSHARE, "ms" }, { VM_GROWSDOWN, "gd" },
	{ VM_PFNMAP, "pf" }, { VM_LOCKED, "lo" }, { VM_IO, "io" },
	{ VM_SEQ_READ, "sr" }, { VM_RAND_READ, "rr" }, { VM_DONTCOPY, "dc" },
	{ VM_DONTEXPAND, "de" }, { VM_ACCOUNT, "ac" }, { VM_NORESERVE, "nr" },
	{ VM_HUGETLB, "ht" }, { VM_SYNC, "sf" }, { VM_ARCH_1, "ar" },
	{ VM_WIPEONFORK, "wf" }, { VM_DONTDUMP, "dd" },
	{ VM_SOFTDIRTY, "sd" }, { VM_MIXEDMAP, "mm" }, { VM_HUGEPAGE, "hg" },
	{ VM_NOHUGEPAGE, "nh" }, { VM_MERGEABLE, "mg" },
	{ VM_UFFD_MISSING, "um" }, { VM_UFFD_WP, "uw" },
	{ VM_UFFD_MINOR, "ui" },
};

#define PTSCOPE_PT_FLAGS	(PTSCOPE_F_PRESENT | PTSCOPE_F_RW |	\
				 PTSCOPE_F_USER | PTSCOPE_F_PWT |	\
				 PTSCOPE_F_PCD | PTSCOPE_F_PSE |	\
				 PTSCOPE_F_PAT | PTSCOPE_F_GLOBAL |	\
				 PTSCOPE_F_NX | PTSCOPE_F_PROTNONE)
#define PTSCOPE_PT_KIND		(PTSCOPE_S_NONPRESENT | PTSCOPE_S_SWAP |	\
				 PTSCOPE_S_MIGRATION_R |		\
				 PTSCOPE_S_MIGRATION_W |		\
				 PTSCOPE_S_DEV_PRIVATE | PTSCOPE_S_DEV_EXCL | \
				 PTSCOPE_S_PTE_MARKER | PTSCOPE_S_ANON |	\
				 PTSCOPE_S_FILE | PTSCOPE_S_SHMEM |	\
				 PTSCOPE_S_KSM | PTSCOPE_S_ZERO |	\
				 PTSCOPE_S_HUGE_ZERO | PTSCOPE_S_THP |	\
				 PTSCOPE_S_LARGE_FOLIO |		\
				 PTSCOPE_S_HUGETLB | PTSCOPE_S_ANON_EXCL | \
				 PTSCOPE_S_COW | PTSCOPE_S_NO_PAGE |	\
				 PTSCOPE_S_UNKNOWN_SPECIAL)

static __printf(2, 3) void tb_printf(struct ptscope_tbuf *tb,
				     const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	tb->len += vscnprintf(tb->buf + tb->len, tb->cap - tb->len, fmt, args);
	va_end(args);
}

/*
 * Plain appends for the lines printed once per page (ptes) and their
 * pieces: a vscnprintf() per field cost most of the ptes view's time.
 * The caller guarantees PTSCOPE_RENDER_MAX bytes of room per record; these
 * still stop at the buffer's end.
 */
static void tb_char(struct ptscope_tbuf *tb, char c)
{
	if (tb->len + 1 < tb->cap)
		tb->buf[tb->len++] = c;
}

/* @n bytes of @src; locals, as a char store may alias *tb */
static void tb_mem(struct ptscope_tbuf *tb, const char *src, unsigned int n)
{
	char *p = tb->buf + tb->len, *end = tb->buf + tb->cap - 1;

	while (n-- && p < end)
		*p++ = *src++;
	tb->len = p - tb->buf;
}

static void tb_str(struct ptscope_tbuf *tb, const char *str)
{
	char *p = tb->buf + tb->len, *end = tb->buf + tb->cap - 1;

	while (*str && p < end)
		*p++ = *str++;
	tb->len = p - tb->buf;
}

/* As "%0*llx" with @width (at most 16) digits at least */
static void tb_hex(struct ptscope_tbuf *tb, u64 val, unsigned int width)
{
	char digits[16];
	unsigned int n = 16;

	do {
		digits[--n] = "0123456789abcdef"[val & 15];
		val >>= 4;
	} while (val);
	while (16 - n < width)
		digits[--n] = '0';
	tb_mem(tb, digits + n, 16 - n);
}

/* As "%u" */
static void tb_dec(struct ptscope_tbuf *tb, u32 val)
{
	char digits[10];
	unsigned int n = 10;

	do {
		digits[--n] = '0' + val % 10;
		val /= 10;
	} while (val);
	tb_mem(tb, digits + n, 10 - n);
}

static void tb_names(struct ptscope_tbuf *tb, u64 bits,
		     const char * const *names, unsigned int nr, char sep)
{
	bool first = true;
	unsigned int i;

	for (i = 0; i < nr; i++) {
		if (!(bits & BIT_ULL(i)))
			continue;
		if (!first)
			tb_char(tb, sep);
		tb_str(tb, names[i]);
		first = false;
	}
	if (first)
		tb_char(tb, '-');
}

/* Sizes here are page multiples: print them in the largest exact unit */
static void tb_size(struct ptscope_tbuf *tb, const char *fmt, u64 bytes)
{
	static const char units[] = "KMGTPE";
	char num[24];
	int u = 0;

	bytes >>= 10;
	while (bytes && !(bytes & 1023) && u < 5) {
		bytes >>= 10;
		u++;
	}
	snprintf(num, sizeof(num), "%llu%c", bytes, units[u]);
	tb_printf(tb, fmt, num);
}

/*
 * Short page-state tags of the ptes and pt views, in this order.  lfN and
 * swap:T:OFF / mig-r:PFN carry the folio order and the entry's payload.
 */
static const struct ptscope_bit_name {
	u64 bit;
	const char *name;
} ptscope_tags[] = {
	{ PTSCOPE_S_ANON,		"anon" },
	{ PTSCOPE_S_FILE,		"file" },
	{ PTSCOPE_S_SHMEM,		"shmem" },
	{ PTSCOPE_S_KSM,		"ksm" },
	{ PTSCOPE_S_ZERO,		"zero" },
	{ PTSCOPE_S_HUGE_ZERO,		"hzero" },
	{ PTSCOPE_S_THP,		"thp" },
	{ PTSCOPE_S_LARGE_FOLIO,	"lf" },
	{ PTSCOPE_S_HUGETLB,		"hugetlb" },
	{ PTSCOPE_S_ANON_EXCL,		"excl" },
	{ PTSCOPE_S_COW,		"cow" },
	{ PTSCOPE_S_PAGE_DIRTY,		"pgdirty" },
	{ PTSCOPE_S_NO_PAGE,		"nopage" },
	{ PTSCOPE_S_UNKNOWN_SPECIAL,	"special" },
	{ PTSCOPE_S_SWAP,		"swap" },
	{ PTSCOPE_S_MIGRATION_R,	"mig-r" },
	{ PTSCOPE_S_MIGRATION_W,	"mig-w" },
	{ PTSCOPE_S_DEV_PRIVATE,	"devpriv" },
	{ PTSCOPE_S_DEV_EXCL,		"devexcl" },
	{ PTSCOPE_S_PTE_MARKER,		"marker" },
};

#define PTSCOPE_S_HAS_SWP	(PTSCOPE_S_SWAP | PTSCOPE_S_MIGRATION_R | \
				 PTSCOPE_S_MIGRATION_W | \
				 PTSCOPE_S_DEV_PRIVATE | PTSCOPE_S_DEV_EXCL)

/*
 * @e gives the payload (folio order, swap type and offset); without it
 * (merged pt runs) only the names are printed.
 */
static void tb_tags(struct ptscope_tbuf *tb, u64 state, u64 flags,
		    const struct ptscope_rec_entry *e)
{
	bool first = true;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ptscope_tags); i++) {
		u64 bit = ptscope_tags[i].bit;

		if (!(state & bit))
			continue;
		if (!first)
			tb_char(tb, ' ');
		tb_str(tb, ptscope_tags[i].name);
		first = false;
		if (!e)
			continue;
		if (bit == PTSCOPE_S_LARGE_FOLIO) {
			tb_dec(tb, e->folio_order);
		} else if (bit & PTSCOPE_S_HAS_SWP) {
			tb_char(tb, ':');
			tb_dec(tb, e->swap_type);
			tb_str(tb, ":0x");
			tb_hex(tb, e->swap_offset, 1);
		}
	}
	if (flags & PTSCOPE_F_PROTNONE) {
		tb_str(tb, first ? "protnone" : " protnone");
		first = false;
	}
	if ((state & PTSCOPE_S_NONPRESENT) && !(state & (PTSCOPE_S_HAS_SWP |
							 PTSCOPE_S_PTE_MARKER)))
		tb_str(tb, first ? "nonpresent" : " nonpresent");
	else if (first)
		tb_char(tb, '-');
}

/*
 * Pages of a present leaf by smaps class.  As smaps, the zero pages, pages
 * without a struct page and hugetlb pages (its Shared_/Private_Hugetlb)
 * are left out; dirty is the entry's or the folio's dirty bit.
 */
static void ptscope_share_account(u64 share[PTSCOPE_NR_SHARE],
				  const struct ptscope_rec_entry *e)
{
	u64 skip = PTSCOPE_S_NONPRESENT | PTSCOPE_S_ZERO |
		   PTSCOPE_S_HUGE_ZERO | PTSCOPE_S_NO_PAGE |
		   PTSCOPE_S_UNKNOWN_SPECIAL | PTSCOPE_S_HUGETLB;
	bool dirty;

	if (e->type != PTSCOPE_REC_ENTRY || (e->state & skip) || !e->refcount)
		return;
	dirty = (e->flags & PTSCOPE_F_DIRTY) ||
		(e->state & PTSCOPE_S_PAGE_DIRTY);
	if (e->mapcount > 1)
		share[dirty ? PTSCOPE_SHARED_DIRTY : PTSCOPE_SHARED_CLEAN] +=
			e->size >> PAGE_SHIFT;
	else
		share[dirty ? PTSCOPE_PRIVATE_DIRTY : PTSCOPE_PRIVATE_CLEAN] +=
			e->size >> PAGE_SHIFT;
}

/*
 * A level's name in the text views.  The records keep mm/pagewalk.c's
 * levels, where 4-level paging folds the PGD and reports the top table at
 * the P4D level; x86, the kernel's ptdump and the ptscope tool call that
 * table the PGD, and so do the text views.
 */
static const char *ptscope_level_name(const struct ptscope_render *r,
				      u32 level)
{
	if (level == PTSCOPE_LVL_P4D && r->hdr.pgtable_levels == 4)
		return "pgd";
	return level < PTSCOPE_NR_LEVELS ? ptscope_level_names[level] : "?";
}

static int ptscope_leaf_index(u32 level)
{
	if (level < PTSCOPE_LVL_PUD || level > PTSCOPE_LVL_PTE)
		return -1;
	return level - PTSCOPE_LVL_PUD;
}

/* The errors a stream can end with (%pe needs CONFIG_SYMBOLIC_ERRNAME) */
static const char *ptscope_errname(u32 err)
{
	switch (err) {
	case ESRCH:
		return "ESRCH: the target exited";
	case EINTR:
		return "EINTR";
	case EINVAL:
		return "EINVAL";
	case EOVERFLOW:
		return "EOVERFLOW";
	}
	return "error";
}

static void ptscope_render_error(const struct ptscope_rec_end *end,
				 struct ptscope_tbuf *out)
{
	if (end->error)
		tb_printf(out, "# incomplete: the walk stopped with %s (errno %u)\n",
			  ptscope_errname(end->error), end->error);
}

/* vmas */

/*
 * THP advice of a VMA.  The system setting (transparent_hugepage_flags)
 * is not exported to modules, so only the VMA's own flags are shown:
 * "hugepage" (MADV_HUGEPAGE), "nohugepage" (MADV_NOHUGEPAGE or
 * prctl(PR_SET_THP_DISABLE)), "hugetlb", else "default" (whatever
 * /sys/kernel/mm/transparent_hugepage/enabled says).
 */
static const char *ptscope_thp_advice(u64 vm_flags)
{
	if (vm_flags & VM_HUGETLB)
		return "hugetlb";
	if (vm_flags & VM_NOHUGEPAGE)
		return "nohugepage";
	if (vm_flags & VM_HUGEPAGE)
		return "hugepage";
	return "default";
}

static void ptscope_vmas_flush(struct ptscope_render *r,
			       struct ptscope_tbuf *out)
{
	const struct ptscope_rec_vma *v = &r->vma;
	const char *name = (const char *)v->name;
	bool first = true;
	unsigned int i;
	u64 f = v->vm_flags;

	if (!r->have_vma)
		return;
	r->have_vma = false;

	tb_printf(out, "%016llx-%016llx %c%c%c%c %08llx %02x:%02x %-8llu %-7s ",
		  v->start, v->end, f & VM_READ ? 'r' : '-',
		  f & VM_WRITE ? 'w' : '-', f & VM_EXEC ? 'x' : '-',
		  f & VM_MAYSHARE ? 's' : 'p',
		  v->ino ? v->pgoff << PAGE_SHIFT : 0,
		  v->dev_major, v->dev_minor, v->ino,
		  v->kind < ARRAY_SIZE(ptscope_kind_names) ?
		  ptscope_kind_names[v->kind] : "?");
	tb_printf(out, "%6llu %5llu %5llu %-10s %6llu %6llu ",
		  r->pages[2], r->pages[1], r->pages[0],
		  ptscope_thp_advice(f), r->thp_pages, r->lf_pages);
	tb_printf(out, "%6llu %6llu %6llu %6llu ",
		  r->share[PTSCOPE_SHARED_CLEAN], r->share[PTSCOPE_SHARED_DIRTY],
		  r->share[PTSCOPE_PRIVATE_CLEAN],
		  r->share[PTSCOPE_PRIVATE_DIRTY]);
	for (i = 0; i < ARRAY_SIZE(ptscope_vm_flags); i++) {
		if (!ptscope_vm_flags[i].flag || !(f & ptscope_vm_flags[i].flag))
			continue;
		tb_printf(out, "%s%s", first ? "" : ",",
			  ptscope_vm_flags[i].name);
		first = false;
	}
	tb_printf(out, "%s %.*s\n", first ? "-" : "",
		  (int)strnlen(name, sizeof(v->name)), name);
}

static void ptscope_render_vmas(struct ptscope_render *r,
				const union ptscope_rec *rec,
				struct ptscope_tbuf *out)
{
	int i;

	switch (rec->type) {
	case PTSCOPE_REC_HEADER:
		tb_printf(out, "# START-END PERMS OFFSET DEV INODE KIND 4K 2M 1G ");
		tb_printf(out, "THP-ADVICE THP LF ");
		tb_printf(out, "SHCLEAN SHDIRTY PVCLEAN PVDIRTY VMFLAGS NAME\n");
		tb_printf(out, "# 4K 2M 1G: present leaves per level\n");
		tb_printf(out, "# THP, LF: 4K pages in PMD-mapped THPs, ");
		tb_printf(out, "PTE-mapped large folios\n");
		tb_printf(out, "# SH*, PV*: 4K pages as smaps Shared_/Private_ ");
		tb_printf(out, "(shared: mapcount > 1)\n");
		break;
	case PTSCOPE_REC_VMA:
		ptscope_vmas_flush(r, out);
		r->vma = rec->vma;
		r->have_vma = true;
		memset(r->pages, 0, sizeof(r->pages));
		memset(r->share, 0, sizeof(r->share));
		r->thp_pages = 0;
		r->lf_pages = 0;
		break;
	case PTSCOPE_REC_ENTRY:
		i = ptscope_leaf_index(rec->ent.level);
		if (i < 0 || (rec->ent.state & PTSCOPE_S_NONPRESENT))
			break;
		r->pages[i]++;
		if (rec->ent.state & PTSCOPE_S_THP)
			r->thp_pages += rec->ent.size >> PAGE_SHIFT;
		if (rec->ent.state & PTSCOPE_S_LARGE_FOLIO)
			r->lf_pages++;
		ptscope_share_account(r->share, &rec->ent);
		break;
	case PTSCOPE_REC_END:
		ptscope_vmas_flush(r, out);
		ptscope_render_error(&rec->end, out);
		break;
	}
}

/* pt */

static void ptscope_pt_attrs(u64 flags, u64 kind, struct ptscope_tbuf *out)
{
	if (kind & PTSCOPE_S_NONPRESENT) {
		tb_tags(out, kind, 0, NULL);
		return;
	}

	tb_printf(out, "%-3s %-2s %-3s %-3s %-3s %-3s %-3s %-2s",
		  flags & PTSCOPE_F_USER ? "USR" : "",
		  flags & PTSCOPE_F_RW ? "RW" : "ro",
		  flags & PTSCOPE_F_PWT ? "PWT" : "",
		  flags & PTSCOPE_F_PCD ? "PCD" : "",
		  flags & PTSCOPE_F_PSE ? "PSE" : "",
		  flags & PTSCOPE_F_GLOBAL ? "GLB" : "",
		  flags & PTSCOPE_F_PAT ? "PAT" : "",
		  flags & PTSCOPE_F_NX ? "NX" : "x");
	if (!(flags & PTSCOPE_F_PROTNONE) &&
	    (flags & PTSCOPE_F_RW) && !(flags & PTSCOPE_F_NX))
		tb_printf(out, " W+X");
	tb_printf(out, "  ");
	tb_tags(out, kind, flags, NULL);
}

static void ptscope_pt_flush(struct ptscope_render *r,
			     struct ptscope_tbuf *out)
{
	if (!r->have_run)
		return;
	r->have_run = false;

	tb_printf(out, "0x%016llx-0x%016llx ", r->run_start, r->run_end);
	tb_size(out, "%6s ", r->run_end - r->run_start);
	tb_printf(out, "%8llux", r->run_count);
	tb_size(out, "%-4s ", r->run_size);
	tb_printf(out, "%s  ", ptscope_level_name(r, r->run_level));
	ptscope_pt_attrs(r->run_flags, r->run_kind, out);
	tb_printf(out, "\n");
}

static void ptscope_pt_entry(struct ptscope_render *r,
			     const struct ptscope_rec_entry *e,
			     struct ptscope_tbuf *out)
{
	u64 flags = e->flags & PTSCOPE_PT_FLAGS;
	u64 kind = e->state & PTSCOPE_PT_KIND;

	if (r->have_run && r->run_end == e->va && r->run_level == e->level &&
	    r->run_size == e->size && r->run_flags == flags &&
	    r->run_kind == kind && r->run_vma == e->vma_index) {
		r->run_end += e->size;
		r->run_count++;
		return;
	}
	ptscope_pt_flush(r, out);
	r->have_run = true;
	r->run_start = e->va;
	r->run_end = e->va + e->size;
	r->run_count = 1;
	r->run_size = e->size;
	r->run_flags = flags;
	r->run_kind = kind;
	r->run_level = e->level;
	r->run_vma = e->vma_index;
}

static void ptscope_render_pt(struct ptscope_render *r,
			      const union ptscope_rec *rec,
			      struct ptscope_tbuf *out)
{
	switch (rec->type) {
	case PTSCOPE_REC_HEADER:
		tb_printf(out, "# START-END SIZE COUNTxPAGE LEVEL ATTRIBUTES  STATE\n");
		break;
	case PTSCOPE_REC_VMA:
		ptscope_pt_flush(r, out);
		break;
	case PTSCOPE_REC_ENTRY:
		ptscope_pt_entry(r, &rec->ent, out);
		break;
	case PTSCOPE_REC_END:
		ptscope_pt_flush(r, out);
		ptscope_render_error(&rec->end, out);
		break;
	}
}

/* ptes */

static void ptscope_render_ptes(struct ptscope_render *r,
				const union ptscope_rec *rec,
				struct ptscope_tbuf *out)
{
	const struct ptscope_rec_entry *e = &rec->ent;

	switch (rec->type) {
	case PTSCOPE_REC_HEADER:
		tb_printf(out, "# VA LEVEL RAW PFN FLAGS | STATE ");
		tb_printf(out, "[map=MAPCOUNT ref=REFCOUNT order=ORDER]\n");
		break;
	case PTSCOPE_REC_ENTRY:
		/* "0x%016llx %s 0x%016llx 0x%09llx FLAGS | TAGS..." */
		tb_str(out, "0x");
		tb_hex(out, e->va, 16);
		tb_char(out, ' ');
		tb_str(out, ptscope_level_name(r, e->level));
		tb_str(out, " 0x");
		tb_hex(out, e->raw, 16);
		tb_str(out, " 0x");
		tb_hex(out, e->pfn, 9);
		tb_char(out, ' ');
		tb_names(out, e->flags, ptscope_flag_names,
			 ARRAY_SIZE(ptscope_flag_names), ' ');
		tb_str(out, " | ");
		tb_tags(out, e->state, e->flags, e);
		if (e->refcount) {
			tb_str(out, " map=");
			tb_dec(out, e->mapcount);
			tb_str(out, " ref=");
			tb_dec(out, e->refcount);
			tb_str(out, " order=");
			tb_dec(out, e->folio_order);
		}
		if (e->pkey) {
			tb_str(out, " pkey=");
			tb_dec(out, e->pkey);
		}
		tb_char(out, '\n');
		break;
	case PTSCOPE_REC_END:
		ptscope_render_error(&rec->end, out);
		break;
	}
}

/* xlate */

static void ptscope_xlate_result(struct ptscope_render *r,
				 struct ptscope_tbuf *out)
{
	const struct ptscope_rec_level *l = &r->last;
	const char *name = ptscope_level_name(r, l->level);

	if (!r->nr_levels)
		return;
	if (l->leaf) {
		tb_printf(out, "pa    0x%llx (", l->pa);
		tb_size(out, "%s page at ", BIT_ULL(l->shift));
		tb_printf(out, "%s, pfn 0x%llx)\n", name, l->pa >> PAGE_SHIFT);
		if (l->flags & PTSCOPE_F_PROTNONE)
			tb_printf(out, "eff   none (PROT_NONE or NUMA hinting)\n");
		else
			tb_printf(out, "eff   %s %s %s\n",
				  r->eff & PTSCOPE_F_USER ? "USR" : "kernel",
				  r->eff & PTSCOPE_F_RW ? "RW" : "ro",
				  r->eff & PTSCOPE_F_NX ? "NX" : "x");
	} else if (!l->raw) {
		tb_printf(out, "stop  %s entry is none: not mapped\n", name);
	} else if (!l->present) {
		tb_printf(out, "stop  %s entry is not present (swap format)\n",
			  name);
	} else {
		tb_printf(out, "stop  %s entry is not a valid table\n", name);
	}
}

static void ptscope_render_xlate(struct ptscope_render *r,
				 const union ptscope_rec *rec,
				 struct ptscope_tbuf *out)
{
	const struct ptscope_rec_level *l = &rec->lvl;
	const struct ptscope_rec_vma *v = &rec->vma;

	switch (rec->type) {
	case PTSCOPE_REC_HEADER:
		tb_printf(out, "# pid %u, %u-level paging%s\n", rec->hdr.pid,
			  rec->hdr.pgtable_levels,
			  rec->hdr.features & PTSCOPE_FEAT_PTI ?
			  ", PTI: top level read from the user copy" : "");
		r->eff = PTSCOPE_F_USER | PTSCOPE_F_RW;
		break;
	case PTSCOPE_REC_VMA:
		r->have_vma = true;
		tb_printf(out, "vma   %016llx-%016llx %c%c%c %s %.*s\n",
			  v->start, v->end, v->vm_flags & VM_READ ? 'r' : '-',
			  v->vm_flags & VM_WRITE ? 'w' : '-',
			  v->vm_flags & VM_EXEC ? 'x' : '-',
			  v->kind < ARRAY_SIZE(ptscope_kind_names) ?
			  ptscope_kind_names[v->kind] : "?",
			  (int)strnlen((const char *)v->name, sizeof(v->name)),
			  (const char *)v->name);
		break;
	case PTSCOPE_REC_LEVEL:
		if (!r->nr_levels) {
			if (!r->have_vma)
				tb_printf(out, "vma   none: not inside any VMA\n");
			tb_printf(out, "va    0x%016llx\n", l->va);
			tb_printf(out, "# LEVEL INDEX TABLE-PA ENTRY-PA RAW FLAGS\n");
		}
		tb_printf(out, "%-5s %5u 0x%012llx 0x%012llx 0x%016llx ",
			  ptscope_level_name(r, l->level), l->index, l->table_pa,
			  l->entry_pa, l->raw);
		tb_names(out, l->flags, ptscope_flag_names,
			 ARRAY_SIZE(ptscope_flag_names), ' ');
		tb_printf(out, "\n");
		if (l->present) {
			r->eff &= l->flags | ~(PTSCOPE_F_USER | PTSCOPE_F_RW);
			r->eff |= l->flags & PTSCOPE_F_NX;
		}
		r->last = *l;
		r->nr_levels++;
		break;
	case PTSCOPE_REC_END:
		ptscope_xlate_result(r, out);
		ptscope_render_error(&rec->end, out);
		break;
	}
}

/* stats */

static void ptscope_stats_entry(struct ptscope_render *r,
				const struct ptscope_rec_entry *e)
{
	int i = ptscope_leaf_index(e->level);
	unsigned int bit;

	if (e->type == PTSCOPE_REC_HOLE) {
		if (e->level < PTSCOPE_NR_LEVELS)
			r->holes[e->level]++;
		return;
	}
	if (i < 0)
		return;
	ptscope_share_account(r->share, e);
	if (e->state & PTSCOPE_S_NONPRESENT)
		r->nonpresent[i]++;
	else
		r->present[i]++;
	for (bit = 0; bit < PTSCOPE_NR_STATE_BITS; bit++)
		if (e->state & BIT_ULL(bit))
			r->state[bit][i]++;
}

static void ptscope_stats_print(struct ptscope_render *r,
				struct ptscope_tbuf *out)
{
	const struct ptscope_rec_stats *st = &r->st;
	const bool folded = r->hdr.pgtable_levels == 4;
	u64 total = 0;
	unsigned int i;

	tb_printf(out, "pid %u range 0x%llx-0x%llx, %u-level paging%s\n\n",
		  r->hdr.pid, r->hdr.start, r->hdr.end, r->hdr.pgtable_levels,
		  r->hdr.features & PTSCOPE_FEAT_PTI ? ", PTI" : "");

	tb_printf(out, "page-table pages   count   memory\n");
	for (i = 0; i < PTSCOPE_NR_LEVELS; i++) {
		/* 4 levels: the top table is counted at the P4D level */
		if (folded && i == PTSCOPE_LVL_PGD)
			continue;
		tb_printf(out, "  %-14s %7llu ", ptscope_level_name(r, i),
			  st->tables[i]);
		tb_size(out, "%8s\n", st->tables[i] << PAGE_SHIFT);
		total += st->tables[i];
	}
	tb_printf(out, "  %-14s %7llu ", "total", total);
	tb_size(out, "%8s\n\n", total << PAGE_SHIFT);

	tb_printf(out, "entries          pud (1G)  pmd (2M)  pte (4K)\n");
	tb_printf(out, "  %-12s %10llu %9llu %9llu\n", "present",
		  r->present[0], r->present[1], r->present[2]);
	tb_printf(out, "  %-12s %10llu %9llu %9llu\n", "non-present",
		  r->nonpresent[0], r->nonpresent[1], r->nonpresent[2]);
	tb_printf(out, "  %-12s %10llu %9llu %9llu\n", "hole records",
		  r->holes[PTSCOPE_LVL_PUD], r->holes[PTSCOPE_LVL_PMD],
		  r->holes[PTSCOPE_LVL_PTE]);
	if (folded)
		tb_printf(out, "  hole records above pud: pgd %llu\n\n",
			  r->holes[PTSCOPE_LVL_P4D]);
	else
		tb_printf(out, "  hole records above pud: pgd %llu, p4d %llu\n\n",
			  r->holes[PTSCOPE_LVL_PGD], r->holes[PTSCOPE_LVL_P4D]);

	tb_printf(out, "pages by sharing (as smaps; shared: mapcount > 1)\n");
	tb_printf(out, "  %-14s %9llu\n  %-14s %9llu\n  %-14s %9llu\n  %-14s %9llu\n\n",
		  "shared_clean", r->share[PTSCOPE_SHARED_CLEAN],
		  "shared_dirty", r->share[PTSCOPE_SHARED_DIRTY],
		  "private_clean", r->share[PTSCOPE_PRIVATE_CLEAN],
		  "private_dirty", r->share[PTSCOPE_PRIVATE_DIRTY]);

	tb_printf(out, "by state\n");
	for (i = 0; i < PTSCOPE_NR_STATE_BITS; i++) {
		if (!(r->state[i][0] | r->state[i][1] | r->state[i][2]))
			continue;
		tb_printf(out, "  %-12s %10llu %9llu %9llu\n",
			  ptscope_state_names[i], r->state[i][0],
			  r->state[i][1], r->state[i][2]);
	}
}

static void ptscope_render_stats(struct ptscope_render *r,
				 const union ptscope_rec *rec,
				 struct ptscope_tbuf *out)
{
	switch (rec->type) {
	case PTSCOPE_REC_ENTRY:
	case PTSCOPE_REC_HOLE:
		ptscope_stats_entry(r, &rec->ent);
		break;
	case PTSCOPE_REC_STATS:
		r->st = rec->st;
		break;
	case PTSCOPE_REC_END:
		ptscope_stats_print(r, out);
		ptscope_render_error(&rec->end, out);
		break;
	}
}

/**
 * ptscope_render_init() - start rendering a stream
 * @r: renderer state
 * @view: PTSCOPE_VIEW_* (not PTSCOPE_VIEW_RECORDS)
 */
void ptscope_render_init(struct ptscope_render *r, enum ptscope_view view)
{
	memset(r, 0, sizeof(*r));
	r->view = view;
}

/**
 * ptscope_render_rec() - render the next record of the stream
 * @r: renderer state
 * @rec: the record
 * @out: text buffer with at least PTSCOPE_RENDER_MAX bytes free
 */
void ptscope_render_rec(struct ptscope_render *r, const union ptscope_rec *rec,
			struct ptscope_tbuf *out)
{
	if (rec->type == PTSCOPE_REC_HEADER)
		r->hdr = rec->hdr;

	switch (r->view) {
	case PTSCOPE_VIEW_VMAS:
		ptscope_render_vmas(r, rec, out);
		break;
	case PTSCOPE_VIEW_PT:
		ptscope_render_pt(r, rec, out);
		break;
	case PTSCOPE_VIEW_PTES:
		ptscope_render_ptes(r, rec, out);
		break;
	case PTSCOPE_VIEW_XLATE:
		ptscope_render_xlate(r, rec, out);
		break;
	case PTSCOPE_VIEW_STATS:
		ptscope_render_stats(r, rec, out);
		break;
	default:
		break;
	}
}
