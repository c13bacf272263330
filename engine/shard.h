/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A search of evsim explore split into shards, run on many machines: which
 * shard this process is (--shard auto, from a Slurm job array or a
 * Kubernetes Indexed Job), and the combining of the shards' databases into
 * the summary of one search (evsim merge): the explore rows of every input
 * that belong to the same search (same scenario text, kernel, strategy,
 * seed base, runs, --keep-going and shard count) are summed, their failures
 * deduplicated by signature (the earliest schedule of a signature stands for
 * it, as in a single search; the recorded runs of the other shards'
 * duplicates are left out of the copy), and the result is written as one
 * explore row whose shard column lists the shards it covers ("0-3/4").
 */
#ifndef ENGINE_SHARD_H
#define ENGINE_SHARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * I and N of --shard auto from the environment, read through get (getenv,
 * or a test's table):
 *   Slurm job array: SLURM_ARRAY_TASK_ID with SLURM_ARRAY_TASK_COUNT, or
 *     with SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_MAX (and an optional
 *     SLURM_ARRAY_TASK_STEP): I = (ID - MIN) / STEP, N the array's size; an
 *     array with holes (--array=0,2,5) is refused;
 *   Kubernetes Indexed Job: JOB_COMPLETION_INDEX with shards (--shards N;
 *     the Job's completions) or, when shards is 0, EVSIM_SHARDS.
 * shards given with a Slurm array must equal its size.  Returns 0, or
 * EINVAL with a one-line reason in err (neither found, a bad number, an
 * index outside the count).
 */
int shard_auto(char *(*get)(const char *name), uint64_t shards, int *ret_i,
    int *ret_n, char *err, size_t errlen);

/* A failure signature of a combined search. */
struct shard_sig {
	char status[16], func[64], message[512];
	uint64_t count, first_key, first_seed;
	int first_preempt;
	int input; /* the input holding the run that stands for it */
	int64_t rec_run; /* that run in the input, 0: none */
	int64_t out_run; /* its copy in OUT after shard_merge_copied */
	uint64_t orig[6], min[6]; /* as trace_explore_sig's */
	int attempts;
	bool replay_ok;
	int nseeds;
	uint64_t seeds[16];
};

/* One search combined from the explore rows of its shards. */
struct shard_search {
	char *path, *source_hash, *kernel, *strategy;
	char *failpoints; /* the search's --failpoint settings ("" none) */
	uint64_t seed_base, runs, fp_budget;
	bool keep_going, dfs;
	int n; /* shards */
	int *have; /* per shard: rows found covering it */
	int nparts, ncovered;
	char status[16]; /* of the parts: complete, stopped, interrupted... */
	char shard[64]; /* the shards covered: "0-3/4" */
	char why[512]; /* not "": why it is not combined */
	uint64_t next; /* the part's, when only one */
	uint64_t done, failures, crashes, pruned, beyond, steps;
	uint64_t per_bound[17];
	int nbounds;
	bool exhausted;
	struct shard_sig *sigs;
	int nsigs;
	struct shard_dup {
		int input;
		int64_t run;
	} * dups; /* recorded runs of duplicate signatures */
	int ndups;
	int64_t out_id; /* its explore row in OUT, after shard_merge_save */
};

struct shard_merge {
	int nin;
	struct shard_input {
		const char *path;
		int64_t *runs; /* to copy, in id order */
		size_t nruns, ndropped;
		int64_t *new_ids; /* parallel to runs, after the copy */
	} * in;
	struct shard_search *s;
	int ns;
};

/*
 * Reads the explore rows of the inputs (evsim databases, checked by the
 * caller) and combines them by search.  Returns 0, or EINVAL/EIO with err
 * filled.  Free *ret with shard_merge_free.
 */
int shard_merge_plan(struct shard_merge **ret, char *const *ins, int nin,
    char *err, size_t errlen);

/*
 * After input k's runs (m->in[k].runs) were copied into OUT as new_ids:
 * remembers the new ids of the runs that stand for signatures.
 */
void shard_merge_copied(struct shard_merge *m, int k, const int64_t *new_ids);

/*
 * Writes the combined searches (those with no 'why') into out: an explore
 * row, its explore_stats row and its explore_sigs rows.  Returns 0 or EIO.
 */
int shard_merge_save(
    struct shard_merge *m, const char *out, char *err, size_t errlen);

void shard_merge_free(struct shard_merge *m);

#endif /* ENGINE_SHARD_H */
