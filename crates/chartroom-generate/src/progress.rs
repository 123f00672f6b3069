//! Progress reporting: a trait so the CLI draws an indicatif bar and tests pass nothing.

use indicatif::{ProgressBar, ProgressStyle};

/// Told how far the generator (or an import) has come, in patients.
pub trait Progress {
    /// Work starts; `total` patients will be written.
    fn begin(&self, total: u64);
    /// `done` more patients were committed.
    fn advance(&self, done: u64);
    /// All work is committed.
    fn finish(&self);
}

/// Reports nothing (tests, scripts).
#[derive(Clone, Copy, Debug, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn begin(&self, _total: u64) {}
    fn advance(&self, _done: u64) {}
    fn finish(&self) {}
}

/// A terminal progress bar (indicatif) on stderr, for the command line.
pub struct IndicatifProgress {
    bar: ProgressBar,
}

impl IndicatifProgress {
    /// A bar for `total` patients (`Progress::begin` may reset it).
    pub fn new(total: u64) -> Self {
        let bar = ProgressBar::new(total);
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} {msg} [{bar:40}] {pos}/{len} patients ({per_sec}, eta {eta})",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message("generating");
        IndicatifProgress { bar }
    }
}

impl Progress for IndicatifProgress {
    fn begin(&self, total: u64) {
        self.bar.set_length(total);
        self.bar.set_position(0);
    }
    fn advance(&self, done: u64) {
        self.bar.inc(done);
    }
    fn finish(&self) {
        self.bar.finish_with_message("done");
    }
}

impl IndicatifProgress {
    /// A bar over the bytes of a file being read, with its rate (access-log imports).
    pub fn bytes(total: u64, message: &'static str) -> Self {
        let bar = ProgressBar::new(total);
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} {msg} [{bar:40}] {bytes}/{total_bytes} ({bytes_per_sec}, eta {eta})",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(message);
        IndicatifProgress { bar }
    }

    /// Moves the bar to `position` (bytes read so far).
    pub fn set_position(&self, position: u64) {
        self.bar.set_position(position);
    }

    /// Removes the bar (the caller prints its own summary).
    pub fn clear(&self) {
        self.bar.finish_and_clear();
    }
}
