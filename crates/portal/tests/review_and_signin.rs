//! The loose ends of issue 14 over plain HTTP: the reviewer's queue pages by 25 and its
//! filter answers htmx with the results; the score form of a ranked call; the accounting
//! report form; sign-in returns to the page asked for (by token and by e-mail link, never
//! to another site); and the administrator's pages refuse everyone else.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use common::http::{anonymous, get, plain, post, send, set_cookie, sign_in};
use common::{at, TestServer};
use subsidie_domain::Money;
use subsidie_service::application::{self, Action};
use subsidie_service::{allocation, Actor, Role};

fn rows(page: &str) -> usize {
    page.matches("<td class=\"utrecht-table__cell\"><a class=\"utrecht-link\" href=\"/aanvragen/")
        .count()
}

#[test]
fn the_queue_pages_by_25_and_its_filter_answers_htmx_with_the_results() {
    let server = TestServer::start(at(2025, 3, 3, 9));
    let ids = server.submissions("uitvoering", 37, 100_000_000);
    let reviewer = server.user(
        "Pieter Jansen",
        "pieter@zonmw.example.nl",
        Role::Reviewer,
        None,
    );
    let s = sign_in(&server, &reviewer.token);

    let first = get(&server, "/werkvoorraad", &s.cookie);
    assert_eq!(first.status, 200);
    let page = plain(&first);
    assert_eq!(rows(&page), 25, "{page}");
    assert!(page.contains("(pagina 1)"), "{page}");
    assert!(
        page.contains("href=\"/werkvoorraad?pagina=1\">Volgende pagina"),
        "{page}"
    );
    assert!(!page.contains("Vorige pagina"), "{page}");

    let second = plain(&get(&server, "/werkvoorraad?pagina=1", &s.cookie));
    assert_eq!(rows(&second), 12, "{second}");
    assert!(
        second.contains("href=\"/werkvoorraad?pagina=0\">Vorige pagina"),
        "{second}"
    );
    assert!(!second.contains("Volgende pagina"), "{second}");

    // What htmx asks when a filter changes: the same page, of which it takes #resultaten.
    let headers = [("Cookie", s.cookie.as_str()), ("HX-Request", "true")];
    let filtered = send(
        &server,
        "GET",
        "/werkvoorraad?regio=r05&status=ingediend",
        &headers,
        None,
    );
    assert_eq!(filtered.status, 200);
    let text = plain(&filtered);
    assert!(text.contains("<div id=\"resultaten\">"), "{text}");
    assert_eq!(rows(&text), 1, "{text}");
    assert!(
        text.contains(&format!("href=\"/aanvragen/{}\"", ids[4])),
        "{text}"
    );
    assert!(
        text.contains("<option value=\"r05\" selected>"),
        "the filter chosen stays chosen"
    );

    let wrong = get(&server, "/werkvoorraad?status=verzonnen", &s.cookie);
    assert_eq!(wrong.status, 422);
    assert!(
        wrong.text().contains("onbekende status"),
        "{}",
        wrong.text()
    );
}

#[test]
fn a_ranked_call_takes_a_score_from_the_form() {
    let server = TestServer::start(at(2025, 5, 1, 9));
    let ids = server.submissions("onderzoek", 1, 50_000_000);
    let reviewer = server.user(
        "Pieter Jansen",
        "pieter@zonmw.example.nl",
        Role::Reviewer,
        None,
    );
    let s = sign_in(&server, &reviewer.token);
    let path = format!("/aanvragen/{}", ids[0]);
    let page = get(&server, &path, &s.cookie).text();
    assert!(page.contains("Score geven"), "{page}");
    assert!(page.contains("Score (0 tot en met 100)"), "{page}");

    let score = format!("{path}/score");
    let typed = post(
        &server,
        &score,
        &s.cookie,
        &format!("csrf={}&score=veel", s.csrf),
    );
    assert_eq!(typed.status, 422);
    assert!(
        typed
            .text()
            .contains("vul een geheel getal van 0 tot en met 100 in"),
        "{}",
        typed.text()
    );
    assert!(
        typed.text().contains("href=\"#veld-score-score\""),
        "the summary links to the field"
    );

    let high = post(
        &server,
        &score,
        &s.cookie,
        &format!("csrf={}&score=101", s.csrf),
    );
    assert_eq!(high.status, 422, "{}", high.text());
    assert!(
        high.text().contains("101"),
        "the engine's message names the value: {}",
        high.text()
    );

    let ok = post(
        &server,
        &score,
        &s.cookie,
        &format!("csrf={}&score=85", s.csrf),
    );
    assert_eq!(ok.status, 303, "{}", ok.text());
    assert_eq!(
        ok.header("location"),
        Some(format!("{path}?gelukt=score").as_str())
    );
    let after = get(&server, &format!("{path}?gelukt=score"), &s.cookie).text();
    assert!(after.contains("De score is vastgelegd."), "{after}");
    assert!(
        after.contains("Score gegeven"),
        "the history names it: {after}"
    );
}

