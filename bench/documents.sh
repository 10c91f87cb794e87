#!/usr/bin/env bash
# The documents benchmark of issue 15 (not a timed test): starts `subsidie serve --demo`
# on a scratch SQLite database, uploads BENCH_DOC_N (64) files of BENCH_DOC_MIB (20) MiB
# in parallel to one concept of the demo applicant, checks every answer's SHA-256 and
# reports the server's peak RSS (VmHWM from /proc/<pid>/status). Writes the figure into
# the "Documents" section of bench/RESULTS.md.
#
#   bash bench/documents.sh                        # release build
#   BENCH_PROFILE=debug bash bench/documents.sh    # the debug binary (no release build)
#   BENCH_BIN=target/debug/subsidie BENCH_PROFILE=debug bash bench/documents.sh  # as built
#
# The per-application total is raised for the run (DOCUMENT_MAX_APPLICATION_MIB) so 64
# files fit on one application; the per-file limit stays at 20 MiB.
set -euo pipefail
cd "$(dirname "$0")/.."

N="${BENCH_DOC_N:-64}"
MIB="${BENCH_DOC_MIB:-20}"
PROFILE="${BENCH_PROFILE:-release}"
TMP="$(mktemp -d)"
OUT="bench/RESULTS.md"
PORT="${BENCH_DOC_PORT:-18415}"
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$TMP"
}
trap cleanup EXIT

if [ -n "${BENCH_BIN:-}" ]; then
    BIN="$BENCH_BIN"
elif [ "$PROFILE" = release ]; then
    cargo build --release -q -p subsidie-cli --bin subsidie
    BIN="$PWD/target/release/subsidie"
else
    cargo build -q -p subsidie-cli --bin subsidie
    BIN="$PWD/target/debug/subsidie"
fi

echo "== serve --demo on $TMP/docs.db"
DATABASE_URL="sqlite://$TMP/docs.db" MAIL_DIR="$TMP/outbox" MAILER=off \
    DOCUMENT_MAX_APPLICATION_MIB=$((N * MIB + 100)) DOCUMENT_SPOOL_DIR="$TMP" \
    "$BIN" serve --demo --bind "127.0.0.1:$PORT" > "$TMP/serve.out" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 600); do
    if grep -q "Ctrl-C" "$TMP/serve.out" 2>/dev/null; then break; fi
    sleep 1
done
TOKEN="$(grep -E '^\s+aanvrager\s' "$TMP/serve.out" | head -n1 | awk '{print $2}')"
[ -n "$TOKEN" ] || { cat "$TMP/serve.out"; echo "geen token van de demo-aanvrager"; exit 1; }
APP="$(curl -s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/aanvragen?status=concept" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["aanvragen"][0]["id"])')"

echo "== $N uploads of $MIB MiB at once to $APP"
python3 bench/documents.py "127.0.0.1:$PORT" "$TOKEN" "$APP" "$SERVER_PID" "$N" $((MIB * 1024 * 1024)) | tee "$TMP/result.out"
LINE="$(grep '^RESULT' "$TMP/result.out")"
peak="$(sed -E 's/.*peak_rss_mib=([^ ]*).*/\1/' <<<"$LINE")"
secs="$(sed -E 's/.*seconds=([^ ]*).*/\1/' <<<"$LINE")"
ok="$(sed -E 's/.*ok=([^ ]*).*/\1/' <<<"$LINE")"

SECTION="$TMP/section.md"
{
    echo "<!-- documents: written by bench/documents.sh -->"
    echo "## Documents: $N uploads of $MIB MiB at once"
    echo
    echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr); $(date -u +%Y-%m-%d); \`$PROFILE\` build, SQLite."
    echo "Command: \`BENCH_PROFILE=$PROFILE bash bench/documents.sh\`."
    echo
    echo "| uploads | accepted with matching SHA-256 | wall time | server peak RSS (VmHWM) | target |"
    echo "|---|---|---|---|---|"
    echo "| $N × $MIB MiB | $ok | $secs s | **$peak MiB** | < 200 MiB |"
    echo
    echo "Each upload is spooled to a file while it arrives and written to the database in chunks of 256 KiB in one transaction; SQLite takes one writer at a time, so the uploads queue for the write lock with their spool files on disk, not in memory."
    echo "<!-- /documents -->"
} > "$SECTION"
python3 - "$OUT" "$SECTION" <<'PY'
import re, sys
out, section = sys.argv[1], open(sys.argv[2]).read()
text = open(out).read() if __import__("os").path.exists(out) else ""
pattern = re.compile(r"<!-- documents:.*?<!-- /documents -->\n?", re.S)
text = pattern.sub("", text).rstrip() + "\n\n" + section
open(out, "w").write(text)
PY
echo "peak RSS: $peak MiB (written to $OUT)"
