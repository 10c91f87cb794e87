//! The portal over plain HTTP, no browser needed: sign-in links are single-use and expire,
//! requests are limited per address, sessions end on sign-out and when idle, forms
//! without the CSRF token are refused, the page never tells whether an address is known,
//! and the API beside the portal still answers problems under `/api/v1`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use chrono::Duration;
use common::http::{anonymous, get, post, set_cookie, sign_in};
use common::{at, TestServer};
use subsidie_httpclient::{request, Request, Response};
use subsidie_service::Role;

/// Posts the portal's upload form (multipart, with the CSRF token as a part).
fn upload(
    server: &TestServer,
    detail: &str,
    cookie: &str,
    csrf: &str,
    kind: &str,
    name: &str,
    content: &[u8],
) -> Response {
    let boundary = "----portaal-grens";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"soort\"\r\n\r\n{kind}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"bestand\"; filename=\"{name}\"\r\n\
         Content-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let ct = format!("multipart/form-data; boundary={boundary}");
    let headers = [("Cookie", cookie), ("Content-Type", ct.as_str())];
    let req = Request {
        method: "POST",
        path: &format!("{detail}/documenten"),
        headers: &headers,
        body: Some(&body),
    };
    request(server.addr, &req).unwrap()
}

/// Uploads the project plan and the budget that `uitvoering` asks for, through the form.
fn upload_required(server: &TestServer, detail: &str, cookie: &str, csrf: &str) {
    for kind in ["projectplan", "begroting"] {
        let pdf = subsidie_domain::documents::samples::pdf(kind);
        let res = upload(
            server,
            detail,
            cookie,
            csrf,
            kind,
            &format!("{kind}.pdf"),
            &pdf,
        );
        assert_eq!(res.status, 303, "{}", res.text());
    }
    add_partners(server, detail, cookie, csrf);
}

