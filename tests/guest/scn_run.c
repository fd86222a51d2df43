// SPDX-License-Identifier: GPL-2.0
/*
 * scn_run - build the test scenario (scenario.h) in a child process,
 * print its layout and keep it alive until stdin reaches EOF, so the
 * ptscope tools can be tried on known state by hand:
 *
 *	scn_run | (read first line; ptscope ...)
 *
 * A line "S" on stdin runs the soft-dirty step and prints the layout again.
 */
#include <stdio.h>
#include <string.h>

#include "scenario.h"

static void print_layout(const struct scn *s)
{
	unsigned int i, j;

	printf("pid %d stage %d high_honoured %d\n", (int)s->pid,
	       s->lay.stage, s->lay.high_honoured);
	if (s->lay.hugetlb_why[0])
		printf("# no hugetlb region: %s\n", s->lay.hugetlb_why);
	for (i = 0; i < s->lay.nregions; i++) {
		const struct scn_region *r = &s->lay.r[i];

		printf("region %-14s %#014llx-%#014llx prot %u probes %u\n",
		       r->name, (unsigned long long)r->addr,
		       (unsigned long long)(r->addr + r->len), r->prot,
		       r->nprobes);
		for (j = 0; j < r->nprobes; j++)
			printf("  %#014llx %s\n",
			       (unsigned long long)scn_probe_va(r, j),
			       scn_exp_str(r->probe[j].exp));
	}
	fflush(stdout);
}

int main(void)
{
	char line[64];
	struct scn s;
	int ret;

	ret = scn_start(&s);
	if (ret) {
		fprintf(stderr, "scn_run: %s\n", strerror(-ret));
		return 1;
	}
	print_layout(&s);
	while (fgets(line, sizeof(line), stdin)) {
		if (line[0] == 'S') {
			ret = scn_command(&s, 'S');
			if (ret)
				break;
			print_layout(&s);
		}
	}
	scn_stop(&s);
	return ret ? 1 : 0;
}
