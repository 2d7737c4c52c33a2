//! `report.html`: the run as plots (inline SVG, no JavaScript): certificate participation and
//! finality lag per slot, blocks and misses, LightETH exchange rate per operator, stake per
//! heavy operator.
use super::monitor::SlotRecord;
use std::fmt::Write;

const W: f64 = 720.0;
const H: f64 = 220.0;
const PAD: f64 = 44.0;
const COLORS: [&str; 8] =
    ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"];

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// A line chart of `series` (name, one value per record) over the records' slots.
fn line_chart(
    title: &str,
    y_label: &str,
    slots: &[u64],
    series: &[(String, Vec<f64>)],
    zero_based: bool,
) -> String {
    let mut svg = String::new();
    let (x0, x1) =
        (slots.first().copied().unwrap_or(0) as f64, slots.last().copied().unwrap_or(1) as f64);
    let values = series.iter().flat_map(|(_, v)| v.iter().copied());
    let (mut lo, mut hi) = values.fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(v), b.max(v)));
    if lo > hi {
        (lo, hi) = (0.0, 1.0);
    }
    if zero_based {
        lo = lo.min(0.0);
    }
    if (hi - lo).abs() < f64::EPSILON {
        hi = lo + 1.0;
    }
    let x = |s: f64| PAD + (s - x0) / (x1 - x0).max(1.0) * (W - 2.0 * PAD);
    let y = |v: f64| H - PAD + -(v - lo) / (hi - lo) * (H - 2.0 * PAD);
    let _ = write!(
        svg,
        r#"<figure><figcaption>{}</figcaption><svg width="{W}" height="{H}" viewBox="0 0 {W} {H}" xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="11">"#,
        escape(title)
    );
    let _ = write!(
        svg,
        r##"<line x1="{PAD}" y1="{}" x2="{}" y2="{}" stroke="#888"/><line x1="{PAD}" y1="{PAD}" x2="{PAD}" y2="{}" stroke="#888"/>"##,
        H - PAD,
        W - PAD,
        H - PAD,
        H - PAD
    );
    let _ = write!(
        svg,
        r#"<text x="4" y="{}">{}</text><text x="4" y="{}">{}</text>"#,
        PAD,
        fmt(hi),
        H - PAD,
        fmt(lo)
    );
    let _ = write!(
        svg,
        r#"<text x="{PAD}" y="{}">slot {}</text><text x="{}" y="{}" text-anchor="end">slot {}</text>"#,
        H - PAD + 16.0,
        x0,
        W - PAD,
        H - PAD + 16.0,
        x1
    );
    let _ =
        write!(svg, r#"<text x="{}" y="14" text-anchor="end">{}</text>"#, W - PAD, escape(y_label));
    for (i, (name, values)) in series.iter().enumerate() {
        let color = COLORS[i % COLORS.len()];
        let points: Vec<String> = slots
            .iter()
            .zip(values)
            .map(|(s, v)| format!("{:.1},{:.1}", x(*s as f64), y(*v)))
            .collect();
        let _ = write!(
            svg,
            r#"<polyline fill="none" stroke="{color}" stroke-width="1.5" points="{}"/>"#,
            points.join(" ")
        );
        let _ = write!(
            svg,
            r#"<text x="{}" y="{}" fill="{color}">{}</text>"#,
            PAD + 8.0 + (i as f64 % 4.0) * 160.0,
            PAD - 10.0 - (i / 4) as f64 * 12.0,
            escape(name)
        );
    }
    svg.push_str("</svg></figure>\n");
    svg
}

fn fmt(v: f64) -> String {
    if v.abs() >= 1e6 {
        format!("{v:.3e}")
    } else if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.3}")
    }
}

