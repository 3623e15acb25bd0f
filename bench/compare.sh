#!/usr/bin/env bash
# Compares fab with its peer simulators (SimPy, NeXosim) on the canonical serial line.
#
#   bench/compare.sh [N...]            # default: 10 100 1000
#   bench/compare.sh --dry-run [N...]  # print what would run, run nothing
#
# Environment:
#   HORIZONS="10:2190 100:438"  horizon in hours per N (defaults: the peers' 10:2190 100:438 1000:60;
#                               any other N defaults to 60 h)
#   FAB_SHARED_DIR              directory holding bench/peers (default: ../shared from the repo root)
#   FAB_BIN                     use this fab binary and skip `cargo build --release`
#   REPEAT=k                    run each engine k times, in k interleaved rounds, and keep the run
#                               with the least CPU (default 1)
#   YEAR_RUN=0                  skip fab's 100-station, 8760 h run
#   SKIP_SIMPY=1, SKIP_NEXOSIM=1, SKIP_FAB=1, SKIP_KERNEL=1, SKIP_ENGINE=1  leave an engine out
#
# Besides the peers it times the line kernel (runtime/benches/line_kernel.rs): this one model as the
# smallest event loop, with fab's streams and samplers. It is a floor under any engine's cost per
# event on this machine, not a competitor; see bench/README.md. And it times fab's engine alone
# (benches/engine.rs: the simulation without compiling, starting or writing, best of REPEAT runs,
# wall time), to show how much of fab's CPU time is the fixed cost around the engine.
#
# Everything runs one process at a time on one thread. CPU seconds are those of the child process
# (user + system, from rusage), so they include each engine's start-up; for fab they include
# compiling the .fab model. Raw outputs go to target/bench/.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$ROOT/bench"
SHARED=${FAB_SHARED_DIR:-"$ROOT/../shared"}
[[ -d $SHARED ]] && SHARED=$(cd "$SHARED" && pwd)
PEERS="$SHARED/bench/peers"
OUT="$ROOT/target/bench"
VENV="$ROOT/target/bench-venv"
NX_TARGET="$ROOT/target/nexosim"
NX_BIN="$NX_TARGET/release/nexosim-bench"
REPEAT=${REPEAT:-1}
YEAR_RUN=${YEAR_RUN:-1}
PY=${PYTHON:-python3}

DRY=0
if [[ ${1:-} == --dry-run || ${1:-} == -n ]]; then DRY=1; shift; fi
if [[ ${1:-} == -h || ${1:-} == --help ]]; then sed -n '2,25p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0; fi
SIZES=("$@")
[[ ${#SIZES[@]} -gt 0 ]] || SIZES=(10 100 1000)
for n in "${SIZES[@]}"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: '$n' is not a station count (N >= 1)" >&2; exit 2; }
done

say() { printf '%s\n' "$*" >&2; }
die() { say "compare.sh: $*"; exit 1; }
run_or_echo() { if ((DRY)); then say "  would run: $*"; else "$@"; fi; }

command -v "$PY" >/dev/null || die "python3 is needed (for timing and JSON parsing); set PYTHON=..."
[[ -f $PEERS/line_simpy.py ]] || die "peer benchmark not found at $PEERS (set FAB_SHARED_DIR)"
[[ $REPEAT =~ ^[1-9][0-9]*$ ]] || die "REPEAT must be a whole number >= 1"

horizon_for() {  # N -> hours
  local n=$1 spec=${HORIZONS:-} pair
  for pair in $spec; do
    [[ ${pair%%:*} == "$n" ]] && { echo "${pair#*:}"; return; }
  done
  case $n in 10) echo 2190 ;; 100) echo 438 ;; 1000) echo 60 ;; *) echo 60 ;; esac
}

mkdir -p "$OUT"
RESULTS="$OUT/results.tsv"
((DRY)) || { : >"$RESULTS"; rm -f "$OUT"/engine_N*.json; }

# ---------------------------------------------------------------------------- preparing engines
HAVE_FAB=0 HAVE_SIMPY=0 HAVE_NX=0 HAVE_KERNEL=0 HAVE_ENGINE=0
KERNEL="" ENGINE=""
FAB=${FAB_BIN:-"$ROOT/target/release/fab"}

