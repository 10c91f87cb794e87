//! The HTTP contract around the handlers: problems for every kind of bad input, the
//! `API-Version` header, authentication, idempotency keys, ETags and `If-Match`, cursor
//! pagination, the OpenAPI document and the docs page.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use common::{allocate, at, draft, draft_body, submitted, Cast, TestServer};
use serde_json::{json, Value};

fn server() -> (TestServer, Cast) {
    let server = TestServer::start(at(2025, 3, 3, 9));
    let cast = Cast::new(&server);
    (server, cast)
}

#[test]
fn every_answer_carries_the_api_version() {
    let (s, c) = server();
    for res in [
        s.get(&c.admin, "/instrumenten"),
        s.send("GET", "/instrumenten", None, &[], None),
        s.get(&c.admin, "/bestaat-niet"),
        s.send("GET", "//", None, &[], None),
        s.send("GET", "/openapi.json", None, &[], None),
        s.send("GET", "/docs/", None, &[], None),
        s.send("GET", "/docs/bestaat-niet.js", None, &[], None),
    ] {
        assert_eq!(
            res.header("API-Version"),
            Some(subsidie_api::API_VERSION),
            "{res:?}"
        );
    }
}

#[test]
fn authentication_is_required_and_checked() {
    let (s, _c) = server();
    let p = s.send("GET", "/instrumenten", None, &[], None).problem(401);
    assert!(p["detail"].as_str().unwrap().contains("Bearer"));
    for bad in [
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Bearer 0000000000000000000000000000000000000000000000000000000000000000",
        "Bearer een token met spaties",
    ] {
        let res = s.send(
            "GET",
            "/instrumenten",
            None,
            &[("Authorization", bad)],
            None,
        );
        res.problem(401);
        assert!(res
            .header("WWW-Authenticate")
            .unwrap()
            .starts_with("Bearer"));
    }
    // A token longer than any real one is refused without a lookup.
    let long = format!("Bearer {}", "a".repeat(10_000));
    s.send(
        "GET",
        "/instrumenten",
        None,
        &[("Authorization", &long)],
        None,
    )
    .problem(401);
}

#[test]
fn unknown_routes_and_wrong_methods_are_problems() {
    let (s, c) = server();
    s.get(&c.admin, "/bestaat-niet").problem(404);
    s.send("GET", "//", None, &[], None).problem(404);
    s.send("GET", "//api/v2/aanvragen", None, &[], None)
        .problem(404);
    s.get(&c.admin, "/aanvragen/").problem(404);
    let res = s.send("PUT", "/aanvragen", Some(&c.admin), &[], None);
    res.problem(405);
    assert_eq!(res.header("Allow"), Some("GET, HEAD, POST"));
    let res = s.send("DELETE", "/instrumenten", Some(&c.admin), &[], None);
    res.problem(405);
    assert_eq!(res.header("Allow"), Some("GET, HEAD"));
    s.send("POST", "/openapi.json", None, &[], None)
        .problem(405);
    // An id that cannot exist.
    s.get(&c.admin, "/aanvragen/%00").problem(404);
    s.get(&c.admin, "/aanvragen/a%2Fb").problem(404);
    s.get(&c.admin, "/aanvragen/%FF%FE").problem(404);
    s.get(&c.admin, &format!("/aanvragen/{}", "x".repeat(500)))
        .problem(404);
    s.get(&c.admin, "/aanvragen/bestaat-niet").problem(404);
}

