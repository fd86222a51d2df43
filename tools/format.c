// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope: units, number and range parsing, name tables and the bit
 * fields of a virtual address.  Pure functions only.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pts.h"

const struct pts_name pts_flag_names[] = {
	{ PTSCOPE_F_PRESENT,	"present",	"P" },
	{ PTSCOPE_F_RW,		"rw",		"RW" },
	{ PTSCOPE_F_USER,	"user",		"US" },
	{ PTSCOPE_F_PWT,	"pwt",		"PWT" },
	{ PTSCOPE_F_PCD,	"pcd",		"PCD" },
	{ PTSCOPE_F_ACCESSED,	"accessed",	"A" },
	{ PTSCOPE_F_DIRTY,	"dirty",	"D" },
	{ PTSCOPE_F_PSE,	"pse",		"PSE" },
	{ PTSCOPE_F_PAT,	"pat",		"PAT" },
	{ PTSCOPE_F_GLOBAL,	"global",	"G" },
	{ PTSCOPE_F_NX,		"nx",		"NX" },
	{ PTSCOPE_F_SOFT_DIRTY,	"soft-dirty",	"SD" },
	{ PTSCOPE_F_UFFD_WP,	"uffd-wp",	"UW" },
	{ PTSCOPE_F_SPECIAL,	"special",	"SP" },
	{ PTSCOPE_F_DEVMAP,	"devmap",	"DM" },
	{ PTSCOPE_F_PROTNONE,	"protnone",	"PN" },
};

const size_t pts_nr_flag_names = ARRAY_SIZE(pts_flag_names);

const struct pts_name pts_state_names[] = {
	{ PTSCOPE_S_ANON,		"anon",		NULL },
	{ PTSCOPE_S_FILE,		"file",		NULL },
	{ PTSCOPE_S_SHMEM,		"shmem",	NULL },
	{ PTSCOPE_S_KSM,		"ksm",		NULL },
	{ PTSCOPE_S_ZERO,		"zero",		NULL },
	{ PTSCOPE_S_HUGE_ZERO,		"huge-zero",	NULL },
	{ PTSCOPE_S_THP,		"thp",		NULL },
	{ PTSCOPE_S_LARGE_FOLIO,	"large-folio",	NULL },
	{ PTSCOPE_S_HUGETLB,		"hugetlb",	NULL },
	{ PTSCOPE_S_ANON_EXCL,		"anon-excl",	NULL },
	{ PTSCOPE_S_COW,		"cow",		NULL },
	{ PTSCOPE_S_SWAP,		"swap",		NULL },
	{ PTSCOPE_S_MIGRATION_R,	"migration-r",	NULL },
	{ PTSCOPE_S_MIGRATION_W,	"migration-w",	NULL },
	{ PTSCOPE_S_DEV_PRIVATE,	"dev-private",	NULL },
	{ PTSCOPE_S_DEV_EXCL,		"dev-excl",	NULL },
	{ PTSCOPE_S_PTE_MARKER,		"pte-marker",	NULL },
	{ PTSCOPE_S_NO_PAGE,		"no-page",	NULL },
	{ PTSCOPE_S_UNKNOWN_SPECIAL,	"unknown-special", NULL },
	{ PTSCOPE_S_PAGE_DIRTY,		"page-dirty",	NULL },
	{ PTSCOPE_S_NONPRESENT,		"nonpresent",	NULL },
	{ PTS_S_MAPPED_EXCL,		"mapped-excl",	NULL },
};

const size_t pts_nr_state_names = ARRAY_SIZE(pts_state_names);

/*
 * Kernel VM_* bits (include/linux/mm.h, stable in the low 32 bits since
 * Linux 6.1) and the mnemonics /proc/PID/smaps prints for them.
 */
