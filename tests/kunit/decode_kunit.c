// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: entry decoding (module/decode.c) per level.
 *
 * Raw entries are written here bit by bit from the x86-64 paging format
 * (Intel SDM vol. 3, "4-level and 5-level paging" entry formats; AMD APM
 * vol. 2 likewise): P 0, R/W 1, U/S 2, PWT 3, PCD 4, A 5, D 6, bit 7 PAT in
 * a PTE and PS above it, G 8, PAT of a 2M/1G leaf at bit 12, the frame in
 * bits 12-51, protection key 59-62, XD/NX 63.  Linux's software bits and
 * its swap-entry layout are not architectural: their positions are taken
 * from arch/x86/include/asm/pgtable_types.h and checked against the
 * kernel's own constants in decode_linux_bits_test, and swap, migration
 * and marker entries are built with the kernel's own constructors.
 */
#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/mm_types.h>
#include <linux/swap.h>
#include <linux/swapops.h>

#include "uapi/ptscope.h"
#include "decode.h"
#include "walk.h"

/* architectural */
#define X_P	BIT_ULL(0)
#define X_RW	BIT_ULL(1)
#define X_US	BIT_ULL(2)
#define X_PWT	BIT_ULL(3)
#define X_PCD	BIT_ULL(4)
#define X_A	BIT_ULL(5)
#define X_D	BIT_ULL(6)
#define X_PS	BIT_ULL(7)	/* PAT in a 4K PTE */
#define X_G	BIT_ULL(8)
#define X_PATL	BIT_ULL(12)	/* PAT of a 2M/1G leaf */
#define X_PKEY(k) ((u64)(k) << 59)
#define X_NX	BIT_ULL(63)
/* Linux software bits (pgtable_types.h: SOFTW1..4, PROTNONE = G's bit) */
#define L_SPECIAL	BIT_ULL(9)
#define L_UFFD_WP	BIT_ULL(10)
#define L_SOFT_DIRTY	BIT_ULL(11)
#define L_DEVMAP	BIT_ULL(58)
#define L_PROTNONE	BIT_ULL(8)
#define L_SWP_SOFT_DIRTY BIT_ULL(1)	/* in a swap entry: R/W's bit */
#define L_SWP_UFFD_WP	BIT_ULL(2)	/* in a swap entry: U/S's bit */

#define F(x)	PTSCOPE_F_##x

struct flags_case {
	const char *name;
	u64 raw;
	int level;
	bool present;
	u64 flags;
};

