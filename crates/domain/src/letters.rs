//! The contract between the service, which writes e-mails to the outbox, and the
//! notification crate, which renders and sends them: the names of the templates, the
//! facts each one prints, and the states an outbox row passes through.
//!
//! Both sides name these types instead of strings, so a template the service writes
//! and notify cannot render, or a key one side spells differently, does not compile.
//! The facts are serialized with Dutch keys in machine forms (amounts as `"1250000.00"`,
//! dates as `"2025-07-14"`, instants in RFC 3339), as outbox rows have always carried
//! them: rows written before these types existed still read.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::lifecycle::{Notice, State};
use crate::Money;

/// One e-mail template: a lifecycle notice to the applicant, or one of the mails the
/// lifecycle does not cover (payments, reminders, internal mails).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Template {
    /// A notice of the lifecycle (receipt, decisions, …); its facts: [`ApplicationLetter`].
    Notice(Notice),
    /// `betaling`: an advance or remainder paid, or a recovery due ([`PaymentLetter`]).
    Payment,
    /// `herinnering_verantwoording`: the accounting deadline draws near
    /// ([`ReminderLetter`]).
    AccountingReminder,
    /// `tweede_beoordeling_gevraagd`: to reviewers, a grant above the four-eyes limit
    /// awaits a second reviewer ([`SecondReviewLetter`]).
    SecondReview,
    /// `betaalronde_aangemaakt`: to finance, a payment run was made
    /// ([`PaymentRunLetter`]).
    PaymentRun,
    /// `aanmeldlink`: the single-use link that signs a person in to the portal
    /// ([`SignInLetter`]).
    SignInLink,
    /// `organisatiegegevens_gewijzigd`: to an organisation, its bank account, address or
    /// contact person was changed ([`OrganisationChangeLetter`]).
    OrganisationChange,
    /// `bezwaar_ontvangen`: the objection was received, with its decision term
    /// ([`ObjectionLetter`]).
    ObjectionReceipt,
    /// `bezwaar_herstel`: please mend an omission of the objection (Awb 6:6).
    ObjectionMend,
    /// `bezwaar_verdaagd`: the decision on the objection is deferred once (Awb 7:10).
    ObjectionExtended,
    /// `beslissing_op_bezwaar`: the objection decided, with the appeal clause.
    ObjectionDecision,
    /// `wijzigingsverzoek_ontvangen`: the grantee's amendment request was received
    /// ([`ApplicationLetter`] with what was asked in `wijziging`).
    AmendmentReceipt,
}

/// The number of templates: every notice and the eleven others.
const COUNT: usize = Notice::ALL.len() + 11;

impl Template {
    /// Every template: the lifecycle's notices in their order, then the others.
    pub const ALL: [Template; COUNT] = {
        let mut all = [Template::Payment; COUNT];
        let mut i = 0;
        while i < Notice::ALL.len() {
            all[i] = Template::Notice(Notice::ALL[i]);
            i += 1;
        }
        all[i] = Template::Payment;
        all[i + 1] = Template::AccountingReminder;
        all[i + 2] = Template::SecondReview;
        all[i + 3] = Template::PaymentRun;
        all[i + 4] = Template::SignInLink;
        all[i + 5] = Template::OrganisationChange;
        all[i + 6] = Template::ObjectionReceipt;
        all[i + 7] = Template::ObjectionMend;
        all[i + 8] = Template::ObjectionExtended;
        all[i + 9] = Template::ObjectionDecision;
        all[i + 10] = Template::AmendmentReceipt;
        all
    };

    /// The Dutch name: the outbox's `template` column and the template's file name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Template::Notice(notice) => notice.as_str(),
            Template::Payment => "betaling",
            Template::AccountingReminder => "herinnering_verantwoording",
            Template::SecondReview => "tweede_beoordeling_gevraagd",
            Template::PaymentRun => "betaalronde_aangemaakt",
            Template::SignInLink => "aanmeldlink",
            Template::OrganisationChange => "organisatiegegevens_gewijzigd",
            Template::ObjectionReceipt => "bezwaar_ontvangen",
            Template::ObjectionMend => "bezwaar_herstel",
            Template::ObjectionExtended => "bezwaar_verdaagd",
            Template::ObjectionDecision => "beslissing_op_bezwaar",
            Template::AmendmentReceipt => "wijzigingsverzoek_ontvangen",
        }
    }
}

