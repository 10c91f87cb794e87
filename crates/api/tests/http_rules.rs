//! The HTTP rules the NLGov linter cannot see in the document: HEAD on every GET
//! resource, CORS, the security and caching headers, the landing answer, problem types
//! that resolve, and a body that must be an object.

#![allow(clippy::unwrap_used)]

mod common;

use common::{at, draft_body, Cast, TestServer};
use serde_json::json;
use subsidie_api::HttpRules;

fn server() -> TestServer {
    TestServer::start(at(2025, 3, 3, 9))
}

#[test]
fn head_answers_like_get_without_a_body() {
    let s = server();
    let c = Cast::new(&s);
    for path in [
        "/instrumenten",
        "/programmas",
        "/aanvragen",
        "/openapi.json",
        "",
    ] {
        let get = s.get(&c.admin, path);
        get.expect(200);
        let head = s.send("HEAD", path, Some(&c.admin), &[], None);
        head.expect(200);
        assert!(head.body.is_empty(), "HEAD {path} gaf een body");
        assert_eq!(
            head.header("Content-Type"),
            get.header("Content-Type"),
            "{path}"
        );
        assert_eq!(
            head.header("Content-Length")
                .and_then(|l| l.parse::<usize>().ok()),
            Some(get.body.len()),
            "{path}"
        );
        assert_eq!(head.header("API-Version"), Some(subsidie_api::API_VERSION));
    }
    // Without a token HEAD is refused as GET is, with the problem's headers only.
    let head = s.send("HEAD", "/instrumenten", None, &[], None);
    head.expect(401);
    assert_eq!(
        head.header("Content-Type"),
        Some("application/problem+json")
    );
    // A POST-only resource names HEAD nowhere; a GET resource names it in Allow.
    let p = s.send("PUT", "/instrumenten", Some(&c.admin), &[], None);
    p.problem(405);
    assert_eq!(p.header("Allow"), Some("GET, HEAD"));
    let p = s.send(
        "HEAD",
        "/instrumenten/uitvoering/plafondwijzigingen",
        Some(&c.admin),
        &[],
        None,
    );
    p.expect(405);
    assert_eq!(p.header("Allow"), Some("POST"));
}

#[test]
fn security_and_caching_headers() {
    let s = server();
    let c = Cast::new(&s);
    let personal = s.get(&c.admin, "/aanvragen");
    personal.expect(200);
    assert_eq!(personal.header("X-Content-Type-Options"), Some("nosniff"));
    assert_eq!(personal.header("Cache-Control"), Some("no-store"));
    assert_eq!(personal.header("Strict-Transport-Security"), None);
    // Problems too: they name ids and amounts.
    let refused = s.get(&c.admin, "/aanvragen/bestaat-niet");
    refused.problem(404);
    assert_eq!(refused.header("Cache-Control"), Some("no-store"));
    assert_eq!(refused.header("X-Content-Type-Options"), Some("nosniff"));
    // The public documentation may be cached.
    for path in ["/openapi.json", "", "/problemen/ongeldige-invoer"] {
        let public = s.send("GET", path, None, &[], None);
        public.expect(200);
        assert_eq!(public.header("X-Content-Type-Options"), Some("nosniff"));
        assert_eq!(public.header("Cache-Control"), None, "{path}");
    }
}

#[test]
fn hsts_when_the_operator_says_tls_ends_at_a_proxy() {
    let rules = HttpRules {
        hsts: true,
        ..HttpRules::default()
    };
    let s = TestServer::start_with_http(at(2025, 3, 3, 9), rules);
    let res = s.send("GET", "/openapi.json", None, &[], None);
    assert_eq!(
        res.header("Strict-Transport-Security"),
        Some("max-age=31536000; includeSubDomains")
    );
}

#[test]
fn cors_is_open_for_the_document_and_closed_for_the_rest_by_default() {
    let s = server();
    let c = Cast::new(&s);
    let origin = [("Origin", "https://elders.example.org")];
    let doc = s.send("GET", "/openapi.json", None, &origin, None);
    doc.expect(200);
    assert_eq!(doc.header("Access-Control-Allow-Origin"), Some("*"));
    let pre = s.send(
        "OPTIONS",
        "/openapi.json",
        None,
        &[origin[0], ("Access-Control-Request-Method", "GET")],
        None,
    );
    pre.expect(204);
    assert_eq!(pre.header("Access-Control-Allow-Origin"), Some("*"));
    let data = s.send("GET", "/instrumenten", Some(&c.admin), &origin, None);
    data.expect(200);
    assert_eq!(data.header("Access-Control-Allow-Origin"), None);
    let pre = s.send(
        "OPTIONS",
        "/instrumenten",
        None,
        &[origin[0], ("Access-Control-Request-Method", "GET")],
        None,
    );
    let p = pre.problem(403);
    assert_eq!(p["type"], "/api/v1/problemen/herkomst-niet-toegestaan");
    assert!(
        p["detail"].as_str().unwrap().contains("CORS_ORIGINS"),
        "{p}"
    );
}