#[test]
fn the_accounting_report_form_submits_the_report() {
    let server = TestServer::start(at(2025, 3, 3, 9));
    let ids = server.submissions("uitvoering", 1, 80_000_000);
    let now = server.clock.now();
    allocation::run(&server.pool, &Actor::system(), "uitvoering", None, now).unwrap();
    let reviewer = server.user(
        "Pieter Jansen",
        "pieter@zonmw.example.nl",
        Role::Reviewer,
        None,
    );
    let actor = Actor::user(reviewer.id.clone(), Role::Reviewer, None);
    application::execute(
        &server.pool,
        &actor,
        &ids[0],
        None,
        &Action::StartReview,
        now,
    )
    .unwrap();
    let grant = Action::Grant {
        amount: Money::from_cents(80_000_000).unwrap(),
        motivation: "Voldoet aan de criteria.".into(),
    };
    application::execute(&server.pool, &actor, &ids[0], None, &grant, now).unwrap();

    // The applicant of r01, as the harness made them.
    let applicant = subsidie_service::registry::list_users(
        &server.pool,
        &Actor::system(),
        Some(Role::Applicant),
        None,
        10,
    )
    .unwrap();
    let token = subsidie_service::registry::create_token(
        &server.pool,
        &Actor::system(),
        &applicant[0].id,
        "test",
        now,
    )
    .unwrap();
    let s = sign_in(&server, &token);
    let path = format!("/aanvragen/{}", ids[0]);
    let page = get(&server, &path, &s.cookie).text();
    assert!(page.contains("Verantwoording indienen"), "{page}");

    let report = format!("{path}/verantwoorden");
    let body = format!(
        "csrf={}&toelichting=Drie+wijkteams+gestart%2C+kosten+%E2%82%AC+790.000.",
        s.csrf
    );
    let done = post(&server, &report, &s.cookie, &body);
    assert_eq!(done.status, 303, "{}", done.text());
    let after = get(&server, &format!("{path}?gelukt=verantwoorden"), &s.cookie).text();
    assert!(after.contains("Uw verantwoording is ingediend."), "{after}");
    assert!(after.contains("Verantwoording ingediend"), "{after}");
}

