//! The pages, one module per area a user would name. Handlers are thin: they read the
//! form, call one use case of `subsidie-service`, and render or redirect.

use actix_web::web;

mod actions;
mod admin;
mod applicant;
mod application;
mod document_list;
mod documents;
mod facts;
mod finance;
mod partner_list;
mod partners;
mod reviewer;
mod signin;

/// Registers every page. Fixed paths come before the ones with an id in them.
pub(crate) fn register(cfg: &mut web::ServiceConfig) {
    admin::register(cfg);
    finance::register(cfg);
    cfg.route("/", web::get().to(signin::home))
        .route("/aanmelden", web::get().to(signin::form))
        .route("/aanmelden/link", web::post().to(signin::request_link))
        .route("/aanmelden/link", web::get().to(signin::link_page))
        .route(
            "/aanmelden/link/gebruiken",
            web::post().to(signin::redeem_link),
        )
        .route("/aanmelden/token", web::post().to(signin::with_token))
        .route("/afmelden", web::post().to(signin::sign_out))
        .route("/aanvragen", web::get().to(applicant::list))
        .route("/aanvragen/nieuw", web::get().to(applicant::new_form))
        .route("/aanvragen/nieuw", web::post().to(applicant::create))
        .route("/aanvragen/{id}", web::get().to(application::show))
        .route(
            "/aanvragen/{id}/wijzigen",
            web::get().to(applicant::edit_form),
        )
        .route("/aanvragen/{id}/wijzigen", web::post().to(applicant::edit))
        .route(
            "/aanvragen/{id}/indienen",
            web::get().to(applicant::confirm_submit),
        )
        .route(
            "/aanvragen/{id}/documenten",
            web::post().to(documents::upload),
        )
        .route(
            "/aanvragen/{id}/documenten/{document}",
            web::get().to(documents::download),
        )
        .route(
            "/aanvragen/{id}/besluiten/{besluit}",
            web::get().to(documents::decision),
        )
        .route(
            "/aanvragen/{id}/documenten/{document}/verwijderen",
            web::post().to(documents::delete),
        )
        .route("/aanvragen/{id}/partners", web::post().to(partners::add))
        .route(
            "/aanvragen/{id}/partners/{positie}/verwijderen",
            web::post().to(partners::remove),
        )
        .route("/aanvragen/{id}/{actie}", web::post().to(application::act))
        .route(
            "/referentie/{reference}",
            web::get().to(application::by_reference),
        )
        .route("/werkvoorraad", web::get().to(reviewer::queue))
        .default_service(web::to(signin::no_page));
}
