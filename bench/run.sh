#!/usr/bin/env bash
# The benchmark of issues 7 and 19 in one run: the opening rush over HTTP on SQLite and
# PostgreSQL (two requests per application and one), with 10,000 idle keep-alive
# connections held, the HTTP floor, the read path and the allocation run; next to the
# database's own rate for the minimal writes of a submission and for the hot-row script
# (pgbench with custom scripts; sqlite3 with the same statements in a loop); then the export of a payment run of a million payments to SEPA XML and CSV,
# next to PostgreSQL's COPY … TO STDOUT of the same rows. Writes bench/RESULTS.md.
#
#   bench/run.sh                 # K = 100000 applications, 64 clients
#   BENCH_K=5000 bench/run.sh    # a quick run
#
# Variables: BENCH_K (applications, default 100000), BENCH_CLIENTS (default 64),
# BENCH_EXPORT_N (payments in the export run, default 1000000),
# BENCH_PG_URL (a PostgreSQL server without database, default
# postgres://postgres@127.0.0.1:5432; a database subsidie_bench_<pid> is created there and
# dropped afterwards), BENCH_SKIP_PG=1 to leave PostgreSQL out, BENCH_SKIP_EXPORT=1 to
# leave the export out, BENCH_IDLE (idle keep-alive connections, default 10000),
# BENCH_PROFILE=1 to write a perf profile of each rush phase and of the allocation to
# bench/profiles/ (needs `perf`, and perf_event_paranoid ≤ 0 or root),
# BENCH_ALLOCATION_K (applications in the allocation run, default K: a smaller rush's
# submitted applications are copied up to that many, see bench/rush.rs).
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

# The baselines need the sqlite3 shell and pgbench (Debian/Ubuntu:
# `sudo apt-get install sqlite3 postgresql-client`; pgbench comes with the client, or
# with postgresql-contrib on older releases). Not installed by CI: the bench is not run there.
if ! command -v sqlite3 >/dev/null; then
    echo "sqlite3 ontbreekt: sudo apt-get install sqlite3" >&2
    exit 1
fi
if [ -z "${BENCH_SKIP_PG:-}" ] && [ -z "$PGBENCH" ]; then
    echo "pgbench ontbreekt: sudo apt-get install postgresql-client (of BENCH_SKIP_PG=1)" >&2
    exit 1
fi

echo "== build (release)"
cargo build --release -q -p subsidie-cli --bin subsidie --example rush
if [ -z "${BENCH_SKIP_EXPORT:-}" ]; then
    cargo build --release -q -p subsidie-finance --example export_bench
fi
BIN="$PWD/target/release/subsidie"
RUSH="$PWD/target/release/examples/rush"
EXPORT="$PWD/target/release/examples/export_bench"

# The value of `RESULT … key=value` in a file; empty when the file has no such key.
value() { { grep "^RESULT .*$1=" "$2" || true; } | sed -E "s/.*$1=([^ ]*).*/\1/" | head -n1; }

