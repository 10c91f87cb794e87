//! The role × endpoint matrix (DESIGN §6), table-driven: for every endpoint, each role
//! either may (2xx) or is refused with the status the table says — 403 for a role that
//! may not, 404 for an applicant asking about another organisation's application (its
//! existence does not leak) and for anyone but the applicant asking about a draft. A
//! refused request changes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use common::{
    allocate, at, draft, draft_body, failed_message, status_of, submitted, Cast, TestServer, User,
};
use serde_json::{json, Value};
use subsidie_service::{payments, Role};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    /// The applicant whose organisation owns the application.
    Own,
    /// An applicant of another organisation.
    Other,
    Reviewer,
    Finance,
    Admin,
}

const ALL: [Who; 5] = [
    Who::Own,
    Who::Other,
    Who::Reviewer,
    Who::Finance,
    Who::Admin,
];

/// What the `{id}` of a case is, and in which state the application is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Nothing,
    Draft,
    Submitted,
    Reserved,
    UnderReview,
    SupplementRequested,
    Granted,
    Reported,
    SettledAndPaid,
    ResearchSubmitted,
    Run,
    Reviewer2,
    FailedMessage,
}

/// One operation: method, path, what it acts on, its body, who may (and the status they
/// get), and who is refused (and how).
type Case = (
    &'static str,
    &'static str,
    Target,
    Option<Value>,
    &'static [Who],
    u16,
    &'static [(Who, u16)],
);

use Who::{Admin, Finance, Other, Own, Reviewer};

const APPLICANT_ONLY_ON_DRAFT: &[(Who, u16)] =
    &[(Other, 404), (Reviewer, 404), (Finance, 404), (Admin, 404)];
const APPLICANT_ONLY: &[(Who, u16)] =
    &[(Other, 404), (Reviewer, 403), (Finance, 403), (Admin, 403)];
const REVIEWER_ONLY: &[(Who, u16)] = &[(Own, 403), (Other, 404), (Finance, 403), (Admin, 403)];
const FINANCE_ONLY: &[(Who, u16)] = &[(Own, 403), (Other, 404), (Reviewer, 403), (Admin, 403)];
const ADMIN_ONLY: &[(Who, u16)] = &[(Own, 403), (Other, 403), (Reviewer, 403), (Finance, 403)];
const NOT_APPLICANTS: &[(Who, u16)] = &[(Own, 403), (Other, 403), (Reviewer, 403)];
const HIDDEN_FROM_OTHERS: &[(Who, u16)] = &[(Other, 404)];
const VISIBLE_TO_ALL_BUT_OTHERS: &[Who] = &[Own, Reviewer, Finance, Admin];

/// A read that everyone may do.
fn public(path: &'static str) -> Case {
    ("GET", path, Target::Nothing, None, &ALL, 200, &[])
}

/// A read of an application that everyone but other organisations may do.
fn hidden_from_others(path: &'static str, target: Target) -> Case {
    (
        "GET",
        path,
        target,
        None,
        VISIBLE_TO_ALL_BUT_OTHERS,
        200,
        HIDDEN_FROM_OTHERS,
    )
}

