// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: record encoding (include/uapi/ptscope.h, module/rec.h).
 *
 * The binary stream is an ABI read by tools built separately, possibly by a
 * 32-bit compiler: every record is PTSCOPE_REC_SIZE bytes, and each field
 * sits at the offset its declaration order and the natural alignment of
 * __u32/__u64 give it, with no implicit padding.  The offsets below are
 * worked out by hand from the header's declarations.
 */
#include <kunit/test.h>
#include <linux/stddef.h>
#include <linux/string.h>

#include "uapi/ptscope.h"
#include "rec.h"

#define OFF(type, field)	offsetof(struct ptscope_rec_##type, field)

static void rec_sizes_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, PTSCOPE_REC_SIZE, 128);
	KUNIT_EXPECT_EQ(test, sizeof(struct ptscope_rec_header), (size_t)128);
	KUNIT_EXPECT_EQ(test, sizeof(struct ptscope_rec_vma), (size_t)128);
	KUNIT_EXPECT_EQ(test, sizeof(struct ptscope_rec_entry), (size_t)128);
	KUNIT_EXPECT_EQ(test, sizeof(struct ptscope_rec_level), (size_t)128);
	KUNIT_EXPECT_EQ(test, sizeof(struct ptscope_rec_stats), (size_t)128);
	KUNIT_EXPECT_EQ(test, sizeof(struct ptscope_rec_end), (size_t)128);
	KUNIT_EXPECT_EQ(test, sizeof(union ptscope_rec), (size_t)128);
}

static void rec_header_layout_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, OFF(header, type), (size_t)0);
	KUNIT_EXPECT_EQ(test, OFF(header, rec_size), (size_t)4);
	KUNIT_EXPECT_EQ(test, OFF(header, magic), (size_t)8);
	KUNIT_EXPECT_EQ(test, OFF(header, version), (size_t)16);
	KUNIT_EXPECT_EQ(test, OFF(header, pid), (size_t)20);
	KUNIT_EXPECT_EQ(test, OFF(header, start), (size_t)24);
	KUNIT_EXPECT_EQ(test, OFF(header, end), (size_t)32);
	KUNIT_EXPECT_EQ(test, OFF(header, features), (size_t)40);
	KUNIT_EXPECT_EQ(test, OFF(header, pgtable_levels), (size_t)48);
	KUNIT_EXPECT_EQ(test, OFF(header, page_shift), (size_t)52);
	KUNIT_EXPECT_EQ(test, OFF(header, virt_bits), (size_t)56);
	KUNIT_EXPECT_EQ(test, OFF(header, phys_bits), (size_t)60);
	KUNIT_EXPECT_EQ(test, OFF(header, task_size), (size_t)64);
	KUNIT_EXPECT_EQ(test, OFF(header, max_pfn), (size_t)72);
	KUNIT_EXPECT_EQ(test, OFF(header, reserved), (size_t)80);
}

static void rec_vma_layout_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, OFF(vma, index), (size_t)4);
	KUNIT_EXPECT_EQ(test, OFF(vma, start), (size_t)8);
	KUNIT_EXPECT_EQ(test, OFF(vma, end), (size_t)16);
	KUNIT_EXPECT_EQ(test, OFF(vma, vm_flags), (size_t)24);
	KUNIT_EXPECT_EQ(test, OFF(vma, pgoff), (size_t)32);
	KUNIT_EXPECT_EQ(test, OFF(vma, ino), (size_t)40);
	KUNIT_EXPECT_EQ(test, OFF(vma, dev_major), (size_t)48);
	KUNIT_EXPECT_EQ(test, OFF(vma, dev_minor), (size_t)52);
	KUNIT_EXPECT_EQ(test, OFF(vma, kind), (size_t)56);
	KUNIT_EXPECT_EQ(test, OFF(vma, reserved0), (size_t)60);
	KUNIT_EXPECT_EQ(test, OFF(vma, name), (size_t)64);
	/* the name is 64 bytes: it ends the record */
	KUNIT_EXPECT_EQ(test, sizeof(((struct ptscope_rec_vma *)0)->name),
			(size_t)64);
}

