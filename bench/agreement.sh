#!/usr/bin/env bash
# Does fab simulate the peers' line? Throughput with a confidence interval from each engine.
#
#   bench/agreement.sh [N [HOURS [SEEDS [REPLICATIONS]]]]   # defaults: 10 8760 12 30
#
# The peers give one trajectory per horizon (seed 42), so a single figure says little: one year
# of the 10-station line varies by about 0.2 parts/h from seed to seed. This script runs SimPy's
# version of the line (../shared/bench/peers/line_simpy.py) with seeds 1..SEEDS, fab's
# (bench/line.fab, or the generated line of N stations) with REPLICATIONS replications, and the
# line kernel (runtime/benches/line_kernel.rs) with seeds 1..REPLICATIONS, and prints each
# engine's mean throughput with its 95 % Student-t half-width. The three use different random
# streams; if they simulate one model, the intervals overlap.
#
# Environment: FAB_SHARED_DIR (default ../shared), FAB_BIN (skip `cargo build --release`),
# PYTHON (default python3). SimPy comes from the venv `bench/compare.sh` sets up in
# target/bench-venv (created here too if missing). SimPy takes about 25 s of CPU per seed at
# 10 stations over a year, fab and the kernel well under a second per replication.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED=${FAB_SHARED_DIR:-"$ROOT/../shared"}
PEERS="$SHARED/bench/peers"
OUT="$ROOT/target/bench/agreement"
VENV="$ROOT/target/bench-venv"
PY=${PYTHON:-python3}
N=${1:-10} HOURS=${2:-8760} SEEDS=${3:-12} REPS=${4:-30}

if [[ ${1:-} == -h || ${1:-} == --help ]]; then sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0; fi
die() { echo "agreement.sh: $*" >&2; exit 1; }
for v in "$N" "$SEEDS" "$REPS"; do [[ $v =~ ^[1-9][0-9]*$ ]] || die "'$v' is not a whole number >= 1"; done
[[ $HOURS =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "'$HOURS' is not a number of hours"
((SEEDS >= 2 && REPS >= 2)) || die "an interval needs at least 2 seeds and 2 replications"
[[ -f $PEERS/line_simpy.py ]] || die "peer benchmark not found at $PEERS (set FAB_SHARED_DIR)"
mkdir -p "$OUT"

if [[ ! -x $VENV/bin/python ]] || ! "$VENV/bin/python" -c 'import simpy' 2>/dev/null; then
  echo "== SimPy 4.1.2 into $VENV" >&2
  "$PY" -m venv "$VENV" && "$VENV/bin/pip" install -q simpy==4.1.2 || die "could not install SimPy"
fi
FAB=${FAB_BIN:-}
if [[ -z $FAB ]]; then
  echo "== cargo build --release" >&2
  (cd "$ROOT" && cargo build --release -q) || die "fab does not build"
  FAB="$ROOT/target/release/fab"
fi
echo "== the line kernel (cargo bench -p fab-runtime --bench line_kernel --no-run)" >&2
KERNEL=$(cd "$ROOT" && cargo bench -p fab-runtime --bench line_kernel --no-run --message-format=json 2>/dev/null |
  "$PY" -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "line_kernel" and m.get("executable"):
        print(m["executable"])') || die "the line kernel does not build"

if [[ $N == 10 ]]; then MODEL="$ROOT/bench/line.fab"; else
  MODEL="$OUT/line_$N.fab"; "$PY" "$ROOT/bench/gen_line.py" "$N" >"$MODEL"
fi

echo "== SimPy, seeds 1..$SEEDS ($N stations, $HOURS h)" >&2
: >"$OUT/simpy.jsonl"
for ((s = 1; s <= SEEDS; s++)); do
  "$VENV/bin/python" "$PEERS/line_simpy.py" "$N" --horizon-h "$HOURS" --seed "$s" >>"$OUT/simpy.jsonl"
done
echo "== the line kernel, seeds 1..$REPS" >&2
: >"$OUT/kernel.jsonl"
for ((s = 1; s <= REPS; s++)); do "$KERNEL" "$N" "$HOURS" "$s" >>"$OUT/kernel.jsonl"; done
echo "== fab, $REPS replications" >&2
"$FAB" run "$MODEL" --json --replications "$REPS" --horizon "${HOURS}h" >"$OUT/fab.json"

"$PY" - "$OUT" "$N" "$HOURS" <<'EOF'
import json, statistics, sys
out, n, hours = sys.argv[1], sys.argv[2], sys.argv[3]
# Two-sided 95 % Student-t quantiles by degrees of freedom; beyond 30, the normal's.
T = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262,
     10: 2.228, 11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120, 17: 2.110,
     18: 2.101, 19: 2.093, 20: 2.086, 21: 2.080, 22: 2.074, 23: 2.069, 24: 2.064, 25: 2.060,
     26: 2.056, 27: 2.052, 28: 2.048, 29: 2.045, 30: 2.042}
def row(name, values):
    k = len(values)
    mean, sd = statistics.fmean(values), statistics.stdev(values)
    half = T.get(k - 1, 1.960) * sd / k ** 0.5
    print(f"{name:<26} {k:>4} {mean:>10.3f} {half:>8.3f} {sd:>12.3f}")
    return mean, half
jsonl = lambda path: [json.loads(line)["throughput_per_h"] for line in open(path) if line.strip()]
fab = json.load(open(f"{out}/fab.json"))["kpis"]["throughput_per_hour"]["values"]
print(f"\nthroughput of the {n}-station line over {hours} h, parts/h (95 % half-widths)")
print(f"{'engine':<26} {'runs':>4} {'mean':>10} {'± half':>8} {'sd of a run':>12}")
rows = [row("SimPy 4.1.2 (seeds 1..)", jsonl(f"{out}/simpy.jsonl")),
        row("line kernel (seeds 1..)", jsonl(f"{out}/kernel.jsonl")),
        row("fab (replications)", fab)]
low = max(m - h for m, h in rows)
high = min(m + h for m, h in rows)
print("the three intervals overlap" if low <= high else "the intervals do NOT all overlap")
EOF
