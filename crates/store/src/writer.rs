//! SQLite's one writing connection, shared by concurrent use cases: group commit.
//!
//! SQLite admits one writer at a time, and with `synchronous = NORMAL` in WAL mode a
//! COMMIT costs a WAL append and the locking around it, whatever the transaction wrote.
//! Writers that queue behind each other therefore share one transaction: the thread that
//! holds the connection runs its use case in a SAVEPOINT of the open transaction; when
//! another writer is already waiting for the connection it leaves the transaction open
//! and hands the connection on; the last of the group (or the one that fills it) COMMITs
//! and only then is every member answered. So a caller's `Ok` still means the COMMIT
//! returned.
//!
//! Each caller runs its own closure on its own thread (the closures borrow from the
//! caller's stack and are not `'static`, and `unsafe` is forbidden in this workspace, so a
//! dedicated thread could not run them); the connection moves between the callers' threads
//! under the slot's mutex. What a dedicated writer thread would give is kept: one
//! `BEGIN IMMEDIATE` per group, a savepoint per use case (released on `Ok`, rolled back on
//! `Err` or panic, so a failed one leaves no trace and the others stay), one COMMIT, and
//! every member of a group refused when that COMMIT fails.
//!
//! A use case that calls [`crate::db::write`] twice in sequence is fine (the first call
//! returns once its group committed). Work that waits, inside its transaction, for
//! something a writer that came before it does after its own call returns would wait
//! forever; no use case waits on anything inside a transaction.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::result::Error as DieselError;

use crate::connection::{DatabaseUrl, DbConnection};
use crate::error::StoreError;

/// The most use cases one COMMIT acknowledges: a bound on how long the first of a group
/// waits for the others.
pub(crate) const MAX_GROUP: usize = 64;

/// How many writes and commits the writing connection has done, and how many callers
/// wait for it now; for tests and the benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WriterCounts {
    /// Use cases run (each in its savepoint), acknowledged or not.
    pub jobs: u64,
    /// COMMITs that returned, i.e. groups made durable.
    pub commits: u64,
    /// Callers waiting for the connection at this moment.
    pub waiting: usize,
}

/// Why a group's transaction did not commit; handed to every member.
#[derive(Debug, Clone)]
enum GroupFailure {
    Busy,
    Failed(String),
}

impl GroupFailure {
    fn of(err: DieselError) -> GroupFailure {
        match StoreError::from(err) {
            StoreError::Busy => GroupFailure::Busy,
            other => GroupFailure::Failed(other.to_string()),
        }
    }

    fn to_store_error(&self) -> StoreError {
        match self {
            GroupFailure::Busy => StoreError::Busy,
            GroupFailure::Failed(why) => StoreError::NotCommitted(why.clone()),
        }
    }
}

/// The outcome of one open transaction, awaited by the members that handed it on.
#[derive(Debug, Default)]
struct Group {
    outcome: Mutex<Option<Result<(), GroupFailure>>>,
    done: Condvar,
}

impl Group {
    fn finish(&self, outcome: Result<(), GroupFailure>) {
        let mut slot = self.outcome.lock().unwrap_or_else(|p| p.into_inner());
        *slot = Some(outcome);
        self.done.notify_all();
    }

    fn wait(&self) -> Result<(), GroupFailure> {
        let mut slot = self.outcome.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if let Some(outcome) = slot.as_ref() {
                return outcome.clone();
            }
            slot = self.done.wait(slot).unwrap_or_else(|p| p.into_inner());
        }
    }
}

/// The connection and the transaction open on it, if any.
struct Slot {
    conn: DbConnection,
    group: Option<Arc<Group>>,
    members: usize,
}

/// The pool's writing connection on SQLite.
pub(crate) struct Writer {
    slot: Mutex<Slot>,
    waiting: AtomicUsize,
    jobs: AtomicU64,
    commits: AtomicU64,
    url: DatabaseUrl,
}

/// How one use case ended inside the group's transaction.
enum JobEnd<T, E> {
    /// Its savepoint was released (`Ok`) or rolled back (`Err`); the transaction goes on.
    Done(Result<T, E>),
    /// It panicked; its savepoint was rolled back and the transaction goes on.
    Panicked(String),
    /// The transaction can no longer be trusted (a savepoint could not be rolled back or
    /// released); it is rolled back as a whole and the group fails.
    Broken(String),
}

