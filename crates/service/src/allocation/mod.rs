//! Allocation runs (*toewijzingsrondes*): submitted applications reserve budget by the
//! instrument's policy, the rest goes on the waiting list; freed budget promotes the
//! waiting list in order; closing the list rejects the rest because the ceiling is
//! reached (Awb 4:25).
//!
//! Each run records its lottery seeds and the resulting order, so anyone can re-run the
//! lot (see `subsidie_domain::lottery` for the recipe). By order of receipt each day's
//! seed is committed before the day begins ([`commitments`]) and `serve` allocates each
//! day once it has ended ([`daily`]).

mod batch;
pub mod commitments;
pub mod daily;
mod movement;
mod queue;
mod round;
mod run;
mod runs;
mod waiting_list;

pub use commitments::random_seed;
pub use run::{get_run, run, run_round, AllocationRun};
pub use runs::list_runs;
pub use waiting_list::close_waiting_list;
