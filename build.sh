#!/usr/bin/env bash
# Build, test, run and benchmark CaseLedger. `./build.sh` with no target lists the targets.
# Works from any folder. Needs only the .NET SDK; the tests start their own PostgreSQL cluster
# from the machine's PostgreSQL binaries, so no server has to be running.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"

solution=CaseLedger.sln
# One configuration for build, test and run, so `test` reuses what `build` made.
configuration=Debug
results_dir=TestResults
export DOTNET_NOLOGO=1

usage() {
    cat <<'EOF'
usage: ./build.sh <target> [arguments]

targets:
  build          build the solution (Debug)
  test           build everything, run every test project, print "tests: N passed, M failed"
  run [args]     run the host (src/CaseLedger.Host) in the Development environment; args go to the host
  bench [args]   run the benchmarks in Release: [ballots|concurrent|audit|scenarios|memory|deadlines|visas], all if none named (e.g. ballots --households 702 --window 100)
  clean          remove build output, test results and benchmark artifacts
EOF
}

build() {
    dotnet build "$solution" -c "$configuration"
}

run_tests() {
    build

    local log status passed failed skipped
    log="$(mktemp)"
    rm -rf "$results_dir"
    # The per-project summary lines are what we count; the terminal logger would replace them.
    set +e
    MSBUILDTERMINALLOGGER=off dotnet test "$solution" -c "$configuration" --no-build \
        --results-directory "$results_dir" 2>&1 | tee "$log"
    status=${PIPESTATUS[0]}
    set -e

    # Lines such as "Passed!  - Failed:     0, Passed:    12, Skipped:     0, Total:    12, ..."
    read -r passed failed skipped < <(
        sed -E 's/\x1b\[[0-9;]*m//g' "$log" |
            sed -nE 's/.*(Passed|Failed)! +- +Failed: +([0-9]+), +Passed: +([0-9]+), +Skipped: +([0-9]+),.*/\3 \2 \4/p' |
            awk '{ p += $1; f += $2; s += $3 } END { print p + 0, f + 0, s + 0 }'
    )
    rm -f "$log"

    local summary="tests: $passed passed, $failed failed"
    if ((skipped > 0)); then summary+=", $skipped skipped"; fi
    echo "$summary"

    if ((status != 0 || failed > 0)); then
        return 1
    fi
}

clean() {
    dotnet clean "$solution" -c Debug --verbosity quiet
    dotnet clean "$solution" -c Release --verbosity quiet
    rm -rf "$results_dir" BenchmarkDotNet.Artifacts
}

target="${1-}"
if (($# > 0)); then shift; fi
# Lets `./build.sh run -- --urls ...` and `./build.sh run --urls ...` mean the same.
if [[ "${1-}" == "--" ]]; then shift; fi

case "$target" in
    build) build ;;
    test) run_tests ;;
    # A developer's host: the Development environment (the auditor page's development sign-in, POST /dev/tokens),
    # unless the caller chose another.
    run) ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}" dotnet run --project src/CaseLedger.Host -c "$configuration" -- "$@" ;;
    # Benchmarks only mean something in Release.
    bench) dotnet run -c Release --project tests/CaseLedger.Benchmarks -- "$@" ;;
    clean) clean ;;
    "" | help | -h | --help) usage ;;
    *)
        echo "build.sh: unknown target '$target'" >&2
        usage >&2
        exit 2
        ;;
esac
