/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ptscope: the frames view, one word per 4K page (view=frames).
 */
#ifndef _PTSCOPE_FRAMES_H
#define _PTSCOPE_FRAMES_H

#include <linux/types.h>

#include "gen.h"

/* Pages walked per mmap lock hold, and the words of the per-open buffer */
#define PTSCOPE_FRAMES_CHUNK	4096

ssize_t ptscope_frames_read(const struct ptscope_target *t, u64 *buf,
			    char __user *ubuf, size_t count, loff_t *ppos);

#endif /* _PTSCOPE_FRAMES_H */
