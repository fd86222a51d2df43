// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope aslr: the observed entropy of a set of base addresses, one per
 * run of a program.
 *
 * The method is paxtest's: OR and AND the bases; the bits that are 1 in
 * the OR and 0 in the AND took both values and may carry randomness.  Two
 * kinds of varying bit carry almost none and are discounted ("weak"):
 *
 *  - a bit that is rarely 1, or rarely 0: the kernel computes most bases
 *    as C - r or C + r, r being R random pages; a carry or borrow out of
 *    r's field flips the bit above it in only a fraction of the runs
 *    (e.g. mmap_base = PAGE_ALIGN(TASK_SIZE - gap - rnd), arch/x86/mm/
 *    mmap.c).  A bit counts only when at least 1/PTS_ENT_WEAK_DEN of the
 *    runs have it 1 and at least as many have it 0.
 *  - a carry bit that happens to be balanced: when C's low bits are about
 *    half of r's range, the bit above flips in about half of the runs.
 *    The offsets from the lowest base, v - min, remove C and its carries
 *    (for v = C - r they are r_max - r, below 2^R), so a bit counts only
 *    when it is also balanced, by the same rule, in the offsets.  Offsets
 *    alone are not enough either: with random fields separated by fixed
 *    bits, a borrow across the gap sets the gap bits in the offsets; those
 *    never vary in the bases themselves.
 *
 * So for uniform random bits the count is their number with near
 * certainty once there are a few dozen runs: a fair bit is outside
 * [1/4, 3/4] of 200 runs with probability 2 * P(Binomial(200, 1/2) < 50),
 * about 1.5e-12.  The count is never above the number of random bits of a
 * C +- r base: the offsets are below r's range.
 */
#include <errno.h>
#include <math.h>

#include "pts.h"

static bool balanced(size_t ones, size_t n)
{
	return ones * PTS_ENT_WEAK_DEN >= n &&
	       (n - ones) * PTS_ENT_WEAK_DEN >= n;
}

/**
 * pts_entropy - observed entropy of a set of bases
 * @v: the bases, one per run
 * @n: how many (at least 1)
 * @e: filled
 *
 * Return: 0, or -EINVAL when @n is 0.
 */
int pts_entropy(const __u64 *v, size_t n, struct pts_entropy *e)
{
	size_t ones[64] = { 0 }, dones[64] = { 0 };
	size_t i;
	__u64 d;
	int b;

	if (!n)
		return -EINVAL;
	e->n = n;
	e->min = e->max = e->or_all = e->and_all = v[0];
	for (i = 1; i < n; i++) {
		if (v[i] < e->min)
			e->min = v[i];
		if (v[i] > e->max)
			e->max = v[i];
		e->or_all |= v[i];
		e->and_all &= v[i];
	}
	e->varying = e->or_all ^ e->and_all;
	for (i = 0; i < n; i++) {
		d = v[i] - e->min;
		for (b = 0; b < 64; b++) {
			if (!(e->varying & BIT_ULL(b)))
				continue;
			ones[b] += !!(v[i] & BIT_ULL(b));
			dones[b] += !!(d & BIT_ULL(b));
		}
	}
	e->counted = 0;
	for (b = 0; b < 64; b++)
		if ((e->varying & BIT_ULL(b)) && balanced(ones[b], n) &&
		    balanced(dones[b], n))
			e->counted |= BIT_ULL(b);
	e->nr_varying = __builtin_popcountll(e->varying);
	e->bits = __builtin_popcountll(e->counted);
	if (e->varying)
		e->align_shift = __builtin_ctzll(e->varying);
	else
		e->align_shift = e->or_all ? __builtin_ctzll(e->or_all) : 64;
	if (e->align_shift >= 64)
		e->spread_bits = 0;
	else
		e->spread_bits = log2((double)((e->max - e->min) >>
					       e->align_shift) + 1.0);
	return 0;
}
