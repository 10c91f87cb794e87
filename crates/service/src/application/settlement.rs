//! The end of a grant, as finance sees it: settling (*vaststellen*) at most the grant,
//! and closing (*afsluiten*) once nothing is left to pay or recover.

use diesel::prelude::*;
use subsidie_domain::payment::PaymentState;
use subsidie_domain::Money;
use subsidie_store::rows::ApplicationRow;
use subsidie_store::schema::payments;
use subsidie_store::DbConnection;

use crate::convert::money;
use crate::error::ServiceError;

/// A settlement is at most the grant.
pub(super) fn check_settlement(app: &ApplicationRow, amount: Money) -> Result<(), ServiceError> {
    let granted = money(app.granted_cents)?;
    if amount > granted {
        return Err(ServiceError::field(
            "bedrag",
            format!(
                "het vastgestelde bedrag {} is hoger dan de verlening van {}; stel ten hoogste de verlening vast",
                amount.to_dutch(),
                granted.to_dutch()
            ),
        ));
    }
    Ok(())
}

/// A file closes when every payment and recovery is paid or cancelled.
pub(super) fn check_closable(
    conn: &mut DbConnection,
    app: &ApplicationRow,
) -> Result<(), ServiceError> {
    let open = payments::table
        .filter(payments::application_id.eq(&app.id))
        .filter(payments::state.ne(PaymentState::Paid.as_str()))
        .filter(payments::state.ne(PaymentState::Cancelled.as_str()))
        .count()
        .get_result::<i64>(conn)?;
    if open > 0 {
        return Err(ServiceError::Conflict(format!(
            "er staan nog {open} betaling(en) of terugvordering(en) open; sluit af als alles is betaald"
        )));
    }
    Ok(())
}
