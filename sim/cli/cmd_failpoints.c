/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * `evsim failpoints [--kernel K]`: every fail point of a kernel revision
 * (sim/kernel.c), with the errno its caller sees and the kernel's error
 * path when it fires.  Without --kernel, every fail point of every kernel.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "kernel.h"
#include "sim.h"

static void
usage(void)
{
	printf(
	    "usage: evsim failpoints [--kernel K]\n\n"
	    "Lists the fail points of kernel revision K (default: all), one a "
	    "line:\n"
	    "NAME, the errno the caller sees (- when the kernel silently goes "
	    "on),\n"
	    "the kernels that have it, and what the kernel does when it "
	    "fires.\n"
	    "Set them with the scenario field failpoints = {...}, "
	    "sim.failpoint(NAME, SPEC)\n"
	    "or evsim run --failpoint NAME=SPEC; SPEC is off, return, "
	    "N*return, P%%return\n"
	    "or explore.\n\n"
	    "examples:\n"
	    "  evsim failpoints --kernel illumos\n"
	    "  evsim failpoints --kernel freebsd@7773002\n"
	    "  evsim run scenarios/fork/classic_note_fork_track.lua \\\n"
	    "      --failpoint knote_fork:kqueue_register=return\n");
}

int
cmd_failpoints(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct sim_failpoint_info *fpi;
	const struct sim_revision *rev = NULL;
	int c, i,
	    mask = SIM_FP_FREEBSD | SIM_FP_FREEBSD_7773002 | SIM_FP_ILLUMOS;
	char kernels[64];

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "k:h", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			rev = sim_revision_find(optarg);
			if (rev == NULL) {
				char known[512];

				sim_revision_names(known, sizeof(known));
				return (cli_usage_error("failpoints",
				    "--kernel: unknown kernel '%s' (known: %s)",
				    optarg, known));
			}
			mask = sim_failpoint_kernel(rev);
			break;
		case 'h':
			usage();
			return (0);
		default:
			return (cli_bad_option("failpoints", argv));
		}
	}
	if (optind != argc)
		return (cli_usage_error(
		    "failpoints", "unexpected argument '%s'", argv[optind]));
	for (i = 0; (fpi = sim_failpoint_at(i)) != NULL; i++) {
		if ((fpi->fpi_kernels & mask) == 0)
			continue;
		snprintf(kernels, sizeof(kernels), "%s%s%s",
		    fpi->fpi_kernels & SIM_FP_FREEBSD ? ",freebsd" : "",
		    fpi->fpi_kernels & SIM_FP_FREEBSD_7773002
			? ",freebsd@7773002"
			: "",
		    fpi->fpi_kernels & SIM_FP_ILLUMOS ? ",illumos" : "");
		printf("%-42s %-7s %-31s %s\n", fpi->fpi_name,
		    fpi->fpi_errno != 0 ? sim_errname(fpi->fpi_errno) : "-",
		    kernels + 1, fpi->fpi_effect);
	}
	return (0);
}
