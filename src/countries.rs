//! Country names in English and Dutch, by ISO 3166-1 alpha-2 code: the JSON report keeps the
//! code, the reports for people show the name. Covers every country the catalogue names (an
//! organisation's seat, the EEA, the adequacy decisions); `lists --check` keeps it that way.

use crate::Lang;

/// (code, English, Dutch), sorted by code.
const COUNTRIES: &[(&str, &str, &str)] = &[
    ("AD", "Andorra", "Andorra"),
    ("AE", "United Arab Emirates", "Verenigde Arabische Emiraten"),
    ("AR", "Argentina", "Argentinië"),
    ("AT", "Austria", "Oostenrijk"),
    ("AU", "Australia", "Australië"),
    ("BE", "Belgium", "België"),
    ("BG", "Bulgaria", "Bulgarije"),
    ("BR", "Brazil", "Brazilië"),
    ("CA", "Canada", "Canada"),
    ("CH", "Switzerland", "Zwitserland"),
    ("CN", "China", "China"),
    ("CY", "Cyprus", "Cyprus"),
    ("CZ", "Czechia", "Tsjechië"),
    ("DE", "Germany", "Duitsland"),
    ("DK", "Denmark", "Denemarken"),
    ("EE", "Estonia", "Estland"),
    ("ES", "Spain", "Spanje"),
    ("FI", "Finland", "Finland"),
    ("FO", "Faroe Islands", "Faeröer"),
    ("FR", "France", "Frankrijk"),
    ("GB", "United Kingdom", "Verenigd Koninkrijk"),
    ("GG", "Guernsey", "Guernsey"),
    ("GR", "Greece", "Griekenland"),
    ("HK", "Hong Kong", "Hongkong"),
    ("HR", "Croatia", "Kroatië"),
    ("HU", "Hungary", "Hongarije"),
    ("IE", "Ireland", "Ierland"),
    ("IL", "Israel", "Israël"),
    ("IM", "Isle of Man", "Man"),
    ("IN", "India", "India"),
    ("IS", "Iceland", "IJsland"),
    ("IT", "Italy", "Italië"),
    ("JE", "Jersey", "Jersey"),
    ("JP", "Japan", "Japan"),
    ("KR", "South Korea", "Zuid-Korea"),
    ("LI", "Liechtenstein", "Liechtenstein"),
    ("LT", "Lithuania", "Litouwen"),
    ("LU", "Luxembourg", "Luxemburg"),
    ("LV", "Latvia", "Letland"),
    ("MT", "Malta", "Malta"),
    ("NL", "Netherlands", "Nederland"),
    ("NO", "Norway", "Noorwegen"),
    ("NZ", "New Zealand", "Nieuw-Zeeland"),
    ("PH", "Philippines", "Filipijnen"),
    ("PL", "Poland", "Polen"),
    ("PT", "Portugal", "Portugal"),
    ("RO", "Romania", "Roemenië"),
    ("RU", "Russia", "Rusland"),
    ("SE", "Sweden", "Zweden"),
    ("SG", "Singapore", "Singapore"),
    ("SI", "Slovenia", "Slovenië"),
    ("SK", "Slovakia", "Slowakije"),
    ("UA", "Ukraine", "Oekraïne"),
    ("US", "United States", "Verenigde Staten"),
    ("UY", "Uruguay", "Uruguay"),
];

/// The country's name in `lang`; `None` for a code the table does not know.
pub fn name(lang: Lang, code: &str) -> Option<&'static str> {
    let code = code.trim().to_ascii_uppercase();
    COUNTRIES
        .binary_search_by(|(c, _, _)| (*c).cmp(code.as_str()))
        .ok()
        .map(|i| match lang {
            Lang::En => COUNTRIES[i].1,
            Lang::Nl => COUNTRIES[i].2,
        })
}

/// What a report shows for a country: its name, the code itself when unknown to the table,
/// or the language's "unknown" when there is no code.
pub fn shown(lang: Lang, code: &str) -> String {
    if code.trim().is_empty() {
        return match lang {
            Lang::En => "unknown",
            Lang::Nl => "onbekend",
        }
        .to_owned();
    }
    name(lang, code).map_or_else(|| code.to_owned(), str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_names_countries_in_both_languages() {
        assert!(COUNTRIES.windows(2).all(|w| w[0].0 < w[1].0), "sorted");
        assert_eq!(name(Lang::Nl, "US"), Some("Verenigde Staten"));
        assert_eq!(name(Lang::En, "gb"), Some("United Kingdom"));
        assert_eq!(shown(Lang::Nl, ""), "onbekend");
        assert_eq!(shown(Lang::En, "ZZ"), "ZZ");
    }
}
