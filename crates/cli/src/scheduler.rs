//! The allocation scheduler of `serve`: at start and every minute it draws the lottery
//! commitments of today and tomorrow, and allocates every ended day that still has
//! submitted applications (oldest first, so a restart catches up), once across every
//! process on the database (`subsidie_service::allocation::daily`). The letters of the
//! run go through the outbox, which the mailer sends.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use chrono::{NaiveDate, Utc};
use subsidie_service::allocation::{commitments, daily};
use subsidie_service::Pool;

/// How often the scheduler looks.
const INTERVAL: Duration = Duration::from_secs(60);

/// The running scheduler; [`Scheduler::stop`] ends it after the round it is in.
pub(crate) struct Scheduler {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Scheduler {
    /// Starts the thread. `pause` (tests only) holds each claimed day that long before
    /// its run, so a test can kill the process in the middle.
    pub(crate) fn start(pool: Pool, pause: Option<Duration>) -> Scheduler {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let me = format!("serve (pid {})", std::process::id());
        let thread = std::thread::spawn(move || {
            while !flag.load(Ordering::Relaxed) {
                round(&pool, &me, pause);
                let mut waited = Duration::ZERO;
                while waited < INTERVAL && !flag.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(200));
                    waited += Duration::from_millis(200);
                }
            }
        });
        Scheduler {
            stop,
            thread: Some(thread),
        }
    }

    /// Stops after the current round.
    pub(crate) fn stop(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// One round: commitments ahead, then every ended day not yet allocated. A failure is
/// said and tried again next round.
fn round(pool: &Pool, me: &str, pause: Option<Duration>) {
    let now = Utc::now();
    match commitments::draw_ahead(pool, now) {
        Ok(0) => {}
        Ok(drawn) => say!("loting: {drawn} seed(s) vooraf getrokken; de commitments staan op GET /instrumenten/{{id}}/lotingen"),
        Err(e) => say_err!("loting: seeds vooraf trekken mislukt ({e}); opnieuw over een minuut"),
    }
    let mut after_claim = |instrument: &str, day: NaiveDate| {
        say!("toewijzing: {instrument} voor {day} geclaimd door {me}");
        if let Some(pause) = pause {
            std::thread::sleep(pause);
        }
    };
    match daily::catch_up(pool, now, me, &mut after_claim) {
        Ok(runs) => {
            for run in runs {
                say!(
                    "toewijzing: {} voor {} klaar (ronde {}, {} plaatsing(en))",
                    run.run.instrument_id,
                    run.run.day.map(|d| d.to_string()).unwrap_or_default(),
                    run.run.id,
                    run.placements.len()
                );
            }
        }
        Err(e) => say_err!("toewijzing: {e}; opnieuw over een minuut"),
    }
}
