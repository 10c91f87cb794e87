//! Export benchmark: a payment run of a million payments, streamed from the database to a
//! SEPA credit-transfer file, CSV and XLSX, with the peak memory of each export.
//!
//! ```sh
//! cargo run --release -p subsidie-finance --example export_bench                  # SQLite
//! SUBSIDIE_TEST_BACKEND=postgres cargo run --release -p subsidie-finance --example export_bench
//! cargo run --release -p subsidie-finance --example export_bench -- --payments 100000 --out /tmp/bench
//! cargo run --release -p subsidie-finance --example export_bench -- --mark-paid   # also book the run and export disbursements
//! ```
//!
//! The database is a throwaway one (`subsidie_store::testing::TestDatabase`, SQLite file
//! by default, PostgreSQL with `SUBSIDIE_TEST_BACKEND=postgres`). The payments are
//! inserted in one statement (a recursive CTE on SQLite, `generate_series` on
//! PostgreSQL); then the run is made through the service like any other, and each export
//! is written to a sink (default) or to files in `--out`.
//!
//! Peak memory is the kernel's high-water mark of the process (`VmHWM` in
//! `/proc/self/status`), reset before each export by writing `5` to
//! `/proc/self/clear_refs`, so each figure is the peak *during* that export.
#![allow(clippy::unwrap_used)]

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::time::Instant;

use chrono::{NaiveDate, TimeZone, Utc};
use diesel::prelude::*;
use subsidie_domain::payment::{PaymentKind, PaymentState};
use subsidie_finance::table::TableFormat;
use subsidie_service::payments::{self, FunderAccount};
use subsidie_service::reports::{self, DisbursementQuery};
use subsidie_service::{seed, Actor};
use subsidie_store::rows::{ApplicationRow, OrganisationRow};
use subsidie_store::schema::{applications, organisations};
use subsidie_store::testing::TestDatabase;
use subsidie_store::DbConnection;

const FIXTURE: &str = include_str!("../../../fixtures/versterking-eerstelijnszorg.toml");
const REGIONS: usize = 54;
const IBANS: [&str; 4] = [
    "NL44RABO0123456789",
    "NL20INGB0001234567",
    "NL02ABNA0123456789",
    "NL70TRIO0123456789",
];

struct Args {
    payments: u64,
    out: Option<PathBuf>,
    mark_paid: bool,
}

fn args() -> Args {
    let mut a = Args {
        payments: 1_000_000,
        out: None,
        mark_paid: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--payments" => {
                a.payments = it.next().and_then(|n| n.parse().ok()).unwrap_or(a.payments)
            }
            "--out" => a.out = it.next().map(PathBuf::from),
            "--mark-paid" => a.mark_paid = true,
            other => {
                eprintln!(
                    "onbekend argument {other}; gebruik --payments N, --out MAP, --mark-paid"
                );
                std::process::exit(2);
            }
        }
    }
    a
}

/// A `Write` that counts what it is given and keeps nothing.
struct Counter(u64);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}

fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn insert_payments(conn: &mut DbConnection, n: u64) {
    let kind = PaymentKind::Advance.as_str();
    let scheduled = PaymentState::Scheduled.as_str();
    // 'B-' and 8 digits: the payment reference (EndToEndId); amounts 1,000.00–1,099.72.
    let sqlite = format!(
        "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {n}) \
         INSERT INTO payments (id, reference, application_id, instrument_id, kind, amount_cents, \
                               due_on, state, run_id, created_at, settled_at) \
         SELECT printf('p%08d', n), printf('B-%08d', n), printf('bench-app-%02d', (n % {REGIONS}) + 1), \
                'uitvoering', '{kind}', 100000 + (n % 9973), '2025-03-03', '{scheduled}', NULL, \
                '2025-03-03 10:00:00', NULL FROM g"
    );
    let postgres = format!(
        "INSERT INTO payments (id, reference, application_id, instrument_id, kind, amount_cents, \
                               due_on, state, run_id, created_at, settled_at) \
         SELECT 'p' || lpad(n::text, 8, '0'), 'B-' || lpad(n::text, 8, '0'), \
                'bench-app-' || lpad(((n % {REGIONS}) + 1)::text, 2, '0'), \
                'uitvoering', '{kind}', 100000 + (n % 9973), DATE '2025-03-03', '{scheduled}', NULL, \
                TIMESTAMP '2025-03-03 10:00:00', NULL FROM generate_series(1, {n}) AS g(n)"
    );
    match conn {
        DbConnection::Sqlite(c) => {
            diesel::sql_query(sqlite).execute(c).unwrap();
        }
        DbConnection::Postgres(c) => {
            diesel::sql_query(postgres).execute(c).unwrap();
            diesel::sql_query("ANALYZE payments").execute(c).unwrap();
        }
    }
}

