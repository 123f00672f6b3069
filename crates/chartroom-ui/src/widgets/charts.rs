//! Dashboard charts: counts per bucket as a bar chart (aging of deficiencies, requests
//! per status) and a series as a sparkline (daily delinquency). A bar's height alone
//! is colour-free but not exact, so every bar carries its number, and the sparkline
//! has its min, max and last value written beside it.
//!
//! Styles use the roles `chart.bar` and `chart.value`, which fall back to `text` until
//! a theme sets them.

use crate::theme::Theme;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Paragraph, Sparkline};
use ratatui::Frame;

/// Gap between bars, in columns.
const BAR_GAP: u16 = 2;

/// Draws `buckets` (label, count) as vertical bars with the count on each bar and the
/// label under it. The title gets the total, so the chart also answers "how many".
pub fn render_bars(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    buckets: &[(&str, u64)],
    theme: &Theme,
) {
    let total: u64 = buckets.iter().map(|(_, n)| n).sum();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("border"))
        .title(Span::styled(
            format!(" {title} — {total} total "),
            theme.style("title"),
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if buckets.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled(" no data", theme.style("text.dim"))),
            inner,
        );
        return;
    }

    let bar_style = theme.style("chart.bar");
    // Reversed, the number shows as a gap cut into the bar in any theme, mono included.
    let value_style = theme.style("chart.value").add_modifier(Modifier::REVERSED);
    let bars: Vec<Bar> = buckets
        .iter()
        .map(|(label, count)| {
            Bar::default()
                .value(*count)
                .label(Line::from(*label))
                .style(bar_style)
                .value_style(value_style)
        })
        .collect();
    let chart = BarChart::default()
        .data(BarGroup::default().bars(&bars))
        .bar_width(bar_width(inner.width, buckets))
        .bar_gap(BAR_GAP)
        .label_style(theme.style("label"));
    frame.render_widget(chart, inner);
}

/// Wide enough for the widest label and for the widest number with a column to spare
/// (ratatui prints a value only when it is narrower than the bar), but never so wide
/// that the bars do not all fit.
fn bar_width(available: u16, buckets: &[(&str, u64)]) -> u16 {
    let wanted = buckets
        .iter()
        .map(|(label, count)| {
            let label = Span::raw(*label).width();
            let value = count.to_string().len() + 1;
            label.max(value)
        })
        .max()
        .unwrap_or(1);
    let n = u16::try_from(buckets.len()).unwrap_or(u16::MAX).max(1);
    let room = (available.saturating_add(BAR_GAP) / n).saturating_sub(BAR_GAP);
    u16::try_from(wanted)
        .unwrap_or(u16::MAX)
        .clamp(1, room.max(1))
}

/// `min 3 · max 12 · last 7` of a series, or None when it is empty.
pub fn series_summary(series: &[u64]) -> Option<(u64, u64, u64)> {
    let min = series.iter().min()?;
    let max = series.iter().max()?;
    let last = series.last()?;
    Some((*min, *max, *last))
}

/// Draws `series` (oldest first) as a sparkline with `min`, `max` and `last` as text
/// at its right; in an area too narrow for both, the numbers win.
pub fn render_sparkline(frame: &mut Frame, area: Rect, title: &str, series: &[u64], theme: &Theme) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("border"))
        .title(Span::styled(format!(" {title} "), theme.style("title")));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some((min, max, last)) = series_summary(series) else {
        frame.render_widget(
            Paragraph::new(Line::styled(" no data", theme.style("text.dim"))),
            inner,
        );
        return;
    };

    let stats = [("last", last), ("max", max), ("min", min)];
    let number_width = stats
        .iter()
        .map(|(_, v)| v.to_string().len())
        .max()
        .unwrap_or(1);
    // One line per figure when there is height for it, else all on one line.
    let stacked = inner.height >= 3;
    let lines: Vec<Line> = if stacked {
        stats
            .iter()
            .map(|(name, value)| stat_line(name, *value, number_width, theme))
            .collect()
    } else {
        vec![Line::from(
            stats
                .iter()
                .rev()
                .flat_map(|(name, value)| stat_line(name, *value, number_width, theme).spans)
                .collect::<Vec<_>>(),
        )]
    };
    let text_width = lines.iter().map(Line::width).max().unwrap_or(0);
    let text_width = u16::try_from(text_width)
        .unwrap_or(u16::MAX)
        .min(inner.width);
    let [spark_area, text_area] = inner.layout(&Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Length(text_width),
    ]));
    // The newest days matter most: when the series is longer than the room, show its end.
    let shown = &series[series.len().saturating_sub(usize::from(spark_area.width))..];
    frame.render_widget(
        Sparkline::default()
            .data(shown)
            .style(theme.style("chart.bar")),
        spark_area,
    );
    frame.render_widget(Paragraph::new(lines), text_area);
}

fn stat_line(name: &str, value: u64, width: usize, theme: &Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!(" {name:<4} "), theme.style("label")),
        Span::styled(format!("{value:>width$}"), theme.style("chart.value")),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::widgets::work_queue_view::tests::draw;

    #[test]
    fn bar_width_fits_labels_numbers_and_room() {
        let buckets = [("0–7", 5), ("8–14", 120), ("15–30", 3), (">30 days", 1234)];
        assert_eq!(bar_width(78, &buckets), 8);
        assert_eq!(bar_width(20, &buckets), 3);
        assert_eq!(bar_width(2, &buckets), 1);
        assert_eq!(series_summary(&[]), None);
        assert_eq!(series_summary(&[4, 2, 9, 5]), Some((2, 9, 5)));
    }

    #[test]
    fn renders_bars_with_numbers_and_labels() {
        let buckets = [("0–7", 12), ("8–14", 40), ("15–30", 7), (">30 days", 25)];
        let theme = Theme::builtin("mono").expect("theme");
        let screen = draw(|f| render_bars(f, Rect::new(0, 0, 80, 12), "Aging", &buckets, &theme));
        assert!(screen[0].contains("Aging — 84 total"), "{}", screen[0]);
        let text = screen.join("\n");
        let bottom = &screen[9];
        for (label, count) in buckets {
            assert!(screen[10].contains(label), "{text}");
            assert!(bottom.contains(&count.to_string()), "{text}");
        }
    }

    #[test]
    fn renders_sparkline_with_min_max_last() {
        let series = [3, 5, 9, 14, 12, 8, 6, 7];
        let theme = Theme::default();
        let screen = draw(|f| {
            render_sparkline(
                f,
                Rect::new(0, 0, 40, 5),
                "Delinquent charts",
                &series,
                &theme,
            )
        });
        let text = screen.join("\n");
        assert!(screen[0].contains("Delinquent charts"));
        assert!(screen[1].contains("last  7"), "{text}");
        assert!(screen[2].contains("max  14"), "{text}");
        assert!(screen[3].contains("min   3"), "{text}");
        assert!(text.contains('█'), "{text}");
        let one_line = draw(|f| render_sparkline(f, Rect::new(0, 0, 60, 3), "D", &series, &theme));
        assert!(
            one_line[1].contains("min   3 max  14 last  7"),
            "{}",
            one_line[1]
        );
    }
}
