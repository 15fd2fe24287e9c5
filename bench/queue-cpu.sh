#!/bin/bash
# The distributed batch against the local one, CPU per thread of every process (docs/PERFORMANCE.md,
# "Distributed, fifth pass"). Needs redis-server and a build (npm run build); data from
# bench/bigdata.ts (npx tsx bench/bigdata.ts DIR 20000 1000).
#   bench/queue-cpu.sh DATA WORKERS LOCAL(0|1) [extra worker options]
# LOCAL=1 runs `batch --threads 2` first; then WORKERS x `worker --threads 1` and `batch --queue`.
# Prints wall time, the batch summary, CPU ms per process and thread (workers: during the run), and
# Redis' own count of commands by type with the time it spent in each (load-independent traffic).

cd "$(dirname "$0")/.."
D=$1; W=${2:-2}; L=${3:-1}; shift 3
PORT=$((30000 + RANDOM % 20000)); URL=redis://127.0.0.1:$PORT
OUT=$(mktemp -d /tmp/tm-queue-cpu.XXXX); mkdir -p $OUT
redis-server --port $PORT --bind 127.0.0.1 --save '' --appendonly no >/dev/null 2>&1 & RP=$!
sleep 0.5
echo "load before: $(cat /proc/loadavg)  node $(node -v)"
run() { # name args...
  local name=$1; shift
  local t0=$(date +%s.%N)
  node bin/talentmatch.js "$@" > $OUT/$name.out 2> $OUT/$name.err & local P=$!
  python3 bench/thread-cpu.py $OUT/$name.threads $P $EXTRA & local S=$!
  wait $P; local rc=$?
  kill -TERM $S; wait $S
  echo "$name rc=$rc wall $(echo "$(date +%s.%N) - $t0" | bc) s"; grep -E "main|scoring" $OUT/$name.out
  awk '{s+=$3} END {print "  total cpu " s " ms"}' $OUT/$name.threads
}
if [ "$L" = 1 ]; then EXTRA= run local batch --data $D --db $OUT/local.db --chunk-size 1000 --threads 2; fi
PIDS=()
for i in $(seq 1 $W); do node bin/talentmatch.js worker --queue $URL --data $D --threads 1 "$@" > $OUT/w$i.out 2> $OUT/w$i.err & PIDS+=($!); done
sleep 4
EXTRA="${PIDS[*]} $RP" run queue batch --data $D --db $OUT/q.db --chunk-size 1000 --queue $URL --in-flight 8
echo "redis commands (calls, usec inside Redis), top 8:"
redis-cli -p $PORT info commandstats | grep -o 'cmdstat_[a-z]*:calls=[0-9]*,usec=[0-9]*' | sed 's/cmdstat_//' | sort -t= -k3 -n -r | head -8 | sed 's/^/  /'
for p in "${PIDS[@]}"; do kill -INT $p; done; wait "${PIDS[@]}" 2>/dev/null
kill $RP
echo "load after: $(cat /proc/loadavg)"
echo "out: $OUT"; cat $OUT/*.threads | awk '$3 > 50'
