//! The files of a run streamed from the database (one `COPY` on PostgreSQL, pages read
//! ahead on SQLite) give the same bytes as the run's rows read in one go and written by
//! the same writers, for a run of more rows than one of the old pages (2,000), with
//! names that need transliteration, escaping and CSV quoting, and failed transfers.
#![allow(clippy::unwrap_used)]

mod finance_support;

use diesel::prelude::*;
use finance_support::*;
use subsidie_domain::deadlines;
use subsidie_finance::sepa::{FileHeader, SepaWriter, Transfer};
use subsidie_finance::table::{Cell, TableFormat, TableWriter};
use subsidie_service::payments::{self, FileFormat};
use subsidie_store::rows::{PaymentRunItemRow, PaymentRunRow};
use subsidie_store::schema::payment_run_items;

/// More than one page of the paged reading this replaced.
const OLD_PAGE: usize = 2_000;

fn items(w: &World, run_id: &str) -> Vec<PaymentRunItemRow> {
    let mut conn = w.pool.get().unwrap();
    payment_run_items::table
        .filter(payment_run_items::run_id.eq(run_id))
        .order(payment_run_items::payment_id.asc())
        .select(PaymentRunItemRow::as_select())
        .load(&mut conn)
        .unwrap()
}

/// The SEPA file as `write_sepa` made it from pages: header from the run, one push per row.
fn sepa_reference(run: &PaymentRunRow, rows: &[PaymentRunItemRow]) -> Vec<u8> {
    let header = FileHeader {
        message_id: run.message_id.clone(),
        created_at: deadlines::to_amsterdam(run.created_at.and_utc()).naive_local(),
        execution_date: run.execution_date,
        transactions: u64::try_from(run.payment_count).unwrap(),
        control_sum_cents: run.total_cents,
    };
    let mut writer = SepaWriter::start(Vec::new(), &funder(), &header).unwrap();
    for r in rows {
        let remittance = format!("Subsidie {} {}", r.application_reference, r.kind);
        writer
            .push(&Transfer {
                end_to_end_id: &r.reference,
                amount_cents: r.amount_cents,
                creditor_name: &r.creditor_name,
                creditor_iban: &r.creditor_iban,
                creditor_bic: None,
                remittance: &remittance,
            })
            .unwrap();
    }
    writer.finish().unwrap()
}

fn csv_reference(rows: &[PaymentRunItemRow]) -> Vec<u8> {
    let headers = [
        "Referentie",
        "Soort",
        "Aanvraag",
        "Organisatie",
        "IBAN",
        "Regio",
        "Instrument",
        "Bedrag",
        "Mislukt op",
        "Reden",
    ];
    let mut table =
        TableWriter::start(TableFormat::Csv, Vec::new(), "Betaalronde", &headers).unwrap();
    for r in rows {
        table
            .row(&[
                Cell::Text(&r.reference),
                Cell::Text(&r.kind),
                Cell::Text(&r.application_reference),
                Cell::Text(&r.creditor_name),
                Cell::Text(&r.creditor_iban),
                Cell::Text(&r.region_id),
                Cell::Text(&r.instrument_id),
                Cell::Money(r.amount_cents),
                Cell::opt_date(r.failed_at.map(|t| t.date())),
                Cell::opt_text(r.failure_reason.as_deref()),
            ])
            .unwrap();
    }
    table.finish().unwrap()
}

#[test]
fn streamed_files_of_a_run_over_more_than_one_old_page_are_the_same_bytes() {
    let w = world();
    let names = [
        "Stichting Zorg & Welzijn Één",
        "Coöperatie \"De Eerste Lijn\"; Noord",
        "=Huisartsen Oost",
    ];
    for (i, name) in names.iter().enumerate() {
        let (_, app) = w.granted(name, "1000000.00", "900000.00");
        w.extra_payments(&app, 800, day(2025, 3, 3), &format!("x{i}"));
    }
    let run = w
        .create_run(day(2025, 3, 3), at(2025, 3, 3, 13, 7))
        .unwrap();
    assert!(
        run.payment_count as usize > OLD_PAGE,
        "{}",
        run.payment_count
    );
    // A few transfers the bank sent back (as booking them failed would), with a reason
    // that needs quoting in CSV and a time of day with microseconds.
    {
        let mut conn = w.pool.get().unwrap();
        let failed = at(2025, 3, 5, 11, 30).naive_utc() + chrono::TimeDelta::microseconds(123_456);
        let ids: Vec<String> = items(&w, &run.id)
            .iter()
            .step_by(701)
            .map(|r| r.payment_id.clone())
            .collect();
        diesel::update(
            payment_run_items::table
                .filter(payment_run_items::run_id.eq(&run.id))
                .filter(payment_run_items::payment_id.eq_any(&ids)),
        )
        .set((
            payment_run_items::failed_at.eq(Some(failed)),
            payment_run_items::failure_reason.eq(Some("AC04; rekening \"opgeheven\"")),
        ))
        .execute(&mut conn)
        .unwrap();
    }
    let rows = items(&w, &run.id);
    assert_eq!(rows.len(), run.payment_count as usize);
    assert!(rows.iter().filter(|r| r.failed_at.is_some()).count() >= 3);

    let sepa = payments::write_sepa(&w.pool, &w.finance, &run.id, &funder(), Vec::new()).unwrap();
    assert_eq!(sepa, sepa_reference(&run, &rows), "SEPA bytes");
    let csv = payments::write_run_table(&w.pool, &w.finance, &run.id, FileFormat::Csv, Vec::new())
        .unwrap();
    assert_eq!(csv, csv_reference(&rows), "CSV bytes");
    let text = String::from_utf8(csv).unwrap();
    assert!(text.contains(";2025-03-05;\"AC04; rekening \"\"opgeheven\"\"\"\r\n"));
    assert!(text.contains("\"'=Huisartsen Oost\""));

    // The connections an export used are fine for the next one, also after the writer
    // failed halfway (a client that went away): more failures than the pool has
    // connections, then as many good exports.
    struct FailsAfter(usize);
    impl std::io::Write for FailsAfter {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.0 < buf.len() {
                return Err(std::io::Error::new(std::io::ErrorKind::BrokenPipe, "weg"));
            }
            self.0 -= buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    for _ in 0..8 {
        assert!(
            payments::write_sepa(&w.pool, &w.finance, &run.id, &funder(), FailsAfter(100_000))
                .is_err()
        );
    }
    for _ in 0..7 {
        let again =
            payments::write_sepa(&w.pool, &w.finance, &run.id, &funder(), Vec::new()).unwrap();
        assert_eq!(again, sepa);
    }
}
