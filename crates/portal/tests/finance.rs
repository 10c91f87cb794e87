//! The finance pages over plain HTTP, no browser needed: the dashboard shows the same
//! figures as `GET /api/v1/rapportages/budgetpositie` to the cent, before and after a
//! payment run; a run is made after its confirmation, its files download (the SEPA file
//! valid against the XSD), a refused transfer is recorded, the run is booked paid and the
//! disbursement report shows it; a settlement shows what it will recover before it is
//! confirmed; the recovery is marked received; and other roles are refused.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use common::finance::Finance;
use common::http::{self, get, post, set_cookie};
use common::{at, TestServer};
use serde_json::Value;
use subsidie_domain::Money;
use subsidie_service::{payments, queries, Actor, Role};

fn page(server: &TestServer, path: &str, cookie: &str) -> String {
    let res = get(server, path, cookie);
    assert_eq!(res.status, 200, "{path}: {}", res.text());
    res.text()
}

/// Signs in with an API token: the session cookie and the forms' CSRF token.
fn sign_in(server: &TestServer, token: &str) -> (String, String) {
    let s = http::sign_in(server, token);
    (s.cookie, s.csrf)
}

const POSITIONS: [(&str, &str); 7] = [
    ("plafond", "Plafond"),
    ("gereserveerd", "Gereserveerd"),
    ("verleend", "Verleend"),
    ("vastgesteld", "Vastgesteld"),
    ("betaald", "Betaald"),
    ("teruggevorderd", "Teruggevorderd"),
    ("beschikbaar", "Beschikbaar"),
];

/// The amount a table of the dashboard shows for `label`, between the caption `id` and
/// the end of its table.
fn cell(html: &str, table_id: &str, label: &str) -> String {
    let table = html
        .split(&format!("id=\"{table_id}\""))
        .nth(1)
        .unwrap_or_else(|| panic!("geen tabel {table_id}"))
        .split("</table>")
        .next()
        .unwrap();
    table
        .split(&format!(
            ">{label}</th><td class=\"utrecht-table__cell portaal-getal\">"
        ))
        .nth(1)
        .unwrap_or_else(|| panic!("geen regel {label} in {table_id}"))
        .split("</td>")
        .next()
        .unwrap()
        .to_owned()
}

fn dutch(json_amount: &Value) -> String {
    Money::parse(json_amount.as_str().unwrap())
        .unwrap()
        .to_dutch()
}

