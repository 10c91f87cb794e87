//! Organisations, users, API tokens and declared conflicts of interest: who the engine
//! knows, registered, read and changed by an administrator, every change in the
//! administration's history.

mod checks;
mod conflict;
mod history;
mod organisation;
mod organisation_change;
mod token;
mod user;
mod users;

pub use checks::check_email;
pub use conflict::declare_conflict;
pub use history::{admin_history, HistoryFilter, Subject};
pub use organisation::{register_organisation, NewOrganisation};
pub use organisation_change::{
    change_organisation, get_organisation, list_organisations, OrganisationChange,
};
pub use token::{
    authenticate, create_token, get_token, hash_token, issue_token, list_tokens, revoke_token,
    IssuedToken, TokenCheck, DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS,
};
pub use user::create_user;
pub use users::{deactivate_user, get_user, list_users, operator};
