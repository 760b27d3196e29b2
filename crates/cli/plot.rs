//! `verify --plot FILE.svg`: match time against text length, one line per
//! engine, both axes logarithmic.

use plotters::prelude::*;
use redoscope::verify::VerifyReport;
use std::path::Path;

/// Colors for the engines, in order.
const COLORS: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(255, 127, 14),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

/// Writes the chart of `r` to `path`.
pub fn svg(r: &VerifyReport, path: &Path) -> anyhow::Result<()> {
    let series: Vec<_> = r
        .engines
        .iter()
        .filter(|s| s.error.is_none() && !s.runs.is_empty())
        .collect();
    let pts = || series.iter().flat_map(|s| s.runs.iter());
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, 1.0f64, f64::MAX, 1e-6f64);
    for p in pts() {
        x0 = x0.min(p.length.max(1) as f64);
        x1 = x1.max(p.length as f64);
        y0 = y0.min(p.seconds.max(1e-7));
        y1 = y1.max(p.seconds);
    }
    if series.is_empty() {
        (x0, x1, y0, y1) = (1.0, 10.0, 1e-6, 1.0);
    }
    let y1 = y1.max(1.5);
    // The legend goes below the chart, where it hides no curve.
    let rows = series.len().div_ceil(2) as u32;
    let legend_height = 20 + 22 * rows;
    let root = SVGBackend::new(path, (960, 600 + legend_height)).into_drawing_area();
    root.fill(&WHITE)?;
    let (root, legend) = root.split_vertically(600);
    let title = format!(
        "{} ({}, {} mode): time of one match",
        r.pattern, r.flavor, r.mode
    );
    let title: String = title.chars().take(90).collect();
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 20))
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(70)
        .build_cartesian_2d(
            (x0 * 0.9..x1 * 1.1).log_scale(),
            (y0 * 0.5..y1 * 2.0).log_scale(),
        )?;
    chart
        .configure_mesh()
        .x_desc("attack length (characters)")
        .y_desc("seconds")
        .y_label_formatter(&|v| crate::verify_cmd::seconds(*v))
        .x_label_formatter(&|v| format!("{v:.0}"))
        .draw()?;
    for (i, t) in [(0.1, "100 ms"), (1.0, "1 s")] {
        chart.draw_series(LineSeries::new(
            [(x0 * 0.9, i), (x1 * 1.1, i)],
            ShapeStyle::from(&BLACK.mix(0.3)).stroke_width(1),
        ))?;
        chart.draw_series(std::iter::once(Text::new(
            t.to_string(),
            (x1 * 0.75, i * 1.2),
            ("sans-serif", 12),
        )))?;
    }
    for (i, s) in series.iter().enumerate() {
        let color = COLORS[i % COLORS.len()];
        let data: Vec<(f64, f64)> = s
            .runs
            .iter()
            .map(|p| (p.length.max(1) as f64, p.seconds.max(1e-7)))
            .collect();
        chart.draw_series(LineSeries::new(data.clone(), color.stroke_width(2)))?;
        let (col, row) = ((i % 2) as i32, (i / 2) as i32);
        let (x, y) = (90 + col * 430, 12 + row * 22);
        legend.draw(&PathElement::new(
            vec![(x, y + 7), (x + 24, y + 7)],
            color.stroke_width(3),
        ))?;
        let label = match &s.over_limit {
            Some(o) => format!(
                "{} — {}; over the limit at {} chars",
                s.engine, s.fit.class, o.length
            ),
            None => format!("{} — {}", s.engine, s.fit.class),
        };
        legend.draw(&Text::new(label, (x + 32, y), ("sans-serif", 14)))?;
        chart.draw_series(
            data.iter()
                .map(|&(x, y)| Circle::new((x, y), 3, color.filled())),
        )?;
        if let Some(o) = &s.over_limit {
            // Where a run was killed or hit its limit: a cross at the limit.
            chart.draw_series(std::iter::once(Cross::new(
                (o.length.max(1) as f64, o.seconds.max(y0)),
                6,
                color.stroke_width(2),
            )))?;
        }
    }
    root.present()?;
    Ok(())
}
