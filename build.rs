//! Names the build: `SKRANKE_BUILD` when the release workflow sets it, else the git commit the
//! source was built from, else "source" (a tarball without git). Shown next to the version in
//! Settings → About and `skranke-cli --version`, so a support question can name the exact build.

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !text.is_empty()).then_some(text)
}

fn main() {
    println!("cargo:rerun-if-env-changed=SKRANKE_BUILD");
    let build = match std::env::var("SKRANKE_BUILD") {
        Ok(b) if !b.trim().is_empty() => b.trim().to_string(),
        _ => {
            // Rebuild when HEAD moves (a commit, a checkout), not on every file change.
            // A path that does not exist would make cargo rerun this on every build.
            let reference = git(&["symbolic-ref", "-q", "HEAD"]);
            for file in ["HEAD", "packed-refs"].into_iter().chain(reference.as_deref()) {
                let path = git(&["rev-parse", "--git-path", file]);
                if let Some(path) = path.filter(|p| std::path::Path::new(p).exists()) {
                    println!("cargo:rerun-if-changed={path}");
                }
            }
            git(&["rev-parse", "--short=9", "HEAD"]).unwrap_or_else(|| "source".into())
        }
    };
    println!("cargo:rustc-env=SKRANKE_BUILD={build}");
}
