//! A generated school website with the markup density of a real CMS theme (about 50 KB a page):
//! big nav menu, inline SVG icons, BEM-style container soup, Dutch-ish article text, cards,
//! footer, inline scripts (config blob, GTM, gtag, sometimes a Meta pixel) and a few third-party
//! resources. Deterministic: the same page count always gives the same bytes.
//!
//! Link structure: page `i` links to its children `2i+1` and `2i+2` (a binary tree, so every
//! page is reachable from the home page within ~log2(N) clicks), to its parent in the
//! breadcrumb, to ~30 fixed section pages in the nav and footer, and to the ~10 most recent
//! pages. Home is linked as `/`, never as `/index.html`, so that a crawl started at `/` sees
//! exactly N distinct pages.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Section pages linked from the nav and footer of every page: pages 1..=30.
const SECTIONS: usize = 30;
/// "Recent" pages linked from every sidebar: the last pages of the site.
const RECENT: usize = 10;
/// Every 10th page embeds a YouTube video; every 4th carries a Meta pixel.
const VIDEO_EVERY: usize = 10;
const PIXEL_EVERY: usize = 4;
/// Article paragraphs per page: tuned so that a page weighs about 50 KB.
const PARAGRAPHS: std::ops::Range<u64> = 12..18;

/// The URL path of page `i`.
pub fn page_path(i: usize) -> String {
    if i == 0 {
        "/".to_owned()
    } else {
        format!("/p/{i}.html")
    }
}

/// The file that holds page `i` under the site's root.
pub fn page_file(root: &Path, i: usize) -> PathBuf {
    if i == 0 {
        root.join("index.html")
    } else {
        root.join("p").join(format!("{i}.html"))
    }
}

/// Write an N-page site into `root` (emptied first); returns the total size in bytes.
pub fn generate(root: &Path, pages: usize) -> std::io::Result<u64> {
    if root.exists() {
        std::fs::remove_dir_all(root)?;
    }
    std::fs::create_dir_all(root.join("p"))?;
    let mut total = 0;
    let mut html = String::with_capacity(64 * 1024);
    for i in 0..pages {
        html.clear();
        Page::new(i, pages).render(&mut html);
        std::fs::write(page_file(root, i), &html)?;
        total += html.len() as u64;
    }
    Ok(total)
}

/// SplitMix64: a tiny deterministic generator, seeded per page.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn range(&mut self, range: std::ops::Range<u64>) -> u64 {
        range.start + self.next() % (range.end - range.start)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.next() as usize % items.len()]
    }
}

const WORDS: &[&str] = &[
    "de",
    "het",
    "een",
    "en",
    "van",
    "in",
    "op",
    "voor",
    "met",
    "aan",
    "leerlingen",
    "school",
    "onderwijs",
    "docenten",
    "ouders",
    "lessen",
    "rooster",
    "examen",
    "mentor",
    "begeleiding",
    "klas",
    "schooljaar",
    "week",
    "activiteiten",
    "project",
    "informatie",
    "bovenbouw",
    "onderbouw",
    "havo",
    "vwo",
    "vmbo",
    "gymnasium",
    "profielkeuze",
    "werkweek",
    "excursie",
    "sport",
    "cultuur",
    "mediatheek",
    "decaan",
    "zorgcoördinator",
    "nieuws",
    "agenda",
    "vakantie",
    "toetsweek",
    "ouderavond",
    "medezeggenschapsraad",
    "leerlingenraad",
    "talent",
    "samen",
    "ontwikkeling",
    "nieuwsgierig",
    "verantwoordelijkheid",
    "wordt",
    "worden",
    "hebben",
    "kunnen",
    "zullen",
    "graag",
    "ook",
    "altijd",
    "tijdens",
    "na",
    "bij",
    "over",
    "onze",
    "jouw",
    "zij",
    "wij",
    "gezellige",
    "uitdagende",
    "veilige",
    "omgeving",
    "keuzewerktijd",
    "huiswerkbegeleiding",
    "bijles",
    "studiedag",
    "proefwerk",
    "cijfers",
    "rapport",
    "inschrijving",
    "aanmelding",
];

