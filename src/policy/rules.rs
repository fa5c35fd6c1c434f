//! The rules: stable ids, default severities, and their texts in English and Dutch.

use crate::lists::Text;
use crate::report::model::Severity;

pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    pub title: (&'static str, &'static str),
    /// Why it matters: the sector advice and GDPR principle behind the rule.
    pub rationale: (&'static str, &'static str),
    /// Advice for findings that no catalogue service explains (unknown hosts, forms, http).
    pub advice: (&'static str, &'static str),
}

impl Rule {
    pub fn title(&self) -> Text {
        text(self.title)
    }
    pub fn rationale(&self) -> Text {
        text(self.rationale)
    }
    pub fn advice(&self) -> Text {
        text(self.advice)
    }
}

fn text((en, nl): (&str, &str)) -> Text {
    Text {
        en: en.to_owned(),
        nl: nl.to_owned(),
    }
}

pub const TRACKING_PIXEL: &str = "tracking-pixel";
pub const NON_EEA_ANALYTICS: &str = "non-eea-analytics";
pub const TAG_MANAGER: &str = "tag-manager";
pub const SESSION_RECORDING: &str = "session-recording";
pub const SOCIAL_EMBED: &str = "social-embed";
pub const VIDEO_EMBED: &str = "video-embed";
pub const NON_EEA_TRANSFER: &str = "non-eea-transfer";
pub const FORM_TO_THIRD_PARTY: &str = "form-to-third-party";
pub const INSECURE_TRANSPORT: &str = "insecure-transport";
pub const MISSING_PRIVACY_STATEMENT: &str = "missing-privacy-statement";
pub const UNKNOWN_THIRD_PARTY: &str = "unknown-third-party";
pub const UNDISCLOSED_THIRD_PARTY: &str = "undisclosed-third-party";
pub const DISCLOSED_NOT_FOUND: &str = "disclosed-not-found";
pub const SOCIAL_MEDIA_PRESENCE: &str = "social-media-presence";
pub const PRIVACY_FRIENDLY_ANALYTICS: &str = "privacy-friendly-analytics";
pub const COOKIE_BEFORE_CONSENT: &str = "cookie-before-consent";
pub const THIRD_PARTY_COOKIE: &str = "third-party-cookie";
pub const TRACKING_AFTER_REJECT: &str = "tracking-after-reject";
pub const NO_REJECT_OPTION: &str = "no-reject-option";
pub const CONSENT_CHOICE_NOT_FOUND: &str = "consent-choice-not-found";

