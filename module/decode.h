/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ptscope: decoding of entries, pages and VMAs into ABI records.
 */
#ifndef _PTSCOPE_DECODE_H
#define _PTSCOPE_DECODE_H

#include <linux/types.h>
#include <linux/mm_types.h>
#include <linux/pgtable.h>

#include "uapi/ptscope.h"

struct ptscope_xlate_step;

u64 ptscope_decode_flags(u64 raw, int level, bool present);
unsigned long ptscope_leaf_pfn(u64 raw, int level);
void ptscope_decode_leaf(struct ptscope_rec_entry *e,
			 struct vm_area_struct *vma, int level, u64 raw,
			 unsigned long addr, unsigned long size);
void ptscope_decode_nonpresent(struct ptscope_rec_entry *e,
			       struct vm_area_struct *vma, int level, u64 raw,
			       unsigned long addr, unsigned long size);
u64 ptscope_frame_word(const struct ptscope_rec_entry *e);
bool ptscope_frame_steps(u64 word);
void ptscope_frame_ptes(struct vm_area_struct *vma, pte_t *ptep,
			unsigned int n, u64 *out);
void ptscope_decode_vma(struct ptscope_rec_vma *r, struct vm_area_struct *vma,
			u32 index, char *scratch, size_t scratch_len);
void ptscope_decode_level(struct ptscope_rec_level *r,
			  const struct ptscope_xlate_step *step,
			  unsigned long addr);

#endif /* _PTSCOPE_DECODE_H */
