//! SQLite's writing connection shared by concurrent writers (`store::writer`): one COMMIT
//! for a group of queued writes, each in its own savepoint, on a real SQLite file.
#![allow(clippy::unwrap_used)]

use std::sync::mpsc;
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use subsidie_store::db::write;
use subsidie_store::testing::{selected_backend, TestDatabase};
use subsidie_store::{Backend, DbConnection, Pool, StoreError};

type Job = Box<dyn FnOnce(&mut DbConnection) -> Result<(), StoreError> + Send>;

/// A fresh SQLite database with two tables of its own; `None` on PostgreSQL, which has
/// no shared writer (its writes are covered by every other suite).
fn sqlite_pool() -> Option<(TestDatabase, Pool)> {
    if selected_backend() != Backend::Sqlite {
        eprintln!("the shared writer exists on SQLite only; nothing to test on PostgreSQL");
        return None;
    }
    let db = TestDatabase::new().unwrap();
    let pool = db.pool(4).unwrap();
    pool.get()
        .unwrap()
        .batch_execute(
            "CREATE TABLE w_parent (id INTEGER PRIMARY KEY);
             CREATE TABLE w_row (id INTEGER PRIMARY KEY AUTOINCREMENT, job INTEGER NOT NULL,
               parent INTEGER REFERENCES w_parent (id));",
        )
        .unwrap();
    Some((db, pool))
}

fn insert(conn: &mut DbConnection, job: i64) -> Result<(), StoreError> {
    diesel::sql_query("INSERT INTO w_row (job) VALUES (?)")
        .bind::<BigInt, _>(job)
        .execute(conn)?;
    Ok(())
}

#[derive(QueryableByName)]
struct JobRow {
    #[diesel(sql_type = BigInt)]
    job: i64,
}

/// The jobs whose rows are in the table, as a reader on another connection sees them.
fn committed_jobs(pool: &Pool) -> Vec<i64> {
    let mut conn = pool.get().unwrap();
    let rows: Vec<JobRow> = diesel::sql_query("SELECT DISTINCT job FROM w_row ORDER BY job")
        .load(&mut conn)
        .unwrap();
    rows.into_iter().map(|r| r.job).collect()
}

fn commits(pool: &Pool) -> u64 {
    pool.writer_counts().unwrap().commits
}

