//! The portal over plain HTTP, no browser needed: sign-in links are single-use and expire,
//! requests are limited per address, sessions end on sign-out and when idle, forms
//! without the CSRF token are refused, the page never tells whether an address is known,
//! and the API beside the portal still answers problems under `/api/v1`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use chrono::Duration;
use common::{at, TestServer};
use subsidie_httpclient::{request, Response};
use subsidie_service::Role;

fn get(server: &TestServer, path: &str, cookie: &str) -> Response {
    request(server.addr, "GET", path, &[("Cookie", cookie)], None).unwrap()
}

fn post(server: &TestServer, path: &str, cookie: &str, body: &str) -> Response {
    request(
        server.addr,
        "POST",
        path,
        &[
            ("Cookie", cookie),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        Some(body.as_bytes()),
    )
    .unwrap()
}

/// The value of cookie `name` set by `res`.
fn set_cookie(res: &Response, name: &str) -> Option<String> {
    res.headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
        .find_map(|(_, v)| {
            v.strip_prefix(&format!("{name}="))
                .map(|rest| rest.split(';').next().unwrap_or("").to_owned())
        })
}

/// An anonymous visitor's CSRF cookie, as the sign-in page hands it out.
fn anonymous(server: &TestServer) -> String {
    let page = get(server, "/aanmelden", "");
    assert_eq!(page.status, 200);
    set_cookie(&page, "portaal_csrf").expect("csrf cookie")
}

fn ask_link(server: &TestServer, csrf: &str, email: &str) -> Response {
    post(
        server,
        "/aanmelden/link",
        &format!("portaal_csrf={csrf}"),
        &format!("csrf={csrf}&e-mailadres={}", email.replace('@', "%40")),
    )
}

fn token_of(link: &str) -> String {
    link.split("token=").nth(1).unwrap().to_owned()
}

fn redeem(server: &TestServer, csrf: &str, token: &str) -> Response {
    post(
        server,
        "/aanmelden/link/gebruiken",
        &format!("portaal_csrf={csrf}"),
        &format!("csrf={csrf}&token={token}"),
    )
}

fn applicant(server: &TestServer) -> &'static str {
    let email = "info@r05.example.org";
    let org = server.organisation("r05", email);
    server.user("Anna de Vries", email, Role::Applicant, Some(&org));
    email
}

#[test]
fn a_link_signs_in_once_and_the_session_ends_on_sign_out() {
    let server = TestServer::start(at(2025, 3, 3, 9));
    let email = applicant(&server);
    let csrf = anonymous(&server);
    let asked = ask_link(&server, &csrf, email);
    assert_eq!(asked.status, 200, "{}", asked.text());
    let link = server.signin_link(email).expect("a link in the outbox");
    assert!(link.starts_with(&server.base_url()), "{link}");
    let first = redeem(&server, &csrf, &token_of(&link));
    assert_eq!(first.status, 303);
    let session = set_cookie(&first, "portaal_sessie").expect("session cookie");
    let cookie_line = first.header("set-cookie").unwrap_or_default().to_owned();
    assert!(
        first
            .headers
            .iter()
            .any(|(k, v)| k.eq_ignore_ascii_case("set-cookie")
                && v.contains("HttpOnly")
                && v.contains("SameSite=Lax")),
        "{cookie_line}"
    );

    let again = redeem(&server, &csrf, &token_of(&link));
    assert_eq!(again.status, 409, "a link works once");
    assert!(
        again.text().contains("al gebruikt of verlopen"),
        "{}",
        again.text()
    );

    let home = get(&server, "/aanvragen", &format!("portaal_sessie={session}"));
    assert_eq!(home.status, 200);
    assert!(home.text().contains("Mijn aanvragen"));
    let page = home.text();
    let csrf_session = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();

    let forged = post(
        &server,
        "/afmelden",
        &format!("portaal_sessie={session}"),
        "csrf=nep",
    );
    assert_eq!(
        forged.status, 403,
        "a form without the session's token is refused"
    );
    let out = post(
        &server,
        "/afmelden",
        &format!("portaal_sessie={session}"),
        &format!("csrf={csrf_session}"),
    );
    assert_eq!(out.status, 303);
    let after = get(&server, "/aanvragen", &format!("portaal_sessie={session}"));
    assert_eq!(after.status, 303, "signed out");
}