static void rec_entry_layout_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, OFF(entry, level), (size_t)4);
	KUNIT_EXPECT_EQ(test, OFF(entry, va), (size_t)8);
	KUNIT_EXPECT_EQ(test, OFF(entry, size), (size_t)16);
	KUNIT_EXPECT_EQ(test, OFF(entry, raw), (size_t)24);
	KUNIT_EXPECT_EQ(test, OFF(entry, pfn), (size_t)32);
	KUNIT_EXPECT_EQ(test, OFF(entry, flags), (size_t)40);
	KUNIT_EXPECT_EQ(test, OFF(entry, state), (size_t)48);
	KUNIT_EXPECT_EQ(test, OFF(entry, vma_index), (size_t)56);
	KUNIT_EXPECT_EQ(test, OFF(entry, pkey), (size_t)60);
	KUNIT_EXPECT_EQ(test, OFF(entry, mapcount), (size_t)64);
	KUNIT_EXPECT_EQ(test, OFF(entry, refcount), (size_t)68);
	KUNIT_EXPECT_EQ(test, OFF(entry, folio_order), (size_t)72);
	KUNIT_EXPECT_EQ(test, OFF(entry, swap_type), (size_t)76);
	KUNIT_EXPECT_EQ(test, OFF(entry, swap_offset), (size_t)80);
	KUNIT_EXPECT_EQ(test, OFF(entry, reserved), (size_t)88);
}

static void rec_level_stats_end_layout_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, OFF(level, level), (size_t)4);
	KUNIT_EXPECT_EQ(test, OFF(level, va), (size_t)8);
	KUNIT_EXPECT_EQ(test, OFF(level, table_pa), (size_t)16);
	KUNIT_EXPECT_EQ(test, OFF(level, entry_pa), (size_t)24);
	KUNIT_EXPECT_EQ(test, OFF(level, raw), (size_t)32);
	KUNIT_EXPECT_EQ(test, OFF(level, flags), (size_t)40);
	KUNIT_EXPECT_EQ(test, OFF(level, index), (size_t)48);
	KUNIT_EXPECT_EQ(test, OFF(level, shift), (size_t)52);
	KUNIT_EXPECT_EQ(test, OFF(level, leaf), (size_t)56);
	KUNIT_EXPECT_EQ(test, OFF(level, present), (size_t)60);
	KUNIT_EXPECT_EQ(test, OFF(level, pa), (size_t)64);
	KUNIT_EXPECT_EQ(test, OFF(level, reserved), (size_t)72);

	KUNIT_EXPECT_EQ(test, OFF(stats, nr_levels), (size_t)4);
	KUNIT_EXPECT_EQ(test, OFF(stats, tables), (size_t)8);
	KUNIT_EXPECT_EQ(test, OFF(stats, leaves), (size_t)48);
	KUNIT_EXPECT_EQ(test, OFF(stats, nonpresent), (size_t)88);
	KUNIT_EXPECT_EQ(test, OFF(stats, holes), (size_t)96);
	KUNIT_EXPECT_EQ(test, OFF(stats, reserved), (size_t)104);

	KUNIT_EXPECT_EQ(test, OFF(end, error), (size_t)4);
	KUNIT_EXPECT_EQ(test, OFF(end, nr_records), (size_t)8);
	KUNIT_EXPECT_EQ(test, OFF(end, reserved), (size_t)16);
}

/* "PTSCOPE1" in memory, and the record type is the first __u32 of all */
static void rec_magic_and_type_test(struct kunit *test)
{
	union ptscope_rec rec;
	u64 magic = PTSCOPE_MAGIC;

	KUNIT_EXPECT_EQ(test, memcmp(&magic, "PTSCOPE1", 8), 0);

	memset(&rec, 0, sizeof(rec));
	rec.hdr.type = PTSCOPE_REC_HEADER;
	rec.hdr.magic = PTSCOPE_MAGIC;
	KUNIT_EXPECT_EQ(test, rec.type, (u32)PTSCOPE_REC_HEADER);
	KUNIT_EXPECT_EQ(test, memcmp(rec.bytes + 8, "PTSCOPE1", 8), 0);
	rec.ent.type = PTSCOPE_REC_HOLE;
	KUNIT_EXPECT_EQ(test, rec.type, (u32)PTSCOPE_REC_HOLE);
	KUNIT_EXPECT_EQ(test, rec.end.type, (u32)PTSCOPE_REC_HOLE);
	/* little-endian __u32 at offset 0 */
	KUNIT_EXPECT_EQ(test, rec.bytes[0], (u8)PTSCOPE_REC_HOLE);
	KUNIT_EXPECT_EQ(test, rec.bytes[1] | rec.bytes[2] | rec.bytes[3], 0);
}

