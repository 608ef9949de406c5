//! The desktop app's tests, one binary: string catalogs, shell configuration, and the
//! end-to-end run of the real app through tauri-driver, the installed `.deb`, and signed updates.

mod backup;
mod breaches;
mod catalogs;
mod config;
mod destruction_form;
mod driver;
mod e2e;
mod erasure;
mod installed;
mod keyboard;
mod pins;
mod polish;
mod printing;
mod recipients;
mod requests;
mod restore;
mod single_instance;
mod support;
mod ui_modules;
mod update;