if [[ ${SKIP_FAB:-0} != 1 ]]; then
  if [[ -z ${FAB_BIN:-} ]]; then
    say "== building fab (cargo build --release) in $ROOT"
    if ((DRY)); then say "  would run: cargo build --release"
    elif ! (cd "$ROOT" && cargo build --release 2>"$OUT/fab-build.log"); then
      say "   fab does not build; see $OUT/fab-build.log (last lines below). fab is left out."
      tail -n 5 "$OUT/fab-build.log" >&2 || true
      FAB=""
    fi
  fi
  if ((DRY)); then HAVE_FAB=1
  elif [[ -n $FAB && -x $FAB ]] && "$FAB" run --help >/dev/null 2>&1; then HAVE_FAB=1
  elif [[ -n $FAB ]]; then say "   $FAB has no working 'run' command yet; fab is left out."
  fi
fi

if [[ ${SKIP_SIMPY:-0} != 1 ]]; then
  say "== SimPy 4.1.2 in $VENV"
  if ((DRY)); then HAVE_SIMPY=1; say "  would create the venv and pip install simpy==4.1.2 if missing"
  elif [[ -x $VENV/bin/python ]] && "$VENV/bin/python" -c 'import simpy, sys; sys.exit(simpy.__version__ != "4.1.2")' 2>/dev/null; then
    HAVE_SIMPY=1
  elif "$PY" -m venv "$VENV" >"$OUT/venv.log" 2>&1 &&
       "$VENV/bin/pip" install -q simpy==4.1.2 >>"$OUT/venv.log" 2>&1; then
    HAVE_SIMPY=1
  else
    say "   could not set up SimPy (see $OUT/venv.log); SimPy is left out."
  fi
fi

if [[ ${SKIP_NEXOSIM:-0} != 1 ]]; then
  say "== NeXosim bench crate -> $NX_TARGET"
  if ((DRY)); then HAVE_NX=1; say "  would run: cargo build --release --manifest-path $PEERS/nexosim/Cargo.toml --target-dir $NX_TARGET"
  elif cargo build --release --manifest-path "$PEERS/nexosim/Cargo.toml" --target-dir "$NX_TARGET" \
         >"$OUT/nexosim-build.log" 2>&1 && [[ -x $NX_BIN ]]; then
    HAVE_NX=1
  else
    say "   NeXosim did not build (see $OUT/nexosim-build.log); NeXosim is left out."
  fi
fi

# bench_binary TARGET LOG CARGO_ARGS...   builds bench TARGET with `cargo bench CARGO_ARGS --no-run`
# (the build's messages to LOG) and prints the path of its executable; fails if it did not build.
bench_binary() {
  local target=$1 log=$2; shift 2
  (cd "$ROOT" && cargo bench "$@" --no-run --message-format=json 2>"$log") | "$PY" -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == sys.argv[1] and m.get("executable"):
        print(m["executable"])' "$target"
}

if [[ ${SKIP_KERNEL:-0} != 1 ]]; then
  say "== the line kernel (cargo bench -p fab-runtime --bench line_kernel --no-run)"
  if ((DRY)); then HAVE_KERNEL=1; say "  would run: cargo bench -p fab-runtime --bench line_kernel --no-run"
  elif KERNEL=$(bench_binary line_kernel "$OUT/kernel-build.log" -p fab-runtime --bench line_kernel) &&
       [[ -n $KERNEL && -x $KERNEL ]]; then
    HAVE_KERNEL=1
  else
    say "   the line kernel did not build (see $OUT/kernel-build.log); it is left out."
  fi
fi

if [[ ${SKIP_ENGINE:-0} != 1 && ${SKIP_FAB:-0} != 1 ]]; then
  say "== fab's engine alone (cargo bench --bench engine --no-run)"
  if ((DRY)); then HAVE_ENGINE=1; say "  would run: cargo bench --bench engine --no-run"
  elif ENGINE=$(bench_binary engine "$OUT/engine-build.log" --bench engine) &&
       [[ -n $ENGINE && -x $ENGINE ]]; then
    HAVE_ENGINE=1
  else
    say "   the engine bench did not build (see $OUT/engine-build.log); it is left out."
  fi
fi

((HAVE_FAB + HAVE_SIMPY + HAVE_NX > 0)) || die "no engine available"

# ---------------------------------------------------------------------------- measuring
# The REPEAT runs of each engine are interleaved: round k runs every engine once at every N, so a
# slow spell of the machine (a shared host's neighbours) falls on all engines alike instead of on
# whichever one happened to be running, and the cheapest run kept per engine is from a quiet one.