#[test]
fn sign_in_returns_to_the_page_asked_for_and_only_on_this_site() {
    let server = TestServer::start(at(2025, 3, 3, 9));
    let reviewer = server.user(
        "Pieter Jansen",
        "pieter@zonmw.example.nl",
        Role::Reviewer,
        None,
    );
    let asked = get(&server, "/werkvoorraad?pagina=1&regio=r05", "");
    assert_eq!(asked.status, 303);
    let to = asked.header("location").unwrap().to_owned();
    assert_eq!(
        to,
        "/aanmelden?terug=%2Fwerkvoorraad%3Fpagina%3D1%26regio%3Dr05"
    );
    let anon = anonymous(&server);
    let form = plain(&get(&server, &to, &format!("portaal_csrf={anon}")));
    assert!(
        form.contains("name=\"terug\" value=\"/werkvoorraad?pagina=1&regio=r05\""),
        "{form}"
    );
    let body = format!(
        "csrf={anon}&token={}&terug=%2Fwerkvoorraad%3Fpagina%3D1%26regio%3Dr05",
        reviewer.token
    );
    let signed = post(
        &server,
        "/aanmelden/token",
        &format!("portaal_csrf={anon}"),
        &body,
    );
    assert_eq!(signed.status, 303);
    assert_eq!(
        signed.header("location"),
        Some("/werkvoorraad?pagina=1&regio=r05")
    );

    for evil in [
        "%2F%2Fevil.example%2F",
        "https%3A%2F%2Fevil.example%2F",
        "%2F%5Cevil.example",
    ] {
        let body = format!("csrf={anon}&token={}&terug={evil}", reviewer.token);
        let res = post(
            &server,
            "/aanmelden/token",
            &format!("portaal_csrf={anon}"),
            &body,
        );
        assert_eq!(res.header("location"), Some("/"), "{evil}");
    }

    // By e-mail link: the page is kept in a cookie while the link is on its way.
    let ids = server.submissions("uitvoering", 1, 80_000_000);
    let reference = subsidie_service::queries::application(&server.pool, &Actor::system(), &ids[0])
        .unwrap()
        .reference;
    let path = format!("/referentie/{reference}");
    let asked = get(&server, &path, "");
    assert_eq!(
        asked.header("location").map(str::to_owned),
        Some(format!("/aanmelden?terug=%2Freferentie%2F{}", reference))
    );
    let email = "info@r01.example.org";
    let body =
        format!("csrf={anon}&e-mailadres=info%40r01.example.org&terug=%2Freferentie%2F{reference}");
    let sent = post(
        &server,
        "/aanmelden/link",
        &format!("portaal_csrf={anon}"),
        &body,
    );
    assert_eq!(sent.status, 200, "{}", sent.text());
    let kept = set_cookie(&sent, "portaal_terug").expect("the page to return to, kept");
    let link = server.signin_link(email).unwrap();
    let token = link.split("token=").nth(1).unwrap();
    let redeemed = post(
        &server,
        "/aanmelden/link/gebruiken",
        &format!("portaal_csrf={anon}; portaal_terug={kept}"),
        &format!("csrf={anon}&token={token}"),
    );
    assert_eq!(redeemed.status, 303);
    assert_eq!(redeemed.header("location"), Some(path.as_str()));
    assert_eq!(
        set_cookie(&redeemed, "portaal_terug").as_deref(),
        Some(""),
        "used once"
    );
}

#[test]
fn the_administrators_pages_are_for_administrators_only() {
    let server = TestServer::start(at(2025, 3, 3, 9));
    let reviewer = server.user(
        "Pieter Jansen",
        "pieter@zonmw.example.nl",
        Role::Reviewer,
        None,
    );
    let admin = server.user(
        "Beheerder Bakker",
        "beheer@zonmw.example.nl",
        Role::Admin,
        None,
    );
    let s = sign_in(&server, &reviewer.token);
    for path in [
        "/beheer",
        "/beheer/gebruikers",
        "/beheer/organisaties",
        "/beheer/berichten",
    ] {
        let res = get(&server, path, &s.cookie);
        assert_eq!(res.status, 403, "{path}");
        assert!(
            res.text()
                .contains("deze pagina is er voor beheerders; u bent beoordelaar"),
            "{}",
            res.text()
        );
    }
    let a = sign_in(&server, &admin.token);
    let home = get(&server, "/", &a.cookie);
    assert_eq!(home.header("location"), Some("/beheer"));
    let forged = post(
        &server,
        "/beheer/toewijzingsrondes",
        &a.cookie,
        "csrf=verkeerd&instrument=uitvoering",
    );
    assert_eq!(
        forged.status, 403,
        "a form without the session's token is refused"
    );
    let seed = post(
        &server,
        "/beheer/toewijzingsrondes",
        &a.cookie,
        &format!("csrf={}&instrument=uitvoering&seed=abc", a.csrf),
    );
    assert_eq!(seed.status, 422);
    assert!(
        seed.text().contains("href=\"#veld-seed\""),
        "{}",
        seed.text()
    );
    let started = post(
        &server,
        "/beheer/toewijzingsrondes",
        &a.cookie,
        &format!("csrf={}&instrument=uitvoering", a.csrf),
    );
    assert_eq!(started.status, 303);
    let task = started.header("location").unwrap().to_owned();
    assert!(task.starts_with("/beheer/taken/"), "{task}");
    let done = get(&server, &task, &a.cookie);
    assert_eq!(
        done.status, 303,
        "a round without applications is done within the second"
    );
    assert!(done
        .header("location")
        .unwrap()
        .starts_with("/beheer/toewijzingsrondes/"));
    let again = get(&server, &task, &a.cookie);
    assert_eq!(again.status, 404, "a job's result is handed out once");
}
