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
