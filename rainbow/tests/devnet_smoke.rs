//! `rainbow devnet` smoke run (issue 8): a short devnet of real processes on the minimal preset
//! with 1-second slots finalizes every slot with certificate-gated blocks, writes its report and
//! stops every process it started; no process's log shows a panic.
mod common;
use serde_json::Value;
use std::process::Command;

#[test]
fn a_short_devnet_finalizes_with_certificates_and_reports() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("run");
    let out = Command::new(env!("CARGO_BIN_EXE_rainbow"))
        .args([
            "devnet",
            "--heavy",
            "3",
            "--light",
            "4",
            "--slots",
            "10",
            "--slot-time-ms",
            "1000",
            "--out",
        ])
        .arg(&out_dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("PASS finality every slot"), "{stdout}");
    assert!(stdout.contains("PASS certificate-gated blocks"), "{stdout}");
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("report.json")).unwrap())
            .unwrap();
    assert_eq!(report["passed"], true);
    assert_eq!(report["slots"].as_array().unwrap().len(), 10);
    assert!(out_dir.join("report.md").exists());
    let html = std::fs::read_to_string(out_dir.join("report.html")).unwrap();
    assert_eq!(html.matches("<svg").count(), 6, "six plots");
    assert!(html.contains("LightETH-3"), "a rate line per light operator");
    for name in ["beacon-0", "beacon-2", "light-3", "spammer"] {
        assert!(out_dir.join("logs").join(format!("{name}.log")).exists(), "{name}");
    }
    // Every process it started was stopped: none has the run directory on its command line.
    let needle = out_dir.display().to_string();
    let left: Vec<String> = std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok())
        .filter_map(|e| std::fs::read(e.path().join("cmdline")).ok())
        .map(|c| String::from_utf8_lossy(&c).replace('\0', " "))
        .filter(|c| c.contains(&needle))
        .collect();
    assert!(left.is_empty(), "processes left behind: {left:?}");
    common::assert_no_panic_in_logs(&out_dir);
}
