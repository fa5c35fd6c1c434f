//! Embeds every file of `tracker-lists/` in the binary, so a scan needs nothing beside the
//! executable at run time.
use std::{env, fs, path::Path};

fn main() {
    let dir = Path::new("tracker-lists");
    println!("cargo:rerun-if-changed=tracker-lists");
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("tracker-lists/ is part of the source tree")
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".toml"))
        .collect();
    names.sort();
    let mut code = String::from("pub static EMBEDDED_LISTS: &[(&str, &str)] = &[\n");
    for name in &names {
        println!("cargo:rerun-if-changed=tracker-lists/{name}");
        let path = fs::canonicalize(dir.join(name)).expect("list file is readable");
        code.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            path.display().to_string()
        ));
    }
    code.push_str("];\n");
    let out =
        Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded_lists.rs");
    fs::write(out, code).expect("OUT_DIR is writable");
}
