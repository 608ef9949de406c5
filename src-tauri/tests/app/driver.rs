//! Starting the real app through tauri-driver and moving through it like a person: shared by
//! the end-to-end test and the screenshot example (`cargo run -p skranke-app --example screenshots`).

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a step may take before the test fails. Generous: CI runs the whole suite in
/// parallel on 2 cores, where an E2E step once took over 20 s; a passing step costs nothing.
pub const WAIT: Duration = Duration::from_secs(45);

pub fn find_tool(name: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(Path::new(&home).join(".cargo/bin"));
    }
    dirs.into_iter().map(|d| d.join(name)).find(|p| p.is_file())
}

/// The app binary next to this test's target directory (`target/<profile>/skranke-app`).
pub fn app_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("the test knows its own path");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("test binaries live in target/<profile>/deps");
    let app = profile_dir.join(format!("skranke-app{}", std::env::consts::EXE_SUFFIX));
    assert!(
        app.is_file(),
        "the app binary {} is missing: build the workspace first",
        app.display()
    );
    app
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind a free port")
        .local_addr()
        .expect("local address")
        .port()
}

/// Makes "the OS default PDF viewer" (xdg-open, as the app's Print uses it) a script that copies
/// the opened file to `work/printed/` and notes its original path in `work/printed.log`, so a
/// test can read what Print handed over and check the temp copy is gone after locking.
pub fn install_test_pdf_viewer(work: &Path) {
    let apps = work.join("xdg-data/applications");
    std::fs::create_dir_all(&apps).expect("applications folder");
    std::fs::create_dir_all(work.join("xdg-config")).expect("config folder");
    let viewer = work.join("viewer.sh");
    let printed = work.join("printed");
    std::fs::write(
        &viewer,
        format!(
            "#!/bin/sh\nmkdir -p '{dir}'\ncp \"$1\" '{dir}/'\necho \"$1\" >> '{log}'\n",
            dir = printed.display(),
            log = work.join("printed.log").display()
        ),
    )
    .expect("viewer script");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&viewer, std::fs::Permissions::from_mode(0o755)).expect("executable viewer");
    }
    std::fs::write(
        apps.join("skranke-test-viewer.desktop"),
        format!(
            "[Desktop Entry]\nType=Application\nName=Test PDF viewer\nExec={} %f\nMimeType=application/pdf;\n",
            viewer.display()
        ),
    )
    .expect("desktop file");
    std::fs::write(
        work.join("xdg-config/mimeapps.list"),
        "[Default Applications]\napplication/pdf=skranke-test-viewer.desktop\n",
    )
    .expect("mimeapps.list");
}

/// tauri-driver, stopped with SIGTERM on drop so it takes WebKitWebDriver down with it.
pub struct Driver {
    child: Child,
    log: PathBuf,
    /// What the app started through this driver sees, so a test can start it a second time.
    app_env: Vec<(String, String)>,
    /// Dropped after `child`: the app's bus outlives the app.
    _bus: SessionBus,
}

/// A private D-Bus session bus per driver, as a desktop session has one: the app's
/// single-instance check registers its name there, so tests running side by side never see
/// each other's app, and a test can start the app twice on one bus.
struct SessionBus {
    child: Child,
    address: String,
}

