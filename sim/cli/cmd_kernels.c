/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * evsim kernels: every kernel revision of the revisions table
 * (sim/kernel.c), one a line with its one-line summary, then the behaviour
 * switches it sets, or the model of its own it selects.  Takes no
 * argument; exit 0, or 2 on a usage error.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "kernel.h"

int
cmd_kernels(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct sim_revision *rev;
	int c, i;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			printf("usage: evsim kernels\n\n"
			       "Lists every kernel revision that --kernel and "
			       "a scenario's 'kernel' accept,\nwith its "
			       "summary and behaviour switches (or \"model of "
			       "its own\" for a\nrevision modelled by files "
			       "of its own).\n\n"
			       "examples:\n"
			       "  evsim kernels\n"
			       "  evsim run scenarios/seed7773002/tick_one_ns."
			       "lua --kernel freebsd@7773002\n");
			return (0);
		default:
			return (cli_bad_option("kernels", argv));
		}
	}
	if (optind != argc)
		return (cli_usage_error("kernels", "takes no argument"));
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
