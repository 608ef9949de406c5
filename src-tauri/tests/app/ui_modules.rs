//! The UI's JavaScript modules import each other without a cycle: in a cycle one module runs
//! while the other is half-initialised, so an imported function can be undefined at start-up.
//! Screens get what they need from the shell (`navigate`, `refreshChrome`, ...) as a parameter.

use crate::support::{files, read, ui_dir};
use regex::Regex;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

/// Each module (relative to ui/) with the modules it imports.
type Graph = BTreeMap<PathBuf, Vec<PathBuf>>;

/// Resolves `./x.js` or `../x.js` against the importing module's folder, without touching disk.
fn resolve(from: &Path, spec: &str) -> PathBuf {
    let mut out = PathBuf::new();
    for part in from.parent().unwrap_or(Path::new("")).join(spec).components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

fn ui_graph() -> Graph {
    let root = ui_dir();
    let import =
        Regex::new(r#"(?m)^\s*import\s[^'"]*?from\s+['"](\.{1,2}/[^'"]+)['"]"#).expect("import pattern");
    files(&root.join("js"), "js")
        .into_iter()
        .map(|path| {
            let module = path.strip_prefix(&root).expect("under ui/").to_path_buf();
            let text = read(&path);
            let deps = import
                .captures_iter(&text)
                .map(|c| resolve(&module, &c[1]))
                .collect();
            (module, deps)
        })
        .collect()
}

/// The first import cycle found, as the chain of modules that closes it.
fn cycle(graph: &Graph) -> Option<Vec<PathBuf>> {
    fn visit(
        node: &Path,
        graph: &Graph,
        path: &mut Vec<PathBuf>,
        done: &mut Vec<PathBuf>,
    ) -> Option<Vec<PathBuf>> {
        if let Some(at) = path.iter().position(|p| p == node) {
            let mut chain = path[at..].to_vec();
            chain.push(node.to_path_buf());
            return Some(chain);
        }
        if done.iter().any(|d| d == node) {
            return None;
        }
        path.push(node.to_path_buf());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, graph, path, done) {
                return Some(found);
            }
        }
        path.pop();
        done.push(node.to_path_buf());
        None
    }
    let mut done = Vec::new();
    graph
        .keys()
        .find_map(|start| visit(start, graph, &mut Vec::new(), &mut done))
}

#[test]
fn ui_modules_import_without_a_cycle() {
    let graph = ui_graph();
    assert!(
        graph.len() > 10 && graph.values().any(|deps| !deps.is_empty()),
        "the scan must find the UI's modules and their imports, or it proves nothing: {graph:?}"
    );
    for (module, deps) in &graph {
        for dep in deps {
            assert!(
                graph.contains_key(dep),
                "{} imports {}, which is not a module under ui/js: a typo, or the resolver is wrong",
                module.display(),
                dep.display()
            );
        }
    }
    if let Some(chain) = cycle(&graph) {
        let names: Vec<_> = chain.iter().map(|p| p.display().to_string()).collect();
        panic!(
            "the UI's modules import each other in a cycle: {}",
            names.join(" → ")
        );
    }
}

#[test]
fn the_cycle_check_finds_a_cycle() {
    let graph: Graph = [
        ("js/main.js", vec!["js/screens/settings.js", "js/dom.js"]),
        ("js/screens/settings.js", vec!["js/dom.js", "js/main.js"]),
        ("js/dom.js", vec![]),
    ]
    .into_iter()
    .map(|(m, deps)| (PathBuf::from(m), deps.into_iter().map(PathBuf::from).collect()))
    .collect();
    let chain = cycle(&graph).expect("main.js ↔ settings.js is a cycle and must be found");
    assert_eq!(
        chain.first(),
        chain.last(),
        "the chain closes on the module it started from: {chain:?}"
    );
    assert_eq!(
        resolve(Path::new("js/screens/settings.js"), "../main.js"),
        PathBuf::from("js/main.js"),
        "a screen's ../ import resolves to the module beside screens/"
    );
}
