//! Finance reports: disbursements, the budget position and the coverage of the regions.
//!
//! Each report is plain data (English names, [`Money`](subsidie_domain::Money) amounts)
//! that the API and the CLI turn into their Dutch wire shapes, and can be written as a
//! file (CSV for Dutch spreadsheets or XLSX, [`TableFormat`](subsidie_finance::table::TableFormat)).
//! The disbursement file lists every payment and is streamed from the database in pages,
//! so its memory does not grow with the number of payments; the summaries are computed in
//! the same single pass and keep one entry per group only.
//!
//! - **Disbursements** ([`disbursements`], [`write_disbursements`]): advances and
//!   remainders paid out (state `betaald`), per payment run, instrument, region and month
//!   (Amsterdam calendar), optionally within a period of payment dates and for one
//!   instrument, region or run; recoveries are listed apart, they are receivables.
//! - **Budget position** ([`budget_position`], [`write_budget_position`]): per instrument
//!   ceiling, reserved, granted, settled, paid, recovered and available, with the check
//!   that each stored position equals the sum of its ledger to the cent
//!   ([`crate::budget::check_ledger`]) and that the programme stays within its envelope.
//! - **Coverage** ([`coverage`], [`write_coverage`]): how many regions, and which share
//!   of the inhabitants, have an honoured *uitvoering* grant (the letters' "98% of the
//!   Netherlands"); applications and honourings per instrument.
//!
//! An unknown programme, instrument, region or run, or a period that ends before it
//! starts, is a validation error naming the field and the reason.

mod budget;
mod coverage;
mod disbursements;
mod query;
mod recoveries;
mod shared;

pub use budget::{budget_position, write_budget_position, Amounts, BudgetReport, InstrumentBudget};
pub use coverage::{
    coverage, write_coverage, CoverageReport, InstrumentCoverage, RegionRef, HONOURED,
};
pub use disbursements::{disbursements, write_disbursements, DisbursementReport, NO_RUN};
pub use query::DisbursementQuery;
pub use recoveries::{Recoveries, RecoveryLine};
pub use shared::{Group, Period, Total};