# measure LABEL -- CMD...   runs CMD once; keeps its stdout in $OUT/LABEL.json when it is the
# cheapest run of LABEL so far ($OUT/LABEL.best holds "cpu wall"). A failed run marks LABEL failed
# ($OUT/LABEL.failed) and later rounds skip it.
measure() {
  local label=$1; shift 2
  if ((DRY)); then say "  would run: $*"; return 0; fi
  [[ -e $OUT/$label.failed ]] && return 1
  local line user sys wall rc cpu best=""
  line=$("$PY" "$BENCH/cpu_time.py" "$OUT/$label.try.json" "$OUT/$label.stderr" -- "$@") ||
    { say "   $label: could not start: $*"; : >"$OUT/$label.failed"; return 1; }
  read -r user sys wall rc <<<"$line"
  if [[ $rc != 0 ]]; then
    say "   $label: exit code $rc: $*"; tail -n 5 "$OUT/$label.stderr" >&2 || true
    : >"$OUT/$label.failed"; return 1
  fi
  cpu=$("$PY" -c "print(f'{$user + $sys:.4f}')")
  [[ -e $OUT/$label.best ]] && read -r best _ <"$OUT/$label.best"
  if [[ -z $best ]] || "$PY" -c "import sys; sys.exit(not $cpu < $best)"; then
    mv "$OUT/$label.try.json" "$OUT/$label.json"; printf '%s %s\n' "$cpu" "$wall" >"$OUT/$label.best"
  fi
  rm -f "$OUT/$label.try.json"
  say "   $label (round $round): ${cpu} CPU s"
}

# record LABEL N H   appends "N H LABEL cpu wall" of LABEL's cheapest run to $RESULTS.
record() {
  local label=$1 n=$2 h=$3 cpu wall
  ((DRY)) && return 0
  [[ -e $OUT/$label.best && ! -e $OUT/$label.failed ]] || return 0
  read -r cpu wall <"$OUT/$label.best"
  printf '%s\t%s\t%s\t%s\t%s\n' "$n" "$h" "$label" "$cpu" "$wall" >>"$RESULTS"
}

model_for() {  # N -> path of the .fab model
  local n=$1
  if [[ $n == 10 ]]; then echo "$BENCH/line.fab"; else echo "$OUT/line_$n.fab"; fi
}

