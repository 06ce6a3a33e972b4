#!/usr/bin/env bash
# Every test, on each database the gateway runs on: the whole suite on SQLite (the embedded default),
# then again on PostgreSQL (ONECLICK_TEST_DATABASE=PostgreSql, a database per test gateway on the
# server scripts/postgres.sh starts). Ends on one plain summary line for both runs.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# A PostgreSQL server for the second run (and for the PostgreSQL tests of the first): installed and
# started where this machine allows it (root with apt, or sudo), else the second run says what is missing.
if ! bash scripts/postgres.sh; then
  echo "scripts/postgres.sh could not start PostgreSQL: the PostgreSQL run will say why." >&2
fi

log=$(mktemp)
dotnet test OneClick.sln 2>&1 | tee "$log"
sqlite=${PIPESTATUS[0]}
ONECLICK_TEST_DATABASE=PostgreSql dotnet test OneClick.sln --no-build 2>&1 | tee -a "$log"
postgres=${PIPESTATUS[0]}

awk '/(Passed|Failed)! +- +Failed:/ {
        for (i = 1; i <= NF; i++) { gsub(",", "", $(i + 1)); if ($i == "Failed:") f += $(i + 1); if ($i == "Passed:") p += $(i + 1); if ($i == "Skipped:") s += $(i + 1) }
     }
     END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
[ "$sqlite" -eq 0 ] && [ "$postgres" -eq 0 ]
