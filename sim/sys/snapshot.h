/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Snapshots of the whole simulated system for time travel (`evsim replay
 * --until SEQ`): every process with its threads (state, wait channel, the
 * Lua line each is at), its descriptor table with every kqueue and port
 * through the running kernel's ko_inspect (sysent.h), and the pending
 * callouts, built as a Lua table and written as indented text or JSON with
 * sorted keys.  Part of sim/sys/.
 */
#ifndef SIM_SYS_SNAPSHOT_H
#define SIM_SYS_SNAPSHOT_H

#include <lua.h>
#include <stdbool.h>
#include <stdio.h>

/* Pushes the snapshot table on L.  Reads only; takes no locks. */
void sim_snapshot(lua_State *L);

/* Writes the table at idx as JSON (json true) or as indented text. */
void sim_snapshot_write(lua_State *L, int idx, bool json, FILE *out);

#endif /* SIM_SYS_SNAPSHOT_H */
