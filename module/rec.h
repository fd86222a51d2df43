/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ptscope: one record of the binary stream, any type.
 */
#ifndef _PTSCOPE_REC_H
#define _PTSCOPE_REC_H

#include <linux/build_bug.h>
#include <linux/types.h>

#include "uapi/ptscope.h"

/**
 * union ptscope_rec - a PTSCOPE_REC_SIZE record; @type tells the member
 * @type:	PTSCOPE_REC_*, the first __u32 of every record
 * @hdr:	PTSCOPE_REC_HEADER
 * @vma:	PTSCOPE_REC_VMA
 * @ent:	PTSCOPE_REC_ENTRY and PTSCOPE_REC_HOLE
 * @lvl:	PTSCOPE_REC_LEVEL
 * @st:		PTSCOPE_REC_STATS
 * @end:	PTSCOPE_REC_END
 * @bytes:	the record as bytes
 */
union ptscope_rec {
	__u32 type;
	struct ptscope_rec_header hdr;
	struct ptscope_rec_vma vma;
	struct ptscope_rec_entry ent;
	struct ptscope_rec_level lvl;
	struct ptscope_rec_stats st;
	struct ptscope_rec_end end;
	__u8 bytes[PTSCOPE_REC_SIZE];
};

/* Every ABI record has the one size; called from module init. */
static inline void ptscope_rec_check_sizes(void)
{
	BUILD_BUG_ON(sizeof(struct ptscope_rec_header) != PTSCOPE_REC_SIZE);
	BUILD_BUG_ON(sizeof(struct ptscope_rec_vma) != PTSCOPE_REC_SIZE);
	BUILD_BUG_ON(sizeof(struct ptscope_rec_entry) != PTSCOPE_REC_SIZE);
	BUILD_BUG_ON(sizeof(struct ptscope_rec_level) != PTSCOPE_REC_SIZE);
	BUILD_BUG_ON(sizeof(struct ptscope_rec_stats) != PTSCOPE_REC_SIZE);
	BUILD_BUG_ON(sizeof(struct ptscope_rec_end) != PTSCOPE_REC_SIZE);
	BUILD_BUG_ON(sizeof(union ptscope_rec) != PTSCOPE_REC_SIZE);
}

#endif /* _PTSCOPE_REC_H */