impl SessionBus {
    fn start(work: &Path, port: u16) -> SessionBus {
        let daemon = find_tool("dbus-daemon")
            .expect("dbus-daemon is not installed: run scripts/setup.sh (apt package dbus-daemon)");
        let socket = work.join(format!("bus-{port}"));
        let address = format!("unix:path={}", socket.display());
        let child = Command::new(daemon)
            .args(["--session", "--nofork", "--nopidfile", "--address", &address])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon starts");
        let bus = SessionBus { child, address };
        let deadline = Instant::now() + WAIT;
        while !socket.exists() {
            assert!(
                Instant::now() < deadline,
                "dbus-daemon made no socket at {}",
                socket.display()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        bus
    }
}

impl Drop for SessionBus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    /// Starts tauri-driver with the app's data and XDG folders under `work` and the OS language
    /// `locale` (for example `en_GB`), which the app's default language follows.
    pub fn start(work: &Path, locale: &str) -> (Driver, u16) {
        Driver::start_with_env(work, locale, &[])
    }

    /// [`Driver::start`] with extra environment for the app (e.g. `SKRANKE_FAKE_NOW`).
    pub fn start_with_env(work: &Path, locale: &str, env: &[(&str, &str)]) -> (Driver, u16) {
        let tauri_driver = find_tool("tauri-driver")
            .expect("tauri-driver is not installed: run scripts/setup.sh (cargo install tauri-driver --version ^2 --locked)");
        let native = find_tool("WebKitWebDriver")
            .expect("WebKitWebDriver is not installed: run scripts/setup.sh (apt package webkit2gtk-driver)");
        assert!(
            std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some(),
            "no display: run the tests under xvfb-run -a (scripts/test-all.sh does)"
        );
        install_test_pdf_viewer(work);
        let port = free_port();
        let native_port = free_port();
        let log = work.join("tauri-driver.log");
        let out = std::fs::File::create(&log).expect("driver log file");
        let bus = SessionBus::start(work, port);
        let mut app_env = vec![
            (
                "SKRANKE_DATA_DIR".to_string(),
                work.join("data").display().to_string(),
            ),
            (
                "XDG_DATA_HOME".into(),
                work.join("xdg-data").display().to_string(),
            ),
            (
                "XDG_CACHE_HOME".into(),
                work.join("xdg-cache").display().to_string(),
            ),
            (
                "XDG_CONFIG_HOME".into(),
                work.join("xdg-config").display().to_string(),
            ),
            ("LANG".into(), format!("{locale}.UTF-8")),
            ("LANGUAGE".into(), locale.to_string()),
            ("DBUS_SESSION_BUS_ADDRESS".into(), bus.address.clone()),
        ];
        app_env.extend(env.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let child = Command::new(tauri_driver)
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .arg("--native-driver")
            .arg(native)
            .envs(app_env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(out.try_clone().expect("log handle"))
            .stderr(out)
            .spawn()
            .expect("tauri-driver starts");
        let driver = Driver {
            child,
            log,
            app_env,
            _bus: bus,
        };
        let deadline = Instant::now() + WAIT;
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "tauri-driver did not listen on {port}: {}",
                driver.log_text()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        (driver, port)
    }

    /// The app binary with the environment the driver gives it: a second start of the app in
    /// the same desktop session.
    pub fn app_command(&self) -> Command {
        let mut command = Command::new(app_binary());
        command.envs(self.app_env.iter().map(|(k, v)| (k, v)));
        command
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // SIGTERM, never SIGKILL: tauri-driver then stops WebKitWebDriver and the app.
        let pid = self.child.id() as libc::pid_t;
        unsafe {
            libc::kill(pid, libc::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.wait();
    }
}

/// The running app seen through WebDriver, with the few moves a person makes.
pub struct App {
    pub client: Client,
}

impl App {
    /// Opens a WebDriver session that starts the app binary with `args`.
    pub async fn connect(driver: &Driver, port: u16, args: &[&str]) -> App {
        App::connect_to(driver, port, &app_binary(), args).await
    }

    /// The same with another build of the app, e.g. the one an installer put on disk.
    pub async fn connect_to(driver: &Driver, port: u16, binary: &Path, args: &[&str]) -> App {
        let mut caps = serde_json::Map::new();
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": binary, "args": args }),
        );
        let mut builder = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
        builder.capabilities(caps);
        // tauri-driver listens before the WebKitWebDriver it starts does; on a loaded machine the
        // first session request can reach it while WebKitWebDriver is still starting, and
        // tauri-driver answers "did not respond". Ask again until the wait is over.
        let deadline = Instant::now() + WAIT;
        loop {
            match builder.connect(&format!("http://127.0.0.1:{port}")).await {
                Ok(client) => return App { client },
                Err(_) if Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(250)).await;
                }
                Err(e) => panic!("no WebDriver session: {e}\n{}", driver.log_text()),
            }
        }
    }

    pub async fn el(&self, css: &str) -> Element {
        match self
            .client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(found) => found,
            Err(e) => panic!(
                "{css} never appeared: {e}\npage text:\n{}",
                self.page_text().await
            ),
        }
    }

    /// What the page shows, for a failure message: the screen a person would have seen.
    pub async fn page_text(&self) -> String {
        match self
            .client
            .execute("return document.body.innerText", vec![])
            .await
        {
            Ok(v) => v.as_str().unwrap_or_default().to_string(),
            Err(e) => format!("(unreadable: {e})"),
        }
    }

    /// Waits until `css` is on the page and displayed.
    pub async fn visible(&self, css: &str) -> Element {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Ok(found) = self.client.find(Locator::Css(css)).await {
                if found.is_displayed().await.unwrap_or(false) {
                    return found;
                }
            }
            assert!(Instant::now() < deadline, "{css} never became visible");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn click(&self, css: &str) {
        self.visible(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("cannot click {css}: {e}"));
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        let field = self.visible(css).await;
        field
            .clear()
            .await
            .unwrap_or_else(|e| panic!("cannot clear {css}: {e}"));
        field
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("cannot type into {css}: {e}"));
    }

    pub async fn text(&self, css: &str) -> String {
        self.visible(css)
            .await
            .text()
            .await
            .unwrap_or_else(|e| panic!("cannot read {css}: {e}"))
    }

    /// Waits until the text of `css` satisfies `want`; returns it.
    pub async fn text_until(&self, css: &str, what: &str, want: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Ok(found) = self.client.find(Locator::Css(css)).await {
                if let Ok(text) = found.text().await {
                    if want(&text) {
                        return text;
                    }
                    assert!(
                        Instant::now() < deadline,
                        "{css} never showed {what}; it shows {text:?}"
                    );
                }
            }
            if Instant::now() >= deadline {
                panic!(
                    "{css} never showed {what}; the page showed:\n{}",
                    self.page_text().await
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn source(&self) -> String {
        self.client.source().await.expect("page source")
    }
}
