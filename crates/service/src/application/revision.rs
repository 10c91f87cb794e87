//! Revocation and lowering of a grant by the funder, with motivation (Awb 4:48 before
//! settlement, 4:49 after): the checks of the new amount and the facts the decision's
//! letter prints. The budget movement is the table's effect ([`super::effects`]); the
//! payments that no longer apply are cancelled and what was paid too much is recovered
//! (Awb 4:57, [`crate::payments::schedule::revise_payments`]).

use subsidie_domain::amendment::AmendmentKind;
use subsidie_domain::letters::GrantChange;
use subsidie_domain::Money;
use subsidie_store::rows::ApplicationRow;

use crate::convert::money;
use crate::error::ServiceError;

/// The amount a decision after the grant changes: the settled amount once settled,
/// the grant before.
pub(crate) fn current_cents(app: &ApplicationRow) -> i64 {
    app.settled_cents.unwrap_or(app.granted_cents)
}

/// A lowering is to an amount above zero (zero is a revocation) and below the current
/// one (a raise is the grantee's amendment).
pub(super) fn check_lowering(app: &ApplicationRow, amount: Money) -> Result<(), ServiceError> {
    let current = money(current_cents(app))?;
    if amount.is_zero() {
        return Err(ServiceError::field(
            "bedrag",
            "is € 0,00; trek de verlening in (opdracht 'verlening_intrekken') in plaats van haar tot nul te verlagen",
        ));
    }
    if amount >= current {
        return Err(ServiceError::field(
            "bedrag",
            format!(
                "{} is niet lager dan het huidige bedrag van {}; een verlaging is tot een lager bedrag, een verhoging vraagt de ontvanger met een wijzigingsverzoek",
                amount.to_dutch(),
                current.to_dutch()
            ),
        ));
    }
    Ok(())
}

/// What the letter of a decision after the grant says changed: from `before_cents` (the
/// current amount before it, settled when `settled`) to what `app` holds now.
pub(crate) fn change_facts(
    app: &ApplicationRow,
    before_cents: i64,
    settled: bool,
    asked: Option<(AmendmentKind, Option<i64>, Option<chrono::NaiveDate>)>,
) -> Result<GrantChange, ServiceError> {
    let (verzoek, gevraagd_bedrag, gevraagde_termijn) = match asked {
        Some((kind, amount, deadline)) => (Some(kind), amount.map(money).transpose()?, deadline),
        None => (None, None, None),
    };
    Ok(GrantChange {
        verzoek,
        gevraagd_bedrag,
        gevraagde_termijn,
        vorig_bedrag: money(before_cents)?,
        nieuw_bedrag: money(current_cents(app))?,
        na_vaststelling: settled,
    })
}
