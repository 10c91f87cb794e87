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

/// Withdraws the unsent, unclaimed mails about `application_id` that no longer apply in
/// state `to`, reached by `command`. Returns how many were withdrawn.
pub(crate) fn cancel_obsolete(
    conn: &mut DbConnection,
    application_id: &str,
    to: State,
    command: Command,
    now: DateTime<Utc>,
) -> Result<usize, ServiceError> {
    let at = naive(now);
    let waiting: Vec<Waiting> = outbox::table
        .filter(outbox::application_id.eq(application_id))
        .filter(outbox::sent_at.is_null())
        .filter(outbox::failed_at.is_null())
        .filter(
            outbox::claimed_until
                .is_null()
                .or(outbox::claimed_until.lt(at)),
        )
        .select((
            outbox::id,
            outbox::application_id,
            outbox::recipient,
            outbox::template,
            outbox::payload,
            outbox::created_at,
        ))
        .load(conn)?;
    let mut cancelled = 0;
    for (id, app, recipient, template, payload, created_at) in waiting {
        let Ok(known) = template.parse::<Template>() else {
            continue;
        };
        if !known.obsolete_in(to) {
            continue;
        }
        let reason = format!(
            "ingetrokken vóór verzending: na '{command}' is de aanvraag '{to}', en dit bericht ({template}) geldt dan niet meer"
        );
        diesel::insert_into(outbox_cancelled::table)
            .values((
                outbox_cancelled::id.eq(&id),
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
