//! The letters about an objection: to the applicant's organisation, queued in the
//! transaction of the step they report.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use subsidie_domain::deadlines;
use subsidie_domain::letters::{ObjectionLetter, Template};
use subsidie_domain::objection::ObjectionState;
use subsidie_store::rows::{ApplicationRow, ObjectionRow, OrganisationRow};
use subsidie_store::schema::{instruments, organisations};
use subsidie_store::DbConnection;

use super::outcome::NewDecision;
use crate::convert::{money, new_id};
use crate::error::ServiceError;
use crate::outbox::letterhead::frame;
use crate::outbox::queue::{insert_all, Mail};

/// The contested decision, in the words of a letter.
pub(super) fn decision_in_words(command: &str) -> &'static str {
    match command {
        "afwijzen" => "het besluit tot afwijzing",
        "wachtlijst_sluiten" => "het besluit tot afwijzing omdat het subsidieplafond is bereikt",
        "buiten_behandeling_stellen" => "het besluit de aanvraag buiten behandeling te stellen",
        "honoreren" => "het besluit tot subsidieverlening",
        "vaststellen" => "het besluit tot vaststelling van de subsidie",
        "wijziging_toekennen" => "het besluit op uw wijzigingsverzoek",
        "wijziging_weigeren" => "het besluit tot afwijzing van uw wijzigingsverzoek",
        "verlening_intrekken" => "het besluit tot intrekking van de subsidie",
        "verlening_verlagen" => "het besluit tot verlaging van de subsidie",
        _ => "het besluit",
    }
}

/// Queues the letter `template` about `objection` on `app`.
pub(super) fn queue(
    conn: &mut DbConnection,
    app: &ApplicationRow,
    objection: &ObjectionRow,
    template: Template,
    new_decision: &NewDecision,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let org: OrganisationRow = organisations::table
        .find(&app.organisation_id)
        .select(OrganisationRow::as_select())
        .first(conn)?;
    let regeling: String = instruments::table
        .find(&app.instrument_id)
        .select(instruments::name)
        .first(conn)?;
    let outcome: Option<ObjectionState> = objection
        .state
        .parse()
        .ok()
        .filter(|s: &ObjectionState| s.is_decided());
    let founded = outcome == Some(ObjectionState::Founded);
    let letter = ObjectionLetter {
        referentie: app.reference.clone(),
        titel: app.title.clone(),
        organisatie: org.name.clone(),
        regeling,
        besluit: decision_in_words(&objection.decision).to_owned(),
        ingediend_op: objection.submitted_at.and_utc(),
        beslissen_uiterlijk: objection
            .due_on
            .ok_or_else(|| ServiceError::Internal("bezwaar zonder beslistermijn".into()))?,
        herstel: objection.mend_request.clone(),
        herstellen_uiterlijk: objection.mend_due_on,
        uitkomst: outcome,
        motivering: objection.motivation.clone(),
        verleend: (founded && app.granted_cents > 0 && new_decision.settled.is_none())
            .then(|| money(app.granted_cents))
            .transpose()?,
        vorig_bedrag: new_decision.previous,
        vastgesteld: new_decision.settled,
        nabetaling: new_decision.paid_now,
        nieuw_besluit: new_decision.kind.map(str::to_owned),
        verantwoording_uiterlijk: new_decision.accounting_due_on,
        wachtlijstpositie: if founded { app.waitlist_position } else { None },
        hoorzitting: objection.hearing.clone(),
        beroep_uiterlijk: outcome
            .map(|_| deadlines::objection_deadline(deadlines::amsterdam_date(now)))
            .transpose()
            .map_err(|e| ServiceError::Internal(e.to_string()))?,
        brief: Some(frame(template, now)),
    };
    let mail = Mail::new(new_id(), Some(&app.id), &org.email, template, &letter, now)?;
    insert_all(conn, &[mail])?;
    Ok(())
}