#[test]
fn malformed_bodies_are_problems_naming_the_field() {
    let (s, c) = server();
    let a = &c.applicant_a;
    let post = |body: &[u8], content_type: Option<&str>| {
        let mut headers = vec![];
        if let Some(ct) = content_type {
            headers.push(("Content-Type", ct));
        }
        s.send("POST", "/aanvragen", Some(a), &headers, Some(body))
    };
    // Not JSON.
    let p = post(b"{\"instrumentId\": ", Some("application/json")).problem(400);
    assert!(p["detail"].as_str().unwrap().contains("JSON"), "{p}");
    post(b"nonsense", Some("application/json")).problem(400);
    // Wrong or missing content type.
    post(b"{}", Some("text/plain")).problem(415);
    post(b"<aanvraag/>", Some("application/xml")).problem(415);
    post(b"{}", None).problem(415);
    // Empty body where one is required.
    assert_eq!(
        post(b"", Some("application/json")).problem(400)["invalidParams"][0]["name"],
        json!("body")
    );
    // Not an object.
    post(b"[]", Some("application/json")).problem(400);
    post(b"null", Some("application/json")).problem(400);
    // Unknown field, missing field, wrong type.
    let mut body = draft_body("uitvoering", "1000000.00", None);
    body["onbekend"] = json!(1);
    let res = s.post(a, "/aanvragen", body);
    res.problem(400);
    assert_eq!(res.invalid_params(), vec!["onbekend"]);
    let res = s.post(a, "/aanvragen", json!({"instrumentId": "uitvoering"}));
    res.problem(400);
    assert_eq!(res.invalid_params(), vec!["titel"]);
    let mut body = draft_body("uitvoering", "1000000.00", None);
    body["aangevraagdBedrag"] = json!(1000000);
    let res = s.post(a, "/aanvragen", body);
    res.problem(400);
    assert_eq!(res.invalid_params(), vec!["aangevraagdBedrag"]);
    // A NUL character never reaches the database.
    let mut body = draft_body("uitvoering", "1000000.00", None);
    body["titel"] = json!("titel\u{0}met nul");
    let res = s.post(a, "/aanvragen", body);
    res.problem(400);
    assert_eq!(res.invalid_params(), vec!["titel"]);
    // Too large.
    let big = format!(
        "{{\"instrumentId\":\"uitvoering\",\"titel\":\"t\",\"omschrijving\":\"{}\",\"aangevraagdBedrag\":\"1000000.00\"}}",
        "x".repeat(300 * 1024)
    );
    post(big.as_bytes(), Some("application/json")).problem(413);
    // Nothing was created.
    let list = s.get(a, "/aanvragen").expect(200).json();
    assert_eq!(list["aanvragen"], json!([]));
}

#[test]
fn bad_amounts_are_refused_with_the_reason() {
    let (s, c) = server();
    let a = &c.applicant_a;
    for (amount, fragment) in [
        ("1e6", "geen geldig bedrag"),
        ("-500000.00", "negatief"),
        ("500000.123", "twee decimalen"),
        ("500.000,00", "geen geldig bedrag"),
        ("", "leeg"),
        ("NaN", "geen geldig bedrag"),
        (" 500000", "geen geldig bedrag"),
        ("999999999999999.00", "maximum"),
    ] {
        let res = s.post(a, "/aanvragen", draft_body("uitvoering", amount, None));
        let p = res.problem(400);
        assert_eq!(res.invalid_params(), vec!["aangevraagdBedrag"], "{amount}");
        let reason = p["invalidParams"][0]["reason"].as_str().unwrap();
        assert!(reason.contains(fragment), "{amount}: {reason}");
    }
    // Outside the instrument's bounds: the service's check, under the API's field name.
    let res = s.post(a, "/aanvragen", draft_body("uitvoering", "100.00", None));
    res.problem(400);
    assert_eq!(res.invalid_params(), vec!["aangevraagdBedrag"]);
    // Unknown instrument.
    let res = s.post(a, "/aanvragen", draft_body("bestaat-niet", "100.00", None));
    res.problem(400);
    assert_eq!(res.invalid_params(), vec!["instrumentId"]);
}

#[test]
fn bad_query_strings_are_problems() {
    let (s, c) = server();
    for (query, param) in [
        ("?limiet=0", "limiet"),
        ("?limiet=101", "limiet"),
        ("?limiet=twee", "limiet"),
        ("?limiet=99999999999999999999999", "limiet"),
        ("?status=bestaat-niet", "status"),
        ("?instrumentId=%00", "instrumentId"),
        ("?onbekend=1", "onbekend"),
        ("?instrument_id=uitvoering", "instrument_id"),
    ] {
        let res = s.get(&c.reviewer, &format!("/aanvragen{query}"));
        res.problem(400);
        assert_eq!(res.invalid_params(), vec![param.to_owned()], "{query}");
    }
}

#[test]
fn commands_not_allowed_in_the_state_name_the_state() {
    let (s, c) = server();
    let id = draft(
        &s,
        &c.applicant_a,
        draft_body("uitvoering", "1000000.00", None),
    );
    let res = s.post(
        &c.applicant_a,
        &format!("/aanvragen/{id}/verantwoordingen"),
        json!({"samenvatting": "te vroeg"}),
    );
    let p = res.problem(409);
    assert_eq!(p["huidigeStatus"], json!("concept"));
    assert_eq!(
        p["toegestaneOpdrachten"],
        json!(["indienen", "verwijderen"])
    );
    assert!(p["detail"].as_str().unwrap().contains("concept"));
}

