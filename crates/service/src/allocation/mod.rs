//! Allocation runs (*toewijzingsrondes*): submitted applications reserve budget by the
//! instrument's policy, the rest goes on the waiting list; freed budget promotes the
//! waiting list in order; closing the list rejects the rest because the ceiling is
//! reached (Awb 4:25).
//!
//! Each run records its lottery seed and the resulting order, so anyone can re-run the lot
//! (see `subsidie_domain::lottery` for the recipe).

mod batch;
mod movement;
mod queue;
mod round;
mod run;
mod runs;
mod waiting_list;

pub use run::{get_run, random_seed, run, run_round, AllocationRun};
pub use runs::list_runs;
pub use waiting_list::close_waiting_list;
