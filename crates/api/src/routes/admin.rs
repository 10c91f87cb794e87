//! Allocation runs, closing waiting lists, organisations, users, tokens and conflicts of
//! interest.

use actix_web::http::header;
use actix_web::web::{Data, Path};
use actix_web::HttpResponse;
use subsidie_domain::lottery::Seed;
use subsidie_service::{allocation, registry, Role};

use crate::auth::Caller;
use crate::dto::admin::{
    Belangenconflict, Gebruiker, NieuwBelangenconflict, NieuwToken, NieuweGebruiker,
    NieuweOrganisatie, Organisatie, Token,
};
use crate::dto::allocation::{
    LotingLijst, NieuweToewijzingsronde, Toewijzingsronde, WachtlijstGesloten, WachtlijstSluiting,
};
use crate::dto::applications::Aanvraag;
use crate::dto::common::BASE;
use crate::input::{optional_id, path_id, JsonBody, OptionalJsonBody, QueryParams};
use crate::problem::ApiError;
use crate::state::AppState;

fn created<T: serde::Serialize>(location: String, body: &T) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(body)
}

/// Starts an allocation run.
#[utoipa::path(
    post,
    path = "/toewijzingsrondes",
    tag = "toewijzing",
    operation_id = "toewijzingsrondeStarten",
    summary = "Start een toewijzingsronde",
    description = "Alleen een beheerder. Eerst schuift de wachtlijst op zover vrijgekomen budget reikt; daarna reserveren ingediende aanvragen budget volgens de verdeling van het instrument. Aanvragen van dezelfde dag die samen niet passen worden geloot met de seed die vóór die dag is vastgelegd (`GET /instrumenten/{id}/lotingen`); de ronde onthult die seed. Aanvragen van vandaag die geloot zouden moeten worden wachten tot de dag voorbij is (de server wijst elke afgelopen dag vanzelf toe). Wat niet past komt op de wachtlijst. Een ronde plaatst alleen de aanvragen van één ronde (oproep) van het instrument (`ronde`), binnen het plafond van het instrument en dat van de ronde, met wat eerdere rondes met overloop niet gebruikten. Een zelfgekozen `seed` alleen in test- of demomodus; anders 403.",
    request_body(content = NieuweToewijzingsronde, content_type = "application/json"),
    responses((status = 201, description = "De ronde met haar volgorde.", body = Toewijzingsronde, headers(
        ("Location" = String, description = "Waar de ronde staat."),
    )))
)]
pub async fn ronde_starten(
    state: Data<AppState>,
    caller: Caller,
    body: JsonBody<NieuweToewijzingsronde>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let instrument_id = optional_id(Some(b.instrumentId), "instrumentId")?.unwrap_or_default();
    let seed = match b.seed {
        None => None,
        Some(_) if !state.caller_seeds => {
            return Err(ApiError::forbidden(
                "een zelfgekozen seed is alleen toegestaan in test- of demomodus (CALLER_SEEDS=on); \
                 laat 'seed' weg: de ronde gebruikt dan voor elke lotingsdag de seed die vóór die dag \
                 is vastgelegd en gepubliceerd (GET /api/v1/instrumenten/{id}/lotingen)",
            ))
        }
        Some(text) => Some(
            text.parse::<Seed>()
                .map_err(|e| ApiError::field("seed", e.to_string()))?,
        ),
    };
    let round = optional_id(b.ronde, "ronde")?;
    let now = state.now();
    let run = state
        .run_as(caller.0, move |pool, actor| {
            allocation::run_round(pool, actor, &instrument_id, round.as_deref(), seed, now)
        })
        .await
        .map_err(|e| e.unknown_reference("instrumentId"))?;
    let dto = Toewijzingsronde::from(run);
    Ok(created(
        format!("{BASE}/toewijzingsrondes/{}", dto.id),
        &dto,
    ))
}

/// Reads an allocation run.
#[utoipa::path(
    get,
    path = "/toewijzingsrondes/{id}",
    tag = "toewijzing",
    operation_id = "toewijzingsrondeOphalen",
    summary = "Eén toewijzingsronde met seed, lotingsdagen en volgorde",
    description = "Voor beheerders, beoordelaars en financiën. Met de seed kan iedereen de loting opnieuw uitvoeren.",
    params(("id" = String, Path, description = "Het id van de ronde.")),
    responses((status = 200, description = "De ronde.", body = Toewijzingsronde))
)]
pub async fn ronde_ophalen(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
) -> Result<HttpResponse, ApiError> {
    if caller.0.role == Role::Applicant {
        return Err(ApiError::forbidden(
            "toewijzingsrondes zijn in te zien door beheerders, beoordelaars en financiën; u bent aanvrager",
        ));
    }
    let id = path_id(&id, "toewijzingsronde")?;
    let run = state
        .run(move |pool| allocation::get_run(pool, &id))
        .await?;
    Ok(HttpResponse::Ok().json(Toewijzingsronde::from(run)))
}