pub static RULES: &[Rule] = &[
    Rule {
        id: UNDISCLOSED_THIRD_PARTY,
        severity: Severity::Medium,
        title: (
            "Third party not named in the privacy statement",
            "Derde partij niet genoemd in de privacyverklaring",
        ),
        rationale: (
            "Transparency is the first principle of the GDPR: visitors must be told which third parties receive their data (articles 12 and 13). The site sends visitors' data to this service, but neither the privacy statement nor the cookie statement names it, its organisation or its host; words such as \"analytical cookies of third parties\" do not tell a visitor who receives the data.",
            "Transparantie is het eerste beginsel van de AVG: bezoekers moeten te horen krijgen welke derden hun gegevens ontvangen (artikelen 12 en 13). De site stuurt gegevens van bezoekers naar deze dienst, maar de privacyverklaring en de cookieverklaring noemen de dienst, de organisatie en de host niet; woorden als \"analytische cookies van derden\" vertellen een bezoeker niet wie de gegevens krijgt.",
        ),
        advice: (
            "Remove the service, or name it in the privacy statement: the organisation, what it receives, why, for how long, and the footing of a transfer outside the EEA.",
            "Verwijder de dienst, of noem hem in de privacyverklaring: de organisatie, wat zij ontvangt, waarom, hoe lang, en de grondslag van een doorgifte buiten de EER.",
        ),
    },
    Rule {
        id: DISCLOSED_NOT_FOUND,
        severity: Severity::Info,
        title: (
            "Named in the privacy statement, not found on the site",
            "Genoemd in de privacyverklaring, niet gevonden op de site",
        ),
        rationale: (
            "The statement names a service that the scan did not find on the pages it read. Statements often outlive a redesign; an accurate statement is part of being able to demonstrate what the site does (accountability). The service may also run on pages the scan did not reach, or only after consent.",
            "De verklaring noemt een dienst die de scan niet vond op de gelezen pagina's. Verklaringen overleven vaak een nieuwe site; een kloppende verklaring hoort bij kunnen aantonen wat de site doet (verantwoordingsplicht). De dienst kan ook draaien op pagina's die de scan niet bereikte, of pas na toestemming.",
        ),
        advice: (
            "Check whether the site still uses the service; if not, take it out of the statement.",
            "Ga na of de site de dienst nog gebruikt; zo niet, haal hem uit de verklaring.",
        ),
    },
    Rule {
        id: SOCIAL_MEDIA_PRESENCE,
        severity: Severity::Info,
        title: (
            "The site sends visitors to a social platform",
            "De site verwijst bezoekers naar een sociaal platform",
        ),
        rationale: (
            "A link to the institution's account transfers nothing on page load, but it is the use of social media for communication and recruitment that the Dutch DPA's 2024 advice is about: institutions may use social media only with clear agreements with the platform about the data of students and staff (who is controller for what, retention, security, transfers outside the EEA), and the sector guidance advises phasing out unsafe big-tech platforms. Kennisnet and SIVON advise the school website or school apps for sharing information instead.",
            "Een link naar het account van de instelling geeft bij het laden niets door, maar het is het gebruik van sociale media voor communicatie en werving waar het advies van de Autoriteit Persoonsgegevens uit 2024 over gaat: instellingen mogen sociale media alleen inzetten met duidelijke afspraken met het platform over de gegevens van leerlingen, studenten en medewerkers (wie verwerkingsverantwoordelijke is waarvoor, bewaartermijnen, beveiliging, doorgifte buiten de EER), en de sectorhandreiking adviseert onveilige big-tech-platforms uit te faseren. Kennisnet en SIVON raden voor het delen van informatie de schoolwebsite of schoolapps aan.",
        ),
        advice: (
            "Record the agreements with this platform (joint controllership, a processing agreement where it processes for you, the footing of transfers outside the EEA) or, where they cannot be made, phase the account out: publish on the institution's own website and consider a European or federated alternative (a Mastodon or PeerTube instance of the institution or of a public body).",
            "Leg de afspraken met dit platform vast (gezamenlijke verantwoordelijkheid, een verwerkersovereenkomst waar het voor jullie verwerkt, de grondslag van doorgifte buiten de EER) of faseer het account uit als die afspraken niet te maken zijn: publiceer op de eigen website en overweeg een Europees of gefedereerd alternatief (een Mastodon- of PeerTube-server van de instelling of van een publieke organisatie).",
        ),
    },
    Rule {
        id: TRACKING_AFTER_REJECT,
        severity: Severity::High,
        title: (
            "Tracking after the visitor refused",
            "Tracking nadat de bezoeker weigerde",
        ),
        rationale: (
            "The browser refused every purpose on the cookie banner, and the site still contacted this tracking service or set its cookie. The banner does not keep its word: a refusal must be respected (ePrivacy rules, in the Netherlands article 11.7a of the Telecommunications Act; the Dutch DPA's guidance on cookie banners), and in education the sector advice is no tracking at all.",
            "De browser weigerde alle doelen op de cookiebanner, en toch nam de site contact op met deze trackingdienst of plaatste zij zijn cookie. De banner houdt zich niet aan zijn woord: een weigering moet worden gerespecteerd (artikel 11.7a Telecommunicatiewet; de normuitleg cookiebanners van de Autoriteit Persoonsgegevens), en voor het onderwijs is het advies: helemaal geen tracking.",
        ),
        advice: (
            "Make the consent platform block this tag until the visitor agrees (its category, or the tag manager's consent settings), or remove the tag; check again with --consent reject.",
            "Laat het toestemmingsplatform deze tag blokkeren tot de bezoeker toestemming geeft (de categorie, of de toestemmingsinstellingen van de tagmanager), of verwijder de tag; controleer opnieuw met --consent reject.",
        ),
    },
    Rule {
        id: NO_REJECT_OPTION,
        severity: Severity::Medium,
        title: (
            "Cookie banner without a reject option on its first layer",
            "Cookiebanner zonder weigerknop op de eerste laag",
        ),
        rationale: (
            "The banner's first layer offers to accept but not to refuse: refusing takes more clicks than accepting. The Dutch DPA's guidance asks that refusing be as easy as accepting, with the reject choice next to the accept choice.",
            "De eerste laag van de banner biedt accepteren aan maar niet weigeren: weigeren kost meer klikken dan accepteren. De Autoriteit Persoonsgegevens vraagt dat weigeren even makkelijk is als accepteren, met de weigerknop naast de accepteerknop.",
        ),
        advice: (
            "Put a \"Reject all\" (or \"Only necessary cookies\") button on the first layer, as prominent as \"Accept all\"; every consent platform has the setting. Better: remove the tracking, and no banner is needed.",
            "Zet een knop \"Alles weigeren\" (of \"Alleen noodzakelijke cookies\") op de eerste laag, even opvallend als \"Alles accepteren\"; elk toestemmingsplatform heeft die instelling. Beter: verwijder de tracking, dan is geen banner nodig.",
        ),
    },
    Rule {
        id: CONSENT_CHOICE_NOT_FOUND,
        severity: Severity::Low,
        title: (
            "Consent choice could not be made",
            "Toestemmingskeuze kon niet worden gemaakt",
        ),
        rationale: (
            "The audit was asked to accept or refuse on the cookie banner and found no control to click (no banner, or one no rule and no button label matched). What the report shows for that state is what a visitor sees without choosing: whether the site keeps a refusal was not verified.",
            "De audit moest op de cookiebanner accepteren of weigeren en vond geen knop om op te klikken (geen banner, of een die geen regel en geen knoptekst herkende). Wat het rapport voor die toestand toont, is wat een bezoeker ziet zonder te kiezen: of de site een weigering respecteert, is niet gecontroleerd.",
        ),
        advice: (
            "Without tracking no banner is needed, and this is fine. Otherwise check the banner by hand, and add its platform to tracker-lists/cmp.toml (see the README).",
            "Zonder tracking is geen banner nodig, en dan is dit in orde. Anders: controleer de banner met de hand en voeg het platform toe aan tracker-lists/cmp.toml (zie de README).",
        ),
    },
    Rule {
        id: COOKIE_BEFORE_CONSENT,
        severity: Severity::High,
        title: (
            "Tracking cookie before consent",
            "Trackingcookie vóór toestemming",
        ),
        rationale: (
            "The browser held this tracking cookie right after the page loaded, before the visitor did anything. Placing or reading a tracking cookie needs the visitor's prior consent (ePrivacy rules, in the Netherlands article 11.7a of the Telecommunications Act), and in education consent is no workable basis.",
            "De browser had deze trackingcookie direct na het laden van de pagina, voordat de bezoeker iets deed. Voor het plaatsen of uitlezen van een trackingcookie is vooraf toestemming nodig (artikel 11.7a Telecommunicatiewet), en in het onderwijs is toestemming geen werkbare grondslag.",
        ),
        advice: (
            "Remove the script that sets the cookie, or load it only after the visitor agreed; better, replace it with a tool that needs no tracking cookies (Matomo without cookies).",
            "Verwijder het script dat de cookie plaatst, of laad het pas nadat de bezoeker toestemming gaf; beter nog: vervang het door een hulpmiddel zonder trackingcookies (Matomo zonder cookies).",
        ),
    },
    Rule {
        id: THIRD_PARTY_COOKIE,
        severity: Severity::Medium,
        title: ("Third-party cookie", "Cookie van een derde partij"),
        rationale: (
            "A cookie of another organisation's domain lets that organisation recognise the visitor on every site that embeds it, and follow them across sites.",
            "Een cookie op het domein van een andere organisatie laat die organisatie de bezoeker herkennen op elke site die haar insluit, en hem over sites heen volgen.",
        ),
        advice: (
            "Find the embed or script that brings this party in and remove it, or load it only after a click (click-to-load).",
            "Zoek de insluiting of het script dat deze partij binnenhaalt en verwijder het, of laad het pas na een klik (klik-om-te-laden).",
        ),
    },
    Rule {
        id: TRACKING_PIXEL,
        severity: Severity::High,
        title: ("Tracking pixel", "Trackingpixel"),
        rationale: (
            "Tracking pixels and conversion tags send every visit to an advertising company, which links it to a profile for its own purposes. The sector advice for education is explicit: do not use tracking pixels, because of the further processing by big tech. Consent is no workable basis in the relation between a student and the institution.",
            "Trackingpixels en conversietags sturen elk bezoek naar een advertentiebedrijf, dat het koppelt aan een profiel voor eigen doeleinden. Het advies voor het onderwijs is duidelijk: gebruik geen trackingpixels, vanwege de verdere verwerking door big tech. Toestemming is geen werkbare grondslag in de afhankelijkheidsrelatie tussen student en instelling.",
        ),
        advice: (
            "Remove the pixel. Measure campaigns with privacy-friendly analytics (Matomo or Piwik PRO, self-hosted or hosted in the EU) and campaign parameters in links.",
            "Verwijder de pixel. Meet campagnes met privacyvriendelijke statistieken (Matomo of Piwik PRO, zelf gehost of in de EU gehost) en campagneparameters in links.",
        ),
    },
    Rule {
        id: NON_EEA_ANALYTICS,
        severity: Severity::High,
        title: (
            "Analytics by an organisation outside the EEA",
            "Statistieken door een organisatie buiten de EER",
        ),
        rationale: (
            "Every page view sends the visitor's IP address and device data to an organisation outside the EEA; an IP address is personal data. Sector guidance recommends Piwik/Matomo instead of Google Analytics, and a transfer outside the EEA needs a footing that holds.",
            "Elke paginaweergave stuurt het IP-adres en apparaatgegevens van de bezoeker naar een organisatie buiten de EER; een IP-adres is een persoonsgegeven. De sectorhandreiking raadt Piwik/Matomo aan in plaats van Google Analytics, en doorgifte buiten de EER vraagt een grondslag die standhoudt.",
        ),
        advice: (
            "Switch to Matomo or Piwik PRO, self-hosted or hosted in the EU, with IP anonymisation and without cookies where possible.",
            "Stap over op Matomo of Piwik PRO, zelf gehost of in de EU gehost, met IP-anonimisering en waar mogelijk zonder cookies.",
        ),
    },
    Rule {
        id: TAG_MANAGER,
        severity: Severity::High,
        title: (
            "Tag manager of an organisation outside the EEA",
            "Tagmanager van een organisatie buiten de EER",
        ),
        rationale: (
            "A tag manager loads further scripts at run time that the page itself does not show: whoever edits the container can add trackers without a change to the site. The institution cannot demonstrate what its site does (accountability).",
            "Een tagmanager laadt tijdens het bezoek extra scripts die de pagina zelf niet toont: wie de container beheert, kan trackers toevoegen zonder dat de site verandert. De instelling kan dan niet aantonen wat haar site doet (verantwoordingsplicht).",
        ),
        advice: (
            "Remove the tag manager and place the few scripts you need directly in the site, or use the tag manager of a self-hosted Matomo.",
            "Verwijder de tagmanager en plaats de paar scripts die nodig zijn rechtstreeks in de site, of gebruik de tagmanager van een zelf gehoste Matomo.",
        ),
    },
    Rule {
        id: SESSION_RECORDING,
        severity: Severity::High,
        title: ("Session recording or heatmaps", "Sessie-opname of heatmaps"),
        rationale: (
            "Session recording captures mouse movements, clicks and what visitors type, and sends it to the vendor: far more than needed to run a school website (data minimisation).",
            "Sessie-opname legt muisbewegingen, klikken en invoer van bezoekers vast en stuurt die naar de leverancier: veel meer dan nodig is voor een schoolwebsite (dataminimalisatie).",
        ),
        advice: (
            "Remove session recording. If you need usability insight, run a short user test or use Matomo's heatmaps, self-hosted.",
            "Verwijder de sessie-opname. Heb je inzicht in gebruiksgemak nodig, doe dan een korte gebruikerstest of gebruik de heatmaps van een zelf gehoste Matomo.",
        ),
    },
    Rule {
        id: SOCIAL_EMBED,
        severity: Severity::Medium,
        title: ("Embedded social media", "Ingesloten sociale media"),
        rationale: (
            "Embedded posts, feeds, like and share buttons and social SDKs let the platform follow every visitor of the page, whether or not they have an account. The Dutch DPA advises education institutions to be careful with social media: no agreements with the platforms exist about what happens to the data.",
            "Ingesloten berichten, tijdlijnen, like- en deelknoppen en social-SDK's laten het platform elke bezoeker van de pagina volgen, ook zonder account. De Autoriteit Persoonsgegevens adviseert onderwijsinstellingen terughoudend te zijn met sociale media: er zijn geen afspraken met de platforms over wat er met de gegevens gebeurt.",
        ),
        advice: (
            "Replace the embed by a plain link or a screenshot with a link, or load it only after a click (click-to-load).",
            "Vervang de insluiting door een gewone link of een afbeelding met link, of laad hem pas na een klik (klik-om-te-laden).",
        ),
    },
    Rule {
        id: VIDEO_EMBED,
        severity: Severity::Medium,
        title: (
            "Embedded video or audio from a platform outside the EEA",
            "Ingesloten video of audio van een platform buiten de EER",
        ),
        rationale: (
            "An embedded player contacts the platform as soon as the page loads and usually sets tracking cookies, before the visitor decides to watch.",
            "Een ingesloten speler neemt contact op met het platform zodra de pagina laadt en zet meestal trackingcookies, nog voordat de bezoeker besluit te kijken.",
        ),
        advice: (
            "Use a click-to-load placeholder with a local thumbnail, and the platform's privacy-enhanced mode (youtube-nocookie.com), or host the video yourself.",
            "Gebruik een klik-om-te-laden-afbeelding met een lokaal opgeslagen voorbeeld en de privacyvriendelijke modus van het platform (youtube-nocookie.com), of host de video zelf.",
        ),
    },
    Rule {
        id: NON_EEA_TRANSFER,
        severity: Severity::Medium,
        title: (
            "Transfer of visitor data outside the EEA",
            "Doorgifte van bezoekersgegevens buiten de EER",
        ),
        rationale: (
            "The browser sends the visitor's IP address to an organisation outside the EEA whose country has no adequacy decision of its own. A US organisation certified under the EU–US Data Privacy Framework has a footing only while it is certified and the decision stands; the institution still needs a processing agreement and must be able to demonstrate the footing.",
            "De browser stuurt het IP-adres van de bezoeker naar een organisatie buiten de EER in een land zonder eigen adequaatheidsbesluit. Een Amerikaanse organisatie die onder het EU-VS Data Privacy Framework is gecertificeerd, heeft alleen een grondslag zolang de certificering en het besluit standhouden; de instelling heeft nog steeds een verwerkersovereenkomst nodig en moet de grondslag kunnen aantonen.",
        ),
        advice: (
            "Self-host the resource (fonts, libraries, images) or choose a provider in the EEA; where that is impossible, record the footing and the processing agreement.",
            "Host het bestand zelf (lettertypen, bibliotheken, afbeeldingen) of kies een aanbieder in de EER; kan dat niet, leg dan de grondslag en de verwerkersovereenkomst vast.",
        ),
    },
    Rule {
        id: FORM_TO_THIRD_PARTY,
        severity: Severity::Medium,
        title: (
            "Form sends personal data to another organisation",
            "Formulier stuurt persoonsgegevens naar een andere organisatie",
        ),
        rationale: (
            "What a visitor types in this form goes straight to another organisation. That organisation processes personal data for the institution and needs a processing agreement; the visitor must be told in the privacy statement.",
            "Wat een bezoeker in dit formulier invult, gaat rechtstreeks naar een andere organisatie. Die verwerkt persoonsgegevens voor de instelling en heeft een verwerkersovereenkomst nodig; de bezoeker moet dit in de privacyverklaring kunnen lezen.",
        ),
        advice: (
            "Handle the form on the institution's own site, or use a form or newsletter service in the EEA with a processing agreement.",
            "Verwerk het formulier op de eigen site, of gebruik een formulier- of nieuwsbriefdienst in de EER met een verwerkersovereenkomst.",
        ),
    },
    Rule {
        id: INSECURE_TRANSPORT,
        severity: Severity::Medium,
        title: ("Unencrypted connection", "Onversleutelde verbinding"),
        rationale: (
            "Pages, forms or resources over plain http can be read and changed on the way (integrity and confidentiality).",
            "Pagina's, formulieren of bestanden over gewoon http kunnen onderweg worden meegelezen en veranderd (integriteit en vertrouwelijkheid).",
        ),
        advice: (
            "Serve every page and resource over https, redirect http to https and post forms to https addresses only.",
            "Bied alle pagina's en bestanden aan via https, stuur http door naar https en laat formulieren alleen naar https-adressen versturen.",
        ),
    },
    Rule {
        id: MISSING_PRIVACY_STATEMENT,
        severity: Severity::Medium,
        title: (
            "No link to the privacy statement",
            "Geen link naar de privacyverklaring",
        ),
        rationale: (
            "Transparency: visitors must be able to read what happens with their data, and wherever they hand over personal data (a contact or newsletter form) the privacy statement should be one click away.",
            "Transparantie: bezoekers moeten kunnen lezen wat er met hun gegevens gebeurt, en overal waar zij persoonsgegevens afgeven (een contact- of nieuwsbriefformulier) hoort de privacyverklaring één klik verder te staan.",
        ),
        advice: (
            "Link the privacy statement from the footer of every page and next to every form that asks for personal data.",
            "Link de privacyverklaring in de footer van elke pagina en naast elk formulier dat om persoonsgegevens vraagt.",
        ),
    },
    Rule {
        id: UNKNOWN_THIRD_PARTY,
        severity: Severity::Low,
        title: (
            "Third party not in any list",
            "Derde partij die in geen enkele lijst staat",
        ),
        rationale: (
            "Every request to another organisation hands it the visitor's IP address. This host is in no tracker list, so the data protection officer has to assess who runs it and on what footing.",
            "Elk verzoek aan een andere organisatie geeft haar het IP-adres van de bezoeker. Deze host staat in geen enkele trackerlijst; de FG moet beoordelen wie erachter zit en op welke grondslag.",
        ),
        advice: (
            "Find out who runs this host and why the site uses it; self-host the resource or record the processing agreement.",
            "Zoek uit wie deze host beheert en waarom de site hem gebruikt; host het bestand zelf of leg de verwerkersovereenkomst vast.",
        ),
    },
    Rule {
        id: PRIVACY_FRIENDLY_ANALYTICS,
        severity: Severity::Info,
        title: (
            "Privacy-friendly analytics",
            "Privacyvriendelijke statistieken",
        ),
        rationale: (
            "This is the choice the sector advice recommends: analytics that the institution controls, without transfers to big tech.",
            "Dit is de keuze die de sectorhandreiking aanraadt: statistieken die de instelling zelf in de hand heeft, zonder doorgifte aan big tech.",
        ),
        advice: (
            "Keep it; anonymise IP addresses and mention it in the privacy statement.",
            "Zo houden; anonimiseer IP-adressen en vermeld het in de privacyverklaring.",
        ),
    },
];

