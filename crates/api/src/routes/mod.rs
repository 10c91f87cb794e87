//! The resources of `/api/v1` and their methods. A method a resource does not have
//! answers 405 with `Allow`; a path that is no resource answers 404 (see `lib.rs`).

use actix_web::{web, HttpRequest, HttpResponse, Resource};

use crate::problem::ApiError;

pub mod admin;
pub mod administration;
pub mod amendments;
pub mod applications;
pub mod decisions;
pub mod documents;
pub mod finance;
pub mod late;
pub mod meta;
pub mod objections;
pub mod outbox;
pub mod partners;
pub mod programme;
pub mod reference;
pub mod reports;
pub mod review;
pub mod runs;

/// A resource whose other methods answer 405 naming the allowed ones.
fn resource(path: &str, allow: &'static str) -> Resource {
    web::resource(path).default_service(web::to(move |req: HttpRequest| async move {
        Err::<HttpResponse, ApiError>(ApiError::method_not_allowed(req.method().as_str(), allow))
    }))
}

/// Registers the public documentation resources: the landing answer and the problem
/// pages (paths relative to `/api/v1`).
pub fn register_documentation(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("", "GET").route(web::get().to(meta::ingang)))
        .service(resource("/", "GET").route(web::get().to(meta::ingang)))
        .service(resource("/problemen", "GET").route(web::get().to(meta::problemen)))
        .service(resource("/problemen/{soort}", "GET").route(web::get().to(meta::probleem)));
}

/// The consortium of an application.
fn register_partners(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/aanvragen/{id}/partners", "GET, PUT")
            .route(web::get().to(partners::ophalen))
            .route(web::put().to(partners::opgeven)),
    );
}

/// Registers every resource of the API (paths relative to `/api/v1`).
pub fn register(cfg: &mut web::ServiceConfig) {
    use applications as ap;
    use finance as fi;
    use programme as pg;
    use reference as re;
    use reports as rp;
    use review as rv;
    use runs as ru;
    cfg.service(resource("/programmas", "GET").route(web::get().to(re::programmas)))
        .service(resource("/instrumenten", "GET").route(web::get().to(re::instrumenten)))
        .service(resource("/instrumenten/{id}", "GET").route(web::get().to(re::instrument)))
        .service(
            resource("/instrumenten/{id}/lotingen", "GET").route(web::get().to(admin::lotingen)),
        )
        .service(
            resource("/instrumenten/{id}/wachtlijst-sluitingen", "POST")
                .route(web::post().to(admin::wachtlijst_sluiten)),
        )
        .configure(pg::register)
        .service(resource("/regios", "GET").route(web::get().to(re::regios)))
        .service(resource("/disciplines", "GET").route(web::get().to(re::disciplines)))
        .service(
            resource("/aanvragen", "GET, POST")
                .route(web::get().to(ap::zoeken))
                .route(web::post().to(ap::opstellen)),
        )
        .service(
            resource("/aanvragen/{id}", "GET, PATCH, DELETE")
                .route(web::get().to(ap::ophalen))
                .route(web::patch().to(ap::wijzigen))
                .route(web::delete().to(ap::verwijderen)),
        )
        .service(
            resource("/aanvragen/{id}/indieningen", "POST").route(web::post().to(ap::indienen)),
        )
        .service(
            resource("/aanvragen/{id}/beoordelingen", "POST").route(web::post().to(rv::beoordelen)),
        )
        .service(resource("/aanvragen/{id}/scores", "POST").route(web::post().to(rv::scoren)))
        .service(
            resource("/aanvragen/{id}/aanvullingen", "POST").route(web::post().to(ap::aanvullen)),
        )
        .service(
            resource("/aanvragen/{id}/intrekkingen", "POST").route(web::post().to(ap::intrekken)),
        )
        .service(
            resource("/aanvragen/{id}/verantwoordingen", "POST")
                .route(web::post().to(ap::verantwoorden)),
        )
        .service(
            resource("/aanvragen/{id}/vaststellingen", "POST")
                .route(web::post().to(ap::vaststellen)),
        )
        .service(
            resource("/aanvragen/{id}/afsluitingen", "POST").route(web::post().to(ap::afsluiten)),
        )
        .service(resource("/aanvragen/{id}/afzieningen", "POST").route(web::post().to(ap::afzien)))
        .service(
            resource("/aanvragen/{id}/beslistermijnverlengingen", "POST")
                .route(web::post().to(late::beslistermijn_verlengen)),
        )
        .service(
            resource("/aanvragen/{id}/bezwaren", "GET, POST")
                .route(web::get().to(ap::bezwaren))
                .route(web::post().to(ap::bezwaar_maken)),
        )
        .service(resource("/aanvragen/{id}/historie", "GET").route(web::get().to(ap::historie)))
        .service(
            resource("/aanvragen/{id}/documenten", "GET, POST")
                .route(web::get().to(documents::lijst))
                .route(web::post().to(documents::toevoegen)),
        )
        .service(
            resource("/aanvragen/{id}/documenten/{documentId}", "GET, DELETE")
                .route(web::get().to(documents::downloaden))
                .route(web::delete().to(documents::verwijderen)),
        )
        .configure(register_partners)
        .service(
            resource("/aanvragen/{id}/besluiten", "GET").route(web::get().to(decisions::lijst)),
        )
        .service(
            resource("/aanvragen/{id}/besluiten/{besluitId}", "GET")
                .route(web::get().to(decisions::downloaden)),
        )
        .configure(register_objections)
        .configure(register_after_grant)
        .service(
            resource("/aanvragen/{id}/betalingen", "GET").route(web::get().to(fi::van_aanvraag)),
        )
        .service(resource("/betalingen", "GET").route(web::get().to(fi::zoeken)))
        .service(
            resource("/betalingen/{id}/mislukkingen", "POST").route(web::post().to(ru::mislukt)),
        )
        .service(
            resource("/betalingen/{id}/terugontvangsten", "POST")
                .route(web::post().to(ru::terugontvangen)),
        )
        .service(
            resource("/betaalrondes", "GET, POST")
                .route(web::get().to(ru::zoeken))
                .route(web::post().to(ru::maken)),
        )
        .service(resource("/betaalrondes/{id}", "GET").route(web::get().to(ru::ophalen)))
        .service(resource("/betaalrondes/{id}/sepa", "GET").route(web::get().to(ru::sepa)))
        .service(resource("/betaalrondes/{id}/betalingen", "GET").route(web::get().to(ru::tabel)))
        .service(
            resource("/betaalrondes/{id}/betalingen-verwerkt", "POST")
                .route(web::post().to(ru::betaald)),
        )
        .service(
            resource("/rapportages/uitbetalingen", "GET").route(web::get().to(rp::uitbetalingen)),
        )
        .service(
            resource("/rapportages/budgetpositie", "GET").route(web::get().to(rp::budgetpositie)),
        )
        .service(resource("/rapportages/dekking", "GET").route(web::get().to(rp::dekking)))
        .service(resource("/grootboekcontrole", "GET").route(web::get().to(fi::grootboekcontrole)));
    register_administration(cfg);
}