fn cases() -> Vec<Case> {
    let grant = json!({"besluit": "honoreren", "bedrag": "1000000.00", "motivering": "Voldoet."});
    vec![
        // Reference data: everyone.
        public("/programmas"),
        public("/instrumenten"),
        public("/instrumenten/uitvoering"),
        public("/regios"),
        public("/disciplines"),
        public("/aanvragen"),
        // Drafts: only the applicant, and nobody else even sees them.
        (
            "POST",
            "/aanvragen",
            Target::Nothing,
            Some(draft_body("onderzoek", "300000.00", None)),
            &[Own, Other],
            201,
            &[(Reviewer, 403), (Finance, 403), (Admin, 403)],
        ),
        (
            "GET",
            "/aanvragen/{id}",
            Target::Draft,
            None,
            &[Own],
            200,
            APPLICANT_ONLY_ON_DRAFT,
        ),
        (
            "PATCH",
            "/aanvragen/{id}",
            Target::Draft,
            Some(json!({"titel": "Gewijzigd"})),
            &[Own],
            200,
            APPLICANT_ONLY_ON_DRAFT,
        ),
        (
            "DELETE",
            "/aanvragen/{id}",
            Target::Draft,
            None,
            &[Own],
            204,
            APPLICANT_ONLY_ON_DRAFT,
        ),
        (
            "POST",
            "/aanvragen/{id}/indieningen",
            Target::Draft,
            Some(json!({})),
            &[Own],
            200,
            APPLICANT_ONLY_ON_DRAFT,
        ),
        // Reading a submitted application: all but other organisations.
        hidden_from_others("/aanvragen/{id}", Target::Submitted),
        hidden_from_others("/aanvragen/{id}/historie", Target::Submitted),
        hidden_from_others("/aanvragen/{id}/betalingen", Target::Granted),
        hidden_from_others("/aanvragen/{id}/bezwaren", Target::Granted),
        // The applicant's commands.
        (
            "POST",
            "/aanvragen/{id}/intrekkingen",
            Target::Submitted,
            Some(json!({})),
            &[Own],
            200,
            APPLICANT_ONLY,
        ),
        (
            "POST",
            "/aanvragen/{id}/aanvullingen",
            Target::SupplementRequested,
            Some(json!({"toelichting": "Bijgevoegd."})),
            &[Own],
            200,
            APPLICANT_ONLY,
        ),
        (
            "POST",
            "/aanvragen/{id}/verantwoordingen",
            Target::Granted,
            Some(json!({"samenvatting": "Verslag."})),
            &[Own],
            200,
            APPLICANT_ONLY,
        ),
        (
            "POST",
            "/aanvragen/{id}/afzieningen",
            Target::Granted,
            Some(json!({})),
            &[Own],
            200,
            APPLICANT_ONLY,
        ),
        (
            "POST",
            "/aanvragen/{id}/bezwaren",
            Target::Granted,
            Some(json!({"gronden": "Te laag."})),
            &[Own],
            201,
            APPLICANT_ONLY,
        ),
        // The reviewer's.
        (
            "POST",
            "/aanvragen/{id}/beoordelingen",
            Target::Reserved,
            Some(json!({"besluit": "starten"})),
            &[Reviewer],
            200,
            REVIEWER_ONLY,
        ),
        (
            "POST",
            "/aanvragen/{id}/beoordelingen",
            Target::UnderReview,
            Some(json!({"besluit": "aanvulling-vragen", "aanvulling": "Begroting."})),
            &[Reviewer],
            200,
            REVIEWER_ONLY,
        ),
        (
            "POST",
            "/aanvragen/{id}/beoordelingen",
            Target::UnderReview,
            Some(grant.clone()),
            &[Reviewer],
            200,
            REVIEWER_ONLY,
        ),
        (
            "POST",
            "/aanvragen/{id}/beoordelingen",
            Target::UnderReview,
            Some(json!({"besluit": "afwijzen", "motivering": "Onvoldoende."})),
            &[Reviewer],
            200,
            REVIEWER_ONLY,
        ),
        (
            "POST",
            "/aanvragen/{id}/scores",
            Target::ResearchSubmitted,
            Some(json!({"score": 75})),
            &[Reviewer],
            200,
            &[(Own, 403), (Other, 403), (Finance, 403), (Admin, 403)],
        ),
        // Finance's.
        (
            "POST",
            "/aanvragen/{id}/vaststellingen",
            Target::Reported,
            Some(json!({"bedrag": "900000.00", "motivering": "Conform verslag."})),
            &[Finance],
            200,
            FINANCE_ONLY,
        ),
        (
            "POST",
            "/aanvragen/{id}/afsluitingen",
            Target::SettledAndPaid,
            Some(json!({})),
            &[Finance],
            200,
            FINANCE_ONLY,
        ),
        (
            "GET",
            "/betalingen",
            Target::Nothing,
            None,
            &[Finance, Admin],
            200,
            NOT_APPLICANTS,
        ),
        (
            "GET",
            "/grootboekcontrole",
            Target::Nothing,
            None,
            &[Finance, Admin],
            200,
            NOT_APPLICANTS,
        ),
        // The administrator's.
        (
            "POST",
            "/toewijzingsrondes",
            Target::Nothing,
            Some(json!({"instrumentId": "uitvoering", "seed": common::SEED})),
            &[Admin],
            201,
            ADMIN_ONLY,
        ),
        (
            "GET",
            "/toewijzingsrondes/{id}",
            Target::Run,
            None,
            &[Reviewer, Finance, Admin],
            200,
            &[(Own, 403), (Other, 403)],
        ),
        (
            "POST",
            "/instrumenten/voorbereiding/wachtlijst-sluitingen",
            Target::Nothing,
            Some(json!({})),
            &[Admin],
            200,
            ADMIN_ONLY,
        ),
        (
            "POST",
            "/organisaties",
            Target::Nothing,
            Some(
                json!({"naam": "Stichting Zorg Zuid", "regioId": "r50", "iban": "NL91ABNA0417164300", "email": "info@zorgzuid.example.org"}),
            ),
            &[Admin],
            201,
            ADMIN_ONLY,
        ),
        (
            "POST",
            "/gebruikers",
            Target::Nothing,
            Some(
                json!({"naam": "B. Jansen", "email": "b.jansen@example.org", "rol": "beoordelaar"}),
            ),
            &[Admin],
            201,
            ADMIN_ONLY,
        ),
        (
            "POST",
            "/gebruikers/{id}/tokens",
            Target::Reviewer2,
            Some(json!({"label": "koppeling"})),
            &[Admin],
            201,
            ADMIN_ONLY,
        ),
        // A conflict of interest: the reviewer concerned or an administrator; not another
        // reviewer (the subject here is the second reviewer).
        (
            "POST",
            "/gebruikers/{id}/belangenconflicten",
            Target::Reviewer2,
            Some(json!({"regioId": "r07"})),
            &[Admin],
            201,
            &[(Own, 403), (Other, 403), (Reviewer, 403), (Finance, 403)],
        ),
        // The e-mail outbox.
        (
            "GET",
            "/berichten",
            Target::Nothing,
            None,
            &[Admin],
            200,
            ADMIN_ONLY,
        ),
        (
            "POST",
            "/berichten/{id}/herverzendingen",
            Target::FailedMessage,
            Some(json!({})),
            &[Admin],
            200,
            ADMIN_ONLY,
        ),
    ]
}

