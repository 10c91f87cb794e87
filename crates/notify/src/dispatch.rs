//! The outbox dispatcher: claim due rows, send them, mark them.
//!
//! # Never twice
//!
//! A dispatcher first *claims* a batch of due rows in one short transaction: it writes a
//! fresh random `claim_token` and a lease end `claimed_until = now + lease` into each.
//! A row is due when it is neither sent nor failed, its `due_at` has come, and it has no
//! claim or only an expired one. On PostgreSQL the candidate rows are selected
//! `FOR UPDATE SKIP LOCKED`, so a second dispatcher (another process) passes over rows
//! the first is claiming instead of waiting for them, and the `UPDATE` re-checks the
//! free-claim condition in its `WHERE`. On SQLite the claim runs in a `BEGIN IMMEDIATE`
//! transaction, which holds the only write lock; in this process it goes through the
//! pool's writing connection ([`subsidie_store::db::write`]), like the use cases, so it
//! queues behind them (and may share their COMMIT) instead of sleeping in SQLite's busy
//! handler. Either way a row is claimed by one dispatcher at a time.
//!
//! Sending happens outside any transaction. Afterwards each row is marked *only where it
//! still carries the dispatcher's token*: sent (`sent_at`), or failed once more
//! (`attempts + 1`, `last_error`, `due_at = now + back-off`), or failed for good
//! (`failed_at`) after [`DispatchPolicy::max_attempts`] or a permanent error (a template
//! that does not render, an unusable address).
//!
//! # Never lost
//!
//! A row leaves the due set only by being marked, and it is marked only after the
//! transport accepted the message. A dispatcher that dies between sending and marking
//! leaves a claim that expires; another dispatcher then sends the row again, with the
//! same `Message-ID` (derived from the row id), so the recipient's mail system and the
//! administrator can recognise it as the same message. A dispatcher that notices its
//! batch has taken more than half the lease stops and releases the rest, so a slow SMTP
//! server does not let a second dispatcher take over rows still being sent.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use diesel::prelude::*;
use subsidie_domain::letters::MessageState;
use subsidie_store::db::write;
use subsidie_store::rows::OutboxRow;
use subsidie_store::schema::{decision_letters, outbox};
use subsidie_store::{DbConnection, Pool};

use crate::error::{NotifyError, SendError};
use crate::transport::{Letter, Transport};

/// How the dispatcher claims and retries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DispatchPolicy {
    /// Rows claimed at once.
    pub batch_size: i64,
    /// How long a claim holds before another dispatcher may take the row over.
    pub lease: TimeDelta,
    /// Attempts after which a row is marked failed.
    pub max_attempts: i32,
    /// The first back-off; each further failure doubles it.
    pub base_delay: TimeDelta,
    /// The longest back-off.
    pub max_delay: TimeDelta,
}

impl Default for DispatchPolicy {
    /// Batches of 20, a lease of 10 minutes, and 8 attempts with back-offs of 2, 4, 8, 16,
    /// 32, 64 and 128 minutes in between: a message is given up about 4¼ hours after its
    /// first attempt.
    fn default() -> Self {
        DispatchPolicy {
            batch_size: 20,
            lease: TimeDelta::minutes(10),
            max_attempts: 8,
            base_delay: TimeDelta::minutes(1),
            max_delay: TimeDelta::hours(6),
        }
    }
}

impl DispatchPolicy {
    /// The wait after the `attempts`-th failed attempt: `base_delay × 2^attempts`,
    /// at most `max_delay`.
    pub fn backoff(&self, attempts: i32) -> TimeDelta {
        let exponent = u32::try_from(attempts.clamp(0, 30)).unwrap_or(30);
        self.base_delay
            .checked_mul(2_i32.saturating_pow(exponent))
            .map_or(self.max_delay, |d| d.min(self.max_delay))
    }
}

/// What one dispatch (or a series of them) did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DispatchReport {
    /// Rows claimed.
    pub claimed: usize,
    /// Messages the transport accepted and that are marked sent.
    pub sent: usize,
    /// Failed attempts that will be retried after a back-off.
    pub retried: usize,
    /// Rows given up (marked failed).
    pub failed: usize,
    /// Rows whose claim was gone when they were to be marked (the lease expired and
    /// another dispatcher took over; the message may go out twice, with one Message-ID).
    pub lost: usize,
    /// Claimed rows released unsent because the batch ran past half its lease.
    pub released: usize,
}

impl DispatchReport {
    /// True when nothing was claimed.
    pub fn is_idle(&self) -> bool {
        self.claimed == 0
    }
}

