// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope: choose the source.  --source module insists on ptscope.ko,
 * --source proc never tries it, auto (the default) uses the module when
 * its query file can be opened and /proc otherwise, with a note.
 *
 * PTSCOPE_REPLAY=FILE in the environment replaces the module by a saved
 * record stream (for tests, or to look at a guest's answer elsewhere).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pts.h"

static int proc_gather(struct pts_ctx *ctx, struct pts_query *q,
		       struct pts_model *m)
{
	if (q->xlate) {
		q->start &= ~(PTS_SZ_2M - 1);
		q->end = q->start + PTS_SZ_2M;
	}
	return pts_proc_gather(ctx, q, m);
}

/**
 * pts_gather - fill the model from the chosen source
 * @ctx: context: --source, errors
 * @q: what to collect; start and end are rounded out to whole pages
 * @m: the model, initialised
 *
 * Errors are reported here.
 *
 * Return: 0 or a negative errno.
 */
int pts_gather(struct pts_ctx *ctx, const struct pts_query *q,
	       struct pts_model *m)
{
	struct pts_query pq = *q;
	int err;

	pq.start &= ~(PTS_PAGE_SIZE - 1);
	if (pq.end & (PTS_PAGE_SIZE - 1))
		pq.end = (pq.end | (PTS_PAGE_SIZE - 1)) + 1;

	if (ctx->source == PTS_SRC_PROC)
		return proc_gather(ctx, &pq, m);
	if (getenv("PTSCOPE_REPLAY"))
		return pts_module_replay(ctx, getenv("PTSCOPE_REPLAY"), &pq, m);

	err = pts_module_available();
	if (!err)
		return pts_module_gather(ctx, &pq, m);
	if (ctx->source == PTS_SRC_MODULE)
		return pts_error(ctx, err, "ptscope.ko: %s/query",
				 PTSCOPE_DEBUGFS_DIR);
	pts_model_note(m, "ptscope.ko not available (%s/query: %s), using /proc",
		       PTSCOPE_DEBUGFS_DIR, strerror(-err));
	return proc_gather(ctx, &pq, m);
}
