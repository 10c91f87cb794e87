//! Work that may take longer than a request should: an allocation round runs on the
//! blocking pool while the browser is sent to a page that shows it is busy and polls
//! (htmx, or a link without JavaScript) until the result is there.
//!
//! The state of a job lives in this process only. That is enough for what it is for
//! (showing progress to the person who started it): the work itself is one transaction
//! of the use case and is recorded in the database whatever happens to this page. A
//! process that does not know the job (a restart, another process behind the same
//! address) says so and points to the list of rounds.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use crate::failure::Failure;

/// How long a finished job's result waits to be picked up.
const KEPT: Duration = Duration::from_secs(3600);

/// Where a job stands.
pub(crate) enum Progress {
    /// Still running, since that many seconds.
    Running { seconds: u64, label: String },
    /// Finished: the page of the result.
    Done(String),
    /// Refused or failed: the page that says why.
    Failed(Failure),
    /// Not known here (never, or forgotten, or not this user's).
    Unknown,
}

struct Job {
    owner: String,
    label: String,
    started: Instant,
    outcome: Option<Result<String, Failure>>,
}

fn jobs() -> &'static Mutex<HashMap<String, Job>> {
    static JOBS: OnceLock<Mutex<HashMap<String, Job>>> = OnceLock::new();
    JOBS.get_or_init(|| Mutex::new(HashMap::new()))
}

fn with_jobs<T>(f: impl FnOnce(&mut HashMap<String, Job>) -> T) -> T {
    // A poisoned lock only means another request panicked while holding it; the map is
    // still a map.
    let mut guard = jobs().lock().unwrap_or_else(|p| p.into_inner());
    f(&mut guard)
}

/// Registers job `id` (a fresh random token) of `owner` (a user id), described by
/// `label`.
pub(crate) fn start(id: &str, owner: &str, label: &str) {
    with_jobs(|map| {
        map.retain(|_, j| j.started.elapsed() < KEPT);
        map.insert(
            id.to_owned(),
            Job {
                owner: owner.to_owned(),
                label: label.to_owned(),
                started: Instant::now(),
                outcome: None,
            },
        );
    });
}

/// Records how a job ended: the page of its result, or why it failed.
pub(crate) fn finish(id: &str, outcome: Result<String, Failure>) {
    with_jobs(|map| {
        if let Some(job) = map.get_mut(id) {
            job.outcome = Some(outcome);
        }
    });
}

/// Where job `id` of `owner` stands; a finished job is handed out once.
pub(crate) fn progress(id: &str, owner: &str) -> Progress {
    with_jobs(|map| {
        let Some(job) = map.get(id).filter(|j| j.owner == owner) else {
            return Progress::Unknown;
        };
        if job.outcome.is_none() {
            return Progress::Running {
                seconds: job.started.elapsed().as_secs(),
                label: job.label.clone(),
            };
        }
        match map.remove(id).and_then(|j| j.outcome) {
            Some(Ok(to)) => Progress::Done(to),
            Some(Err(f)) => Progress::Failed(f),
            None => Progress::Unknown,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_runs_then_hands_out_its_result_once_and_only_to_its_owner() {
        start("job-a", "u1", "Toewijzingsronde");
        assert!(matches!(progress("job-a", "u2"), Progress::Unknown));
        assert!(matches!(
            progress("job-a", "u1"),
            Progress::Running { ref label, .. } if label == "Toewijzingsronde"
        ));
        finish("job-a", Ok("/beheer/toewijzingsrondes/r1".into()));
        assert!(matches!(progress("job-a", "u1"), Progress::Done(ref to) if to.ends_with("/r1")));
        assert!(matches!(progress("job-a", "u1"), Progress::Unknown));
    }

    #[test]
    fn a_failed_job_says_why() {
        start("job-b", "u1", "x");
        finish("job-b", Err(Failure::bad_input("kapot")));
        match progress("job-b", "u1") {
            Progress::Failed(f) => assert!(f.to_string().contains("kapot")),
            _ => panic!("expected a failure"),
        }
    }
}