const MENU: &[(&str, &[&str])] = &[
    (
        "Over ons",
        &[
            "Missie en visie",
            "Team",
            "Schoolgids",
            "Vacatures",
            "Geschiedenis",
        ],
    ),
    (
        "Onderwijs",
        &[
            "Onderbouw",
            "Bovenbouw",
            "Tweetalig onderwijs",
            "Talentklassen",
            "Examens",
        ],
    ),
    (
        "Leerlingen",
        &[
            "Roosters",
            "Mentoraat",
            "Decanaat",
            "Leerlingenraad",
            "Mediatheek",
        ],
    ),
    (
        "Ouders",
        &[
            "Ouderraad",
            "Ouderbijdrage",
            "Verzuim melden",
            "Informatieavonden",
        ],
    ),
    (
        "Aanmelden",
        &[
            "Open dagen",
            "Meeloopdagen",
            "Toelating",
            "Inschrijven",
            "Kosten",
        ],
    ),
    (
        "Zorg",
        &[
            "Ondersteuning",
            "Dyslexie",
            "Vertrouwenspersoon",
            "Anti-pestbeleid",
        ],
    ),
    (
        "Actueel",
        &[
            "Nieuws",
            "Agenda",
            "Vakanties",
            "Nieuwsbrieven",
            "Fotoalbums",
        ],
    ),
    (
        "Contact",
        &[
            "Route",
            "Ziekmelden",
            "Klachtenregeling",
            "Privacyverklaring",
        ],
    ),
];

/// One page of the site.
struct Page {
    index: usize,
    total: usize,
    rng: Rng,
}

impl Page {
    fn new(index: usize, total: usize) -> Page {
        Page {
            index,
            total,
            rng: Rng(index as u64 ^ 0x5EED),
        }
    }

    /// A link target that exists: section page `k` (1-based), folded into the site's size.
    fn section(&self, k: usize) -> String {
        let sections = SECTIONS.min(self.total - 1);
        if sections == 0 {
            return page_path(0);
        }
        page_path(1 + (k - 1) % sections)
    }

    fn render(mut self, out: &mut String) {
        out.push_str("<!DOCTYPE html>\n<html lang=\"nl-NL\" class=\"no-js\">\n");
        self.head(out);
        let video = self.index % VIDEO_EVERY == 0;
        let _ = writeln!(
            out,
            "<body class=\"page-template-default page page-id-{id} wp-custom-logo theme-school \
             has-sidebar{v}\">",
            id = 1000 + self.index,
            v = if video { " has-video" } else { "" }
        );
        gtm_noscript(out);
        out.push_str("<a class=\"skip-link screen-reader-text\" href=\"#main\">Naar inhoud</a>\n");
        out.push_str("<div id=\"page\" class=\"site site--boxed\">\n");
        self.header(out);
        self.breadcrumb(out);
        out.push_str(
            "<div id=\"content\" class=\"site-content\"><div class=\"container container--wide\">\
             <div class=\"row row--gutter-lg\">\n<main id=\"main\" class=\"site-main col col--md-8\">\n",
        );
        self.article(out, video);
        self.cards(out);
        out.push_str("</main>\n");
        self.sidebar(out);
        out.push_str("</div></div></div>\n");
        self.footer(out);
        out.push_str("</div>\n");
        self.body_scripts(out);
        out.push_str("</body>\n</html>\n");
    }

