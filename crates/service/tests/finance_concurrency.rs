//! Two payment runs started at the same moment from two threads never share a payment.
#![allow(clippy::unwrap_used)]

mod finance_support;

use std::collections::BTreeMap;
use std::sync::{Arc, Barrier};

use diesel::prelude::*;
use finance_support::*;
use subsidie_domain::payment::PaymentState;
use subsidie_service::payments;
use subsidie_service::ServiceError;
use subsidie_store::schema::payment_run_items;

const IN_RUN: &str = PaymentState::InRun.as_str();

#[test]
fn two_runs_started_at_once_never_share_a_payment() {
    let w = Arc::new(world());
    let (_, app) = w.granted("Regio Gelijktijdig", "500000.00", "500000.00");
    let mut runs_made = Vec::new();
    for round in 0..4u32 {
        // New payments due for every round; the first round also has the real advance.
        w.extra_payments(&app, 150, day(2025, 3, 3), &format!("c{round}"));
        let barrier = Arc::new(Barrier::new(2));
        let handles: Vec<_> = (0..2)
            .map(|i| {
                let w = Arc::clone(&w);
                let barrier = Arc::clone(&barrier);
                std::thread::spawn(move || {
                    barrier.wait();
                    payments::create_run(
                        &w.pool,
                        &w.finance,
                        day(2025, 3, 3),
                        at(2025, 3, 3, 13, round * 2 + i),
                    )
                })
            })
            .collect();
        let mut made = 0;
        for h in handles {
            match h.join().unwrap() {
                Ok(run) => {
                    made += 1;
                    runs_made.push(run);
                }
                Err(ServiceError::Conflict(m)) => assert!(m.contains("niets te betalen"), "{m}"),
                Err(other) => panic!("{other:?}"),
            }
        }
        assert!(
            made >= 1,
            "round {round}: at least one run takes the payments"
        );
    }

    // Every payment is in exactly one run, and the runs' totals match their items.
    let mut conn = w.pool.get().unwrap();
    let items: Vec<(String, String, i64)> = payment_run_items::table
        .select((
            payment_run_items::run_id,
            payment_run_items::payment_id,
            payment_run_items::amount_cents,
        ))
        .load(&mut conn)
        .unwrap();
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for (run, payment, _) in &items {
        if let Some(other) = seen.insert(payment, run) {
            panic!("payment {payment} is in run {other} and in run {run}");
        }
    }
    let all = w.all_payments();
    assert_eq!(all.len(), 1 + 4 * 150);
    assert_eq!(seen.len(), all.len(), "every due payment is in a run");
    for p in &all {
        assert_eq!(p.state, IN_RUN);
        assert_eq!(p.run_id.as_deref(), seen.get(p.id.as_str()).copied());
    }
    for run in &runs_made {
        let (count, sum) = items
            .iter()
            .filter(|(r, _, _)| r == &run.id)
            .fold((0i64, 0i64), |(n, s), (_, _, c)| (n + 1, s + c));
        assert_eq!((count, sum), (run.payment_count, run.total_cents));
    }
}
