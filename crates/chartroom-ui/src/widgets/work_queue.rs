//! The work queue every workflow shows: a filterable, sortable list of work items with
//! a cursor and a multi-selection for bulk actions. This file is the state and its pure
//! key handling; its keys are in
//! `work_queue_keys.rs` and its drawing in `work_queue_view.rs`.
//!
//! Selection and the filter: a filter that hides a selected row keeps it selected. A
//! clerk often selects a few items, narrows the filter to find more, and widens it
//! again; losing the first picks on each keystroke would be worse. Because a hidden
//! selection is easy to forget, the title says how many selected rows are not shown
//! and [`WorkQueue::selected`] returns all of them, so the confirm popup of a bulk
//! action must name the count. Rows that disappear from the data (after a refresh)
//! leave the selection.

use ratatui::layout::Constraint;
use std::collections::BTreeSet;
use std::fmt::Debug;

/// What a column sorts by. Numbers and dates sort as such, not as text, so "9" comes
/// before "10" and 12/01/2024 before 01/05/2025 (use [`SortKey::Number`] with a day count
/// or `yyyymmdd` for dates).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SortKey {
    Number(i64),
    Text(String),
}

/// One work item as the queue sees it. Workflows implement this for their row type.
pub trait QueueRow {
    type Id: Clone + Ord + Debug;

    /// Stable identity: selection and the cursor follow it across sorts and refreshes.
    fn id(&self) -> Self::Id;

    /// The text of each column, in column order.
    fn cells(&self) -> Vec<String>;

    /// What `column` sorts by; case-insensitive cell text unless the row says better.
    fn sort_key(&self, column: usize) -> SortKey {
        SortKey::Text(
            self.cells()
                .get(column)
                .map(|c| c.to_lowercase())
                .unwrap_or_default(),
        )
    }

    /// Whether the row passes the filter `filter` (already lower-cased and non-empty):
    /// by default, when any cell contains it.
    fn matches(&self, filter: &str) -> bool {
        self.cells()
            .iter()
            .any(|c| c.to_lowercase().contains(filter))
    }
}

/// A column heading and its width.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub title: String,
    pub width: Constraint,
}