    fn head(&mut self, out: &mut String) {
        let title = self.title();
        let path = page_path(self.index);
        let description = self.sentence();
        let _ = write!(
            out,
            r#"<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>{title} - Stedelijk Lyceum De Linde</title>
<meta name="description" content="{description}">
<meta name="robots" content="index, follow, max-image-preview:large, max-snippet:-1">
<link rel="canonical" href="{path}">
<meta property="og:locale" content="nl_NL">
<meta property="og:type" content="article">
<meta property="og:title" content="{title}">
<meta property="og:description" content="{description}">
<meta property="og:url" content="{path}">
<meta property="og:site_name" content="Stedelijk Lyceum De Linde">
<meta property="og:image" content="/wp-content/uploads/2024/02/social-share-1200x630.jpg">
<meta name="twitter:card" content="summary_large_image">
<meta name="generator" content="WordPress 6.5.2">
<link rel="preconnect" href="https://fonts.gstatic.com" crossorigin>
<link rel="stylesheet" id="google-fonts-css" href="https://fonts.googleapis.com/css2?family=Open+Sans:wght@400;600;700&amp;family=Merriweather:wght@700&amp;display=swap" media="all">
<link rel="stylesheet" id="theme-main-css" href="/wp-content/themes/linde/assets/css/main.css?ver=3.2.1" media="all">
<link rel="stylesheet" id="theme-blocks-css" href="/wp-content/themes/linde/assets/css/blocks.css?ver=3.2.1" media="all">
<link rel="stylesheet" id="wp-block-library-css" href="/wp-includes/css/dist/block-library/style.min.css?ver=6.5.2" media="all">
<link rel="stylesheet" id="theme-print-css" href="/wp-content/themes/linde/assets/css/print.css?ver=3.2.1" media="print">
<link rel="icon" href="/wp-content/uploads/2023/01/favicon-32x32.png" sizes="32x32">
<link rel="icon" href="/wp-content/uploads/2023/01/favicon-192x192.png" sizes="192x192">
<link rel="apple-touch-icon" href="/wp-content/uploads/2023/01/favicon-180x180.png">
"#
        );
        self.config_script(out);
        json_ld(out, &title, &path);
        gtm_script(out);
        gtag_script(out);
        if self.index % PIXEL_EVERY == 1 {
            meta_pixel(out);
        }
        out.push_str(
            "<style id=\"theme-inline-css\">:root{--color-primary:#0b5e3c;--color-accent:#f2a900;\
             --container-width:1240px}.hero{background-image:url(/wp-content/uploads/2024/01/\
             hero-bg.jpg)}</style>\n</head>\n",
        );
    }

    /// The theme's settings blob, as WordPress themes print it (`wp_localize_script`).
    fn config_script(&mut self, out: &mut String) {
        let nonce = self.rng.next();
        let _ = write!(
            out,
            r#"<script id="linde-config-js-extra">
var lindeConfig = {{"ajaxUrl":"\/wp-admin\/admin-ajax.php","restUrl":"\/wp-json\/linde\/v1\/","nonce":"{nonce:x}","pageId":{id},"lang":"nl","breakpoints":{{"sm":576,"md":768,"lg":992,"xl":1240}},"i18n":{{"openMenu":"Menu openen","closeMenu":"Menu sluiten","search":"Zoeken","readMore":"Lees meer","loading":"Bezig met laden\u2026","noResults":"Geen resultaten gevonden","prev":"Vorige","next":"Volgende"}},"cookie":{{"name":"linde_consent","days":180,"categories":["functional","statistics","marketing"]}},"assets":{{"sprite":"\/wp-content\/themes\/linde\/assets\/img\/sprite.svg","lightbox":"\/wp-content\/themes\/linde\/assets\/js\/lightbox.min.js"}},"agenda":{{"endpoint":"\/wp-json\/linde\/v1\/agenda","perPage":6,"categories":[3,5,8,13,21]}}}};
</script>
"#,
            id = 1000 + self.index
        );
    }

    fn header(&mut self, out: &mut String) {
        out.push_str(
            "<header id=\"masthead\" class=\"site-header site-header--sticky\">\n\
             <div class=\"site-header__top\"><div class=\"container\"><ul class=\"top-bar__list\">",
        );
        let agenda = self.section(3);
        for (icon, text, href) in [
            ("phone", "020 123 45 67", "tel:+31201234567"),
            (
                "mail",
                "info@delinde.example",
                "mailto:info@delinde.example",
            ),
            ("calendar", "Agenda", agenda.as_str()),
        ] {
            let _ = write!(
                out,
                "<li class=\"top-bar__item\"><a class=\"top-bar__link\" href=\"{href}\">"
            );
            svg_icon(out, icon);
            let _ = write!(out, "<span>{text}</span></a></li>");
        }
        out.push_str("</ul></div></div>\n<div class=\"site-header__main\"><div class=\"container site-header__inner\">\n");
        out.push_str(
            "<a href=\"/\" class=\"custom-logo-link\" rel=\"home\"><img width=\"240\" height=\"80\" \
             src=\"/wp-content/uploads/2023/01/logo-de-linde.png\" class=\"custom-logo\" \
             alt=\"Stedelijk Lyceum De Linde\" srcset=\"/wp-content/uploads/2023/01/logo-de-linde.png 240w, \
             /wp-content/uploads/2023/01/logo-de-linde@2x.png 480w\" sizes=\"240px\"></a>\n",
        );
        out.push_str("<form role=\"search\" method=\"get\" class=\"search-form\" action=\"/\"><label class=\"screen-reader-text\" for=\"s\">Zoeken naar:</label><input type=\"search\" id=\"s\" class=\"search-form__field\" placeholder=\"Zoeken\" name=\"s\"><button type=\"submit\" class=\"search-form__submit\">");
        svg_icon(out, "search");
        out.push_str("</button></form>\n<button class=\"menu-toggle\" aria-controls=\"primary-menu\" aria-expanded=\"false\">");
        svg_icon(out, "menu");
        svg_icon(out, "close");
        out.push_str("</button>\n");
        self.nav(out);
        out.push_str("</div></div>\n</header>\n");
    }

