#!/usr/bin/env bash
# Installs (Debian's package) and starts a local PostgreSQL, with a role the gateway and its tests use:
# oneclick/oneclick, allowed to create databases, reached over TCP on 127.0.0.1:5432.
# Used by .ci/run, scripts/two-nodes.sh and a developer who wants the PostgreSQL tests (README).
set -euo pipefail

SUDO=""
AS_POSTGRES="runuser -u postgres --"
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; AS_POSTGRES="sudo -u postgres"; fi

if ! command -v pg_ctlcluster > /dev/null || ! ls /usr/lib/postgresql/*/bin/postgres > /dev/null 2>&1; then
  $SUDO apt-get update
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql
fi

version=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main"' | grep -q .; then
  $SUDO pg_createcluster "$version" main
fi
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" && $4 == "online"' | grep -q .; then
  $SUDO pg_ctlcluster "$version" main start
fi

# The role, created once; psql runs as the server's own user (peer authentication on the socket).
$AS_POSTGRES psql -q -v ON_ERROR_STOP=1 <<'SQL'
SET client_min_messages = warning;
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'oneclick') THEN
    CREATE ROLE oneclick LOGIN CREATEDB PASSWORD 'oneclick';
  END IF;
END $$;
-- The tests drop each gateway's database WITH (FORCE), ending what is still connected to it.
GRANT pg_signal_backend TO oneclick;
SQL
# The test suite runs many gateways at once, each with its own pool, and 200 concurrent requests at one:
# more connections than the default 100.
if [ "$($AS_POSTGRES psql -tAc 'SHOW max_connections')" -lt 500 ]; then
  $AS_POSTGRES psql -qc 'ALTER SYSTEM SET max_connections = 500'
  $SUDO pg_ctlcluster "$version" main restart
fi

echo "PostgreSQL $version is running on 127.0.0.1:5432 (role oneclick, password oneclick)."
