//! Reports: disbursements per run, instrument, region and month (summaries and files), the
//! budget position checked against the ledger, coverage of the regions; bad input.
//! Their Dutch JSON shapes are tested with the API's `dto::reports`.
#![allow(clippy::unwrap_used)]

mod finance_support;

use finance_support::*;
use rust_decimal::Decimal;
use subsidie_finance::csv::BOM;
use subsidie_finance::table::TableFormat;
use subsidie_service::payments;
use subsidie_service::reports::{self, DisbursementQuery, NO_RUN};
use subsidie_service::{queries, ServiceError};

fn fields(err: &ServiceError) -> Vec<(String, String)> {
    match err {
        ServiceError::Validation(f) => f
            .iter()
            .map(|f| (f.field.clone(), f.message.clone()))
            .collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

/// Two grants paid in March, one remainder paid in June, one recovery.
fn paid_world() -> World {
    let w = world();
    let (a1, app1) = w.granted("Regio Een", "500000.00", "500000.00"); // r01
    let (a2, app2) = w.granted("Regio Twee", "600000.01", "600000.01"); // r02
    let run = w
        .create_run(day(2025, 3, 3), at(2025, 3, 3, 13, 0))
        .unwrap();
    payments::mark_run_paid(&w.pool, &w.finance, &run.id, at(2025, 3, 4, 9, 0)).unwrap();
    w.settle(&a1, &app1, "450000.00"); // remainder 50,000.00
    w.settle(&a2, &app2, "400000.03"); // recovery 79,999.97
    let run2 = w
        .create_run(day(2025, 6, 2), at(2025, 6, 2, 13, 0))
        .unwrap();
    payments::mark_run_paid(&w.pool, &w.finance, &run2.id, at(2025, 6, 3, 9, 0)).unwrap();
    w
}

#[test]
fn disbursements_per_run_instrument_region_and_month() {
    let w = paid_world();
    let q = DisbursementQuery {
        programme_id: PROGRAMME.into(),
        ..Default::default()
    };
    let r = reports::disbursements(&w.pool, &w.finance, &q).unwrap();
    assert_eq!(r.total.count, 3);
    assert_eq!(r.total.amount, eur("930000.00")); // 400,000 + 480,000 + 50,000
    assert_eq!(r.per_run.len(), 2);
    assert!(r.per_run.iter().all(|g| g.key != NO_RUN));
    assert_eq!(r.per_instrument.len(), 1);
    assert_eq!(r.per_instrument[0].key, "uitvoering");
    let regions: Vec<(&str, i64, String)> = r
        .per_region
        .iter()
        .map(|g| (g.key.as_str(), g.total.count, g.total.amount.to_string()))
        .collect();
    assert_eq!(
        regions,
        vec![
            ("r01", 2, "450000.00".to_owned()),
            ("r02", 1, "480000.00".to_owned())
        ]
    );
    assert_eq!(r.per_region[0].name.as_deref(), Some("Groningen-Stad"));
    let months: Vec<(&str, String)> = r
        .per_month
        .iter()
        .map(|g| (g.key.as_str(), g.total.amount.to_string()))
        .collect();
    assert_eq!(
        months,
        vec![
            ("2025-03", "880000.00".to_owned()),
            ("2025-06", "50000.00".to_owned())
        ]
    );
    assert_eq!(r.recoveries.lines.len(), 1);
    assert_eq!(r.recoveries.open.amount, eur("79999.97"));
    assert_eq!(r.recoveries.received.count, 0);

    // A period: June only.
    let june = DisbursementQuery {
        from: Some(day(2025, 6, 1)),
        to: Some(day(2025, 6, 30)),
        ..q.clone()
    };
    let r = reports::disbursements(&w.pool, &w.finance, &june).unwrap();
    assert_eq!(r.total.count, 1);
    assert_eq!(r.total.amount, eur("50000.00"));
    // One region.
    let r02 = DisbursementQuery {
        region_id: Some("r02".into()),
        ..q.clone()
    };
    let r = reports::disbursements(&w.pool, &w.finance, &r02).unwrap();
    assert_eq!(r.total.amount, eur("480000.00"));

    // The same as a file: one row per payment.
    let csv = reports::write_disbursements(&w.pool, &w.finance, &q, TableFormat::Csv, Vec::new())
        .unwrap();
    assert!(csv.starts_with(BOM));
    let text = std::str::from_utf8(&csv[BOM.len()..]).unwrap();
    let lines: Vec<&str> = text.trim_end().split("\r\n").collect();
    assert_eq!(
        lines[0],
        "Betaald op;Referentie;Soort;Aanvraag;Organisatie;Regio;Instrument;Betaalronde;Bedrag"
    );
    assert_eq!(lines.len(), 4);
    assert!(lines
        .iter()
        .any(|l| l.starts_with("2025-06-03;") && l.ends_with(";50000,00")));
    assert!(lines.iter().any(|l| l.ends_with(";400000,00")));
    let xlsx = reports::write_disbursements(&w.pool, &w.finance, &q, TableFormat::Xlsx, Vec::new())
        .unwrap();
    assert_eq!(subsidie_finance::testing::unzip(&xlsx).unwrap().len(), 6);
}

#[test]
fn budget_position_adds_up_to_the_ledger() {
    let w = paid_world();
    let r = reports::budget_position(&w.pool, &w.finance, PROGRAMME).unwrap();
    assert!(r.ledger_matches);
    assert!(r.within_envelope);
    assert_eq!(r.envelope, eur("104000000.00"));
    assert_eq!(r.instruments.len(), 4);
    let u = r
        .instruments
        .iter()
        .find(|i| i.instrument_id == "uitvoering")
        .unwrap();
    assert!(u.ledger_matches);
    assert_eq!(u.amounts.ceiling, eur("72000000.00"));
    assert_eq!(u.amounts.granted, eur("850000.03"));
    assert_eq!(u.amounts.settled, eur("850000.03"));
    assert_eq!(u.amounts.paid, eur("930000.00"));
    assert_eq!(u.amounts.recovered, eur("0.00"));
    assert_eq!(u.amounts.available, eur("71149999.97"));
    assert_eq!(r.total.ceiling, eur("88700000.00"));
    assert_eq!(r.total.paid, eur("930000.00"));
    let stored = queries::instrument(&w.pool, "uitvoering").unwrap();
    assert_eq!(u.amounts.paid.cents(), stored.paid_cents);

    // The recovery comes in: recovered moves, and it still adds up.
    let recovery = w
        .all_payments()
        .into_iter()
        .find(|p| p.kind == "terugvordering")
        .unwrap();
    payments::record_recovery_received(&w.pool, &w.finance, &recovery.id, at(2025, 7, 1, 9, 0))
        .unwrap();
    let r = reports::budget_position(&w.pool, &w.finance, PROGRAMME).unwrap();
    assert!(r.ledger_matches);
    assert_eq!(r.total.recovered, eur("79999.97"));

    let csv = reports::write_budget_position(
        &w.pool,
        &w.finance,
        PROGRAMME,
        TableFormat::Csv,
        Vec::new(),
    )
    .unwrap();
    let text = std::str::from_utf8(&csv[BOM.len()..]).unwrap();
    assert!(text.contains("uitvoering;"), "{text}");
    assert!(
        text.contains(
            ";72000000,00;0,00;850000,03;850000,03;930000,00;79999,97;71149999,97;ja\r\n"
        ),
        "{text}"
    );
}

#[test]
fn coverage_of_the_regions() {
    let w = paid_world();
    let r = reports::coverage(&w.pool, &w.reviewer, PROGRAMME).unwrap();
    assert_eq!(r.regions, 54);
    assert_eq!(r.regions_covered, 2);
    // r01 Groningen-Stad 245,000 and r02 Groningen-Ommeland 330,000.
    assert_eq!(r.inhabitants_covered, 575_000);
    let expected =
        (Decimal::from(575_000) * Decimal::from(100) / Decimal::from(r.inhabitants)).round_dp(1);
    assert_eq!(r.inhabitant_share_percent, expected);
    assert_eq!(r.uncovered.len(), 52);
    let u = r
        .per_instrument
        .iter()
        .find(|i| i.instrument_id == "uitvoering")
        .unwrap();
    assert_eq!((u.applications, u.honoured, u.regions_honoured), (2, 2, 2));
    assert_eq!(u.granted, eur("850000.03"));
    let voucher = r
        .per_instrument
        .iter()
        .find(|i| i.instrument_id == "discipline-voucher")
        .unwrap();
    assert_eq!((voucher.applications, voucher.honoured), (0, 0));
    let csv = reports::write_coverage(&w.pool, &w.finance, PROGRAMME, TableFormat::Csv, Vec::new())
        .unwrap();
    let text = std::str::from_utf8(&csv[BOM.len()..]).unwrap();
    assert!(text.contains("2 van 54 regio's"), "{text}");
}

#[test]
fn bad_input_is_refused_with_the_reason() {
    let w = world();
    let unknown = DisbursementQuery {
        programme_id: "bestaat-niet".into(),
        ..Default::default()
    };
    let err = reports::disbursements(&w.pool, &w.finance, &unknown).unwrap_err();
    let f = fields(&err);
    assert_eq!(f[0].0, "programma");
    assert!(
        f[0].1.contains("onbekend programma 'bestaat-niet'"),
        "{}",
        f[0].1
    );
    for err in [
        reports::budget_position(&w.pool, &w.finance, "bestaat-niet").unwrap_err(),
        reports::coverage(&w.pool, &w.finance, "bestaat-niet").unwrap_err(),
    ] {
        assert_eq!(fields(&err)[0].0, "programma");
    }

    let backwards = DisbursementQuery {
        programme_id: PROGRAMME.into(),
        from: Some(day(2025, 6, 30)),
        to: Some(day(2025, 6, 1)),
        ..Default::default()
    };
    let err = reports::disbursements(&w.pool, &w.finance, &backwards).unwrap_err();
    let f = fields(&err);
    assert_eq!(f[0].0, "periode");
    assert!(
        f[0].1
            .contains("eindigt (2025-06-01) vóór ze begint (2025-06-30)"),
        "{}",
        f[0].1
    );
    assert!(matches!(
        reports::write_disbursements(
            &w.pool,
            &w.finance,
            &backwards,
            TableFormat::Csv,
            Vec::new()
        ),
        Err(ServiceError::Validation(_))
    ));

    // Every problem at once.
    let all_wrong = DisbursementQuery {
        programme_id: PROGRAMME.into(),
        from: Some(day(2025, 6, 30)),
        to: Some(day(2025, 6, 1)),
        instrument_id: Some("geen".into()),
        region_id: Some("r99".into()),
        run_id: Some("geen".into()),
    };
    let names: Vec<String> =
        fields(&reports::disbursements(&w.pool, &w.finance, &all_wrong).unwrap_err())
            .into_iter()
            .map(|(f, _)| f)
            .collect();
    assert_eq!(names, ["periode", "instrument", "regio", "betaalronde"]);

    // Reports are for staff.
    let (applicant, _) = w.applicant("Regio Nieuwsgierig");
    let q = DisbursementQuery {
        programme_id: PROGRAMME.into(),
        ..Default::default()
    };
    assert!(matches!(
        reports::disbursements(&w.pool, &applicant, &q),
        Err(ServiceError::Forbidden(_))
    ));
    assert!(matches!(
        reports::coverage(&w.pool, &applicant, PROGRAMME),
        Err(ServiceError::Forbidden(_))
    ));
    // An empty programme is a valid, empty report (not an error).
    let r = reports::disbursements(&w.pool, &w.finance, &q).unwrap();
    assert_eq!(r.total.count, 0);
}