#[test]
fn cors_for_configured_origins() {
    let rules = HttpRules {
        cors_origins: vec!["https://portaal.example.org".to_owned()],
        ..HttpRules::default()
    };
    let s = TestServer::start_with_http(at(2025, 3, 3, 9), rules);
    let c = Cast::new(&s);
    let ok = [("Origin", "https://portaal.example.org")];
    let pre = s.send(
        "OPTIONS",
        "/aanvragen",
        None,
        &[
            ok[0],
            ("Access-Control-Request-Method", "POST"),
            (
                "Access-Control-Request-Headers",
                "authorization, content-type",
            ),
        ],
        None,
    );
    pre.expect(204);
    assert_eq!(
        pre.header("Access-Control-Allow-Origin"),
        Some("https://portaal.example.org")
    );
    assert!(pre
        .header("Access-Control-Allow-Methods")
        .unwrap()
        .contains("POST"));
    assert!(pre
        .header("Access-Control-Allow-Headers")
        .unwrap()
        .contains("Authorization"));
    let res = s.send("GET", "/instrumenten", Some(&c.admin), &ok, None);
    res.expect(200);
    assert_eq!(
        res.header("Access-Control-Allow-Origin"),
        Some("https://portaal.example.org")
    );
    assert!(res
        .header("Access-Control-Expose-Headers")
        .unwrap()
        .contains("ETag"));
    let other = [("Origin", "https://elders.example.org")];
    let res = s.send("GET", "/instrumenten", Some(&c.admin), &other, None);
    assert_eq!(res.header("Access-Control-Allow-Origin"), None);
}

#[test]
fn the_landing_answer_links_the_documentation() {
    let s = server();
    let res = s.send("GET", "", None, &[], None);
    res.expect(200);
    let body = res.json();
    assert_eq!(body["versie"], subsidie_api::API_VERSION);
    assert_eq!(body["links"]["openapi"]["href"], "/api/v1/openapi.json");
    assert_eq!(body["links"]["documentatie"]["href"], "/api/v1/docs/");
    assert_eq!(body["links"]["self"]["href"], "/api/v1");
}

#[test]
fn every_problem_type_resolves_to_its_explanation() {
    let s = server();
    let c = Cast::new(&s);
    let list = s.send("GET", "/problemen", None, &[], None);
    list.expect(200);
    let kinds = list.json()["problemen"].as_array().unwrap().clone();
    assert!(kinds.len() >= 15, "{kinds:?}");
    // Problems of several kinds: each `type` is a path that answers with its explanation.
    let problems = [
        s.get(&c.admin, "/aanvragen/bestaat-niet").problem(404),
        s.get(&c.admin, "/bestaat-niet").problem(404),
        s.send("GET", "/instrumenten", None, &[], None).problem(401),
        s.post(&c.admin, "/aanvragen", json!({})).problem(403),
        s.post(&c.applicant_a, "/aanvragen", json!({})).problem(400),
        s.send("PUT", "/instrumenten", Some(&c.admin), &[], None)
            .problem(405),
    ];
    for p in problems {
        let kind = p["type"].as_str().unwrap();
        let page = s.send(
            "GET",
            &format!("//{}", kind.trim_start_matches('/')),
            None,
            &[],
            None,
        );
        page.expect(200);
        let explained = page.json();
        assert_eq!(explained["type"], kind);
        assert_eq!(explained["status"], p["status"]);
        assert!(explained["uitleg"].as_str().unwrap().len() > 40);
        assert!(kinds.contains(&explained), "{kind} ontbreekt in de lijst");
    }
    s.send("GET", "/problemen/bestaat-niet", None, &[], None)
        .problem(404);
}

#[test]
fn a_body_must_be_an_object() {
    let s = server();
    let c = Cast::new(&s);
    let array = json!(["uitvoering", null, "titel", "x", "1500000.00"]);
    for body in [array, json!("tekst"), json!(5), json!(null), json!(true)] {
        let res = s.post(&c.applicant_a, "/aanvragen", body.clone());
        let p = res.problem(400);
        assert_eq!(res.invalid_params(), vec!["body"], "{body}: {p}");
        assert!(p["detail"].as_str().unwrap().contains("JSON-object"), "{p}");
    }
    let id = common::draft(
        &s,
        &c.applicant_a,
        draft_body("uitvoering", "1500000.00", None),
    );
    let res = s.patch(&c.applicant_a, &format!("/aanvragen/{id}"), json!(["t"]));
    res.problem(400);
    let listed = s.get(&c.applicant_a, "/aanvragen").json();
    assert_eq!(listed["aanvragen"].as_array().unwrap().len(), 1, "{listed}");
}

