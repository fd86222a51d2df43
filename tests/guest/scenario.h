/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scenario.h - build known page-table state in a child process and keep it
 * alive while a test looks at it.
 *
 * scn_start() forks a child that maps, touches and protects a fixed set of
 * regions, then sends its layout (addresses and per-page expectations) up a
 * pipe and blocks reading a command pipe.  The test inspects the child, may
 * send commands (scn_command()), and ends it with scn_stop().  The child
 * dies with its parent (PR_SET_PDEATHSIG) and on EOF of the command pipe.
 *
 * While blocked in read() the child touches no memory of its own regions,
 * so their state only changes through the kernel (reclaim, compaction,
 * khugepaged); tests that compare two views snapshot twice to notice that.
 */
#ifndef PTSCOPE_SCENARIO_H
#define PTSCOPE_SCENARIO_H

#include <stdint.h>
#include <sys/types.h>

#define SCN_MAX_REGIONS	20
#define SCN_MAX_PROBES	64

/* What a probe page is expected to be (struct scn_probe.exp) */
#define EXP_PRESENT	(1U << 0)	/* pagemap/entry present */
#define EXP_ABSENT	(1U << 1)	/* nothing mapped */
#define EXP_RW		(1U << 2)	/* written: entry writable */
#define EXP_RO		(1U << 3)	/* entry must not be writable */
#define EXP_ZERO	(1U << 4)	/* read fault: the shared zero page */
#define EXP_PROTNONE	(1U << 5)	/* mapped, but PROT_NONE */
#define EXP_SD		(1U << 6)	/* soft-dirty set (after 'S') */
#define EXP_CLEAN	(1U << 7)	/* soft-dirty clear (after 'S') */

/* struct scn_region.flags */
#define SCN_R_VALID	(1U << 0)	/* the region exists */
#define SCN_R_HUGE	(1U << 1)	/* meant to be mapped by a PMD leaf */
#define SCN_R_HUGETLB	(1U << 2)
#define SCN_R_HIGH	(1U << 3)	/* mapped above 128 TiB */
#define SCN_R_FILE	(1U << 4)	/* backed by the scenario file */

/* Commands (scn_command()) */
#define SCN_CMD_SOFTDIRTY 'S'	/* clear_refs 4, then rewrite region "sd" */
#define SCN_CMD_PING	'P'	/* just resend the layout */

struct scn_probe {
	uint64_t off;		/* byte offset of the page in the region */
	uint32_t exp;		/* EXP_* */
	uint32_t pad;
};

struct scn_region {
	char name[24];
	uint64_t addr;		/* start, page aligned */
	uint64_t len;		/* bytes */
	uint32_t prot;		/* final PROT_* */
	uint32_t flags;		/* SCN_R_* */
	uint32_t nprobes;
	uint32_t pad;
	struct scn_probe probe[SCN_MAX_PROBES];
};

struct scn_layout {
	uint32_t magic;
	uint32_t nregions;
	int32_t stage;		/* 0 built, 1 after SCN_CMD_SOFTDIRTY */
	int32_t high_tried;	/* a hint above 128 TiB was tried */
	int32_t high_honoured;	/* ... and the kernel used it (5-level) */
	int32_t softdirty_err;	/* errno of writing clear_refs, 0 = ok */
	int32_t build_err;	/* errno that stopped the build, 0 = ok */
	char build_what[64];	/* ... and what failed */
	char hugetlb_why[128];	/* why there is no hugetlb region */
	char hugetlb1g_why[128];	/* why there is no hugetlb1g region */
	char file_path[64];
	struct scn_region r[SCN_MAX_REGIONS];
};

struct scn {
	pid_t pid;
	int cmd_fd;		/* test -> child */
	int rep_fd;		/* child -> test */
	struct scn_layout lay;
};

/**
 * scn_start() - fork the scenario child and wait for its layout.
 * @s: filled in
 * Return: 0 or -errno (the child's build error if it failed).
 */
int scn_start(struct scn *s);

/** scn_command() - send @cmd, wait for the updated layout. */
int scn_command(struct scn *s, char cmd);

/** scn_stop() - end the child, reap it, remove the scenario file. */
void scn_stop(struct scn *s);

/** scn_find() - the valid region called @name, or NULL */
const struct scn_region *scn_find(const struct scn_layout *l,
				  const char *name);

/** scn_probe_va() - virtual address of probe @i of @r */
static inline uint64_t scn_probe_va(const struct scn_region *r, unsigned int i)
{
	return r->addr + r->probe[i].off;
}

/** scn_exp_str() - "present,rw,..." for diagnostics (static buffer) */
const char *scn_exp_str(uint32_t exp);

#endif /* PTSCOPE_SCENARIO_H */
