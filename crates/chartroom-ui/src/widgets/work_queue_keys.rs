//! The standard keys of every queue, so a clerk presses the same keys in every
//! workflow. Pure: it only calls [`WorkQueue`]'s public methods, and keys the queue
//! does not use come back as `Ignored` for the screen (bulk actions, leaving).

use super::work_queue::{QueueOutcome, QueueRow, WorkQueue};
use crate::key::{Key, KeyCode};

impl<R: QueueRow> WorkQueue<R> {
    /// The standard queue keys. While the filter line has focus, typed characters go
    /// to the filter; arrows still move the cursor so the list can be browsed while
    /// typing. Esc peels one layer at a time (filter, then selection) and is Ignored
    /// when there is nothing left, so the screen can close.
    pub fn handle_key(&mut self, key: &Key) -> QueueOutcome<R::Id> {
        let mods = key.modifiers();
        match key.code() {
            KeyCode::Up => self.move_cursor(-1),
            KeyCode::Down => self.move_cursor(1),
            KeyCode::PageUp => self.page(-1),
            KeyCode::PageDown => self.page(1),
            KeyCode::Home if !self.filter_focused() => self.home(),
            KeyCode::End if !self.filter_focused() => self.end(),
            KeyCode::Esc if self.filter_focused() || !self.filter().is_empty() => {
                self.focus_filter(false);
                self.set_filter("");
            }
            KeyCode::Esc if self.selected_count() > 0 => self.clear_selection(),
            KeyCode::Enter if self.filter_focused() => self.focus_filter(false),
            KeyCode::Backspace if self.filter_focused() => {
                let mut text = self.filter().to_string();
                text.pop();
                self.set_filter(text);
            }
            KeyCode::Char('a') if mods.ctrl => self.select_all_visible(),
            _ if self.filter_focused() => match key.text() {
                Some(c) => {
                    let text = format!("{}{c}", self.filter());
                    self.set_filter(text);
                }
                None => return QueueOutcome::Ignored,
            },
            KeyCode::Enter => {
                return match self.current().map(QueueRow::id) {
                    Some(id) => QueueOutcome::Open(id),
                    None => QueueOutcome::Ignored,
                }
            }
            _ => match key.text() {
                Some(' ') => self.toggle_select(),
                Some('/') => self.focus_filter(true),
                Some('s') => self.next_sort_column(),
                Some('S') => self.reverse_sort(),
                _ => return QueueOutcome::Ignored,
            },
        }
        QueueOutcome::Handled
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::widgets::work_queue::tests::queue;

    fn ids(q: &WorkQueue<crate::widgets::work_queue::tests::Item>) -> Vec<u32> {
        q.visible_rows().map(|r| r.id).collect()
    }

    #[test]
    fn keys_type_filter_select_and_open() {
        let mut q = queue();
        assert_eq!(q.handle_key(&Key::char('/')), QueueOutcome::Handled);
        for c in "davis".chars() {
            q.handle_key(&Key::char(c));
        }
        assert_eq!(ids(&q), vec![4]);
        q.handle_key(&Key::plain(KeyCode::Enter)); // leaves the filter line
        assert!(!q.filter_focused());
        q.handle_key(&Key::char(' '));
        assert_eq!(
            q.handle_key(&Key::plain(KeyCode::Enter)),
            QueueOutcome::Open(4)
        );
        q.handle_key(&Key::plain(KeyCode::Esc)); // clears the filter
        assert_eq!(
            (q.filter(), q.visible_len(), q.selected_count()),
            ("", 5, 1)
        );
        q.handle_key(&Key::plain(KeyCode::Esc)); // then the selection
        assert_eq!(q.selected_count(), 0);
        assert_eq!(
            q.handle_key(&Key::plain(KeyCode::Esc)),
            QueueOutcome::Ignored
        );
        q.handle_key(&Key::ctrl('a'));
        assert_eq!(q.selected_count(), 5);
        assert_eq!(q.handle_key(&Key::char('x')), QueueOutcome::Ignored);
    }
}
