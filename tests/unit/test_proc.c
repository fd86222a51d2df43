// SPDX-License-Identifier: GPL-2.0
/*
 * The /proc source's decoders: pagemap entries, kpageflags, maps lines,
 * and turning runs of pagemap values into model entries.
 */
#include <errno.h>
#include <linux/kernel-page-flags.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pts.h"

#define PM_PRESENT(pfn)	(PTS_PM_PRESENT | (pfn))
#define KPF(x)		(1ULL << KPF_##x)

static void test_pagemap_present(void **state)
{
	struct pts_pm pm;

	(void)state;
	pts_pagemap_decode(0xa10000000016766aULL, &pm);
	assert_true(pm.present);
	assert_false(pm.swapped);
	assert_true(pm.file_shared);
	assert_true(pm.exclusive);
	assert_false(pm.soft_dirty);
	assert_int_equal(pm.pfn, 0x16766a);

	pts_pagemap_decode(PTS_PM_PRESENT | PTS_PM_SOFT_DIRTY |
			   PTS_PM_UFFD_WP | PTS_PM_PFN_MASK, &pm);
	assert_true(pm.soft_dirty);
	assert_true(pm.uffd_wp);
	assert_false(pm.file_shared);
	assert_true(pm.pfn == PTS_PM_PFN_MASK);
}

static void test_pagemap_swap(void **state)
{
	struct pts_pm pm;

	(void)state;
	/* type 3, offset 0x12345 */
	pts_pagemap_decode(PTS_PM_SWAP | (0x12345ULL << 5) | 3, &pm);
	assert_false(pm.present);
	assert_true(pm.swapped);
	assert_int_equal(pm.swap_type, 3);
	assert_int_equal(pm.swap_offset, 0x12345);
	assert_int_equal(pm.pfn, 0);

	pts_pagemap_decode(0, &pm);
	assert_false(pm.present);
	assert_false(pm.swapped);
	pts_pagemap_decode(PTS_PM_SOFT_DIRTY, &pm);
	assert_false(pm.present);
	assert_true(pm.soft_dirty);
}

static void test_kpageflags(void **state)
{
	(void)state;
	assert_true(pts_kpf_state(KPF(ANON) | KPF(LRU), false) ==
		    PTSCOPE_S_ANON);
	assert_true(pts_kpf_state(KPF(ANON) | KPF(THP) |
				  KPF(COMPOUND_HEAD), true) ==
		    (PTSCOPE_S_ANON | PTSCOPE_S_THP));
	assert_true(pts_kpf_state(KPF(ANON) | KPF(THP) |
				  KPF(COMPOUND_TAIL), false) ==
		    (PTSCOPE_S_ANON | PTSCOPE_S_LARGE_FOLIO));
	assert_true(pts_kpf_state(KPF(ZERO_PAGE), false) == PTSCOPE_S_ZERO);
	assert_true(pts_kpf_state(KPF(ZERO_PAGE) | KPF(THP), true) ==
		    PTSCOPE_S_HUGE_ZERO);
	assert_true(pts_kpf_state(KPF(ANON) | KPF(KSM), false) ==
		    (PTSCOPE_S_ANON | PTSCOPE_S_KSM));
	assert_true(pts_kpf_state(KPF(HUGE) | KPF(COMPOUND_HEAD), true) ==
		    (PTSCOPE_S_FILE | PTSCOPE_S_HUGETLB));
	assert_true(pts_kpf_state(KPF(SWAPBACKED) | KPF(DIRTY), false) ==
		    (PTSCOPE_S_SHMEM | PTSCOPE_S_PAGE_DIRTY));
	assert_true(pts_kpf_state(KPF(MMAP) | KPF(UPTODATE), false) ==
		    PTSCOPE_S_FILE);
	assert_true(pts_kpf_state(KPF(NOPAGE), false) == PTSCOPE_S_NO_PAGE);
}

