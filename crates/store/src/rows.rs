//! Row types: one struct per table as it is read and written. Field names are the
//! column names; see `migrations/` for their meaning.
//!
//! Inserts bind `None` as NULL (`treat_none_as_default_value = false`) instead of writing
//! `DEFAULT`: the statement text is then the same for every row, so PostgreSQL gets it
//! from diesel's prepared-statement cache instead of parsing and planning it each time.
//! No nullable column has a default, so NULL is what `DEFAULT` gave.
#![allow(missing_docs)]

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::schema::*;

/// A programme (budget envelope).
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = programmes, treat_none_as_default_value = false)]
pub struct ProgrammeRow {
    pub id: String,
    pub name: String,
    pub funder: String,
    pub envelope_cents: i64,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub created_at: NaiveDateTime,
}

/// An instrument with its configuration and live budget position.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = instruments, treat_none_as_default_value = false)]
pub struct InstrumentRow {
    pub id: String,
    pub programme_id: String,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub policy: String,
    pub uniqueness: String,
    pub min_cents: i64,
    pub max_cents: i64,
    pub fixed_amount: bool,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub advance_percent: i32,
    pub decision_term_weeks: i32,
    pub supplement_term_days: i32,
    pub four_eyes_above_cents: Option<i64>,
    pub accounting_deadline: Option<NaiveDate>,
    pub waitlist_closed: bool,
    pub ceiling_cents: i64,
    pub reserved_cents: i64,
    pub granted_cents: i64,
    pub settled_cents: i64,
    pub paid_cents: i64,
    pub recovered_cents: i64,
}

/// One round of an instrument, its times in Amsterdam wall-clock time.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = instrument_rounds, treat_none_as_default_value = false)]
pub struct InstrumentRoundRow {
    pub instrument_id: String,
    pub code: String,
    pub position: i32,
    pub name: String,
    pub opens_local: NaiveDateTime,
    pub closes_local: NaiveDateTime,
    pub ceiling_cents: Option<i64>,
    pub carry_over: bool,
    pub only_unfunded_in: Option<String>,
}

/// A region.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = regions, treat_none_as_default_value = false)]
pub struct RegionRow {
    pub id: String,
    pub name: String,
    pub inhabitants: i64,
}

/// A discipline of primary care.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = disciplines, treat_none_as_default_value = false)]
pub struct DisciplineRow {
    pub id: String,
    pub name: String,
}

/// An applying organisation.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = organisations, treat_none_as_default_value = false)]
pub struct OrganisationRow {
    pub id: String,
    pub name: String,
    pub region_id: String,
    pub iban: String,
    pub email: String,
    pub created_at: NaiveDateTime,
    pub contact_person: Option<String>,
}

/// A user of the API.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = users, treat_none_as_default_value = false)]
pub struct UserRow {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: String,
    pub organisation_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub deactivated_at: Option<NaiveDateTime>,
}

/// An API token, stored as a hash only.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = api_tokens, treat_none_as_default_value = false)]
pub struct ApiTokenRow {
    pub id: String,
    pub user_id: String,
    pub token_hash: String,
    pub label: String,
    pub created_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
    pub expires_at: Option<NaiveDateTime>,
}

/// One administrative change: who, when, on what, and what changed.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = admin_history)]
pub struct AdminHistoryRow {
    pub id: i64,
    pub at: NaiveDateTime,
    pub actor_id: Option<String>,
    pub subject_kind: String,
    pub subject_id: String,
    pub action: String,
    pub detail: String,
}

/// A new administrative history entry.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = admin_history, treat_none_as_default_value = false)]
pub struct NewAdminHistoryRow {
    pub at: NaiveDateTime,
    pub actor_id: Option<String>,
    pub subject_kind: String,
    pub subject_id: String,
    pub action: String,
    pub detail: String,
}

/// A reviewer's declared conflict of interest with a region.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = conflicts_of_interest, treat_none_as_default_value = false)]
pub struct ConflictRow {
    pub user_id: String,
    pub region_id: String,
    pub declared_at: NaiveDateTime,
}

/// An application (aanvraag).
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = applications, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct ApplicationRow {
    pub id: String,
    pub reference: String,
    pub instrument_id: String,
    pub organisation_id: String,
    pub region_id: String,
    pub discipline_id: Option<String>,
    pub uniqueness_key: Option<String>,
    pub state: String,
    pub title: String,
    pub description: String,
    pub requested_cents: i64,
    pub reserved_cents: i64,
    pub granted_cents: i64,
    pub settled_cents: Option<i64>,
    pub score: Option<i32>,
    pub received_at: Option<NaiveDateTime>,
    pub received_day: Option<NaiveDate>,
    pub decision_due_on: Option<NaiveDate>,
    pub supplement_request: Option<String>,
    pub supplement_due_on: Option<NaiveDate>,
    pub decided_at: Option<NaiveDateTime>,
    pub decision_motivation: Option<String>,
    pub objection_due_on: Option<NaiveDate>,
    pub waitlist_position: Option<i32>,
    pub grant_proposed_by: Option<String>,
    pub grant_proposed_cents: Option<i64>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub round_code: Option<String>,
}

