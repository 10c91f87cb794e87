//! The e-mails the use cases queue: the lifecycle's notices to the applicant, payment
//! notices, the reminder before the accounting deadline, and the internal mails to
//! reviewers and finance.
//!
//! Each is an `outbox` row written in the transaction of the change it reports, with
//! the facts its template (in `subsidie-notify`) prints as its payload: one of the
//! letters of [`subsidie_domain::letters`], built here and rendered there.
//!
//! Row ids are derived from what the mail is about (`betaling-{payment id}`,
//! `herinnering_verantwoording-{application id}`, …), so a retried or repeated command
//! cannot queue the same mail twice, and the `Message-ID` derived from the id is stable.
//! Lifecycle notices have fresh ids: each reports a change that happens once.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use subsidie_domain::iban;
use subsidie_domain::letters::{
    ApplicationLetter, GrantChange, PaymentLetter, PaymentRunLetter, ReminderLetter,
    SecondReviewLetter, Template,
};
use subsidie_domain::lifecycle::Notice;
use subsidie_store::rows::{
    ApplicationRow, InstrumentRow, OrganisationRow, PaymentRunRow, UserRow,
};
use subsidie_store::schema::{
    applications, conflicts_of_interest, instruments, organisations, payments, users,
};
use subsidie_store::DbConnection;

use crate::actor::Role;
use crate::convert::{money, new_id, state};
use crate::error::ServiceError;
use crate::outbox::letterhead::frame;
use crate::outbox::queue::{insert_all, insert_new, Mail};
use crate::paging::PAGE;

// ---------------------------------------------------------------------------------------
// Lifecycle notices
// ---------------------------------------------------------------------------------------

/// What a lifecycle notice says of `app`, applied for by `organisation`.
pub fn notice_letter(
    app: &ApplicationRow,
    instrument: &InstrumentRow,
    organisation: &str,
) -> Result<ApplicationLetter, ServiceError> {
    Ok(ApplicationLetter {
        referentie: app.reference.clone(),
        titel: app.title.clone(),
        organisatie: organisation.to_owned(),
        regeling: instrument.name.clone(),
        status: state(&app.state)?,
        aangevraagd: money(app.requested_cents)?,
        verleend: money(app.granted_cents)?,
        vastgesteld: app.settled_cents.map(money).transpose()?,
        ontvangen_op: app.received_at.map(|t| t.and_utc()),
        beslissen_uiterlijk: app.decision_due_on,
        aanvulling: app.supplement_request.clone(),
        aanvullen_uiterlijk: app.supplement_due_on,
        motivering: app.decision_motivation.clone(),
        bezwaar_uiterlijk: app.objection_due_on,
        voorschot_percentage: instrument.advance_percent,
        verantwoording_uiterlijk: instrument.accounting_deadline,
        wachtlijstpositie: app.waitlist_position,
        toelichting: None,
        portaal: Some(crate::portal::links::application_url(&app.reference)),
        brief: None,
        wijziging: None,
    })
}

/// Queues the receipt of the grantee's amendment request `change` (what was asked, the
/// grant as it stands) on `app`, with its `grounds`: the last day for the decision is
/// eight weeks after receipt (Awb 4:13 lid 2; the programme sets no term of its own).
pub(crate) fn queue_amendment_receipt(
    conn: &mut DbConnection,
    app: &ApplicationRow,
    instrument: &InstrumentRow,
    change: GrantChange,
    grounds: &str,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let org: OrganisationRow = organisations::table
        .find(&app.organisation_id)
        .select(OrganisationRow::as_select())
        .first(conn)?;
    let today = subsidie_domain::deadlines::amsterdam_date(now);
    let due =
        subsidie_domain::deadlines::term_end(today, subsidie_domain::deadlines::Term::Weeks(8))
            .map_err(|e| ServiceError::Internal(e.to_string()))?;
    let template = Template::AmendmentReceipt;
    let mut letter = notice_letter(app, instrument, &org.name)?;
    letter.brief = Some(frame(template, now));
    letter.ontvangen_op = Some(now);
    letter.beslissen_uiterlijk = Some(due);
    letter.toelichting = Some(grounds.to_owned());
    letter.wijziging = Some(change);
    letter.verantwoording_uiterlijk =
        crate::application::accounting_deadline(conn, &app.id, instrument)?;
    let mail = Mail::new(new_id(), Some(&app.id), &org.email, template, &letter, now)?;
    insert_all(conn, &[mail])?;
    Ok(())
}

