#!/usr/bin/env bash
# The benchmark of issue 7 in one run: the opening rush over HTTP on PostgreSQL and on
# SQLite (with the read path and the allocation run), next to the database's own rate for
# the same writes (pgbench with a custom script; sqlite3 with the same statements in a
# loop); then the export of a payment run of a million payments to SEPA XML and CSV,
# next to PostgreSQL's COPY … TO STDOUT of the same rows. Writes bench/RESULTS.md.
#
#   bench/run.sh                 # K = 100000 applications, 64 clients
#   BENCH_K=5000 bench/run.sh    # a quick run
#
# Variables: BENCH_K (applications, default 100000), BENCH_CLIENTS (default 64),
# BENCH_EXPORT_N (payments in the export run, default 1000000),
# BENCH_PG_URL (a PostgreSQL server without database, default
# postgres://postgres@127.0.0.1:5432; a database subsidie_bench_<pid> is created there and
# dropped afterwards), BENCH_SKIP_PG=1 to leave PostgreSQL out.
set -euo pipefail
cd "$(dirname "$0")/.."

K="${BENCH_K:-100000}"
EXPORT_N="${BENCH_EXPORT_N:-1000000}"
CLIENTS="${BENCH_CLIENTS:-64}"
PG_SERVER="${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}"
PG_DB="subsidie_bench_$$"
TMP="$(mktemp -d)"
OUT="bench/RESULTS.md"
PGBENCH="$(command -v pgbench || ls /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | tail -n1 || true)"

cleanup() {
    if [ -z "${BENCH_SKIP_PG:-}" ]; then
        psql -q "$PG_SERVER/postgres" -c "DROP DATABASE IF EXISTS $PG_DB" >/dev/null 2>&1 || true
        psql -q "$PG_SERVER/postgres" -c "DROP DATABASE IF EXISTS ${PG_DB}_base" >/dev/null 2>&1 || true
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT

echo "== build (release)"
cargo build --release -q -p subsidie-cli --bin subsidie --example rush
cargo build --release -q -p subsidie-finance --example export_bench
BIN="$PWD/target/release/subsidie"
RUSH="$PWD/target/release/examples/rush"
EXPORT="$PWD/target/release/examples/export_bench"

# The value of `RESULT … key=value` in a file; empty when the file has no such key.
value() { { grep "^RESULT .*$1=" "$2" || true; } | sed -E "s/.*$1=([^ ]*).*/\1/" | head -n1; }

# --- the engine --------------------------------------------------------------------
echo "== opening rush on SQLite (K=$K, $CLIENTS clients)"
"$RUSH" "$BIN" "sqlite://$TMP/rush.db" "$K" "$CLIENTS" | tee "$TMP/sqlite.out"

if [ -z "${BENCH_SKIP_PG:-}" ]; then
    echo "== opening rush on PostgreSQL"
    psql -q "$PG_SERVER/postgres" -c "CREATE DATABASE $PG_DB" >/dev/null
    "$RUSH" "$BIN" "$PG_SERVER/$PG_DB" "$K" "$CLIENTS" | tee "$TMP/pg.out"
fi

# --- the database's own limit ----------------------------------------------------------
# Per application: one INSERT of an application row and one UPDATE of the budget row,
# in one transaction — what a submission writes at the least.
SCHEMA="CREATE TABLE bench_app (id BIGINT PRIMARY KEY, organisation INTEGER NOT NULL,
  instrument TEXT NOT NULL, amount_cents BIGINT NOT NULL, state TEXT NOT NULL,
  submitted_at TEXT NOT NULL);
CREATE TABLE bench_budget (id INTEGER PRIMARY KEY, submitted_cents BIGINT NOT NULL);
INSERT INTO bench_budget VALUES (1, 0);"