fn organisations_and_applications(conn: &mut DbConnection) {
    let at = Utc
        .with_ymd_and_hms(2025, 3, 3, 9, 0, 0)
        .single()
        .unwrap()
        .naive_utc();
    for i in 1..=REGIONS {
        let org = format!("bench-org-{i:02}");
        diesel::insert_into(organisations::table)
            .values(&OrganisationRow {
                id: org.clone(),
                name: format!("Stichting Eerstelijnszorg Regio {i} & Coöperatie"),
                region_id: format!("r{i:02}"),
                iban: IBANS[i % IBANS.len()].to_owned(),
                email: format!("regio{i}@example.nl"),
                created_at: at,
                contact_person: None,
            })
            .execute(conn)
            .unwrap();
        diesel::insert_into(applications::table)
            .values(&ApplicationRow {
                id: format!("bench-app-{i:02}"),
                reference: format!("UITV-2025-BENCH{i:05}"),
                instrument_id: "uitvoering".into(),
                organisation_id: org,
                region_id: format!("r{i:02}"),
                discipline_id: None,
                uniqueness_key: None,
                state: "gehonoreerd".into(),
                title: "Bench".into(),
                description: "Bench".into(),
                requested_cents: 100_000_000,
                reserved_cents: 0,
                granted_cents: 0,
                settled_cents: None,
                score: None,
                received_at: Some(at),
                received_day: Some(at.date()),
                decision_due_on: None,
                supplement_request: None,
                supplement_due_on: None,
                decided_at: Some(at),
                decision_motivation: None,
                objection_due_on: None,
                waitlist_position: None,
                grant_proposed_by: None,
                grant_proposed_cents: None,
                version: 1,
                created_at: at,
                updated_at: at,
                round_code: None,
            })
            .execute(conn)
            .unwrap();
    }
}

struct Measured {
    what: &'static str,
    key: &'static str,
    rows: u64,
    bytes: u64,
    seconds: f64,
    peak_kib: u64,
}

fn measure(
    (what, key): (&'static str, &'static str),
    rows: u64,
    out_dir: &Option<PathBuf>,
    file: &str,
    export: impl FnOnce(Box<dyn Write>) -> Box<dyn Write>,
) -> Measured {
    reset_peak();
    let start = Instant::now();
    let (bytes, seconds) = match out_dir {
        Some(dir) => {
            let path = dir.join(file);
            let w: Box<dyn Write> = Box::new(BufWriter::new(File::create(&path).unwrap()));
            drop(export(w));
            let secs = start.elapsed().as_secs_f64();
            (std::fs::metadata(&path).unwrap().len(), secs)
        }
        None => {
            let counter = std::rc::Rc::new(std::cell::Cell::new(0u64));
            struct Shared(std::rc::Rc<std::cell::Cell<u64>>, Counter);
            impl Write for Shared {
                fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                    let n = self.1.write(buf)?;
                    self.0.set(self.0.get() + n as u64);
                    Ok(n)
                }
                fn flush(&mut self) -> io::Result<()> {
                    Ok(())
                }
            }
            let w: Box<dyn Write> = Box::new(Shared(counter.clone(), Counter(0)));
            drop(export(w));
            (counter.get(), start.elapsed().as_secs_f64())
        }
    };
    Measured {
        what,
        key,
        rows,
        bytes,
        seconds,
        peak_kib: status_kib("VmHWM:"),
    }
}