static const struct flags_case flags_cases[] = {
	{ "user data page", X_P | X_RW | X_US | X_A | X_D | X_NX | (0x1234ULL << 12),
	  PTSCOPE_LVL_PTE, true,
	  F(PRESENT) | F(RW) | F(USER) | F(ACCESSED) | F(DIRTY) | F(NX) },
	{ "user text page", X_P | X_US | X_A | (0x99ULL << 12),
	  PTSCOPE_LVL_PTE, true, F(PRESENT) | F(USER) | F(ACCESSED) },
	{ "kernel global page", X_P | X_RW | X_G | X_NX, PTSCOPE_LVL_PTE, true,
	  F(PRESENT) | F(RW) | F(GLOBAL) | F(NX) },
	{ "PWT PCD", X_P | X_PWT | X_PCD, PTSCOPE_LVL_PTE, true,
	  F(PRESENT) | F(PWT) | F(PCD) },
	{ "bit 7 of a PTE is PAT", X_P | X_PS, PTSCOPE_LVL_PTE, true,
	  F(PRESENT) | F(PAT) },
	{ "bit 12 of a PTE is the frame", X_P | X_PATL, PTSCOPE_LVL_PTE, true,
	  F(PRESENT) },
	{ "bit 7 of a PMD is PS", X_P | X_RW | X_US | X_PS, PTSCOPE_LVL_PMD,
	  true, F(PRESENT) | F(RW) | F(USER) | F(PSE) },
	{ "2M leaf with PAT at bit 12", X_P | X_PS | X_PATL, PTSCOPE_LVL_PMD,
	  true, F(PRESENT) | F(PSE) | F(PAT) },
	{ "1G leaf with PAT at bit 12", X_P | X_PS | X_PATL | X_NX,
	  PTSCOPE_LVL_PUD, true, F(PRESENT) | F(PSE) | F(PAT) | F(NX) },
	{ "bit 12 of a PMD table entry is the table's address",
	  X_P | X_RW | X_US | X_PATL, PTSCOPE_LVL_PMD, true,
	  F(PRESENT) | F(RW) | F(USER) },
	{ "upper-level table entry", X_P | X_RW | X_US | X_A | (0x777ULL << 12),
	  PTSCOPE_LVL_P4D, true, F(PRESENT) | F(RW) | F(USER) | F(ACCESSED) },
	{ "PROT_NONE: bit 8 without P", L_PROTNONE | X_A | X_US,
	  PTSCOPE_LVL_PTE, true, F(PROTNONE) | F(USER) | F(ACCESSED) },
	{ "bit 8 with P is G, not PROT_NONE", X_P | X_G, PTSCOPE_LVL_PMD, true,
	  F(PRESENT) | F(GLOBAL) },
	{ "soft-dirty, uffd-wp, special", X_P | L_SOFT_DIRTY | L_UFFD_WP |
	  L_SPECIAL, PTSCOPE_LVL_PTE, true,
	  F(PRESENT) | F(SOFT_DIRTY) | F(UFFD_WP) | F(SPECIAL) },
	{ "devmap PMD", X_P | X_PS | L_DEVMAP, PTSCOPE_LVL_PMD, true,
	  F(PRESENT) | F(PSE) | F(DEVMAP) },
	{ "protection key is not a flag", X_P | X_PKEY(15), PTSCOPE_LVL_PTE,
	  true, F(PRESENT) },
	{ "swap entry keeps soft-dirty only", L_SWP_SOFT_DIRTY | X_NX |
	  (0x5ULL << 12), PTSCOPE_LVL_PTE, false, F(SOFT_DIRTY) },
	{ "swap entry keeps uffd-wp only", L_SWP_UFFD_WP | (0x5ULL << 12),
	  PTSCOPE_LVL_PTE, false, F(UFFD_WP) },
	{ "swap entry: no P, RW, G or NX", X_PS | X_G | X_NX | (0x5ULL << 12),
	  PTSCOPE_LVL_PMD, false, 0 },
	{ "none", 0, PTSCOPE_LVL_PTE, true, 0 },
};

static void flags_case_desc(const struct flags_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(flags, flags_cases, flags_case_desc);

static void decode_flags_test(struct kunit *test)
{
	const struct flags_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, ptscope_decode_flags(c->raw, c->level, c->present),
			c->flags);
}

/* The non-architectural positions assumed above are the kernel's */
static void decode_linux_bits_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, (u64)_PAGE_SPECIAL, L_SPECIAL);
	KUNIT_EXPECT_EQ(test, (u64)_PAGE_PROTNONE, L_PROTNONE);
	KUNIT_EXPECT_EQ(test, (u64)_PAGE_DEVMAP, L_DEVMAP);
	if (IS_ENABLED(CONFIG_MEM_SOFT_DIRTY)) {
		KUNIT_EXPECT_EQ(test, (u64)_PAGE_SOFT_DIRTY, L_SOFT_DIRTY);
		KUNIT_EXPECT_EQ(test, (u64)_PAGE_SWP_SOFT_DIRTY,
				L_SWP_SOFT_DIRTY);
	}
	if (IS_ENABLED(CONFIG_HAVE_ARCH_USERFAULTFD_WP)) {
		KUNIT_EXPECT_EQ(test, (u64)_PAGE_UFFD_WP, L_UFFD_WP);
		KUNIT_EXPECT_EQ(test, (u64)_PAGE_SWP_UFFD_WP, L_SWP_UFFD_WP);
	}
	/* and the architectural ones agree with the kernel's names */
	KUNIT_EXPECT_EQ(test, (u64)_PAGE_PSE, X_PS);
	KUNIT_EXPECT_EQ(test, (u64)_PAGE_PAT_LARGE, X_PATL);
	KUNIT_EXPECT_EQ(test, (u64)_PAGE_NX, X_NX);
}

struct pfn_case {
	const char *name;
	u64 raw;
	int level;
	unsigned long pfn;
};