echo "== SQLite baseline (same statements, one transaction per application)"
{
    echo "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
    echo "$SCHEMA"
    for ((i = 1; i <= K; i++)); do
        echo "BEGIN IMMEDIATE; INSERT INTO bench_app VALUES ($i, $((i % 64)), 'rush', 10000, 'ingediend', '2026-11-29T04:00:00Z'); UPDATE bench_budget SET submitted_cents = submitted_cents + 10000 WHERE id = 1; COMMIT;"
    done
} >"$TMP/sqlite.sql"
start=$(date +%s.%N)
sqlite3 "$TMP/base.db" <"$TMP/sqlite.sql" >/dev/null
end=$(date +%s.%N)
SQLITE_BASE=$(echo "$K / ($end - $start)" | bc -l | xargs printf '%.1f')
echo "sqlite3: $SQLITE_BASE applications/s"

PG_BASE="-"
if [ -z "${BENCH_SKIP_PG:-}" ] && [ -n "$PGBENCH" ]; then
    echo "== pgbench baseline ($CLIENTS clients, custom script)"
    psql -q "$PG_SERVER/postgres" -c "CREATE DATABASE ${PG_DB}_base" >/dev/null
    psql -q "$PG_SERVER/${PG_DB}_base" -c "$SCHEMA" >/dev/null
    psql -q "$PG_SERVER/${PG_DB}_base" -c "CREATE SEQUENCE bench_app_seq" >/dev/null
    cat >"$TMP/pgbench.sql" <<'EOF'
\set org random(0, 63)
BEGIN;
INSERT INTO bench_app VALUES (nextval('bench_app_seq'), :org, 'rush', 10000, 'ingediend', now()::text);
UPDATE bench_budget SET submitted_cents = submitted_cents + 10000 WHERE id = 1;
COMMIT;
EOF
    per_client=$(( (K + CLIENTS - 1) / CLIENTS ))
    "$PGBENCH" -n -c "$CLIENTS" -j 2 -t "$per_client" -f "$TMP/pgbench.sql" \
        "$PG_SERVER/${PG_DB}_base" | tee "$TMP/pgbench.out"
    PG_BASE=$(grep -E '^tps' "$TMP/pgbench.out" | head -n1 | sed -E 's/tps = ([0-9.]+).*/\1/')
fi

# --- the export -----------------------------------------------------------------------
echo "== export of $EXPORT_N payments on SQLite"
"$EXPORT" --payments "$EXPORT_N" | tee "$TMP/export-sqlite.out"
if [ -z "${BENCH_SKIP_PG:-}" ]; then
    echo "== export of $EXPORT_N payments on PostgreSQL, with COPY as the baseline"
    SUBSIDIE_TEST_BACKEND=postgres SUBSIDIE_TEST_POSTGRES_URL="$PG_SERVER" \
        "$EXPORT" --payments "$EXPORT_N" | tee "$TMP/export-pg.out"
fi

