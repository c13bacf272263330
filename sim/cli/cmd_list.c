/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * evsim list DIR: loads every scenario under DIR (not scenarios/lib)
 * without running it and prints its name, kernel and path, sorted by path.
 * Exit 2 when a scenario does not load.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "simrun.h"

/*
 * Loads a scenario without running it, exactly as `evsim run` loads it
 * (sim_run_peek(): require, math.random, sim.sysctl at file level work):
 * name and kernel for `list`.  The instruction budget keeps a file-level
 * endless loop from hanging the listing.
 */
static int
peek(const char *path, char *name, size_t nlen, char *kernel, size_t klen,
    char *err, size_t errlen)
{
	struct sim_run_opts o;
	char *src;
	size_t len;
	int error;

	error = cli_read_file(path, &src, &len);
	if (error != 0) {
		snprintf(err, errlen, "%s", strerror(error));
		return (error);
	}
	memset(&o, 0, sizeof(o));
	o.path = path;
	o.source = src;
	o.source_len = len;
	o.quiet = true;
	o.instr_budget = 10000000;
	error = sim_run_peek(&o, name, nlen, kernel, klen, err, errlen);
	free(src);
	return (error);
}

static int
namecmp(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

static int
list_dir(const char *dir, int *nbad)
{
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	DIR *d = opendir(dir);

	if (d == NULL) {
		fprintf(stderr, "evsim: %s: %s\n", dir, strerror(errno));
		return (EXIT_USAGE);
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			names = realloc(names, cap * sizeof(*names));
			if (names == NULL)
				sim_oom();
		}
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	if (n > 0) /* qsort(NULL, 0, ...) is undefined */
		qsort(names, n, sizeof(*names), namecmp);
	for (i = 0; i < n; i++) {
		char path[4096], name[256], kernel[64], err[1024];
		struct stat sb;
		size_t l = strlen(names[i]);

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			if (strcmp(names[i], "lib") != 0)
				list_dir(path, nbad);
		} else if (l > 4 && strcmp(names[i] + l - 4, ".lua") == 0) {
			if (peek(path, name, sizeof(name), kernel,
				sizeof(kernel), err, sizeof(err))
			    == 0)
				printf("%-50s %-16s %s\n", name, kernel, path);
			else {
				fprintf(stderr, "evsim: %s: %s\n", path, err);
				(*nbad)++;
			}
		}
		free(names[i]);
	}
	free(names);
	return (0);
}

int
cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, nbad = 0, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			printf("usage: evsim list DIR\n\n"
			       "Prints name, kernel and path of every scenario "
			       "under DIR without running it.\n\n"
			       "examples:\n"
			       "  evsim list scenarios\n"
			       "  evsim list scenarios/races\n");
			return (0);
		default:
			return (cli_bad_option("list", argv));
		}
	}
	if (optind != argc - 1)
		return (cli_usage_error("list", "expected one DIR"));
	rc = list_dir(argv[optind], &nbad);
	return (rc != 0 ? rc : nbad > 0 ? EXIT_USAGE : 0);
}
