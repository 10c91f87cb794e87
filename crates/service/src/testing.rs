//! Support for the tests of this crate and of the crates above it (enabled by their
//! `[dev-dependencies]` with the `testing` feature); release builds never compile it.

use chrono::{DateTime, Utc};
use subsidie_domain::documents::samples;
use subsidie_store::documents::DatabaseChunks;
use subsidie_store::Pool;

use crate::actor::Actor;
use crate::documents::{self, DocumentLimits, Upload};
use crate::error::ServiceError;

/// Uploads, through the use case, a small PDF for every document the application's
/// instrument requires and it does not have yet, so that it can be submitted (the
/// fixture's `uitvoering` asks a project plan and a budget).
pub fn attach_required(
    pool: &Pool,
    actor: &Actor,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let present = documents::list(pool, actor, id)?;
    for required in documents::required(pool, actor, id)? {
        if present.iter().any(|d| d.kind == required.kind) {
            continue;
        }
        documents::upload(
            pool,
            &DatabaseChunks,
            actor,
            id,
            Upload {
                kind: required.kind.clone(),
                file_name: format!("{}.pdf", required.kind),
                content: &mut std::io::Cursor::new(samples::pdf(&required.name)),
            },
            &DocumentLimits::default(),
            now,
        )?;
    }
    attach_partners(pool, actor, id, now)
}

/// Names, through the use case, the partners the application's instrument requires
/// (the fixture's `uitvoering`: a GP organisation, two district-nursing organisations
/// and a health insurer), when it names none yet.
pub fn attach_partners(
    pool: &Pool,
    actor: &Actor,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let (present, rules) = crate::consortium::partners(pool, actor, id)?;
    if !present.is_empty() || rules.is_empty() {
        return Ok(());
    }
    let list = required_partners(&rules);
    crate::consortium::set_partners(pool, actor, id, &list, now)?;
    Ok(())
}

/// As many partners of each kind as `rules` ask, with made-up names and addresses.
pub fn required_partners(
    rules: &[subsidie_store::rows::PartnerRuleRow],
) -> Vec<subsidie_domain::consortium::Partner> {
    let mut list = Vec::new();
    for rule in rules {
        for n in 1..=rule.at_least.max(1) {
            list.push(subsidie_domain::consortium::Partner {
                organisation: format!("{} {n}", rule.name),
                kind: rule.kind.clone(),
                role: "partner".to_owned(),
                contact_name: format!("Contactpersoon {} {n}", rule.kind),
                contact_email: format!("{}-{n}@partner.example.nl", rule.kind),
            });
        }
    }
    list
}
