//! The lifecycle of an application, by what a user does: open and change a draft
//! ([`draft`]), submit it ([`submit`]), review and decide ([`review`], with the four-eyes
//! flow), settle and close ([`settlement`]), object ([`objection`]), amend a grant
//! ([`amendment`]), revoke or lower it ([`revision`]).
//!
//! Every lifecycle command goes through one pipeline ([`execute`]): load, authorise,
//! ask the domain's transition table, the command's own checks, the budget effects on
//! the locked instrument row, save with a new version and history, then payments and
//! e-mails, in one transaction. Who may issue which command: [`crate::access`].

mod action;
mod amendment;
mod checks;
mod draft;
mod effects;
mod execute;
mod late;
mod objection;
mod record;
mod review;
mod revision;
mod settlement;
mod submit;
mod submit_new;

pub use action::{Action, Outcome};
pub use amendment::{
    accounting_deadline, amendment, amendments_of, handle_amendment, may_handle_amendment,
    may_request_amendment, request_amendment,
};
pub(crate) use amendment::{accounting_deadlines, extended_grants};
pub use draft::{create_draft, edit_draft, may_draft, may_edit, DraftChanges, NewApplication};
pub use execute::execute;
pub use late::awaiting_decision;
pub use objection::{handle_objection, may_object, object, ObjectionStep};
pub use review::{may_score, score};
pub use submit_new::create_and_submit;

pub(crate) use record::{history, save};