static void test_maps_line(void **state)
{
	static const char text[] =
		"5649d17ca000-5649d17cb000 r-xp 00001000 fe:00 18624                  /usr/bin/my prog (deleted)\n";
	static const char stack[] =
		"7ffd413b4000-7ffd413d5000 rw-p 00000000 00:00 0                          [stack]\n";
	struct pts_vma v;

	(void)state;
	memset(&v, 0, sizeof(v));
	assert_int_equal(pts_parse_maps_line(text, &v), 0);
	assert_int_equal(v.start, 0x5649d17ca000ULL);
	assert_int_equal(v.end, 0x5649d17cb000ULL);
	assert_string_equal(v.perms, "r-xp");
	assert_int_equal(v.pgoff, 1);
	assert_int_equal(v.dev_major, 0xfe);
	assert_int_equal(v.dev_minor, 0);
	assert_int_equal(v.ino, 18624);
	assert_string_equal(v.name, "/usr/bin/my prog (deleted)");
	assert_int_equal(pts_vma_kind_guess(&v), PTSCOPE_VMA_FILE);
	free(v.name);

	memset(&v, 0, sizeof(v));
	assert_int_equal(pts_parse_maps_line(stack, &v), 0);
	assert_string_equal(v.name, "[stack]");
	assert_int_equal(pts_vma_kind_guess(&v), PTSCOPE_VMA_STACK);
	free(v.name);

	memset(&v, 0, sizeof(v));
	assert_int_equal(pts_parse_maps_line("7f0000000000-7f0000001000 rw-p 00000000 00:00 0\n",
					     &v), 0);
	assert_string_equal(v.name, "");
	assert_int_equal(pts_vma_kind_guess(&v), PTSCOPE_VMA_ANON);
	v.page_size = 2 << 20;
	assert_int_equal(pts_vma_kind_guess(&v), PTSCOPE_VMA_HUGETLB);
	free(v.name);

	memset(&v, 0, sizeof(v));
	assert_int_equal(pts_parse_maps_line("Rss:    4 kB\n", &v), -EINVAL);
	assert_int_equal(pts_parse_maps_line("2000-1000 rw-p 00000000 00:00 0\n",
					     &v), -EINVAL);
	assert_int_equal(pts_parse_maps_line("VmFlags: rd wr\n", &v),
			 -EINVAL);
}

static void test_kind_names(void **state)
{
	struct pts_vma v = { .page_size = 4096 };

	(void)state;
	v.name = "[heap]";
	assert_int_equal(pts_vma_kind_guess(&v), PTSCOPE_VMA_HEAP);
	v.name = "[vdso]";
	assert_int_equal(pts_vma_kind_guess(&v), PTSCOPE_VMA_VDSO);
	v.name = "[vvar_vclock]";
	assert_int_equal(pts_vma_kind_guess(&v), PTSCOPE_VMA_VVAR);
	v.name = "/dev/zero (deleted)";
	assert_int_equal(pts_vma_kind_guess(&v), PTSCOPE_VMA_SHMEM);
	v.name = "/memfd:x (deleted)";
	assert_int_equal(pts_vma_kind_guess(&v), PTSCOPE_VMA_SHMEM);
	v.name = "[anon:malloc]";
	assert_int_equal(pts_vma_kind_guess(&v), PTSCOPE_VMA_ANON);
	v.name = "[vsyscall]";
	assert_int_equal(pts_vma_kind_guess(&v), PTSCOPE_VMA_SPECIAL);
}

static void model_with_vma(struct pts_model *m, __u64 start, __u64 end,
			   __u32 kind)
{
	struct pts_vma *v;

	pts_model_init(m);
	v = pts_model_add_vma(m);
	v->start = start;
	v->end = end;
	v->kind = kind;
	v->name = strdup("");
}