const struct pts_name pts_vmflag_names[] = {
	{ 0x00000001, "rd", NULL },	/* VM_READ */
	{ 0x00000002, "wr", NULL },	/* VM_WRITE */
	{ 0x00000004, "ex", NULL },	/* VM_EXEC */
	{ 0x00000008, "sh", NULL },	/* VM_SHARED */
	{ 0x00000010, "mr", NULL },	/* VM_MAYREAD */
	{ 0x00000020, "mw", NULL },	/* VM_MAYWRITE */
	{ 0x00000040, "me", NULL },	/* VM_MAYEXEC */
	{ 0x00000080, "ms", NULL },	/* VM_MAYSHARE */
	{ 0x00000100, "gd", NULL },	/* VM_GROWSDOWN */
	{ 0x00000200, "um", NULL },	/* VM_UFFD_MISSING */
	{ 0x00000400, "pf", NULL },	/* VM_PFNMAP */
	{ 0x00001000, "uw", NULL },	/* VM_UFFD_WP */
	{ 0x00002000, "lo", NULL },	/* VM_LOCKED */
	{ 0x00004000, "io", NULL },	/* VM_IO */
	{ 0x00008000, "sr", NULL },	/* VM_SEQ_READ */
	{ 0x00010000, "rr", NULL },	/* VM_RAND_READ */
	{ 0x00020000, "dc", NULL },	/* VM_DONTCOPY */
	{ 0x00040000, "de", NULL },	/* VM_DONTEXPAND */
	{ 0x00080000, "lf", NULL },	/* VM_LOCKONFAULT */
	{ 0x00100000, "ac", NULL },	/* VM_ACCOUNT */
	{ 0x00200000, "nr", NULL },	/* VM_NORESERVE */
	{ 0x00400000, "ht", NULL },	/* VM_HUGETLB */
	{ 0x00800000, "sf", NULL },	/* VM_SYNC */
	{ 0x01000000, "ar", NULL },	/* VM_ARCH_1 (VM_PAT on x86) */
	{ 0x02000000, "wf", NULL },	/* VM_WIPEONFORK */
	{ 0x04000000, "dd", NULL },	/* VM_DONTDUMP */
	{ 0x08000000, "sd", NULL },	/* VM_SOFTDIRTY */
	{ 0x10000000, "mm", NULL },	/* VM_MIXEDMAP */
	{ 0x20000000, "hg", NULL },	/* VM_HUGEPAGE */
	{ 0x40000000, "nh", NULL },	/* VM_NOHUGEPAGE */
	{ 0x80000000, "mg", NULL },	/* VM_MERGEABLE */
};

const size_t pts_nr_vmflag_names = ARRAY_SIZE(pts_vmflag_names);

static const char *const level_names[PTSCOPE_NR_LEVELS] = {
	[PTSCOPE_LVL_PGD] = "pgd",
	[PTSCOPE_LVL_P4D] = "p4d",
	[PTSCOPE_LVL_PUD] = "pud",
	[PTSCOPE_LVL_PMD] = "pmd",
	[PTSCOPE_LVL_PTE] = "pte",
};

/**
 * pts_level_name - name of a page-table level
 * @level: PTSCOPE_LVL_*, PTS_LVL_MIXED or PTS_LVL_UNKNOWN
 *
 * Return: "pgd" ... "pte", "mixed", or NULL when unknown.
 */
const char *pts_level_name(int level)
{
	if (level == PTS_LVL_MIXED)
		return "mixed";
	if (level < 0 || level >= PTSCOPE_NR_LEVELS)
		return NULL;
	return level_names[level];
}

/**
 * pts_kind_name - name of an entry kind
 * @kind: enum pts_kind
 *
 * Return: "present", "swap", "nonpresent" or "hole".
 */
const char *pts_kind_name(int kind)
{
	static const char *const names[PTS_NR_KINDS] = {
		[PTS_PRESENT] = "present",
		[PTS_SWAP] = "swap",
		[PTS_NONPRESENT] = "nonpresent",
		[PTS_HOLE] = "hole",
	};

	if (kind < 0 || kind >= PTS_NR_KINDS)
		return "?";
	return names[kind];
}

/**
 * pts_vma_kind_name - name of a PTSCOPE_VMA_* kind
 * @kind: PTSCOPE_VMA_*
 *
 * Return: a static string.
 */
