//! Drawing the timelines: accesses per day as a bar chart on top (every bar carries its
//! number when it is wide enough, the title gives the span, the total and the peak, so
//! nothing depends on reading bar heights or colour), the list under it with a cursor.
//! A span too long for one bar per day is drawn whole, several days to a bar, and the
//! title says how many.

use super::state::PrivacyState;
use super::timeline::DailySeries;
use crate::theme::Theme;
use crate::widgets::work_queue_view::CURSOR_MARK;
use chrono::{Days, NaiveDate};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Cell, Paragraph, Row, Table};
use ratatui::Frame;

/// Rows of the chart box (borders included): six of bars and one of dates.
const CHART_HEIGHT: u16 = 9;
/// A day's bar when there is room for its `MM/DD` label under it.
const LABELLED_BAR: u16 = 5;

/// The patient's timeline: chart, then every access newest first.
pub fn draw_timeline(p: &PrivacyState, theme: &Theme, frame: &mut Frame, area: Rect) {
    let [chart, list] = split(area);
    let patient = &p.focus_pair.1;
    let Some(t) = p.timeline.as_ref() else {
        loading(frame, area, &format!("Patient {patient}"), theme);
        return;
    };
    render_daily(frame, chart, &format!("patient {patient}"), &t.days, theme);
    let title = format!(
        "Accesses to {patient}, newest first: {} by {} user(s) · esc back",
        t.lines.len(),
        t.users()
    );
    let header = ["When (local)", "User", "Name", "Department", "Action"];
    let widths = [
        Constraint::Length(16),
        Constraint::Length(10),
        Constraint::Fill(2),
        Constraint::Fill(2),
        Constraint::Fill(1),
    ];
    let rows: Vec<[String; 5]> = t
        .lines
        .iter()
        .map(|l| {
            [
                l.record.local_time().format("%Y-%m-%d %H:%M").to_string(),
                l.record.user.clone(),
                l.user_name.clone(),
                l.department.clone(),
                l.record.action.clone(),
            ]
        })
        .collect();
    let focus = |r: &[String; 5]| r[1] == p.focus_pair.0;
    render_list(
        frame,
        list,
        &title,
        (&header, &widths),
        &rows,
        p.timeline_cursor,
        focus,
        theme,
    );
}

/// The user's activity: chart, then the patients they touched, most accessed first.
pub fn draw_activity(p: &PrivacyState, theme: &Theme, frame: &mut Frame, area: Rect) {
    let [chart, list] = split(area);
    let user = &p.focus_pair.0;
    let Some(a) = p.activity.as_ref() else {
        loading(frame, area, &format!("User {user}"), theme);
        return;
    };
    render_daily(frame, chart, &format!("user {user}"), &a.days, theme);
    let who: Vec<&str> = [a.user_name.as_str(), a.department.as_str(), a.role.as_str()]
        .into_iter()
        .filter(|s| !s.trim().is_empty())
        .collect();
    let alerted = a.patients.iter().filter(|t| t.alerted).count();
    let title = format!(
        "{}{} patient(s), {alerted} in alerts · esc back",
        who.iter().map(|w| format!("{w} · ")).collect::<String>(),
        a.patients.len()
    );
    let header = ["Patient", "Accesses", "Last access (local)", "Alert"];
    let widths = [
        Constraint::Fill(2),
        Constraint::Length(9),
        Constraint::Length(20),
        Constraint::Fill(1),
    ];
    let rows: Vec<[String; 4]> = a
        .patients
        .iter()
        .map(|t| {
            [
                t.patient.clone(),
                t.accesses.to_string(),
                t.last.format("%Y-%m-%d %H:%M").to_string(),
                if t.alerted { "ALERT" } else { "" }.to_string(),
            ]
        })
        .collect();
    let focus = |r: &[String; 4]| r[0] == p.focus_pair.1;
    render_list(
        frame,
        list,
        &title,
        (&header, &widths),
        &rows,
        p.timeline_cursor,
        focus,
        theme,
    );
}

fn split(area: Rect) -> [Rect; 2] {
    let chart = CHART_HEIGHT.min(area.height / 2);
    area.layout(&Layout::vertical([
        Constraint::Length(chart),
        Constraint::Fill(1),
    ]))
}

fn loading(frame: &mut Frame, area: Rect, what: &str, theme: &Theme) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("border"))
        .title(Span::styled(format!(" {what} "), theme.style("title")));
    frame.render_widget(
        Paragraph::new(Line::styled(" loading…", theme.style("text.dim"))).block(block),
        area,
    );
}

/// A table with a cursor (`>`); rows about the pair in focus are marked `*` (the
/// alert's own user on a patient's timeline, its patient in a user's activity).
#[allow(clippy::too_many_arguments)] // one call per view; a struct would only rename them
fn render_list<const N: usize>(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    (header, widths): (&[&str; N], &[Constraint; N]),
    rows: &[[String; N]],
    cursor: usize,
    focus: impl Fn(&[String; N]) -> bool,
    theme: &Theme,
) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("border.focus"))
        .title(Span::styled(format!(" {title} "), theme.style("title")));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if rows.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled(
                " no accesses recorded",
                theme.style("text.dim"),
            )),
            inner,
        );
        return;
    }
    let height = usize::from(inner.height.saturating_sub(1)).max(1);
    let offset = cursor.saturating_sub(height - 1);
    let shown = rows
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(i, r)| {
            let marks = format!(
                "{}{}",
                if i == cursor { CURSOR_MARK } else { " " },
                if focus(r) { "*" } else { " " }
            );
            let style = if i == cursor {
                theme.style("selection")
            } else {
                theme.style("text")
            };
            Row::new(
                std::iter::once(marks)
                    .chain(r.iter().cloned())
                    .map(Cell::from),
            )
            .style(style)
        });
    let head = Row::new(
        std::iter::once("")
            .chain(header.iter().copied())
            .map(Cell::from),
    )
    .style(theme.style("column"));
    let widths: Vec<Constraint> = std::iter::once(Constraint::Length(2))
        .chain(widths.iter().copied())
        .collect();
    frame.render_widget(Table::new(shown, widths).header(head), inner);
}

