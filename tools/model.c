// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope: the model.  Sources append VMAs and entries in address order;
 * renderers only read it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "pts.h"

/**
 * pts_model_init - an empty model
 * @m: the model
 */
void pts_model_init(struct pts_model *m)
{
	memset(m, 0, sizeof(*m));
	m->vmpte = -1;
}

/**
 * pts_model_free - free what the model holds
 * @m: the model; left empty
 */
void pts_model_free(struct pts_model *m)
{
	size_t i;

	for (i = 0; i < m->nr_vmas; i++)
		free(m->vmas[i].name);
	for (i = 0; i < m->nr_notes; i++)
		free(m->notes[i]);
	free(m->vmas);
	free(m->entries);
	pts_model_init(m);
}

static int grow(void **arr, size_t *cap, size_t nr, size_t size)
{
	size_t ncap;
	void *p;

	if (nr < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 64;
	p = realloc(*arr, ncap * size);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

/**
 * pts_model_add_vma - append a zeroed VMA
 * @m: the model
 *
 * Return: the VMA, or NULL when out of memory.
 */
struct pts_vma *pts_model_add_vma(struct pts_model *m)
{
	struct pts_vma *v;

	if (grow((void **)&m->vmas, &m->cap_vmas, m->nr_vmas, sizeof(*v)))
		return NULL;
	v = &m->vmas[m->nr_vmas++];
	memset(v, 0, sizeof(*v));
	v->page_size = PTS_PAGE_SIZE;
	return v;
}

/**
 * pts_model_add_entry - append a zeroed entry
 * @m: the model
 *
 * Return: the entry, or NULL when out of memory.
 */
struct pts_entry *pts_model_add_entry(struct pts_model *m)
{
	struct pts_entry *e;

	if (grow((void **)&m->entries, &m->cap_entries, m->nr_entries,
		 sizeof(*e)))
		return NULL;
	e = &m->entries[m->nr_entries++];
	memset(e, 0, sizeof(*e));
	e->level = PTS_LVL_UNKNOWN;
	return e;
}

/**
 * pts_model_add_hole - append a hole, or extend the last one
 * @m: the model
 * @vma: model index of the VMA
 * @va: start of the hole
 * @size: its length
 * @level: level where it was seen, or PTS_LVL_UNKNOWN
 *
 * Return: 0 or -ENOMEM.
 */
int pts_model_add_hole(struct pts_model *m, __u32 vma, __u64 va, __u64 size,
		       int level)
{
	struct pts_entry *e;

	if (m->nr_entries) {
		e = &m->entries[m->nr_entries - 1];
		if (e->kind == PTS_HOLE && e->vma == vma &&
		    e->level == level && e->va + e->size == va) {
			e->size += size;
			return 0;
		}
	}
	e = pts_model_add_entry(m);
	if (!e)
		return -ENOMEM;
	e->kind = PTS_HOLE;
	e->vma = vma;
	e->va = va;
	e->size = size;
	e->level = level;
	return 0;
}

/**
 * pts_model_count - account an entry in its VMA's page counts
 * @m: the model
 * @e: the entry, already in @m
 */
void pts_model_count(struct pts_model *m, const struct pts_entry *e)
{
	struct pts_vma *v;
	int idx;

	if (e->vma >= m->nr_vmas)
		return;
	v = &m->vmas[e->vma];
	if (e->kind == PTS_SWAP) {
		v->swapped++;
		return;
	}
	if (e->kind != PTS_PRESENT)
		return;
	idx = pts_size_index(e->size);
	if (idx < 0 && e->level == PTSCOPE_LVL_PMD)
		idx = 1;	/* a huge leaf clipped by the range */
	else if (idx < 0 && e->level == PTSCOPE_LVL_PUD)
		idx = 2;
	if (idx >= 0)
		v->present[idx]++;
}

/**
 * pts_model_note - add a note about the source (shown on stderr or in JSON)
 * @m: the model
 * @fmt: printf format
 */
void pts_model_note(struct pts_model *m, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (m->nr_notes >= PTS_MAX_NOTES)
		return;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) >= 0)
		m->notes[m->nr_notes++] = s;
	va_end(ap);
}

/**
 * pts_model_find_vma - the VMA holding @va
 * @m: the model
 * @va: an address
 *
 * Return: its index, or -1.
 */
int pts_model_find_vma(const struct pts_model *m, __u64 va)
{
	size_t i;

	for (i = 0; i < m->nr_vmas; i++)
		if (va >= m->vmas[i].start && va < m->vmas[i].end)
			return i;
	return -1;
}

/**
 * pts_source_name - "module" or "proc"
 * @source: PTS_SRC_*
 *
 * Return: a static string.
 */
const char *pts_source_name(int source)
{
	switch (source) {
	case PTS_SRC_MODULE:
		return "module";
	case PTS_SRC_PROC:
		return "proc";
	default:
		return "auto";
	}
}
