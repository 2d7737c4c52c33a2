//! docs/metrics.md lists every metric the node exports, and nothing it does not.
use rainbow_node::metrics::{Metrics, METRICS};

#[test]
fn every_metric_is_documented_and_rendered() {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/metrics.md"))
            .expect("docs/metrics.md");
    let rendered = Metrics::default().render();
    for (name, kind, _) in METRICS {
        assert!(doc.contains(&format!("| `{name}` |")), "docs/metrics.md lacks a row for {name}");
        assert!(rendered.contains(&format!("# TYPE {name} {kind}")), "{name} is not rendered");
    }
    let documented = doc.lines().filter(|l| l.starts_with("| `rainbow_")).count();
    assert_eq!(documented, METRICS.len(), "docs/metrics.md lists metrics the node does not export");
}
