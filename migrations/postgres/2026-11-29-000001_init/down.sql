DROP TABLE IF EXISTS idempotency_keys, outbox, objections, payments, allocation_placements,
    allocation_runs, ledger_entries, application_history, applications, conflicts_of_interest,
    api_tokens, users, organisations, disciplines, regions, instruments, programmes;
DROP FUNCTION IF EXISTS refuse_change();