impl Template {
    /// Whether a letter of this template is a decision (*besluit*, Awb 1:3): the
    /// lifecycle's decisions that carry the objection clause, the confirmation of a
    /// waiver (the grant lapses at the grantee's request), and the decision on an
    /// objection. These are also made as a PDF letter, archived with their hash and
    /// attached to the e-mail.
    pub const fn is_decision(self) -> bool {
        match self {
            Template::Notice(notice) => {
                notice.carries_objection_clause() || matches!(notice, Notice::Waived)
            }
            Template::ObjectionDecision => true,
            _ => false,
        }
    }

    /// Whether a mail of this template, queued but not yet sent, no longer applies once
    /// its application has moved to `to`: the accounting reminder only applies to a grant
    /// not yet accounted for (a waiver, a revocation or an account makes it moot), and the
    /// request for a second reviewer only to the proposal it was about (every step of the
    /// application clears the proposal). Notices report what happened, and stay true.
    pub const fn obsolete_in(self, to: State) -> bool {
        match self {
            Template::AccountingReminder => !matches!(to, State::Granted),
            Template::SecondReview => true,
            _ => false,
        }
    }
}

impl From<Notice> for Template {
    fn from(notice: Notice) -> Self {
        Template::Notice(notice)
    }
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is no template.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "onbekend e-mailsjabloon '{0}'; bekend zijn: {known}",
    known = Template::ALL.map(Template::as_str).join(", ")
)]
pub struct UnknownTemplate(pub String);

impl FromStr for Template {
    type Err = UnknownTemplate;

    /// Parses the Dutch name, exactly as [`Template::as_str`] gives it.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Template::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| UnknownTemplate(s.to_owned()))
    }
}

impl Serialize for Template {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Template {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Where an outbox row is. Not a column: it follows from `sent_at`, `failed_at` and
/// `attempts`, which the dispatcher sets ([`MessageState::of`] is the one reading of
/// them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageState {
    /// `wachtend`: not yet attempted.
    Waiting,
    /// `opnieuw_te_proberen`: attempted and failed, waiting for its back-off.
    Retrying,
    /// `mislukt`: given up after the last attempt (or at once, for a permanent error).
    Failed,
    /// `verzonden`: sent.
    Sent,
}

impl MessageState {
    /// Every state.
    pub const ALL: [MessageState; 4] = [
        MessageState::Waiting,
        MessageState::Retrying,
        MessageState::Failed,
        MessageState::Sent,
    ];

    /// The state of a row that is `sent` or `failed` (its timestamps are set) after
    /// `attempts` failed attempts. A sent row counts as sent even if it was failed
    /// before.
    pub const fn of(sent: bool, failed: bool, attempts: i32) -> MessageState {
        if sent {
            MessageState::Sent
        } else if failed {
            MessageState::Failed
        } else if attempts > 0 {
            MessageState::Retrying
        } else {
            MessageState::Waiting
        }
    }

    /// The Dutch name.
    pub const fn as_str(self) -> &'static str {
        match self {
            MessageState::Waiting => "wachtend",
            MessageState::Retrying => "opnieuw_te_proberen",
            MessageState::Failed => "mislukt",
            MessageState::Sent => "verzonden",
        }
    }
}

impl fmt::Display for MessageState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is no state of an outbox row.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "onbekende status '{0}'; bekend zijn: {known}",
    known = MessageState::ALL.map(MessageState::as_str).join(", ")
)]
pub struct UnknownMessageState(pub String);

impl FromStr for MessageState {
    type Err = UnknownMessageState;

    /// Parses the Dutch name, exactly as [`MessageState::as_str`] gives it.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MessageState::ALL
            .into_iter()
            .find(|state| state.as_str() == s)
            .ok_or_else(|| UnknownMessageState(s.to_owned()))
    }
}

