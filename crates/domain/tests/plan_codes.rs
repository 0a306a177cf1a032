//! The stored plans are the only list of plans (issue 24): no code outside tests names a plan
//! of the seed (`water`, `air`, `soil`) to decide anything — roles, review, tokens, the
//! navigation, 总览 and names all come from the plans table. Fails on such a literal in any
//! non-test Rust file of the workspace.

use std::path::{Path, PathBuf};

/// The seed's plan codes, as a string literal in Rust (`"water"`) or SQL (`'water'`).
const CODES: [&str; 3] = ["water", "air", "soil"];

/// Files allowed to name them, each with why. Keep this short.
const ALLOWED: [(&str, &str); 1] = [(
    "crates/domain/src/reading/mod.rs",
    "the built-in indicator catalogue (PM2.5, the 水十条 parameters, the soil rates) says \
     which seeded plan each national indicator belongs to; indicators of imported plans \
     are not stored yet (issue 24, part 3)",
)];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The file without its test module (by the workspace's convention the last item of a file,
/// `#[cfg(test)]` or `#[cfg(all(test, …))]` before `mod`).
fn non_test_part(text: &str) -> &str {
    let mut cut = text.len();
    for marker in ["#[cfg(test)]", "#[cfg(all(test"] {
        for (i, _) in text.match_indices(marker) {
            let after = text[i..].lines().nth(1).unwrap_or("").trim_start();
            // Only a whole inline test module ends the file's code; a single test-only item,
            // or `mod tests;` (its file is skipped as `tests.rs`), does not.
            let module = after.starts_with("mod ") || after.starts_with("pub mod ");
            if module && after.trim_end().ends_with('{') {
                cut = cut.min(i);
            }
        }
    }
    &text[..cut]
}

#[test]
fn no_plan_code_is_written_into_non_test_code() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    for dir in ["app/src", "server/src", "frontend/src", "crates"] {
        rust_files(&root.join(dir), &mut files);
    }
    // The crates' own tests and benches are tests.
    files.retain(|f| {
        let s = f.to_string_lossy();
        // A `tests.rs` is a module declared `#[cfg(test)] mod tests;` beside the code.
        !s.contains("/tests/") && !s.contains("/benches/") && !s.ends_with("/tests.rs")
    });
    assert!(
        files.len() > 50,
        "the workspace's sources were found ({})",
        files.len()
    );
    let mut found = Vec::new();
    for f in &files {
        let rel = f
            .strip_prefix(&root)
            .unwrap_or(f)
            .to_string_lossy()
            .replace('\\', "/");
        let rel = rel.trim_start_matches("./").to_owned();
        if ALLOWED.iter().any(|(path, _)| rel.ends_with(path)) {
            continue;
        }
        let text = std::fs::read_to_string(f).expect("read");
        for (n, line) in non_test_part(&text).lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for code in CODES {
                if line.contains(&format!("\"{code}\"")) || line.contains(&format!("'{code}'")) {
                    found.push(format!("{rel}:{}: {}", n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "plan codes written into non-test code (the plans table is the list of plans):\n{}",
        found.join("\n")
    );
}

#[test]
fn a_test_module_declared_at_the_top_does_not_hide_the_code_below_it() {
    let text = "#[cfg(test)]\nmod tests;\n\nfn f() { g(\"water\") }\n";
    assert!(non_test_part(text).contains("water"));
}

#[test]
fn the_check_sees_a_literal_and_skips_a_test_module() {
    let text = "fn f() { g(\"water\") }\n#[cfg(test)]\nmod tests {\n fn t() { g(\"air\") }\n}\n";
    let code = non_test_part(text);
    assert!(code.contains("\"water\""));
    assert!(!code.contains("\"air\""));
    // A single test-only function does not hide what follows it.
    let text = "#[cfg(test)]\nfn helper() {}\nfn f() { g(\"soil\") }\n";
    assert!(non_test_part(text).contains("\"soil\""));
}