# --- profiles (BENCH_PROFILE=1) ---------------------------------------------------------
# The rush records a system-wide `perf` profile of its two rush phases and the allocation
# (bench/profile.rs); each becomes bench/profiles/<backend>-<phase>.txt: the CPU per
# process and thread, then the hottest functions. Flat (no call graphs): the release
# build has no frame pointers.
profile_dir() {
    if [ -n "${BENCH_PROFILE:-}" ]; then
        mkdir -p "$TMP/perf-$1"
        export BENCH_PROFILE_DIR="$TMP/perf-$1"
    fi
}
profile_report() {
    [ -n "${BENCH_PROFILE:-}" ] || return 0
    mkdir -p bench/profiles
    local data phase
    for data in "$TMP/perf-$1"/*.data; do
        [ -f "$data" ] || continue
        phase="$(basename "$data" .data)"
        {
            echo "# $1, $phase: perf record -a -F 499 ($(date -u '+%Y-%m-%d %H:%M UTC'), K=$K, $CLIENTS clients)"
            echo
            echo "## CPU by process (thread names)"
            perf report -i "$data" --stdio --no-children --sort comm -q >"$data.comm" 2>/dev/null || true
            head -n 25 "$data.comm"
            echo
            echo "## Hottest functions (all processes)"
            perf report -i "$data" --stdio --no-children --sort comm,dso,sym -q >"$data.sym" 2>/dev/null || true
            head -n 60 "$data.sym"
        } >"bench/profiles/$1-$phase.txt"
        echo "profile: bench/profiles/$1-$phase.txt"
    done
    unset BENCH_PROFILE_DIR
}

# --- the engine --------------------------------------------------------------------
# 10,000 idle connections plus the clients need more descriptors than the usual soft
# limit of 1024, in the client and in the server it starts (both inherit this).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
echo "file limit: $(ulimit -n)"
echo "== opening rush on SQLite (K=$K, $CLIENTS clients)"
profile_dir sqlite
"$RUSH" "$BIN" "sqlite://$TMP/rush.db" "$K" "$CLIENTS" | tee "$TMP/sqlite.out"
profile_report sqlite

if [ -z "${BENCH_SKIP_PG:-}" ]; then
    echo "== opening rush on PostgreSQL"
    psql -q "$PG_SERVER/postgres" -c "CREATE DATABASE $PG_DB" >/dev/null
    profile_dir postgres
    "$RUSH" "$BIN" "$PG_SERVER/$PG_DB" "$K" "$CLIENTS" | tee "$TMP/pg.out"
    profile_report postgres
fi

# --- the database's own limit ----------------------------------------------------------
# Two write sets per application, one transaction each:
# - minimal: what a submission writes at the least — the application row, its history
#   row and its outbox row (the receipt), three INSERTs, no shared row;
# - hot row: one INSERT of an application row and one UPDATE of a single budget row,
#   which serialises every transaction on that row's lock (the engine's submission does
#   not touch the budget row; kept as the reference of earlier runs).
SCHEMA="CREATE TABLE bench_app (id BIGINT PRIMARY KEY, organisation INTEGER NOT NULL,
  instrument TEXT NOT NULL, amount_cents BIGINT NOT NULL, state TEXT NOT NULL,
  submitted_at TEXT NOT NULL);
CREATE TABLE bench_budget (id INTEGER PRIMARY KEY, submitted_cents BIGINT NOT NULL);
INSERT INTO bench_budget VALUES (1, 0);
CREATE TABLE bench_history (application_id BIGINT NOT NULL, at TEXT NOT NULL,
  command TEXT NOT NULL, from_state TEXT, to_state TEXT NOT NULL);
CREATE INDEX bench_history_app ON bench_history (application_id);
CREATE TABLE bench_outbox (id BIGINT PRIMARY KEY, application_id BIGINT NOT NULL,
  template TEXT NOT NULL, payload TEXT NOT NULL, created_at TEXT NOT NULL);"
# About the size of a receipt's payload.
PAYLOAD="{\"referentie\":\"RUSH-2026-0000000000\",\"titel\":\"Aanvraag openingsrush\",\"organisatie\":\"bench-organisatie\",\"regeling\":\"Openingsrush (benchmark)\",\"status\":\"ingediend\",\"aangevraagd\":\"100.00\",\"omschrijving\":\"$(head -c 400 /dev/zero | tr '\0' 'x')\"}"
NOW="'2026-11-29T04:00:00Z'"

echo "== SQLite baselines (sqlite3 shell, one transaction per application)"
sqlite_rate() { # name; the statements of application $i are printed by sqlite_$name
    {
        echo "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
        echo "$SCHEMA"
        for ((i = 1; i <= K; i++)); do "sqlite_$1" "$i"; done
    } >"$TMP/sqlite-$1.sql"
    local start end
    start=$(date +%s.%N)
    sqlite3 "$TMP/base-$1.db" <"$TMP/sqlite-$1.sql" >/dev/null
    end=$(date +%s.%N)
    echo "$K / ($end - $start)" | bc -l | xargs printf '%.1f'
}
sqlite_minimal() {
    echo "BEGIN IMMEDIATE; INSERT INTO bench_app VALUES ($1, $(($1 % 64)), 'rush', 10000, 'ingediend', $NOW); INSERT INTO bench_history VALUES ($1, $NOW, 'indienen', 'concept', 'ingediend'); INSERT INTO bench_outbox VALUES ($1, $1, 'ontvangstbevestiging', '$PAYLOAD', $NOW); COMMIT;"
}
sqlite_hot() {
    echo "BEGIN IMMEDIATE; INSERT INTO bench_app VALUES ($1, $(($1 % 64)), 'rush', 10000, 'ingediend', $NOW); UPDATE bench_budget SET submitted_cents = submitted_cents + 10000 WHERE id = 1; COMMIT;"
}
SQLITE_MIN=$(sqlite_rate minimal)
echo "sqlite3 minimal write set: $SQLITE_MIN applications/s"
SQLITE_BASE=$(sqlite_rate hot)
echo "sqlite3 hot row: $SQLITE_BASE applications/s"

PG_BASE="-"
PG_MIN="-"
if [ -z "${BENCH_SKIP_PG:-}" ] && [ -n "$PGBENCH" ]; then
    echo "== pgbench baselines ($CLIENTS clients, custom scripts)"
    psql -q "$PG_SERVER/postgres" -c "CREATE DATABASE ${PG_DB}_base" >/dev/null
    psql -q "$PG_SERVER/${PG_DB}_base" -c "$SCHEMA" >/dev/null
    psql -q "$PG_SERVER/${PG_DB}_base" -c "CREATE SEQUENCE bench_app_seq" >/dev/null
    {
        echo '\set org random(0, 63)'
        echo 'BEGIN;'
        echo "INSERT INTO bench_app VALUES (nextval('bench_app_seq'), :org, 'rush', 10000, 'ingediend', now()::text);"
        echo "INSERT INTO bench_history VALUES (currval('bench_app_seq'), now()::text, 'indienen', 'concept', 'ingediend');"
        echo "INSERT INTO bench_outbox VALUES (currval('bench_app_seq'), currval('bench_app_seq'), 'ontvangstbevestiging', '$PAYLOAD', now()::text);"
        echo 'COMMIT;'
    } >"$TMP/pgbench-minimal.sql"
    {
        echo '\set org random(0, 63)'
        echo 'BEGIN;'
        echo "INSERT INTO bench_app VALUES (nextval('bench_app_seq'), :org, 'rush', 10000, 'ingediend', now()::text);"
        echo "UPDATE bench_budget SET submitted_cents = submitted_cents + 10000 WHERE id = 1;"
        echo 'COMMIT;'
    } >"$TMP/pgbench.sql"
    per_client=$(( (K + CLIENTS - 1) / CLIENTS ))
    "$PGBENCH" -n -c "$CLIENTS" -j 2 -t "$per_client" -f "$TMP/pgbench-minimal.sql" \
        "$PG_SERVER/${PG_DB}_base" | tee "$TMP/pgbench-minimal.out"
    PG_MIN=$(grep -E '^tps' "$TMP/pgbench-minimal.out" | head -n1 | sed -E 's/tps = ([0-9.]+).*/\1/')
    "$PGBENCH" -n -c "$CLIENTS" -j 2 -t "$per_client" -f "$TMP/pgbench.sql" \
        "$PG_SERVER/${PG_DB}_base" | tee "$TMP/pgbench.out"
    PG_BASE=$(grep -E '^tps' "$TMP/pgbench.out" | head -n1 | sed -E 's/tps = ([0-9.]+).*/\1/')
fi

# --- the export -----------------------------------------------------------------------
if [ -z "${BENCH_SKIP_EXPORT:-}" ]; then
echo "== export of $EXPORT_N payments on SQLite"
"$EXPORT" --payments "$EXPORT_N" | tee "$TMP/export-sqlite.out"
fi
if [ -z "${BENCH_SKIP_PG:-}" ] && [ -z "${BENCH_SKIP_EXPORT:-}" ]; then
    echo "== export of $EXPORT_N payments on PostgreSQL, with COPY as the baseline"
    SUBSIDIE_TEST_BACKEND=postgres SUBSIDIE_TEST_POSTGRES_URL="$PG_SERVER" \
        "$EXPORT" --payments "$EXPORT_N" | tee "$TMP/export-pg.out"
fi

# --- RESULTS.md ----------------------------------------------------------------------
ratio() { if [ "$2" = "-" ] || [ -z "$1" ]; then echo "-"; else echo "$1 / $2" | bc -l | xargs printf '%.3f'; fi; }
row() { # backend file minimal-baseline hot-row-baseline
    local f="$2" one two floor
    one="$(value rush_one_per_second "$f")"; two="$(value rush_per_second "$f")"
    floor="$(value floor_per_second "$f")"
    printf '| %s | %s | %s | %s / %s | %s | %s / %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s / %s | %s / %s / %s | %s / %s / %s |\n' "$1" \
        "$(value rush_applications "$f")" \
        "$two" "$(value rush_p50_ms "$f")" "$(value rush_p99_ms "$f")" \
        "$one" "$(value rush_one_p50_ms "$f")" "$(value rush_one_p99_ms "$f")" \
        "$3" "$(ratio "$one" "$3")" "$4" "$(ratio "$two" "$4")" \
        "$floor" "$(ratio "$one" "$floor")" "$(ratio "$two" "$(echo "${floor:-0} / 2" | bc -l)")" \
        "$(value read_per_second "$f")" "$(value read_p99_ms "$f")" \
        "$(value allocation_seconds "$f")" \
        "$(value reserved_within_ceiling "$f") / $(value acknowledged_missing "$f") / $(value lottery_reproduced "$f")" \
        "$(value ledger_holds "$f")" \
        "$(value idle_connections "$f")" "$(value idle_errors "$f")" "$(value rush_failures "$f")+$(value rush_one_failures "$f")" \
        "$(value server_rss_idle_kb "$f")" "$(value server_rss_after_rush_kb "$f")" "$(value server_peak_rss_kb "$f")" \
        "$(value rush_server_cpu_us_per_app "$f")" "$(value rush_client_cpu_us_per_app "$f")" "$(value rush_machine_cpu_us_per_app "$f")"
}
{
    echo "# Benchmark results"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "- commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?') (working tree may differ)"
    echo "- machine: $(nproc) CPU ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/ {print $2}') GB RAM, $(uname -sr)"
    echo "- PostgreSQL: $(psql -tA "$PG_SERVER/postgres" -c 'show server_version' 2>/dev/null || echo '-'), SQLite: $(sqlite3 --version | cut -d' ' -f1)"
    echo "- command: \`BENCH_K=$K BENCH_CLIENTS=$CLIENTS BENCH_EXPORT_N=$EXPORT_N BENCH_ALLOCATION_K=${BENCH_ALLOCATION_K:-$K}${BENCH_SKIP_EXPORT:+ BENCH_SKIP_EXPORT=1} bench/run.sh\` (\`just bench\` with those variables)"
    echo "- allocation run over ${BENCH_ALLOCATION_K:-$K} submitted applications (beyond the rush's: copies of its submitted ones)"
    echo "- K = $K applications ($((K / 2)) in two requests, the rest in one), $CLIENTS concurrent HTTP"
    echo "  clients with one keep-alive connection each, and ${BENCH_IDLE:-10000} idle keep-alive connections"
    echo "  held open the whole run; the server, the clients and the database share the machine."
    echo
    echo "| backend | acknowledged | two requests: apps/s | p50 / p99 ms | one request: apps/s | p50 / p99 ms | minimal-write baseline apps/s | one request / minimal | hot-row baseline apps/s | two requests / hot row | HTTP floor req/s | one request / floor | two requests / (floor / 2) | GET req/s | GET p99 ms | allocation s | reserved ≤ ceiling / missing / lottery reproduced | ledger holds | idle connections / errors / rush failures | server RSS kB: idle conns / after rush / peak | CPU µs per application (two requests): server / client / machine |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    row SQLite "$TMP/sqlite.out" "$SQLITE_MIN" "$SQLITE_BASE"
    if [ -f "$TMP/pg.out" ]; then row PostgreSQL "$TMP/pg.out" "$PG_MIN" "$PG_BASE"; fi
    echo
    echo "Two requests: \`POST /aanvragen\` plus \`POST /aanvragen/{id}/indieningen\`; one request:"
    echo "\`POST /aanvragen\` with \`\"indienen\": true\` (p50/p99 per application). Baselines, one"
    echo "transaction per application: *minimal* = the application, history and outbox INSERTs a"
    echo "submission needs at the least; *hot row* = one INSERT plus one UPDATE of a single budget"
    echo "row. PostgreSQL: pgbench with $CLIENTS clients (\`pgbench -n -c $CLIENTS -j 2 -t ⌈K/$CLIENTS⌉ -f script\`);"
    echo "SQLite: the sqlite3 shell with the same statements in one loop (WAL, synchronous=NORMAL)."
    echo "HTTP floor: min(K, 20000) \`GET /instrumenten/rush\` (token cache plus one read by key) at"
    echo "concurrency $CLIENTS on the same server. The GET column reads every acknowledged application"
    echo "once (\`GET /aanvragen/{id}\`) and checks it is \`ingediend\`. CPU divides the CPU time of the"
    echo "two-request phase by its applications: the server process (with SQLite inside it;"
    echo "PostgreSQL's processes are not in it), the client, the whole machine (\`/proc/stat\`)."
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
    if [ -f "$TMP/export-sqlite.out" ]; then export_row SQLite "$TMP/export-sqlite.out"; fi
    if [ -f "$TMP/export-pg.out" ]; then export_row PostgreSQL "$TMP/export-pg.out"; fi
    if [ -n "${BENCH_SKIP_EXPORT:-}" ]; then
        echo
        echo "The export was left out of this run (\`BENCH_SKIP_EXPORT=1\`)."
    fi
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
