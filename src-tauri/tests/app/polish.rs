//! The shipped UI font and the search results a screen reader follows (issue 14, polish).
//! The font: the CSS names a woff2 under ui/fonts/ with its OFL licence beside it, the whole UI
//! uses it, and the running app loads it from its own files. The search: the box is a combobox
//! whose active descendant and the listbox's `aria-selected` follow the arrow keys.

use crate::driver::{App, Driver};
use crate::erasure::{prepared_vault, unlock};
use crate::support::{files, read, ui_dir};
use regex::Regex;

/// The family every screen is set in.
pub const UI_FONT: &str = "Inter";

#[test]
fn the_css_ships_its_font_with_the_licence_and_uses_it_everywhere() {
    let css: String = files(&ui_dir().join("css"), "css")
        .iter()
        .map(|f| read(f))
        .collect();
    let css = css.replace('\'', "\"");
    let face = Regex::new(r"@font-face\s*\{([^}]*)\}").expect("pattern");
    let url = Regex::new(r#"url\("?([^")]+)"?\)\s*format\("woff2"\)"#).expect("pattern");
    let faces: Vec<String> = face.captures_iter(&css).map(|c| c[1].to_string()).collect();
    assert!(!faces.is_empty(), "the CSS declares the font it ships");
    for body in &faces {
        assert!(
            body.contains(&format!("font-family: \"{UI_FONT}\"")),
            "every face is the UI font: {body}"
        );
        assert!(
            body.contains("font-display: swap"),
            "text shows at once while the font loads: {body}"
        );
        let src = url
            .captures(body)
            .unwrap_or_else(|| panic!("a face loads a woff2 from the app's files: {body}"))[1]
            .to_string();
        assert!(!src.contains("//"), "never from a server at run time: {src}");
        let file = ui_dir().join("css").join(&src);
        let bytes = std::fs::read(&file).unwrap_or_else(|e| panic!("{} is shipped: {e}", file.display()));
        assert_eq!(&bytes[..4], b"wOF2", "{} is a woff2 file", file.display());
    }
    for weight in ["400", "700"] {
        assert!(
            faces
                .iter()
                .any(|b| b.contains(&format!("font-weight: {weight}"))),
            "weight {weight} is shipped, so the browser does not fake it"
        );
    }
    let licence = read(&ui_dir().join("fonts/OFL.txt"));
    assert!(
        licence.contains("SIL OPEN FONT LICENSE Version 1.1")
            && licence.contains("The Inter Project Authors"),
        "the OFL and the copyright notice travel with the font"
    );
    // Every font-family names the shipped font first, except monospace numbers and codes.
    let family = Regex::new(r"font-family:\s*([^;]+);").expect("pattern");
    let mut sans = 0;
    for c in family.captures_iter(&css) {
        let value = c[1].trim();
        if value.contains("monospace") || value == "inherit" || faces.iter().any(|f| f.contains(value)) {
            continue;
        }
        sans += 1;
        assert!(
            value.starts_with(&format!("\"{UI_FONT}\"")),
            "a font-family that does not start with the shipped font: {value}"
        );
    }
    assert!(sans > 0, "the page's root sets its font");
}

/// Whether the running app set its body in the shipped font and loaded it.
pub async fn ui_font_loaded(app: &App) -> bool {
    let script = format!(
        "const done = arguments[arguments.length - 1];
         document.fonts.ready.then(() => {{
           const faces = [...document.fonts].filter((f) => f.family.replace(/[\"']/g, '') === '{UI_FONT}');
           const body = getComputedStyle(document.body).fontFamily.replace(/[\"']/g, '');
           done(body.startsWith('{UI_FONT}') && faces.some((f) => f.status === 'loaded'));
         }});"
    );
    app.client
        .execute_async(&script, vec![])
        .await
        .expect("script")
        .as_bool()
        .unwrap_or(false)
}

async fn attr(app: &App, css: &str, name: &str) -> Option<String> {
    app.el(css).await.attr(name).await.expect("attribute")
}

async fn selected_ids(app: &App) -> Vec<String> {
    let v = app
        .client
        .execute(
            "return [...document.querySelectorAll('[role=listbox] [role=option][aria-selected=true]')].map((o) => o.id)",
            vec![],
        )
        .await
        .expect("script");
    v.as_array()
        .expect("a list")
        .iter()
        .map(|x| x.as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_font_is_loaded_and_search_results_follow_the_arrow_keys_for_a_screen_reader() {
    let work = tempfile::tempdir().expect("temp dir");
    let (mut vault, _) = prepared_vault(&work.path().join("data"));
    let mut ola = crate::erasure::customer_input();
    ola.name = "Ola Svensson".into();
    ola.mobile = "915 73 249".into();
    ola.email = "ola.svensson@example.se".into();
    vault.add_customer(&ola).expect("a second Svensson");
    vault.lock();
    let (driver, port) = Driver::start(work.path(), "en_GB");
    let app = App::connect(&driver, port, &[]).await;
    app.el("[data-testid=unlock-passphrase]").await;
    assert!(
        ui_font_loaded(&app).await,
        "the UI is set in the shipped {UI_FONT}, loaded from the app"
    );
    unlock(&app).await;

    app.click("a[data-route=customers]").await;
    let search = "[data-testid=customer-search]";
    app.type_into(search, "Svensson").await;
    app.text_until("#customer-results", "both customers", |t| {
        t.contains("Anna Svensson") && t.contains("Ola Svensson")
    })
    .await;
    assert_eq!(
        attr(&app, search, "role").await.as_deref(),
        Some("combobox"),
        "the box is a combobox"
    );
    assert_eq!(
        attr(&app, search, "aria-expanded").await.as_deref(),
        Some("true"),
        "with results it is expanded"
    );
    let list = attr(&app, search, "aria-controls")
        .await
        .expect("the box names its listbox");
    assert_eq!(
        attr(&app, &format!("#{list}"), "role").await.as_deref(),
        Some("listbox"),
        "aria-controls names the results listbox"
    );
    let options: Vec<String> = app
        .client
        .execute(
            &format!("return [...document.querySelectorAll('#{list} [role=option]')].map((o) => o.id)"),
            vec![],
        )
        .await
        .expect("script")
        .as_array()
        .expect("a list")
        .iter()
        .map(|x| x.as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        options.len(),
        2,
        "each result row is an option with an id: {options:?}"
    );
    assert!(
        options.iter().all(|id| !id.is_empty()),
        "options have ids for aria-activedescendant"
    );
    assert_eq!(
        attr(&app, search, "aria-activedescendant").await.as_ref(),
        Some(&options[0]),
        "the first hit is the active one"
    );
    assert_eq!(
        selected_ids(&app).await,
        vec![options[0].clone()],
        "and the only selected option"
    );
    app.visible(search)
        .await
        .send_keys("\u{E015}")
        .await
        .expect("ArrowDown");
    assert_eq!(
        attr(&app, search, "aria-activedescendant").await.as_ref(),
        Some(&options[1]),
        "ArrowDown makes the second hit active"
    );
    assert_eq!(
        selected_ids(&app).await,
        vec![options[1].clone()],
        "aria-selected follows"
    );
    app.visible(search)
        .await
        .send_keys("\u{E013}")
        .await
        .expect("ArrowUp");
    assert_eq!(
        attr(&app, search, "aria-activedescendant").await.as_ref(),
        Some(&options[0]),
        "ArrowUp goes back"
    );
    assert_eq!(
        selected_ids(&app).await,
        vec![options[0].clone()],
        "aria-selected follows back"
    );
    app.type_into(search, "Zzyzx").await;
    app.text_until("#customer-results", "no match", |t| t.contains("No customer"))
        .await;
    assert_eq!(
        attr(&app, search, "aria-expanded").await.as_deref(),
        Some("false"),
        "no results: collapsed"
    );
    assert_eq!(
        attr(&app, search, "aria-activedescendant").await,
        None,
        "and no active descendant"
    );
}
