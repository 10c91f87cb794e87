# Conveniences; every recipe is a plain command you can also type yourself.

# Start the service on the embedded SQLite default with the programme loaded.
run:
    cargo run --release -p subsidie-cli -- serve

# All tests on SQLite (the README's test command).
test:
    cargo test --workspace

# All tests on the local PostgreSQL (a fresh database per test).
test-pg:
    SUBSIDIE_TEST_BACKEND=postgres cargo test --workspace

# Everything CI runs.
ci:
    bash .ci/run

fmt:
    cargo fmt --all

# The OpenAPI document against the NLGov API Design Rules (as CI does), with the ruleset
# vendored in openapi/nlgov-api-design-rules/ (see its SOURCE.md); regenerate the
# document first with `UPDATE_OPENAPI=1 cargo test -p subsidie-api --test openapi_document`.
lint-api:
    npx --yes @stoplight/spectral-cli@6 lint --fail-severity error -r openapi/nlgov-api-design-rules/linter.yaml openapi/openapi.json

# Import circles, long functions and long files (as CI does).
check-architecture:
    python3 scripts/check_architecture.py

# The benchmark (bench/run.sh): opening rush on PostgreSQL and SQLite against the
# database's own rate, read path, allocation; writes bench/RESULTS.md. BENCH_K=5000 for a
# quick run.
bench:
    bash bench/run.sh