#[test]
fn review_decisions_check_their_fields() {
    let (s, c) = server();
    let id = submitted(
        &s,
        &c.applicant_a,
        draft_body("uitvoering", "1000000.00", None),
    );
    let path = format!("/aanvragen/{id}/beoordelingen");
    let res = s.post(&c.reviewer, &path, json!({"besluit": "honoreren"}));
    res.problem(400);
    assert_eq!(res.invalid_params(), vec!["bedrag", "motivering"]);
    let res = s.post(
        &c.reviewer,
        &path,
        json!({"besluit": "starten", "bedrag": "1.00"}),
    );
    res.problem(400);
    assert_eq!(res.invalid_params(), vec!["bedrag"]);
    let res = s.post(&c.reviewer, &path, json!({"besluit": "goedkeuren"}));
    res.problem(400);
    assert_eq!(res.invalid_params(), vec!["besluit"]);
    let res = s.post(
        &c.reviewer,
        &path,
        json!({"besluit": "honoreren", "bedrag": "1e6", "motivering": "m"}),
    );
    res.problem(400);
    assert_eq!(res.invalid_params(), vec!["bedrag"]);
    let res = s.post(
        &c.reviewer,
        &path,
        json!({"besluit": "afwijzen", "motivering": "  "}),
    );
    // Not yet reserved: the state is checked before the motivation.
    res.problem(409);
}

#[test]
fn etags_and_if_match_guard_concurrent_edits() {
    let (s, c) = server();
    let a = &c.applicant_a;
    let id = draft(&s, a, draft_body("uitvoering", "1000000.00", None));
    let res = s.get(a, &format!("/aanvragen/{id}"));
    res.expect(200);
    assert_eq!(res.header("ETag"), Some("\"1\""));
    assert_eq!(res.json()["versie"], json!(1));

    // A change based on version 1 succeeds and yields version 2.
    let res = s.send_json(
        "PATCH",
        &format!("/aanvragen/{id}"),
        Some(a),
        &[("If-Match", "\"1\"")],
        &json!({"titel": "Nieuwe titel", "aangevraagdBedrag": "1100000.00"}),
    );
    res.expect(200);
    assert_eq!(res.header("ETag"), Some("\"2\""));
    assert_eq!(res.json()["aangevraagdBedrag"], json!("1100000.00"));

    // Another change still based on version 1 is refused, and changes nothing.
    let res = s.send_json(
        "PATCH",
        &format!("/aanvragen/{id}"),
        Some(a),
        &[("If-Match", "\"1\"")],
        &json!({"titel": "Verloren wijziging"}),
    );
    let p = res.problem(412);
    assert!(p["detail"].as_str().unwrap().contains("versie 2"), "{p}");
    assert_eq!(
        s.get(a, &format!("/aanvragen/{id}")).json()["titel"],
        json!("Nieuwe titel")
    );
    // Stale delete and stale command: 412 as well.
    s.send(
        "DELETE",
        &format!("/aanvragen/{id}"),
        Some(a),
        &[("If-Match", "\"1\"")],
        None,
    )
    .problem(412);
    s.send_json(
        "POST",
        &format!("/aanvragen/{id}/indieningen"),
        Some(a),
        &[("If-Match", "W/\"1\"")],
        &json!({}),
    )
    .problem(412);
    // Not an ETag at all.
    let res = s.send(
        "DELETE",
        &format!("/aanvragen/{id}"),
        Some(a),
        &[("If-Match", "twee")],
        None,
    );
    res.problem(400);
    assert_eq!(res.invalid_params(), vec!["If-Match"]);
    // The current version, or `*`, passes.
    let res = s.send(
        "POST",
        &format!("/aanvragen/{id}/indieningen"),
        Some(a),
        &[("If-Match", "\"2\"")],
        None,
    );
    res.expect(200);
    assert_eq!(res.header("ETag"), Some("\"3\""));
    assert_eq!(res.json()["status"], json!("ingediend"));
}