/// One entry of an application's append-only history.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = application_history)]
pub struct HistoryRow {
    pub id: i64,
    pub application_id: String,
    pub at: NaiveDateTime,
    pub actor_id: Option<String>,
    pub command: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub reason: Option<String>,
}

/// A new history entry.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = application_history, treat_none_as_default_value = false)]
pub struct NewHistoryRow {
    pub application_id: String,
    pub at: NaiveDateTime,
    pub actor_id: Option<String>,
    pub command: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub reason: Option<String>,
}

/// One budget movement (signed deltas in cents).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ledger_entries)]
pub struct LedgerRow {
    pub id: i64,
    pub instrument_id: String,
    pub application_id: Option<String>,
    pub kind: String,
    pub reserved_delta: i64,
    pub granted_delta: i64,
    pub settled_delta: i64,
    pub paid_delta: i64,
    pub recovered_delta: i64,
    pub at: NaiveDateTime,
    pub actor_id: Option<String>,
}

/// A new budget movement.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = ledger_entries, treat_none_as_default_value = false)]
pub struct NewLedgerRow {
    pub instrument_id: String,
    pub application_id: Option<String>,
    pub kind: String,
    pub reserved_delta: i64,
    pub granted_delta: i64,
    pub settled_delta: i64,
    pub paid_delta: i64,
    pub recovered_delta: i64,
    pub at: NaiveDateTime,
    pub actor_id: Option<String>,
}

/// An allocation run with its lottery seed.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = allocation_runs, treat_none_as_default_value = false)]
pub struct AllocationRunRow {
    pub id: String,
    pub instrument_id: String,
    pub policy: String,
    pub seed: String,
    pub lottery_days: String,
    pub available_before_cents: i64,
    pub reserved_total_cents: i64,
    pub actor_id: Option<String>,
    pub at: NaiveDateTime,
    pub round_code: Option<String>,
    /// `committed`, `caller`, `drawn` or `unrecorded` (runs from before it was kept).
    pub seed_source: String,
    /// The Amsterdam day an automatic run allocated; `None` for a run started by hand.
    pub day: Option<NaiveDate>,
}

/// The seed of one instrument's lottery on one day, drawn before the day began; public
/// is only its SHA-256 until the day is allocated.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = lottery_commitments, treat_none_as_default_value = false)]
pub struct CommitmentRow {
    pub instrument_id: String,
    pub day: NaiveDate,
    pub seed: String,
    pub commitment: String,
    pub drawn_at: NaiveDateTime,
}

/// A day that `serve` allocated by itself (the claim and the run commit together).
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = allocation_days, treat_none_as_default_value = false)]
pub struct AllocationDayRow {
    pub instrument_id: String,
    pub day: NaiveDate,
    pub status: String,
    pub run_id: String,
    pub claimed_by: String,
    pub claimed_at: NaiveDateTime,
}

/// A committed seed that a run revealed.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = allocation_run_seeds, treat_none_as_default_value = false)]
pub struct RunSeedRow {
    pub run_id: String,
    pub day: NaiveDate,
    pub seed: String,
    pub commitment: String,
}

/// One application's place in an allocation run.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = allocation_placements, treat_none_as_default_value = false)]
pub struct PlacementRow {
    pub run_id: String,
    pub position: i32,
    pub application_id: String,
    pub reference: String,
    pub decision: String,
    pub lot_key: Option<String>,
}

/// A scheduled, running or finished payment (or recovery).
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = payments, treat_none_as_default_value = false)]
pub struct PaymentRow {
    pub id: String,
    pub reference: String,
    pub application_id: String,
    pub instrument_id: String,
    pub kind: String,
    pub amount_cents: i64,
    pub due_on: NaiveDate,
    pub state: String,
    pub run_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub settled_at: Option<NaiveDateTime>,
}

/// An objection (bezwaar) against a decision.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = objections, treat_none_as_default_value = false)]
pub struct ObjectionRow {
    pub id: String,
    pub application_id: String,
    pub decision: String,
    pub grounds: String,
    pub submitted_at: NaiveDateTime,
    pub state: String,
    pub actor_id: Option<String>,
    /// The last day of the decision term (Awb 7:10), extended once at most.
    pub due_on: Option<NaiveDate>,
    pub extended_at: Option<NaiveDateTime>,
    /// `gehouden` or `afgezien` (Awb 7:2), once recorded.
    pub hearing: Option<String>,
    /// What the objector was asked to mend (Awb 6:6), and by when.
    pub mend_request: Option<String>,
    pub mend_due_on: Option<NaiveDate>,
    pub decided_at: Option<NaiveDateTime>,
    pub decided_by: Option<String>,
    pub motivation: Option<String>,
}

