//! Money to pay for the finance pages' tests: granted applications whose advances are
//! due, made through the same use cases as the API (no shortcuts in the database).

use subsidie_domain::Money;
use subsidie_service::application::{self, Action, NewApplication};
use subsidie_service::{allocation, Actor, Role};

use super::{TestServer, User};

/// The people of a finance test.
pub struct Finance {
    pub applicants: Vec<(User, Actor)>,
    pub reviewer: Actor,
    pub finance: User,
}

impl Finance {
    /// Applicants in `regions` (one organisation each), a reviewer and a finance user.
    pub fn cast(server: &TestServer, regions: &[&str]) -> Finance {
        let applicants = regions
            .iter()
            .map(|r| {
                let email = format!("info@{r}.example.org");
                let org = server.organisation(r, &email);
                let user = server.user(
                    &format!("Aanvrager {r}"),
                    &email,
                    Role::Applicant,
                    Some(&org),
                );
                let actor = Actor::user(user.id.clone(), Role::Applicant, Some(org));
                (user, actor)
            })
            .collect();
        let reviewer = server.user(
            "Pieter Jansen",
            "pieter@zonmw.example.nl",
            Role::Reviewer,
            None,
        );
        let finance = server.user(
            "Femke Bakker",
            "femke@zonmw.example.nl",
            Role::Finance,
            None,
        );
        Finance {
            applicants,
            reviewer: Actor::user(reviewer.id, Role::Reviewer, None),
            finance,
        }
    }

    /// Every applicant asks `euros` under `uitvoering`; all are allocated and granted in
    /// full, which schedules each advance. The application ids, in the cast's order.
    pub fn grant_all(&self, server: &TestServer, euros: &str) -> Vec<String> {
        let now = server.clock.now();
        let amount = Money::parse(euros).unwrap();
        let ids: Vec<String> = self
            .applicants
            .iter()
            .enumerate()
            .map(|(i, (_, actor))| {
                let new = NewApplication {
                    instrument_id: "uitvoering".into(),
                    discipline_id: None,
                    title: format!("Wijkverband {i}"),
                    description: "Samenwerking in de eerste lijn.".into(),
                    requested: amount,
                };
                let draft = application::create_draft(&server.pool, actor, &new, now).unwrap();
                super::attach_required(&server.pool, actor, &draft.id, now);
                application::execute(&server.pool, actor, &draft.id, None, &Action::Submit, now)
                    .unwrap();
                draft.id
            })
            .collect();
        allocation::run(&server.pool, &Actor::system(), "uitvoering", None, now).unwrap();
        for id in &ids {
            let r = &self.reviewer;
            application::execute(&server.pool, r, id, None, &Action::StartReview, now).unwrap();
            let grant = Action::Grant {
                amount,
                motivation: "Voldoet aan de criteria.".into(),
            };
            application::execute(&server.pool, r, id, None, &grant, now).unwrap();
        }
        ids
    }

    /// The grantee of application `index` reports on it.
    pub fn report(&self, server: &TestServer, index: usize, id: &str) {
        let action = Action::Report {
            summary: "Alles is uitgevoerd zoals gepland.".into(),
        };
        let actor = &self.applicants[index].1;
        application::execute(&server.pool, actor, id, None, &action, server.clock.now()).unwrap();
    }
}
