//! Charts drawn on the server as inline SVG: stacked bars and points joined by lines, with axes, tick labels
//! and a legend. Hand-written rather than a plotting crate: the pages need two simple kinds, SVG text needs
//! no fonts on the server, and presentation attributes (`fill`, `stroke`) keep within the pages' content
//! security policy (no inline `style`). Every mark has a `<title>` with its exact value, for hover and
//! screen readers. Inputs are aggregates (counts, durations), never personal data.

use maud::{html, Markup};

const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 240.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 44.0;
/// Calm, distinguishable colours (colour-blind safe, Okabe–Ito).
const PALETTE: &[&str] = &[
    "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000",
];

/// One named series of values, one per category of the x axis.
pub struct Series {
    pub name: String,
    pub values: Vec<f64>,
}

/// A chart: a title for the accessible name, category labels on the x axis, a unit for the y axis.
pub struct Chart<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub categories: &'a [String],
    pub series: &'a [Series],
    pub unit: &'a str,
}

fn colour(index: usize) -> &'static str {
    PALETTE[index % PALETTE.len()]
}

/// A "nice" upper bound for the y axis (1, 2, 5 × 10^n) at or above `max`.
fn nice_ceiling(max: f64) -> f64 {
    if !max.is_finite() || max <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(max.log10().floor());
    for step in [1.0, 2.0, 5.0, 10.0] {
        if step * magnitude >= max {
            return step * magnitude;
        }
    }
    10.0 * magnitude
}

fn format_value(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        // Up to three decimals, so small ticks (0.025 s) stay distinct.
        let text = format!("{value:.3}");
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

/// The frame shared by both kinds: y grid with ticks from `low` to `high`, x labels (thinned to fit).
fn frame(chart: &Chart, low: f64, high: f64, body: Markup) -> Markup {
    let plot_height = HEIGHT - TOP - BOTTOM;
    let y_of = |value: f64| TOP + plot_height * (1.0 - (value - low) / (high - low));
    let ticks: Vec<f64> = (0..=4)
        .map(|i| low + (high - low) * f64::from(i) / 4.0)
        .collect();
    let count = chart.categories.len().max(1);
    let slot = (WIDTH - LEFT - RIGHT) / count as f64;
    // At most ~12 labels, so they never overlap.
    let every = count.div_ceil(12).max(1);
    html! {
        figure.chart id=(chart.id) {
            svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (WIDTH) " " (HEIGHT) }
                role="img" aria-label=(chart.title) font-family="sans-serif" font-size="11" {
                title { (chart.title) }
                @for tick in &ticks {
                    line x1=(LEFT) x2=(WIDTH - RIGHT) y1=(y_of(*tick)) y2=(y_of(*tick))
                        stroke="#d8dde3" stroke-width="1" {}
                    text x=(LEFT - 6.0) y=(y_of(*tick) + 4.0) text-anchor="end" fill="#4a5562" {
                        (format_value(*tick))
                    }
                }
                text x="12" y=(TOP + plot_height / 2.0) fill="#4a5562"
                    transform={ "rotate(-90 12 " (TOP + plot_height / 2.0) ")" } text-anchor="middle" {
                    (chart.unit)
                }
                (body)
                @for (index, label) in chart.categories.iter().enumerate() {
                    @if index % every == 0 {
                        text x=(LEFT + slot * (index as f64 + 0.5)) y=(HEIGHT - BOTTOM + 16.0)
                            text-anchor="middle" fill="#4a5562" { (label) }
                    }
                }
                line x1=(LEFT) x2=(WIDTH - RIGHT) y1=(y_of(low)) y2=(y_of(low)) stroke="#4a5562" stroke-width="1" {}
            }
            figcaption {
                strong { (chart.title) }
                @for (index, series) in chart.series.iter().enumerate() {
                    span.legend {
                        svg width="10" height="10" viewBox="0 0 10 10" aria-hidden="true" {
                            rect width="10" height="10" fill=(colour(index)) {}
                        }
                        " " (series.name)
                    }
                }
            }
        }
    }
}

/// Stacked bars: one bar per category, one segment per series.
pub fn stacked_bars(chart: &Chart) -> Markup {
    let count = chart.categories.len();
    let totals: Vec<f64> = (0..count)
        .map(|i| {
            chart
                .series
                .iter()
                .map(|s| s.values.get(i).copied().unwrap_or(0.0).max(0.0))
                .sum()
        })
        .collect();
    let high = nice_ceiling(totals.iter().copied().fold(0.0, f64::max));
    let plot_height = HEIGHT - TOP - BOTTOM;
    let slot = (WIDTH - LEFT - RIGHT) / count.max(1) as f64;
    let bar = (slot * 0.75).max(1.0);
    let mut segments = Vec::new();
    for i in 0..count {
        let mut base = 0.0;
        for (s, series) in chart.series.iter().enumerate() {
            let value = series.values.get(i).copied().unwrap_or(0.0).max(0.0);
            if value > 0.0 {
                let y = TOP + plot_height * (1.0 - (base + value) / high);
                let height = plot_height * value / high;
                segments.push((i, s, y, height, value));
            }
            base += value;
        }
    }
    let body = html! {
        @for (i, s, y, height, value) in &segments {
            rect x=(LEFT + slot * *i as f64 + (slot - bar) / 2.0) y=(y) width=(bar) height=(height)
                fill=(colour(*s)) {
                title {
                    (chart.categories.get(*i).map_or("", String::as_str)) " · "
                    (chart.series.get(*s).map_or("", |x| x.name.as_str())) ": " (format_value(*value))
                }
            }
        }
    };
    frame(chart, 0.0, high, body)
}

