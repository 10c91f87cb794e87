//! The consortium's forms on an application's page: on a concept, add a partner and
//! remove one (what the page shows: [`super::partner_list`]). The list is replaced as a
//! whole through the same use case as the API's `PUT /aanvragen/{id}/partners`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use subsidie_domain::consortium::Partner;
use subsidie_service::consortium;
use subsidie_service::ServiceError;
use subsidie_store::rows::PartnerRow;

use super::application::detail;
use crate::failure::Failure;
use crate::form::{blocking, see_other, text, Fields, Problems};
use crate::session::Visitor;
use crate::PortalState;

type Page = Result<HttpResponse, Failure>;

/// The name of the form, for its field ids and messages.
const FORM: &str = "partner";

fn as_partner(row: &PartnerRow) -> Partner {
    Partner {
        organisation: row.organisation.clone(),
        kind: row.kind.clone(),
        role: row.role.clone(),
        contact_name: row.contact_name.clone(),
        contact_email: row.contact_email.clone(),
    }
}

/// Replaces the list with `change` applied to it; a refusal goes back on the page.
async fn replace(
    req: &HttpRequest,
    state: &web::Data<PortalState>,
    id: String,
    fields: &Fields,
    change: impl FnOnce(&mut Vec<Partner>) + Send + 'static,
    done: &str,
) -> Page {
    let visitor = Visitor::of(req, state).await?;
    visitor.check_csrf(fields.get("csrf"))?;
    let actor = visitor.signed_in()?.actor.clone();
    let (pool, app) = (state.pool.clone(), id.clone());
    let now = state.now();
    let result = blocking(move || {
        let (rows, _) = consortium::partners(&pool, &actor, &app)?;
        let mut list: Vec<Partner> = rows.iter().map(as_partner).collect();
        change(&mut list);
        consortium::set_partners(&pool, &actor, &app, &list, now).map(|_| ())
    })
    .await?;
    match result {
        Ok(()) => Ok(see_other(&format!(
            "/aanvragen/{id}?gelukt={done}#partners"
        ))),
        Err(err) => {
            let mut p = Problems::new(FORM, fields);
            match err {
                // The form's own fields: `partners[i].veld` becomes `veld`.
                ServiceError::Validation(errors) => {
                    for e in errors {
                        let field = e.field.rsplit('.').next().unwrap_or(&e.field).to_owned();
                        let field = if field == "soort" {
                            "partnersoort".to_owned()
                        } else {
                            field
                        };
                        p.field(&field, e.message);
                    }
                }
                other => p.absorb(other)?,
            }
            detail(
                state,
                &visitor,
                &id,
                &p,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// `POST /aanvragen/{id}/partners`: adds the partner of the form.
pub(crate) async fn add(
    req: HttpRequest,
    state: web::Data<PortalState>,
    id: web::Path<String>,
    form: web::Form<Fields>,
) -> Page {
    let fields = form.into_inner();
    let partner = Partner {
        organisation: text(&fields, "organisatie"),
        kind: text(&fields, "partnersoort"),
        role: text(&fields, "rol"),
        contact_name: text(&fields, "contactpersoon"),
        contact_email: text(&fields, "contactEmail"),
    };
    replace(
        &req,
        &state,
        id.into_inner(),
        &fields,
        move |list| list.push(partner),
        "partner",
    )
    .await
}

/// `POST /aanvragen/{id}/partners/{positie}/verwijderen`.
pub(crate) async fn remove(
    req: HttpRequest,
    state: web::Data<PortalState>,
    path: web::Path<(String, usize)>,
    form: web::Form<Fields>,
) -> Page {
    let (id, position) = path.into_inner();
    let fields = form.into_inner();
    replace(
        &req,
        &state,
        id,
        &fields,
        move |list| {
            if position < list.len() {
                list.remove(position);
            }
        },
        "partner-verwijderd",
    )
    .await
}
