//! Errors of the notification crate.

use subsidie_store::StoreError;

/// A template could not produce a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// No template has this name.
    #[error("onbekend e-mailsjabloon '{0}'")]
    Unknown(String),
    /// The payload is not what the template needs (not a JSON object, a malformed
    /// amount or date).
    #[error("de gegevens voor sjabloon '{template}' kloppen niet: {reason}")]
    Payload {
        /// The template.
        template: String,
        /// What was wrong.
        reason: String,
    },
    /// The template engine failed (a missing value, a syntax error).
    #[error("sjabloon '{template}' kon niet worden opgemaakt: {reason}")]
    Render {
        /// The template.
        template: String,
        /// The engine's explanation.
        reason: String,
    },
    /// The message's PDF letter could not be made (no frame, a block the layout refuses).
    #[error("de PDF-brief van sjabloon '{template}' kon niet worden gemaakt: {reason}")]
    Pdf {
        /// The template.
        template: String,
        /// What was wrong.
        reason: String,
    },
}

/// Sending one message failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// The message can never be sent as it is (no valid recipient, a template that does
    /// not render): retrying will not help, so the row is marked failed at once.
    #[error("{0}")]
    Permanent(String),
    /// The transport failed (SMTP down, refused, timed out; the folder not writable):
    /// the row is retried after a back-off.
    #[error("{0}")]
    Transient(String),
}

impl SendError {
    /// True when retrying cannot help.
    pub fn is_permanent(&self) -> bool {
        matches!(self, SendError::Permanent(_))
    }
}

impl From<TemplateError> for SendError {
    fn from(err: TemplateError) -> Self {
        SendError::Permanent(err.to_string())
    }
}

/// What can go wrong configuring or running the dispatcher.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    /// The database.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A template.
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// `SMTP_URL`, `MAIL_FROM`, `MAIL_DIR` or a related setting is unusable.
    #[error("ongeldige e-mailinstelling: {0}")]
    Config(String),
}

impl From<diesel::result::Error> for NotifyError {
    fn from(err: diesel::result::Error) -> Self {
        NotifyError::Store(err.into())
    }
}

impl From<diesel::r2d2::PoolError> for NotifyError {
    fn from(err: diesel::r2d2::PoolError) -> Self {
        NotifyError::Store(err.into())
    }
}

impl NotifyError {
    /// True when retrying the whole operation may succeed (the database was busy).
    pub fn is_retryable(&self) -> bool {
        matches!(self, NotifyError::Store(e) if e.is_retryable())
    }
}