/// Points per category joined by a line per series; `NaN` values are gaps. The y axis includes zero and,
/// with `zero_line`, zero is drawn as a reference (e.g. the scheduled departure).
pub fn points(chart: &Chart, zero_line: bool) -> Markup {
    let values = chart
        .series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .filter(|v| v.is_finite());
    let (min, max) = values.fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let high = nice_ceiling(max);
    let low = if min < 0.0 { -nice_ceiling(-min) } else { 0.0 };
    let plot_height = HEIGHT - TOP - BOTTOM;
    let y_of = |value: f64| TOP + plot_height * (1.0 - (value - low) / (high - low));
    let count = chart.categories.len().max(1);
    let slot = (WIDTH - LEFT - RIGHT) / count as f64;
    let x_of = |i: usize| LEFT + slot * (i as f64 + 0.5);
    let body = html! {
        @if zero_line && low < 0.0 {
            line x1=(LEFT) x2=(WIDTH - RIGHT) y1=(y_of(0.0)) y2=(y_of(0.0)) stroke="#d55e00"
                stroke-width="1.5" stroke-dasharray="4 3" {}
        }
        @for (s, series) in chart.series.iter().enumerate() {
            @let path: Vec<String> = series.values.iter().enumerate()
                .filter(|(_, v)| v.is_finite())
                .map(|(i, v)| format!("{:.1},{:.1}", x_of(i), y_of(*v)))
                .collect();
            @if path.len() > 1 {
                polyline points=(path.join(" ")) fill="none" stroke=(colour(s)) stroke-width="1.5" {}
            }
            @for (i, value) in series.values.iter().enumerate() {
                @if value.is_finite() {
                    circle cx=(x_of(i)) cy=(y_of(*value)) r="3" fill=(colour(s)) {
                        title {
                            (chart.categories.get(i).map_or("", String::as_str)) " · " (series.name) ": "
                            (format_value(*value)) " " (chart.unit)
                        }
                    }
                }
            }
        }
    };
    frame(chart, low, high, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart<'a>(categories: &'a [String], series: &'a [Series]) -> Chart<'a> {
        Chart {
            id: "c",
            title: "Messages per hour",
            categories,
            series,
            unit: "messages",
        }
    }

    #[test]
    fn nice_ceilings() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(3.0), 5.0);
        assert_eq!(nice_ceiling(10.0), 10.0);
        assert_eq!(nice_ceiling(11.0), 20.0);
        assert_eq!(nice_ceiling(f64::NAN), 1.0);
    }

    #[test]
    fn stacked_bars_draw_one_segment_per_non_zero_value_with_its_value_in_the_title() {
        let categories = vec!["08:00".to_string(), "09:00".to_string()];
        let series = vec![
            Series {
                name: "LH".into(),
                values: vec![2.0, 0.0],
            },
            Series {
                name: "AF".into(),
                values: vec![1.0, 3.0],
            },
        ];
        let svg = stacked_bars(&chart(&categories, &series)).into_string();
        assert_eq!(svg.matches("<rect x=").count(), 3, "{svg}");
        assert!(svg.contains("<title>09:00 · AF: 3</title>"), "{svg}");
        assert!(svg.contains("role=\"img\""));
        assert!(!svg.contains("style="), "no inline style (CSP)");
    }

    #[test]
    fn points_skip_gaps_and_draw_the_zero_line_for_negative_values() {
        let categories = vec!["a".to_string(), "b".to_string(), "c".to_string()];
        let series = vec![Series {
            name: "PNRGOV".into(),
            values: vec![72.0, f64::NAN, -1.5],
        }];
        let svg = points(&chart(&categories, &series), true).into_string();
        assert_eq!(svg.matches("<circle").count(), 2, "{svg}");
        assert!(svg.contains("stroke-dasharray"), "{svg}");
        assert!(svg.contains("c · PNRGOV: -1.5 messages"), "{svg}");
    }

    #[test]
    fn an_empty_chart_still_renders() {
        let svg = stacked_bars(&chart(&[], &[])).into_string();
        assert!(svg.contains("<svg"));
    }
}