/// The advice of `social-media-presence` for an account on a European or federated platform
/// (Mastodon, PeerTube, Pixelfed).
pub fn open_platform_advice() -> Text {
    text((
        "This is the kind of alternative the advice points to. Check who runs the instance and its privacy terms, or host the account on an instance of the institution or of a public body; keep publishing on the institution's own website too.",
        "Dit is het soort alternatief waar het advies naar verwijst. Ga na wie de server beheert en wat zijn privacyvoorwaarden zijn, of plaats het account op een server van de instelling of van een publieke organisatie; blijf ook op de eigen website publiceren.",
    ))
}

/// Rules that only the browser engine can check (cookies exist only in a browser).
pub fn browser_only(id: &str) -> bool {
    matches!(id, COOKIE_BEFORE_CONSENT | THIRD_PARTY_COOKIE) || consent_only(id)
}

/// Rules checked only when the browser made a consent choice (`--consent accept|reject|all`).
pub fn consent_only(id: &str) -> bool {
    matches!(
        id,
        TRACKING_AFTER_REJECT | NO_REJECT_OPTION | CONSENT_CHOICE_NOT_FOUND
    )
}

/// The rule with this id, if there is one (a saved report may name a rule of another version).
pub fn rule_by_id(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

pub fn rule(id: &str) -> &'static Rule {
    RULES
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("rule {id:?} is defined in RULES"))
}
