//! The people of the demo: an organisation with an applicant per region, three
//! reviewers (one with a conflict of interest) and a finance officer.

use std::collections::HashSet;

use chrono::{DateTime, TimeDelta, Utc};
use subsidie_service::registry::{self, NewOrganisation};
use subsidie_service::{queries, Actor, Pool, Role, ServiceError};
use subsidie_store::rows::RegionRow;

use crate::fault::internal;

/// The e-mail domain of every organisation and user the demo creates (RFC 2606: never
/// delivered anywhere).
pub const DEMO_DOMAIN: &str = "demo.example";

/// A valid Dutch IBAN with the fictitious bank code `DEMO` and account number `account`.
pub fn demo_iban(account: u64) -> String {
    let bban = format!("DEMO{:010}", account % 10_000_000_000);
    // ISO 13616: BBAN + "NL00", letters as 10..35, check digits = 98 - (number mod 97).
    let mut remainder: u64 = 0;
    for c in bban.chars().chain("NL00".chars()) {
        let value = c.to_digit(36).map(u64::from).unwrap_or(0);
        remainder = if value >= 10 {
            (remainder * 100 + value) % 97
        } else {
            (remainder * 10 + value) % 97
        };
    }
    format!("NL{:02}{bban}", 98 - remainder)
}

pub(crate) struct Reviewer {
    actor: Actor,
    conflicts: HashSet<String>,
}

pub(crate) struct Cast {
    pub(crate) regions: Vec<RegionRow>,
    pub(crate) applicants: Vec<Actor>,
    reviewers: Vec<Reviewer>,
    pub(crate) finance: Actor,
}

impl Cast {
    /// The regions only, to work out the plans before anyone is registered.
    pub(crate) fn planning(regions: Vec<RegionRow>) -> Cast {
        Cast {
            regions,
            applicants: Vec::new(),
            reviewers: Vec::new(),
            finance: Actor::system(),
        }
    }

    /// A reviewer for the `k`-th decision on an application of `region`, and a different
    /// one to confirm it (four eyes); neither declared a conflict for the region.
    pub(crate) fn reviewers_for(
        &self,
        region: &str,
        k: usize,
    ) -> Result<(&Actor, &Actor), ServiceError> {
        let eligible: Vec<&Actor> = self
            .reviewers
            .iter()
            .filter(|r| !r.conflicts.contains(region))
            .map(|r| &r.actor)
            .collect();
        if eligible.len() < 2 {
            return Err(internal("te weinig beoordelaars zonder belangenconflict"));
        }
        Ok((
            eligible[k % eligible.len()],
            eligible[(k + 1) % eligible.len()],
        ))
    }
}

pub(crate) fn register_cast(pool: &Pool, now: DateTime<Utc>) -> Result<Cast, ServiceError> {
    let admin = Actor::system();
    let regions = queries::regions(pool)?;
    let mut applicants = Vec::with_capacity(regions.len());
    for (i, region) in regions.iter().enumerate() {
        let at = now + TimeDelta::minutes(i as i64);
        let org = registry::register_organisation(
            pool,
            &admin,
            &NewOrganisation {
                name: format!("RESV {}", region.name),
                region_id: region.id.clone(),
                iban: demo_iban(4_100_000_000 + 7_919 * i as u64),
                email: format!("secretariaat@resv-{}.{DEMO_DOMAIN}", region.id),
            },
            at,
        )?;
        let user = registry::create_user(
            pool,
            &admin,
            &format!("Coördinator RESV {}", region.name),
            &format!("coordinator@resv-{}.{DEMO_DOMAIN}", region.id),
            Role::Applicant,
            Some(&org.id),
            at,
        )?;
        applicants.push(Actor::user(user.id, Role::Applicant, Some(org.id)));
    }
    let mut reviewers = Vec::new();
    for (name, mail) in [
        ("Anouk de Vries", "a.devries"),
        ("Bram Jansen", "b.jansen"),
        ("Carla Bakker", "c.bakker"),
    ] {
        let user = registry::create_user(
            pool,
            &admin,
            name,
            &format!("{mail}@zonmw.{DEMO_DOMAIN}"),
            Role::Reviewer,
            None,
            now,
        )?;
        reviewers.push(Reviewer {
            actor: Actor::user(user.id, Role::Reviewer, None),
            conflicts: HashSet::new(),
        });
    }
    // The third reviewer worked for the first region until recently.
    if let (Some(region), Some(reviewer)) = (regions.first(), reviewers.last_mut()) {
        let user_id = reviewer.actor.user_id.clone().unwrap_or_default();
        registry::declare_conflict(pool, &admin, &user_id, &region.id, now)?;
        reviewer.conflicts.insert(region.id.clone());
    }
    let finance = registry::create_user(
        pool,
        &admin,
        "Fatima El Amrani",
        &format!("f.elamrani@zonmw.{DEMO_DOMAIN}"),
        Role::Finance,
        None,
        now,
    )?;
    Ok(Cast {
        regions,
        applicants,
        reviewers,
        finance: Actor::user(finance.id, Role::Finance, None),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_ibans_are_valid() {
        for account in [0, 1, 4_100_000_000, 9_999_999_999, 4_100_418_507] {
            let iban = demo_iban(account);
            assert!(
                subsidie_domain::iban::Iban::parse(&iban).is_ok(),
                "{iban} is geen geldig IBAN"
            );
        }
    }
}