#[test]
fn idempotency_keys_replay_and_refuse_reuse() {
    let (s, c) = server();
    let a = &c.applicant_a;
    let body = draft_body("onderzoek", "300000.00", None);
    let key = [("Idempotency-Key", "7c1d0a8e-0000-4000-8000-000000000001")];
    s.set_now(at(2025, 5, 1, 9));
    let first = s.send_json("POST", "/aanvragen", Some(a), &key, &body);
    first.expect(201);
    assert_eq!(first.header("Idempotent-Replayed"), None);
    let second = s.send_json("POST", "/aanvragen", Some(a), &key, &body);
    second.expect(201);
    assert_eq!(second.header("Idempotent-Replayed"), Some("true"));
    assert_eq!(second.json(), first.json());
    assert_eq!(second.header("Location"), first.header("Location"));
    assert_eq!(second.header("ETag"), first.header("ETag"));
    assert_eq!(
        second.header("API-Version"),
        Some(subsidie_api::API_VERSION)
    );
    // Only one application exists.
    assert_eq!(
        s.get(a, "/aanvragen").json()["aanvragen"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // The same key with another body.
    let mut other = body.clone();
    other["titel"] = json!("Een ander verzoek");
    let p = s
        .send_json("POST", "/aanvragen", Some(a), &key, &other)
        .problem(422);
    assert!(p["detail"].as_str().unwrap().contains("Idempotency-Key"));
    // The same key on another endpoint is another request too.
    let id = first.json()["id"].as_str().unwrap().to_owned();
    s.send_json(
        "POST",
        &format!("/aanvragen/{id}/indieningen"),
        Some(a),
        &key,
        &body,
    )
    .problem(422);
    // Keys are per user: another applicant may use the same key.
    s.send_json("POST", "/aanvragen", Some(&c.applicant_b), &key, &body)
        .expect(201);
    // A failed request does not keep its key: after fixing the cause, the same request
    // with the same key runs.
    let submit_key = [("Idempotency-Key", "indienen-1")];
    s.set_now(at(2025, 3, 1, 9)); // before the call opens
    s.send_json(
        "POST",
        &format!("/aanvragen/{id}/indieningen"),
        Some(a),
        &submit_key,
        &json!({}),
    )
    .problem(400);
    s.set_now(at(2025, 5, 1, 9));
    let ok = s.send_json(
        "POST",
        &format!("/aanvragen/{id}/indieningen"),
        Some(a),
        &submit_key,
        &json!({}),
    );
    ok.expect(200);
    let again = s.send_json(
        "POST",
        &format!("/aanvragen/{id}/indieningen"),
        Some(a),
        &submit_key,
        &json!({}),
    );
    again.expect(200);
    assert_eq!(again.header("Idempotent-Replayed"), Some("true"));
    assert_eq!(again.json()["status"], json!("ingediend"));
    // Without the key the command runs again, and the state refuses it.
    s.post(a, &format!("/aanvragen/{id}/indieningen"), json!({}))
        .problem(409);
    // A key that is not a plain token.
    let long = "k".repeat(300);
    s.send_json(
        "POST",
        "/aanvragen",
        Some(a),
        &[("Idempotency-Key", long.as_str())],
        &body,
    )
    .problem(400);
}

#[test]
fn applications_page_with_a_cursor() {
    let (s, c) = server();
    s.set_now(at(2025, 5, 1, 9));
    let a = &c.applicant_a;
    let mut ids = Vec::new();
    for i in 0..5 {
        let mut body = draft_body("onderzoek", "300000.00", None);
        body["titel"] = json!(format!("Onderzoek {i}"));
        ids.push(draft(&s, a, body));
    }
    let mut seen = Vec::new();
    let mut path = "/aanvragen?instrumentId=onderzoek&limiet=2".to_owned();
    loop {
        let page = s.get(a, &path).expect(200).json();
        for app in page["aanvragen"].as_array().unwrap() {
            seen.push(app["id"].as_str().unwrap().to_owned());
        }
        assert_eq!(
            page["links"]["self"]["href"],
            json!(format!("/api/v1{path}"))
        );
        match page["volgende"].as_str() {
            Some(next) => {
                let href = page["links"]["volgende"]["href"].as_str().unwrap();
                assert!(href.contains(&format!("na={next}")));
                path = href.trim_start_matches("/api/v1").to_owned();
            }
            None => {
                assert!(page["links"]["volgende"].is_null());
                break;
            }
        }
    }
    assert_eq!(seen, ids);
    // Filters.
    let page = s
        .get(a, "/aanvragen?status=concept&instrumentId=uitvoering")
        .json();
    assert_eq!(page["aanvragen"], json!([]));
    // Drafts are invisible to others.
    let page = s.get(&c.reviewer, "/aanvragen").json();
    assert_eq!(page["aanvragen"], json!([]));
    let page = s.get(&c.applicant_b, "/aanvragen").json();
    assert_eq!(page["aanvragen"], json!([]));
}

#[test]
fn reference_data_and_budget_positions() {
    let (s, c) = server();
    let list = s.get(&c.applicant_a, "/instrumenten").expect(200).json();
    let instruments = list["instrumenten"].as_array().unwrap();
    assert_eq!(instruments.len(), 4);
    let uitvoering = s
        .get(&c.applicant_a, "/instrumenten/uitvoering")
        .expect(200)
        .json();
    assert_eq!(
        uitvoering["budget"],
        json!({
            "plafond": "72000000.00", "gereserveerd": "0.00", "verleend": "0.00",
            "vastgesteld": "0.00", "betaald": "0.00", "teruggevorderd": "0.00",
            "beschikbaar": "72000000.00"
        })
    );
    assert_eq!(uitvoering["openVanaf"], json!("2024-04-02"));
    assert_eq!(
        uitvoering["rondes"][0]["sluit"],
        json!("2024-07-03T14:00:00+02:00")
    );
    assert_eq!(uitvoering["rondes"][0]["plafond"], json!("30000000.00"));
    assert_eq!(uitvoering["rondes"][2]["overloop"], json!(false));
    assert_eq!(uitvoering["vierOgenBoven"], json!("1000000.00"));
    s.get(&c.applicant_a, "/instrumenten/bestaat-niet")
        .problem(404);
    let regios = s.get(&c.finance, "/regios").expect(200).json();
    assert_eq!(regios["regios"].as_array().unwrap().len(), 54);
    let disciplines = s.get(&c.reviewer, "/disciplines").expect(200).json();
    assert!(!disciplines["disciplines"].as_array().unwrap().is_empty());
    let programmas = s.get(&c.admin, "/programmas").expect(200).json();
    assert_eq!(
        programmas["programmas"][0]["envelop"],
        json!("104000000.00")
    );
    // The run with an allocation shows the seed back.
    s.set_now(at(2025, 5, 1, 9));
    let id = submitted(
        &s,
        &c.applicant_a,
        draft_body("uitvoering", "1000000.00", None),
    );
    let run = allocate(&s, &c.admin, "uitvoering");
    assert_eq!(run["seed"], json!(common::SEED));
    assert_eq!(run["plaatsingen"][0]["aanvraagId"], json!(id));
    let again = s
        .get(
            &c.reviewer,
            run["links"]["self"]["href"]
                .as_str()
                .unwrap()
                .trim_start_matches("/api/v1"),
        )
        .expect(200)
        .json();
    assert_eq!(again, run);
    let bad_seed = s.post(
        &c.admin,
        "/toewijzingsrondes",
        json!({"instrumentId": "uitvoering", "seed": "xyz"}),
    );
    bad_seed.problem(400);
    assert_eq!(bad_seed.invalid_params(), vec!["seed"]);
}

/// Every operation of the OpenAPI document is routed: without a token it answers 401,
/// never 404 or 405.
#[test]
fn the_document_matches_the_routes() {
    let (s, _c) = server();
    let served = s.send("GET", "/openapi.json", None, &[], None);
    served.expect(200);
    let doc: Value = served.json();
    let committed: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../openapi/openapi.json"
        ))
        .unwrap(),
    )
    .unwrap();
    assert!(
        doc == committed,
        "de server serveert een ander document dan openapi/openapi.json"
    );
    let mut count = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let concrete = path.replace("{id}", "x1").replace("{soort}", "conflict");
            let res = s.send(&method.to_uppercase(), &concrete, None, &[], None);
            // The public documentation (`security: []`) needs no token.
            let public = item[method]["security"] == serde_json::json!([]);
            let expected = if public { 200 } else { 401 };
            assert_eq!(res.status, expected, "{method} {path}: {}", res.text());
            count += 1;
        }
    }
    assert!(count >= 30, "{count} operaties");
}

