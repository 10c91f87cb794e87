//! The e-mail outbox over HTTP (`/berichten`): an administrator sees a failed message
//! with its last error and puts it back in the queue; unknown messages are 404, messages
//! that are not failed 409, and other roles 403.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use common::{at, dispatch, failed_message, Cast, Response, TestServer, User};
use diesel::prelude::*;
use serde_json::{json, Value};
use subsidie_store::schema::outbox;

/// The message with `id` in a list of messages.
fn message<'a>(list: &'a Value, id: &str) -> Option<&'a Value> {
    list["berichten"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == json!(id))
}

/// An administrator's (or someone else's) request to put a message back in the queue.
fn resend(s: &TestServer, user: &User, id: &str) -> Response {
    s.post(user, &format!("/berichten/{id}/herverzendingen"), json!({}))
}

#[test]
fn an_admin_sees_a_failed_message_with_its_last_error_and_puts_it_back() {
    let s = TestServer::start(at(2025, 5, 1, 9));
    let c = Cast::new(&s);
    let id = failed_message(&s);

    let overview = s.get(&c.admin, "/berichten").expect(200).json();
    assert_eq!(overview["aantallen"]["mislukt"], json!(1), "{overview}");
    let failed = message(&overview, &id).expect("the failed message is listed");
    assert_eq!(failed["status"], json!("mislukt"));
    assert_eq!(failed["sjabloon"], json!("bestaat_niet"));
    assert_eq!(failed["ontvanger"], json!("info@r01.example.org"));
    assert!(failed["pogingen"].as_i64().unwrap() >= 1, "{failed}");
    let error = failed["laatsteFout"].as_str().unwrap();
    assert!(error.contains("bestaat_niet"), "{error}");
    assert!(failed["misluktOp"].is_string(), "{failed}");
    assert!(failed["verzondenOp"].is_null(), "{failed}");
    // The same with the filter spelled out.
    let explicit = s
        .get(&c.admin, "/berichten?status=mislukt")
        .expect(200)
        .json();
    assert!(message(&explicit, &id).is_some());

    // Back in the queue: due at once, attempts counted afresh, the last error kept.
    let res = resend(&s, &c.admin, &id);
    let retried = res.expect(200).json();
    assert_eq!(retried["id"], json!(id));
    assert_eq!(retried["status"], json!("wachtend"));
    assert_eq!(retried["pogingen"], json!(0));
    assert!(retried["misluktOp"].is_null(), "{retried}");
    assert_eq!(retried["laatsteFout"], json!(error));

    let overview = s.get(&c.admin, "/berichten").expect(200).json();
    assert_eq!(overview["aantallen"]["mislukt"], json!(0), "{overview}");
    assert!(message(&overview, &id).is_none());
    let waiting = s
        .get(&c.admin, "/berichten?status=wachtend")
        .expect(200)
        .json();
    assert_eq!(
        message(&waiting, &id).map(|m| m["status"].clone()),
        Some(json!("wachtend")),
        "{waiting}"
    );

    // Not failed (any more): 409, and nothing changes.
    let p = resend(&s, &c.admin, &id).problem(409);
    assert!(p["detail"].as_str().unwrap().contains("wachtrij"), "{p}");

    // The dispatcher picks it up again; the template still does not exist.
    dispatch(&s);
    let overview = s.get(&c.admin, "/berichten").expect(200).json();
    assert_eq!(
        message(&overview, &id).map(|m| m["status"].clone()),
        Some(json!("mislukt")),
        "{overview}"
    );
}

#[test]
fn a_sent_or_unknown_message_cannot_be_put_back() {
    let s = TestServer::start(at(2025, 5, 1, 9));
    let c = Cast::new(&s);
    let id = failed_message(&s);
    // As if it had gone out after all (a later attempt by another dispatcher).
    let mut conn = s.pool.get().unwrap();
    diesel::update(outbox::table.find(&id))
        .set((
            outbox::failed_at.eq(None::<chrono::NaiveDateTime>),
            outbox::sent_at.eq(Some(at(2025, 5, 1, 10).naive_utc())),
        ))
        .execute(&mut conn)
        .unwrap();
    drop(conn);

    let p = resend(&s, &c.admin, &id).problem(409);
    assert!(p["detail"].as_str().unwrap().contains("verzonden"), "{p}");
    let overview = s.get(&c.admin, "/berichten").expect(200).json();
    assert_eq!(overview["aantallen"]["verzonden"], json!(1), "{overview}");
    assert_eq!(overview["aantallen"]["mislukt"], json!(0), "{overview}");

    let p = resend(&s, &c.admin, "bestaat-niet").problem(404);
    assert!(
        p["detail"].as_str().unwrap().contains("bestaat-niet"),
        "{p}"
    );
}

#[test]
fn only_an_admin_sees_or_touches_the_outbox() {
    let s = TestServer::start(at(2025, 5, 1, 9));
    let c = Cast::new(&s);
    let id = failed_message(&s);
    for user in [&c.applicant_a, &c.reviewer, &c.finance] {
        s.get(user, "/berichten").problem(403);
        resend(&s, user, &id).problem(403);
        // Whether a message exists does not leak either.
        resend(&s, user, "bestaat-niet").problem(403);
    }
    // Still failed.
    let overview = s.get(&c.admin, "/berichten").expect(200).json();
    assert_eq!(
        message(&overview, &id).map(|m| m["status"].clone()),
        Some(json!("mislukt"))
    );
}

#[test]
fn the_status_filter_is_checked() {
    let s = TestServer::start(at(2025, 5, 1, 9));
    let c = Cast::new(&s);
    for query in ["status=verzonden", "status=kapot", "soort=mislukt"] {
        let res = s.get(&c.admin, &format!("/berichten?{query}"));
        res.problem(400);
        assert!(!res.invalid_params().is_empty(), "{query}: {}", res.text());
    }
    let res = s.get(&c.admin, "/berichten?status=kapot");
    assert_eq!(res.invalid_params(), vec!["status"]);
    s.get(&c.admin, "/berichten?status=opnieuw_te_proberen")
        .expect(200);
}