impl Column {
    pub fn new(title: impl Into<String>, width: Constraint) -> Column {
        Column {
            title: title.into(),
            width,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortDir {
    Ascending,
    Descending,
}

/// What a key did to the queue, for the screen that owns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QueueOutcome<Id> {
    /// The queue used the key; redraw.
    Handled,
    /// Not a queue key: the screen may use it (e.g. for a bulk action or to leave).
    Ignored,
    /// Enter on a row: open this item.
    Open(Id),
}

/// Queue state: plain data, changed only through the methods below.
#[derive(Clone, Debug)]
pub struct WorkQueue<R: QueueRow> {
    /// Names the items, e.g. `Deficiencies`; the counts are added when drawn.
    pub title: String,
    pub columns: Vec<Column>,
    rows: Vec<R>,
    filter: String,
    filter_focused: bool,
    sort: Option<(usize, SortDir)>,
    /// Indices into `rows` of the rows that pass the filter, in display order.
    visible: Vec<usize>,
    /// Index into `visible`.
    cursor: usize,
    /// First visible row drawn; kept so the list scrolls only when the cursor leaves it.
    offset: usize,
    /// Table rows the screen last had room for; pages and scrolling use it.
    viewport: usize,
    selected: BTreeSet<R::Id>,
}

impl<R: QueueRow> WorkQueue<R> {
    pub fn new(title: impl Into<String>, columns: Vec<Column>, rows: Vec<R>) -> WorkQueue<R> {
        let mut queue = WorkQueue {
            title: title.into(),
            columns,
            rows: Vec::new(),
            filter: String::new(),
            filter_focused: false,
            sort: None,
            visible: Vec::new(),
            cursor: 0,
            offset: 0,
            viewport: 10,
            selected: BTreeSet::new(),
        };
        queue.set_rows(rows);
        queue
    }

    /// Replaces the rows (after a reload); cursor and selection follow ids, and ids
    /// no longer present leave the selection.
    pub fn set_rows(&mut self, rows: Vec<R>) {
        let keep = self.cursor_id();
        self.rows = rows;
        let ids: BTreeSet<R::Id> = self.rows.iter().map(QueueRow::id).collect();
        self.selected.retain(|id| ids.contains(id));
        self.recompute(keep);
    }

    pub fn rows(&self) -> &[R] {
        &self.rows
    }

    pub fn filter(&self) -> &str {
        &self.filter
    }

    pub fn filter_focused(&self) -> bool {
        self.filter_focused
    }

    pub fn sort(&self) -> Option<(usize, SortDir)> {
        self.sort
    }

    /// Index of the cursor among the visible rows.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    pub fn offset(&self) -> usize {
        self.offset
    }

    pub fn viewport(&self) -> usize {
        self.viewport
    }

    /// The screen tells the queue how many table rows it drew, on resize.
    pub fn set_viewport(&mut self, rows: usize) {
        self.viewport = rows.max(1);
        self.scroll_to_cursor();
    }

    pub fn set_filter(&mut self, filter: impl Into<String>) {
        let keep = self.cursor_id();
        self.filter = filter.into();
        self.recompute(keep);
    }

    pub fn focus_filter(&mut self, focused: bool) {
        self.filter_focused = focused;
    }

    /// Sorts by `column`; the same column again reverses the direction.
    pub fn toggle_sort(&mut self, column: usize) {
        if column >= self.columns.len() {
            return;
        }
        self.sort = match self.sort {
            Some((c, SortDir::Ascending)) if c == column => Some((c, SortDir::Descending)),
            Some((c, SortDir::Descending)) if c == column => Some((c, SortDir::Ascending)),
            _ => Some((column, SortDir::Ascending)),
        };
        let keep = self.cursor_id();
        self.recompute(keep);
    }

    /// Sorts by the next column (the first when unsorted), ascending.
    pub fn next_sort_column(&mut self) {
        if self.columns.is_empty() {
            return;
        }
        let next = match self.sort {
            Some((c, _)) => (c + 1) % self.columns.len(),
            None => 0,
        };
        self.sort = None;
        self.toggle_sort(next);
    }

    /// Reverses the current sort; sorts by the first column when unsorted.
    pub fn reverse_sort(&mut self) {
        let column = self.sort.map(|(c, _)| c).unwrap_or(0);
        if self.sort.is_none() {
            self.toggle_sort(column);
        }
        self.toggle_sort(column);
    }

    /// Moves the cursor by `delta` rows, stopping at the ends.
    pub fn move_cursor(&mut self, delta: isize) {
        let last = self.visible.len().saturating_sub(1);
        self.cursor = self.cursor.saturating_add_signed(delta).min(last);
        self.scroll_to_cursor();
    }

    /// Moves by `pages` screens of rows (negative is up).
    pub fn page(&mut self, pages: isize) {
        let step = self.viewport.max(1) as isize;
        self.move_cursor(pages.saturating_mul(step));
    }

    pub fn home(&mut self) {
        self.cursor = 0;
        self.scroll_to_cursor();
    }

    pub fn end(&mut self) {
        self.cursor = self.visible.len().saturating_sub(1);
        self.scroll_to_cursor();
    }

    /// Selects or unselects the row under the cursor.
    pub fn toggle_select(&mut self) {
        if let Some(id) = self.cursor_id() {
            if !self.selected.remove(&id) {
                self.selected.insert(id);
            }
        }
    }

    /// Selects every row the filter shows (hidden selections stay as they are).
    pub fn select_all_visible(&mut self) {
        for &i in &self.visible {
            self.selected.insert(self.rows[i].id());
        }
    }

    pub fn clear_selection(&mut self) {
        self.selected.clear();
    }

    pub fn is_selected(&self, id: &R::Id) -> bool {
        self.selected.contains(id)
    }

    /// The rows the filter shows, in display order.
    pub fn visible_rows(&self) -> impl Iterator<Item = &R> + '_ {
        self.visible.iter().map(|&i| &self.rows[i])
    }

    pub fn visible_len(&self) -> usize {
        self.visible.len()
    }

    /// Every selected row, shown or hidden by the filter, in data order: what a bulk
    /// action acts on.
    pub fn selected(&self) -> Vec<&R> {
        self.rows
            .iter()
            .filter(|r| self.selected.contains(&r.id()))
            .collect()
    }

    pub fn selected_count(&self) -> usize {
        self.selected.len()
    }

    /// Selected rows the filter currently hides (the title warns about them).
    pub fn selected_hidden(&self) -> usize {
        let shown = self
            .visible_rows()
            .filter(|r| self.selected.contains(&r.id()))
            .count();
        self.selected.len() - shown
    }

    /// The row under the cursor.
    pub fn current(&self) -> Option<&R> {
        self.visible.get(self.cursor).map(|&i| &self.rows[i])
    }

    fn cursor_id(&self) -> Option<R::Id> {
        self.current().map(QueueRow::id)
    }

    /// Re-filters and re-sorts, then puts the cursor back on `keep` if still shown.
    fn recompute(&mut self, keep: Option<R::Id>) {
        let needle = self.filter.trim().to_lowercase();
        self.visible = (0..self.rows.len())
            .filter(|&i| needle.is_empty() || self.rows[i].matches(&needle))
            .collect();
        if let Some((column, dir)) = self.sort {
            let mut keyed: Vec<(SortKey, usize)> = self
                .visible
                .iter()
                .map(|&i| (self.rows[i].sort_key(column), i))
                .collect();
            // Stable in both directions, so ties keep data order (usually the
            // service's own priority) rather than flipping on reverse.
            keyed.sort_by(|a, b| match dir {
                SortDir::Ascending => a.0.cmp(&b.0),
                SortDir::Descending => b.0.cmp(&a.0),
            });
            self.visible = keyed.into_iter().map(|(_, i)| i).collect();
        }
        let found = keep.and_then(|id| self.visible.iter().position(|&i| self.rows[i].id() == id));
        match found {
            Some(pos) => self.cursor = pos,
            None => self.cursor = self.cursor.min(self.visible.len().saturating_sub(1)),
        }
        self.scroll_to_cursor();
    }

