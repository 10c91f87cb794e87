//! Withdrawing queued mails that no longer apply once an application changed state (a
//! waiver withdraws the accounting reminder; a decision withdraws the requests for a
//! second reviewer). Which ones: [`Template::obsolete_in`].
//!
//! A withdrawn row moves, in the transaction of the change, from `outbox` to
//! `outbox_cancelled` with the reason: the dispatcher never sees it, and nothing is lost.
//! A row a dispatcher has claimed and may be sending right now is left alone: withdrawing
//! it could not stop the mail, and the record would then lie.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use subsidie_domain::letters::Template;
use subsidie_domain::lifecycle::{Command, State};
use subsidie_store::schema::{outbox, outbox_cancelled};
use subsidie_store::DbConnection;

use crate::convert::naive;
use crate::error::ServiceError;

type Waiting = (
    String,
    Option<String>,
    String,
    String,
    String,
    chrono::NaiveDateTime,
);

/// A mail about the application with when it was sent, failed, and claimed until.
type Listed = (
    Waiting,
    (
        Option<chrono::NaiveDateTime>,
        Option<chrono::NaiveDateTime>,
        Option<chrono::NaiveDateTime>,
    ),
);

/// Withdraws the unsent, unclaimed mails about `application_id` that no longer apply in
/// state `to`, reached by `command`. Returns how many were withdrawn.
pub(crate) fn cancel_obsolete(
    conn: &mut DbConnection,
    application_id: &str,
    to: State,
    command: Command,
    now: DateTime<Utc>,
) -> Result<usize, ServiceError> {
    cancel_where(conn, application_id, now, |template| {
        template.obsolete_in(to).then(|| {
            format!(
                "ingetrokken vóór verzending: na '{command}' is de aanvraag '{to}', en dit bericht ({template}) geldt dan niet meer"
            )
        })
    })
}

/// Withdraws the unsent, unclaimed mails of `template` about `application_id`, with
/// `why` (a reminder before a deadline that was extended). Returns how many.
pub(crate) fn cancel_template(
    conn: &mut DbConnection,
    application_id: &str,
    template: Template,
    why: &str,
    now: DateTime<Utc>,
) -> Result<usize, ServiceError> {
    cancel_where(conn, application_id, now, |t| {
        (t == template).then(|| format!("ingetrokken vóór verzending: {why}"))
    })
}

/// Moves each waiting mail for which `reason` gives a reason to `outbox_cancelled`.
fn cancel_where(
    conn: &mut DbConnection,
    application_id: &str,
    now: DateTime<Utc>,
    reason: impl Fn(Template) -> Option<String>,
) -> Result<usize, ServiceError> {
    let at = naive(now);
    // Only the application's id goes to the database, the rest is filtered here: an
    // application has a handful of mails, but with the sending conditions in the query
    // PostgreSQL without fresh statistics (autovacuum off, or a table that just grew by
    // an opening rush) planned it on `outbox_pending`, every unsent mail of every
    // application, and the rush slowed down by a scan of the whole backlog per
    // submission (bench/NOTES.md, 2026-12-02).
    let mails: Vec<Listed> = outbox::table
        .filter(outbox::application_id.eq(application_id))
        .select((
            (
                outbox::id,
                outbox::application_id,
                outbox::recipient,
                outbox::template,
                outbox::payload,
                outbox::created_at,
            ),
            (outbox::sent_at, outbox::failed_at, outbox::claimed_until),
        ))
        .load(conn)?;
    let waiting = mails
        .into_iter()
        .filter_map(|(mail, (sent, failed, claimed))| {
            let unclaimed = claimed.is_none_or(|until| until < at);
            (sent.is_none() && failed.is_none() && unclaimed).then_some(mail)
        });
    let mut cancelled = 0;
    for (id, app, recipient, template, payload, created_at) in waiting {
        let Some(reason) = template.parse::<Template>().ok().and_then(&reason) else {
            continue;
        };
        // A mail with a derived id (the reminder) can be queued and withdrawn again
        // after a deadline moved; the record keeps each withdrawal.
        let earlier: i64 = outbox_cancelled::table
            .filter(outbox_cancelled::id.eq(&id))
            .count()
            .get_result(conn)?;
        let record_id = if earlier == 0 {
            id.clone()
        } else {
            format!("{id}-{}", crate::convert::new_id())
        };
        diesel::insert_into(outbox_cancelled::table)
            .values((
                outbox_cancelled::id.eq(&record_id),
                outbox_cancelled::application_id.eq(app),
                outbox_cancelled::recipient.eq(recipient),
                outbox_cancelled::template.eq(template),
                outbox_cancelled::payload.eq(payload),
                outbox_cancelled::created_at.eq(created_at),
                outbox_cancelled::cancelled_at.eq(at),
                outbox_cancelled::reason.eq(reason),
            ))
            .execute(conn)?;
        cancelled += diesel::delete(outbox::table.find(&id)).execute(conn)?;
    }
    Ok(cancelled)
}
