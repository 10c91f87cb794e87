//! E-mails that are not lifecycle notices: payment notices, the reminder before the
//! accounting deadline, and the internal mails to reviewers and finance.
//!
//! Like the lifecycle notices ([`crate::application`]), each is an `outbox` row written in
//! the transaction of the change it reports, with a JSON payload of the facts its
//! template (in `subsidie-notify`) prints. The payload keys are built here and only here;
//! notify's tests render payloads made by these functions, so a key that a template needs
//! and this module does not write fails a test, not a letter.
//!
//! Row ids are derived from what the mail is about (`betaling-{payment id}`,
//! `herinnering_verantwoording-{application id}`, …), so a retried or repeated command
//! cannot queue the same mail twice, and the `Message-ID` derived from the id is stable.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde_json::{json, Value as Json};
use subsidie_domain::iban;
use subsidie_domain::payment::PaymentState;
use subsidie_store::rows::{PaymentRunRow, UserRow};
use subsidie_store::schema::{
    applications, conflicts_of_interest, instruments, organisations, outbox, payments, users,
};
use subsidie_store::DbConnection;

use crate::actor::Role;
use crate::convert::{money, naive};
use crate::error::ServiceError;
use crate::paging::PAGE;

/// The payment notice to the grantee: an advance or remainder paid, or a recovery due.
/// (The same name as `subsidie_notify::templates::PAYMENT`; a notify test checks it.)
pub const PAYMENT: &str = "betaling";
/// The reminder before the accounting deadline.
pub const ACCOUNTING_REMINDER: &str = "herinnering_verantwoording";
/// To the other reviewers: a grant above the four-eyes limit awaits a second reviewer.
pub const SECOND_REVIEW: &str = "tweede_beoordeling_gevraagd";
/// To finance: a payment run was made and waits to be sent to the bank and booked.
pub const PAYMENT_RUN: &str = "betaalronde_aangemaakt";

/// Every template this module writes rows for.
pub const TEMPLATES: [&str; 4] = [PAYMENT, ACCOUNTING_REMINDER, SECOND_REVIEW, PAYMENT_RUN];

/// Rows inserted per statement when a payment run queues its notices: 7 bound values
/// each, well below SQLite's limit of 32 766 per statement.
const BATCH: usize = 1_000;

