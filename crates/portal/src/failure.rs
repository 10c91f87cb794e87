//! Every refusal or failure as a page: mapped once from the service's errors to a status
//! and a Dutch message that says what was wrong and what to do instead.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use minijinja::context;
use subsidie_service::ServiceError;

use crate::view::{self, Frame};

/// A page that says why something did not happen.
#[derive(Debug)]
pub(crate) struct Failure {
    status: StatusCode,
    title: &'static str,
    message: String,
    /// Where to send the visitor instead of showing a page.
    redirect: Option<String>,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.title, self.message)
    }
}

impl Failure {
    fn new(status: StatusCode, title: &'static str, message: impl Into<String>) -> Failure {
        Failure {
            status,
            title,
            message: message.into(),
            redirect: None,
        }
    }

    /// Not signed in: to the sign-in page, which returns to `back` (a page asked for
    /// with GET) once signed in.
    pub(crate) fn sign_in_first(back: Option<&str>) -> Failure {
        let to = match back {
            Some(path) => format!("/aanmelden?terug={}", crate::paths::encode(path)),
            None => "/aanmelden".to_owned(),
        };
        Failure {
            redirect: Some(to),
            ..Failure::new(StatusCode::SEE_OTHER, "Meld u aan", "Meld u eerst aan.")
        }
    }

    /// A form without the right CSRF token.
    pub(crate) fn csrf() -> Failure {
        Failure::new(
            StatusCode::FORBIDDEN,
            "Formulier niet geaccepteerd",
            "Dit formulier is verlopen of kwam niet van deze site. Open de pagina opnieuw en \
             verstuur het formulier nog eens.",
        )
    }

    /// The blocking pool was gone.
    pub(crate) fn busy() -> Failure {
        Failure::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "Even niet beschikbaar",
            "De server kon het verzoek nu niet uitvoeren; er is niets gewijzigd. Probeer het \
             over een moment opnieuw.",
        )
    }

    /// A page that does not exist.
    pub(crate) fn no_page() -> Failure {
        Failure::new(
            StatusCode::NOT_FOUND,
            "Pagina niet gevonden",
            "Deze pagina bestaat niet. Ga naar de startpagina om verder te gaan.",
        )
    }

    /// Something the configuration does not allow yet (503), saying what to set.
    pub(crate) fn not_configured(title: &'static str, message: impl Into<String>) -> Failure {
        Failure::new(StatusCode::SERVICE_UNAVAILABLE, title, message)
    }

    /// Input that the page itself refuses before any use case.
    pub(crate) fn bad_input(message: impl Into<String>) -> Failure {
        Failure::new(StatusCode::UNPROCESSABLE_ENTITY, "Dat lukte niet", message)
    }
}

impl From<ServiceError> for Failure {
    fn from(err: ServiceError) -> Failure {
        let message = err.to_string();
        let (status, title) = match &err {
            ServiceError::NotFound { .. } => (StatusCode::NOT_FOUND, "Niet gevonden"),
            ServiceError::Forbidden(_) => (StatusCode::FORBIDDEN, "Niet toegestaan"),
            ServiceError::Validation(_) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "Controleer uw invoer")
            }
            ServiceError::InvalidState(_) | ServiceError::Conflict(_) | ServiceError::Budget(_) => {
                (StatusCode::CONFLICT, "Dat kan nu niet")
            }
            ServiceError::StaleVersion { .. } => (StatusCode::CONFLICT, "Intussen gewijzigd"),
            ServiceError::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "Te groot"),
            ServiceError::UnsupportedType(_) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Dit soort bestand wordt niet aangenomen",
            ),
            ServiceError::Busy | ServiceError::Unavailable(_) => {
                (StatusCode::SERVICE_UNAVAILABLE, "Even niet beschikbaar")
            }
            ServiceError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "Er ging iets mis"),
        };
        let message = match &err {
            ServiceError::Internal(_) => {
                "Er ging aan onze kant iets mis; er is niets gewijzigd. Probeer het later opnieuw."
                    .to_owned()
            }
            _ => capitalised(&message),
        };
        Failure::new(status, title, message)
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

impl ResponseError for Failure {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        if let Some(to) = &self.redirect {
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, to.clone()))
                .finish();
        }
        view::page(
            self.status,
            "melding.html",
            &Frame::default(),
            context! { titel => self.title, melding => self.message.clone(), fout => true },
        )
    }
}