static void test_fill_small(void **state)
{
	__u64 pm[6] = {
		PM_PRESENT(0x100) | PTS_PM_EXCLUSIVE,
		0,
		PTS_PM_SOFT_DIRTY,	/* soft-dirty hole: still a hole */
		PTS_PM_SWAP | (7ULL << 5) | 1,
		PM_PRESENT(0x200) | PTS_PM_FILE,
		PM_PRESENT(0x201) | PTS_PM_SOFT_DIRTY | PTS_PM_UFFD_WP,
	};
	__u64 kpc[6] = { 1, 0, 0, 0, 3, 1 };
	struct pts_fill f = {
		.vma = 0, .va = 0x10000, .nr = 6, .pm = pm, .kpc = kpc,
	};
	struct pts_model m;
	struct pts_entry *e;

	(void)state;
	model_with_vma(&m, 0x10000, 0x16000, PTSCOPE_VMA_ANON);
	assert_int_equal(pts_fill_pagemap(&m, &f), 0);
	assert_int_equal(m.nr_entries, 5);
	e = m.entries;
	assert_int_equal(e[0].kind, PTS_PRESENT);
	assert_int_equal(e[0].level, PTSCOPE_LVL_PTE);
	assert_int_equal(e[0].pfn, 0x100);
	assert_true(e[0].state == (PTSCOPE_S_ANON | PTS_S_MAPPED_EXCL));
	assert_true(e[0].flags == PTSCOPE_F_PRESENT);
	assert_int_equal(e[0].mapcount, 1);
	/* two none entries: one hole */
	assert_int_equal(e[1].kind, PTS_HOLE);
	assert_int_equal(e[1].va, 0x11000);
	assert_int_equal(e[1].size, 0x2000);
	assert_int_equal(e[2].kind, PTS_SWAP);
	assert_int_equal(e[2].swap_type, 1);
	assert_int_equal(e[2].swap_offset, 7);
	assert_true(e[2].state & PTSCOPE_S_SWAP);
	assert_true(e[3].state == PTSCOPE_S_FILE);
	assert_int_equal(e[3].mapcount, 3);
	assert_true(e[4].flags == (PTSCOPE_F_PRESENT | PTSCOPE_F_SOFT_DIRTY |
				   PTSCOPE_F_UFFD_WP));
	assert_int_equal(m.vmas[0].present[0], 3);
	assert_int_equal(m.vmas[0].swapped, 1);
	pts_model_free(&m);
}

/*
 * Swap-format entries of the kernel's special types (from 22 on: 6.1's
 * MAX_SWAPFILES with all of them configured) are not swap: a uffd-wp PTE
 * marker (6.1: type 30, offset 1, as a guest's pagemap shows it) and a
 * migration entry (6.1: type 25 for a writable one, offset = pfn) are
 * non-present entries; type 21 is swap.
 */
static void test_fill_special_types(void **state)
{
	__u64 pm[3] = {
		PTS_PM_SWAP | PTS_PM_UFFD_WP | (1ULL << 5) | 30,
		PTS_PM_SWAP | (0x4321ULL << 5) | 25,
		PTS_PM_SWAP | (9ULL << 5) | 21,
	};
	struct pts_fill f = { .vma = 0, .va = 0x10000, .nr = 3, .pm = pm };
	struct pts_model m;
	struct pts_entry *e;

	(void)state;
	model_with_vma(&m, 0x10000, 0x13000, PTSCOPE_VMA_SHMEM);
	assert_int_equal(pts_fill_pagemap(&m, &f), 0);
	assert_int_equal(m.nr_entries, 3);
	assert_int_equal(f.special, 2);
	e = m.entries;
	assert_int_equal(e[0].kind, PTS_NONPRESENT);
	assert_true(e[0].state == PTSCOPE_S_NONPRESENT);
	assert_true(e[0].flags == PTSCOPE_F_UFFD_WP);
	assert_int_equal(e[0].swap_type, 30);
	assert_int_equal(e[0].swap_offset, 1);
	assert_int_equal(e[1].kind, PTS_NONPRESENT);
	assert_int_equal(e[1].swap_type, 25);
	assert_int_equal(e[1].swap_offset, 0x4321);
	assert_int_equal(e[2].kind, PTS_SWAP);
	assert_true(e[2].state == (PTSCOPE_S_SWAP | PTSCOPE_S_NONPRESENT));
	assert_int_equal(m.vmas[0].swapped, 1);
	pts_model_free(&m);
}

static __u64 *thp_pages(__u64 va0, size_t n, __u64 pfn, __u64 **kpf)
{
	__u64 *pm = calloc(n, 8);
	size_t i;

	*kpf = calloc(n, 8);
	for (i = 0; i < n; i++) {
		pm[i] = PM_PRESENT(pfn + i) | PTS_PM_EXCLUSIVE;
		(*kpf)[i] = KPF(ANON) | KPF(THP) |
			    (i ? KPF(COMPOUND_TAIL) : KPF(COMPOUND_HEAD));
	}
	(void)va0;
	return pm;
}