/// Blocks (green) and misses (red), one square per slot.
fn blocks_strip(records: &[SlotRecord]) -> String {
    let size = ((W - 2.0 * PAD) / records.len().max(1) as f64).clamp(2.0, 14.0);
    let mut svg = format!(
        r#"<figure><figcaption>Blocks (green) and missed slots (red)</figcaption><svg width="{W}" height="40" xmlns="http://www.w3.org/2000/svg">"#
    );
    for (i, r) in records.iter().enumerate() {
        let color = if r.block.is_some() { "#2ca02c" } else { "#d62728" };
        let _ = write!(
            svg,
            r#"<rect x="{:.1}" y="8" width="{:.1}" height="20" fill="{color}"><title>slot {}</title></rect>"#,
            PAD + i as f64 * size,
            size - 1.0,
            r.slot
        );
    }
    svg.push_str("</svg></figure>\n");
    svg
}

pub fn render(title: &str, summary_md: &str, records: &[SlotRecord], committee: u64) -> String {
    let slots: Vec<u64> = records.iter().map(|r| r.slot).collect();
    let participation = vec![(
        "positions".to_string(),
        records.iter().map(|r| r.certificate_participants.unwrap_or(0) as f64).collect(),
    )];
    let lag = vec![(
        "slot − finalized".to_string(),
        records.iter().map(|r| r.slot.saturating_sub(r.finalized) as f64).collect(),
    )];
    let light_n = records.iter().map(|r| r.lighteth_rates.len()).max().unwrap_or(0);
    let rates: Vec<(String, Vec<f64>)> = (0..light_n)
        .map(|i| {
            (
                format!("LightETH-{i}"),
                records
                    .iter()
                    .map(|r| r.lighteth_rates.get(i).copied().unwrap_or(0) as f64 / 1e9)
                    .collect(),
            )
        })
        .collect();
    let heavy_n = records.iter().map(|r| r.heavy_stakes.len()).max().unwrap_or(0);
    let stakes: Vec<(String, Vec<f64>)> = (0..heavy_n)
        .map(|i| {
            (
                format!("operator {i}"),
                records
                    .iter()
                    .map(|r| r.heavy_stakes.get(i).copied().unwrap_or(0) as f64 / 1e9)
                    .collect(),
            )
        })
        .collect();
    let mut html = format!("<!doctype html><html><head><meta charset=\"utf-8\"><title>{0}</title><style>body{{font-family:sans-serif;max-width:780px;margin:2em auto}}figure{{margin:1.5em 0}}figcaption{{font-weight:bold;margin-bottom:4px}}pre{{background:#f6f6f6;padding:8px;white-space:pre-wrap}}</style></head><body><h1>{0}</h1>\n", escape(title));
    html.push_str(&line_chart(
        "Light certificate participation per slot",
        &format!("positions of {committee}"),
        &slots,
        &participation,
        true,
    ));
    html.push_str(&line_chart("Finality lag per slot", "slots behind", &slots, &lag, true));
    html.push_str(&blocks_strip(records));
    html.push_str(&line_chart(
        "LightETH exchange rate per operator",
        "Gwei per share",
        &slots,
        &rates,
        false,
    ));
    let first = records.first();
    let growth = |f: &dyn Fn(&SlotRecord) -> u64| -> Vec<f64> {
        let base = first.map(f).unwrap_or(0);
        records.iter().map(|r| f(r).saturating_sub(base) as f64 / 1e9).collect()
    };
    let by_class = vec![
        ("heavy (bonds + delegated)".to_string(), growth(&|r| r.heavy_stakes.iter().sum())),
        ("light (bonds + LightETH pools)".to_string(), growth(&|r| r.light_stake)),
    ];
    html.push_str(&line_chart(
        "Rewards by class: stake gained since the first slot",
        "ETH",
        &slots,
        &by_class,
        true,
    ));
    html.push_str(&line_chart(
        "Stake per heavy operator",
        "ETH (bond + delegated)",
        &slots,
        &stakes,
        false,
    ));
    let _ = writeln!(html, "<h2>Summary</h2><pre>{}</pre></body></html>", escape(summary_md));
    html
}
