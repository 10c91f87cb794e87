//! The history of the administration: every change to an organisation, a user or a token,
//! with who made it and when, appended in the transaction of the change itself.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use subsidie_store::rows::{AdminHistoryRow, NewAdminHistoryRow};
use subsidie_store::schema::admin_history;
use subsidie_store::{DbConnection, Pool};

use super::checks::require_admin;
use crate::actor::Actor;
use crate::convert::naive;
use crate::error::ServiceError;
use crate::paging::page_size;
use crate::tx;

/// What a history entry is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// `organisatie`.
    Organisation,
    /// `gebruiker`.
    User,
    /// `token`.
    Token,
}

impl Subject {
    /// The Dutch name, as stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Subject::Organisation => "organisatie",
            Subject::User => "gebruiker",
            Subject::Token => "token",
        }
    }

    /// Parses the Dutch name.
    pub fn parse(text: &str) -> Result<Subject, String> {
        [Subject::Organisation, Subject::User, Subject::Token]
            .into_iter()
            .find(|s| s.as_str() == text)
            .ok_or_else(|| {
                format!("onbekend onderwerp '{text}'; kies organisatie, gebruiker of token")
            })
    }
}

/// Appends one entry in the caller's transaction.
pub(super) fn record(
    conn: &mut DbConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    subject: (Subject, &str),
    action: &str,
    detail: String,
) -> Result<(), ServiceError> {
    diesel::insert_into(admin_history::table)
        .values(&NewAdminHistoryRow {
            at: naive(now),
            actor_id: actor.user_id.clone(),
            subject_kind: subject.0.as_str().to_owned(),
            subject_id: subject.1.to_owned(),
            action: action.to_owned(),
            detail,
        })
        .execute(conn)?;
    Ok(())
}

/// Which entries to list.
#[derive(Debug, Clone, Default)]
pub struct HistoryFilter {
    /// Only about this kind of subject.
    pub subject: Option<Subject>,
    /// Only about this id.
    pub subject_id: Option<String>,
    /// Only entries after this id (the cursor of the previous page).
    pub after: Option<i64>,
}

/// The administration's history, oldest first, at most `limit` entries. Administrators
/// only.
pub fn admin_history(
    pool: &Pool,
    actor: &Actor,
    filter: &HistoryFilter,
    limit: i64,
) -> Result<Vec<AdminHistoryRow>, ServiceError> {
    require_admin(actor)?;
    tx::read(pool, |conn| {
        let mut query = admin_history::table
            .filter(admin_history::id.gt(filter.after.unwrap_or(0)))
            .into_boxed();
        if let Some(subject) = filter.subject {
            query = query.filter(admin_history::subject_kind.eq(subject.as_str()));
        }
        if let Some(id) = &filter.subject_id {
            query = query.filter(admin_history::subject_id.eq(id.clone()));
        }
        Ok(query
            .order(admin_history::id.asc())
            .limit(page_size(limit))
            .select(AdminHistoryRow::as_select())
            .load(conn)?)
    })
}