    /// The main menu: 8 top items with 4–5 children each, all pointing at section pages.
    fn nav(&mut self, out: &mut String) {
        out.push_str(
            "<nav id=\"site-navigation\" class=\"main-navigation main-navigation--mega\" aria-label=\"Hoofdmenu\">\n\
             <ul id=\"primary-menu\" class=\"menu menu--primary nav-menu\">\n",
        );
        let mut k = 0;
        for (top, children) in MENU {
            k += 1;
            let _ = write!(
                out,
                "<li id=\"menu-item-{id}\" class=\"menu-item menu-item-type-post_type menu-item-object-page \
                 menu-item-has-children menu-item-{id}\"><a href=\"{href}\" class=\"menu-link menu-link--top\">{top}</a>\
                 <button class=\"sub-menu-toggle\" aria-expanded=\"false\"><span class=\"screen-reader-text\">Submenu {top}</span>",
                id = 200 + k,
                href = self.section(k),
            );
            svg_icon(out, "chevron-down");
            out.push_str("</button>\n<ul class=\"sub-menu sub-menu--level-1\">\n");
            for child in *children {
                k += 1;
                let _ = writeln!(
                    out,
                    "<li id=\"menu-item-{id}\" class=\"menu-item menu-item-type-post_type menu-item-object-page \
                     menu-item-{id}\"><a href=\"{href}\" class=\"menu-link menu-link--sub\">{child}</a></li>",
                    id = 200 + k,
                    href = self.section(k),
                );
            }
            out.push_str("</ul></li>\n");
        }
        out.push_str("</ul>\n</nav>\n");
    }

    fn breadcrumb(&mut self, out: &mut String) {
        out.push_str(
            "<nav class=\"breadcrumb\" aria-label=\"Kruimelpad\"><div class=\"container\">\
             <ol class=\"breadcrumb__list\"><li class=\"breadcrumb__item\"><a class=\"breadcrumb__link\" href=\"/\">Home</a></li>",
        );
        if self.index > 0 {
            let parent = (self.index - 1) / 2;
            if parent > 0 {
                let _ = write!(
                    out,
                    "<li class=\"breadcrumb__item\"><a class=\"breadcrumb__link\" href=\"{}\">Pagina {parent}</a></li>",
                    page_path(parent)
                );
            }
            let _ = write!(
                out,
                "<li class=\"breadcrumb__item breadcrumb__item--current\" aria-current=\"page\">Pagina {}</li>",
                self.index
            );
        }
        out.push_str("</ol></div></nav>\n");
    }

    fn article(&mut self, out: &mut String, video: bool) {
        let title = self.title();
        let _ = write!(
            out,
            "<article id=\"post-{id}\" class=\"post-{id} page type-page status-publish has-post-thumbnail entry\">\n\
             <header class=\"entry-header\"><h1 class=\"entry-title\">{title}</h1>\
             <div class=\"entry-meta\"><span class=\"entry-meta__date\">",
            id = 1000 + self.index
        );
        svg_icon(out, "clock");
        let _ = writeln!(
            out,
            "<time datetime=\"2024-03-{d:02}T09:00:00+01:00\">{d} maart 2024</time></span></div></header>",
            d = 1 + self.index % 28
        );
        out.push_str("<figure class=\"entry-thumbnail wp-block-image size-large\">");
        image(out, &format!("foto-{}", self.index), "entry-thumbnail__img");
        out.push_str("</figure>\n<div class=\"entry-content\">\n");
        let paragraphs = self.rng.range(PARAGRAPHS);
        for p in 0..paragraphs {
            if p % 4 == 2 {
                let heading = self.title();
                let _ = writeln!(out, "<h2 class=\"wp-block-heading\">{heading}</h2>");
            }
            out.push_str("<p>");
            let sentences = self.rng.range(4..8);
            for s in 0..sentences {
                if s > 0 {
                    out.push(' ');
                }
                let sentence = self.sentence();
                out.push_str(&sentence);
            }
            out.push_str("</p>\n");
            if p == 3 {
                out.push_str("<ul class=\"wp-block-list\">");
                for _ in 0..5 {
                    let item = self.sentence();
                    let _ = write!(out, "<li>{item}</li>");
                }
                out.push_str("</ul>\n");
            }
            if p == 5 && video {
                let _ = writeln!(
                    out,
                    "<figure class=\"wp-block-embed is-type-video is-provider-youtube wp-block-embed-youtube\">\
                     <div class=\"wp-block-embed__wrapper\"><iframe title=\"Open dag {i}\" width=\"640\" height=\"360\" \
                     src=\"https://www.youtube.com/embed/dQw4w9W{i:04}?feature=oembed\" frameborder=\"0\" \
                     allow=\"accelerometer; autoplay; clipboard-write; encrypted-media; gyroscope; picture-in-picture\" \
                     allowfullscreen></iframe></div></figure>",
                    i = self.index % 10_000
                );
            }
        }
        out.push_str("<blockquote class=\"wp-block-quote\"><p>");
        let quote = self.sentence();
        out.push_str(&quote);
        out.push_str("</p><cite>Rector</cite></blockquote>\n</div>\n</article>\n");
    }