static const struct pfn_case pfn_cases[] = {
	{ "4K", X_P | X_RW | (0x12345ULL << 12), PTSCOPE_LVL_PTE, 0x12345 },
	{ "4K, NX and pkey not in the frame", X_P | X_NX | X_PKEY(9) |
	  (0xabcdeULL << 12), PTSCOPE_LVL_PTE, 0xabcde },
	{ "4K, frame bit 12 (PAT position of a huge leaf)", X_P |
	  (0x1ULL << 12), PTSCOPE_LVL_PTE, 0x1 },
	{ "4K, 52-bit physical address", X_P | (((1ULL << 40) - 1) << 12),
	  PTSCOPE_LVL_PTE, (1UL << 40) - 1 },
	{ "2M", X_P | X_PS | (0x400ULL << 12), PTSCOPE_LVL_PMD, 0x400 },
	{ "2M, PAT bit 12 not in the frame", X_P | X_PS | X_PATL |
	  (0x600ULL << 12), PTSCOPE_LVL_PMD, 0x600 },
	{ "1G", X_P | X_PS | (0x40000ULL << 12), PTSCOPE_LVL_PUD, 0x40000 },
	{ "1G, PAT and NX not in the frame", X_P | X_PS | X_PATL | X_NX |
	  (0xc0000ULL << 12), PTSCOPE_LVL_PUD, 0xc0000 },
	{ "not a leaf level", X_P | (0x55ULL << 12), PTSCOPE_LVL_P4D, 0 },
};

static void pfn_case_desc(const struct pfn_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(pfn, pfn_cases, pfn_case_desc);

static void decode_leaf_pfn_test(struct kunit *test)
{
	const struct pfn_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, ptscope_leaf_pfn(c->raw, c->level), c->pfn);
}

/*
 * PROT_NONE entries have their frame bits inverted (L1TF mitigation,
 * arch/x86/include/asm/pgtable-invert.h); the frame read back must be the
 * one the entry was made with.
 */
static void decode_protnone_pfn_test(struct kunit *test)
{
	unsigned long pfn = 0x2345;
	pte_t pte = pfn_pte(pfn, __pgprot(_PAGE_PROTNONE | _PAGE_USER |
					  _PAGE_ACCESSED));
	pmd_t pmd = pfn_pmd(0x400, __pgprot(_PAGE_PROTNONE | _PAGE_PSE));
	u64 raw = pte_val(pte);

	/* the entry really is inverted: its frame field is not pfn */
	KUNIT_EXPECT_NE(test, (raw >> 12) & ((1ULL << 40) - 1), (u64)pfn);
	KUNIT_EXPECT_EQ(test, ptscope_leaf_pfn(raw, PTSCOPE_LVL_PTE), pfn);
	KUNIT_EXPECT_EQ(test, ptscope_decode_flags(raw, PTSCOPE_LVL_PTE, true),
			F(PROTNONE) | F(USER) | F(ACCESSED));
	KUNIT_EXPECT_EQ(test, ptscope_leaf_pfn(pmd_val(pmd), PTSCOPE_LVL_PMD),
			0x400UL);
	KUNIT_EXPECT_EQ(test, ptscope_decode_flags(pmd_val(pmd),
						   PTSCOPE_LVL_PMD, true),
			F(PROTNONE) | F(PSE));
}

#define S(x)	PTSCOPE_S_##x

