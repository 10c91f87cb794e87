//! Administration read and changed, by administrators only: users, organisations,
//! tokens and allocation runs listed and read; a user deactivated, a token revoked, an
//! organisation's IBAN, e-mail address or contact person changed; the history of all of it.

use actix_web::web::{Data, Path};
use actix_web::HttpResponse;
use serde::Deserialize;
use subsidie_service::registry::{self, HistoryFilter, OrganisationChange, Subject};
use subsidie_service::{allocation, Actor, Pool, Role, ServiceError};
use utoipa::IntoParams;

use crate::auth::Caller;
use crate::dto::admin::{Gebruiker, Organisatie};
use crate::dto::administration::{
    Beeindiging, BeheerHistorie, BeheerRegel, GebruikerLijst, OrganisatieLijst,
    OrganisatieWijziging, ToewijzingsrondeKort, ToewijzingsrondeLijst, TokenGegevens, TokenLijst,
};
use crate::dto::PaginaLinks;
use crate::input::{path_id, JsonBody, OptionalJsonBody, QueryParams};
use crate::paging::{Page, QueryErrors};
use crate::problem::ApiError;
use crate::state::AppState;

/// One page of a list with one optional id filter (`filter`: its parameter name and
/// value) and the cursor parameters `na` and `limiet`: the parameters checked together,
/// `list` asked for one row more than shown, the page's rows, cursor and links.
async fn id_filtered_page<R, L>(
    state: &AppState,
    caller: Caller,
    path: &'static str,
    filter: (&'static str, Option<String>),
    (na, limiet): (Option<String>, Option<i64>),
    list: L,
    id: impl Fn(&R) -> String,
) -> Result<(Vec<R>, Option<String>, PaginaLinks), ApiError>
where
    R: Send + 'static,
    L: FnOnce(&Pool, &Actor, Option<&str>, Option<&str>, i64) -> Result<Vec<R>, ServiceError>
        + Send
        + 'static,
{
    let mut errors = QueryErrors::default();
    let value = errors.id(filter.1, filter.0);
    let after = errors.id(na, "na");
    let limit = errors.limit(limiet);
    errors.check()?;
    let (value_q, after_q) = (value.clone(), after.clone());
    let rows = state
        .run_as(caller.0, move |pool, actor| {
            list(
                pool,
                actor,
                value_q.as_deref(),
                after_q.as_deref(),
                limit + 1,
            )
        })
        .await?;
    let page = Page::cut(rows, limit, id);
    let links = page.links(path, &[(filter.0, value)], after, limiet);
    Ok((page.rows, page.next, links))
}

/// Query parameters of the list of users.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
#[allow(non_snake_case)]
pub struct GebruikerFilter {
    /// Alleen gebruikers met deze rol: `aanvrager`, `beoordelaar`, `financien` of `beheerder`.
    #[param(example = "beoordelaar")]
    pub rol: Option<String>,
    /// De cursor: `volgende` uit het vorige antwoord.
    pub na: Option<String>,
    /// Hoeveel per pagina, 1 tot en met 100 (standaard 25).
    #[param(minimum = 1, maximum = 100, example = 25)]
    pub limiet: Option<i64>,
}

/// Lists users.
#[utoipa::path(
    get,
    path = "/gebruikers",
    tag = "beheer",
    operation_id = "gebruikersZoeken",
    summary = "De gebruikers, per pagina",
    description = "Alleen een beheerder. Oudste eerst; blader met `na`. Ook gedeactiveerde gebruikers staan erin (`actief` is dan `false`).",
    params(GebruikerFilter),
    responses((status = 200, description = "Een pagina gebruikers.", body = GebruikerLijst))
)]
pub async fn gebruikers_zoeken(
    state: Data<AppState>,
    caller: Caller,
    query: QueryParams<GebruikerFilter>,
) -> Result<HttpResponse, ApiError> {
    let q = query.0;
    let mut errors = QueryErrors::default();
    let role = errors.parse::<Role>(q.rol.as_deref(), "rol", |e| e);
    let after = errors.id(q.na.clone(), "na");
    let limit = errors.limit(q.limiet);
    errors.check()?;
    let after_q = after.clone();
    let rows = state
        .run_as(caller.0, move |pool, actor| {
            registry::list_users(pool, actor, role, after_q.as_deref(), limit + 1)
        })
        .await?;
    let page = Page::cut(rows, limit, |r| r.id.clone());
    let links = page.links("/gebruikers", &[("rol", q.rol)], after, q.limiet);
    Ok(HttpResponse::Ok().json(GebruikerLijst {
        gebruikers: page.rows.into_iter().map(Gebruiker::from).collect(),
        volgende: page.next,
        links,
    }))
}