impl std::ops::AddAssign for DispatchReport {
    fn add_assign(&mut self, other: Self) {
        self.claimed += other.claimed;
        self.sent += other.sent;
        self.retried += other.retried;
        self.failed += other.failed;
        self.lost += other.lost;
        self.released += other.released;
    }
}

/// How often a claim or a mark is tried when the database was only busy.
const BUSY_ATTEMPTS: u32 = 5;
/// Longest `last_error` kept, in characters.
const MAX_ERROR_CHARS: usize = 2000;

fn naive(at: DateTime<Utc>) -> NaiveDateTime {
    at.naive_utc()
}

fn retry_busy<T>(mut work: impl FnMut() -> Result<T, NotifyError>) -> Result<T, NotifyError> {
    let mut attempt = 1;
    loop {
        match work() {
            Err(e) if e.is_retryable() && attempt < BUSY_ATTEMPTS => {
                attempt += 1;
                std::thread::sleep(Duration::from_millis(20 * u64::from(attempt)));
            }
            other => return other,
        }
    }
}

/// The ids of up to `limit` due rows, oldest first. On PostgreSQL they are locked
/// `FOR UPDATE SKIP LOCKED` until the claiming transaction ends.
fn due_ids(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    limit: i64,
) -> Result<Vec<String>, NotifyError> {
    macro_rules! due {
        () => {
            outbox::table
                .filter(outbox::sent_at.is_null())
                .filter(outbox::failed_at.is_null())
                .filter(outbox::due_at.le(now))
                .filter(
                    outbox::claimed_until
                        .is_null()
                        .or(outbox::claimed_until.lt(now)),
                )
                .order((outbox::due_at.asc(), outbox::id.asc()))
                .limit(limit)
                .select(outbox::id)
        };
    }
    Ok(match conn {
        DbConnection::Postgres(pg) => due!().for_update().skip_locked().load(pg)?,
        DbConnection::Sqlite(sqlite) => due!().load(sqlite)?,
    })
}

/// Claims up to `policy.batch_size` due rows for `token`; returns them.
fn claim(
    pool: &Pool,
    now: DateTime<Utc>,
    policy: &DispatchPolicy,
    token: &str,
) -> Result<Vec<OutboxRow>, NotifyError> {
    let now_naive = naive(now);
    let until = naive(now + policy.lease);
    retry_busy(|| {
        write(pool, |conn| {
            let ids = due_ids(conn, now_naive, policy.batch_size.max(1))?;
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            diesel::update(
                outbox::table
                    .filter(outbox::id.eq_any(&ids))
                    .filter(outbox::sent_at.is_null())
                    .filter(outbox::failed_at.is_null())
                    .filter(
                        outbox::claimed_until
                            .is_null()
                            .or(outbox::claimed_until.lt(now_naive)),
                    ),
            )
            .set((
                outbox::claim_token.eq(token),
                outbox::claimed_until.eq(until),
            ))
            .execute(conn)?;
            Ok(outbox::table
                .filter(outbox::claim_token.eq(token))
                .filter(outbox::sent_at.is_null())
                .order((outbox::due_at.asc(), outbox::id.asc()))
                .select(OutboxRow::as_select())
                .load(conn)?)
        })
    })
}