/// Queues the e-mail for `notice` about `app`, addressed to the applicant's
/// organisation, in the caller's transaction; `reason` is why the step was taken, for
/// the notices that print it.
pub(crate) fn queue_notice(
    conn: &mut DbConnection,
    app: &ApplicationRow,
    instrument: &InstrumentRow,
    notice: Notice,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    queue_change_notice(conn, app, instrument, notice, reason, None, now)
}

/// [`queue_notice`] for a decision after the grant, with what it changed. The letter
/// names the accounting deadline as it stands, an extension granted included.
#[allow(clippy::too_many_arguments)]
pub(crate) fn queue_change_notice(
    conn: &mut DbConnection,
    app: &ApplicationRow,
    instrument: &InstrumentRow,
    notice: Notice,
    reason: Option<&str>,
    change: Option<GrantChange>,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let org: OrganisationRow = organisations::table
        .find(&app.organisation_id)
        .select(OrganisationRow::as_select())
        .first(conn)?;
    let mut letter = notice_letter(app, instrument, &org.name)?;
    letter.toelichting = reason.map(str::to_owned);
    letter.wijziging = change;
    letter.verantwoording_uiterlijk =
        crate::application::accounting_deadline(conn, &app.id, instrument)?;
    queue_letter(conn, app, &org, notice, letter, now)
}

/// The receipt of an application submitted in the request that created it: the
/// organisation was just read for the draft, and an application that did not exist
/// before this transaction has no extension of its accounting deadline, so the
/// instrument's deadline is the one that stands.
pub(crate) fn queue_receipt_of_new(
    conn: &mut DbConnection,
    app: &ApplicationRow,
    instrument: &InstrumentRow,
    org: &OrganisationRow,
    notice: Notice,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let mut letter = notice_letter(app, instrument, &org.name)?;
    letter.verantwoording_uiterlijk = instrument.accounting_deadline;
    queue_letter(conn, app, org, notice, letter, now)
}

fn queue_letter(
    conn: &mut DbConnection,
    app: &ApplicationRow,
    org: &OrganisationRow,
    notice: Notice,
    mut letter: ApplicationLetter,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    letter.brief = Some(frame(notice.into(), now));
    let mail = Mail::new(
        new_id(),
        Some(&app.id),
        &org.email,
        notice.into(),
        &letter,
        now,
    )?;
    insert_all(conn, &[mail])?;
    Ok(())
}

/// One notice of a batch ([`queue_notices`]): the application as it now is, the notice,
/// and the outbox id the letter gets.
pub(crate) struct BatchNotice<'a> {
    pub(crate) app: &'a ApplicationRow,
    pub(crate) notice: Notice,
    pub(crate) mail_id: String,
}

/// [`queue_notice`] for many applications under one instrument (an allocation run puts
/// thousands on the waiting list): the organisations and the accounting deadlines are
/// read once for all of them and the mails inserted in batches. The letters are the ones
/// [`queue_notice`] writes, under the ids given: the outbox sends in the order of its ids,
/// so the caller decides the order of sending whatever order the notices come in.
pub(crate) fn queue_notices(
    conn: &mut DbConnection,
    notices: &[BatchNotice<'_>],
    instrument: &InstrumentRow,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let org_ids: Vec<&str> = notices
        .iter()
        .map(|n| n.app.organisation_id.as_str())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let orgs: std::collections::HashMap<String, OrganisationRow> = organisations::table
        .filter(organisations::id.eq_any(&org_ids))
        .select(OrganisationRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|o| (o.id.clone(), o))
        .collect();
    let app_ids: Vec<&str> = notices.iter().map(|n| n.app.id.as_str()).collect();
    let deadlines = crate::application::accounting_deadlines(conn, &app_ids, instrument)?;
    let mut mails = Vec::with_capacity(notices.len());
    for BatchNotice {
        app,
        notice,
        mail_id,
    } in notices
    {
        let org = orgs.get(&app.organisation_id).ok_or_else(|| {
            ServiceError::Internal(format!("organisatie {} ontbreekt", app.organisation_id))
        })?;
        let mut letter = notice_letter(app, instrument, &org.name)?;
        letter.brief = Some(frame((*notice).into(), now));
        letter.verantwoording_uiterlijk = deadlines.get(&app.id).copied().flatten();
        mails.push(Mail::new(
            mail_id.clone(),
            Some(&app.id),
            &org.email,
            (*notice).into(),
            &letter,
            now,
        )?);
    }
    insert_all(conn, &mails)?;
    Ok(())
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
    format!("{}-{payment_id}", Template::Payment)
}

/// The payment notice. `date` is the day the money is paid (a transfer) or the last day
/// to pay it back (a recovery).
pub fn payment_letter(
    facts: &PaymentFacts,
    date: NaiveDate,
) -> Result<PaymentLetter, ServiceError> {
    Ok(PaymentLetter {
        referentie: facts.application_reference.clone(),
        titel: facts.title.clone(),
        organisatie: facts.organisation.clone(),
        regeling: facts.instrument.clone(),
        soort: facts.kind.clone(),
        bedrag: money(facts.amount_cents)?,
        betalingskenmerk: facts.payment_reference.clone(),
        rekening: iban::masked(&facts.iban),
        datum: date,
        brief: None,
        portaal: Some(crate::portal::links::application_url(
            &facts.application_reference,
        )),
    })
}

/// Which payments [`payment_facts`] reads.
enum Which<'a> {
    /// One payment.
    One(&'a str),
    /// A page of a run's payments in state `state`, after an id.
    RunPage {
        run_id: &'a str,
        state: &'a str,
        after: &'a str,
    },
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
        Which::RunPage {
            run_id,
            state,
            after,
        } => query
            .filter(payments::run_id.eq(run_id.to_owned()))
            .filter(payments::state.eq(state.to_owned()))
            .filter(payments::id.gt(after.to_owned()))
            .order(payments::id.asc())
            .limit(PAGE),
    };
    Ok(query.load::<PaymentFacts>(conn)?)
}