/* Values the header fixes: types 1..7, levels 0..4, distinct bits */
static void rec_constants_test(struct kunit *test)
{
	static const u64 fbits[] = {
		PTSCOPE_F_PRESENT, PTSCOPE_F_RW, PTSCOPE_F_USER, PTSCOPE_F_PWT,
		PTSCOPE_F_PCD, PTSCOPE_F_ACCESSED, PTSCOPE_F_DIRTY,
		PTSCOPE_F_PSE, PTSCOPE_F_PAT, PTSCOPE_F_GLOBAL, PTSCOPE_F_NX,
		PTSCOPE_F_SOFT_DIRTY, PTSCOPE_F_UFFD_WP, PTSCOPE_F_SPECIAL,
		PTSCOPE_F_DEVMAP, PTSCOPE_F_PROTNONE,
	};
	static const u64 sbits[] = {
		PTSCOPE_S_ANON, PTSCOPE_S_FILE, PTSCOPE_S_SHMEM, PTSCOPE_S_KSM,
		PTSCOPE_S_ZERO, PTSCOPE_S_HUGE_ZERO, PTSCOPE_S_THP,
		PTSCOPE_S_LARGE_FOLIO, PTSCOPE_S_HUGETLB, PTSCOPE_S_ANON_EXCL,
		PTSCOPE_S_COW, PTSCOPE_S_SWAP, PTSCOPE_S_MIGRATION_R,
		PTSCOPE_S_MIGRATION_W, PTSCOPE_S_DEV_PRIVATE,
		PTSCOPE_S_DEV_EXCL, PTSCOPE_S_PTE_MARKER, PTSCOPE_S_NO_PAGE,
		PTSCOPE_S_UNKNOWN_SPECIAL, PTSCOPE_S_PAGE_DIRTY,
		PTSCOPE_S_NONPRESENT,
	};
	u64 all = 0;
	size_t i;

	KUNIT_EXPECT_EQ(test, PTSCOPE_REC_HEADER, 1);
	KUNIT_EXPECT_EQ(test, PTSCOPE_REC_END, 7);
	KUNIT_EXPECT_EQ(test, PTSCOPE_LVL_PGD, 0);
	KUNIT_EXPECT_EQ(test, PTSCOPE_LVL_PTE, 4);
	KUNIT_EXPECT_EQ(test, PTSCOPE_NR_LEVELS, 5);

	/* the flags are bits 0..15 in order, each one bit */
	for (i = 0; i < ARRAY_SIZE(fbits); i++)
		KUNIT_EXPECT_EQ(test, fbits[i], BIT_ULL(i));
	/* the states are bits 0..20 in order */
	for (i = 0; i < ARRAY_SIZE(sbits); i++) {
		KUNIT_EXPECT_EQ(test, sbits[i], BIT_ULL(i));
		all |= sbits[i];
	}
	KUNIT_EXPECT_EQ(test, all, BIT_ULL(ARRAY_SIZE(sbits)) - 1);
}

static struct kunit_case rec_test_cases[] = {
	KUNIT_CASE(rec_sizes_test),
	KUNIT_CASE(rec_header_layout_test),
	KUNIT_CASE(rec_vma_layout_test),
	KUNIT_CASE(rec_entry_layout_test),
	KUNIT_CASE(rec_level_stats_end_layout_test),
	KUNIT_CASE(rec_magic_and_type_test),
	KUNIT_CASE(rec_constants_test),
	{}
};

static struct kunit_suite rec_test_suite = {
	.name = "ptscope_rec",
	.test_cases = rec_test_cases,
};

kunit_test_suite(rec_test_suite);
