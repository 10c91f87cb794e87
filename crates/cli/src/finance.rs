//! Finance verbs: payment runs (with their SEPA files) and reports.

use std::path::PathBuf;

use chrono::Utc;
use subsidie_api::dto::reports as dto;
use subsidie_service::payments::{self, FileFormat};
use subsidie_service::reports::{self, DisbursementQuery};

use crate::args::{PaymentRunCommand, ReportKind};
use crate::database::{open, operator};
use crate::failure::{io_failure, Failure};
use crate::settings::Settings;

/// `subsidie payment-run …`: make a run, write its SEPA file, book it paid.
pub fn payment_run(settings: &Settings, command: &PaymentRunCommand) -> Result<(), Failure> {
    let (pool, _) = open(settings, 2)?;
    let actor = operator(settings, &pool)?;
    match command {
        PaymentRunCommand::Create { up_to } => {
            // A run is made to be paid: refuse it before anything is booked when the
            // account it would pay from is not configured.
            settings.payer(false).map_err(Failure::Message)?;
            let run = payments::create_run(&pool, &actor, *up_to, Utc::now())?;
            say!("betaalronde {}", run.id);
            say!("  betalingen:       {}", run.payment_count);
            say!("  totaal:           {}", cents(run.total_cents));
            say!("  uitvoeringsdatum: {}", run.execution_date);
            Ok(())
        }
        PaymentRunCommand::Sepa { run, out } => {
            let funder = settings.payer(false).map_err(Failure::Message)?;
            let detail = payments::run(&pool, &actor, run)?;
            let path = out
                .clone()
                .unwrap_or_else(|| PathBuf::from(payments::sepa_file_name(&detail.run)));
            let file = std::fs::File::create(&path).map_err(|e| io_failure(&path, &e))?;
            let (counted, bytes) = crate::progress::Counting::new(file);
            let writer = crate::progress::during("SEPA-bestand", Some(bytes), || {
                payments::write_sepa(
                    &pool,
                    &actor,
                    run,
                    &funder,
                    std::io::BufWriter::new(counted),
                )
            })?;
            writer
                .into_inner()
                .map_err(|e| io_failure(&path, e.error()))?
                .into_inner()
                .sync_all()
                .map_err(|e| io_failure(&path, &e))?;
            say!(
                "{} geschreven: {} betalingen, totaal {}",
                path.display(),
                detail.run.payment_count,
                cents(detail.run.total_cents)
            );
            Ok(())
        }
        PaymentRunCommand::Paid { run } => {
            let detail = payments::mark_run_paid(&pool, &actor, run, Utc::now())?;
            say!("betaalronde {} geboekt als betaald", detail.run.id);
            say!(
                "  betaald: {} ({})",
                detail.paid_count,
                cents(detail.paid_cents)
            );
            say!(
                "  mislukt: {} ({})",
                detail.failed_count,
                cents(detail.failed_cents)
            );
            Ok(())
        }
    }
}

fn cents(c: i64) -> String {
    let sign = if c < 0 { "-" } else { "" };
    let abs = c.unsigned_abs();
    format!("EUR {sign}{}.{:02}", abs / 100, abs % 100)
}

/// `subsidie report …`: a report as CSV, XLSX or JSON, to a file or standard output.
pub fn report(
    settings: &Settings,
    kind: ReportKind,
    programme: &str,
    format: &str,
    out: Option<&std::path::Path>,
) -> Result<(), Failure> {
    let table = match format.to_ascii_lowercase().as_str() {
        "json" => None,
        other => Some(FileFormat::parse(other).ok_or_else(|| {
            Failure::Message(format!(
                "onbekend formaat '{format}'; kies csv, xlsx of json"
            ))
        })?),
    };
    let (pool, _) = open(settings, 2)?;
    let actor = operator(settings, &pool)?;
    let sink: Box<dyn std::io::Write> = match out {
        Some(path) => Box::new(std::fs::File::create(path).map_err(|e| io_failure(path, &e))?),
        None => Box::new(std::io::stdout().lock()),
    };
    let (counted, bytes) = crate::progress::Counting::new(sink);
    let mut sink = std::io::BufWriter::new(counted);
    // The line shows only when the report goes to a file: on a terminal's standard
    // output it would run through the report itself.
    let bytes = out.map(|_| bytes);
    let json_failure = |e: serde_json::Error| Failure::Message(format!("schrijven mislukt: {e}"));
    let mut write = || -> Result<(), Failure> {
        match (kind, table) {
            (ReportKind::Disbursements, t) => {
                let query = DisbursementQuery {
                    programme_id: programme.to_owned(),
                    from: None,
                    to: None,
                    instrument_id: None,
                    region_id: None,
                    run_id: None,
                };
                match t {
                    Some(t) => {
                        reports::write_disbursements(&pool, &actor, &query, t, &mut sink)?;
                    }
                    None => {
                        let r = reports::disbursements(&pool, &actor, &query)?;
                        serde_json::to_writer_pretty(&mut sink, &dto::Uitbetalingen::from(&r))
                            .map_err(json_failure)?;
                    }
                }
            }
            (ReportKind::Budget, Some(t)) => {
                reports::write_budget_position(&pool, &actor, programme, t, &mut sink)?;
            }
            (ReportKind::Budget, None) => {
                let r = reports::budget_position(&pool, &actor, programme)?;
                serde_json::to_writer_pretty(&mut sink, &dto::ProgrammaBudgetpositie::from(&r))
                    .map_err(json_failure)?;
            }
            (ReportKind::Coverage, Some(t)) => {
                reports::write_coverage(&pool, &actor, programme, t, &mut sink)?;
            }
            (ReportKind::Coverage, None) => {
                let r = reports::coverage(&pool, &actor, programme)?;
                serde_json::to_writer_pretty(&mut sink, &dto::Dekking::from(&r))
                    .map_err(json_failure)?;
            }
        }
        Ok(())
    };
    match bytes {
        Some(count) => crate::progress::during("rapportage", Some(count), write)?,
        None => write()?,
    }
    if table.is_none() {
        use std::io::Write as _;
        let _ = writeln!(sink);
    }
    std::io::Write::flush(&mut sink)
        .map_err(|e| Failure::Message(format!("schrijven mislukt: {e}")))?;
    Ok(())
}