impl Writer {
    pub(crate) fn open(url: &DatabaseUrl) -> Result<Writer, StoreError> {
        Ok(Writer {
            slot: Mutex::new(Slot {
                conn: url.connect()?,
                group: None,
                members: 0,
            }),
            waiting: AtomicUsize::new(0),
            jobs: AtomicU64::new(0),
            commits: AtomicU64::new(0),
            url: url.clone(),
        })
    }

    pub(crate) fn counts(&self) -> WriterCounts {
        WriterCounts {
            jobs: self.jobs.load(Ordering::Relaxed),
            commits: self.commits.load(Ordering::Relaxed),
            waiting: self.waiting.load(Ordering::SeqCst),
        }
    }

    /// Runs `work` in a savepoint of the shared transaction; answers once that
    /// transaction committed (or failed).
    pub(crate) fn write<T, E>(
        &self,
        work: impl FnOnce(&mut DbConnection) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        // Announced before taking the lock: a holder that sees a waiter leaves the
        // transaction open for it, and the waiter is sure to take the lock next.
        self.waiting.fetch_add(1, Ordering::SeqCst);
        let slot = self.lock();
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        let mut slot = slot.map_err(E::from)?;
        let group = match slot.group.clone() {
            Some(group) => group,
            None => {
                if let Err(e) = begin(&mut slot.conn) {
                    self.repair(&mut slot);
                    return Err(E::from(StoreError::from(e)));
                }
                let group = Arc::new(Group::default());
                slot.group = Some(Arc::clone(&group));
                slot.members = 0;
                group
            }
        };
        self.jobs.fetch_add(1, Ordering::Relaxed);
        slot.members += 1;
        let end = run_in_savepoint(&mut slot.conn, work);
        if let JobEnd::Broken(why) = &end {
            // Closing the connection rolls its transaction back.
            self.close(&mut slot, Err(GroupFailure::Failed(why.clone())));
            self.reconnect(&mut slot);
        } else if slot.members >= MAX_GROUP || self.waiting.load(Ordering::SeqCst) == 0 {
            let outcome = commit(&mut slot.conn).map_err(GroupFailure::of);
            if outcome.is_ok() {
                self.commits.fetch_add(1, Ordering::Relaxed);
            }
            self.close(&mut slot, outcome);
            self.repair(&mut slot);
        }
        drop(slot);
        let outcome = group.wait();
        answer(end, outcome)
    }

    /// Ends the open group with `outcome` and wakes its members.
    fn close(&self, slot: &mut Slot, outcome: Result<(), GroupFailure>) {
        if let Some(group) = slot.group.take() {
            group.finish(outcome);
        }
        slot.members = 0;
    }

    /// A connection left inside a transaction when none is open (a COMMIT or BEGIN that
    /// failed and could not be rolled back) is replaced.
    fn repair(&self, slot: &mut Slot) {
        if slot.group.is_none() && in_transaction(&mut slot.conn) {
            self.reconnect(slot);
        }
    }

    /// A fresh connection; when none can be made the old one stays, and the next BEGIN
    /// tries again.
    fn reconnect(&self, slot: &mut Slot) {
        if let Ok(conn) = self.url.connect() {
            slot.conn = conn;
        }
    }

    /// The slot; after a panic of this module's own code (jobs' panics are caught), the
    /// open group is failed and the connection replaced.
    fn lock(&self) -> Result<MutexGuard<'_, Slot>, StoreError> {
        match self.slot.lock() {
            Ok(slot) => Ok(slot),
            Err(poisoned) => {
                let mut slot = poisoned.into_inner();
                if let Some(group) = slot.group.take() {
                    group.finish(Err(GroupFailure::Failed(
                        "de schrijfverbinding viel weg".to_owned(),
                    )));
                }
                slot.members = 0;
                slot.conn = self.url.connect()?;
                self.slot.clear_poison();
                Ok(slot)
            }
        }
    }
}

/// What the caller hears: its own result if the group committed, else the group's failure.
fn answer<T, E>(end: JobEnd<T, E>, outcome: Result<(), GroupFailure>) -> Result<T, E>
where
    E: From<StoreError>,
{
    match (end, outcome) {
        (_, Err(failure)) => Err(E::from(failure.to_store_error())),
        (JobEnd::Done(result), Ok(())) => result,
        (JobEnd::Panicked(why), Ok(())) => Err(E::from(StoreError::Panicked(why))),
        (JobEnd::Broken(why), Ok(())) => Err(E::from(StoreError::NotCommitted(why))),
    }
}