const char *pts_vma_kind_name(__u32 kind)
{
	static const char *const names[] = {
		[PTSCOPE_VMA_ANON] = "anon",
		[PTSCOPE_VMA_FILE] = "file",
		[PTSCOPE_VMA_HEAP] = "heap",
		[PTSCOPE_VMA_STACK] = "stack",
		[PTSCOPE_VMA_VDSO] = "vdso",
		[PTSCOPE_VMA_VVAR] = "vvar",
		[PTSCOPE_VMA_SHMEM] = "shmem",
		[PTSCOPE_VMA_HUGETLB] = "hugetlb",
		[PTSCOPE_VMA_SPECIAL] = "special",
	};

	if (kind >= ARRAY_SIZE(names))
		return "?";
	return names[kind];
}

/**
 * pts_level_shift - virtual address bits below a level's index
 * @level: PTSCOPE_LVL_*
 * @levels: 4 or 5 paging levels
 *
 * With 4 levels the P4D is folded into the PGD, which then indexes with
 * bits 47-39.
 *
 * Return: the shift, or -EINVAL.
 */
int pts_level_shift(int level, unsigned int levels)
{
	switch (level) {
	case PTSCOPE_LVL_PTE:
		return 12;
	case PTSCOPE_LVL_PMD:
		return 21;
	case PTSCOPE_LVL_PUD:
		return 30;
	case PTSCOPE_LVL_P4D:
		return 39;
	case PTSCOPE_LVL_PGD:
		return levels == 5 ? 48 : 39;
	default:
		return -EINVAL;
	}
}

/**
 * pts_level_of_size - level of a leaf mapping @size bytes on x86
 * @size: 4K, 2M or 1G
 *
 * Return: PTSCOPE_LVL_PTE, _PMD, _PUD or PTS_LVL_UNKNOWN.
 */
int pts_level_of_size(__u64 size)
{
	switch (size) {
	case PTS_PAGE_SIZE:
		return PTSCOPE_LVL_PTE;
	case PTS_SZ_2M:
		return PTSCOPE_LVL_PMD;
	case PTS_SZ_1G:
		return PTSCOPE_LVL_PUD;
	default:
		return PTS_LVL_UNKNOWN;
	}
}

/**
 * pts_size_index - index of a leaf size in struct pts_vma.present
 * @size: 4K, 2M or 1G
 *
 * Return: 0, 1, 2, or -1 for other sizes.
 */
int pts_size_index(__u64 size)
{
	switch (size) {
	case PTS_PAGE_SIZE:
		return 0;
	case PTS_SZ_2M:
		return 1;
	case PTS_SZ_1G:
		return 2;
	default:
		return -1;
	}
}

/**
 * pts_size_str - format a size in human units (4K, 2M, 1.5G) or bytes
 * @buf: output
 * @len: size of @buf
 * @bytes: the size
 * @exact: print the number of bytes instead
 *
 * Units are powers of 1024, one decimal at most, rounded to nearest as
 * lsblk does: 1536 is "1.5K", 4096 is "4K", 1023 is "1023B".
 *
 * Return: @buf.
 */
char *pts_size_str(char *buf, size_t len, __u64 bytes, bool exact)
{
	static const char units[] = "BKMGTPE";
	unsigned int exp = 0;
	__u64 whole, rem, tenths;

	if (exact) {
		snprintf(buf, len, "%llu", (unsigned long long)bytes);
		return buf;
	}
	while (exp < 6 && bytes >> (10 * (exp + 1)))
		exp++;
	if (!exp) {
		snprintf(buf, len, "%lluB", (unsigned long long)bytes);
		return buf;
	}
	whole = bytes >> (10 * exp);
	rem = bytes & ((1ULL << (10 * exp)) - 1);
	/* rem < 2^60, so rem * 10 cannot overflow */
	tenths = (rem * 10 + (1ULL << (10 * exp - 1))) >> (10 * exp);
	if (tenths == 10) {
		whole++;
		tenths = 0;
		if (whole == 1024 && exp < 6) {
			whole = 1;
			exp++;
		}
	}
	if (tenths)
		snprintf(buf, len, "%llu.%llu%c", (unsigned long long)whole,
			 (unsigned long long)tenths, units[exp]);
	else
		snprintf(buf, len, "%llu%c", (unsigned long long)whole,
			 units[exp]);
	return buf;
}

