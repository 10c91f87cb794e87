//! The notice of a change to an organisation's bank account, address or contact person.

use chrono::{DateTime, Utc};
use subsidie_domain::letters::{OrganisationChangeLetter, Template};
use subsidie_store::DbConnection;

use crate::convert::new_id;
use crate::error::ServiceError;
use crate::outbox::queue::{insert_all, Mail};

/// Queues `letter` to every address in `recipients` (the old and the new e-mail address
/// when that changed: a change the organisation did not ask for is then seen where it
/// still reads its mail).
pub(crate) fn queue_organisation_change(
    conn: &mut DbConnection,
    recipients: &[&str],
    letter: &OrganisationChangeLetter,
    now: DateTime<Utc>,
) -> Result<usize, ServiceError> {
    let mut mails = Vec::new();
    for recipient in recipients {
        mails.push(Mail::new(
            new_id(),
            None,
            recipient,
            Template::OrganisationChange,
            letter,
            now,
        )?);
    }
    insert_all(conn, &mails)
}
