//! The administrator's pages under `/beheer`: allocation rounds with their lottery, closing
//! a waiting list, programme changes (a ceiling, a window, a new instrument), users with
//! their tokens and conflicts of interest, organisations with their history, and the
//! e-mail outbox. Like every page they call the use cases of
//! `subsidie-service` (the ones the administration API calls), never the API itself.

use actix_web::{web, HttpRequest, HttpResponse};
use subsidie_service::{Actor, Role, ServiceError};

use crate::failure::Failure;
use crate::session::Visitor;
use crate::PortalState;

mod allocation;
mod jobs;
mod new_instrument;
mod organisations;
mod outbox;
mod programme;
mod users;

type Page = Result<HttpResponse, Failure>;

/// Registers the pages under `/beheer`.
pub(crate) fn register(cfg: &mut web::ServiceConfig) {
    cfg.route("/beheer", web::get().to(allocation::overview))
        .route(
            "/beheer/toewijzingsrondes",
            web::post().to(allocation::start),
        )
        .route(
            "/beheer/toewijzingsrondes/{id}",
            web::get().to(allocation::show_run),
        )
        .route("/beheer/taken/{id}", web::get().to(allocation::task))
        .route("/beheer/regelingen/{id}", web::get().to(programme::show))
        .route(
            "/beheer/regelingen/{id}/plafond",
            web::post().to(programme::change_ceiling),
        )
        .route(
            "/beheer/regelingen/{id}/openstelling",
            web::post().to(programme::change_window),
        )
        .route(
            "/beheer/programmas/{id}/regeling-toevoegen",
            web::get().to(new_instrument::show),
        )
        .route(
            "/beheer/programmas/{id}/regelingen",
            web::post().to(new_instrument::add),
        )
        .route(
            "/beheer/regelingen/{id}/wachtlijst-sluiten",
            web::get().to(allocation::confirm_close),
        )
        .route(
            "/beheer/regelingen/{id}/wachtlijst-sluiten",
            web::post().to(allocation::close),
        )
        .route("/beheer/gebruikers", web::get().to(users::list))
        .route("/beheer/gebruikers", web::post().to(users::create))
        .route("/beheer/gebruikers/{id}", web::get().to(users::show))
        .route(
            "/beheer/gebruikers/{id}/tokens",
            web::post().to(users::issue_token),
        )
        .route(
            "/beheer/gebruikers/{id}/belangenconflicten",
            web::post().to(users::declare_conflict),
        )
        .route(
            "/beheer/gebruikers/{id}/deactiveren",
            web::post().to(users::deactivate),
        )
        .route(
            "/beheer/tokens/{id}/intrekken",
            web::post().to(users::revoke_token),
        )
        .route("/beheer/organisaties", web::get().to(organisations::list))
        .route(
            "/beheer/organisaties/{id}",
            web::get().to(organisations::show),
        )
        .route(
            "/beheer/organisaties/{id}",
            web::post().to(organisations::change),
        )
        .route("/beheer/berichten", web::get().to(outbox::overview))
        .route(
            "/beheer/berichten/{id}/opnieuw",
            web::post().to(outbox::retry),
        );
}

/// The visitor of an administrator's page and their actor; anyone else is refused with
/// a page that says whose pages these are.
async fn administrator(
    req: &HttpRequest,
    state: &PortalState,
) -> Result<(Visitor, Actor), Failure> {
    let visitor = Visitor::of(req, state).await?;
    let actor = visitor.signed_in()?.actor.clone();
    if actor.role != Role::Admin {
        return Err(ServiceError::Forbidden(format!(
            "deze pagina is er voor beheerders; u bent {}",
            crate::session::role_words(actor.role)
        ))
        .into());
    }
    Ok((visitor, actor))
}

/// A query's `gedaan` flag: which confirmation to show after a redirect.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct Done {
    #[serde(default)]
    gedaan: String,
    /// How many the action concerned, where the confirmation names a number.
    #[serde(default)]
    aantal: Option<usize>,
}