/// Runs `jobs` as one group: a first write (job 0, inserting its row) holds the
/// connection until every job is queued behind it, then lets go. The answers in the
/// order of `jobs`, after the first write's.
fn in_one_group(
    pool: &Pool,
    jobs: Vec<Job>,
) -> (Result<(), StoreError>, Vec<Result<(), StoreError>>) {
    let (taken_tx, taken_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let holder = {
        let pool = pool.clone();
        std::thread::spawn(move || {
            write(&pool, |conn| {
                taken_tx.send(()).unwrap();
                release_rx.recv().unwrap();
                insert(conn, 0)
            })
        })
    };
    taken_rx.recv().unwrap();
    let n = jobs.len();
    let queued: Vec<_> = jobs
        .into_iter()
        .map(|job| {
            let pool = pool.clone();
            std::thread::spawn(move || write(&pool, job))
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(20);
    while pool.writer_counts().unwrap().waiting < n {
        assert!(Instant::now() < deadline, "the writers did not queue");
        std::thread::sleep(Duration::from_millis(1));
    }
    release_tx.send(()).unwrap();
    let first = holder.join().unwrap();
    (
        first,
        queued.into_iter().map(|t| t.join().unwrap()).collect(),
    )
}

fn inserting(job: i64) -> Job {
    Box::new(move |conn| insert(conn, job))
}

#[test]
fn queued_writers_share_one_commit() {
    let Some((_db, pool)) = sqlite_pool() else {
        return;
    };
    let before = commits(&pool);
    let (first, rest) = in_one_group(&pool, (1..=20).map(inserting).collect());
    first.unwrap();
    for answer in rest {
        answer.unwrap();
    }
    assert_eq!(
        commits(&pool) - before,
        1,
        "21 writes queued together, one COMMIT"
    );
    assert_eq!(committed_jobs(&pool), (0..=20).collect::<Vec<_>>());
}

#[test]
fn many_concurrent_writers_commit_in_fewer_transactions_than_writes() {
    let Some((_db, pool)) = sqlite_pool() else {
        return;
    };
    let before = pool.writer_counts().unwrap();
    let threads: Vec<_> = (0..16)
        .map(|t| {
            let pool = pool.clone();
            std::thread::spawn(move || {
                for i in 0..50 {
                    write(&pool, |conn| insert(conn, t * 100 + i)).unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let after = pool.writer_counts().unwrap();
    assert_eq!(after.jobs - before.jobs, 800);
    assert!(
        after.commits - before.commits < 800,
        "{} commits for 800 writes",
        after.commits - before.commits
    );
    assert_eq!(committed_jobs(&pool).len(), 800);
}

#[test]
fn one_writer_alone_commits_each_write() {
    let Some((_db, pool)) = sqlite_pool() else {
        return;
    };
    let before = commits(&pool);
    for job in 1..=3 {
        write(&pool, |conn| insert(conn, job)).unwrap();
        // Acknowledged means committed: another connection sees it at once.
        assert!(committed_jobs(&pool).contains(&job));
    }
    assert_eq!(commits(&pool) - before, 3);
}

#[test]
fn a_failed_write_leaves_nothing_and_its_group_is_kept() {
    let Some((_db, pool)) = sqlite_pool() else {
        return;
    };
    let failing: Job = Box::new(|conn| {
        insert(conn, 2)?;
        insert(conn, 2)?;
        Err(StoreError::Io("refused by the use case".into()))
    });
    let (first, rest) = in_one_group(&pool, vec![inserting(1), failing, inserting(3)]);
    first.unwrap();
    assert!(rest[0].is_ok());
    assert!(matches!(rest[1], Err(StoreError::Io(_))), "{:?}", rest[1]);
    assert!(rest[2].is_ok());
    assert_eq!(committed_jobs(&pool), vec![0, 1, 3]);
}

#[test]
fn a_panicking_write_is_reported_and_the_writer_goes_on() {
    let Some((_db, pool)) = sqlite_pool() else {
        return;
    };
    let panicking: Job = Box::new(|conn| {
        insert(conn, 2)?;
        // A nested transaction left open by the panic is closed as well.
        conn.transaction::<(), StoreError, _>(|c| {
            insert(c, 2)?;
            panic!("a bug in a use case");
        })
    });
    let (first, rest) = in_one_group(&pool, vec![inserting(1), panicking, inserting(3)]);
    first.unwrap();
    assert!(rest[0].is_ok());
    assert!(matches!(&rest[1], Err(StoreError::Panicked(why)) if why.contains("a bug")));
    assert!(rest[2].is_ok());
    assert_eq!(committed_jobs(&pool), vec![0, 1, 3]);
    write(&pool, |conn| insert(conn, 4)).unwrap();
    assert_eq!(committed_jobs(&pool), vec![0, 1, 3, 4]);
}

#[test]
fn a_failing_commit_acknowledges_no_write_of_its_group() {
    let Some((_db, pool)) = sqlite_pool() else {
        return;
    };
    // A deferred foreign key is checked at COMMIT only: the write succeeds, the COMMIT
    // of its whole group fails.
    let dangling: Job = Box::new(|conn| {
        conn.batch_execute("PRAGMA defer_foreign_keys = ON")?;
        diesel::sql_query("INSERT INTO w_row (job, parent) VALUES (2, 999)").execute(conn)?;
        Ok(())
    });
    let before = commits(&pool);
    let (first, rest) = in_one_group(&pool, vec![inserting(1), dangling, inserting(3)]);
    assert!(
        matches!(first, Err(StoreError::NotCommitted(_))),
        "{first:?}"
    );
    for answer in &rest {
        assert!(
            matches!(answer, Err(StoreError::NotCommitted(_))),
            "{answer:?}"
        );
    }
    assert_eq!(commits(&pool), before);
    assert!(committed_jobs(&pool).is_empty());
    write(&pool, |conn| insert(conn, 4)).unwrap();
    assert_eq!(committed_jobs(&pool), vec![4]);
}
