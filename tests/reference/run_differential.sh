#!/usr/bin/env bash
# Differential test of a cbf-features host against the independent Python reference.
# Usage: run_differential.sh CBF_FEATURES_EXE [SEEDS]
#   SEEDS: space- or comma-separated list, or a range A..B (default 1..12).
# Every third run adds fitted-model options (--bgnbd, sometimes --gg) from MODELS, compared
# with relative tolerance MODEL_TOL on churn_probability / lifetime_value_prediction.
# Prints one line per run and a final line `N passed, M failed`; exits 1 if any failed.
# Set KEEP=1 to keep the work directory (printed on stderr).
set -u
if [ $# -lt 1 ]; then
  echo "usage: $0 CBF_FEATURES_EXE [SEEDS]" >&2
  exit 2
fi
EXE=$1
SEEDS_ARG=${2:-1..12}
HERE=$(cd "$(dirname "$0")" && pwd)
PY=${PYTHON:-python3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cbf-diff.XXXXXX")
if [ "${KEEP:-0}" = 1 ]; then
  echo "work dir: $WORK" >&2
else
  trap 'rm -rf "$WORK"' EXIT
fi

case "$SEEDS_ARG" in
  *..*) SEEDS=$(seq "${SEEDS_ARG%%..*}" "${SEEDS_ARG##*..}") ;;
  *) SEEDS=$(echo "$SEEDS_ARG" | tr ',' ' ') ;;
esac

# --as-of values inside the data's main range (2024), so after_as_of records exist.
ASOFS=("2024-09-15T12:00:00Z" "2024-06-30T23:59:59.5+02:00" "2024-11-02T07:30:00.123456Z"
       "1727740800" "2024-03-31")
OFFSETS=(0 -300 330 -570)
PRESETS=(default shopify)
# Fitted-model option sets (weeks). Every third run of a seed uses one, cycling with the seed.
# CDNOW's published BG/NBD; a+b < 1; a > 1 with b < 1; Gamma-Gamma with q > 1, with q < 1,
# and 0.3,0.2,3 where p*x+q-1 <= 0 for x = |P| <= 2 (E[M] = m branch).
MODELS=("--bgnbd 0.243,4.414,0.793,2.426"
        "--bgnbd 0.5,2,0.3,0.4 --gg 0.8,0.5,3"
        "--bgnbd 1.2,10,3,0.7 --gg 6.25,3.74,15.44"
        "--bgnbd 0.243,4.414,0.793,2.426 --gg 6.25,3.74,15.44"
        "--bgnbd 0.5,2,0.3,0.4"
        "--bgnbd 1.2,10,3,0.7 --gg 0.3,0.2,3"
        "--bgnbd 0.5,2,0.3,0.4 --gg 0.3,0.2,3")
MODEL_TOL=1e-10  # relative tolerance for churn_probability / lifetime_value_prediction

passed=0
failed=0
for seed in $SEEDS; do
  data="$WORK/data-$seed"
  if ! "$PY" "$HERE/generate.py" "$data" --seed "$seed"; then
    echo "seed=$seed generate FAILED"
    failed=$((failed + 1))
    continue
  fi
  run=0
  for preset in "${PRESETS[@]}"; do
    for off in "${OFFSETS[@]}"; do
      for asof_mode in none given; do
        run=$((run + 1))
        opts=(--preset "$preset" --utc-offset "$off")
        if [ "$asof_mode" = given ]; then
          idx=$(( (seed + run) % ${#ASOFS[@]} ))
          opts+=(--as-of "${ASOFS[$idx]}")
        fi
        cmp_opts=()
        if [ $((run % 3)) = 0 ]; then
          midx=$(( (seed + run / 3) % ${#MODELS[@]} ))
          read -r -a mopts <<<"${MODELS[$midx]}"
          opts+=("${mopts[@]}")
          cmp_opts=(--model-tol "$MODEL_TOL")
        fi
        tag="seed=$seed ${opts[*]}"
        out="$WORK/run-$seed-$run"
        mkdir -p "$out"
        # reference and host run side by side (the reference is the slow one)
        "$PY" "$HERE/reference.py" "$data" "${opts[@]}" --output "$out/exp.csv" \
          --diagnostics "$out/exp_diag.csv" 2>"$out/ref.err" &
        refpid=$!
        "$EXE" "$data" "${opts[@]}" --output "$out/act.csv" \
          --diagnostics "$out/act_diag.csv" --quiet >"$out/host.out" 2>"$out/host.err"
        hostrc=$?
        wait "$refpid"
        refrc=$?
        if [ $refrc != 0 ]; then
          echo "FAIL $tag: reference failed: $(head -c 300 "$out/ref.err")"
          failed=$((failed + 1))
          continue
        fi
        if [ $hostrc != 0 ]; then
          echo "FAIL $tag: host failed: $(head -c 300 "$out/host.err")"
          failed=$((failed + 1))
          continue
        fi
        ok=1
        if ! "$PY" "$HERE/compare.py" "$out/exp.csv" "$out/act.csv" "${cmp_opts[@]}" >"$out/cmp.txt" 2>&1; then
          ok=0
        fi
        if ! "$PY" "$HERE/compare.py" "$out/exp_diag.csv" "$out/act_diag.csv" --exact \
             >>"$out/cmp.txt" 2>&1; then
          ok=0
        fi
        if [ $ok = 1 ]; then
          echo "PASS $tag"
          passed=$((passed + 1))
        else
          n=$(wc -l <"$out/cmp.txt")
          echo "FAIL $tag: $n mismatches; first: $(head -n 3 "$out/cmp.txt" | tr '\n' '|')"
          failed=$((failed + 1))
        fi
      done
    done
  done
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
