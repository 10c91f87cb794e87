//! Administration over HTTP: users, organisations, tokens and allocation runs listed and
//! read by an administrator only; a token revoked or expired, a user deactivated, an
//! organisation's IBAN, e-mail and contact person changed (checked, in the history,
//! announced by mail); one user per e-mail address.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use common::{allocate, at, draft_body, submitted, Cast, TestServer, User};
use diesel::prelude::*;
use serde_json::{json, Value};
use subsidie_service::Role;
use subsidie_store::rows::OutboxRow;
use subsidie_store::schema::outbox;

fn ids(list: &Value, key: &str) -> Vec<String> {
    list[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The id of the token `user` signs in with, found through the list of its tokens.
fn token_id(s: &TestServer, admin: &User, user: &User) -> String {
    let list = s
        .get(admin, &format!("/tokens?gebruikerId={}", user.id))
        .expect(200)
        .json();
    ids(&list, "tokens").pop().expect("the user has a token")
}

#[test]
fn only_an_administrator_reads_and_changes_the_administration() {
    let s = TestServer::start(at(2025, 5, 1, 9));
    let c = Cast::new(&s);
    let token = token_id(&s, &c.admin, &c.reviewer);
    let gets = [
        "/gebruikers".to_owned(),
        format!("/gebruikers/{}", c.reviewer.id),
        "/organisaties".to_owned(),
        format!("/organisaties/{}", c.org_a),
        "/tokens".to_owned(),
        format!("/tokens/{token}"),
        "/toewijzingsrondes".to_owned(),
        "/beheerhistorie".to_owned(),
    ];
    for user in [&c.applicant_a, &c.reviewer, &c.finance] {
        for path in &gets {
            s.get(user, path).problem(403);
        }
        s.post(user, &format!("/tokens/{token}/intrekkingen"), json!({}))
            .problem(403);
        s.post(
            user,
            &format!("/gebruikers/{}/deactiveringen", c.reviewer2.id),
            json!({}),
        )
        .problem(403);
        s.patch(
            user,
            &format!("/organisaties/{}", c.org_a),
            json!({"email": "x@example.org"}),
        )
        .problem(403);
    }
    for path in &gets {
        s.get(&c.admin, path).expect(200);
    }
    // Nothing changed by the refused requests.
    s.get(&c.reviewer, "/aanvragen").expect(200);
}

#[test]
fn lists_page_through_users_organisations_and_tokens() {
    let s = TestServer::start(at(2025, 5, 1, 9));
    let c = Cast::new(&s);
    let users = s.get(&c.admin, "/gebruikers?limiet=2").expect(200).json();
    assert_eq!(users["gebruikers"].as_array().unwrap().len(), 2, "{users}");
    let next = users["volgende"].as_str().unwrap().to_owned();
    let rest = s
        .get(&c.admin, &format!("/gebruikers?na={next}&limiet=100"))
        .expect(200)
        .json();
    let mut all = ids(&users, "gebruikers");
    all.extend(ids(&rest, "gebruikers"));
    assert_eq!(all.len(), 6, "{rest}");
    assert!(rest["volgende"].is_null());
    let reviewers = s
        .get(&c.admin, "/gebruikers?rol=beoordelaar")
        .expect(200)
        .json();
    let mut found = ids(&reviewers, "gebruikers");
    found.sort();
    let mut expected = vec![c.reviewer.id.clone(), c.reviewer2.id.clone()];
    expected.sort();
    assert_eq!(found, expected);
    let bad = s.get(&c.admin, "/gebruikers?rol=baas").problem(400);
    assert!(bad["invalidParams"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("beoordelaar"));

    let user = s
        .get(&c.admin, &format!("/gebruikers/{}", c.finance.id))
        .expect(200)
        .json();
    assert_eq!(user["rol"], json!("financien"));
    assert_eq!(user["actief"], json!(true));
    s.get(&c.admin, "/gebruikers/bestaat-niet").problem(404);

    let orgs = s
        .get(&c.admin, "/organisaties?regioId=r02")
        .expect(200)
        .json();
    assert_eq!(ids(&orgs, "organisaties"), vec![c.org_b.clone()]);

    let tokens = s.get(&c.admin, "/tokens").expect(200).json();
    let list = tokens["tokens"].as_array().unwrap();
    assert_eq!(list.len(), 6, "{tokens}");
    for t in list {
        assert_eq!(t["status"], json!("geldig"), "{t}");
        assert!(t["verlooptOp"].is_string(), "{t}");
        assert!(
            t.get("token").is_none() && t.get("tokenHash").is_none(),
            "{t}"
        );
        let text = t.to_string();
        for u in [&c.admin, &c.finance, &c.reviewer] {
            assert!(!text.contains(&u.token), "a secret is shown: {text}");
        }
    }
}

#[test]
fn a_revoked_token_is_refused_at_once_and_the_history_says_who() {
    let s = TestServer::start(at(2025, 5, 1, 9));
    let c = Cast::new(&s);
    s.get(&c.finance, "/betaalrondes").expect(200);
    let id = token_id(&s, &c.admin, &c.finance);
    let revoked = s
        .post(&c.admin, &format!("/tokens/{id}/intrekkingen"), json!({}))
        .expect(200)
        .json();
    assert_eq!(revoked["status"], json!("ingetrokken"));
    let p = s.get(&c.finance, "/betaalrondes").problem(401);
    assert!(p["detail"].as_str().unwrap().contains("ingetrokken"), "{p}");
    let again = s
        .post(&c.admin, &format!("/tokens/{id}/intrekkingen"), json!({}))
        .problem(409);
    assert!(
        again["detail"].as_str().unwrap().contains("al ingetrokken"),
        "{again}"
    );
    s.post(&c.admin, "/tokens/bestaat-niet/intrekkingen", json!({}))
        .problem(404);

    let history = s
        .get(
            &c.admin,
            &format!("/beheerhistorie?onderwerp=token&onderwerpId={id}"),
        )
        .expect(200)
        .json();
    let rows = history["regels"].as_array().unwrap();
    let last = rows.last().unwrap();
    assert_eq!(last["handeling"], json!("ingetrokken"), "{history}");
    assert_eq!(last["door"], json!(c.admin.id));
    assert_eq!(rows[0]["handeling"], json!("uitgegeven"), "{history}");
}

#[test]
fn a_token_expires_after_its_days_with_a_dutch_401() {
    let s = TestServer::start(at(2025, 5, 1, 9));
    let c = Cast::new(&s);
    let issued = s
        .post(
            &c.admin,
            &format!("/gebruikers/{}/tokens", c.reviewer.id),
            json!({"label": "kort", "dagen": 2}),
        )
        .expect(201)
        .json();
    assert_eq!(
        issued["verlooptOp"],
        json!("2025-05-03T09:00:00Z"),
        "{issued}"
    );
    let short = User {
        token: issued["token"].as_str().unwrap().to_owned(),
        ..c.reviewer.clone()
    };
    let default = s
        .post(
            &c.admin,
            &format!("/gebruikers/{}/tokens", c.reviewer.id),
            json!({}),
        )
        .expect(201)
        .json();
    assert_eq!(
        default["verlooptOp"],
        json!("2025-07-30T09:00:00Z"),
        "90 days: {default}"
    );
    s.get(&short, "/aanvragen").expect(200);
    s.set_now(at(2025, 5, 3, 9));
    let p = s.get(&short, "/aanvragen").problem(401);
    let detail = p["detail"].as_str().unwrap();
    assert!(detail.contains("verlopen op 03-05-2025"), "{detail}");
    let listed = s
        .get(
            &c.admin,
            &format!("/tokens/{}", issued["id"].as_str().unwrap()),
        )
        .expect(200)
        .json();
    assert_eq!(listed["status"], json!("verlopen"));
    for days in [0, 3651] {
        let res = s.post(
            &c.admin,
            &format!("/gebruikers/{}/tokens", c.reviewer.id),
            json!({"dagen": days}),
        );
        res.problem(400);
        assert_eq!(res.invalid_params(), vec!["dagen"]);
    }
}

#[test]
fn a_deactivated_user_can_do_nothing_more() {
    let s = TestServer::start(at(2025, 5, 1, 9));
    let c = Cast::new(&s);
    s.get(&c.reviewer, "/aanvragen").expect(200);
    let user = s
        .post(
            &c.admin,
            &format!("/gebruikers/{}/deactiveringen", c.reviewer.id),
            json!({}),
        )
        .expect(200)
        .json();
    assert_eq!(user["actief"], json!(false));
    assert!(user["gedeactiveerdOp"].is_string());
    let p = s.get(&c.reviewer, "/aanvragen").problem(401);
    assert!(
        p["detail"].as_str().unwrap().contains("gedeactiveerd"),
        "{p}"
    );
    s.post(
        &c.admin,
        &format!("/gebruikers/{}/deactiveringen", c.reviewer.id),
        json!({}),
    )
    .problem(409);
    s.post(
        &c.admin,
        &format!("/gebruikers/{}/tokens", c.reviewer.id),
        json!({}),
    )
    .problem(409);
    let own = s
        .post(
            &c.admin,
            &format!("/gebruikers/{}/deactiveringen", c.admin.id),
            json!({}),
        )
        .problem(409);
    assert!(own["detail"].as_str().unwrap().contains("uzelf"), "{own}");
}

#[test]
fn one_user_per_email_address() {
    let s = TestServer::start(at(2025, 5, 1, 9));
    let c = Cast::new(&s);
    let body = |email: &str| json!({"naam": "B. Bakker", "email": email, "rol": "beoordelaar"});
    s.post(&c.admin, "/gebruikers", body("b.bakker@example.org"))
        .expect(201);
    let p = s
        .post(&c.admin, "/gebruikers", body("B.Bakker@Example.org"))
        .problem(409);
    let detail = p["detail"].as_str().unwrap();
    assert!(detail.contains("hoort al bij gebruiker"), "{detail}");
}

fn mails_to(s: &TestServer, recipient: &str) -> Vec<OutboxRow> {
    let mut conn = s.pool.get().unwrap();
    outbox::table
        .filter(outbox::recipient.eq(recipient))
        .filter(outbox::template.eq("organisatiegegevens_gewijzigd"))
        .select(OutboxRow::as_select())
        .load(&mut conn)
        .unwrap()
}

#[test]
fn an_organisation_changes_iban_email_and_contact_with_history_and_mail() {
    let s = TestServer::start(at(2025, 5, 1, 9));
    let c = Cast::new(&s);
    let path = format!("/organisaties/{}", c.org_a);
    let bad = s.patch(
        &c.admin,
        &path,
        json!({"iban": "NL00ABNA0417164300", "email": "geen-adres"}),
    );
    bad.problem(400);
    let mut names = bad.invalid_params();
    names.sort();
    assert_eq!(names, vec!["email", "iban"]);
    s.patch(&c.admin, &path, json!({})).problem(400);

    let org = s
        .patch(
            &c.admin,
            &path,
            json!({"iban": "nl44 rabo 0123 4567 89", "email": "financien@r01.example.org", "contactpersoon": "A. de Vries"}),
        )
        .expect(200)
        .json();
    assert_eq!(org["iban"], json!("NL44RABO0123456789"));
    assert_eq!(org["email"], json!("financien@r01.example.org"));
    assert_eq!(org["contactpersoon"], json!("A. de Vries"));
    assert_eq!(s.get(&c.admin, &path).expect(200).json(), org);

    // Announced at the new and at the old address.
    for to in ["financien@r01.example.org", "info@r01.example.org"] {
        let mails = mails_to(&s, to);
        assert_eq!(mails.len(), 1, "{to}");
        let payload: Value = serde_json::from_str(&mails[0].payload).unwrap();
        assert_eq!(
            payload["wijzigingen"].as_array().unwrap().len(),
            3,
            "{payload}"
        );
        let rendered = subsidie_notify::templates::render(&mails[0].template, &payload).unwrap();
        assert!(rendered.text.contains("A. de Vries"), "{}", rendered.text);
    }
    // Changing nothing writes nothing.
    s.patch(&c.admin, &path, json!({"contactpersoon": "A. de Vries"}))
        .expect(200);
    assert_eq!(mails_to(&s, "financien@r01.example.org").len(), 1);

    let history = s
        .get(
            &c.admin,
            &format!(
                "/beheerhistorie?onderwerp=organisatie&onderwerpId={}",
                c.org_a
            ),
        )
        .expect(200)
        .json();
    let rows = history["regels"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "registered, then changed once: {history}");
    assert_eq!(rows[1]["handeling"], json!("gewijzigd"));
    assert_eq!(rows[1]["door"], json!(c.admin.id));
    let detail = rows[1]["toelichting"].as_str().unwrap();
    assert!(
        detail.contains("IBAN") && detail.contains("contactpersoon"),
        "{detail}"
    );
    s.patch(
        &c.admin,
        "/organisaties/bestaat-niet",
        json!({"email": "a@b.nl"}),
    )
    .problem(404);
}

#[test]
fn allocation_runs_are_listed() {
    let s = TestServer::start(at(2025, 5, 1, 9));
    let c = Cast::new(&s);
    submitted(
        &s,
        &c.applicant_a,
        draft_body("uitvoering", "500000.00", None),
    );
    let run = allocate(&s, &c.admin, "uitvoering");
    let list = s.get(&c.admin, "/toewijzingsrondes").expect(200).json();
    assert_eq!(
        ids(&list, "toewijzingsrondes"),
        vec![run["id"].as_str().unwrap().to_owned()]
    );
    assert_eq!(
        list["toewijzingsrondes"][0]["uitgevoerdDoor"],
        json!(c.admin.id)
    );
    let none = s
        .get(&c.admin, "/toewijzingsrondes?instrumentId=voorbereiding")
        .expect(200)
        .json();
    assert!(none["toewijzingsrondes"].as_array().unwrap().is_empty());
    let _ = Role::Admin;
}