/// Instants as RFC 3339 with an explicit offset (`2025-03-03T09:15:00+00:00`), the form
/// the outbox has always stored; serde's own form for `DateTime` writes `Z` instead.
mod rfc3339 {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(at: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&at.to_rfc3339())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        DateTime::parse_from_rfc3339(&text)
            .map(|t| t.with_timezone(&Utc))
            .map_err(serde::de::Error::custom)
    }

    pub mod option {
        use chrono::{DateTime, Utc};
        use serde::{Deserialize, Deserializer, Serializer};

        pub fn serialize<S: Serializer>(
            at: &Option<DateTime<Utc>>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            match at {
                Some(at) => super::serialize(at, s),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<DateTime<Utc>>, D::Error> {
            #[derive(Deserialize)]
            struct Wrapped(#[serde(with = "super")] DateTime<Utc>);
            Ok(Option::<Wrapped>::deserialize(d)?.map(|Wrapped(at)| at))
        }
    }
}

/// What a lifecycle notice says of its application. Every notice carries all of it;
/// each template prints what it needs, and printing a fact that is `None` is an error
/// of the template, not an empty place in the letter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationLetter {
    /// The application's reference.
    pub referentie: String,
    /// The project title.
    pub titel: String,
    /// The applicant.
    pub organisatie: String,
    /// The instrument's name.
    pub regeling: String,
    /// The application's state after the change the notice reports.
    pub status: State,
    /// The amount asked for.
    pub aangevraagd: Money,
    /// The amount granted (zero before a grant).
    pub verleend: Money,
    /// The settled amount, once settled.
    pub vastgesteld: Option<Money>,
    /// When the application was received.
    #[serde(with = "rfc3339::option", default)]
    pub ontvangen_op: Option<DateTime<Utc>>,
    /// The last day for the decision.
    pub beslissen_uiterlijk: Option<NaiveDate>,
    /// What the applicant was asked to supply.
    pub aanvulling: Option<String>,
    /// The last day to supply it.
    pub aanvullen_uiterlijk: Option<NaiveDate>,
    /// The motivation of the decision.
    pub motivering: Option<String>,
    /// The last day to object to the decision.
    pub bezwaar_uiterlijk: Option<NaiveDate>,
    /// The instrument's advance, in percent of the grant.
    pub voorschot_percentage: i32,
    /// The instrument's accounting deadline.
    pub verantwoording_uiterlijk: Option<NaiveDate>,
    /// The place on the waiting list.
    pub wachtlijstpositie: Option<i32>,
    /// Why the step was taken, where the notice says so (why the decision term is
    /// extended, Awb 4:14). Absent in notices queued before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toelichting: Option<String>,
    /// The application's page in the portal. Absent in notices queued before the
    /// portal existed, which is why the templates ask whether it is defined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portaal: Option<String>,
    /// The date, sender and signatory of the letter. Absent in letters queued before
    /// letters carried them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brief: Option<LetterFrame>,
    /// For a decision that changes a grant (an amendment, a revocation, a lowering):
    /// what changed. Absent in every other notice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wijziging: Option<GrantChange>,
}

/// What a decision after the grant changed: the amount before and after, and for an
/// amendment what the grantee asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantChange {
    /// For an amendment: what the grantee asked.
    pub verzoek: Option<crate::amendment::AmendmentKind>,
    /// The amount asked for (a raise or a lowering asked by the grantee).
    pub gevraagd_bedrag: Option<Money>,
    /// The accounting deadline asked for (an extension).
    pub gevraagde_termijn: Option<NaiveDate>,
    /// The grant (after settlement: the settled amount) before the decision.
    pub vorig_bedrag: Money,
    /// The same after it; zero when revoked.
    pub nieuw_bedrag: Money,
    /// Whether the decision changes a settlement (Awb 4:49) rather than a grant (4:48).
    pub na_vaststelling: bool,
}

/// The funder as a letter names it: who, where, how to reach them, and where to pay a
/// recovery into.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Letterhead {
    /// The funder's name.
    pub naam: String,
    /// The postal address, one line (`Postbus 93245, 2509 AE Den Haag`).
    pub adres: String,
    /// The telephone number for questions.
    pub telefoon: String,
    /// An e-mail address that is read (the letters themselves cannot be answered).
    pub email: String,
    /// The funder's account to pay a recovery into.
    pub iban: String,
}

/// The officer who signs a letter under mandate (Awb 10:10: "namens").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signatory {
    /// The officer's name.
    pub naam: String,
    /// The officer's function.
    pub functie: String,
}

/// What every letter carries besides its own facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetterFrame {
    /// The day the letter is sent: the day it is queued, in Amsterdam (the outbox sends
    /// within minutes, and the objection period is counted from the same day).
    pub dagtekening: NaiveDate,
    /// The funder.
    pub afzender: Letterhead,
    /// Who signs.
    pub ondertekening: Signatory,
}

