//! Organisations, users, API tokens and declared conflicts of interest: who the engine
//! knows, registered by an administrator.

mod checks;
mod conflict;
mod organisation;
mod token;
mod user;

pub use checks::check_email;
pub use conflict::declare_conflict;
pub use organisation::{register_organisation, NewOrganisation};
pub use token::{authenticate, create_token, hash_token};
pub use user::create_user;