/// An instrument's committed lotteries.
#[utoipa::path(
    get,
    path = "/instrumenten/{id}/lotingen",
    tag = "toewijzing",
    operation_id = "lotingenOphalen",
    summary = "De vastgelegde lotingen van een instrument, per dag",
    description = "Voor elke rol. Voor elke dag waarop een instrument met volgorde van binnenkomst open is, wordt vóór die dag begint een seed getrokken uit de willekeurbron van het besturingssysteem; hier staat vanaf dan de SHA-256 ervan (de commitment). Zodra de dag is toegewezen staat ook de seed er, met de ronde die hem onthulde: `printf '%s' SEED | xxd -r -p | sha256sum` moet de commitment geven, en met de seed herhaalt iedereen de loting. De nieuwste dag eerst, hoogstens 400 dagen; `vanaf` (een datum) laat eerdere dagen weg.",
    params(
        ("id" = String, Path, description = "De code van het instrument."),
        LotingFilter,
    ),
    responses((status = 200, description = "De lotingen.", body = LotingLijst))
)]
pub async fn lotingen(
    state: Data<AppState>,
    _caller: Caller,
    id: Path<String>,
    query: QueryParams<LotingFilter>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id, "instrument")?;
    let from = match query.0.vanaf.as_deref() {
        None => None,
        Some(text) => Some(
            chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
                ApiError::field(
                    "vanaf",
                    format!(
                        "'{text}' is geen datum; geef een datum als JJJJ-MM-DD, zoals 2025-03-03"
                    ),
                )
            })?,
        ),
    };
    let instrument = id.clone();
    let rows = state
        .run(move |pool| allocation::commitments::list(pool, &instrument, from))
        .await?;
    Ok(HttpResponse::Ok().json(LotingLijst {
        instrumentId: id,
        lotingen: rows.into_iter().map(Into::into).collect(),
    }))
}

/// Query parameters of the committed lotteries.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LotingFilter {
    /// Alleen dagen vanaf deze datum (JJJJ-MM-DD).
    #[param(format = Date, example = "2025-03-01")]
    pub vanaf: Option<String>,
}

/// Closes an instrument's waiting list.
#[utoipa::path(
    post,
    path = "/instrumenten/{id}/wachtlijst-sluitingen",
    tag = "toewijzing",
    operation_id = "wachtlijstSluiten",
    summary = "Sluit de wachtlijst van een instrument",
    description = "Alleen een beheerder. Elke aanvraag die nog op de wachtlijst staat wordt afgewezen omdat het subsidieplafond is bereikt (art. 4:25 Awb), en het instrument neemt geen nieuwe aanvragen meer aan. Een lege body of `{}`.",
    params(("id" = String, Path, description = "De code van het instrument.")),
    request_body(content = Option<WachtlijstSluiting>, content_type = "application/json"),
    responses((status = 200, description = "De afgewezen aanvragen.", body = WachtlijstGesloten))
)]
pub async fn wachtlijst_sluiten(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
    _body: OptionalJsonBody<WachtlijstSluiting>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id, "instrument")?;
    let now = state.now();
    let rows = state
        .run_as(caller.0, move |pool, actor| {
            allocation::close_waiting_list(pool, actor, &id, now)
        })
        .await?;
    Ok(HttpResponse::Ok().json(WachtlijstGesloten {
        afgewezen: rows.into_iter().map(Aanvraag::from).collect(),
    }))
}

/// Registers an organisation.
#[utoipa::path(
    post,
    path = "/organisaties",
    tag = "beheer",
    operation_id = "organisatieRegistreren",
    summary = "Registreer een aanvragende organisatie",
    description = "Alleen een beheerder. IBAN (ISO 13616) en e-mailadres worden gecontroleerd.",
    request_body(content = NieuweOrganisatie, content_type = "application/json"),
    responses((status = 201, description = "De organisatie.", body = Organisatie))
)]
pub async fn organisatie_registreren(
    state: Data<AppState>,
    caller: Caller,
    body: JsonBody<NieuweOrganisatie>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let region_id = optional_id(Some(b.regioId), "regioId")?.unwrap_or_default();
    let new = registry::NewOrganisation {
        name: b.naam,
        region_id,
        iban: b.iban,
        email: b.email,
    };
    let now = state.now();
    let row = state
        .run_as(caller.0, move |pool, actor| {
            registry::register_organisation(pool, actor, &new, now)
        })
        .await
        .map_err(|e| e.rename_fields(&[("regio", "regioId")]))?;
    Ok(HttpResponse::Created().json(Organisatie::from(row)))
}