#[test]
fn the_docs_page_is_served_without_the_internet() {
    let (s, _c) = server();
    let res = s.send("GET", "/docs", None, &[], None);
    assert_eq!(res.status, 308);
    assert_eq!(res.header("Location"), Some("/api/v1/docs/"));
    let page = s.send("GET", "/docs/", None, &[], None);
    page.expect(200);
    let html = page.text();
    assert!(html.contains("swagger-ui"), "{html}");
    for script in [
        "swagger-ui-bundle.js",
        "swagger-initializer.js",
        "swagger-ui.css",
    ] {
        assert!(html.contains(script), "{script}");
        let res = s.send("GET", &format!("/docs/{script}"), None, &[], None);
        res.expect(200);
        let text = res.text();
        assert!(
            !text.contains("unpkg.com") && !text.contains("cdn.jsdelivr"),
            "{script}"
        );
    }
    let init = s
        .send("GET", "/docs/swagger-initializer.js", None, &[], None)
        .text();
    assert!(init.contains("/api/v1/openapi.json"), "{init}");
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "{html}"
    );
}

/// Garbage of every kind on every operation of the document: never a 5xx, always a
/// problem with `API-Version` for a 4xx.
#[test]
fn no_input_yields_a_server_error() {
    let (s, c) = server();
    let id = submitted(
        &s,
        &c.applicant_a,
        draft_body("uitvoering", "1000000.00", None),
    );
    let doc = s.send("GET", "/openapi.json", None, &[], None).json();
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    let bodies: Vec<(&str, Vec<u8>)> = vec![
        ("application/json", b"".to_vec()),
        ("application/json", b"{".to_vec()),
        ("application/json", b"[]".to_vec()),
        ("application/json", b"null".to_vec()),
        ("application/json", b"\"x\"".to_vec()),
        ("application/json", b"{\"x\":1}".to_vec()),
        (
            "application/json",
            b"{\"besluit\":null,\"bedrag\":1e400}".to_vec(),
        ),
        (
            "application/json",
            b"{\"score\":99999999999999999999}".to_vec(),
        ),
        (
            "application/json",
            b"{\"regioId\":\"\\u0000\",\"instrumentId\":\"\\u0000\"}".to_vec(),
        ),
        ("application/json", vec![0xff, 0xfe, 0x7b, 0x7d]),
        ("application/json", deep.into_bytes()),
        ("application/json; charset=latin1", b"{}".to_vec()),
        ("text/plain", b"{}".to_vec()),
        ("multipart/form-data; boundary=x", b"--x--".to_vec()),
    ];
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let method = method.to_uppercase();
            for target in [id.as_str(), "bestaat-niet", "%00", "..%2F..%2Fetc"] {
                let concrete = path.replace("{id}", target);
                for user in [&c.applicant_a, &c.admin] {
                    let sends: Vec<(Option<&str>, Option<&[u8]>)> = if method == "GET" {
                        vec![(None, None)]
                    } else {
                        bodies
                            .iter()
                            .map(|(ct, b)| (Some(*ct), Some(b.as_slice())))
                            .collect()
                    };
                    for (ct, body) in sends {
                        let mut headers = vec![("If-Match", "\"x\""), ("Idempotency-Key", "fuzz")];
                        if let Some(ct) = ct {
                            headers.push(("Content-Type", ct));
                        }
                        let res = s.send(&method, &concrete, Some(user), &headers[1..], body);
                        let res2 = s.send(&method, &concrete, Some(user), &headers, body);
                        for r in [res, res2] {
                            checked += 1;
                            assert!(
                                r.status < 500,
                                "{method} {concrete}: {} {}",
                                r.status,
                                r.text()
                            );
                            assert_eq!(r.header("API-Version"), Some(subsidie_api::API_VERSION));
                            if r.status >= 400 {
                                assert_eq!(
                                    r.header("Content-Type"),
                                    Some("application/problem+json"),
                                    "{method} {concrete}"
                                );
                            }
                        }
                    }
                }
            }
        }
    }
    assert!(checked > 1000, "{checked}");
}

/// The same request with the same key, sent eight times at once: it takes effect once;
/// the others get the first answer again or are told it is still running.
#[test]
fn concurrent_retries_with_one_key_take_effect_once() {
    let (s, c) = server();
    s.set_now(at(2025, 5, 1, 9));
    let body = draft_body("onderzoek", "300000.00", None);
    let results: Vec<common::Response> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                scope.spawn(|| {
                    s.send_json(
                        "POST",
                        "/aanvragen",
                        Some(&c.applicant_a),
                        &[("Idempotency-Key", "gelijktijdig-1")],
                        &body,
                    )
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let fresh = results
        .iter()
        .filter(|r| r.status == 201 && r.header("Idempotent-Replayed").is_none())
        .count();
    assert_eq!(fresh, 1, "{results:?}");
    for r in &results {
        assert!(
            r.status == 201 || r.status == 409,
            "{} {}",
            r.status,
            r.text()
        );
    }
    let list = s.get(&c.applicant_a, "/aanvragen").json();
    assert_eq!(list["aanvragen"].as_array().unwrap().len(), 1);
}