    /// Related pages: the children of this page first (the tree that makes every page
    /// reachable), then section pages.
    fn cards(&mut self, out: &mut String) {
        out.push_str(
            "<section class=\"related\"><h2 class=\"related__title\">Lees ook</h2>\
             <div class=\"grid grid--cols-3 grid--gap-md\">\n",
        );
        let children = [2 * self.index + 1, 2 * self.index + 2];
        let mut targets: Vec<String> = children
            .iter()
            .filter(|&&c| c < self.total)
            .map(|&c| page_path(c))
            .collect();
        while targets.len() < 6 {
            let k = self.rng.range(1..SECTIONS as u64 + 1) as usize;
            targets.push(self.section(k));
        }
        for (n, href) in targets.iter().enumerate() {
            let title = self.title();
            let excerpt = self.sentence();
            let _ = write!(
                out,
                "<div class=\"grid__item\"><article class=\"card card--news card--shadow\">\
                 <a class=\"card__link\" href=\"{href}\"><div class=\"card__media\">"
            );
            image(out, &format!("kaart-{}-{n}", self.index % 97), "card__img");
            let _ = write!(
                out,
                "</div><div class=\"card__body\"><h3 class=\"card__title\">{title}</h3>\
                 <p class=\"card__excerpt\">{excerpt}</p><span class=\"card__more\">Lees meer"
            );
            svg_icon(out, "arrow-right");
            out.push_str("</span></div></a></article></div>\n");
        }
        out.push_str("</div></section>\n");
    }

    fn sidebar(&mut self, out: &mut String) {
        out.push_str(
            "<aside id=\"secondary\" class=\"widget-area col col--md-4\">\n\
             <section class=\"widget widget_recent_entries\"><h2 class=\"widget__title\">Recent</h2><ul class=\"widget__list\">\n",
        );
        let first_recent = self.total.saturating_sub(RECENT).max(1);
        for r in first_recent..self.total {
            let _ = writeln!(
                out,
                "<li class=\"widget__item\"><a class=\"widget__link\" href=\"{}\">Nieuwsbericht {r}</a>\
                 <span class=\"post-date\">{} april 2024</span></li>",
                page_path(r),
                1 + r % 30
            );
        }
        out.push_str("</ul></section>\n<section class=\"widget widget_text\"><h2 class=\"widget__title\">Open dag</h2><div class=\"textwidget\"><p>");
        let text = self.sentence();
        out.push_str(&text);
        out.push_str("</p></div></section>\n</aside>\n");
    }