struct World {
    s: TestServer,
    cast: Cast,
    next_region: std::cell::Cell<u32>,
}

impl World {
    fn user(&self, who: Who, own: &User) -> User {
        match who {
            Own => own.clone(),
            Other => self.cast.applicant_b.clone(),
            Reviewer => self.cast.reviewer.clone(),
            Finance => self.cast.finance.clone(),
            Admin => self.cast.admin.clone(),
        }
    }

    /// A fresh applicant in a region of its own (so per-region rules never collide).
    fn applicant(&self) -> User {
        let n = self.next_region.get();
        self.next_region.set(n + 1);
        let org = self.s.organisation(&format!("r{n:02}"));
        self.s.user(Role::Applicant, Some(&org))
    }

    fn pay_due(&self) {
        let now = self.s.clock.now();
        let actor = self.cast.finance.actor();
        if let Ok(run) = payments::create_run(&self.s.pool, &actor, now.date_naive(), now) {
            payments::mark_run_paid(&self.s.pool, &actor, &run.id, now).unwrap();
        }
    }

    /// Brings a fresh application to the target state; returns its id and its applicant.
    fn prepare(&self, target: Target) -> (String, User) {
        let s = &self.s;
        let c = &self.cast;
        let own = self.applicant();
        let id = match target {
            Target::Nothing => String::new(),
            Target::Run => {
                let run = allocate(s, &c.admin, "uitvoering");
                run["id"].as_str().unwrap().to_owned()
            }
            Target::Reviewer2 => c.reviewer2.id.clone(),
            Target::FailedMessage => failed_message(s),
            Target::ResearchSubmitted => {
                submitted(s, &own, draft_body("onderzoek", "300000.00", None))
            }
            _ => {
                let id = draft(s, &own, draft_body("uitvoering", "1000000.00", None));
                let steps: &[Target] = &[
                    Target::Submitted,
                    Target::Reserved,
                    Target::UnderReview,
                    Target::Granted,
                    Target::Reported,
                    Target::SettledAndPaid,
                ];
                let review = |body: Value| {
                    s.post(
                        &c.reviewer2,
                        &format!("/aanvragen/{id}/beoordelingen"),
                        body,
                    )
                    .expect(200);
                };
                for step in steps {
                    if target == Target::Draft {
                        break;
                    }
                    match step {
                        Target::Submitted => {
                            s.post(&own, &format!("/aanvragen/{id}/indieningen"), json!({}))
                                .expect(200);
                        }
                        Target::Reserved => {
                            allocate(s, &c.admin, "uitvoering");
                        }
                        Target::UnderReview => review(json!({"besluit": "starten"})),
                        Target::Granted => {
                            if target == Target::SupplementRequested {
                                review(
                                    json!({"besluit": "aanvulling-vragen", "aanvulling": "Begroting."}),
                                );
                                break;
                            }
                            review(
                                json!({"besluit": "honoreren", "bedrag": "1000000.00", "motivering": "Voldoet."}),
                            );
                        }
                        Target::Reported => {
                            s.post(
                                &own,
                                &format!("/aanvragen/{id}/verantwoordingen"),
                                json!({"samenvatting": "Verslag."}),
                            )
                            .expect(200);
                        }
                        Target::SettledAndPaid => {
                            self.pay_due();
                            s.post(
                                &c.finance,
                                &format!("/aanvragen/{id}/vaststellingen"),
                                json!({"bedrag": "1000000.00", "motivering": "Conform."}),
                            )
                            .expect(200);
                            self.pay_due();
                        }
                        _ => {}
                    }
                    if *step == target {
                        break;
                    }
                }
                id
            }
        };
        (id, own)
    }
}

