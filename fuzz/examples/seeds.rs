//! Writes the fixture's seeds into `<dir>/<target>/seed-<name>` (`make fuzz-seeds`).
#![allow(clippy::print_stdout)]
fn main() -> std::io::Result<()> {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "fuzz/corpus".to_string());
    for seed in &rainbow_fuzz::fixture().seeds {
        let target = std::path::Path::new(&dir).join(seed.target);
        std::fs::create_dir_all(&target)?;
        std::fs::write(target.join(format!("seed-{}", seed.name)), &seed.bytes)?;
    }
    println!("wrote {} seeds under {dir}", rainbow_fuzz::fixture().seeds.len());
    Ok(())
}