/* Swap-format entries, made with the kernel's constructors */
static void decode_nonpresent_test(struct kunit *test)
{
	struct vm_area_struct *vma;
	struct ptscope_rec_entry e;
	unsigned long va = 0x7f1234560000UL;
	pte_t pte;

	vma = kunit_kzalloc(test, sizeof(*vma), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, vma);

	/* swap: type and offset round-trip, the record is complete */
	memset(&e, 0xa5, sizeof(e));
	pte = swp_entry_to_pte(swp_entry(3, 0x12345));
	ptscope_decode_nonpresent(&e, vma, PTSCOPE_LVL_PTE, pte_val(pte), va,
				  PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, e.type, (u32)PTSCOPE_REC_ENTRY);
	KUNIT_EXPECT_EQ(test, e.level, (u32)PTSCOPE_LVL_PTE);
	KUNIT_EXPECT_EQ(test, e.va, (u64)va);
	KUNIT_EXPECT_EQ(test, e.size, (u64)PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, e.raw, pte_val(pte));
	KUNIT_EXPECT_EQ(test, e.pfn, 0ULL);
	KUNIT_EXPECT_EQ(test, e.flags, 0ULL);
	KUNIT_EXPECT_EQ(test, e.state, S(NONPRESENT) | S(SWAP));
	KUNIT_EXPECT_EQ(test, e.swap_type, 3U);
	KUNIT_EXPECT_EQ(test, e.swap_offset, 0x12345ULL);
	KUNIT_EXPECT_EQ(test, e.mapcount, 0U);
	KUNIT_EXPECT_EQ(test, e.reserved[4], 0ULL);

	/* the swap entry's own bits */
	if (IS_ENABLED(CONFIG_MEM_SOFT_DIRTY)) {
		ptscope_decode_nonpresent(&e, vma, PTSCOPE_LVL_PTE,
					  pte_val(pte_swp_mksoft_dirty(pte)),
					  va, PAGE_SIZE);
		KUNIT_EXPECT_EQ(test, e.flags, F(SOFT_DIRTY));
		KUNIT_EXPECT_EQ(test, e.swap_offset, 0x12345ULL);
	}
	ptscope_decode_nonpresent(&e, vma, PTSCOPE_LVL_PTE,
				  pte_val(pte_swp_mkexclusive(pte)), va,
				  PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, e.state, S(NONPRESENT) | S(SWAP) | S(ANON_EXCL));
	KUNIT_EXPECT_EQ(test, e.swap_type, 3U);

	/* migration entries carry the frame (pagemap reports it so) */
	pte = swp_entry_to_pte(make_readable_migration_entry(0x4321));
	ptscope_decode_nonpresent(&e, vma, PTSCOPE_LVL_PTE, pte_val(pte), va,
				  PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, e.state, S(NONPRESENT) | S(MIGRATION_R));
	KUNIT_EXPECT_EQ(test, e.swap_offset, 0x4321ULL);

	pte = swp_entry_to_pte(make_readable_exclusive_migration_entry(0x4322));
	ptscope_decode_nonpresent(&e, vma, PTSCOPE_LVL_PTE, pte_val(pte), va,
				  PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, e.state,
			S(NONPRESENT) | S(MIGRATION_R) | S(ANON_EXCL));
	KUNIT_EXPECT_EQ(test, e.swap_offset, 0x4322ULL);

	pte = swp_entry_to_pte(make_writable_migration_entry(0x4323));
	ptscope_decode_nonpresent(&e, vma, PTSCOPE_LVL_PMD, pte_val(pte),
				  va & PMD_MASK, PMD_SIZE);
	KUNIT_EXPECT_EQ(test, e.state, S(NONPRESENT) | S(MIGRATION_W));
	KUNIT_EXPECT_EQ(test, e.level, (u32)PTSCOPE_LVL_PMD);
	KUNIT_EXPECT_EQ(test, e.size, (u64)PMD_SIZE);
	KUNIT_EXPECT_EQ(test, e.swap_offset, 0x4323ULL);

#ifdef CONFIG_PTE_MARKER
	pte = swp_entry_to_pte(make_pte_marker_entry(PTE_MARKER_UFFD_WP));
	ptscope_decode_nonpresent(&e, vma, PTSCOPE_LVL_PTE, pte_val(pte), va,
				  PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, e.state, S(NONPRESENT) | S(PTE_MARKER));
	/* a uffd-wp marker write-protects, as pagemap's UFFD_WP says */
	KUNIT_EXPECT_EQ(test, e.flags, F(UFFD_WP));
	KUNIT_EXPECT_EQ(test, e.swap_offset, (u64)PTE_MARKER_UFFD_WP);
#endif

	/* a hugetlb VMA marks its entries */
	vma->vm_flags = VM_HUGETLB;
	pte = swp_entry_to_pte(swp_entry(1, 7));
	ptscope_decode_nonpresent(&e, vma, PTSCOPE_LVL_PMD, pte_val(pte),
				  va & PMD_MASK, PMD_SIZE);
	KUNIT_EXPECT_EQ(test, e.state, S(NONPRESENT) | S(SWAP) | S(HUGETLB));
}