    fn footer(&mut self, out: &mut String) {
        out.push_str(
            "<footer id=\"colophon\" class=\"site-footer\"><div class=\"container\"><div class=\"site-footer__grid row\">\n\
             <div class=\"site-footer__col col col--md-3\"><h2 class=\"site-footer__title\">Contact</h2>\
             <address class=\"site-footer__address\">Stedelijk Lyceum De Linde<br>Lindelaan 12<br>1234 AB Lindendam<br>",
        );
        svg_icon(out, "map-pin");
        out.push_str("<a href=\"tel:+31201234567\">020 123 45 67</a><br><a href=\"mailto:info@delinde.example\">info@delinde.example</a></address></div>\n");
        let columns = ["Onderwijs", "Leerlingen", "Ouders"];
        for (c, column) in columns.iter().enumerate() {
            let _ = write!(
                out,
                "<div class=\"site-footer__col col col--md-3\"><h2 class=\"site-footer__title\">{column}</h2><ul class=\"footer-menu\">"
            );
            for n in 0..6 {
                let k = 1 + c * 6 + n;
                let _ = write!(
                    out,
                    "<li class=\"footer-menu__item\"><a class=\"footer-menu__link\" href=\"{}\">{} {k}</a></li>",
                    self.section(k),
                    column
                );
            }
            out.push_str("</ul></div>\n");
        }
        out.push_str("</div>\n<div class=\"site-footer__social\">");
        for (icon, href) in [
            ("facebook", "https://www.facebook.com/delindelyceum"),
            ("instagram", "https://www.instagram.com/delindelyceum/"),
            ("linkedin", "https://www.linkedin.com/school/de-linde/"),
            ("youtube", "https://www.youtube.com/@delindelyceum"),
        ] {
            let _ = write!(
                out,
                "<a class=\"social-link social-link--{icon}\" href=\"{href}\" rel=\"noopener\" target=\"_blank\">"
            );
            svg_icon(out, icon);
            out.push_str("</a>");
        }
        out.push_str("</div>\n<form class=\"newsletter\" action=\"/\" method=\"post\"><label for=\"nl-email\">Nieuwsbrief</label>\
             <input type=\"email\" id=\"nl-email\" name=\"email\" placeholder=\"E-mailadres\"><button type=\"submit\">Aanmelden</button></form>\n");
        let _ = write!(
            out,
            "<div class=\"site-footer__bottom\"><p>&copy; 2024 Stedelijk Lyceum De Linde · \
             <a href=\"{}\">Privacyverklaring</a> · <a href=\"{}\">Cookies</a> · <a href=\"{}\">Toegankelijkheid</a></p></div>\n\
             </div></footer>\n",
            self.section(29),
            self.section(30),
            self.section(28)
        );
    }

    fn body_scripts(&mut self, out: &mut String) {
        out.push_str(
            "<script src=\"https://cdnjs.cloudflare.com/ajax/libs/jquery/3.7.1/jquery.min.js\" id=\"jquery-js\"></script>\n\
             <script src=\"https://static.getclicky.com/js\" async></script>\n\
             <script src=\"/wp-content/themes/linde/assets/js/main.js?ver=3.2.1\" id=\"linde-main-js\"></script>\n\
             <script src=\"/wp-includes/js/dist/hooks.min.js?ver=6.5.2\" id=\"wp-hooks-js\"></script>\n\
             <script>document.documentElement.className = document.documentElement.className.replace('no-js', 'js');\
             window.addEventListener('load', function () { document.body.classList.add('is-loaded'); });</script>\n",
        );
    }

    fn title(&mut self) -> String {
        let mut words: Vec<&str> = (0..self.rng.range(2..6))
            .map(|_| self.rng.pick(WORDS))
            .collect();
        let first = capitalize(words[0]);
        words[0] = &first;
        words.join(" ")
    }

    fn sentence(&mut self) -> String {
        let count = self.rng.range(8..19);
        let mut sentence = String::new();
        for w in 0..count {
            let word = self.rng.pick(WORDS);
            if w == 0 {
                sentence.push_str(&capitalize(word));
            } else {
                sentence.push(' ');
                sentence.push_str(word);
            }
        }
        sentence.push('.');
        sentence
    }
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().chain(chars).collect::<String>()
    })
}

/// A first-party responsive image, as WordPress writes it.
fn image(out: &mut String, name: &str, class: &str) {
    let dir = "/wp-content/uploads/2024/03";
    let _ = write!(
        out,
        "<img loading=\"lazy\" decoding=\"async\" width=\"1024\" height=\"683\" class=\"{class} wp-image\" \
         src=\"{dir}/{name}-1024x683.jpg\" alt=\"\" srcset=\"{dir}/{name}-1024x683.jpg 1024w, \
         {dir}/{name}-768x512.jpg 768w, {dir}/{name}-300x200.jpg 300w, {dir}/{name}-1536x1024.jpg 1536w\" \
         sizes=\"(max-width: 1024px) 100vw, 1024px\">"
    );
}

