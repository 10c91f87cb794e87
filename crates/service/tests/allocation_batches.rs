//! An allocation run larger than one batch of writes (1,000 rows per statement): every
//! application, history entry, ledger entry, waiting-list position and letter is there,
//! as the one-by-one path wrote them. The applications come in through the one-request
//! submission.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use subsidie_service::application as applications;
use subsidie_service::{allocation, queries, seed, Role};

const AMOUNT: &str = "1000.00";
const RESERVED: usize = 40;
const APPLICATIONS: usize = 1_100;

/// The fixture with an instrument open around [`t0`], order of receipt, anyone may
/// apply any number of times, a fixed amount and room for [`RESERVED`] applications.
fn programme() -> String {
    let block = format!(
        r#"
[[programma.instrumenten]]
code = "stapel"
naam = "Veel aanvragen"
soort = "uitvoering"
plafond = "{RESERVED}000.00"
bedrag = {{ vast = "{AMOUNT}" }}
openstelling = {{ van = 2025-01-01, tot_en_met = 2025-12-31 }}
verdeling = "volgorde-van-binnenkomst"
voorschot_percentage = 80
beslistermijn_weken = 13
aanvultermijn_dagen = 14
uniek = "geen"
verantwoording_uiterlijk = 2026-06-30

"#
    );
    let at = FIXTURE.find("\n[[regios]]").unwrap();
    format!("{}{block}{}", &FIXTURE[..at], &FIXTURE[at..])
}

#[test]
fn a_run_over_several_batches_writes_every_step() {
    let w = empty_world(4);
    let file = seed::parse_programme_file(&programme()).unwrap();
    seed::load(&w.pool, &file, at(2024, 1, 1, 0, 0)).unwrap();
    let (a, _) = applicant(&w.pool, "r01");
    let admin = staff(&w.pool, Role::Admin);
    let mut ids = Vec::with_capacity(APPLICATIONS);
    for n in 0..APPLICATIONS {
        // One second apart, so the order of receipt is the order here.
        let now = t0() + chrono::Duration::seconds(i64::try_from(n).unwrap());
        let app =
            applications::create_and_submit(&w.pool, &a, &new_app("stapel", None, AMOUNT), now)
                .unwrap();
        assert_eq!(app.state, "ingediend");
        ids.push(app.id);
    }
    // The next day: a same-day lot waits until the day's committed seed may be revealed.
    let now = t0() + chrono::Duration::days(1);
    let run = allocation::run(&w.pool, &admin, "stapel", None, now).unwrap();
    assert_eq!(run.placements.len(), APPLICATIONS);

    assert_ledger(&w.pool);
    let (reserved, granted, _) = position(&w.pool, "stapel");
    assert_eq!(
        (reserved, granted),
        (i64::try_from(RESERVED).unwrap() * 100_000, 0)
    );
    let mut waiting = 0;
    for (placement, id) in run.placements.iter().zip(&ids) {
        // The same day for all: the lot decides, so follow the run's order.
        let row = app(&w.pool, &placement.application_id);
        assert_eq!(row.version, 3, "{id}");
        let steps: Vec<String> = history(&w.pool, &row.id)
            .into_iter()
            .map(|h| h.command)
            .collect();
        if placement.decision == "gereserveerd" {
            assert_eq!(row.state, "gereserveerd");
            assert_eq!(row.reserved_cents, 100_000);
            assert_eq!(row.waitlist_position, None);
            assert_eq!(steps, ["aanmaken", "indienen", "toewijzen"]);
            assert_eq!(
                mails(&w.pool, &row.id),
                ["ontvangstbevestiging", "budget_gereserveerd"]
            );
        } else {
            waiting += 1;
            assert_eq!(row.state, "wachtlijst");
            assert_eq!(row.reserved_cents, 0);
            assert_eq!(row.waitlist_position, Some(waiting));
            assert_eq!(steps, ["aanmaken", "indienen", "op_wachtlijst_plaatsen"]);
            assert_eq!(
                mails(&w.pool, &row.id),
                ["ontvangstbevestiging", "wachtlijst"]
            );
        }
    }
    assert_eq!(usize::try_from(waiting).unwrap(), APPLICATIONS - RESERVED);
    let letter = queries::outbox(&w.pool)
        .unwrap()
        .into_iter()
        .find(|m| m.template == "wachtlijst" && m.payload.contains("\"wachtlijstpositie\":1000"))
        .map(|m| m.payload);
    assert!(letter.is_some(), "a letter names position 1000");

    // The outbox sends by id: the waiting-list letters go out in the list's order,
    // whatever order the run wrote them in.
    let mut waitlisted: Vec<_> = queries::outbox(&w.pool)
        .unwrap()
        .into_iter()
        .filter(|m| m.template == "wachtlijst")
        .collect();
    waitlisted.sort_by(|a, b| a.id.cmp(&b.id));
    let positions: Vec<i64> = waitlisted
        .iter()
        .map(|m| {
            serde_json::from_str::<serde_json::Value>(&m.payload).unwrap()["wachtlijstpositie"]
                .as_i64()
                .unwrap()
        })
        .collect();
    let expected: Vec<i64> = (1..=i64::try_from(APPLICATIONS - RESERVED).unwrap()).collect();
    assert_eq!(positions, expected, "sent in the waiting list's order");
}