/// The steps of an objection after it is lodged (Awb chapters 6 and 7).
fn register_objections(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/bezwaren/{id}/herstelverzoeken", "POST")
            .route(web::post().to(objections::herstel_vragen)),
    )
    .service(
        resource("/bezwaren/{id}/herstellingen", "POST")
            .route(web::post().to(objections::herstellen)),
    )
    .service(
        resource("/bezwaren/{id}/verdagingen", "POST").route(web::post().to(objections::verdagen)),
    )
    .service(
        resource("/bezwaren/{id}/hoorzittingen", "POST").route(web::post().to(objections::horen)),
    )
    .service(
        resource("/bezwaren/{id}/beslissingen", "POST")
            .route(web::post().to(objections::beslissen)),
    );
}

/// After a grant: amendments and their decisions, revocation and lowering.
fn register_after_grant(cfg: &mut web::ServiceConfig) {
    use amendments as am;
    cfg.service(
        resource("/aanvragen/{id}/wijzigingsverzoeken", "GET, POST")
            .route(web::get().to(am::lijst))
            .route(web::post().to(am::vragen)),
    )
    .service(resource("/wijzigingsverzoeken/{id}", "GET").route(web::get().to(am::ophalen)))
    .service(
        resource("/wijzigingsverzoeken/{id}/beslissingen", "POST")
            .route(web::post().to(am::beslissen)),
    )
    .service(
        resource("/aanvragen/{id}/verleningsintrekkingen", "POST")
            .route(web::post().to(am::intrekken)),
    )
    .service(resource("/aanvragen/{id}/verlagingen", "POST").route(web::post().to(am::verlagen)));
}

/// The administrator's resources: allocation runs, organisations, users, tokens, the
/// history and the outbox.
fn register_administration(cfg: &mut web::ServiceConfig) {
    use admin as ad;
    use administration as am;
    use outbox as ob;
    cfg.service(
        resource("/toewijzingsrondes", "GET, POST")
            .route(web::get().to(am::rondes_zoeken))
            .route(web::post().to(ad::ronde_starten)),
    )
    .service(resource("/toewijzingsrondes/{id}", "GET").route(web::get().to(ad::ronde_ophalen)))
    .service(
        resource("/organisaties", "GET, POST")
            .route(web::get().to(am::organisaties_zoeken))
            .route(web::post().to(ad::organisatie_registreren)),
    )
    .service(
        resource("/organisaties/{id}", "GET, PATCH")
            .route(web::get().to(am::organisatie_ophalen))
            .route(web::patch().to(am::organisatie_wijzigen)),
    )
    .service(
        resource("/gebruikers", "GET, POST")
            .route(web::get().to(am::gebruikers_zoeken))
            .route(web::post().to(ad::gebruiker_aanmaken)),
    )
    .service(resource("/gebruikers/{id}", "GET").route(web::get().to(am::gebruiker_ophalen)))
    .service(
        resource("/gebruikers/{id}/deactiveringen", "POST")
            .route(web::post().to(am::gebruiker_deactiveren)),
    )
    .service(resource("/tokens", "GET").route(web::get().to(am::tokens_zoeken)))
    .service(resource("/tokens/{id}", "GET").route(web::get().to(am::token_ophalen)))
    .service(
        resource("/tokens/{id}/intrekkingen", "POST").route(web::post().to(am::token_intrekken)),
    )
    .service(resource("/beheerhistorie", "GET").route(web::get().to(am::beheerhistorie)))
    .service(resource("/gebruikers/{id}/tokens", "POST").route(web::post().to(ad::token_uitgeven)))
    .service(
        resource("/gebruikers/{id}/belangenconflicten", "POST")
            .route(web::post().to(ad::belangenconflict_melden)),
    )
    .service(resource("/berichten", "GET").route(web::get().to(ob::zoeken)))
    .service(
        resource("/berichten/{id}/herverzendingen", "POST")
            .route(web::post().to(ob::opnieuw_versturen)),
    );
}
