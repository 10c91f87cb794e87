//! Consortia (issue 18 item 2), on the backend `SUBSIDIE_TEST_BACKEND` selects: an
//! `uitvoering` application names its partners while a draft; submission is refused
//! until it names at least one GP organisation, two district-nursing organisations and
//! a health insurer, and the refusal says per kind what is missing; the partners are
//! fixed at submission; only the applicant names them, and whoever may see the
//! application reads them.
#![allow(clippy::unwrap_used)]

mod finance_support;

use finance_support::*;
use subsidie_domain::consortium::Partner;
use subsidie_service::application::{self as applications, Action, NewApplication};
use subsidie_service::{consortium, ServiceError};

fn partner(kind: &str, n: u32) -> Partner {
    Partner {
        organisation: format!("Organisatie {kind} {n}"),
        kind: kind.into(),
        role: "partner".into(),
        contact_name: format!("Contact {n}"),
        contact_email: format!("{kind}-{n}@partner.example.nl"),
    }
}

fn refused_fields(result: Result<impl std::fmt::Debug, ServiceError>) -> Vec<(String, String)> {
    match result {
        Err(ServiceError::Validation(errors)) => {
            errors.into_iter().map(|e| (e.field, e.message)).collect()
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn submission_names_exactly_the_partners_that_are_missing() {
    let w = world();
    let (applicant, _) = w.applicant("Stichting Samen");
    let t = at(2025, 3, 3, 8, 0);
    let draft = applications::create_draft(
        &w.pool,
        &applicant,
        &NewApplication {
            instrument_id: "uitvoering".into(),
            discipline_id: None,
            title: "Samenwerkingsverband Rivierenland".into(),
            description: "Uitvoering van het regioplan".into(),
            requested: eur("1000000.00"),
        },
        t,
    )
    .unwrap();
    attach_required(&w.pool, &applicant, &draft.id, t);
    // The helper named the required partners; start from none.
    consortium::set_partners(&w.pool, &applicant, &draft.id, &[], t).unwrap();
    let submit =
        |t| applications::execute(&w.pool, &applicant, &draft.id, None, &Action::Submit, t);

    let fields = refused_fields(submit(at(2025, 3, 3, 8, 30)));
    let messages: Vec<&str> = fields
        .iter()
        .filter(|(f, _)| f == "partners")
        .map(|(_, m)| m.as_str())
        .collect();
    assert_eq!(messages.len(), 3, "{fields:?}");
    assert!(messages[0].starts_with(
        "Er ontbreekt nog 1 partner van soort huisartsenorganisatie; nodig: ten minste 1"
    ));
    assert!(messages[1]
        .starts_with("Er ontbreken nog 2 partners van soort wijkverpleging; nodig: ten minste 2"));
    assert!(messages[2]
        .starts_with("Er ontbreekt nog 1 partner van soort zorgverzekeraar; nodig: ten minste 1"));

    // A bad partner is refused by its field, and nothing is stored.
    let mut bad = partner("wijkverpleging", 1);
    bad.contact_email = "geen-adres".into();
    let fields = refused_fields(consortium::set_partners(
        &w.pool,
        &applicant,
        &draft.id,
        &[partner("huisartsenorganisatie", 1), bad],
        t,
    ));
    assert_eq!(fields[0].0, "partners[1].contactEmail", "{fields:?}");
    assert!(consortium::partners(&w.pool, &applicant, &draft.id)
        .unwrap()
        .0
        .is_empty());

    // One district-nursing organisation short, and a partner of another kind counts for
    // nothing.
    let some = [
        partner("huisartsenorganisatie", 1),
        partner("wijkverpleging", 1),
        partner("gemeente", 1),
        partner("zorgverzekeraar", 1),
    ];
    consortium::set_partners(&w.pool, &applicant, &draft.id, &some, t).unwrap();
    let fields = refused_fields(submit(at(2025, 3, 3, 8, 40)));
    assert_eq!(fields.len(), 1, "{fields:?}");
    assert!(fields[0]
        .1
        .starts_with("Er ontbreekt nog 1 partner van soort wijkverpleging; nodig: ten minste 2"));

    // Only the applicant names partners; a reviewer reads them.
    assert!(matches!(
        consortium::set_partners(&w.pool, &w.reviewer, &draft.id, &some, t),
        Err(ServiceError::Forbidden(_))
    ));

    let mut all = some.to_vec();
    all.push(partner("wijkverpleging", 2));
    consortium::set_partners(&w.pool, &applicant, &draft.id, &all, t).unwrap();
    let out = submit(at(2025, 3, 3, 8, 50)).unwrap();
    assert_eq!(out.application().unwrap().state, "ingediend");
    let (stored, rules) = consortium::partners(&w.pool, &w.reviewer, &draft.id).unwrap();
    assert_eq!(stored.len(), 5);
    assert_eq!(stored[4].kind, "wijkverpleging");
    assert_eq!(rules.len(), 3);
    assert_eq!(
        (rules[1].kind.as_str(), rules[1].at_least),
        ("wijkverpleging", 2)
    );

    // Submitted, the consortium is fixed.
    assert!(matches!(
        consortium::set_partners(&w.pool, &applicant, &draft.id, &some, at(2025, 3, 4, 9, 0)),
        Err(ServiceError::Conflict(_))
    ));
}
