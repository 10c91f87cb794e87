//! Copies of submitted applications, so that an allocation run over 100,000 can be
//! measured without submitting 100,000 (`bench/rush.rs` and `bench/allocation.rs`
//! include this file with `#[path]`).

use subsidie_store::DatabaseUrl;

/// Copies `n` of the `rush` instrument's submitted applications: new id and reference
/// (suffix `-cN`), the same receipt and round, no history or letters of their own. Every
/// column but the two is copied: a copy without its round (`round_code`) is placed by no
/// run, which made the runs of 2026-12-01 allocate the rush's applications only.
pub fn copy_submitted(url: &DatabaseUrl, n: usize) {
    use diesel::RunQueryDsl;
    const COLUMNS: &str = "created_at, decided_at, decision_due_on, decision_motivation, \
        description, discipline_id, grant_proposed_by, grant_proposed_cents, granted_cents, \
        instrument_id, objection_due_on, organisation_id, received_at, received_day, \
        region_id, requested_cents, reserved_cents, round_code, score, settled_cents, state, \
        supplement_due_on, supplement_request, title, uniqueness_key, updated_at, version, \
        waitlist_position";
    if n == 0 {
        return;
    }
    let pool = subsidie_store::db::open(url, 1).unwrap();
    let mut conn = pool.get().unwrap();
    let mut left = n;
    let mut round = 1;
    while left > 0 {
        let sql = format!(
            "INSERT INTO applications (id, reference, {COLUMNS}) \
             SELECT id || '-c{round}', reference || '-c{round}', {COLUMNS} FROM applications \
             WHERE instrument_id = 'rush' AND state = 'ingediend' AND id NOT LIKE '%-c%' \
             ORDER BY id LIMIT {left}"
        );
        let added = diesel::sql_query(sql).execute(&mut *conn).unwrap();
        assert!(added > 0, "nothing to copy");
        left -= added;
        round += 1;
    }
}