/// Asserts that every figure on the dashboard equals the API's budget position to the
/// cent, per instrument and in total; returns the API's answer.
fn dashboard_equals_api(server: &TestServer, cookie: &str, token: &str) -> Value {
    let auth = format!("Bearer {token}");
    let programmes = http::send(
        server,
        "GET",
        "/api/v1/programmas",
        &[("Authorization", &auth)],
        None,
    )
    .expect_json();
    let programme = programmes["programmas"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let api = http::send(
        server,
        "GET",
        &format!("/api/v1/rapportages/budgetpositie?programma={programme}"),
        &[("Authorization", &auth)],
        None,
    )
    .expect_json();
    let html = page(server, &format!("/financien?programma={programme}"), cookie);
    let instruments = api["instrumenten"].as_array().unwrap();
    assert!(instruments.len() > 1, "{api}");
    for i in instruments {
        let id = i["instrument"].as_str().unwrap();
        for (key, label) in POSITIONS {
            assert_eq!(
                cell(&html, &format!("tabel-{id}"), label),
                dutch(&i[key]),
                "{id} {key}"
            );
        }
        assert!(
            html.contains(&format!(
                "aria-labelledby=\"grafiek-{id}-titel grafiek-{id}-uitleg\""
            )),
            "the chart of {id} is an image with its title"
        );
    }
    for (key, label) in POSITIONS {
        assert_eq!(
            cell(&html, "tabel-totaal", label),
            dutch(&api["totaal"][key]),
            "totaal {key}"
        );
    }
    assert_eq!(api["grootboekKlopt"], Value::Bool(true));
    assert!(html.contains("de budgetposities kloppen tot op de cent met het grootboek"));
    api
}

#[test]
fn finance_pays_a_run_and_the_dashboard_equals_the_api_to_the_cent() {
    let server = TestServer::start(at(2025, 3, 3, 9));
    let cast = Finance::cast(&server, &["r15", "r05", "r07"]);
    let ids = cast.grant_all(&server, "600000.00");
    let token = cast.finance.token.clone();
    let (cookie, csrf) = sign_in(&server, &token);
    let before = dashboard_equals_api(&server, &cookie, &token);
    let granted: Vec<&Value> = before["instrumenten"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["instrument"] == "uitvoering")
        .collect();
    assert_eq!(granted[0]["verleend"], "1800000.00");
    let home = get(&server, "/", &cookie);
    assert_eq!(home.header("location"), Some("/financien"));

    // The confirmation names count and total; nothing is made yet.
    let confirm = page(
        &server,
        "/financien/betaalrondes/nieuw?totEnMet=2025-03-03",
        &cookie,
    );
    assert!(confirm.contains("<dd id=\"aantal\">3</dd>"), "{confirm}");
    assert!(
        confirm.contains("<dd id=\"totaal\">€ 1.440.000,00</dd>"),
        "{confirm}"
    );
    assert!(payments::runs(&server.pool, &Actor::system(), 10)
        .unwrap()
        .is_empty());
    let bad = get(
        &server,
        "/financien/betaalrondes/nieuw?totEnMet=morgen",
        &cookie,
    );
    assert_eq!(bad.status, 422);
    assert!(
        bad.text().contains("href=\"#veld-totEnMet\""),
        "the summary links to the field"
    );
    let none = get(
        &server,
        "/financien/betaalrondes/nieuw?totEnMet=2025-01-01",
        &cookie,
    );
    assert_eq!(none.status, 409);
    assert!(none.text().contains("Er is niets te betalen"));

    let made = post(
        &server,
        "/financien/betaalrondes",
        &cookie,
        &format!("csrf={csrf}&totEnMet=2025-03-03"),
    );
    assert_eq!(made.status, 303, "{}", made.text());
    let location = made.header("location").unwrap().to_owned();
    let run_id = location
        .split('/')
        .nth(3)
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let run_page = page(&server, &location, &cookie);
    assert!(run_page.contains("De betaalronde is gemaakt"));
    assert!(run_page.contains("3, samen € 1.440.000,00"));
    let without_csrf = post(
        &server,
        "/financien/betaalrondes",
        &cookie,
        "totEnMet=2025-03-03",
    );
    assert_eq!(without_csrf.status, 403);

    // The files.
    let sepa = get(
        &server,
        &format!("/financien/betaalrondes/{run_id}/sepa"),
        &cookie,
    );
    assert_eq!(sepa.status, 200);
    assert_eq!(sepa.header("content-type"), Some("application/xml"));
    assert!(sepa
        .header("content-disposition")
        .unwrap()
        .starts_with("attachment; filename=\"betaalronde-"));
    subsidie_finance::testing::validate_pain001(&sepa.body).unwrap();
    assert!(sepa.text().contains("<CtrlSum>1440000.00</CtrlSum>"));
    let csv = get(
        &server,
        &format!("/financien/betaalrondes/{run_id}/tabel?formaat=csv"),
        &cookie,
    );
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    let xlsx = get(
        &server,
        &format!("/financien/betaalrondes/{run_id}/tabel?formaat=xlsx"),
        &cookie,
    );
    assert_eq!(xlsx.status, 200);
    assert!(xlsx.body.starts_with(b"PK"), "an XLSX is a zip");
    let odd = get(
        &server,
        &format!("/financien/betaalrondes/{run_id}/tabel?formaat=pdf"),
        &cookie,
    );
    assert_eq!(odd.status, 422);
    assert!(odd.text().contains("kies csv of xlsx"));

    // The bank refused one transfer: without a reason first.
    let items = payments::run_items(&server.pool, &Actor::system(), &run_id, None, 10).unwrap();
    let refused = &items[0].payment_id;
    let failed_path = format!("/financien/betaalrondes/{run_id}/mislukt");
    let no_reason = post(
        &server,
        &failed_path,
        &cookie,
        &format!("csrf={csrf}&betaling={refused}&reden="),
    );
    assert_eq!(no_reason.status, 422);
    assert!(
        no_reason.text().contains("href=\"#veld-mislukt-reden\""),
        "{}",
        no_reason.text()
    );
    let failed = post(
        &server,
        &failed_path,
        &cookie,
        &format!("csrf={csrf}&betaling={refused}&reden=AC04+rekening+opgeheven"),
    );
    assert_eq!(failed.status, 303, "{}", failed.text());
    let run_page = page(
        &server,
        &format!("/financien/betaalrondes/{run_id}"),
        &cookie,
    );
    assert!(
        run_page.contains("Mislukt: AC04 rekening opgeheven"),
        "{run_page}"
    );

    // Booked paid after the confirmation.
    let confirm = page(
        &server,
        &format!("/financien/betaalrondes/{run_id}/betaald"),
        &cookie,
    );
    assert!(
        confirm.contains("2 overboeking(en), samen € 960.000,00"),
        "{confirm}"
    );
    let paid = post(
        &server,
        &format!("/financien/betaalrondes/{run_id}/betaald"),
        &cookie,
        &format!("csrf={csrf}"),
    );
    assert_eq!(paid.status, 303);
    let again = post(
        &server,
        &format!("/financien/betaalrondes/{run_id}/betaald"),
        &cookie,
        &format!("csrf={csrf}"),
    );
    assert_eq!(again.status, 409, "a run is booked once");
    assert!(again.text().contains("al als betaald vastgelegd"));
    let after = dashboard_equals_api(&server, &cookie, &token);
    let paid_now: Vec<&Value> = after["instrumenten"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["instrument"] == "uitvoering")
        .collect();
    assert_eq!(paid_now[0]["betaald"], "960000.00");
    let dashboard = page(&server, "/financien", &cookie);
    assert!(dashboard.contains("maart 2025"), "spending per month");

    // The disbursement report, its filters and its files.
    let report = page(&server, "/financien/rapportages/uitbetalingen", &cookie);
    assert!(
        report.contains("Uitbetaald: 2 betaling(en), samen € 960.000,00"),
        "{report}"
    );
    let filtered = page(
        &server,
        &format!("/financien/rapportages/uitbetalingen?betaalronde={run_id}&regio=r15"),
        &cookie,
    );
    assert!(filtered.contains("Uitbetaald: "), "{filtered}");
    let backwards = get(
        &server,
        "/financien/rapportages/uitbetalingen?van=2025-03-05&totEnMet=2025-03-01",
        &cookie,
    );
    assert_eq!(backwards.status, 422);
    assert!(
        backwards.text().contains("href=\"#veld-totEnMet\""),
        "{}",
        backwards.text()
    );
    let file = get(
        &server,
        "/financien/rapportages/uitbetalingen?formaat=csv",
        &cookie,
    );
    assert_eq!(file.status, 200);
    assert!(file
        .header("content-disposition")
        .unwrap()
        .contains("uitbetalingen-"));
    assert!(file.text().contains("480"), "{}", file.text());
    for path in [
        "/financien/rapportages/budgetpositie",
        "/financien/rapportages/dekking",
    ] {
        let text = page(&server, path, &cookie);
        assert!(text.contains("<h1 class=\"utrecht-heading-1\">"), "{path}");
        for f in ["csv", "xlsx"] {
            let res = get(&server, &format!("{path}?formaat={f}"), &cookie);
            assert_eq!(res.status, 200, "{path} {f}");
            assert!(res
                .header("content-disposition")
                .unwrap()
                .starts_with("attachment"));
        }
    }

    // Settlement of a paid grant below the advance: the recovery is shown first.
    let paid_index = ids
        .iter()
        .position(|id| {
            queries::application(&server.pool, &Actor::system(), id)
                .unwrap()
                .reference
                != items[0].application_reference
        })
        .unwrap();
    let settled_id = &ids[paid_index];
    cast.report(&server, paid_index, settled_id);
    let form = page(
        &server,
        &format!("/financien/vaststellingen/{settled_id}"),
        &cookie,
    );
    assert!(
        form.contains("<dd id=\"verleend\">€ 600.000,00</dd>"),
        "{form}"
    );
    assert!(
        form.contains("<dd id=\"betaald\">€ 480.000,00</dd>"),
        "{form}"
    );
    let settle = format!("/financien/vaststellingen/{settled_id}");
    let check = post(
        &server,
        &settle,
        &cookie,
        &format!("csrf={csrf}&stap=controleren&bedrag=450.000,00&motivering=Minder+kosten."),
    );
    assert_eq!(check.status, 200);
    assert!(
        check
            .text()
            .contains("Er wordt <strong>€ 30.000,00</strong> teruggevorderd"),
        "{}",
        check.text()
    );
    assert!(check
        .text()
        .contains("€ 150.000,00 van de verlening komt vrij"));
    let too_much = post(
        &server,
        &settle,
        &cookie,
        &format!("csrf={csrf}&stap=bevestigen&bedrag=700000&motivering=Te+veel."),
    );
    assert_eq!(too_much.status, 422);
    assert!(
        too_much.text().contains("href=\"#veld-bedrag\""),
        "{}",
        too_much.text()
    );
    let done = post(
        &server,
        &settle,
        &cookie,
        &format!("csrf={csrf}&stap=bevestigen&bedrag=450000,00&motivering=Minder+kosten."),
    );
    assert_eq!(done.status, 303, "{}", done.text());
    assert_eq!(
        done.header("location"),
        Some(format!("/aanvragen/{settled_id}?gelukt=vastgesteld").as_str())
    );

    // The recovery is open, then received.
    let open = page(&server, "/financien/terugvorderingen", &cookie);
    assert!(
        open.contains("Nog open: 1 terugvordering(en), samen € 30.000,00."),
        "{open}"
    );
    let recovery = open
        .split("/financien/terugvorderingen/")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let received = post(
        &server,
        &format!("/financien/terugvorderingen/{recovery}/ontvangen"),
        &cookie,
        &format!("csrf={csrf}"),
    );
    assert_eq!(received.status, 303);
    let closed = page(
        &server,
        "/financien/terugvorderingen?gelukt=ontvangen",
        &cookie,
    );
    assert!(
        closed.contains("Nog open: 0 terugvordering(en), samen € 0,00."),
        "{closed}"
    );
    let last = dashboard_equals_api(&server, &cookie, &token);
    assert_eq!(last["totaal"]["teruggevorderd"], "30000.00");

    // Other roles are refused in Dutch; an applicant cannot open the pages.
    let (applicant, _) = {
        let t = cast.applicants[0].0.token.clone();
        let anon = set_cookie(&get(&server, "/aanmelden", ""), "portaal_csrf").unwrap();
        let res = post(
            &server,
            "/aanmelden/token",
            &format!("portaal_csrf={anon}"),
            &format!("csrf={anon}&token={t}"),
        );
        (
            format!(
                "portaal_sessie={}",
                set_cookie(&res, "portaal_sessie").unwrap()
            ),
            (),
        )
    };
    let refused = get(&server, "/financien", &applicant);
    assert_eq!(refused.status, 403);
    assert!(
        refused
            .text()
            .contains("voor de rollen financien en beheerder"),
        "{}",
        refused.text()
    );
    let anonymous = get(&server, "/financien/betaalrondes", "");
    assert_eq!(anonymous.status, 303);
    let _ = Role::Finance;
}

#[test]
fn without_the_funder_account_no_run_is_made_and_no_file_written() {
    let server = TestServer::start_with_funder(
        at(2025, 3, 3, 9),
        Some(Err(
            "de rekening van de financier is niet ingesteld: zet FUNDER_IBAN".into(),
        )),
    );
    let cast = Finance::cast(&server, &["r15"]);
    cast.grant_all(&server, "600000.00");
    let (cookie, csrf) = sign_in(&server, &cast.finance.token);
    let confirm = get(
        &server,
        "/financien/betaalrondes/nieuw?totEnMet=2025-03-03",
        &cookie,
    );
    assert_eq!(confirm.status, 503);
    assert!(
        confirm.text().contains("zet FUNDER_IBAN"),
        "{}",
        confirm.text()
    );
    let made = post(
        &server,
        "/financien/betaalrondes",
        &cookie,
        &format!("csrf={csrf}&totEnMet=2025-03-03"),
    );
    assert_eq!(made.status, 503);
    assert!(made.text().contains("Er is niets geboekt"));
    assert!(payments::runs(&server.pool, &Actor::system(), 10)
        .unwrap()
        .is_empty());
    // A run made elsewhere (the engine itself) still gets no file with the example account.
    let run = payments::create_run(
        &server.pool,
        &Actor::system(),
        chrono::NaiveDate::from_ymd_opt(2025, 3, 3).unwrap(),
        server.clock.now(),
    )
    .unwrap();
    let sepa = get(
        &server,
        &format!("/financien/betaalrondes/{}/sepa", run.id),
        &cookie,
    );
    assert_eq!(sepa.status, 503);
    let shown = page(
        &server,
        &format!("/financien/betaalrondes/{}", run.id),
        &cookie,
    );
    assert!(
        shown.contains("1, samen € 480.000,00"),
        "the run itself is still shown"
    );
}
