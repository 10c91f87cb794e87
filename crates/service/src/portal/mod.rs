//! What the subsidieportaal (crates/portal) needs beyond the use cases the API shares:
//! signing in and sessions, and the read models of its pages.

pub mod admin;
pub mod links;
pub mod signin;
pub mod views;