/// Creates a user.
#[utoipa::path(
    post,
    path = "/gebruikers",
    tag = "beheer",
    operation_id = "gebruikerAanmaken",
    summary = "Maak een gebruiker aan",
    description = "Alleen een beheerder. Een aanvrager hoort bij precies één organisatie; andere rollen bij geen.",
    request_body(content = NieuweGebruiker, content_type = "application/json"),
    responses((status = 201, description = "De gebruiker.", body = Gebruiker))
)]
pub async fn gebruiker_aanmaken(
    state: Data<AppState>,
    caller: Caller,
    body: JsonBody<NieuweGebruiker>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let organisation_id = optional_id(b.organisatieId, "organisatieId")?;
    let role: Role = b.rol.into();
    let now = state.now();
    let row = state
        .run_as(caller.0, move |pool, actor| {
            registry::create_user(
                pool,
                actor,
                &b.naam,
                &b.email,
                role,
                organisation_id.as_deref(),
                now,
            )
        })
        .await
        .map_err(|e| {
            e.unknown_reference("organisatieId")
                .rename_fields(&[("organisatie", "organisatieId")])
        })?;
    Ok(HttpResponse::Created().json(Gebruiker::from(row)))
}

/// Creates a token for a user.
#[utoipa::path(
    post,
    path = "/gebruikers/{id}/tokens",
    tag = "beheer",
    operation_id = "tokenUitgeven",
    summary = "Geef een API-token uit aan een gebruiker",
    description = "Alleen een beheerder. Het token staat alleen in dit antwoord; opgeslagen wordt alleen de hash. Het is `dagen` dagen geldig (standaard 90, ten hoogste 3650); daarna geeft elk verzoek ermee 401.",
    params(("id" = String, Path, description = "Het id van de gebruiker.")),
    request_body(content = Option<NieuwToken>, content_type = "application/json"),
    responses((status = 201, description = "Het token.", body = Token, headers(
        ("Location" = String, description = "Waar het token (zonder geheim) staat."),
    )))
)]
pub async fn token_uitgeven(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
    body: OptionalJsonBody<NieuwToken>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id, "gebruiker")?;
    let days = body.0.dagen.unwrap_or(registry::DEFAULT_TOKEN_DAYS);
    let label = body.0.label.unwrap_or_else(|| "api".to_owned());
    if label.chars().count() > 200 {
        return Err(ApiError::field(
            "label",
            "is te lang; ten hoogste 200 tekens",
        ));
    }
    let now = state.now();
    let (user, lab) = (id.clone(), label.clone());
    let issued = state
        .run_as(caller.0, move |pool, actor| {
            registry::issue_token(pool, actor, &user, &lab, days, now)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("{BASE}/tokens/{}", issued.row.id)))
        .json(Token {
            id: issued.row.id,
            gebruikerId: id,
            label,
            token: issued.secret,
            verlooptOp: issued.row.expires_at.map(|at| at.and_utc()),
        }))
}

/// Declares a conflict of interest.
#[utoipa::path(
    post,
    path = "/gebruikers/{id}/belangenconflicten",
    tag = "beheer",
    operation_id = "belangenconflictMelden",
    summary = "Meld een belangenconflict van een beoordelaar met een regio",
    description = "De beoordelaar zelf of een beheerder. Daarna kan deze beoordelaar geen aanvraag uit die regio meer beoordelen.",
    params(("id" = String, Path, description = "Het id van de beoordelaar.")),
    request_body(content = NieuwBelangenconflict, content_type = "application/json"),
    responses((status = 201, description = "Het belangenconflict.", body = Belangenconflict))
)]
pub async fn belangenconflict_melden(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
    body: JsonBody<NieuwBelangenconflict>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id, "gebruiker")?;
    let region = optional_id(Some(body.0.regioId), "regioId")?.unwrap_or_default();
    let now = state.now();
    let (user, reg) = (id.clone(), region.clone());
    state
        .run_as(caller.0, move |pool, actor| {
            registry::declare_conflict(pool, actor, &user, &reg, now)
        })
        .await
        .map_err(|e| e.rename_fields(&[("regio", "regioId")]))?;
    Ok(HttpResponse::Created().json(Belangenconflict {
        gebruikerId: id,
        regioId: region,
    }))
}