((DRY)) || rm -f "$OUT"/*.best "$OUT"/*.failed
if ((HAVE_FAB)); then
  # The sizes measured, and 100 for the year run: each model generated once.
  MODELS=("${SIZES[@]}")
  [[ $YEAR_RUN == 1 && " ${SIZES[*]} " != *" 100 "* ]] && MODELS+=(100)
  for n in "${MODELS[@]}"; do
    [[ $n == 10 ]] && continue
    if ((DRY)); then say "  would run: $PY $BENCH/gen_line.py $n > $(model_for "$n")"
    else "$PY" "$BENCH/gen_line.py" "$n" >"$(model_for "$n")"; fi
  done
fi

for ((round = 1; round <= REPEAT; round++)); do
  for n in "${SIZES[@]}"; do
    h=$(horizon_for "$n")
    say "== round $round of $REPEAT: N=$n, horizon $h h"
    if ((HAVE_FAB)); then
      measure "fab_N$n" -- "$FAB" run "$(model_for "$n")" --json --threads 1 --replications 1 --horizon "${h}h" || true
    fi
    if ((HAVE_SIMPY)); then
      measure "simpy_N$n" -- "$VENV/bin/python" "$PEERS/line_simpy.py" "$n" --horizon-h "$h" || true
    fi
    if ((HAVE_NX)); then
      measure "nexosim_N$n" -- "$NX_BIN" "$n" --horizon-h "$h" --threads 1 || true
    fi
    if ((HAVE_KERNEL)); then
      measure "kernel_N$n" -- "$KERNEL" "$n" "$h" || true
    fi
  done
  if ((HAVE_FAB)) && [[ $YEAR_RUN == 1 ]]; then
    say "== round $round of $REPEAT: fab, N=100 over one simulated year (8760 h)"
    measure "fab_N100_year" -- "$FAB" run "$(model_for 100)" --json --threads 1 --replications 1 --horizon 8760h || true
  fi
done

for n in "${SIZES[@]}"; do
  h=$(horizon_for "$n")
  for engine in fab simpy nexosim kernel; do record "${engine}_N$n" "$n" "$h"; done
  if ((HAVE_ENGINE)); then
    if ((DRY)); then say "  would run: $ENGINE $(model_for "$n") $h $REPEAT"
    elif "$ENGINE" "$(model_for "$n")" "$h" "$REPEAT" >"$OUT/engine_N$n.json" 2>"$OUT/engine_N$n.stderr"; then
      say "   engine_N$n: $("$PY" -c 'import json,sys; e = json.load(open(sys.argv[1])); print("%.4f wall s (simulation only)" % e["best_wall_s"])' "$OUT/engine_N$n.json")"
    else
      say "   engine_N$n: failed (see $OUT/engine_N$n.stderr)"; rm -f "$OUT/engine_N$n.json"
    fi
  fi
done
[[ $YEAR_RUN == 1 ]] && record "fab_N100_year" 100 8760

((DRY)) && { say "(dry run: nothing was measured)"; exit 0; }

# ---------------------------------------------------------------------------- reporting
"$PY" - "$RESULTS" "$OUT" <<'EOF'
import json, os, sys

results_path, out = sys.argv[1], sys.argv[2]
rows = []
with open(results_path) as f:
    for line in f:
        n, h, label, cpu, wall = line.rstrip("\n").split("\t")
        rows.append((int(n), float(h), label, float(cpu), float(wall)))

def load(label):
    with open(os.path.join(out, label + ".json")) as f:
        return json.loads(f.read())

def parse(label):
    """-> (model events, throughput/h, parts, self-reported run CPU s or None)"""
    d = load(label)
    if label.startswith("fab"):
        ev = d["events"]
        events = ev["completions"]["mean"] + ev["failures"]["mean"] + ev["repairs"]["mean"]
        parts = sum(s["count"]["mean"] for s in d.get("sinks", {}).values()) if d.get("sinks") else None
        return events, d["kpis"]["throughput_per_hour"]["mean"], parts, None
    return d["model_events"], d["throughput_per_h"], d["parts_completed"], d.get("cpu_s")

names = {"fab": "fab (incl. compile)", "simpy": "SimPy 4.1.2", "nexosim": "NeXosim 1.0, 1 thread",
         "kernel": "line kernel (floor)"}
def fmt(x, spec):
    return "-" if x is None else format(x, spec)

by_n = {}
for n, h, label, cpu, wall in rows:
    if label.endswith("_year"):
        continue
    by_n.setdefault((n, h), []).append((label, cpu, wall))

print()
print("CPU s = user + system CPU of the whole child process (one thread), so it includes start-up;")
print("for fab it also includes compiling the .fab model. 'run CPU s' is what SimPy and NeXosim")
print("report for their run alone (model construction excluded). ev/CPU-s = model events / CPU s.")
for (n, h), entries in by_n.items():
    print()
    print(f"N = {n} stations, horizon {h:g} h")
    head = f"{'engine':<24}{'model events':>14}{'CPU s':>9}{'run CPU s':>11}{'ev/CPU-s':>12}{'wall s':>9}{'parts':>9}{'parts/h':>9}"
    print(head); print("-" * len(head))
    rate = {}
    for label, cpu, wall in entries:
        eng = label.split("_")[0]
        try:
            events, thr, parts, self_cpu = parse(label)
        except Exception as e:  # noqa: BLE001 - report and go on
            print(f"{names.get(eng, eng):<24}  unreadable output ({type(e).__name__}: {e})")
            continue
        rate[eng] = events / cpu if cpu > 0 else float("nan")
        print(f"{names.get(eng, eng):<24}{events:>14,.0f}{cpu:>9.2f}{fmt(self_cpu, '.2f'):>11}"
              f"{rate[eng]:>12,.0f}{wall:>9.2f}{fmt(parts, ',.0f'):>9}{thr:>9.2f}")
    engine = os.path.join(out, f"engine_N{n}.json")
    if "fab" in rate and os.path.exists(engine):
        with open(engine) as f:
            e = json.load(f)
        print(f"  fab's engine alone: {e['model_events_per_s']:,.0f} model events per wall second "
              f"({e['ns_per_model_event']:.0f} ns each; best of {e['repeat']}, no compile, start or output)")
    if "fab" in rate:
        for peer, name in (("simpy", "SimPy"), ("nexosim", "NeXosim"), ("kernel", "line kernel")):
            if peer in rate:
                print(f"  fab / {name}: {rate['fab'] / rate[peer]:.2f}x model events per CPU-second")
    if "kernel" in rate:
        for peer, name in (("simpy", "SimPy"), ("nexosim", "NeXosim")):
            if peer in rate:
                print(f"  line kernel / {name}: {rate['kernel'] / rate[peer]:.2f}x (the ceiling of any ratio above)")

for n, h, label, cpu, wall in rows:
    if label.endswith("_year"):
        try:
            events, thr, parts, _ = parse(label)
        except Exception as e:  # noqa: BLE001
            print(f"\nfab, {n} stations, {h:g} h: unreadable output ({e})"); continue
        print()
        print(f"fab, {n} stations over one simulated year ({h:g} h): {cpu:.2f} CPU s, {wall:.2f} wall s, "
              f"{events:,.0f} model events ({events / cpu:,.0f}/CPU-s), {thr:.2f} parts/h "
              f"(CPU time includes compiling the model)")
EOF