/// `11/16/2026` for a title, `11/16` under a bar.
fn short(d: NaiveDate) -> String {
    d.format("%m/%d").to_string()
}

/// The chart of `series` in a box titled with `name`, the span, the total and the peak.
pub fn render_daily(
    frame: &mut Frame,
    area: Rect,
    name: &str,
    series: &DailySeries,
    theme: &Theme,
) {
    let (Some(first), Some(last), Some((peak_day, peak))) =
        (series.first, series.last(), series.peak())
    else {
        let block = chart_block(format!("No accesses recorded · {name}"), theme);
        frame.render_widget(block, area);
        return;
    };
    let inner_width = area.width.saturating_sub(2);
    let n = u16::try_from(series.counts.len()).unwrap_or(u16::MAX);
    // One labelled bar per day when they fit; else narrower bars; else several days
    // to a bar.
    let labelled = n.saturating_mul(LABELLED_BAR + 1) <= inner_width.saturating_add(1);
    let (gap, bars) = if labelled || n.saturating_mul(2) <= inner_width.saturating_add(1) {
        (1, usize::from(n))
    } else {
        (0, usize::from(inner_width.max(1)))
    };
    let (per, counts) = series.bucketed(bars);
    let unit = if per == 1 {
        "Per day".to_string()
    } else {
        format!("Per {per} days")
    };
    let title = format!(
        "{unit} {}–{} · {} accesses · peak {peak} on {} · {name}",
        short(first),
        last.format("%m/%d/%Y"),
        series.total(),
        short(peak_day)
    );
    let block = chart_block(title, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let count = u16::try_from(counts.len()).unwrap_or(u16::MAX).max(1);
    let width = if labelled {
        LABELLED_BAR
    } else {
        (inner.width.saturating_add(gap) / count)
            .saturating_sub(gap)
            .clamp(1, LABELLED_BAR - 1)
    };
    let bar_style = theme.style("chart.bar");
    // Reversed, the number shows as a gap cut into the bar in any theme, mono included.
    let value_style = theme.style("chart.value").add_modifier(Modifier::REVERSED);
    let day = |i: usize| first.checked_add_days(Days::new((i * per) as u64));
    let bars: Vec<Bar> = counts
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let bar = Bar::default()
                .value(*c)
                .style(bar_style)
                .value_style(value_style);
            match day(i).filter(|_| labelled) {
                Some(d) => bar.label(Line::from(short(d))),
                None => bar,
            }
        })
        .collect();
    let chart = BarChart::default()
        .data(BarGroup::default().bars(&bars))
        .bar_width(width)
        .bar_gap(gap)
        .label_style(theme.style("label"));
    if labelled {
        frame.render_widget(chart, inner);
        return;
    }
    // Unlabelled bars: the dates at both ends of the axis below them.
    let [bars_area, axis] = inner.layout(&Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(1),
    ]));
    frame.render_widget(chart, bars_area);
    let span = usize::from(count) * usize::from(width + gap);
    let span = span.saturating_sub(usize::from(gap)).max(11);
    let (from, to) = (short(first), short(last));
    let pad = span.saturating_sub(from.len() + to.len());
    frame.render_widget(
        Paragraph::new(Line::styled(
            format!("{from}{}{to}", " ".repeat(pad)),
            theme.style("label"),
        )),
        axis,
    );
}

fn chart_block(title: String, theme: &Theme) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("border"))
        .title(Span::styled(format!(" {title} "), theme.style("title")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::widgets::work_queue_view::tests::draw;

    fn series(counts: Vec<u64>) -> DailySeries {
        DailySeries {
            first: NaiveDate::from_ymd_opt(2026, 11, 1),
            counts,
        }
    }

    #[test]
    fn a_few_days_get_labelled_bars_with_their_numbers() {
        let theme = Theme::builtin("mono").expect("theme");
        let s = series(vec![2, 0, 1]);
        let screen = draw(|f| render_daily(f, Rect::new(0, 0, 80, 9), "Patient 1", &s, &theme));
        let text = screen.join("\n");
        assert!(
            screen[0].contains("Per day 11/01–11/03/2026 · 3 accesses · peak 2 on 11/01"),
            "{text}"
        );
        assert!(screen[7].contains("11/01 11/02 11/03"), "{text}");
        assert!(text.contains('2') && text.contains('█'), "{text}");
    }

    #[test]
    fn a_long_span_is_drawn_whole_several_days_to_a_bar() {
        let theme = Theme::builtin("mono").expect("theme");
        let s = series((0..200).map(|i| i % 7).collect());
        let screen = draw(|f| render_daily(f, Rect::new(0, 0, 80, 9), "User u", &s, &theme));
        let text = screen.join("\n");
        assert!(screen[0].contains("Per 3 days"), "{text}");
        assert!(
            screen[7].starts_with("│11/01") && screen[7].contains("05/19"),
            "{text}"
        );
        let none = draw(|f| {
            render_daily(
                f,
                Rect::new(0, 0, 40, 9),
                "User u",
                &DailySeries::default(),
                &theme,
            )
        });
        assert!(none[0].contains("No accesses recorded"), "{}", none[0]);
    }
}
