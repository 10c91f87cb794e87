//! The consortium over HTTP: `GET`/`PUT /aanvragen/{id}/partners`, the refusal of a
//! submission that lacks partners with what is missing, and bad partners named by field.
#![allow(clippy::unwrap_used)]

mod common;

use common::{at, draft_body, Cast, TestServer};
use serde_json::json;

#[test]
fn partners_are_given_on_the_draft_and_checked_at_submission() {
    let s = TestServer::start(at(2025, 3, 3, 9));
    let c = Cast::new(&s);
    let res = s.post(
        &c.applicant_a,
        "/aanvragen",
        draft_body("uitvoering", "1000000.00", None),
    );
    res.expect(201);
    let id = res.json()["id"].as_str().unwrap().to_owned();
    let path = format!("/aanvragen/{id}/partners");
    let empty = s.get(&c.applicant_a, &path);
    empty.expect(200);
    let empty = empty.json();
    assert_eq!(empty["partners"], json!([]));
    assert_eq!(empty["vereisteSoorten"][1]["soort"], "wijkverpleging");
    assert_eq!(empty["vereisteSoorten"][1]["tenMinste"], 2);
    assert_eq!(empty["vereisteSoorten"][1]["aanwezig"], 0);

    // A bad partner: 400, by field.
    let bad = s
        .put(
            &c.applicant_a,
            &path,
            json!({"partners": [{"organisatie": "", "soort": "wijkverpleging", "rol": "partner",
                "contactpersoon": "A", "contactEmail": "a@b.nl"}]}),
        )
        .problem(400);
    assert!(bad.to_string().contains("partners[0].organisatie"), "{bad}");
    // Only one district-nursing organisation: the submission says what is missing.
    let partner = |soort: &str, n: u32| {
        json!({"organisatie": format!("{soort} {n}"), "soort": soort, "rol": "partner",
            "contactpersoon": "C. Jansen", "contactEmail": format!("{soort}{n}@partner.example.nl")})
    };
    let given = s.put(
        &c.applicant_a,
        &path,
        json!({"partners": [partner("huisartsenorganisatie", 1), partner("wijkverpleging", 1),
            partner("zorgverzekeraar", 1)]}),
    );
    given.expect(200);
    assert_eq!(given.json()["vereisteSoorten"][1]["aanwezig"], 1);
    common::attach_required(&s, &c.applicant_a, &id);
    let refused = s
        .post(
            &c.applicant_a,
            &format!("/aanvragen/{id}/indieningen"),
            json!({}),
        )
        .problem(400);
    assert!(
        refused
            .to_string()
            .contains("Er ontbreekt nog 1 partner van soort wijkverpleging; nodig: ten minste 2"),
        "{refused}"
    );
    // Complete: submitted; then fixed.
    s.put(
        &c.applicant_a,
        &path,
        json!({"partners": [partner("huisartsenorganisatie", 1), partner("wijkverpleging", 1),
            partner("wijkverpleging", 2), partner("zorgverzekeraar", 1)]}),
    )
    .expect(200);
    s.post(
        &c.applicant_a,
        &format!("/aanvragen/{id}/indieningen"),
        json!({}),
    )
    .expect(200);
    s.put(&c.applicant_a, &path, json!({"partners": []}))
        .problem(409);
    // A reviewer reads them, and may not change them.
    let seen = s.get(&c.reviewer, &path);
    seen.expect(200);
    assert_eq!(seen.json()["partners"].as_array().unwrap().len(), 4);
    s.put(&c.reviewer, &path, json!({"partners": []}))
        .problem(403);
}