/**
 * pts_parse_u64 - parse a number in C notation (123, 0x7f, 017)
 * @s: the text, nothing else around it
 * @val: the value
 *
 * Return: 0, -EINVAL for a malformed number, -ERANGE for an overflow.
 */
int pts_parse_u64(const char *s, __u64 *val)
{
	unsigned long long v;
	char *end;

	if (!s || !*s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno == ERANGE)
		return -ERANGE;
	if (errno || *end)
		return -EINVAL;
	*val = v;
	return 0;
}

/**
 * pts_parse_pid - parse a process id
 * @s: the text
 * @pid: the pid, > 0
 *
 * Return: 0 or -EINVAL.
 */
int pts_parse_pid(const char *s, __u32 *pid)
{
	__u64 v;

	if (pts_parse_u64(s, &v) || !v || v > 0x7fffffff)
		return -EINVAL;
	*pid = v;
	return 0;
}

/**
 * pts_parse_range - parse "START-END", end exclusive
 * @s: the text, e.g. "0x1000-0x2000"
 * @start: first address
 * @end: end of the range
 *
 * Return: 0, -EINVAL when malformed, empty or reversed, -ERANGE when a
 * number does not fit in 64 bits, -ENOMEM.
 */
int pts_parse_range(const char *s, __u64 *start, __u64 *end)
{
	const char *dash = strchr(s, '-');
	char *first;
	__u64 a, b;
	int err;

	if (!dash || dash == s)
		return -EINVAL;
	first = strndup(s, dash - s);
	if (!first)
		return -ENOMEM;
	err = pts_parse_u64(first, &a);
	free(first);
	if (err)
		return err;
	err = pts_parse_u64(dash + 1, &b);
	if (err)
		return err;
	if (a >= b)
		return -EINVAL;
	*start = a;
	*end = b;
	return 0;
}

/**
 * pts_parse_pagesize - parse "4k", "2m" or "1g" (any case) or bytes
 * @s: the text
 * @size: the page size in bytes
 *
 * Return: 0 or -EINVAL.
 */
int pts_parse_pagesize(const char *s, __u64 *size)
{
	if (!strcasecmp(s, "4k") || !strcmp(s, "4096"))
		*size = PTS_PAGE_SIZE;
	else if (!strcasecmp(s, "2m") || !strcmp(s, "2097152"))
		*size = PTS_SZ_2M;
	else if (!strcasecmp(s, "1g") || !strcmp(s, "1073741824"))
		*size = PTS_SZ_1G;
	else
		return -EINVAL;
	return 0;
}

static const struct pts_name *find_name(const char *s, size_t len,
					const struct pts_name *tbl, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strlen(tbl[i].name) == len &&
		    !strncasecmp(tbl[i].name, s, len))
			return &tbl[i];
		if (tbl[i].abbrev && strlen(tbl[i].abbrev) == len &&
		    !strncasecmp(tbl[i].abbrev, s, len))
			return &tbl[i];
	}
	return NULL;
}

/**
 * pts_parse_names - parse a comma separated list of names
 * @s: e.g. "rw,!nx" ('!' or '^' negates)
 * @tbl: the names
 * @n: size of @tbl
 * @set: bits named
 * @clear: bits named with '!'
 * @bad: on error, the first bad name (up to the next comma)
 *
 * Return: 0 or -EINVAL.
 */
