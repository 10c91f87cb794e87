//! The reference data pages name things by: instruments, regions and disciplines.

use subsidie_service::{queries, Pool, ServiceError};
use subsidie_store::rows::InstrumentRow;

/// Instruments, regions and disciplines by id.
pub(crate) struct Catalogue {
    pub(crate) instruments: Vec<InstrumentRow>,
    pub(crate) regions: Vec<(String, String)>,
    pub(crate) disciplines: Vec<(String, String)>,
}

impl Catalogue {
    /// Reads the catalogue (a blocking call).
    pub(crate) fn load(pool: &Pool) -> Result<Catalogue, ServiceError> {
        Ok(Catalogue {
            instruments: queries::instruments(pool)?,
            regions: queries::regions(pool)?
                .into_iter()
                .map(|r| (r.id, r.name))
                .collect(),
            disciplines: queries::disciplines(pool)?
                .into_iter()
                .map(|d| (d.id, d.name))
                .collect(),
        })
    }

    /// An instrument by id.
    pub(crate) fn instrument(&self, id: &str) -> Option<&InstrumentRow> {
        self.instruments.iter().find(|i| i.id == id)
    }

    /// An instrument's name, or its id when unknown.
    pub(crate) fn instrument_name(&self, id: &str) -> String {
        self.instrument(id)
            .map_or_else(|| id.to_owned(), |i| i.name.clone())
    }

    /// A region's name, or its id.
    pub(crate) fn region_name(&self, id: &str) -> String {
        name_of(&self.regions, id)
    }

    /// A discipline's name, or its id.
    pub(crate) fn discipline_name(&self, id: &str) -> String {
        name_of(&self.disciplines, id)
    }

    /// Options for a select: `(value, name)` with a first empty choice named `none`.
    pub(crate) fn options(items: &[(String, String)], none: &str) -> Vec<minijinja::Value> {
        std::iter::once(minijinja::context! { waarde => "", naam => none })
            .chain(
                items
                    .iter()
                    .map(|(id, name)| minijinja::context! { waarde => id, naam => name }),
            )
            .collect()
    }
}

fn name_of(items: &[(String, String)], id: &str) -> String {
    items
        .iter()
        .find(|(i, _)| i == id)
        .map_or_else(|| id.to_owned(), |(_, n)| n.clone())
}
