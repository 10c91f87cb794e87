//! E-mail for subsidie.
//!
//! Every event a person must hear of is written as a row to the `outbox` table in the same
//! database transaction as the change itself (see `subsidie_service::outbox`), with the
//! facts its template prints as its payload: one of the letters of
//! `subsidie_domain::letters`, which also names the templates and the states of a row.
//! This crate turns those rows into e-mails and delivers them:
//!
//! * [`templates`]: Dutch messages, plain text and HTML from one minijinja source each,
//!   embedded in the binary;
//! * [`transport`]: SMTP with lettre (`SMTP_URL`), or `.eml` files in a folder
//!   (`MAIL_DIR`) when no SMTP server is configured;
//! * [`dispatch`]: claims due rows so that two dispatchers never send the same one, sends
//!   them, marks them sent, and retries failures with exponential back-off until a
//!   maximum, after which the row is marked failed for an administrator
//!   (`subsidie_service::outbox::admin`);
//! * `testing` (feature `testing`, for tests only): a small SMTP sink that can be stopped
//!   and restarted, a real SMTP server (aiosmtpd) with STARTTLS, AUTH and error answers,
//!   and outbox rows written directly.
//!
//! Every message carries a stable `Message-ID` derived from its outbox row
//! (`<{id}@{domain}>`), so a resend after a crash is recognisable as the same message.

pub mod dispatch;
pub mod error;
pub mod format;
pub mod history;
pub mod templates;
// Test support stays out of release builds; other crates enable it from their
// dev-dependencies.
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod transport;

pub use dispatch::{
    dispatch_once, dispatch_once_with, drain, spawn_dispatcher, spawn_dispatcher_with_hook,
    DispatchPolicy, DispatchReport, DispatcherHandle,
};
pub use error::{NotifyError, SendError, TemplateError};
pub use templates::{pdf, render, Rendered, Templates};
pub use transport::{MailSettings, Transport};
