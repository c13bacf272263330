#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Benchmark of `evsim explore` (issue 7 item 8):
#   - schedules/s per core (--jobs 1) for random and pct:3 on a 2-thread race
#     (scenarios/explore/lost_update.lua) and a 4-thread one
#     (scenarios/explore/four_threads.lua); failing runs are grouped, and only
#     the first of each signature is recorded (shrinking limited to 1 run so
#     the figure is the search's own);
#   - dfs schedules explored and pruned with and without the reduction;
#   - the speed-up of --jobs 2 over --jobs 1.
# Usage: tests/bench/bench_explore.sh [BUILD_DIR] (default: build)
set -eu
B=${1:-build}
EV=$B/evsim
S=$(dirname "$0")/../../scenarios/explore
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
N=${BENCH_RUNS:-5000}

# CPU time (user + sys, workers included) when /usr/bin/time exists: the
# per-core figure that does not depend on what else the host runs.
timed() {
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f "%U %S" -o "$T/cpu" "$@"
	else
		"$@"
	fi
}
rate() { sed -n 's/.* s with [0-9]* job(s), \([0-9]*\) schedules\/s.*/\1/p'; }
secs() { sed -n 's/.* in \([0-9.]*\) s with.*/\1/p'; }

echo "host: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for scen in lost_update four_threads; do
	for st in random pct:3; do
		r=$(timed $EV explore "$S/$scen.lua" --strategy $st \
		    --runs "$N" --keep-going --jobs 1 --shrink-attempts 1 \
		    --db "$T/b.db" | rate)
		c=$(tail -n 1 "$T/cpu" 2>/dev/null \
		    | awk -v n="$N" '{ printf "%.0f", n / ($1 + $2) }')
		echo "$scen $st: $r schedules/s wall, $c per CPU-second" \
		    "($N schedules, --jobs 1)"
	done
done
for scen in lost_update independent_procs; do
	for red in "" --no-reduction; do
		out=$($EV explore "$S/$scen.lua" --strategy dfs:2 --keep-going \
		    --jobs 1 --shrink-attempts 1 $red --db "$T/d.db" || true)
		n=$(echo "$out" | sed -n 's/^explored \([0-9]*\) schedules.*/\1/p')
		p=$(echo "$out" | sed -n 's/.*; \([0-9]*\) branches pruned.*/\1/p')
		t=$(echo "$out" | secs)
		echo "$scen dfs:2 ${red:-(reduction)}: $n schedules explored," \
		    "$p branches pruned, $t s"
	done
done
for j in 1 2; do
	t=$($EV explore "$S/lost_update.lua" --runs $((N * 2)) --keep-going \
	    --jobs $j --shrink-attempts 1 --db "$T/j.db" | secs)
	echo "lost_update random, $((N * 2)) schedules, --jobs $j: $t s"
done
