/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ptscope: kernel-version differences of the TLB flush (flush.c).
 *
 * Kept apart from compat.h, which the walker owns; the same rules hold:
 * HAVE_* macros from feature probes, no version numbers elsewhere.
 *
 * A module cannot flush one mm of another process on x86: flush_tlb_mm_range()
 * and flush_tlb_all() are not exported.  What it can do is flush a whole
 * TLB (every PCID, global entries included) on the CPU it runs on:
 *  - invpcid_flush_all(), a header inline, where the CPU has INVPCID;
 *  - __flush_tlb_all(), exported (GPL) up to the kernels that restrict
 *    KVM-only exports with EXPORT_SYMBOL_FOR_KVM(), which came in the same
 *    change that restricted __flush_tlb_all().
 */
#ifndef _PTSCOPE_FLUSH_COMPAT_H
#define _PTSCOPE_FLUSH_COMPAT_H

#include <linux/kvm_types.h>
#include <asm/cpufeature.h>
#include <asm/invpcid.h>
#include <asm/tlbflush.h>

/* __flush_tlb_all() is exported to every GPL module */
#ifndef EXPORT_SYMBOL_FOR_KVM
#define HAVE_FLUSH_TLB_ALL_EXPORT 1
#endif

/* How a CPU flushes its whole TLB in ptscope_flush_local() */
enum ptscope_flush_method {
	PTSCOPE_FLUSH_NONE,
	PTSCOPE_FLUSH_INVPCID,
	PTSCOPE_FLUSH_TLB_ALL,
};

/**
 * ptscope_flush_method_pick() - the best whole-TLB flush available
 *
 * Return: PTSCOPE_FLUSH_INVPCID when the CPU has INVPCID, else
 * PTSCOPE_FLUSH_TLB_ALL when __flush_tlb_all() is exported, else
 * PTSCOPE_FLUSH_NONE.
 */
static inline enum ptscope_flush_method ptscope_flush_method_pick(void)
{
	if (boot_cpu_has(X86_FEATURE_INVPCID))
		return PTSCOPE_FLUSH_INVPCID;
#ifdef HAVE_FLUSH_TLB_ALL_EXPORT
	return PTSCOPE_FLUSH_TLB_ALL;
#else
	return PTSCOPE_FLUSH_NONE;
#endif
}

/**
 * ptscope_flush_local() - flush this CPU's whole TLB
 * @method: from ptscope_flush_method_pick(), not PTSCOPE_FLUSH_NONE
 *
 * Every PCID (PTI's user PCIDs too) and global entries.  Runs in an IPI
 * or with preemption disabled.
 */
static inline void ptscope_flush_local(enum ptscope_flush_method method)
{
	switch (method) {
	case PTSCOPE_FLUSH_INVPCID:
		invpcid_flush_all();
		break;
	case PTSCOPE_FLUSH_TLB_ALL:
#ifdef HAVE_FLUSH_TLB_ALL_EXPORT
		__flush_tlb_all();
#endif
		break;
	case PTSCOPE_FLUSH_NONE:
		break;
	}
}

/**
 * ptscope_flush_mm_needs_all() - is mm_cpumask() too narrow for a flush
 *
 * Without PCIDs a CPU that switches away from an mm loses its entries, so
 * the CPUs that may cache them are those in mm_cpumask().  With PCIDs a
 * CPU leaves the mask but keeps the entries under the mm's PCID, and the
 * kernel makes it flush them on its return through the mm's TLB
 * generation, which is not available to modules (inc_mm_tlb_gen() is
 * !MODULE); 6.15+ broadcast ASIDs (INVLPGB) need PCIDs too.  Only every
 * CPU is then a sure superset.
 *
 * Return: true when a per-mm flush must go to every CPU.
 */
static inline bool ptscope_flush_mm_needs_all(void)
{
	return boot_cpu_has(X86_FEATURE_PCID);
}

#endif /* _PTSCOPE_FLUSH_COMPAT_H */
