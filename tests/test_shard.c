/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Tests for shard_auto (engine/shard.c) with a table for an environment:
 * I and N from a Slurm job array (COUNT, or MIN/MAX/STEP for an array not
 * starting at 0), from a Kubernetes Indexed Job with --shards or
 * EVSIM_SHARDS, and a one-line error for every way the environment can be
 * wrong (nothing set, a plain Slurm job, an array with holes, an index out
 * of its count, a count that disagrees with --shards, junk).
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../engine/shard.h"

static const char *const *env;

static char *
get(const char *name)
{
	int k;

	for (k = 0; env[k] != NULL; k += 2)
		if (strcmp(env[k], name) == 0)
			return ((char *)env[k + 1]);
	return (NULL);
}

/* shard_auto over the NULL-ended name/value list e. */
static int
resolve(const char *const *e, uint64_t shards, int *i, int *n, char *err)
{
	env = e;
	*i = *n = -1;
	err[0] = '\0';
	return (shard_auto(get, shards, i, n, err, 256));
}

Test(shard, slurm_count)
{
	const char *const e[] = { "SLURM_ARRAY_TASK_ID", "2",
		"SLURM_ARRAY_TASK_COUNT", "4", NULL };
	char err[256];
	int i, n;

	cr_assert_eq(resolve(e, 0, &i, &n, err), 0, "%s", err);
	cr_assert_eq(i, 2);
	cr_assert_eq(n, 4);
	/* --shards agreeing with the array is fine. */
	cr_assert_eq(resolve(e, 4, &i, &n, err), 0, "%s", err);
}

Test(shard, slurm_min_max_step)
{
	/* --array=10-16:2: tasks 10, 12, 14, 16. */
	const char *const e[]
	    = { "SLURM_ARRAY_TASK_ID", "14", "SLURM_ARRAY_TASK_MIN", "10",
		      "SLURM_ARRAY_TASK_MAX", "16", "SLURM_ARRAY_TASK_STEP",
		      "2", "SLURM_ARRAY_TASK_COUNT", "4", NULL };
	const char *const nostep[]
	    = { "SLURM_ARRAY_TASK_ID", "7", "SLURM_ARRAY_TASK_MIN", "5",
		      "SLURM_ARRAY_TASK_MAX", "9", NULL };
	char err[256];
	int i, n;

	cr_assert_eq(resolve(e, 0, &i, &n, err), 0, "%s", err);
	cr_assert_eq(i, 2);
	cr_assert_eq(n, 4);
	cr_assert_eq(resolve(nostep, 0, &i, &n, err), 0, "%s", err);
	cr_assert_eq(i, 2);
	cr_assert_eq(n, 5);
}

Test(shard, kubernetes)
{
	const char *const e[] = { "JOB_COMPLETION_INDEX", "3", NULL };
	const char *const ev[]
	    = { "JOB_COMPLETION_INDEX", "0", "EVSIM_SHARDS", "8", NULL };
	char err[256];
	int i, n;

	cr_assert_eq(resolve(e, 5, &i, &n, err), 0, "%s", err);
	cr_assert_eq(i, 3);
	cr_assert_eq(n, 5);
	cr_assert_eq(resolve(ev, 0, &i, &n, err), 0, "%s", err);
	cr_assert_eq(i, 0);
	cr_assert_eq(n, 8);
	/* --shards wins over EVSIM_SHARDS. */
	cr_assert_eq(resolve(ev, 2, &i, &n, err), 0, "%s", err);
	cr_assert_eq(n, 2);
}

Test(shard, slurm_before_kubernetes)
{
	const char *const e[]
	    = { "JOB_COMPLETION_INDEX", "0", "SLURM_ARRAY_TASK_ID", "1",
		      "SLURM_ARRAY_TASK_COUNT", "2", NULL };
	char err[256];
	int i, n;

	cr_assert_eq(resolve(e, 0, &i, &n, err), 0, "%s", err);
	cr_assert_eq(i, 1);
	cr_assert_eq(n, 2);
}

/* Each bad environment: EINVAL, nothing set, one line naming the cause. */
Test(shard, errors)
{
	static const struct {
		const char *env[12];
		uint64_t shards;
		const char *want;
	} bad[] = {
		{ { NULL }, 0, "neither SLURM_ARRAY_TASK_ID" },
		{ { "SLURM_JOB_ID", "12", NULL }, 0, "--array" },
		{ { "SLURM_ARRAY_TASK_ID", "1", NULL }, 0,
		    "neither SLURM_ARRAY_TASK_COUNT" },
		{ { "SLURM_ARRAY_TASK_ID", "4", "SLURM_ARRAY_TASK_COUNT", "4",
		      NULL },
		    0, "not below" },
		{ { "SLURM_ARRAY_TASK_ID", "-1", "SLURM_ARRAY_TASK_COUNT", "4",
		      NULL },
		    0, "not a number" },
		{ { "SLURM_ARRAY_TASK_ID", "2", "SLURM_ARRAY_TASK_MIN", "0",
		      "SLURM_ARRAY_TASK_MAX", "7", "SLURM_ARRAY_TASK_COUNT",
		      "3", NULL },
		    0, "holes" },
		{ { "SLURM_ARRAY_TASK_ID", "3", "SLURM_ARRAY_TASK_MIN", "0",
		      "SLURM_ARRAY_TASK_MAX", "6", "SLURM_ARRAY_TASK_STEP", "2",
		      NULL },
		    0, "not in the array" },
		{ { "SLURM_ARRAY_TASK_ID", "1", "SLURM_ARRAY_TASK_COUNT", "4",
		      NULL },
		    3, "--shards 3" },
		{ { "JOB_COMPLETION_INDEX", "1", NULL }, 0, "--shards N" },
		{ { "JOB_COMPLETION_INDEX", "2", NULL }, 2, "not below" },
		{ { "JOB_COMPLETION_INDEX", "1x", NULL }, 4, "not a number" },
		{ { "JOB_COMPLETION_INDEX", "0", "EVSIM_SHARDS", "0", NULL }, 0,
		    "EVSIM_SHARDS is 0" },
		{ { "JOB_COMPLETION_INDEX", "0", NULL }, 2000000, "at most" },
	};
	char err[256];
	size_t k;
	int i, n;

	for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		cr_assert_eq(resolve(bad[k].env, bad[k].shards, &i, &n, err),
		    EINVAL, "case %zu", k);
		cr_assert_eq(i, -1, "case %zu", k);
		cr_assert_not_null(
		    strstr(err, bad[k].want), "case %zu: %s", k, err);
		cr_assert_null(strchr(err, '\n'), "case %zu", k);
		cr_assert_eq(strncmp(err, "--shard auto: ", 14), 0,
		    "case %zu: %s", k, err);
	}
}
