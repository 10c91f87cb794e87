#!/usr/bin/env bash
# schemathesis against the live API: `subsidie serve --demo` on a scratch SQLite database
# (the built-in programme, the letter replayed, two instruments open around today, demo
# users with work in every role), then `schemathesis run --checks all` on the served
# OpenAPI document, once as the administrator and once as an applicant.
#
# The run fails on a server error, an answer outside the document (status, headers,
# body), or a schema-valid request refused, except the business-rule refusals listed
# with their reason in openapi/schemathesis.toml.
#
# Bounded: SCHEMATHESIS_MAX_EXAMPLES examples per operation (default 20) and
# SCHEMATHESIS_MAX_TIME seconds per role (default 90). schemathesis is installed from
# PyPI into a temporary venv unless SCHEMATHESIS points to an installed one.
set -Eeuo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"

max_examples="${SCHEMATHESIS_MAX_EXAMPLES:-20}"
max_time="${SCHEMATHESIS_MAX_TIME:-90}"
scratch="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$scratch"
}
trap cleanup EXIT

st="${SCHEMATHESIS:-}"
if [ -z "$st" ]; then
  python3 -m venv "$scratch/venv"
  # Pinned, so that a new release cannot change what CI finds from one run to the next.
  "$scratch/venv/bin/pip" install --quiet --disable-pip-version-check \
    'schemathesis==4.32.5' 'hypothesis==6.170.17'
  st="$scratch/venv/bin/schemathesis"
fi

cargo build --locked --quiet -p subsidie-cli
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
DATABASE_URL="sqlite://$scratch/subsidie.db" MAIL_DIR="$scratch/mail" \
  target/debug/subsidie serve --bind "127.0.0.1:$port" --demo >"$scratch/serve.log" 2>&1 &
server_pid=$!
# The demo replays two years of the letter first: give it a few minutes.
for _ in $(seq 1 300); do
  grep -q "stoppen: Ctrl-C" "$scratch/serve.log" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$scratch/serve.log" >&2; exit 1; }
  sleep 1
done
token() { awk -v role="$1" '$1 == role { print $2; exit }' "$scratch/serve.log"; }
admin="$(token beheerder)"
applicant="$(token aanvrager)"
if [ -z "$admin" ] || [ -z "$applicant" ]; then
  echo "geen demo-tokens in de uitvoer van serve:" >&2
  cat "$scratch/serve.log" >&2
  exit 1
fi

status=0
for role in beheerder aanvrager; do
  if [ "$role" = beheerder ]; then bearer="$admin"; else bearer="$applicant"; fi
  printf '\n--- schemathesis als %s ---\n' "$role"
  # Run from the scratch folder: schemathesis keeps a cache in the current one.
  # One worker: with two, hypothesis describes strategies by `ast.parse` on two threads at
  # once, and CPython 3.11 (the machine's) keeps the AST constructor's recursion depth per
  # interpreter, not per thread: it then raises "AST constructor recursion depth mismatch"
  # (see cpython gh-106905). A CI run failed that way on GET /berichten.
  (cd "$scratch" && "$st" --config-file "$repo/openapi/schemathesis.toml" run "http://127.0.0.1:$port/api/v1/openapi.json" \
    --checks all \
    --header "Authorization: Bearer $bearer" \
    --max-examples "$max_examples" \
    --max-time "$max_time" \
    --workers 1 \
    --seed 1 \
    "$@") || status=1
done
exit "$status"