/// The notices of `page`, each dated by `date`.
fn payment_mails(
    page: &[PaymentFacts],
    date: impl Fn(&PaymentFacts) -> NaiveDate,
    now: DateTime<Utc>,
) -> Result<Vec<Mail>, ServiceError> {
    page.iter()
        .map(|facts| {
            let mut letter = payment_letter(facts, date(facts))?;
            letter.brief = Some(frame(Template::Payment, now));
            Mail::new(
                payment_notice_id(&facts.payment_id),
                Some(&facts.application_id),
                &facts.email,
                Template::Payment,
                &letter,
                now,
            )
        })
        .collect()
}

/// Queues the notice of one payment (in practice: a recovery, when it is raised), in the
/// caller's transaction. Returns false when it was already queued.
pub(crate) fn queue_payment_notice(
    conn: &mut DbConnection,
    payment_id: &str,
    now: DateTime<Utc>,
) -> Result<bool, ServiceError> {
    let facts = payment_facts(conn, Which::One(payment_id))?;
    let rows = payment_mails(&facts, |f| f.due_on, now)?;
    Ok(insert_new(conn, rows)? > 0)
}

/// Queues one notice per payment of the run that is in state `state` (the caller's
/// "still in the run"), dated `paid_on`, in the caller's transaction; call it before the
/// payments are booked paid. Reads and writes in pages, so a run of a million payments
/// needs no more memory than one of a thousand. Returns how many notices were queued.
pub(crate) fn queue_run_payment_notices(
    conn: &mut DbConnection,
    run_id: &str,
    state: &str,
    paid_on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<usize, ServiceError> {
    let mut after = String::new();
    let mut queued = 0;
    loop {
        let which = Which::RunPage {
            run_id,
            state,
            after: &after,
        };
        let page = payment_facts(conn, which)?;
        let Some(last) = page.last() else { break };
        after = last.payment_id.clone();
        queued += insert_new(conn, payment_mails(&page, |_| paid_on, now)?)?;
    }
    Ok(queued)
}

// ---------------------------------------------------------------------------------------
// Reminder before the accounting deadline
// ---------------------------------------------------------------------------------------

/// The outbox id of the accounting reminder about application `application_id`: one per
/// application, however often the reminders run.
pub fn reminder_id(application_id: &str) -> String {
    format!("{}-{application_id}", Template::AccountingReminder)
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

/// The reminder before the accounting deadline.
pub fn reminder_letter(facts: &ReminderFacts<'_>) -> Result<ReminderLetter, ServiceError> {
    Ok(ReminderLetter {
        referentie: facts.reference.to_owned(),
        titel: facts.title.to_owned(),
        organisatie: facts.organisation.to_owned(),
        regeling: facts.instrument.to_owned(),
        verleend: money(facts.granted_cents)?,
        verantwoording_uiterlijk: facts.deadline,
        brief: None,
        portaal: Some(crate::portal::links::application_url(facts.reference)),
    })
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
    let mut letter = reminder_letter(facts)?;
    letter.brief = Some(frame(Template::AccountingReminder, now));
    let mail = Mail::new(
        reminder_id(application_id),
        Some(application_id),
        recipient,
        Template::AccountingReminder,
        &letter,
        now,
    )?;
    Ok(insert_new(conn, vec![mail])? > 0)
}

// ---------------------------------------------------------------------------------------
// Internal mails: reviewers and finance
// ---------------------------------------------------------------------------------------

/// One mail to every user with `role` whom `skip` does not leave out; `letter` writes
/// the mail's id suffix and letter for the addressee.
fn queue_to_staff<L: serde::Serialize>(
    conn: &mut DbConnection,
    role: Role,
    template: Template,
    application_id: Option<&str>,
    skip: impl Fn(&UserRow) -> bool,
    letter: impl Fn(&UserRow) -> Result<(String, L), ServiceError>,
    now: DateTime<Utc>,
) -> Result<usize, ServiceError> {
    let staff: Vec<UserRow> = users::table
        .filter(users::role.eq(role.as_str()))
        .order(users::id.asc())
        .select(UserRow::as_select())
        .load(conn)?;
    let mut rows = Vec::new();
    for user in staff.iter().filter(|user| !skip(user)) {
        let (about, letter) = letter(user)?;
        let id = format!("{template}-{about}-{}", user.id);
        rows.push(Mail::new(
            id,
            application_id,
            &user.email,
            template,
            &letter,
            now,
        )?);
    }
    insert_new(conn, rows)
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
    /// For a raise asked in an amendment: the amendment's id (what the mail is about)
    /// and the grant as it stands, in cents.
    pub amendment: Option<(&'a str, i64)>,
}

/// The mail asking for a second reviewer; `name` is the addressee's.
pub fn proposal_letter(
    facts: &ProposalFacts<'_>,
    proposer: &str,
    name: &str,
) -> Result<SecondReviewLetter, ServiceError> {
    Ok(SecondReviewLetter {
        naam: name.to_owned(),
        referentie: facts.reference.to_owned(),
        titel: facts.title.to_owned(),
        organisatie: facts.organisation.to_owned(),
        regeling: facts.instrument.to_owned(),
        aangevraagd: money(facts.requested_cents)?,
        voorgesteld: money(facts.proposed_cents)?,
        grens: money(facts.limit_cents)?,
        voorgesteld_door: proposer.to_owned(),
        huidig_verleend: facts.amendment.map(|(_, c)| money(c)).transpose()?,
    })
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
    // A grant proposal is about one version of the application; an amendment's raise
    // about the amendment (it leaves the application's version as it is).
    let about = match facts.amendment {
        Some((amendment_id, _)) => format!("wijziging-{amendment_id}"),
        None => format!("{}-v{}", facts.application_id, facts.version),
    };
    queue_to_staff(
        conn,
        Role::Reviewer,
        Template::SecondReview,
        Some(facts.application_id),
        |user| Some(user.id.as_str()) == facts.proposer_id || conflicted.contains(&user.id),
        |user| {
            Ok((
                about.clone(),
                proposal_letter(facts, &proposer, &user.name)?,
            ))
        },
        now,
    )
}

/// The mail to finance about a new payment run; `name` is the addressee's.
pub fn run_letter(run: &PaymentRunRow, name: &str) -> Result<PaymentRunLetter, ServiceError> {
    Ok(PaymentRunLetter {
        naam: name.to_owned(),
        betaalronde: run.message_id.clone(),
        ronde_id: run.id.clone(),
        aantal: run.payment_count,
        totaal: money(run.total_cents)?,
        tot_en_met: run.up_to,
        uitvoeringsdatum: run.execution_date,
        aangemaakt_op: run.created_at.and_utc(),
    })
}

/// Queues one mail per finance user about the new run. Returns how many were queued.
pub(crate) fn queue_run_created(
    conn: &mut DbConnection,
    run: &PaymentRunRow,
    now: DateTime<Utc>,
) -> Result<usize, ServiceError> {
    queue_to_staff(
        conn,
        Role::Finance,
        Template::PaymentRun,
        None,
        |_| false,
        |user| Ok((run.id.clone(), run_letter(run, &user.name)?)),
        now,
    )
}