/// Marks a claimed row sent; false when the claim was gone.
fn mark_sent(
    conn: &mut DbConnection,
    id: &str,
    token: &str,
    now: DateTime<Utc>,
) -> Result<bool, NotifyError> {
    let updated = diesel::update(
        outbox::table
            .filter(outbox::id.eq(id))
            .filter(outbox::claim_token.eq(token)),
    )
    .set((
        outbox::sent_at.eq(Some(naive(now))),
        outbox::attempts.eq(outbox::attempts + 1),
        outbox::last_error.eq(None::<String>),
        outbox::claim_token.eq(None::<String>),
        outbox::claimed_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Records a failed attempt on a claimed row: the state it is in now (retrying or
/// failed), or `None` when the claim was gone.
fn mark_failed(
    conn: &mut DbConnection,
    row: &OutboxRow,
    token: &str,
    error: &SendError,
    now: DateTime<Utc>,
    policy: &DispatchPolicy,
) -> Result<Option<MessageState>, NotifyError> {
    let attempts = row.attempts.saturating_add(1);
    let give_up = error.is_permanent() || attempts >= policy.max_attempts;
    let message: String = error.to_string().chars().take(MAX_ERROR_CHARS).collect();
    let target = outbox::table
        .filter(outbox::id.eq(&row.id))
        .filter(outbox::claim_token.eq(token));
    let common = (
        outbox::attempts.eq(attempts),
        outbox::last_error.eq(Some(message)),
        outbox::claim_token.eq(None::<String>),
        outbox::claimed_until.eq(None::<NaiveDateTime>),
    );
    let updated = if give_up {
        diesel::update(target)
            .set((common, outbox::failed_at.eq(Some(naive(now)))))
            .execute(conn)?
    } else {
        diesel::update(target)
            .set((
                common,
                outbox::due_at.eq(naive(now + policy.backoff(attempts))),
            ))
            .execute(conn)?
    };
    Ok((updated == 1).then_some(MessageState::of(false, give_up, attempts)))
}

/// Gives unsent claimed rows back, due as they were.
fn release(conn: &mut DbConnection, ids: &[String], token: &str) -> Result<usize, NotifyError> {
    Ok(diesel::update(
        outbox::table
            .filter(outbox::id.eq_any(ids))
            .filter(outbox::claim_token.eq(token)),
    )
    .set((
        outbox::claim_token.eq(None::<String>),
        outbox::claimed_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?)
}

/// Claims the rows due at `now` (one batch), sends them and marks them, with the
/// default [`DispatchPolicy`].
pub fn dispatch_once(
    pool: &Pool,
    transport: &Transport,
    now: DateTime<Utc>,
) -> Result<DispatchReport, NotifyError> {
    dispatch_once_with(pool, transport, now, &DispatchPolicy::default())
}

/// [`dispatch_once`] with an explicit policy.
pub fn dispatch_once_with(
    pool: &Pool,
    transport: &Transport,
    now: DateTime<Utc>,
    policy: &DispatchPolicy,
) -> Result<DispatchReport, NotifyError> {
    let token = uuid::Uuid::now_v7().to_string();
    let rows = claim(pool, now, policy, &token)?;
    let mut report = DispatchReport {
        claimed: rows.len(),
        ..DispatchReport::default()
    };
    if rows.is_empty() {
        return Ok(report);
    }
    let started = Instant::now();
    let budget = policy.lease.to_std().unwrap_or_default() / 2;
    for (index, row) in rows.iter().enumerate() {
        if started.elapsed() > budget {
            let rest: Vec<String> = rows[index..].iter().map(|r| r.id.clone()).collect();
            report.released += retry_busy(|| write(pool, |conn| release(conn, &rest, &token)))?;
            log::warn!(
                "e-mail: batch liep over de halve claimduur; {} bericht(en) teruggegeven",
                rest.len()
            );
            break;
        }
        // The decision's letter was made when the mail was queued; it goes along as it is.
        let letter = match letter_of(pool, &row.id) {
            Ok(letter) => letter,
            Err(error) => {
                log::warn!(
                    "e-mail {}: de PDF-brief kon niet worden gelezen, volgt later: {error}",
                    row.id
                );
                report.released += retry_busy(|| {
                    write(pool, |conn| {
                        release(conn, std::slice::from_ref(&row.id), &token)
                    })
                })?;
                continue;
            }
        };
        match transport.send_with(row, letter.as_ref(), now) {
            Ok(()) => {
                if retry_busy(|| write(pool, |conn| mark_sent(conn, &row.id, &token, now)))? {
                    report.sent += 1;
                } else {
                    report.lost += 1;
                    log::warn!(
                        "e-mail {} verzonden, maar de claim was verlopen; mogelijk gaat het nogmaals uit met dezelfde Message-ID",
                        transport.message_id(&row.id)
                    );
                }
            }
            Err(error) => {
                let state = retry_busy(|| {
                    write(pool, |conn| {
                        mark_failed(conn, row, &token, &error, now, policy)
                    })
                })?;
                let (id, to, n) = (
                    transport.message_id(&row.id),
                    &row.recipient,
                    row.attempts + 1,
                );
                match state {
                    Some(MessageState::Retrying) => {
                        report.retried += 1;
                        log::info!("e-mail {id} aan {to} mislukt (poging {n}), volgt later opnieuw: {error}");
                    }
                    Some(MessageState::Failed) => {
                        report.failed += 1;
                        log::error!(
                            "e-mail {id} aan {to} definitief mislukt na {n} poging(en): {error}"
                        );
                    }
                    // Not a state a failed attempt leaves: only the claim was gone.
                    Some(MessageState::Waiting | MessageState::Sent) | None => report.lost += 1,
                }
            }
        }
    }
    Ok(report)
}

/// The decision letter stored for the outbox row `id` (`decision_letters`), if any.
fn letter_of(pool: &Pool, id: &str) -> Result<Option<Letter>, NotifyError> {
    let mut conn = pool.get()?;
    Ok(decision_letters::table
        .find(id)
        .select((decision_letters::file_name, decision_letters::content))
        .first::<(String, Vec<u8>)>(&mut conn)
        .optional()?
        .map(|(file_name, content)| Letter { file_name, content }))
}

/// Dispatches until nothing is due at `now` any more (rows that failed wait for their
/// back-off, so the loop ends).
pub fn drain_at(
    pool: &Pool,
    transport: &Transport,
    now: DateTime<Utc>,
    policy: &DispatchPolicy,
) -> Result<DispatchReport, NotifyError> {
    let mut total = DispatchReport::default();
    loop {
        let report = dispatch_once_with(pool, transport, now, policy)?;
        total += report;
        let progress = report.sent + report.retried + report.failed + report.lost;
        if report.is_idle() || progress == 0 {
            return Ok(total);
        }
    }
}

/// Sends everything that is due now, once: for the CLI's "drain the outbox" verb.
pub fn drain(pool: &Pool, transport: &Transport) -> Result<DispatchReport, NotifyError> {
    drain_at(pool, transport, Utc::now(), &DispatchPolicy::default())
}

/// A running background dispatcher; see [`spawn_dispatcher`].
#[derive(Debug)]
pub struct DispatcherHandle {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl DispatcherHandle {
    /// The flag that stops the loop when set (checked between rounds and while waiting).
    pub fn stop_flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.stop)
    }

    /// Asks the loop to stop without waiting for it.
    pub fn signal_stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = &self.thread {
            thread.thread().unpark();
        }
    }

    /// Stops the loop and waits until the message being sent, if any, is marked.
    pub fn stop(mut self) {
        self.shutdown();
    }

    /// True once the thread has ended.
    pub fn is_finished(&self) -> bool {
        self.thread.as_ref().is_none_or(JoinHandle::is_finished)
    }

    fn shutdown(&mut self) {
        self.signal_stop();
        if let Some(thread) = self.thread.take() {
            if thread.join().is_err() {
                log::error!("e-mail: de verzendthread is onverwacht gestopt");
            }
        }
    }
}

impl Drop for DispatcherHandle {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Starts a background thread that drains the outbox every `interval` with the system
/// clock and the default policy, until the handle is stopped or dropped. Errors (the
/// database or SMTP down) are logged and retried at the next round.
pub fn spawn_dispatcher(pool: Pool, transport: Transport, interval: Duration) -> DispatcherHandle {
    spawn_dispatcher_with_hook(pool, transport, interval, DispatchPolicy::default(), |_| {})
}

/// [`spawn_dispatcher`] with an explicit policy, calling `before_round` with the current
/// instant at the start of every round, before the outbox is drained. The server uses it
/// to queue the scheduled mails (reminders before the accounting deadline) that the use cases of the
/// service do not write themselves; whatever it queues goes out in the same round. The
/// hook decides for itself how often it really does something, and reports its own
/// errors: this crate knows nothing of what it queues.
pub fn spawn_dispatcher_with_hook(
    pool: Pool,
    transport: Transport,
    interval: Duration,
    policy: DispatchPolicy,
    mut before_round: impl FnMut(DateTime<Utc>) + Send + 'static,
) -> DispatcherHandle {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    let thread = std::thread::Builder::new()
        .name("e-mail".into())
        .spawn(move || {
            log::info!("e-mail: verzenden via {}", transport.describe());
            while !flag.load(Ordering::SeqCst) {
                before_round(Utc::now());
                match drain_at(&pool, &transport, Utc::now(), &policy) {
                    Ok(report) if !report.is_idle() => log::info!(
                        "e-mail: {} verzonden, {} later opnieuw, {} mislukt",
                        report.sent,
                        report.retried,
                        report.failed
                    ),
                    Ok(_) => {}
                    Err(e) => log::warn!("e-mail: verzenden onderbroken: {e}"),
                }
                let until = Instant::now() + interval;
                while !flag.load(Ordering::SeqCst) {
                    let left = until.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        break;
                    }
                    std::thread::park_timeout(left);
                }
            }
        });
    match thread {
        Ok(thread) => DispatcherHandle {
            stop,
            thread: Some(thread),
        },
        Err(e) => {
            log::error!("e-mail: kon de verzendthread niet starten: {e}");
            DispatcherHandle { stop, thread: None }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let p = DispatchPolicy::default();
        let minutes: Vec<i64> = (1..=8).map(|a| p.backoff(a).num_minutes()).collect();
        assert_eq!(minutes, [2, 4, 8, 16, 32, 64, 128, 256]);
        assert_eq!(p.backoff(20), TimeDelta::hours(6));
        assert_eq!(p.backoff(i32::MAX), TimeDelta::hours(6));
        assert_eq!(p.backoff(0), TimeDelta::minutes(1));
    }
}