static void test_fill_huge_known(void **state)
{
	__u64 *kpf, *pm = thp_pages(0x200000, 1024, 0x4000, &kpf);
	struct pts_fill f = {
		.vma = 0, .va = 0x200000, .nr = 1024, .pm = pm, .kpf = kpf,
		.huge = 2 << 20,
	};
	struct pts_model m;

	(void)state;
	model_with_vma(&m, 0x200000, 0x600000, PTSCOPE_VMA_ANON);
	assert_int_equal(pts_fill_pagemap(&m, &f), 0);
	assert_int_equal(m.nr_entries, 2);
	assert_int_equal(m.entries[0].level, PTSCOPE_LVL_PMD);
	assert_int_equal(m.entries[0].size, 2 << 20);
	assert_int_equal(m.entries[0].pfn, 0x4000);
	assert_true(m.entries[0].state & PTSCOPE_S_THP);
	assert_int_equal(m.entries[1].va, 0x400000);
	assert_int_equal(m.entries[1].pfn, 0x4200);
	assert_int_equal(m.vmas[0].present[1], 2);
	pts_model_free(&m);

	/* clipped: starts in the middle of a huge page */
	model_with_vma(&m, 0x200000, 0x600000, PTSCOPE_VMA_ANON);
	f.va = 0x201000;
	f.pm = pm + 1;
	f.kpf = kpf + 1;
	f.nr = 10;
	assert_int_equal(pts_fill_pagemap(&m, &f), 0);
	assert_int_equal(m.nr_entries, 1);
	assert_int_equal(m.entries[0].va, 0x201000);
	assert_int_equal(m.entries[0].size, 10 * 4096);
	assert_int_equal(m.entries[0].level, PTSCOPE_LVL_PMD);
	assert_int_equal(m.entries[0].pfn, 0x4001);
	pts_model_free(&m);
	free(pm);
	free(kpf);
}

static void test_fill_thp_guess(void **state)
{
	__u64 *kpf, *pm = thp_pages(0x200000, 1024, 0x4000, &kpf);
	struct pts_fill f = {
		.vma = 0, .va = 0x200000, .nr = 1024, .pm = pm, .kpf = kpf,
		.guess_thp = true, .pmd_budget = 2 << 20,
	};
	struct pts_model m;

	(void)state;
	model_with_vma(&m, 0x200000, 0x600000, PTSCOPE_VMA_ANON);
	/* smaps says 2M are PMD-mapped: the first THP is, the second not */
	kpf[512] = KPF(ANON) | KPF(THP) | KPF(COMPOUND_HEAD);
	assert_int_equal(pts_fill_pagemap(&m, &f), 0);
	assert_int_equal(m.entries[0].level, PTSCOPE_LVL_PMD);
	assert_int_equal(m.entries[0].size, 2 << 20);
	assert_int_equal(m.entries[1].level, PTSCOPE_LVL_PTE);
	assert_true(m.entries[1].state & PTSCOPE_S_LARGE_FOLIO);
	assert_int_equal(f.pmd_budget, 0);
	assert_int_equal(m.nr_entries, 1 + 512);
	pts_model_free(&m);

	/* frames not contiguous: not a PMD mapping */
	model_with_vma(&m, 0x200000, 0x600000, PTSCOPE_VMA_ANON);
	pm[100] = PM_PRESENT(0x9999);
	f.pmd_budget = 4 << 20;
	assert_int_equal(pts_fill_pagemap(&m, &f), 0);
	assert_int_equal(m.entries[0].level, PTSCOPE_LVL_PTE);
	assert_int_equal(m.vmas[0].present[1], 1);
	assert_int_equal(m.vmas[0].present[0], 512);
	pts_model_free(&m);
	free(pm);
	free(kpf);
}

static void test_proc_arch(void **state)
{
	struct pts_arch a;

	(void)state;
	pts_proc_arch(&a);
	assert_true(a.levels == 4 || a.levels == 5);
	assert_int_equal(a.virt_bits, a.levels == 5 ? 56 : 47);
	assert_int_equal(a.page_shift, 12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pagemap_present),
		cmocka_unit_test(test_pagemap_swap),
		cmocka_unit_test(test_kpageflags),
		cmocka_unit_test(test_maps_line),
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_fill_small),
		cmocka_unit_test(test_fill_special_types),
		cmocka_unit_test(test_fill_huge_known),
		cmocka_unit_test(test_fill_thp_guess),
		cmocka_unit_test(test_proc_arch),
	};

	return cmocka_run_group_tests_name("proc", tests, NULL, NULL);
}
