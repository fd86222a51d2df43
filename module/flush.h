/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ptscope: TLB flush triggers, the "flush" and "flush_stats" debugfs files.
 * The request and answer formats are in include/uapi/ptscope.h.
 */
#ifndef _PTSCOPE_FLUSH_H
#define _PTSCOPE_FLUSH_H

struct dentry;

void ptscope_flush_init(struct dentry *dir);

#endif /* _PTSCOPE_FLUSH_H */
