/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * evsim kernels: every kernel revision of the revisions table
 * (sim/kernel.c), one a line with its one-line summary, then the behaviour
 * switches it sets, or the model of its own it selects.
 */
#include <stdio.h>
#include <string.h>

#include "kernel.h"

int cmd_kernels(int argc, char **argv);

int
cmd_kernels(int argc, char **argv)
{
	const struct sim_revision *rev;
	int i;

	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		printf("usage: evsim kernels\n\nLists every kernel revision "
		       "that --kernel and a scenario's 'kernel' accept,\nwith "
		       "its summary and behaviour switches.\n");
		return (0);
	}
	if (argc != 1) {
		fprintf(stderr, "usage: evsim kernels\n");
		return (2);
	}
	for (i = 0; (rev = sim_revision_at(i)) != NULL; i++) {
		printf("%-20s %s\n", rev->rev_name, rev->rev_summary);
		if (rev->rev_kops != NULL)
			printf("%-20s   model of its own\n", "");
		if (rev->rev_cponfork_m0)
			printf("%-20s   switch rev_cponfork_m0\n", "");
		if (rev->rev_fork_close_race)
			printf("%-20s   switch rev_fork_close_race\n", "");
		if (rev->rev_influx_flag)
			printf("%-20s   switch rev_influx_flag\n", "");
		if (rev->rev_note_child_merged)
			printf("%-20s   switch rev_note_child_merged\n", "");
		if (rev->rev_pipeclose_2003)
			printf("%-20s   switch rev_pipeclose_2003\n", "");
		if (rev->rev_exit_2003)
			printf("%-20s   switch rev_exit_2003\n", "");
		if (rev->rev_fop_keeps_user)
			printf("%-20s   switch rev_fop_keeps_user\n", "");
	}
	return (0);
}