/// What a letter about an objection says: the receipt, the request to mend, the
/// deferral and the decision on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectionLetter {
    /// The application's reference.
    pub referentie: String,
    /// The project title.
    pub titel: String,
    /// The applicant.
    pub organisatie: String,
    /// The instrument's name.
    pub regeling: String,
    /// The contested decision's letter, in words (`het afwijzingsbesluit`).
    pub besluit: String,
    /// When the objection was received.
    #[serde(with = "rfc3339")]
    pub ingediend_op: DateTime<Utc>,
    /// The last day to decide on it (after a deferral: the new one).
    pub beslissen_uiterlijk: NaiveDate,
    /// What the objector is asked to mend.
    pub herstel: Option<String>,
    /// By when.
    pub herstellen_uiterlijk: Option<NaiveDate>,
    /// The outcome, once decided: `niet_ontvankelijk`, `ongegrond` or `gegrond`.
    pub uitkomst: Option<crate::objection::ObjectionState>,
    /// The motivation of the decision on the objection (or of the deferral).
    pub motivering: Option<String>,
    /// For a founded objection against a rejection or a grant: the amount now granted.
    pub verleend: Option<Money>,
    /// For a founded objection against a grant or a settlement: the amount the contested
    /// decision granted or settled. Absent in letters queued before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vorig_bedrag: Option<Money>,
    /// For a founded objection against a settlement: the amount now settled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vastgesteld: Option<Money>,
    /// What the new decision pays out now (an extra advance or the rest of a settlement).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nabetaling: Option<Money>,
    /// For a founded objection against a decision after the grant, what the new
    /// decision is: `intrekking_herroepen` (the grant or settlement restored),
    /// `verlaging_herroepen` (the higher amount restored) or `wijziging_toegekend` (the
    /// refused amendment granted). Absent for the others, and in older letters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nieuw_besluit: Option<String>,
    /// For a founded objection that grants a refused extension: the new accounting
    /// deadline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verantwoording_uiterlijk: Option<NaiveDate>,
    /// For a founded objection when nothing was available: the place on the waiting list.
    pub wachtlijstpositie: Option<i32>,
    /// Whether the hearing was held (`gehouden`) or waived (`afgezien`).
    pub hoorzitting: Option<String>,
    /// The last day to appeal to the court (Awb 6:7, 8:1).
    pub beroep_uiterlijk: Option<NaiveDate>,
    /// The date, sender and signatory of the letter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brief: Option<LetterFrame>,
}

/// The payment notice to the grantee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentLetter {
    /// The application's reference.
    pub referentie: String,
    /// The project title.
    pub titel: String,
    /// The grantee.
    pub organisatie: String,
    /// The instrument's name.
    pub regeling: String,
    /// The payment's kind: `voorschot`, `restant` or `terugvordering`.
    pub soort: String,
    /// The amount.
    pub bedrag: Money,
    /// The payment's own reference (the SEPA end-to-end id).
    pub betalingskenmerk: String,
    /// The grantee's account, masked.
    pub rekening: String,
    /// The day the money is paid, or for a recovery the last day to pay it back.
    pub datum: NaiveDate,
    /// The date, sender and signatory of the letter. Absent in letters queued before
    /// letters carried them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brief: Option<LetterFrame>,
    /// The application's page in the portal (where the account details, the payments and
    /// the accounting report are). Absent in letters queued before the link was added.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portaal: Option<String>,
}

/// The reminder before the accounting deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderLetter {
    /// The application's reference.
    pub referentie: String,
    /// The project title.
    pub titel: String,
    /// The grantee.
    pub organisatie: String,
    /// The instrument's name.
    pub regeling: String,
    /// The granted amount.
    pub verleend: Money,
    /// The accounting deadline.
    pub verantwoording_uiterlijk: NaiveDate,
    /// The date, sender and signatory of the letter. Absent in letters queued before
    /// letters carried them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brief: Option<LetterFrame>,
    /// The application's page in the portal (where the account details, the payments and
    /// the accounting report are). Absent in letters queued before the link was added.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portaal: Option<String>,
}