fn date_text(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

fn amount_text(cents: i64) -> Result<String, ServiceError> {
    Ok(money(cents)?.to_string())
}

/// A new outbox row, due at once. Only what a new row says; the columns about sending
/// (attempts, errors, claims) start at their defaults.
struct Mail {
    id: String,
    application_id: Option<String>,
    recipient: String,
    template: &'static str,
    payload: String,
    at: NaiveDateTime,
}

fn row(
    id: String,
    application_id: Option<&str>,
    recipient: &str,
    template: &'static str,
    payload: &Json,
    now: DateTime<Utc>,
) -> Mail {
    Mail {
        id,
        application_id: application_id.map(str::to_owned),
        recipient: recipient.to_owned(),
        template,
        payload: payload.to_string(),
        at: naive(now),
    }
}

/// Inserts the rows whose ids are not in the outbox yet; returns how many were added.
/// The check makes queueing idempotent within the transaction; two transactions racing
/// for the same id are stopped by the primary key.
fn insert_new(conn: &mut DbConnection, rows: Vec<Mail>) -> Result<usize, ServiceError> {
    if rows.is_empty() {
        return Ok(0);
    }
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let existing: HashSet<String> = outbox::table
        .filter(outbox::id.eq_any(&ids))
        .select(outbox::id)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    let fresh: Vec<Mail> = rows
        .into_iter()
        .filter(|r| !existing.contains(&r.id))
        .collect();
    let mut added = 0;
    for chunk in fresh.chunks(BATCH) {
        // Many rows per statement: a payment run queues one notice per payment, up to a
        // million. Every value given is a plain bound value, so SQLite too gets one
        // multi-row INSERT (diesel splits a batch into single-row statements when a
        // value may be DEFAULT). diesel's connection over both backends cannot batch,
        // so the insert is made on the backend's own connection.
        let values: Vec<_> = chunk
            .iter()
            .map(|r| {
                (
                    outbox::id.eq(&r.id),
                    outbox::application_id.eq(r.application_id.as_deref()),
                    outbox::recipient.eq(&r.recipient),
                    outbox::template.eq(r.template),
                    outbox::payload.eq(&r.payload),
                    outbox::created_at.eq(r.at),
                    outbox::due_at.eq(r.at),
                )
            })
            .collect();
        added += match conn {
            DbConnection::Sqlite(c) => diesel::insert_into(outbox::table)
                .values(&values)
                .execute(c)?,
            DbConnection::Postgres(c) => diesel::insert_into(outbox::table)
                .values(&values)
                .execute(c)?,
        };
    }
    Ok(added)
}

// ---------------------------------------------------------------------------------------
// Payment notices
// ---------------------------------------------------------------------------------------

/// What a payment notice says, as read from the payment, its application, the
/// organisation and the instrument.
#[derive(Debug, Clone, Queryable)]
pub struct PaymentFacts {
    /// The payment's id (the notice's id is derived from it).
    pub payment_id: String,
    /// `voorschot`, `restant` or `terugvordering`.
    pub kind: String,
    /// The amount in cents.
    pub amount_cents: i64,
    /// The payment's own reference (the SEPA end-to-end id).
    pub payment_reference: String,
    /// For a recovery: the last day to pay back.
    pub due_on: NaiveDate,
    /// The application.
    pub application_id: String,
    /// The application's reference.
    pub application_reference: String,
    /// The project title.
    pub title: String,
    /// The grantee.
    pub organisation: String,
    /// Where the notice goes.
    pub email: String,
    /// The grantee's account (masked in the notice).
    pub iban: String,
    /// The instrument's name.
    pub instrument: String,
}

/// The outbox id of the notice about payment `payment_id`.
pub fn payment_notice_id(payment_id: &str) -> String {
    format!("{PAYMENT}-{payment_id}")
}

/// The payload of a payment notice. `date` is the day the money is paid (a transfer) or
/// the last day to pay it back (a recovery).
pub fn payment_payload(facts: &PaymentFacts, date: NaiveDate) -> Result<Json, ServiceError> {
    Ok(json!({
        "referentie": facts.application_reference,
        "titel": facts.title,
        "organisatie": facts.organisation,
        "regeling": facts.instrument,
        "soort": facts.kind,
        "bedrag": amount_text(facts.amount_cents)?,
        "betalingskenmerk": facts.payment_reference,
        "rekening": iban::masked(&facts.iban),
        "datum": date_text(date),
    }))
}

/// Which payments [`payment_facts`] reads.
enum Which<'a> {
    /// One payment.
    One(&'a str),
    /// A page of a run's payments that are still `in_betaalronde`, after an id.
    RunPage { run_id: &'a str, after: &'a str },
}

fn payment_facts(
    conn: &mut DbConnection,
    which: Which<'_>,
) -> Result<Vec<PaymentFacts>, ServiceError> {
    let query = payments::table
        .inner_join(
            applications::table
                .inner_join(organisations::table)
                .inner_join(instruments::table),
        )
        .select((
            payments::id,
            payments::kind,
            payments::amount_cents,
            payments::reference,
            payments::due_on,
            applications::id,
            applications::reference,
            applications::title,
            organisations::name,
            organisations::email,
            organisations::iban,
            instruments::name,
        ))
        .into_boxed();
    let query = match which {
        Which::One(id) => query.filter(payments::id.eq(id.to_owned())),
        Which::RunPage { run_id, after } => query
            .filter(payments::run_id.eq(run_id.to_owned()))
            .filter(payments::state.eq(PaymentState::InRun.as_str()))
            .filter(payments::id.gt(after.to_owned()))
            .order(payments::id.asc())
            .limit(PAGE),
    };
    Ok(query.load::<PaymentFacts>(conn)?)
}

/// Queues the notice of one payment (in practice: a recovery, when it is raised), in the
/// caller's transaction. Returns false when it was already queued.
pub(crate) fn queue_payment_notice(
    conn: &mut DbConnection,
    payment_id: &str,
    now: DateTime<Utc>,
) -> Result<bool, ServiceError> {
    let mut rows = Vec::new();
    for facts in payment_facts(conn, Which::One(payment_id))? {
        let payload = payment_payload(&facts, facts.due_on)?;
        rows.push(row(
            payment_notice_id(&facts.payment_id),
            Some(&facts.application_id),
            &facts.email,
            PAYMENT,
            &payload,
            now,
        ));
    }
    Ok(insert_new(conn, rows)? > 0)
}

/// Queues one notice per payment of the run that is still `in_betaalronde`, dated
/// `paid_on`, in the caller's transaction; call it before the payments are booked paid.
/// Reads and writes in pages, so a run of a million payments needs no more memory than
/// one of a thousand. Returns how many notices were queued.
pub(crate) fn queue_run_payment_notices(
    conn: &mut DbConnection,
    run_id: &str,
    paid_on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<usize, ServiceError> {
    let mut after = String::new();
    let mut queued = 0;
    loop {
        let page = payment_facts(
            conn,
            Which::RunPage {
                run_id,
                after: &after,
            },
        )?;
        let Some(last) = page.last() else { break };
        after = last.payment_id.clone();
        let mut rows = Vec::with_capacity(page.len());
        for facts in &page {
            let payload = payment_payload(facts, paid_on)?;
            rows.push(row(
                payment_notice_id(&facts.payment_id),
                Some(&facts.application_id),
                &facts.email,
                PAYMENT,
                &payload,
                now,
            ));
        }
        queued += insert_new(conn, rows)?;
    }
    Ok(queued)
}

// ---------------------------------------------------------------------------------------
// Reminder before the accounting deadline
// ---------------------------------------------------------------------------------------

/// The outbox id of the accounting reminder about application `application_id`: one per
/// application, however often the reminders run.
pub fn reminder_id(application_id: &str) -> String {
    format!("{ACCOUNTING_REMINDER}-{application_id}")
}

/// What a reminder before the accounting deadline says.
#[derive(Debug, Clone)]
pub struct ReminderFacts<'a> {
    /// The application's reference.
    pub reference: &'a str,
    /// The project title.
    pub title: &'a str,
    /// The grantee.
    pub organisation: &'a str,
    /// The instrument's name.
    pub instrument: &'a str,
    /// The granted amount in cents.
    pub granted_cents: i64,
    /// The accounting deadline.
    pub deadline: NaiveDate,
}

/// The payload of a reminder before the accounting deadline.
pub fn reminder_payload(facts: &ReminderFacts<'_>) -> Result<Json, ServiceError> {
    Ok(json!({
        "referentie": facts.reference,
        "titel": facts.title,
        "organisatie": facts.organisation,
        "regeling": facts.instrument,
        "verleend": amount_text(facts.granted_cents)?,
        "verantwoording_uiterlijk": date_text(facts.deadline),
    }))
}

/// Queues the reminder for one application, to `recipient`; false when it was queued
/// before.
pub(crate) fn queue_reminder(
    conn: &mut DbConnection,
    application_id: &str,
    recipient: &str,
    facts: &ReminderFacts<'_>,
    now: DateTime<Utc>,
) -> Result<bool, ServiceError> {
    let payload = reminder_payload(facts)?;
    let rows = vec![row(
        reminder_id(application_id),
        Some(application_id),
        recipient,
        ACCOUNTING_REMINDER,
        &payload,
        now,
    )];
    Ok(insert_new(conn, rows)? > 0)
}

// ---------------------------------------------------------------------------------------
// Internal mails: reviewers and finance
// ---------------------------------------------------------------------------------------

fn users_with_role(conn: &mut DbConnection, role: Role) -> Result<Vec<UserRow>, ServiceError> {
    Ok(users::table
        .filter(users::role.eq(role.as_str()))
        .order(users::id.asc())
        .select(UserRow::as_select())
        .load(conn)?)
}

fn user_name(conn: &mut DbConnection, id: Option<&str>) -> Result<Option<String>, ServiceError> {
    let Some(id) = id else { return Ok(None) };
    Ok(users::table
        .find(id)
        .select(users::name)
        .first(conn)
        .optional()?)
}

/// What the other reviewers hear of a grant proposed above the four-eyes limit.
#[derive(Debug, Clone)]
pub struct ProposalFacts<'a> {
    /// The application.
    pub application_id: &'a str,
    /// Its version after the proposal was saved: a later proposal on the same
    /// application (after a supplement round, say) is a new mail.
    pub version: i64,
    /// The application's reference.
    pub reference: &'a str,
    /// The project title.
    pub title: &'a str,
    /// The applicant.
    pub organisation: &'a str,
    /// The instrument's name.
    pub instrument: &'a str,
    /// The region, for the conflicts of interest.
    pub region_id: &'a str,
    /// The amount asked for, in cents.
    pub requested_cents: i64,
    /// The proposed grant, in cents.
    pub proposed_cents: i64,
    /// The four-eyes limit, in cents.
    pub limit_cents: i64,
    /// The reviewer who proposed it.
    pub proposer_id: Option<&'a str>,
}

