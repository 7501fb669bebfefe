#!/usr/bin/env bash
# Seeds and runs cairn's fuzz targets (fuzz/*_fuzzer.cc) for a bounded time.
#   scripts/run-fuzz.sh BUILD_DIR          (make fuzz calls it with build-fuzz)
# Environment: FUZZ_SECONDS per target (default 60), FUZZ_TARGETS to pick
# some (default all).
# Corpus per target: BUILD_DIR/fuzz/corpus/<target>, seeded with files cairn
# writes (fuzz_make_seeds), fuzz/corpus/<target> from the repository, and the
# matching files of ../shared/fixtures when present (read, never copied into
# the repository). Crashes land in BUILD_DIR/fuzz/artifacts. Prints executions
# per target; exits non-zero when a target found a crash.
set -uo pipefail

build=${1:?usage: run-fuzz.sh BUILD_DIR}
seconds=${FUZZ_SECONDS:-60}
targets=${FUZZ_TARGETS:-"bundle_reader checkpoint_state event_reader safetensors_reader keras_h5 keras_config keras_archive saved_model model_spec csv idx json_input"}
root=$(cd "$(dirname "$0")/.." && pwd)
fixtures=$root/../shared/fixtures
out=$build/fuzz
mkdir -p "$out/corpus" "$out/artifacts" "$out/logs"

"$out/fuzz_make_seeds" "$out/corpus" || exit 1

# Fixture files for a target (the bundle target takes its own framing, so it
# is seeded from cairn's bundles only).
fixture_files() {
  [ -d "$fixtures" ] || return 0
  case $1 in
    checkpoint_state) find "$fixtures" -type f -name checkpoint ;;
    event_reader) find "$fixtures" -type f -name 'events.out.tfevents.*' -size -1024k ;;
    keras_h5) find "$fixtures" -type f -name '*.h5' -size -1024k ;;
    safetensors_reader) find "$fixtures" -type f -name '*.safetensors' -size -64k ;;
    keras_archive) find "$fixtures" -type f -name '*.keras' -size -1024k ;;
    csv) find "$fixtures" -type f -name '*.csv' -size -8k ;;
  esac
}

max_len() {
  case $1 in
    bundle_reader) echo 16384 ;;
    checkpoint_state) echo 4096 ;;
    event_reader) echo 16384 ;;
    safetensors_reader) echo 4096 ;;
    keras_h5) echo 65536 ;;
    keras_config) echo 8192 ;;
    keras_archive) echo 65536 ;;
    saved_model) echo 16384 ;;
    model_spec) echo 4096 ;;
    csv) echo 8192 ;;
    idx) echo 4096 ;;
    json_input) echo 4096 ;;
  esac
}

status=0
summary=""
for t in $targets; do
  corpus=$out/corpus/${t}_fuzzer
  mkdir -p "$corpus"
  [ -d "$root/fuzz/corpus/${t}_fuzzer" ] && cp -n "$root/fuzz/corpus/${t}_fuzzer"/* "$corpus"/ 2>/dev/null
  # libFuzzer reads seed directories (file arguments would only be replayed).
  fixture_seeds=$out/fixture_seeds/$t
  rm -rf "$fixture_seeds" && mkdir -p "$fixture_seeds"
  n=0
  while IFS= read -r f; do cp "$f" "$fixture_seeds/$n" && n=$((n + 1)); done < <(fixture_files "$t")
  [ -d "$fixtures" ] || echo "$t: ../shared/fixtures absent, seeding with cairn's files only"
  log=$out/logs/$t.log
  echo "== $t: ${seconds}s, -max_len=$(max_len "$t"), $n fixture seeds"
  "$out/${t}_fuzzer" "$corpus" "$fixture_seeds" -max_total_time="$seconds" \
    -max_len="$(max_len "$t")" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$out/artifacts/${t}-" >"$log" 2>&1
  rc=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  line="$t: ${execs:-?} executions, ${cov:-cov: ?}, exit $rc"
  [ $rc -ne 0 ] && { line="$line (see $log)"; status=1; }
  echo "$line"
  summary+="$line"$'\n'
done
echo "== fuzz summary (${seconds}s per target)"
printf '%s' "$summary"
exit $status