/// To a reviewer: a grant above the four-eyes limit awaits a second reviewer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondReviewLetter {
    /// The addressee's name.
    pub naam: String,
    /// The application's reference.
    pub referentie: String,
    /// The project title.
    pub titel: String,
    /// The applicant.
    pub organisatie: String,
    /// The instrument's name.
    pub regeling: String,
    /// The amount asked for.
    pub aangevraagd: Money,
    /// The proposed grant.
    pub voorgesteld: Money,
    /// The four-eyes limit.
    pub grens: Money,
    /// The name of the reviewer who proposed it.
    pub voorgesteld_door: String,
    /// For a raise asked in an amendment (a *wijzigingsverzoek*) rather than a first
    /// grant: the grant as it stands; `voorgesteld` is then the raised grant. Absent for
    /// a grant proposal, and in mails queued before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub huidig_verleend: Option<Money>,
}

/// To finance: a payment run was made and waits to be sent to the bank and booked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentRunLetter {
    /// The addressee's name.
    pub naam: String,
    /// The run's message id (the SEPA file's).
    pub betaalronde: String,
    /// The run's id.
    pub ronde_id: String,
    /// How many payments the run holds.
    pub aantal: i64,
    /// Their total.
    pub totaal: Money,
    /// The last due date the run includes.
    pub tot_en_met: NaiveDate,
    /// The requested execution date.
    pub uitvoeringsdatum: NaiveDate,
    /// When the run was made.
    #[serde(with = "rfc3339")]
    pub aangemaakt_op: DateTime<Utc>,
}

/// One changed fact of an organisation, as the letter shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangedFact {
    /// What changed, in Dutch (`IBAN`, `e-mailadres`, `contactpersoon`).
    pub gegeven: String,
    /// The value before; empty when there was none.
    pub oud: String,
    /// The value after; empty when it was cleared.
    pub nieuw: String,
}

/// To an organisation (at its old and its new address): an administrator changed its
/// bank account, e-mail address or contact person. Sent so that a change the
/// organisation did not ask for (a fraudulent IBAN) is noticed before money moves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationChangeLetter {
    /// The organisation's name.
    pub organisatie: String,
    /// Its contact person, after the change, if known.
    pub contactpersoon: Option<String>,
    /// What changed.
    pub wijzigingen: Vec<ChangedFact>,
    /// When.
    #[serde(with = "rfc3339")]
    pub gewijzigd_op: DateTime<Utc>,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn template_names_are_unique_and_parse_back() {
        let mut names: Vec<&str> = Template::ALL.iter().map(|t| t.as_str()).collect();
        for template in Template::ALL {
            assert_eq!(template.as_str().parse::<Template>(), Ok(template));
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Template::ALL.len());
        let err = "bestaat_niet".parse::<Template>().unwrap_err();
        assert!(err.to_string().contains("betaalronde_aangemaakt"), "{err}");
    }

    #[test]
    fn only_reminders_and_review_requests_become_obsolete() {
        for to in State::ALL {
            assert_eq!(
                Template::AccountingReminder.obsolete_in(to),
                to != State::Granted,
                "{to}"
            );
            assert!(Template::SecondReview.obsolete_in(to), "{to}");
            for template in Template::ALL {
                if !matches!(
                    template,
                    Template::AccountingReminder | Template::SecondReview
                ) {
                    assert!(!template.obsolete_in(to), "{template} in {to}");
                }
            }
        }
    }

    #[test]
    fn message_states_follow_the_columns() {
        assert_eq!(MessageState::of(false, false, 0), MessageState::Waiting);
        assert_eq!(MessageState::of(false, false, 2), MessageState::Retrying);
        assert_eq!(MessageState::of(false, true, 8), MessageState::Failed);
        assert_eq!(MessageState::of(true, true, 1), MessageState::Sent);
        for state in MessageState::ALL {
            assert_eq!(state.as_str().parse::<MessageState>(), Ok(state));
        }
    }

    #[test]
    fn instants_keep_the_stored_form() {
        let text = r#"{"aangemaakt_op":"2025-06-04T14:30:00+00:00","aantal":1,"betaalronde":"b","naam":"n","ronde_id":"r","tot_en_met":"2025-06-05","totaal":"1.00","uitvoeringsdatum":"2025-06-05"}"#;
        let letter: PaymentRunLetter = serde_json::from_str(text).unwrap();
        let back = serde_json::to_value(&letter).unwrap().to_string();
        assert_eq!(back, text);
    }
}

/// The mail with a single-use sign-in link to the portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInLetter {
    /// The person's name.
    pub naam: String,
    /// The link; it works once.
    pub link: String,
    /// Until when the link works.
    #[serde(with = "rfc3339")]
    pub geldig_tot: DateTime<Utc>,
}