/// Reads a user.
#[utoipa::path(
    get,
    path = "/gebruikers/{id}",
    tag = "beheer",
    operation_id = "gebruikerOphalen",
    summary = "Eén gebruiker",
    description = "Alleen een beheerder.",
    params(("id" = String, Path, description = "Het id van de gebruiker.")),
    responses((status = 200, description = "De gebruiker.", body = Gebruiker))
)]
pub async fn gebruiker_ophalen(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id, "gebruiker")?;
    let row = state
        .run_as(caller.0, move |pool, actor| {
            registry::get_user(pool, actor, &id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Gebruiker::from(row)))
}

/// Deactivates a user.
#[utoipa::path(
    post,
    path = "/gebruikers/{id}/deactiveringen",
    tag = "beheer",
    operation_id = "gebruikerDeactiveren",
    summary = "Deactiveer een gebruiker",
    description = "Alleen een beheerder, niet voor zichzelf. Geen token van de gebruiker werkt daarna nog, op elke server binnen een seconde; de gebruiker blijft bestaan omdat de historie haar noemt. Een gebruiker die al gedeactiveerd is geeft 409. Een lege body of `{}`.",
    params(("id" = String, Path, description = "Het id van de gebruiker.")),
    request_body(content = Option<Beeindiging>, content_type = "application/json"),
    responses((status = 200, description = "De gedeactiveerde gebruiker.", body = Gebruiker))
)]
pub async fn gebruiker_deactiveren(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
    _body: OptionalJsonBody<Beeindiging>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id, "gebruiker")?;
    let now = state.now();
    let row = state
        .run_as(caller.0, move |pool, actor| {
            registry::deactivate_user(pool, actor, &id, now)
        })
        .await?;
    state.tokens.clear();
    Ok(HttpResponse::Ok().json(Gebruiker::from(row)))
}

/// Query parameters of the list of organisations.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
#[allow(non_snake_case)]
pub struct OrganisatieFilter {
    /// Alleen organisaties uit deze regio.
    #[param(example = "r01")]
    pub regioId: Option<String>,
    /// De cursor: `volgende` uit het vorige antwoord.
    pub na: Option<String>,
    /// Hoeveel per pagina, 1 tot en met 100 (standaard 25).
    #[param(minimum = 1, maximum = 100, example = 25)]
    pub limiet: Option<i64>,
}

/// Lists organisations.
#[utoipa::path(
    get,
    path = "/organisaties",
    tag = "beheer",
    operation_id = "organisatiesZoeken",
    summary = "De aanvragende organisaties, per pagina",
    description = "Alleen een beheerder. Oudste eerst; blader met `na`.",
    params(OrganisatieFilter),
    responses((status = 200, description = "Een pagina organisaties.", body = OrganisatieLijst))
)]
pub async fn organisaties_zoeken(
    state: Data<AppState>,
    caller: Caller,
    query: QueryParams<OrganisatieFilter>,
) -> Result<HttpResponse, ApiError> {
    let q = query.0;
    let (rows, volgende, links) = id_filtered_page(
        &state,
        caller,
        "/organisaties",
        ("regioId", q.regioId),
        (q.na, q.limiet),
        registry::list_organisations,
        |r| r.id.clone(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(OrganisatieLijst {
        organisaties: rows.into_iter().map(Organisatie::from).collect(),
        volgende,
        links,
    }))
}

/// Reads an organisation.
#[utoipa::path(
    get,
    path = "/organisaties/{id}",
    tag = "beheer",
    operation_id = "organisatieOphalen",
    summary = "Eén organisatie",
    description = "Alleen een beheerder.",
    params(("id" = String, Path, description = "Het id van de organisatie.")),
    responses((status = 200, description = "De organisatie.", body = Organisatie))
)]
pub async fn organisatie_ophalen(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id, "organisatie")?;
    let row = state
        .run_as(caller.0, move |pool, actor| {
            registry::get_organisation(pool, actor, &id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Organisatie::from(row)))
}