fn run_in_savepoint<T, E>(
    conn: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> JobEnd<T, E> {
    if let Err(e) = sqlite(conn).and_then(AnsiTransactionManager::begin_transaction) {
        return JobEnd::Broken(e.to_string());
    }
    match catch_unwind(AssertUnwindSafe(|| work(conn))) {
        Ok(Ok(value)) => match unwind_to_savepoint(conn)
            .and_then(|()| AnsiTransactionManager::commit_transaction(sqlite(conn)?))
        {
            Ok(()) => JobEnd::Done(Ok(value)),
            Err(e) => JobEnd::Broken(e.to_string()),
        },
        Ok(Err(err)) => match roll_back_savepoint(conn) {
            Ok(()) => JobEnd::Done(Err(err)),
            Err(e) => JobEnd::Broken(e.to_string()),
        },
        Err(panic) => match roll_back_savepoint(conn) {
            Ok(()) => JobEnd::Panicked(panic_text(panic.as_ref())),
            Err(e) => JobEnd::Broken(e.to_string()),
        },
    }
}

/// Closes what a job left open inside its savepoint (a panic in a nested transaction),
/// so the transaction manager is at the job's own savepoint again.
fn unwind_to_savepoint(conn: &mut DbConnection) -> Result<(), DieselError> {
    while depth(conn)? > 2 {
        AnsiTransactionManager::rollback_transaction(sqlite(conn)?)?;
    }
    Ok(())
}

fn roll_back_savepoint(conn: &mut DbConnection) -> Result<(), DieselError> {
    unwind_to_savepoint(conn)?;
    if depth(conn)? != 2 {
        return Err(DieselError::NotInTransaction);
    }
    AnsiTransactionManager::rollback_transaction(sqlite(conn)?)
}

fn depth(conn: &mut DbConnection) -> Result<u32, DieselError> {
    AnsiTransactionManager::transaction_manager_status_mut(sqlite(conn)?)
        .transaction_depth()
        .map(|d| d.map_or(0, std::num::NonZeroU32::get))
}

fn in_transaction(conn: &mut DbConnection) -> bool {
    depth(conn).map_or(true, |d| d > 0)
}

fn begin(conn: &mut DbConnection) -> Result<(), DieselError> {
    AnsiTransactionManager::begin_transaction_sql(sqlite(conn)?, "BEGIN IMMEDIATE")
}

fn commit(conn: &mut DbConnection) -> Result<(), DieselError> {
    at_top(conn)?;
    AnsiTransactionManager::commit_transaction(sqlite(conn)?)
}

/// Every job closed its savepoint, so a COMMIT now ends the whole transaction and not a
/// savepoint someone left open.
fn at_top(conn: &mut DbConnection) -> Result<(), DieselError> {
    if depth(conn)? != 1 {
        return Err(DieselError::NotInTransaction);
    }
    Ok(())
}

/// The SQLite connection inside; the writer is opened for SQLite URLs only.
fn sqlite(conn: &mut DbConnection) -> Result<&mut diesel::SqliteConnection, DieselError> {
    match conn {
        DbConnection::Sqlite(c) => Ok(c),
        DbConnection::Postgres(_) => Err(DieselError::BrokenTransactionManager),
    }
}

fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "onbekende oorzaak".to_owned())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_group_refuses_every_member() {
        let failure = Err(GroupFailure::Failed("FOREIGN KEY constraint failed".into()));
        let ok: Result<u8, StoreError> = answer(JobEnd::Done(Ok(1)), failure.clone());
        assert!(matches!(ok, Err(StoreError::NotCommitted(_))));
        let err: Result<u8, StoreError> =
            answer(JobEnd::Done(Err(StoreError::Io("x".into()))), failure);
        assert!(matches!(err, Err(StoreError::NotCommitted(_))));
        let busy: Result<u8, StoreError> = answer(JobEnd::Done(Ok(1)), Err(GroupFailure::Busy));
        assert!(matches!(busy, Err(StoreError::Busy)));
    }

    #[test]
    fn a_committed_group_answers_each_its_own() {
        let ok: Result<u8, StoreError> = answer(JobEnd::Done(Ok(1)), Ok(()));
        assert_eq!(ok.unwrap(), 1);
        let err: Result<u8, StoreError> =
            answer(JobEnd::Done(Err(StoreError::Io("x".into()))), Ok(()));
        assert!(matches!(err, Err(StoreError::Io(_))));
        let panicked: Result<u8, StoreError> = answer(JobEnd::Panicked("p".into()), Ok(()));
        assert!(matches!(panicked, Err(StoreError::Panicked(_))));
    }
}