#[test]
fn links_expire_sessions_idle_out_and_requests_are_limited() {
    let server = TestServer::start(at(2025, 3, 3, 9));
    let email = applicant(&server);
    let csrf = anonymous(&server);
    assert_eq!(ask_link(&server, &csrf, email).status, 200);
    let link = server.signin_link(email).unwrap();
    server.set_now(at(2025, 3, 3, 9) + Duration::minutes(16));
    assert_eq!(
        redeem(&server, &csrf, &token_of(&link)).status,
        409,
        "expired after 15 minutes"
    );

    // The same answer for an unknown address, and the limit counts it all the same.
    let unknown = ask_link(&server, &csrf, "niemand@example.org");
    assert_eq!(unknown.status, 200);
    assert!(unknown
        .text()
        .contains("Als niemand@example.org bij het subsidieportaal bekend is"));
    assert_eq!(ask_link(&server, &csrf, "niemand@example.org").status, 200);
    assert_eq!(ask_link(&server, &csrf, "niemand@example.org").status, 200);
    let limited = ask_link(&server, &csrf, "niemand@example.org");
    assert_eq!(limited.status, 429, "{}", limited.text());
    assert!(limited.text().contains("wacht een minuut"));

    assert_eq!(ask_link(&server, &csrf, email).status, 200);
    let fresh = server.signin_link(email).unwrap();
    let session = set_cookie(&redeem(&server, &csrf, &token_of(&fresh)), "portaal_sessie").unwrap();
    let cookie = format!("portaal_sessie={session}");
    server.set_now(at(2025, 3, 3, 9) + Duration::hours(7));
    assert_eq!(
        get(&server, "/aanvragen", &cookie).status,
        200,
        "used within 8 hours"
    );
    server.set_now(at(2025, 3, 3, 9) + Duration::hours(15) + Duration::minutes(1));
    assert_eq!(
        get(&server, "/aanvragen", &cookie).status,
        303,
        "idle for more than 8 hours"
    );
}

#[test]
fn the_api_beside_the_portal_still_answers_problems() {
    let server = TestServer::start(at(2025, 3, 3, 9));
    let api = get(&server, "/api/v1/bestaat-niet", "");
    assert_eq!(api.status, 404);
    assert!(api
        .header("content-type")
        .unwrap_or_default()
        .starts_with("application/problem+json"));
    let page = get(&server, "/bestaat-niet", "");
    assert_eq!(page.status, 404);
    assert!(page
        .header("content-type")
        .unwrap_or_default()
        .starts_with("text/html"));
    assert!(page.text().contains("<html lang=\"nl\""));
    let css = get(&server, "/assets/x/portaal.css", "");
    assert_eq!(css.status, 200);
    assert!(css
        .header("cache-control")
        .unwrap_or_default()
        .contains("max-age"));
}

#[test]
fn the_sign_in_mail_renders() {
    let payload = serde_json::json!({
        "naam": "Anna de Vries",
        "link": "http://127.0.0.1:8080/aanmelden/link?token=abc",
        "geldig_tot": "2025-03-03T09:15:00+00:00",
    });
    let mail =
        subsidie_notify::render(subsidie_service::portal::signin::LINK_TEMPLATE, &payload).unwrap();
    assert!(mail
        .text
        .contains("http://127.0.0.1:8080/aanmelden/link?token=abc"));
    assert!(
        mail.text.contains("3 maart 2025 om 10:15 uur"),
        "{}",
        mail.text
    );
}
