//! The set-up that the opening-rush benchmark and the CLI's fault tests share (both
//! include this file with `#[path]`): the shipped programme with one extra instrument
//! that a live server on the system clock accepts submissions for, and the people of a
//! run against the seeded database.

use chrono::Utc;
use subsidie_service::registry::{self, NewOrganisation};
use subsidie_service::{Actor, Role};
use subsidie_store::Pool;

const FIXTURE: &str = include_str!("../fixtures/versterking-eerstelijnszorg.toml");

/// The shipped programme with a longer term (to 2031) and one extra instrument `code`:
/// open from 2026 to 2030, order of receipt, no uniqueness, the fixed `amount` and
/// `ceiling` (amount texts such as "1000.00").
pub fn programme_with(code: &str, name: &str, ceiling: &str, amount: &str) -> String {
    let block = format!(
        r#"
[[programma.instrumenten]]
code = "{code}"
naam = "{name}"
soort = "uitvoering"
plafond = "{ceiling}"
bedrag = {{ vast = "{amount}" }}
openstelling = {{ van = 2026-01-01, tot_en_met = 2030-12-31 }}
verdeling = "volgorde-van-binnenkomst"
voorschot_percentage = 80
beslistermijn_weken = 13
aanvultermijn_dagen = 14
uniek = "geen"
verantwoording_uiterlijk = 2031-06-30

"#
    );
    let text = FIXTURE.replace(
        "looptijd = { van = 2023-09-01, tot_en_met = 2026-12-31 }",
        "looptijd = { van = 2023-09-01, tot_en_met = 2031-12-31 }",
    );
    let at = text.find("\n[[regios]]").expect("[[regios]] in de fixture");
    format!("{}{block}{}", &text[..at], &text[at..])
}

/// The API tokens of the people.
pub struct People {
    /// One per applicant organisation, in the order they were created.
    pub applicants: Vec<String>,
    /// The administrator's.
    pub admin: String,
    /// The finance user's.
    pub finance: String,
}

/// Creates `applicants` organisations with one applicant each, an administrator and a
/// finance user. `label` says what they are for in names, e-mail addresses and token
/// names ("bench-3@example.org").
pub fn create(pool: &Pool, applicants: usize, label: &str) -> People {
    let now = Utc::now();
    let system = Actor::system();
    let token_for = |role: Role, org: Option<&str>, n: usize| {
        let user = registry::create_user(
            pool,
            &system,
            &format!("{label} {role} {n}"),
            &format!("{label}-{n}@example.org"),
            role,
            org,
            now,
        )
        .unwrap();
        registry::create_token(pool, &system, &user.id, label, now).unwrap()
    };
    let mut tokens = Vec::new();
    for n in 0..applicants {
        let org = registry::register_organisation(
            pool,
            &system,
            &NewOrganisation {
                name: format!("{label}-organisatie {n}"),
                region_id: format!("r{:02}", n % 54 + 1),
                iban: "NL91ABNA0417164300".to_owned(),
                email: format!("{label}-{n}@example.org"),
            },
            now,
        )
        .unwrap();
        tokens.push(token_for(Role::Applicant, Some(&org.id), n));
    }
    People {
        applicants: tokens,
        admin: token_for(Role::Admin, None, applicants),
        finance: token_for(Role::Finance, None, applicants + 1),
    }
}