/// An inline SVG icon with a long path, as icon-font-free themes inline them.
fn svg_icon(out: &mut String, name: &str) {
    let seed = name
        .bytes()
        .fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(b as u64));
    let mut rng = Rng(seed);
    let _ = write!(
        out,
        "<svg class=\"icon icon--{name}\" aria-hidden=\"true\" focusable=\"false\" role=\"img\" \
         xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 24 24\" width=\"24\" height=\"24\"><path fill=\"currentColor\" d=\"M{}.{} {}.{}",
        rng.range(0..24),
        rng.range(0..100),
        rng.range(0..24),
        rng.range(0..100)
    );
    for _ in 0..9 {
        let _ = write!(
            out,
            "c{}.{} -{}.{} {}.{} {}.{} -{}.{} {}.{}",
            rng.range(0..9),
            rng.range(0..100),
            rng.range(0..9),
            rng.range(0..100),
            rng.range(0..9),
            rng.range(0..100),
            rng.range(0..9),
            rng.range(0..100),
            rng.range(0..9),
            rng.range(0..100),
            rng.range(0..9),
            rng.range(0..100)
        );
    }
    out.push_str("z\"/></svg>");
}

/// Structured data (Yoast-style): a data block the browser does not run.
fn json_ld(out: &mut String, title: &str, path: &str) {
    let _ = writeln!(
        out,
        r#"<script type="application/ld+json" class="yoast-schema-graph">{{"@context":"https://schema.org","@graph":[{{"@type":"WebPage","@id":"{path}","url":"{path}","name":"{title}","isPartOf":{{"@id":"/#website"}},"inLanguage":"nl-NL"}},{{"@type":"BreadcrumbList","@id":"{path}#breadcrumb","itemListElement":[{{"@type":"ListItem","position":1,"name":"Home","item":"/"}},{{"@type":"ListItem","position":2,"name":"{title}"}}]}},{{"@type":"WebSite","@id":"/#website","url":"/","name":"Stedelijk Lyceum De Linde","inLanguage":"nl-NL"}}]}}</script>"#
    );
}

fn gtm_script(out: &mut String) {
    out.push_str(
        "<!-- Google Tag Manager -->\n<script>(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':\n\
         new Date().getTime(),event:'gtm.js'});var f=d.getElementsByTagName(s)[0],\n\
         j=d.createElement(s),dl=l!='dataLayer'?'&l='+l:'';j.async=true;j.src=\n\
         'https://www.googletagmanager.com/gtm.js?id='+i+dl;f.parentNode.insertBefore(j,f);\n\
         })(window,document,'script','dataLayer','GTM-BENCH01');</script>\n<!-- End Google Tag Manager -->\n",
    );
}

fn gtm_noscript(out: &mut String) {
    out.push_str(
        "<noscript><iframe src=\"https://www.googletagmanager.com/ns.html?id=GTM-BENCH01\" \
         height=\"0\" width=\"0\" style=\"display:none;visibility:hidden\"></iframe></noscript>\n",
    );
}

fn gtag_script(out: &mut String) {
    out.push_str(
        "<script async src=\"https://www.googletagmanager.com/gtag/js?id=G-BENCH00001\"></script>\n\
         <script>window.dataLayer = window.dataLayer || [];\nfunction gtag(){dataLayer.push(arguments);}\n\
         gtag('js', new Date());\ngtag('config', 'G-BENCH00001', { 'anonymize_ip': true });</script>\n",
    );
}

fn meta_pixel(out: &mut String) {
    out.push_str(
        "<!-- Meta Pixel Code -->\n<script>!function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){n.callMethod?\n\
         n.callMethod.apply(n,arguments):n.queue.push(arguments)};if(!f._fbq)f._fbq=n;n.push=n;n.loaded=!0;n.version='2.0';\n\
         n.queue=[];t=b.createElement(e);t.async=!0;t.src=v;s=b.getElementsByTagName(e)[0];\n\
         s.parentNode.insertBefore(t,s)}(window, document,'script','https://connect.facebook.net/en_US/fbevents.js');\n\
         fbq('init', '1234567890123456');\nfbq('track', 'PageView');</script>\n\
         <noscript><img height=\"1\" width=\"1\" style=\"display:none\" \
         src=\"https://www.facebook.com/tr?id=1234567890123456&ev=PageView&noscript=1\"/></noscript>\n\
         <!-- End Meta Pixel Code -->\n",
    );
}