#[test]
fn an_unknown_reference_in_a_body_is_invalid_input() {
    let s = server();
    let c = Cast::new(&s);
    let res = s.post(
        &c.admin,
        "/toewijzingsrondes",
        json!({ "instrumentId": "bestaat-niet" }),
    );
    res.problem(400);
    assert_eq!(res.invalid_params(), vec!["instrumentId"]);
    let res = s.post(
        &c.admin,
        "/gebruikers",
        json!({ "naam": "Ans", "email": "ans@example.org", "rol": "aanvrager", "organisatieId": "bestaat-niet" }),
    );
    res.problem(400);
    assert_eq!(res.invalid_params(), vec!["organisatieId"]);
}

#[test]
fn a_score_is_any_number_json_schema_calls_an_integer() {
    let s = TestServer::start(at(2025, 5, 1, 9));
    let c = Cast::new(&s);
    let id = common::draft(
        &s,
        &c.applicant_a,
        draft_body("onderzoek", "2000000.00", None),
    );
    s.post(
        &c.applicant_a,
        &format!("/aanvragen/{id}/indieningen"),
        json!({}),
    )
    .expect(200);
    let path = format!("/aanvragen/{id}/scores");
    let res = s.post(&c.reviewer, &path, json!({ "score": 50.5 }));
    res.problem(400);
    assert_eq!(res.invalid_params(), vec!["score"]);
    let scored = s.post(&c.reviewer, &path, json!({ "score": 50.0 }));
    scored.expect(200);
    assert_eq!(scored.json()["score"], json!(50));
}

#[test]
fn an_empty_if_match_asks_nothing_and_a_malformed_one_is_named() {
    let s = server();
    let c = Cast::new(&s);
    let id = common::draft(
        &s,
        &c.applicant_a,
        draft_body("uitvoering", "1500000.00", None),
    );
    let path = format!("/aanvragen/{id}");
    let body = json!({ "titel": "Nieuwe titel" });
    let res = s.send_json(
        "PATCH",
        &path,
        Some(&c.applicant_a),
        &[("If-Match", "7")],
        &body,
    );
    res.problem(400);
    assert_eq!(res.invalid_params(), vec!["If-Match"]);
    s.send_json(
        "PATCH",
        &path,
        Some(&c.applicant_a),
        &[("If-Match", "")],
        &body,
    )
    .expect(200);
}

/// The document states the rules the server applies to input, so a client that follows
/// it is not refused for the form of its request.
#[test]
fn the_document_states_the_input_rules() {
    let doc = subsidie_api::document();
    let schema =
        |name: &str, prop: &str| doc["components"]["schemas"][name]["properties"][prop].clone();
    let titel = schema("NieuweAanvraag", "titel");
    assert_eq!(titel["maxLength"], 200);
    assert_eq!(titel["minLength"], 1);
    assert!(
        titel["pattern"].as_str().unwrap().contains("\\u0000"),
        "{titel}"
    );
    assert_eq!(schema("NieuwToken", "label")["maxLength"], 200);
    assert_eq!(
        schema("NieuweToewijzingsronde", "seed")["pattern"],
        "^[0-9a-f]{64}$"
    );
    assert_eq!(
        schema("NieuweAanvraag", "instrumentId")["pattern"],
        "^[A-Za-z0-9._-]{1,100}$"
    );
    let params = doc["paths"]["/aanvragen/{id}"]["patch"]["parameters"]
        .as_array()
        .unwrap()
        .clone();
    let if_match = params.iter().find(|p| p["name"] == "If-Match").unwrap();
    assert!(if_match["schema"]["pattern"].is_string(), "{if_match}");
    let key = &doc["components"]["parameters"]["IdempotencyKey"]["schema"];
    assert!(
        key["pattern"].is_string() && key.get("example").is_none(),
        "{key}"
    );
    let berichten = doc["paths"]["/berichten"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .clone();
    let status = berichten.iter().find(|p| p["name"] == "status").unwrap();
    assert_eq!(
        status["schema"]["enum"],
        json!(["mislukt", "wachtend", "opnieuw_te_proberen"])
    );
}
