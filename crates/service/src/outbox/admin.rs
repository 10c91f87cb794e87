//! What an administrator sees of the outbox and may do with it: the screens of the API
//! (`/berichten`) and the verbs `subsidie mail status` and `subsidie mail retry`.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use subsidie_domain::letters::MessageState;
use subsidie_store::rows::OutboxRow;
use subsidie_store::schema::outbox;
use subsidie_store::DbConnection;
use subsidie_store::Pool;

use crate::actor::{Actor, Role};
use crate::error::ServiceError;
use crate::tx;

/// Counts of the outbox by state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxSummary {
    /// Not yet attempted.
    pub waiting: i64,
    /// Attempted and failed, waiting for a retry.
    pub retrying: i64,
    /// Given up.
    pub failed: i64,
    /// Sent.
    pub sent: i64,
}

/// The counts, and the messages in one state.
#[derive(Debug, Clone)]
pub struct Overview {
    /// How many messages are in each state (all of them, not only those listed).
    pub summary: OutboxSummary,
    /// The messages asked for: failed ones most recent first (`last_error` says why),
    /// waiting and retrying ones by due time.
    pub messages: Vec<OutboxRow>,
}

/// The outbox is the administrator's; the refusal reads like every other one.
fn admin_only(actor: &Actor) -> Result<(), ServiceError> {
    if actor.role == Role::Admin {
        return Ok(());
    }
    Err(ServiceError::Forbidden(format!(
        "de e-mailwachtrij is voorbehouden aan een beheerder; u bent {}",
        actor.role
    )))
}

/// The counts of the outbox and at most `limit` of its messages in the state `status`
/// names (`mislukt` when left out), in one read. The name is the caller's text, checked
/// only once the actor may see the outbox at all.
pub fn overview(
    pool: &Pool,
    actor: &Actor,
    status: Option<&str>,
    limit: Option<i64>,
) -> Result<Overview, ServiceError> {
    admin_only(actor)?;
    let listed = listed_state(status)?;
    tx::read(pool, |conn| {
        Ok(Overview {
            summary: summary_in(conn)?,
            messages: messages_in(conn, listed, limit)?,
        })
    })
}

/// The state to list. Sent messages are only counted: they only grow, and listing them
/// is not what the overview is for.
fn listed_state(status: Option<&str>) -> Result<MessageState, ServiceError> {
    const CHOICES: &str = "kies mislukt, wachtend of opnieuw_te_proberen";
    match status.map(str::parse::<MessageState>) {
        None => Ok(MessageState::Failed),
        Some(Ok(MessageState::Sent)) => Err(ServiceError::field(
            "status",
            format!("verzonden berichten worden alleen geteld (zie aantallen); {CHOICES}"),
        )),
        Some(Ok(state)) => Ok(state),
        Some(Err(unknown)) => {
            let shown: String = unknown
                .0
                .chars()
                .filter(|c| !c.is_control())
                .take(60)
                .collect();
            Err(ServiceError::field(
                "status",
                format!("onbekende status '{shown}'; {CHOICES}"),
            ))
        }
    }
}

/// How many messages are waiting, retrying, failed and sent.
pub fn summary(pool: &Pool, actor: &Actor) -> Result<OutboxSummary, ServiceError> {
    admin_only(actor)?;
    tx::read(pool, summary_in)
}

fn summary_in(conn: &mut DbConnection) -> Result<OutboxSummary, ServiceError> {
    let unsent = || {
        outbox::table
            .filter(outbox::sent_at.is_null())
            .filter(outbox::failed_at.is_null())
    };
    Ok(OutboxSummary {
        waiting: unsent()
            .filter(outbox::attempts.eq(0))
            .count()
            .get_result(conn)?,
        retrying: unsent()
            .filter(outbox::attempts.gt(0))
            .count()
            .get_result(conn)?,
        failed: outbox::table
            .filter(outbox::failed_at.is_not_null())
            .count()
            .get_result(conn)?,
        sent: outbox::table
            .filter(outbox::sent_at.is_not_null())
            .count()
            .get_result(conn)?,
    })
}

fn messages_in(
    conn: &mut DbConnection,
    listed: MessageState,
    limit: Option<i64>,
) -> Result<Vec<OutboxRow>, ServiceError> {
    let query = outbox::table.select(OutboxRow::as_select()).into_boxed();
    let query = match listed {
        MessageState::Failed => query
            .filter(outbox::failed_at.is_not_null())
            .order((outbox::failed_at.desc(), outbox::id.asc())),
        MessageState::Sent => query
            .filter(outbox::sent_at.is_not_null())
            .order((outbox::sent_at.desc(), outbox::id.asc())),
        MessageState::Waiting | MessageState::Retrying => {
            let unsent = query
                .filter(outbox::sent_at.is_null())
                .filter(outbox::failed_at.is_null())
                .order((outbox::due_at.asc(), outbox::id.asc()));
            if listed == MessageState::Waiting {
                unsent.filter(outbox::attempts.eq(0))
            } else {
                unsent.filter(outbox::attempts.gt(0))
            }
        }
    };
    let query = match limit {
        Some(limit) => query.limit(limit),
        None => query,
    };
    Ok(query.load(conn)?)
}

/// Puts a failed message back in the queue: due at once (its `due_at` becomes its
/// `created_at`), with a fresh count of attempts. The previous `last_error` stays until
/// the next attempt replaces it. Refused when there is no such message (not found) and
/// when it is not failed (a conflict that says where it is).
pub fn retry(pool: &Pool, actor: &Actor, id: &str) -> Result<OutboxRow, ServiceError> {
    admin_only(actor)?;
    tx::write(pool, |conn| {
        let row = find(conn, id)?.ok_or_else(|| ServiceError::NotFound {
            what: "bericht",
            id: id.to_owned(),
        })?;
        let why =
            match MessageState::of(row.sent_at.is_some(), row.failed_at.is_some(), row.attempts) {
                MessageState::Failed => None,
                MessageState::Sent => Some("is al verzonden"),
                MessageState::Retrying => Some("staat al in de wachtrij voor een nieuwe poging"),
                MessageState::Waiting => Some("staat al in de wachtrij"),
            };
        if let Some(why) = why {
            return Err(ServiceError::Conflict(format!(
                "bericht '{id}' {why}; alleen een mislukt bericht kan opnieuw in de wachtrij"
            )));
        }
        diesel::update(outbox::table.find(id))
            .set((
                outbox::failed_at.eq(None::<NaiveDateTime>),
                outbox::attempts.eq(0),
                outbox::due_at.eq(outbox::created_at),
                outbox::claim_token.eq(None::<String>),
                outbox::claimed_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
        find(conn, id)?.ok_or_else(|| ServiceError::Internal(format!("bericht '{id}' verdween")))
    })
}

fn find(conn: &mut DbConnection, id: &str) -> Result<Option<OutboxRow>, ServiceError> {
    Ok(outbox::table
        .find(id)
        .select(OutboxRow::as_select())
        .first(conn)
        .optional()?)
}
