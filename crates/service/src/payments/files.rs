//! The files of a run: the SEPA credit-transfer file for the bank and the table (CSV or
//! XLSX) for people, both streamed from the run's snapshot ([`super::rows::for_each_item`]).

use std::io::Write;

use subsidie_domain::deadlines;
use subsidie_finance::sepa::{FileHeader, FunderAccount, SepaError, SepaWriter};
use subsidie_finance::table::{Cell, TableFormat, TableWriter};
use subsidie_store::rows::PaymentRunRow;
use subsidie_store::Pool;

use super::rows::{for_each_item, load_run, remittance_into, transfer};
use crate::access::require_finance_or_admin;
use crate::actor::Actor;
use crate::error::ServiceError;
use crate::tx;

fn sepa_error(err: SepaError) -> ServiceError {
    match err {
        SepaError::Io(e) => {
            ServiceError::Internal(format!("het SEPA-bestand kon niet worden geschreven: {e}"))
        }
        other => ServiceError::Internal(format!("SEPA-bestand: {other}")),
    }
}

/// Writes the run's SEPA credit-transfer file (pain.001.001.03) to `out`, streaming the
/// transfers; returns `out`. The creation time in the file is the
/// run's, so the same run (with the same funder account) gives the same bytes every time.
pub fn write_sepa<W: Write>(
    pool: &Pool,
    actor: &Actor,
    run_id: &str,
    funder: &FunderAccount,
    out: W,
) -> Result<W, ServiceError> {
    require_finance_or_admin(actor, "het betaalbestand")?;
    tx::read(pool, |conn| {
        let run = load_run(conn, run_id)?;
        let header = FileHeader {
            message_id: run.message_id.clone(),
            created_at: deadlines::to_amsterdam(run.created_at.and_utc()).naive_local(),
            execution_date: run.execution_date,
            transactions: u64::try_from(run.payment_count)
                .map_err(|_| ServiceError::Internal("negatief aantal betalingen".into()))?,
            control_sum_cents: run.total_cents,
        };
        let mut writer = SepaWriter::start(out, funder, &header).map_err(sepa_error)?;
        let mut text = String::with_capacity(256);
        for_each_item(conn, run_id, |item| {
            remittance_into(&mut text, item.application_reference, item.kind);
            writer.push(&transfer(item, &text)).map_err(sepa_error)
        })?;
        writer.finish().map_err(sepa_error)
    })
}

/// The file name for a run's SEPA file.
pub fn sepa_file_name(run: &PaymentRunRow) -> String {
    format!("betaalronde-{}-{}.xml", run.execution_date, run.message_id)
}

/// Writes the run's transfers as a table (CSV or XLSX) to `out`, streamed; returns `out`.
pub fn write_run_table<W: Write>(
    pool: &Pool,
    actor: &Actor,
    run_id: &str,
    format: TableFormat,
    out: W,
) -> Result<W, ServiceError> {
    require_finance_or_admin(actor, "het overzicht van een betaalronde")?;
    tx::read(pool, |conn| {
        load_run(conn, run_id)?;
        let io = |e: std::io::Error| ServiceError::Internal(format!("schrijven mislukt: {e}"));
        let mut table = TableWriter::start(
            format,
            out,
            "Betaalronde",
            &[
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
            ],
        )
        .map_err(io)?;
        for_each_item(conn, run_id, |item| {
            table
                .row(&[
                    Cell::Text(item.reference),
                    Cell::Text(item.kind),
                    Cell::Text(item.application_reference),
                    Cell::Text(item.creditor_name),
                    Cell::Text(item.creditor_iban),
                    Cell::Text(item.region_id),
                    Cell::Text(item.instrument_id),
                    Cell::Money(item.amount_cents),
                    Cell::opt_date(item.failed_at.map(|t| t.date())),
                    Cell::opt_text(item.failure_reason),
                ])
                .map_err(io)
        })?;
        table.finish().map_err(io)
    })
}
