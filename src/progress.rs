//! The progress bar on stderr (only when stderr is a terminal).

use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

#[derive(Clone)]
pub struct Bar(ProgressBar);

impl Bar {
    pub fn new() -> Bar {
        let bar = ProgressBar::new_spinner();
        let style = ProgressStyle::with_template("{spinner} {pos} pages · {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        bar.set_style(style);
        bar.enable_steady_tick(Duration::from_millis(120));
        Bar(bar)
    }

    pub fn finish(&self) {
        self.0.finish_and_clear();
    }
}

impl trackaudit::crawl::Progress for Bar {
    fn page_done(&self, url: &str, done: usize, queued: usize) {
        self.0.set_position(done as u64);
        self.0.set_message(format!("{queued} queued · {url}"));
    }
}