/* A translation step becomes a LEVEL record; pa = frame + offset in page */
static void decode_level_test(struct kunit *test)
{
	struct ptscope_xlate_step step = {
		.level = PTSCOPE_LVL_PTE,
		.index = 0x1a5,
		.shift = 12,
		.table_pa = 0x5000,
		.entry_pa = 0x5000 + 0x1a5 * 8,
		.raw = X_P | X_RW | X_US | X_NX | (0x8765ULL << 12),
		.leaf = true,
		.present = true,
	};
	unsigned long addr = 0x7f00001a5abcUL;
	struct ptscope_rec_level r;

	ptscope_decode_level(&r, &step, addr);
	KUNIT_EXPECT_EQ(test, r.type, (u32)PTSCOPE_REC_LEVEL);
	KUNIT_EXPECT_EQ(test, r.level, (u32)PTSCOPE_LVL_PTE);
	KUNIT_EXPECT_EQ(test, r.va, (u64)addr);
	KUNIT_EXPECT_EQ(test, r.index, 0x1a5U);
	KUNIT_EXPECT_EQ(test, r.shift, 12U);
	KUNIT_EXPECT_EQ(test, r.table_pa, 0x5000ULL);
	KUNIT_EXPECT_EQ(test, r.entry_pa, 0x5000ULL + 0x1a5 * 8);
	KUNIT_EXPECT_EQ(test, r.flags, F(PRESENT) | F(RW) | F(USER) | F(NX));
	KUNIT_EXPECT_EQ(test, r.leaf, 1U);
	KUNIT_EXPECT_EQ(test, r.present, 1U);
	KUNIT_EXPECT_EQ(test, r.pa, (0x8765ULL << 12) | 0xabc);

	/* a 2M leaf: the offset is the low 21 bits */
	step.level = PTSCOPE_LVL_PMD;
	step.shift = 21;
	step.raw = X_P | X_PS | X_PATL | (0x400ULL << 12);
	ptscope_decode_level(&r, &step, addr);
	KUNIT_EXPECT_EQ(test, r.pa, (0x400ULL << 12) | (addr & 0x1fffff));
	KUNIT_EXPECT_EQ(test, r.flags, F(PRESENT) | F(PSE) | F(PAT));

	/* a table entry has no pa */
	step.level = PTSCOPE_LVL_PUD;
	step.shift = 30;
	step.leaf = false;
	step.raw = X_P | X_RW | X_US | (0x999ULL << 12);
	ptscope_decode_level(&r, &step, addr);
	KUNIT_EXPECT_EQ(test, r.pa, 0ULL);
	KUNIT_EXPECT_EQ(test, r.leaf, 0U);
}

/*
 * The frames view's word (include/uapi/ptscope.h): frame in bits 0-39,
 * swap type 40-44, kind 45-47, level 48-50, then RW NX A D SOFT_DIRTY
 * UFFD_WP ANON ANON_EXCL FILE ZERO KSM COW VMA from bit 51 to 63.  The
 * expected words are spelt out here bit by bit, not with the macros.
 */
#define W_KIND(k)	((u64)(k) << 45)
#define W_LVL(l)	((u64)(l) << 48)
#define W_BIT(n)	BIT_ULL(n)

