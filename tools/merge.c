// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope: entry filters and ptdump-style runs: consecutive entries with
 * equal attributes are merged, a change of attributes starts a new run.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "pts.h"

/**
 * pts_filter_match - does an entry pass the filter
 * @f: the filter, or NULL for none
 * @e: the entry
 *
 * Every flag, state and kind named must be there, every one negated must
 * not; --size keeps present leaves of that page size only.
 *
 * Return: true to keep @e.
 */
bool pts_filter_match(const struct pts_filter *f, const struct pts_entry *e)
{
	unsigned int kind = 1U << e->kind;

	if (!f)
		return true;
	if (f->size && (e->kind != PTS_PRESENT ||
			e->level != pts_level_of_size(f->size)))
		return false;
	if ((f->kinds_set & ~kind) || (f->kinds_clear & kind))
		return false;
	if ((e->flags & f->flags_set) != f->flags_set ||
	    (e->flags & f->flags_clear))
		return false;
	if ((e->state & f->state_set) != f->state_set ||
	    (e->state & f->state_clear))
		return false;
	return true;
}

/**
 * pts_parse_state_filter - parse a --state list into @f
 * @s: names of PTSCOPE_S_* states, "present" or "hole"; '!' negates
 * @f: filter updated
 * @bad: on error, the first bad name
 *
 * Return: 0 or -EINVAL.
 */
int pts_parse_state_filter(const char *s, struct pts_filter *f,
			   const char **bad)
{
	static const struct pts_name kinds[] = {
		{ 1U << PTS_PRESENT, "present", NULL },
		{ 1U << PTS_HOLE, "hole", NULL },
	};
	__u64 set, clear;
	size_t len;
	bool neg;
	char tok[32];
	int err;

	while (*s) {
		neg = *s == '!' || *s == '^';
		len = strcspn(s, ",");
		if (len >= sizeof(tok)) {
			*bad = s;
			return -EINVAL;
		}
		memcpy(tok, s, len);
		tok[len] = '\0';
		set = 0;
		clear = 0;
		err = pts_parse_names(tok, kinds, ARRAY_SIZE(kinds), &set,
				      &clear, NULL);
		if (!err) {
			f->kinds_set |= set;
			f->kinds_clear |= clear;
		} else {
			err = pts_parse_names(tok, pts_state_names,
					      pts_nr_state_names,
					      &f->state_set, &f->state_clear,
					      NULL);
			if (err) {
				*bad = s + neg;
				return err;
			}
		}
		s += len;
		if (*s == ',')
			s++;
	}
	return 0;
}

static bool same_run(const struct pts_entry *first,
		     const struct pts_entry *last, const struct pts_entry *e)
{
	if (last->va + last->size != e->va)
		return false;
	if (e->kind != first->kind || e->vma != first->vma)
		return false;
	if (e->kind == PTS_HOLE)
		return true;
	return e->level == first->level && e->flags == first->flags &&
	       e->state == first->state && e->pkey == first->pkey;
}

/**
 * pts_merge - filter entries and merge runs of equal attributes
 * @ents: entries, address order
 * @n: number of entries
 * @f: filter, or NULL
 * @merge: merge runs; false gives one run per entry
 * @runs: room for @n runs
 *
 * Entries merge when they are contiguous, in the same VMA, of the same
 * kind, and (except holes) of the same level, flags, state and pkey.
 * Holes of different levels merge into one run of level PTS_LVL_MIXED.
 *
 * Return: the number of runs.
 */
size_t pts_merge(const struct pts_entry *ents, size_t n,
		 const struct pts_filter *f, bool merge, struct pts_run *runs)
{
	const struct pts_entry *last = NULL, *e;
	struct pts_run *r = NULL;
	size_t i, nr = 0;

	for (i = 0; i < n; i++) {
		e = &ents[i];
		if (!pts_filter_match(f, e))
			continue;
		if (merge && r && same_run(r->first, last, e)) {
			if (e->kind == PTS_PRESENT &&
			    e->pfn != last->pfn + last->size / PTS_PAGE_SIZE)
				r->contig = false;
			if (e->level != r->level)
				r->level = PTS_LVL_MIXED;
			r->size = e->va + e->size - r->va;
			r->count++;
			last = e;
			continue;
		}
		r = &runs[nr++];
		r->first = e;
		r->va = e->va;
		r->size = e->size;
		r->count = 1;
		r->level = e->level;
		r->contig = true;
		last = e;
	}
	return nr;
}
