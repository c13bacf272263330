/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The fork server of evsim explore: a worker's runs made from one booted
 * snapshot of the scenario instead of a new Lua state and system each (see
 * explore_server.c).
 */
#ifndef SIM_CLI_EXPLORE_SERVER_H
#define SIM_CLI_EXPLORE_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "explore.h"
#include "simrun.h"

struct xserver;

/*
 * Makes the run q asks for through the fork server of the scenario of o
 * (its path, source, kernel, check, fail points; started at the first
 * call, into *sp): fills res, q->dfs's log, and hands the footprints to
 * explore_touch(ex, ...) when q asks for them -- exactly what a sim_run
 * of the same schedule from scratch gives; *cpu_ns: the CPU time the
 * server and the run's process spent on it.  Returns 0; ENOTSUP when the
 * server cannot make this run (recorded, or a scenario whose boot depends
 * on the seed): make it from scratch; EINVAL with err set when the run
 * failed as sim_run() fails; ECHILD when the process making the run died
 * (*wstatus: its wait status).
 */
int xserver_run(struct xserver **sp, const struct sim_run_opts *o,
    struct explore *ex, const struct explore_run_req *q,
    struct explore_run_res *res, uint64_t *cpu_ns, int *wstatus, char *err,
    size_t errlen);

/* Whether the last run xserver_run made was made in place (see
 * explore_server.c), not in a child forked for it. */
bool xserver_in_place(const struct xserver *s);

/* Stops the server (its process ends).  NULL is a no-op. */
void xserver_free(struct xserver *s);

#endif /* SIM_CLI_EXPLORE_SERVER_H */