int pts_parse_names(const char *s, const struct pts_name *tbl, size_t n,
		    __u64 *set, __u64 *clear, const char **bad)
{
	const struct pts_name *nm;
	size_t len;
	bool neg;

	while (*s) {
		neg = *s == '!' || *s == '^';
		len = strcspn(s + neg, ",");
		nm = find_name(s + neg, len, tbl, n);
		if (!nm) {
			if (bad)
				*bad = s;
			return -EINVAL;
		}
		if (neg)
			*clear |= nm->bit;
		else
			*set |= nm->bit;
		s += neg + len;
		if (*s == ',')
			s++;
	}
	return 0;
}

/**
 * pts_names_str - names of the bits set in @bits, joined by @sep
 * @buf: output
 * @len: size of @buf
 * @bits: the bits
 * @tbl: the names
 * @n: size of @tbl
 * @abbrev: use the short names
 * @sep: separator
 *
 * Return: the length of the string in @buf.
 */
size_t pts_names_str(char *buf, size_t len, __u64 bits,
		     const struct pts_name *tbl, size_t n, bool abbrev,
		     const char *sep)
{
	size_t pos = 0, i;
	const char *nm;
	int r;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < n && pos < len; i++) {
		if (!(bits & tbl[i].bit))
			continue;
		nm = abbrev && tbl[i].abbrev ? tbl[i].abbrev : tbl[i].name;
		r = snprintf(buf + pos, len - pos, "%s%s", pos ? sep : "", nm);
		if (r < 0)
			break;
		pos += r;
	}
	return pos < len ? pos : len - 1;
}

/**
 * pts_vmflags_str - kernel VM_* bits as /proc/PID/smaps mnemonics
 * @buf: output
 * @len: size of @buf
 * @vm_flags: the bits
 */
void pts_vmflags_str(char *buf, size_t len, __u64 vm_flags)
{
	pts_names_str(buf, len, vm_flags, pts_vmflag_names,
		      pts_nr_vmflag_names, false, " ");
}

/**
 * pts_addr_breakdown - the bit fields of a virtual address, level by level
 * @va: the address
 * @levels: 4 or 5 paging levels
 * @leaf: level of the leaf entry: PTSCOPE_LVL_PTE, _PMD or _PUD
 * @steps: PTSCOPE_NR_LEVELS slots, filled from the top level down
 * @offset: the page offset field
 *
 * 4 levels: 47-39 PGD, 38-30 PUD, 29-21 PMD, 20-12 PTE, 11-0 offset.
 * 5 levels add 56-48 as the PGD index and 47-39 become the P4D index.
 * A PMD leaf ends the walk there and widens the offset to 20-0, a PUD
 * leaf to 29-0.
 *
 * Return: the number of steps filled, or -EINVAL.
 */
int pts_addr_breakdown(__u64 va, unsigned int levels, int leaf,
		       struct pts_bits *steps, struct pts_bits *offset)
{
	int lvl, shift, n = 0;

	if (levels != 4 && levels != 5)
		return -EINVAL;
	if (leaf != PTSCOPE_LVL_PTE && leaf != PTSCOPE_LVL_PMD &&
	    leaf != PTSCOPE_LVL_PUD)
		return -EINVAL;

	for (lvl = PTSCOPE_LVL_PGD; lvl <= leaf; lvl++) {
		if (lvl == PTSCOPE_LVL_P4D && levels == 4)
			continue;
		shift = pts_level_shift(lvl, levels);
		steps[n].level = lvl;
		steps[n].lo = shift;
		steps[n].hi = shift + 8;
		steps[n].value = (va >> shift) & 0x1ff;
		n++;
	}
	shift = pts_level_shift(leaf, levels);
	offset->level = -1;
	offset->lo = 0;
	offset->hi = shift - 1;
	offset->value = va & ((1ULL << shift) - 1);
	return n;
}

/**
 * pts_addr_canonical - is @va canonical for @levels paging levels
 * @va: the address
 * @levels: 4 or 5
 *
 * Return: true when bits 63..47 (63..56 with 5 levels) are all equal.
 */
bool pts_addr_canonical(__u64 va, unsigned int levels)
{
	unsigned int top = levels == 5 ? 56 : 47;
	__u64 high = va >> top;

	return high == 0 || high == (~0ULL >> top);
}