    fn scroll_to_cursor(&mut self) {
        let rows = self.viewport.max(1);
        if self.cursor < self.offset {
            self.offset = self.cursor;
        } else if self.cursor >= self.offset + rows {
            self.offset = self.cursor + 1 - rows;
        }
        // Never leave blank space below the last row when rows could fill it.
        self.offset = self.offset.min(self.visible.len().saturating_sub(rows));
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::key::{Key, KeyCode};

    /// A deficiency-like row for tests here and in the view.
    #[derive(Clone, Debug, PartialEq)]
    pub struct Item {
        pub id: u32,
        pub name: &'static str,
        pub days: i64,
    }

    impl QueueRow for Item {
        type Id = u32;
        fn id(&self) -> u32 {
            self.id
        }
        fn cells(&self) -> Vec<String> {
            vec![
                self.id.to_string(),
                self.name.to_string(),
                self.days.to_string(),
            ]
        }
        fn sort_key(&self, column: usize) -> SortKey {
            match column {
                0 => SortKey::Number(self.id.into()),
                2 => SortKey::Number(self.days),
                _ => SortKey::Text(self.name.to_lowercase()),
            }
        }
    }

    pub fn queue() -> WorkQueue<Item> {
        let rows = [
            (1, "Adams discharge summary", 40),
            (2, "Baker op note", 9),
            (3, "Clark discharge summary", 3),
            (4, "Davis H&P", 15),
            (5, "Evans op note", 22),
        ]
        .map(|(id, name, days)| Item { id, name, days })
        .to_vec();
        let columns = vec![
            Column::new("ID", Constraint::Length(4)),
            Column::new("Document", Constraint::Fill(1)),
            Column::new("Days", Constraint::Length(6)),
        ];
        WorkQueue::new("Deficiencies", columns, rows)
    }

    fn ids(q: &WorkQueue<Item>) -> Vec<u32> {
        q.visible_rows().map(|r| r.id).collect()
    }

    #[test]
    fn filter_narrows_and_keeps_hidden_selection() {
        let mut q = queue();
        q.toggle_select(); // row 1
        q.set_filter("op NOTE");
        assert_eq!(ids(&q), vec![2, 5]);
        assert_eq!(q.selected_count(), 1);
        assert_eq!(q.selected_hidden(), 1);
        q.select_all_visible();
        assert_eq!(
            q.selected().iter().map(|r| r.id).collect::<Vec<_>>(),
            vec![1, 2, 5]
        );
        q.set_filter("");
        assert_eq!(q.visible_len(), 5);
        assert_eq!(q.selected_hidden(), 0);
        // A refresh that drops row 2 drops it from the selection too.
        let rows: Vec<Item> = q.rows().iter().filter(|r| r.id != 2).cloned().collect();
        q.set_rows(rows);
        assert_eq!(q.selected_count(), 2);
    }

    #[test]
    fn sort_toggles_and_cursor_follows_the_row() {
        let mut q = queue();
        q.move_cursor(2); // id 3
        q.toggle_sort(2);
        assert_eq!(ids(&q), vec![3, 2, 4, 5, 1]);
        assert_eq!(q.current().map(|r| r.id), Some(3));
        q.toggle_sort(2);
        assert_eq!(q.sort(), Some((2, SortDir::Descending)));
        assert_eq!(ids(&q), vec![1, 5, 4, 2, 3]);
        assert_eq!(q.cursor(), 4);
        q.handle_key(&Key::char('s')); // wraps to column 0, ascending
        assert_eq!(q.sort(), Some((0, SortDir::Ascending)));
        q.handle_key(&Key::char('S'));
        assert_eq!(ids(&q), vec![5, 4, 3, 2, 1]);
    }

    #[test]
    fn cursor_clamps_and_pages() {
        let mut q = queue();
        q.set_viewport(2);
        q.move_cursor(-3);
        assert_eq!(q.cursor(), 0);
        q.move_cursor(99);
        assert_eq!((q.cursor(), q.offset()), (4, 3));
        q.page(-1);
        assert_eq!((q.cursor(), q.offset()), (2, 2));
        q.set_filter("summary");
        assert_eq!(q.cursor(), 1);
        q.set_filter("nothing matches");
        assert_eq!((q.cursor(), q.current()), (0, None));
        assert_eq!(
            q.handle_key(&Key::plain(KeyCode::Enter)),
            QueueOutcome::Ignored
        );
    }
}
