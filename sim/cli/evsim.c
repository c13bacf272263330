/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The evsim command: dispatches to the subcommand of the same name
 * (cmd_<name>.c).  Exit status: 0 passed, 1 the scenario failed, 2 usage,
 * script or input error, 3 replay diverged.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "evsim_config.h"

static void
usage_main(FILE *f)
{
	fprintf(f,
	    "usage: evsim COMMAND [ARGS]\n"
	    "\n"
	    "A deterministic simulator of FreeBSD kqueue and illumos event "
	    "ports.\n"
	    "\n"
	    "commands:\n"
	    "  run FILE      run one scenario and record it\n"
	    "  list DIR      list the scenarios under DIR\n"
	    "  trace DB      print a run's canonical text trace\n"
	    "  report DB     write a state-trace report (html, md, text, "
	    "dot)\n"
	    "  replay DB     re-execute a recorded run from the database and "
	    "compare\n"
	    "  explore FILE  search schedules for failures (random, "
	    "pct[:D], dfs[:B])\n"
	    "  merge OUT IN...  copy the runs of evsim databases into OUT\n"
	    "  diff DB A B   first differing transition of two runs, then an "
	    "aligned diff\n"
	    "  coverage DB   state transitions seen in a database, and the "
	    "allowed ones never seen\n"
	    "  kernels       the kernel revisions --kernel accepts\n"
	    "\n"
	    "evsim COMMAND --help describes a command, with examples; "
	    "evsim --version\nprints the version.\n"
	    "Exit status: 0 passed, 1 scenario failed, 2 usage or input "
	    "error, 3 replay diverged.\n");
}

/* The subcommands, in the order of the usage text. */
static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} cmds[] = {
	{ "run", cmd_run },
	{ "list", cmd_list },
	{ "trace", cmd_trace },
	{ "report", cmd_report },
	{ "replay", cmd_replay },
	{ "explore", cmd_explore },
	{ "merge", cmd_merge },
	{ "diff", cmd_diff },
	{ "coverage", cmd_coverage },
	{ "kernels", cmd_kernels },
};

int
main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage_main(stderr);
		return (EXIT_USAGE);
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0
	    || strcmp(argv[1], "help") == 0) {
		usage_main(stdout);
		return (0);
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("evsim %s (fibers: %s)\n", EVSIM_VERSION, "asm");
		return (0);
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return (cmds[i].fn(argc - 1, argv + 1));
	fprintf(stderr, "evsim: unknown command '%s' (see evsim --help)\n",
	    argv[1]);
	return (EXIT_USAGE);
}
