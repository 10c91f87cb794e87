//! Plain-text Dutch reports: budget positions, counts, coverage, the ledger check and
//! allocation runs. Amounts in Dutch notation (`€ 1.250.000,00`).

use std::fmt::Write as _;

use subsidie_demo::{dutch_percent, DemoReport};
use subsidie_domain::ledger::BudgetPosition;
use subsidie_domain::Money;
use subsidie_service::allocation::AllocationRun;
use subsidie_service::budget::LedgerCheck;
use subsidie_service::ServiceError;

const MONEY: usize = 17;

fn yes_no(ok: bool) -> &'static str {
    if ok {
        "ja"
    } else {
        "nee"
    }
}

fn name_width(report: &DemoReport) -> usize {
    report
        .instruments
        .iter()
        .map(|s| s.instrument.code.chars().count())
        .chain([8])
        .max()
        .unwrap_or(8)
}

/// Per instrument: ceiling, reserved, granted, settled and available, plus a total.
pub fn positions(report: &DemoReport) -> Result<String, ServiceError> {
    let w = name_width(report);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<w$} {:>MONEY$} {:>MONEY$} {:>MONEY$} {:>MONEY$} {:>MONEY$}",
        "regeling", "plafond", "gereserveerd", "verleend", "vastgesteld", "beschikbaar"
    );
    let mut total = [Money::ZERO; 5];
    for summary in &report.instruments {
        let p: BudgetPosition = summary.position()?;
        let row = [p.ceiling, p.reserved, p.granted, p.settled, p.available()];
        for (acc, value) in total.iter_mut().zip(row) {
            *acc = acc.checked_add(value)?;
        }
        line(&mut out, &summary.instrument.code, w, &row);
    }
    if report.instruments.len() > 1 {
        line(&mut out, "totaal", w, &total);
    }
    Ok(out)
}

fn line(out: &mut String, name: &str, w: usize, values: &[Money; 5]) {
    let _ = write!(out, "{name:<w$}");
    for value in values {
        let _ = write!(out, " {:>MONEY$}", value.to_dutch());
    }
    out.push('\n');
}

/// Per instrument: how many applications were submitted, honoured, rejected, and so on.
pub fn counts(report: &DemoReport) -> String {
    let w = name_width(report);
    let headers = [
        "ingediend",
        "gehonoreerd",
        "afgewezen",
        "wachtlijst",
        "lopend",
        "vastgesteld",
        "rondes",
    ];
    let mut out = String::new();
    let _ = write!(out, "{:<w$}", "aanvragen");
    for h in headers {
        let _ = write!(out, " {h:>11}");
    }
    out.push('\n');
    for s in &report.instruments {
        let _ = write!(out, "{:<w$}", s.instrument.code);
        for n in [
            s.submitted,
            s.honoured,
            s.rejected,
            s.waiting,
            s.in_progress,
            s.settled,
            s.allocation_runs,
        ] {
            let _ = write!(out, " {n:>11}");
        }
        out.push('\n');
    }
    out
}

/// The whole demo report.
pub fn demo(report: &DemoReport) -> Result<String, ServiceError> {
    let mut out = String::new();
    out.push_str("Budgetstand per regeling\n");
    out.push_str(&positions(report)?);
    out.push('\n');
    out.push_str(&counts(report));
    out.push('\n');
    let c = report.coverage;
    let _ = writeln!(
        out,
        "Dekking uitvoeringssubsidie: {} van de {} regio's vroegen aan ({} van de inwoners); \
         {} gehonoreerd ({} van de inwoners).",
        c.regions_applied,
        c.regions,
        dutch_percent(c.applied_per_mille()),
        c.regions_honoured,
        dutch_percent(c.honoured_per_mille()),
    );
    if let Some(seed) = report.seed {
        let _ = writeln!(
            out,
            "Loting-seed van alle toewijzingsrondes: {seed} (elke loting is hiermee na te rekenen)."
        );
    }
    let _ = writeln!(
        out,
        "Grootboek klopt tot op de cent: {}",
        yes_no(report.ledger_ok)
    );
    Ok(out)
}

/// The ledger check: one line, and the details of every instrument that does not add up.
pub fn ledger(checks: &[LedgerCheck]) -> String {
    let ok = !checks.is_empty() && checks.iter().all(LedgerCheck::holds);
    let mut out = format!("Grootboek klopt tot op de cent: {}\n", yes_no(ok));
    for check in checks.iter().filter(|c| !c.holds()) {
        let s = check.stored;
        let l = check.from_ledger;
        let _ = writeln!(out, "- {}:", check.instrument_id);
        for (what, stored, summed) in [
            ("gereserveerd", s.reserved, l.reserved),
            ("verleend", s.granted, l.granted),
            ("vastgesteld", s.settled, l.settled),
            ("betaald", s.paid, l.paid),
            ("teruggevorderd", s.recovered, l.recovered),
        ] {
            if stored != summed {
                let _ = writeln!(
                    out,
                    "    {what}: opgeslagen {}, volgens grootboek {}",
                    stored.to_dutch(),
                    summed.to_dutch()
                );
            }
        }
        if let Err(violation) = s.invariant() {
            let _ = writeln!(out, "    {violation}");
        }
    }
    out
}

/// An allocation run: id, seed, lottery days and the placements.
pub fn allocation(run: &AllocationRun) -> String {
    let r = &run.run;
    let count = |decision: &str| {
        run.placements
            .iter()
            .filter(|p| p.decision == decision)
            .count()
    };
    let days = if r.lottery_days.is_empty() {
        "geen".to_owned()
    } else {
        r.lottery_days.replace(',', ", ")
    };
    let mut out = String::new();
    let _ = writeln!(out, "toewijzingsronde: {}", r.id);
    let _ = writeln!(out, "regeling:         {}", r.instrument_id);
    let source = match r.seed_source.as_str() {
        "committed" => "vooraf vastgelegd, nu onthuld",
        "caller" => "opgegeven door wie de ronde startte (test of demo)",
        "drawn" => "getrokken bij de start",
        _ => "niet vastgelegd",
    };
    if !r.seed.is_empty() {
        let _ = writeln!(out, "seed:             {} ({source})", r.seed);
    }
    for seed in &run.seeds {
        let _ = writeln!(
            out,
            "seed van {}:  {} (commitment {})",
            seed.day, seed.seed, seed.commitment
        );
    }
    let _ = writeln!(out, "lotingsdagen:     {days}");
    let _ = writeln!(
        out,
        "plaatsingen:      {} (gereserveerd {}, van de wachtlijst {}, op de wachtlijst {})",
        run.placements.len(),
        count("gereserveerd"),
        count("van_wachtlijst"),
        count("wachtlijst")
    );
    let reserved = Money::from_cents(r.reserved_total_cents)
        .map(Money::to_dutch)
        .unwrap_or_else(|_| format!("{} cent", r.reserved_total_cents));
    let _ = writeln!(out, "gereserveerd:     {reserved}");
    out
}
