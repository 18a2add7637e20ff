//! A progress bar on stderr for long runs: only when stderr is a terminal,
//! and only once the run has taken more than 300 ms (short runs stay quiet).

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

const DELAY: Duration = Duration::from_millis(300);

pub struct Progress {
    bar: Option<ProgressBar>,
    started: Instant,
    shown: AtomicBool,
}

impl Progress {
    pub fn new(started: Instant) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::hidden());
            bar.set_style(
                ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} files ({per_sec})")
                    .expect("valid template")
                    .progress_chars("=> "),
            );
            bar
        });
        Progress {
            bar,
            started,
            shown: AtomicBool::new(false),
        }
    }

    pub fn set_total(&self, n: usize) {
        if let Some(bar) = &self.bar {
            bar.set_length(n as u64);
        }
    }

    pub fn inc(&self, n: usize) {
        let Some(bar) = &self.bar else { return };
        bar.inc(n as u64);
        if self.started.elapsed() > DELAY && !self.shown.swap(true, Ordering::Relaxed) {
            bar.set_draw_target(ProgressDrawTarget::stderr());
            bar.enable_steady_tick(Duration::from_millis(120));
        }
    }

    /// Clears the bar so the summary line stands alone.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