/// Names, through the page's form, the consortium `uitvoering` asks for: a GP
/// organisation, two district-nursing organisations, the insurer.
fn add_partners(server: &TestServer, detail: &str, cookie: &str, csrf: &str) {
    let kinds = [
        "huisartsenorganisatie",
        "wijkverpleging",
        "wijkverpleging",
        "zorgverzekeraar",
    ];
    for (i, kind) in kinds.iter().enumerate() {
        let res = post(
            server,
            &format!("{detail}/partners"),
            cookie,
            &format!(
                "csrf={csrf}&organisatie=Partner+{i}&partnersoort={kind}&rol=partner\
                 &contactpersoon=J.+Jansen&contactEmail=p{i}%40partner.example.nl"
            ),
        );
        assert_eq!(res.status, 303, "{}", res.text());
    }
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

/// Signs in by pasting a token; the session cookie and the forms' CSRF token.
fn sign_in_with_token(server: &TestServer, token: &str) -> (String, String) {
    let s = sign_in(server, token);
    (s.cookie, s.csrf)
}

#[test]
fn a_concept_is_edited_and_deleted_and_a_conflicted_reviewer_is_told_why() {
    let server = TestServer::start(at(2025, 3, 3, 9));
    let org = server.organisation("r05", "info@r05.example.org");
    let anna = server.user(
        "Anna de Vries",
        "anna@r05.example.org",
        Role::Applicant,
        Some(&org),
    );
    let (cookie, csrf) = sign_in_with_token(&server, &anna.token);

    let made = post(
        &server,
        "/aanvragen/nieuw",
        &cookie,
        &format!("csrf={csrf}&instrument=uitvoering&discipline=&titel=Eerste+titel&omschrijving=Plan&bedrag=600.000"),
    );
    assert_eq!(made.status, 303, "{}", made.text());
    let detail = made.header("location").unwrap().to_owned();
    let edited = post(
        &server,
        &format!("{detail}/wijzigen"),
        &cookie,
        &format!("csrf={csrf}&discipline=&titel=Tweede+titel&omschrijving=Plan&bedrag=700.000,00"),
    );
    assert_eq!(edited.status, 303, "{}", edited.text());
    let page = get(&server, &detail, &cookie).text();
    assert!(
        page.contains("Tweede titel") && page.contains("€ 700.000,00"),
        "{page}"
    );

    // A wrong amount keeps what was typed and shows the engine's message by the field.
    let wrong = post(
        &server,
        &format!("{detail}/wijzigen"),
        &cookie,
        &format!("csrf={csrf}&discipline=&titel=Derde+titel&omschrijving=Plan&bedrag=5"),
    );
    assert_eq!(wrong.status, 422);
    let text = wrong.text();
    assert!(text.contains("value=\"Derde titel\""), "{text}");
    assert!(text.contains("href=\"#veld-bedrag\""), "{text}");

    // A reviewer with a conflict of interest for the region sees why, not the forms.
    upload_required(&server, &detail, &cookie, &csrf);
    assert_eq!(
        post(
            &server,
            &format!("{detail}/indienen"),
            &cookie,
            &format!("csrf={csrf}")
        )
        .status,
        303
    );
    let piet = server.user("Piet", "piet@zonmw.example.nl", Role::Reviewer, None);
    subsidie_service::registry::declare_conflict(
        &server.pool,
        &subsidie_service::Actor::system(),
        &piet.id,
        "r05",
        server.clock.now(),
    )
    .unwrap();
    let (reviewer, _) = sign_in_with_token(&server, &piet.token);
    let queue = get(
        &server,
        "/werkvoorraad?status=ingediend&regio=r05",
        &reviewer,
    )
    .text();
    assert!(queue.contains("Tweede titel"), "{queue}");
    let other = get(&server, "/werkvoorraad?regio=r06", &reviewer).text();
    assert!(!other.contains("Tweede titel"), "{other}");
    let seen = get(&server, &detail, &reviewer).text();
    assert!(
        seen.contains("belangenconflict gemeld voor de regio"),
        "{seen}"
    );
    assert!(!seen.contains("Beoordeling starten"), "{seen}");

    // A second draft is deleted.
    let second = post(
        &server,
        "/aanvragen/nieuw",
        &cookie,
        &format!("csrf={csrf}&instrument=onderzoek&discipline=&titel=Onderzoek&omschrijving=Plan&bedrag=300.000"),
    );
    let second_detail = second.header("location").unwrap_or_default().to_owned();
    assert_eq!(second.status, 303, "{}", second.text());
    let deleted = post(
        &server,
        &format!("{second_detail}/verwijderen"),
        &cookie,
        &format!("csrf={csrf}"),
    );
    assert_eq!(
        deleted.header("location"),
        Some("/aanvragen?gelukt=verwijderen")
    );
    assert_eq!(get(&server, &second_detail, &cookie).status, 404);
}

#[test]
fn a_rejection_needs_a_motivation_and_an_applicant_may_withdraw() {
    let server = TestServer::start(at(2025, 3, 3, 9));
    let org = server.organisation("r07", "info@r07.example.org");
    let anna = server.user("Anna", "anna@r07.example.org", Role::Applicant, Some(&org));
    let piet = server.user("Piet", "piet@zonmw.example.nl", Role::Reviewer, None);
    let (applicant, a_csrf) = sign_in_with_token(&server, &anna.token);
    let made = post(
        &server,
        "/aanvragen/nieuw",
        &applicant,
        &format!("csrf={a_csrf}&instrument=uitvoering&discipline=&titel=Plan&omschrijving=Plan&bedrag=600.000"),
    );
    let detail = made.header("location").unwrap().to_owned();
    upload_required(&server, &detail, &applicant, &a_csrf);
    post(
        &server,
        &format!("{detail}/indienen"),
        &applicant,
        &format!("csrf={a_csrf}"),
    );
    subsidie_service::allocation::run(
        &server.pool,
        &subsidie_service::Actor::system(),
        "uitvoering",
        None,
        server.clock.now(),
    )
    .unwrap();
    let (reviewer, r_csrf) = sign_in_with_token(&server, &piet.token);
    let started = post(
        &server,
        &format!("{detail}/beoordeling-starten"),
        &reviewer,
        &format!("csrf={r_csrf}"),
    );
    assert_eq!(started.status, 303, "{}", started.text());
    let refused = post(
        &server,
        &format!("{detail}/afwijzen"),
        &reviewer,
        &format!("csrf={r_csrf}&motivering="),
    );
    assert_eq!(refused.status, 422);
    let text = refused.text();
    assert!(
        text.contains("href=\"#veld-afwijzen-motivering\""),
        "{text}"
    );
    assert!(text.contains("Motivering: mag niet leeg zijn"), "{text}");

    let withdrawn = post(
        &server,
        &format!("{detail}/intrekken"),
        &applicant,
        &format!("csrf={a_csrf}&toelichting=Wij+zien+ervan+af"),
    );
    assert_eq!(withdrawn.status, 303, "{}", withdrawn.text());
    let page = get(&server, &detail, &applicant).text();
    assert!(
        page.contains("De aanvraag is ingetrokken.") || page.contains("Ingetrokken"),
        "{page}"
    );
    let late = post(
        &server,
        &format!("{detail}/afwijzen"),
        &reviewer,
        &format!("csrf={r_csrf}&motivering=Te+laat"),
    );
    assert_eq!(
        late.status, 422,
        "a command the state does not allow is refused on the page"
    );
    assert!(late.text().contains("ingetrokken"), "{}", late.text());
}

#[test]
fn documents_are_listed_uploaded_downloaded_and_removed_on_the_application_page() {
    let server = TestServer::start(at(2025, 3, 3, 9));
    let org = server.organisation("r06", "r06@example.org");
    let anna = server.user("Anna", "anna@r06.example.org", Role::Applicant, Some(&org));
    let (cookie, csrf) = sign_in_with_token(&server, &anna.token);
    let made = post(
        &server,
        "/aanvragen/nieuw",
        &cookie,
        &format!("csrf={csrf}&instrument=uitvoering&discipline=&titel=Plan&omschrijving=Plan&bedrag=600.000"),
    );
    let detail = made.header("location").unwrap().to_owned();
    let page = get(&server, &detail, &cookie).text();
    assert!(
        page.contains("enctype=\"multipart/form-data\"") && page.contains("ontbreekt nog"),
        "{page}"
    );
    // Without the CSRF token nothing is stored.
    let forged = upload(
        &server,
        &detail,
        &cookie,
        "vals",
        "projectplan",
        "plan.pdf",
        &subsidie_domain::documents::samples::pdf("p"),
    );
    assert_ne!(forged.status, 303);
    // A file that is no PDF: the form says what is allowed.
    let wrong = upload(
        &server,
        &detail,
        &cookie,
        &csrf,
        "projectplan",
        "plan.pdf",
        b"<html>geen pdf</html>",
    );
    assert_eq!(wrong.status, 415);
    assert!(wrong
        .text()
        .contains("PDF, DOCX, XLSX, ODT, ODS, PNG of JPEG"));
    upload_required(&server, &detail, &cookie, &csrf);
    let page = get(&server, &detail, &cookie).text();
    let link = page
        .split("href=\"")
        .filter_map(|p| p.split('"').next())
        .find(|h| h.contains("/documenten/"))
        .unwrap()
        .to_owned();
    let down = get(&server, &link, &cookie);
    assert_eq!(down.status, 200);
    assert!(down
        .header("content-disposition")
        .unwrap()
        .starts_with("attachment;"));
    assert_eq!(
        down.body,
        subsidie_domain::documents::samples::pdf("projectplan")
    );
    // Another organisation does not find it.
    let org2 = server.organisation("r07", "r07@example.org");
    let bert = server.user("Bert", "bert@r07.example.org", Role::Applicant, Some(&org2));
    let (other, _) = sign_in_with_token(&server, &bert.token);
    assert_eq!(get(&server, &link, &other).status, 404);
    let removed = post(
        &server,
        &format!("{link}/verwijderen"),
        &cookie,
        &format!("csrf={csrf}"),
    );
    assert_eq!(removed.status, 303, "{}", removed.text());
    assert_eq!(get(&server, &link, &cookie).status, 404);
}

#[test]
fn a_decision_is_linked_on_the_application_page_as_its_pdf() {
    let server = TestServer::start(at(2025, 3, 3, 9));
    let org = server.organisation("r08", "info@r08.example.org");
    let anna = server.user("Anna", "anna@r08.example.org", Role::Applicant, Some(&org));
    let piet = server.user("Piet", "piet@zonmw.example.nl", Role::Reviewer, None);
    let (applicant, a_csrf) = sign_in_with_token(&server, &anna.token);
    let made = post(
        &server,
        "/aanvragen/nieuw",
        &applicant,
        &format!("csrf={a_csrf}&instrument=uitvoering&discipline=&titel=Plan&omschrijving=Plan&bedrag=600.000"),
    );
    let detail = made.header("location").unwrap().to_owned();
    upload_required(&server, &detail, &applicant, &a_csrf);
    post(
        &server,
        &format!("{detail}/indienen"),
        &applicant,
        &format!("csrf={a_csrf}"),
    );
    subsidie_service::allocation::run(
        &server.pool,
        &subsidie_service::Actor::system(),
        "uitvoering",
        None,
        server.clock.now(),
    )
    .unwrap();
    let (reviewer, r_csrf) = sign_in_with_token(&server, &piet.token);
    post(
        &server,
        &format!("{detail}/beoordeling-starten"),
        &reviewer,
        &format!("csrf={r_csrf}"),
    );
    let rejected = post(
        &server,
        &format!("{detail}/afwijzen"),
        &reviewer,
        &format!("csrf={r_csrf}&motivering=Het+plan+mist+een+hecht+wijkverband."),
    );
    assert_eq!(rejected.status, 303, "{}", rejected.text());

    let page = get(&server, &detail, &applicant).text();
    let link = page
        .split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .find(|href| href.contains("/besluiten/"))
        .unwrap_or_else(|| panic!("no link to the decision's PDF on:\n{page}"))
        .to_owned();
    assert!(
        page.contains("Het besluit als PDF: afwijzingsbeschikking-"),
        "{page}"
    );
    let pdf = get(&server, &link, &applicant);
    assert_eq!(pdf.status, 200);
    assert_eq!(pdf.header("content-type"), Some("application/pdf"));
    let text = subsidie_notify::testing::pdf_text(&pdf.body);
    assert!(
        text.contains("Het plan mist een hecht wijkverband."),
        "{text}"
    );
    assert!(
        text.contains("Bent u het niet eens met dit besluit?"),
        "{text}"
    );
    // Another organisation's applicant does not get it.
    let other_org = server.organisation("r09", "info@r09.example.org");
    let bert = server.user(
        "Bert",
        "bert@r09.example.org",
        Role::Applicant,
        Some(&other_org),
    );
    let (other, _) = sign_in_with_token(&server, &bert.token);
    assert_eq!(get(&server, &link, &other).status, 404);
}