/// Changes an organisation.
#[utoipa::path(
    patch,
    path = "/organisaties/{id}",
    tag = "beheer",
    operation_id = "organisatieWijzigen",
    summary = "Wijzig de bankrekening, het e-mailadres of de contactpersoon van een organisatie",
    description = "Alleen een beheerder. Velden die ontbreken blijven zoals ze zijn; het IBAN (ISO 13616) en het e-mailadres worden gecontroleerd. De wijziging komt in de beheerhistorie en de organisatie krijgt er bericht van, op het nieuwe en (als dat wijzigde) het oude e-mailadres. Geplande betalingen die nog in geen betaalronde zitten gaan naar de nieuwe rekening.",
    params(("id" = String, Path, description = "Het id van de organisatie.")),
    request_body(content = OrganisatieWijziging, content_type = "application/json"),
    responses((status = 200, description = "De gewijzigde organisatie.", body = Organisatie))
)]
pub async fn organisatie_wijzigen(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
    body: JsonBody<OrganisatieWijziging>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id, "organisatie")?;
    let b = body.0;
    let change = OrganisationChange {
        iban: b.iban,
        email: b.email,
        contact_person: b.contactpersoon,
    };
    let now = state.now();
    let row = state
        .run_as(caller.0, move |pool, actor| {
            registry::change_organisation(pool, actor, &id, &change, now)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Organisatie::from(row)))
}

/// Query parameters of the list of tokens.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
#[allow(non_snake_case)]
pub struct TokenFilter {
    /// Alleen de tokens van deze gebruiker.
    pub gebruikerId: Option<String>,
    /// De cursor: `volgende` uit het vorige antwoord.
    pub na: Option<String>,
    /// Hoeveel per pagina, 1 tot en met 100 (standaard 25).
    #[param(minimum = 1, maximum = 100, example = 25)]
    pub limiet: Option<i64>,
}

/// Lists tokens.
#[utoipa::path(
    get,
    path = "/tokens",
    tag = "beheer",
    operation_id = "tokensZoeken",
    summary = "De uitgegeven tokens, zonder hun geheim, per pagina",
    description = "Alleen een beheerder. Per token het label, de gebruiker, wanneer het is uitgegeven, verloopt of is ingetrokken, en de toestand nu. Het token zelf wordt nergens bewaard en staat er dus niet in. Oudste eerst; blader met `na`.",
    params(TokenFilter),
    responses((status = 200, description = "Een pagina tokens.", body = TokenLijst))
)]
pub async fn tokens_zoeken(
    state: Data<AppState>,
    caller: Caller,
    query: QueryParams<TokenFilter>,
) -> Result<HttpResponse, ApiError> {
    let q = query.0;
    let now = state.now();
    let (rows, volgende, links) = id_filtered_page(
        &state,
        caller,
        "/tokens",
        ("gebruikerId", q.gebruikerId),
        (q.na, q.limiet),
        registry::list_tokens,
        |r| r.id.clone(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(TokenLijst {
        tokens: rows
            .into_iter()
            .map(|r| TokenGegevens::at(r, now))
            .collect(),
        volgende,
        links,
    }))
}

/// Reads a token.
#[utoipa::path(
    get,
    path = "/tokens/{id}",
    tag = "beheer",
    operation_id = "tokenOphalen",
    summary = "Eén uitgegeven token, zonder zijn geheim",
    description = "Alleen een beheerder.",
    params(("id" = String, Path, description = "Het id van het token (niet het token zelf).")),
    responses((status = 200, description = "Het token.", body = TokenGegevens))
)]
pub async fn token_ophalen(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id, "token")?;
    let row = state
        .run_as(caller.0, move |pool, actor| {
            registry::get_token(pool, actor, &id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(TokenGegevens::at(row, state.now())))
}

/// Revokes a token.
#[utoipa::path(
    post,
    path = "/tokens/{id}/intrekkingen",
    tag = "beheer",
    operation_id = "tokenIntrekken",
    summary = "Trek een token in",
    description = "Alleen een beheerder. Het volgende verzoek met het token krijgt 401, op elke server binnen een seconde. Een token dat al is ingetrokken geeft 409. Een lege body of `{}`.",
    params(("id" = String, Path, description = "Het id van het token (niet het token zelf).")),
    request_body(content = Option<Beeindiging>, content_type = "application/json"),
    responses((status = 200, description = "Het ingetrokken token.", body = TokenGegevens))
)]
pub async fn token_intrekken(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
    _body: OptionalJsonBody<Beeindiging>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id, "token")?;
    let now = state.now();
    let row = state
        .run_as(caller.0, move |pool, actor| {
            registry::revoke_token(pool, actor, &id, now)
        })
        .await?;
    state.tokens.clear();
    Ok(HttpResponse::Ok().json(TokenGegevens::at(row, now)))
}