static void frame_word_test(struct kunit *test)
{
	struct ptscope_rec_entry e;

	/* a hole: in a VMA, kind 0, its level */
	memset(&e, 0, sizeof(e));
	e.type = PTSCOPE_REC_HOLE;
	e.level = PTSCOPE_LVL_PMD;
	KUNIT_EXPECT_EQ(test, ptscope_frame_word(&e), W_BIT(63) | W_LVL(3));
	KUNIT_EXPECT_FALSE(test, ptscope_frame_steps(ptscope_frame_word(&e)));

	/* a present 4K page, every hardware bit and anon-exclusive */
	memset(&e, 0, sizeof(e));
	e.type = PTSCOPE_REC_ENTRY;
	e.level = PTSCOPE_LVL_PTE;
	e.pfn = 0x12345;
	e.flags = F(PRESENT) | F(RW) | F(USER) | F(NX) | F(ACCESSED) |
		  F(DIRTY) | F(SOFT_DIRTY) | F(UFFD_WP) | F(GLOBAL);
	e.state = S(ANON) | S(ANON_EXCL) | S(PAGE_DIRTY);
	KUNIT_EXPECT_EQ(test, ptscope_frame_word(&e),
			0x12345ULL | W_KIND(1) | W_LVL(4) | W_BIT(51) |
			W_BIT(52) | W_BIT(53) | W_BIT(54) | W_BIT(55) |
			W_BIT(56) | W_BIT(57) | W_BIT(58) | W_BIT(63));
	KUNIT_EXPECT_TRUE(test, ptscope_frame_steps(ptscope_frame_word(&e)));

	/* the frame keeps 40 bits */
	e.flags = F(PRESENT);
	e.state = PTSCOPE_S_FILE | PTSCOPE_S_SHMEM;
	e.pfn = BIT_ULL(40) | 0x7;
	KUNIT_EXPECT_EQ(test, ptscope_frame_word(&e),
			0x7ULL | W_KIND(1) | W_LVL(4) | W_BIT(59) | W_BIT(63));

	/* PROT_NONE at PMD level on the huge zero page, COW pending */
	e.level = PTSCOPE_LVL_PMD;
	e.pfn = 0x200;
	e.flags = F(PROTNONE) | F(PSE);
	e.state = S(HUGE_ZERO) | S(COW);
	KUNIT_EXPECT_EQ(test, ptscope_frame_word(&e),
			0x200ULL | W_KIND(2) | W_LVL(3) | W_BIT(60) |
			W_BIT(62) | W_BIT(63));

	/* a KSM page at PUD level */
	e.level = PTSCOPE_LVL_PUD;
	e.flags = F(PRESENT) | F(PSE);
	e.state = S(ANON) | S(KSM) | S(ZERO);
	KUNIT_EXPECT_EQ(test, ptscope_frame_word(&e),
			0x200ULL | W_KIND(1) | W_LVL(2) | W_BIT(57) |
			W_BIT(60) | W_BIT(61) | W_BIT(63));

	/* swap: offset and type, soft-dirty; no frame stepping */
	memset(&e, 0, sizeof(e));
	e.type = PTSCOPE_REC_ENTRY;
	e.level = PTSCOPE_LVL_PTE;
	e.flags = F(SOFT_DIRTY);
	e.state = S(NONPRESENT) | S(SWAP) | S(ANON_EXCL);
	e.swap_type = 3;
	e.swap_offset = 0x1234567;
	KUNIT_EXPECT_EQ(test, ptscope_frame_word(&e),
			0x1234567ULL | (3ULL << 40) | W_KIND(3) | W_LVL(4) |
			W_BIT(55) | W_BIT(58) | W_BIT(63));
	KUNIT_EXPECT_FALSE(test, ptscope_frame_steps(ptscope_frame_word(&e)));

	/* migration: the frame; RW only for a writable one */
	e.flags = 0;
	e.state = S(NONPRESENT) | S(MIGRATION_R);
	e.swap_type = 0;
	e.swap_offset = 0x4321;
	KUNIT_EXPECT_EQ(test, ptscope_frame_word(&e),
			0x4321ULL | W_KIND(4) | W_LVL(4) | W_BIT(63));
	KUNIT_EXPECT_TRUE(test, ptscope_frame_steps(ptscope_frame_word(&e)));
	e.state = S(NONPRESENT) | S(MIGRATION_W);
	KUNIT_EXPECT_EQ(test, ptscope_frame_word(&e),
			0x4321ULL | W_KIND(4) | W_LVL(4) | W_BIT(51) |
			W_BIT(63));

	/* device, marker, other */
	e.state = S(NONPRESENT) | S(DEV_PRIVATE);
	KUNIT_EXPECT_EQ(test, ptscope_frame_word(&e),
			0x4321ULL | W_KIND(5) | W_LVL(4) | W_BIT(63));
	e.state = S(NONPRESENT) | S(PTE_MARKER);
	e.flags = F(UFFD_WP);
	KUNIT_EXPECT_EQ(test, ptscope_frame_word(&e),
			W_KIND(6) | W_LVL(4) | W_BIT(56) | W_BIT(63));
	KUNIT_EXPECT_FALSE(test, ptscope_frame_steps(ptscope_frame_word(&e)));
	e.state = S(NONPRESENT);
	e.flags = 0;
	KUNIT_EXPECT_EQ(test, ptscope_frame_word(&e),
			W_KIND(7) | W_LVL(4) | W_BIT(63));

	/* the macros of the ABI agree with the positions above */
	KUNIT_EXPECT_EQ(test, PTSCOPE_FR_KIND(W_KIND(5) | W_LVL(2)), 5ULL);
	KUNIT_EXPECT_EQ(test, PTSCOPE_FR_LEVEL(W_KIND(5) | W_LVL(2)), 2ULL);
	KUNIT_EXPECT_EQ(test, PTSCOPE_FR_SWP_TYPE(0x1fULL << 40), 0x1fULL);
	KUNIT_EXPECT_EQ(test, PTSCOPE_FR_FRAME_MASK, BIT_ULL(40) - 1);
}

static struct kunit_case decode_test_cases[] = {
	KUNIT_CASE_PARAM(decode_flags_test, flags_gen_params),
	KUNIT_CASE(decode_linux_bits_test),
	KUNIT_CASE_PARAM(decode_leaf_pfn_test, pfn_gen_params),
	KUNIT_CASE(decode_protnone_pfn_test),
	KUNIT_CASE(decode_nonpresent_test),
	KUNIT_CASE(decode_level_test),
	KUNIT_CASE(frame_word_test),
	{}
};

static struct kunit_suite decode_test_suite = {
	.name = "ptscope_decode",
	.test_cases = decode_test_cases,
};

kunit_test_suite(decode_test_suite);