/// The state of an application as its own applicant sees it, or a marker when it is gone.
/// Sends one case's request, with its JSON body when it has one.
fn send(
    s: &TestServer,
    method: &str,
    path: &str,
    user: &User,
    body: Option<&Value>,
) -> common::Response {
    match body {
        Some(b) => s.send_json(method, path, Some(user), &[], b),
        None => s.send(method, path, Some(user), &[], None),
    }
}

fn snapshot(w: &World, own: &User, id: &str) -> Value {
    let res = w.s.get(own, &format!("/aanvragen/{id}"));
    if res.status == 404 {
        return json!("weg");
    }
    let app = res.json();
    json!([app["status"], app["versie"], app["titel"]])
}

#[test]
fn every_role_on_every_endpoint() {
    let s = TestServer::start(at(2025, 5, 1, 9));
    let cast = Cast::new(&s);
    let w = World {
        s,
        cast,
        next_region: std::cell::Cell::new(10),
    };
    let mut failures = Vec::new();
    let mut checked = 0;
    for (method, case_path, target, body, allowed, ok, refused) in cases() {
        let label = format!("{method} {case_path} ({target:?})");
        // Everyone refused, on one application; it must not change.
        let (id, own) = w.prepare(target);
        let path = case_path.replace("{id}", &id);
        let is_application = path.starts_with("/aanvragen/") && !id.is_empty();
        let before = is_application.then(|| snapshot(&w, &own, &id));
        for (who, status) in refused {
            let user = w.user(*who, &own);
            let res = send(&w.s, method, &path, &user, body.as_ref());
            checked += 1;
            if res.status != *status {
                failures.push(format!(
                    "{label} als {who:?}: verwacht {status}, kreeg {} {}",
                    res.status,
                    res.text()
                ));
            } else if res.header("Content-Type") != Some("application/problem+json") {
                failures.push(format!("{label} als {who:?}: geen problem+json"));
            }
        }
        if let Some(before) = before {
            let after = snapshot(&w, &own, &id);
            if before != after {
                failures.push(format!(
                    "{label}: geweigerde verzoeken veranderden {before} in {after}"
                ));
            }
        }
        // Everyone allowed, each on a fresh application when it changes something.
        for (i, who) in allowed.iter().enumerate() {
            let (id, own) = if i == 0 || method == "GET" {
                (id.clone(), own.clone())
            } else {
                w.prepare(target)
            };
            let path = case_path.replace("{id}", &id);
            let user = w.user(*who, &own);
            let res = send(&w.s, method, &path, &user, body.as_ref());
            checked += 1;
            if res.status != ok {
                failures.push(format!(
                    "{label} als {who:?}: verwacht {}, kreeg {} {}",
                    ok,
                    res.status,
                    res.text()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} van {checked} fout:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked > 120, "{checked}");
}

#[test]
fn a_reviewer_with_a_conflict_of_interest_decides_nothing_in_that_region() {
    let s = TestServer::start(at(2025, 5, 1, 9));
    let c = Cast::new(&s);
    // Declared by the reviewer concerned (the administrator may too, see the matrix).
    s.post(
        &c.reviewer,
        &format!("/gebruikers/{}/belangenconflicten", c.reviewer.id),
        json!({"regioId": "r01"}),
    )
    .expect(201);
    // An unknown region or user is a clear refusal, not a database error.
    let res = s.post(
        &c.reviewer,
        &format!("/gebruikers/{}/belangenconflicten", c.reviewer.id),
        json!({"regioId": "r99"}),
    );
    res.problem(400);
    assert_eq!(res.invalid_params(), vec!["regioId"]);
    s.post(
        &c.admin,
        "/gebruikers/bestaat-niet/belangenconflicten",
        json!({"regioId": "r01"}),
    )
    .problem(404);
    s.post(
        &c.admin,
        &format!("/gebruikers/{}/belangenconflicten", c.finance.id),
        json!({"regioId": "r01"}),
    )
    .problem(409);

    let id = submitted(
        &s,
        &c.applicant_a,
        draft_body("uitvoering", "1000000.00", None),
    );
    allocate(&s, &c.admin, "uitvoering");
    for body in [
        json!({"besluit": "starten"}),
        json!({"besluit": "afwijzen", "motivering": "Nee."}),
    ] {
        s.post(&c.reviewer, &format!("/aanvragen/{id}/beoordelingen"), body)
            .problem(403);
    }
    assert_eq!(status_of(&s, &c.applicant_a, &id), "gereserveerd");
    // Another region is fine.
    let other = submitted(
        &s,
        &c.applicant_b,
        draft_body("uitvoering", "1000000.00", None),
    );
    allocate(&s, &c.admin, "uitvoering");
    s.post(
        &c.reviewer,
        &format!("/aanvragen/{other}/beoordelingen"),
        json!({"besluit": "starten"}),
    )
    .expect(200);
}

#[test]
fn admin_creates_organisations_users_and_tokens_that_work() {
    let s = TestServer::start(at(2025, 5, 1, 9));
    let c = Cast::new(&s);
    let org = s
        .post(
            &c.admin,
            "/organisaties",
            json!({"naam": "Stichting Zorg Noord", "regioId": "r05", "iban": "NL91ABNA0417164300", "email": "info@zorgnoord.example.org"}),
        )
        .expect(201)
        .json();
    let bad = s.post(
        &c.admin,
        "/organisaties",
        json!({"naam": "", "regioId": "r05", "iban": "NL00ABNA0000000000", "email": "geen-adres"}),
    );
    bad.problem(400);
    assert_eq!(bad.invalid_params(), vec!["naam", "iban", "email"]);
    let res = s.post(
        &c.admin,
        "/organisaties",
        json!({"naam": "X", "regioId": "r99", "iban": "NL91ABNA0417164300", "email": "x@example.org"}),
    );
    res.problem(400);
    assert_eq!(res.invalid_params(), vec!["regioId"]);

    let user = s
        .post(
            &c.admin,
            "/gebruikers",
            json!({"naam": "C. de Boer", "email": "c.deboer@example.org", "rol": "aanvrager", "organisatieId": org["id"]}),
        )
        .expect(201)
        .json();
    assert_eq!(user["rol"], json!("aanvrager"));
    let res = s.post(
        &c.admin,
        "/gebruikers",
        json!({"naam": "D", "email": "d@example.org", "rol": "aanvrager"}),
    );
    res.problem(400);
    assert_eq!(res.invalid_params(), vec!["organisatieId"]);
    let res = s.post(
        &c.admin,
        "/gebruikers",
        json!({"naam": "D", "email": "d@example.org", "rol": "koning"}),
    );
    res.problem(400);
    assert_eq!(res.invalid_params(), vec!["rol"]);

    let token = s
        .send(
            "POST",
            &format!("/gebruikers/{}/tokens", user["id"].as_str().unwrap()),
            Some(&c.admin),
            &[],
            None,
        )
        .expect(201)
        .json();
    let new_user = User {
        id: user["id"].as_str().unwrap().to_owned(),
        token: token["token"].as_str().unwrap().to_owned(),
        role: Role::Applicant,
        organisation: org["id"].as_str().map(str::to_owned),
    };
    let app = s
        .post(
            &new_user,
            "/aanvragen",
            draft_body("uitvoering", "1000000.00", None),
        )
        .expect(201)
        .json();
    assert_eq!(app["regioId"], json!("r05"));
    s.post(&c.admin, "/gebruikers/bestaat-niet/tokens", json!({}))
        .problem(404);
}