fn main() {
    let args = args();
    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir).unwrap();
    }
    let db = TestDatabase::new().unwrap();
    let pool = db.pool(2).unwrap();
    println!(
        "backend: {:?}, payments: {}, output: {}",
        db.url().backend(),
        args.payments,
        args.out
            .as_ref()
            .map_or("sink (bytes counted, not kept)".to_owned(), |d| d
                .display()
                .to_string())
    );
    let file = seed::parse_programme_file(FIXTURE).unwrap();
    seed::load(
        &pool,
        &file,
        Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap(),
    )
    .unwrap();
    {
        let mut conn = pool.get().unwrap();
        organisations_and_applications(&mut conn);
        let start = Instant::now();
        conn.transaction::<_, diesel::result::Error, _>(|c| {
            insert_payments(c, args.payments);
            Ok(())
        })
        .unwrap();
        println!(
            "insert {} payments: {:.1} s",
            args.payments,
            start.elapsed().as_secs_f64()
        );
    }
    let actor = Actor::system();
    let now = Utc.with_ymd_and_hms(2025, 3, 3, 13, 0, 0).unwrap();
    let up_to = NaiveDate::from_ymd_opt(2025, 3, 3).unwrap();

    reset_peak();
    let start = Instant::now();
    let run = payments::create_run(&pool, &actor, up_to, now).unwrap();
    println!(
        "create_run (claim + snapshot + check) {} payments, total EUR {}: {:.1} s, peak RSS {:.1} MiB",
        run.payment_count,
        subsidie_finance::text::cents_to_decimal(run.total_cents),
        start.elapsed().as_secs_f64(),
        mib(status_kib("VmHWM:"))
    );
    let rows = u64::try_from(run.payment_count).unwrap();
    let funder = FunderAccount::from_lookup(|_| None).unwrap();

    let mut results = Vec::new();
    let run_id = run.id.clone();
    results.push(measure(
        ("SEPA pain.001 XML", "sepa"),
        rows,
        &args.out,
        "run.xml",
        |w| payments::write_sepa(&pool, &actor, &run_id, &funder, w).unwrap(),
    ));
    results.push(measure(
        ("run table CSV", "csv"),
        rows,
        &args.out,
        "run.csv",
        |w| payments::write_run_table(&pool, &actor, &run_id, TableFormat::Csv, w).unwrap(),
    ));
    results.push(measure(
        ("run table XLSX", "xlsx"),
        rows,
        &args.out,
        "run.xlsx",
        |w| payments::write_run_table(&pool, &actor, &run_id, TableFormat::Xlsx, w).unwrap(),
    ));
    let copy = copy_baseline(db.url(), &run_id);
    if args.mark_paid {
        let start = Instant::now();
        payments::mark_run_paid(&pool, &actor, &run.id, now).unwrap();
        println!(
            "mark_run_paid (one ledger movement per payment): {:.1} s",
            start.elapsed().as_secs_f64()
        );
        let q = DisbursementQuery {
            programme_id: "versterking-eerstelijnszorg".into(),
            ..Default::default()
        };
        results.push(measure(
            ("disbursements CSV", "disbursements_csv"),
            rows,
            &args.out,
            "uitbetalingen.csv",
            |w| reports::write_disbursements(&pool, &actor, &q, TableFormat::Csv, w).unwrap(),
        ));
    }

    println!();
    println!(
        "{:<20} {:>10} {:>10} {:>8} {:>12} {:>14}",
        "export", "rows", "MiB out", "s", "rows/s", "peak RSS MiB"
    );
    for m in &results {
        println!(
            "{:<20} {:>10} {:>10.1} {:>8.2} {:>12.0} {:>14.1}",
            m.what,
            m.rows,
            m.bytes as f64 / (1024.0 * 1024.0),
            m.seconds,
            m.rows as f64 / m.seconds,
            mib(m.peak_kib)
        );
    }
    if let Some((copy_text, copy_csv)) = copy {
        println!(
            "{:<20} {:>10} {:>10} {:>8.2} {:>12.0} {:>14}",
            "COPY TO STDOUT",
            rows,
            "-",
            copy_text,
            rows as f64 / copy_text,
            "-"
        );
        println!(
            "{:<20} {:>10} {:>10} {:>8.2} {:>12.0} {:>14}",
            "COPY … (FORMAT csv)",
            rows,
            "-",
            copy_csv,
            rows as f64 / copy_csv,
            "-"
        );
        println!("RESULT copy_rows_per_second={:.0}", rows as f64 / copy_text);
        println!(
            "RESULT copy_csv_rows_per_second={:.0}",
            rows as f64 / copy_csv
        );
    }
    for m in &results {
        let key = m.key;
        println!(
            "RESULT export_{key}_rows_per_second={:.0}",
            m.rows as f64 / m.seconds
        );
        println!("RESULT export_{key}_peak_rss_mib={:.1}", mib(m.peak_kib));
    }
    println!("RESULT export_rows={rows}");
    drop(pool);
    drop(db);
}

/// PostgreSQL's own export of the same rows, as the baseline for the writers:
/// `COPY (the run's transfers) TO STDOUT` through `psql` into `/dev/null`, in text and in
/// CSV format; the seconds of each. `None` on SQLite, which has no COPY, or when `psql`
/// cannot be run.
fn copy_baseline(url: &subsidie_store::DatabaseUrl, run_id: &str) -> Option<(f64, f64)> {
    if url.backend() != subsidie_store::db::Backend::Postgres {
        return None;
    }
    let select = format!(
        "SELECT payment_id, reference, kind, amount_cents, instrument_id, region_id, \
                application_reference, creditor_name, creditor_iban \
         FROM payment_run_items WHERE run_id = '{run_id}' ORDER BY payment_id"
    );
    let time = |options: &str| -> Option<f64> {
        let start = Instant::now();
        let status = std::process::Command::new("psql")
            .args(["-q", "-X", url.target(), "-c"])
            .arg(format!("COPY ({select}) TO STDOUT{options}"))
            .stdout(std::process::Stdio::null())
            .status()
            .ok()?;
        status.success().then(|| start.elapsed().as_secs_f64())
    };
    Some((time("")?, time(" WITH (FORMAT csv)")?))
}