/// Query parameters of the list of allocation runs.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
#[allow(non_snake_case)]
pub struct RondeFilter {
    /// Alleen de rondes van dit instrument.
    #[param(example = "uitvoering")]
    pub instrumentId: Option<String>,
    /// De cursor: `volgende` uit het vorige antwoord.
    pub na: Option<String>,
    /// Hoeveel per pagina, 1 tot en met 100 (standaard 25).
    #[param(minimum = 1, maximum = 100, example = 25)]
    pub limiet: Option<i64>,
}

/// Lists allocation runs.
#[utoipa::path(
    get,
    path = "/toewijzingsrondes",
    tag = "toewijzing",
    operation_id = "toewijzingsrondesZoeken",
    summary = "De toewijzingsrondes, zonder plaatsingen, per pagina",
    description = "Alleen een beheerder. In de volgorde waarin ze zijn gedraaid; blader met `na`. De seed en de plaatsingen staan bij de ronde zelf.",
    params(RondeFilter),
    responses((status = 200, description = "Een pagina toewijzingsrondes.", body = ToewijzingsrondeLijst))
)]
pub async fn rondes_zoeken(
    state: Data<AppState>,
    caller: Caller,
    query: QueryParams<RondeFilter>,
) -> Result<HttpResponse, ApiError> {
    let q = query.0;
    let (rows, volgende, links) = id_filtered_page(
        &state,
        caller,
        "/toewijzingsrondes",
        ("instrumentId", q.instrumentId),
        (q.na, q.limiet),
        allocation::list_runs,
        |r| r.id.clone(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(ToewijzingsrondeLijst {
        toewijzingsrondes: rows.into_iter().map(ToewijzingsrondeKort::from).collect(),
        volgende,
        links,
    }))
}

/// Query parameters of the administration's history.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
#[allow(non_snake_case)]
pub struct HistorieFilter {
    /// Alleen over dit soort onderwerp: `organisatie`, `gebruiker` of `token`.
    #[param(example = "organisatie")]
    pub onderwerp: Option<String>,
    /// Alleen over dit id.
    pub onderwerpId: Option<String>,
    /// De cursor: `volgende` uit het vorige antwoord.
    pub na: Option<String>,
    /// Hoeveel per pagina, 1 tot en met 100 (standaard 25).
    #[param(minimum = 1, maximum = 100, example = 25)]
    pub limiet: Option<i64>,
}

/// The administration's history.
#[utoipa::path(
    get,
    path = "/beheerhistorie",
    tag = "beheer",
    operation_id = "beheerhistorieZoeken",
    summary = "Wie wat wanneer in het beheer deed",
    description = "Alleen een beheerder. Elke registratie en wijziging van een organisatie, elke nieuwe of gedeactiveerde gebruiker, elk uitgegeven of ingetrokken token, met wie het deed (leeg: de engine zelf) en wanneer. Oudste eerst; blader met `na`.",
    params(HistorieFilter),
    responses((status = 200, description = "Een pagina van de historie.", body = BeheerHistorie))
)]
pub async fn beheerhistorie(
    state: Data<AppState>,
    caller: Caller,
    query: QueryParams<HistorieFilter>,
) -> Result<HttpResponse, ApiError> {
    let q = query.0;
    let mut errors = QueryErrors::default();
    let subject = match q.onderwerp.as_deref().map(Subject::parse) {
        Some(Err(e)) => {
            errors.push("onderwerp", e);
            None
        }
        other => other.and_then(Result::ok),
    };
    let subject_id = errors.id(q.onderwerpId.clone(), "onderwerpId");
    let after = errors.parse::<i64>(q.na.as_deref(), "na", |_| {
        "verwacht het getal uit `volgende` van het vorige antwoord".to_owned()
    });
    let limit = errors.limit(q.limiet);
    errors.check()?;
    let filter = HistoryFilter {
        subject,
        subject_id: subject_id.clone(),
        after,
    };
    let rows = state
        .run_as(caller.0, move |pool, actor| {
            registry::admin_history(pool, actor, &filter, limit + 1)
        })
        .await?;
    let page = Page::cut(rows, limit, |r| r.id.to_string());
    let filters = [("onderwerp", q.onderwerp), ("onderwerpId", subject_id)];
    let links = page.links("/beheerhistorie", &filters, q.na, q.limiet);
    Ok(HttpResponse::Ok().json(BeheerHistorie {
        regels: page.rows.into_iter().map(BeheerRegel::from).collect(),
        volgende: page.next,
        links,
    }))
}