# --- RESULTS.md ----------------------------------------------------------------------
ratio() { if [ "$2" = "-" ] || [ -z "$1" ]; then echo "-"; else echo "$1 / $2" | bc -l | xargs printf '%.3f'; fi; }
row() { # backend file baseline
    local f="$2"
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$1" \
        "$(value rush_applications "$f")" "$(value rush_per_second "$f")" \
        "$(value rush_p50_ms "$f")" "$(value rush_p99_ms "$f")" "$3" \
        "$(ratio "$(value rush_per_second "$f")" "$3")" \
        "$(value read_per_second "$f")" "$(value read_p99_ms "$f")" \
        "$(value allocation_seconds "$f")" \
        "$(value reserved_within_ceiling "$f") / $(value acknowledged_missing "$f") / $(value lottery_reproduced "$f")" \
        "$(value ledger_holds "$f")" "$(value server_peak_rss_kb "$f")" \
        "$(value rush_server_cpu_us_per_app "$f") / $(value rush_client_cpu_us_per_app "$f") / $(value rush_machine_cpu_us_per_app "$f")"
}
{
    echo "# Benchmark results"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "- commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?') (working tree may differ)"
    echo "- machine: $(nproc) CPU ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/ {print $2}') GB RAM, $(uname -sr)"
    echo "- PostgreSQL: $(psql -tA "$PG_SERVER/postgres" -c 'show server_version' 2>/dev/null || echo '-'), SQLite: $(sqlite3 --version | cut -d' ' -f1)"
    echo "- command: \`BENCH_K=$K BENCH_CLIENTS=$CLIENTS bench/run.sh\` (same as \`just bench\` with those variables)"
    echo "- K = $K applications, $CLIENTS concurrent HTTP clients, one keep-alive connection each; the"
    echo "  server, the clients and the database share the same machine."
    echo
    echo "| backend | acknowledged | engine apps/s | p50 ms | p99 ms | database apps/s | engine / database | GET req/s | GET p99 ms | allocation s | reserved ≤ ceiling / missing / lottery reproduced | ledger holds | server peak RSS kB | CPU µs per application: server / client / whole machine |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    row SQLite "$TMP/sqlite.out" "$SQLITE_BASE"
    if [ -f "$TMP/pg.out" ]; then row PostgreSQL "$TMP/pg.out" "$PG_BASE"; fi
    echo
    echo "An application is one \`POST /aanvragen\` plus one \`POST /aanvragen/{id}/indieningen\`"
    echo "(p50/p99 over both). The database baselines run one INSERT of an application row and"
    echo "one UPDATE of the budget row per application in one transaction: pgbench with"
    echo "$CLIENTS clients (\`pgbench -n -c $CLIENTS -j 2 -t ⌈K/$CLIENTS⌉ -f script\`), and the"
    echo "sqlite3 shell with the same statements in one loop (WAL, synchronous=NORMAL)."
    echo "The GET column reads every acknowledged application once (\`GET /aanvragen/{id}\`) at"
    echo "concurrency $CLIENTS and checks it is \`ingediend\`. The CPU column divides the CPU time used"
    echo "during the rush by the acknowledged applications: the server process (with SQLite inside"
    echo "it; PostgreSQL's own processes are not in it), the client, and the whole machine"
    echo "(\`/proc/stat\`, so PostgreSQL and anything else running are in it)."
    echo
    echo "## Export of a payment run ($EXPORT_N payments)"
    echo
    echo "\`target/release/examples/export_bench --payments $EXPORT_N\` (source"
    echo "\`crates/finance/examples/export_bench.rs\`): the run is taken through the service, then"
    echo "each file is streamed from the database into a sink that counts bytes. Peak RSS is the"
    echo "process's high-water mark during that export alone. The baseline is PostgreSQL's own"
    echo "\`COPY (SELECT … FROM payment_run_items WHERE run_id = …) TO STDOUT\` of the same rows through"
    echo "\`psql\` into /dev/null (text format, and CSV format)."
    echo
    echo "| backend | SEPA XML rows/s | SEPA peak RSS MiB | CSV rows/s | CSV peak RSS MiB | COPY rows/s | COPY csv rows/s | SEPA / COPY | CSV / COPY csv |"
    echo "|---|---|---|---|---|---|---|---|---|"
    export_row() { # backend file
        local f="$2" copy copy_csv
        copy="$(value copy_rows_per_second "$f")"; copy="${copy:--}"
        copy_csv="$(value copy_csv_rows_per_second "$f")"; copy_csv="${copy_csv:--}"
        printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$1" \
            "$(value export_sepa_rows_per_second "$f")" "$(value export_sepa_peak_rss_mib "$f")" \
            "$(value export_csv_rows_per_second "$f")" "$(value export_csv_peak_rss_mib "$f")" \
            "$copy" "$copy_csv" \
            "$(ratio "$(value export_sepa_rows_per_second "$f")" "$copy")" \
            "$(ratio "$(value export_csv_rows_per_second "$f")" "$copy_csv")"
    }
    export_row SQLite "$TMP/export-sqlite.out"
    if [ -f "$TMP/export-pg.out" ]; then export_row PostgreSQL "$TMP/export-pg.out"; fi
} >"$OUT.new"
if [ "$K" -lt 100000 ] || [ "$EXPORT_N" -lt 1000000 ]; then
    {
        echo
        echo "This was a quick run (K = $K, $EXPORT_N payments); the full run is \`just bench\`"
        echo "(K = 100000, 1000000 payments)."
    } >>"$OUT.new"
fi
if [ -f bench/NOTES.md ]; then
    { echo; cat bench/NOTES.md; } >>"$OUT.new"
fi
mv "$OUT.new" "$OUT"
echo "== written $OUT"
cat "$OUT"