/// An amendment (wijzigingsverzoek) of a grant, and its decision.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = amendments, treat_none_as_default_value = false)]
pub struct AmendmentRow {
    pub id: String,
    pub application_id: String,
    /// `verhoging`, `verlaging` or `verlenging`.
    pub kind: String,
    pub state: String,
    /// The grant asked for after the change (raise, lower).
    pub amount_cents: Option<i64>,
    /// The accounting deadline asked for (extension).
    pub accounting_due_on: Option<NaiveDate>,
    pub grounds: String,
    pub submitted_at: NaiveDateTime,
    pub actor_id: Option<String>,
    /// The first reviewer of four eyes.
    pub proposed_by: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    pub decided_by: Option<String>,
    pub motivation: Option<String>,
    /// The grant before the decision.
    pub previous_cents: Option<i64>,
    pub objection_due_on: Option<NaiveDate>,
}

/// An e-mail waiting in (or sent from) the outbox.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = outbox, treat_none_as_default_value = false)]
pub struct OutboxRow {
    pub id: String,
    pub application_id: Option<String>,
    pub recipient: String,
    pub template: String,
    pub payload: String,
    pub created_at: NaiveDateTime,
    pub due_at: NaiveDateTime,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub claimed_until: Option<NaiveDateTime>,
    pub sent_at: Option<NaiveDateTime>,
    pub failed_at: Option<NaiveDateTime>,
}

/// A remembered answer to a POST with an `Idempotency-Key`.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = idempotency_keys, treat_none_as_default_value = false)]
pub struct IdempotencyRow {
    pub user_id: String,
    pub key: String,
    pub request_hash: String,
    pub response_status: i32,
    pub response_body: String,
    pub created_at: NaiveDateTime,
}

/// A payment run (betaalronde).
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = payment_runs, treat_none_as_default_value = false)]
pub struct PaymentRunRow {
    pub id: String,
    pub message_id: String,
    pub created_at: NaiveDateTime,
    pub up_to: NaiveDate,
    pub execution_date: NaiveDate,
    pub payment_count: i64,
    pub total_cents: i64,
    pub state: String,
    pub actor_id: Option<String>,
    pub paid_at: Option<NaiveDateTime>,
}

/// One transfer of a payment run, as written to the run's SEPA file.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = payment_run_items, treat_none_as_default_value = false)]
pub struct PaymentRunItemRow {
    pub run_id: String,
    pub payment_id: String,
    pub reference: String,
    pub kind: String,
    pub amount_cents: i64,
    pub instrument_id: String,
    pub region_id: String,
    pub application_reference: String,
    pub creditor_name: String,
    pub creditor_iban: String,
    pub failed_at: Option<NaiveDateTime>,
    pub failure_reason: Option<String>,
}

/// A single-use sign-in link of the portal; the token itself is never stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = portal_signin_links, treat_none_as_default_value = false)]
pub struct SigninLinkRow {
    pub token_hash: String,
    pub user_id: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

/// One request for a sign-in link, counted for the limit per address and minute.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = portal_signin_requests, treat_none_as_default_value = false)]
pub struct SigninRequestRow {
    pub id: String,
    pub address_hash: String,
    pub requested_at: NaiveDateTime,
}

/// A signed-in browser of the portal.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = portal_sessions, treat_none_as_default_value = false)]
pub struct PortalSessionRow {
    pub token_hash: String,
    pub user_id: String,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
}

/// A document an application under an instrument must carry.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = instrument_documents, treat_none_as_default_value = false)]
pub struct InstrumentDocumentRow {
    pub instrument_id: String,
    pub kind: String,
    pub name: String,
    pub position: i32,
}

/// A kind of partner an application under an instrument must name, at least so often.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = instrument_partner_rules, treat_none_as_default_value = false)]
pub struct PartnerRuleRow {
    pub instrument_id: String,
    pub kind: String,
    pub name: String,
    pub at_least: i32,
    pub position: i32,
}

/// A partner an application names (in the consortium it is made on behalf of).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = application_partners, treat_none_as_default_value = false)]
pub struct PartnerRow {
    pub application_id: String,
    pub position: i32,
    pub organisation: String,
    pub kind: String,
    pub role: String,
    pub contact_name: String,
    pub contact_email: String,
}

/// The facts of an uploaded document (its content is in `document_chunks`).
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = documents, treat_none_as_default_value = false)]
pub struct DocumentRow {
    pub id: String,
    pub application_id: String,
    pub kind: String,
    pub file_name: String,
    pub media_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub supplement: bool,
    pub uploaded_by: Option<String>,
    pub uploaded_at: NaiveDateTime,
}

/// The facts of a decision's PDF letter, without its bytes (`decision_letters.content`).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = decision_letters)]
pub struct DecisionLetterRow {
    pub id: String,
    pub application_id: String,
    pub template: String,
    pub title: String,
    pub dated_on: NaiveDate,
    pub file_name: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub created_at: NaiveDateTime,
}