/// The payload of the mail asking for a second reviewer; `name` is the addressee's.
pub fn proposal_payload(
    facts: &ProposalFacts<'_>,
    proposer: &str,
    name: &str,
) -> Result<Json, ServiceError> {
    Ok(json!({
        "naam": name,
        "referentie": facts.reference,
        "titel": facts.title,
        "organisatie": facts.organisation,
        "regeling": facts.instrument,
        "aangevraagd": amount_text(facts.requested_cents)?,
        "voorgesteld": amount_text(facts.proposed_cents)?,
        "grens": amount_text(facts.limit_cents)?,
        "voorgesteld_door": proposer,
    }))
}

/// Queues a mail to every reviewer who may confirm the proposal: all reviewers but the
/// proposer and those who declared a conflict of interest for the application's region
/// (they could not confirm it). Returns how many were queued.
pub(crate) fn queue_second_review(
    conn: &mut DbConnection,
    facts: &ProposalFacts<'_>,
    now: DateTime<Utc>,
) -> Result<usize, ServiceError> {
    let conflicted: HashSet<String> = conflicts_of_interest::table
        .filter(conflicts_of_interest::region_id.eq(facts.region_id))
        .select(conflicts_of_interest::user_id)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    let proposer =
        user_name(conn, facts.proposer_id)?.unwrap_or_else(|| "een beoordelaar".to_owned());
    let mut rows = Vec::new();
    for user in users_with_role(conn, Role::Reviewer)? {
        if Some(user.id.as_str()) == facts.proposer_id || conflicted.contains(&user.id) {
            continue;
        }
        let payload = proposal_payload(facts, &proposer, &user.name)?;
        rows.push(row(
            format!(
                "{SECOND_REVIEW}-{}-v{}-{}",
                facts.application_id, facts.version, user.id
            ),
            Some(facts.application_id),
            &user.email,
            SECOND_REVIEW,
            &payload,
            now,
        ));
    }
    insert_new(conn, rows)
}

/// The payload of the mail to finance about a new payment run; `name` is the
/// addressee's.
pub fn run_payload(run: &PaymentRunRow, name: &str) -> Result<Json, ServiceError> {
    Ok(json!({
        "naam": name,
        "betaalronde": run.message_id,
        "ronde_id": run.id,
        "aantal": run.payment_count,
        "totaal": amount_text(run.total_cents)?,
        "tot_en_met": date_text(run.up_to),
        "uitvoeringsdatum": date_text(run.execution_date),
        "aangemaakt_op": run.created_at.and_utc().to_rfc3339(),
    }))
}

/// Queues one mail per finance user about the new run. Returns how many were queued.
pub(crate) fn queue_run_created(
    conn: &mut DbConnection,
    run: &PaymentRunRow,
    now: DateTime<Utc>,
) -> Result<usize, ServiceError> {
    let mut rows = Vec::new();
    for user in users_with_role(conn, Role::Finance)? {
        let payload = run_payload(run, &user.name)?;
        rows.push(row(
            format!("{PAYMENT_RUN}-{}-{}", run.id, user.id),
            None,
            &user.email,
            PAYMENT_RUN,
            &payload,
            now,
        ));
    }
    insert_new(conn, rows)
}
