//! The editor's process: `processId` in `initialize`. A server whose editor
//! died (crash, `kill -9`) would otherwise live on with stdin open forever.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

/// Polls `pid` every second; notifies `gone` once it no longer exists.
pub(crate) fn watch(pid: u32, gone: Arc<Notify>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            tick.tick().await;
            if !alive(pid) {
                eprintln!("flux-lsp: the editor (process {pid}) is gone; exiting");
                gone.notify_one();
                return;
            }
        }
    });
}

#[cfg(unix)]
fn alive(pid: u32) -> bool {
    // 0 and negative pids name process groups, not the editor: never exit on them.
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return true;
    };
    if pid <= 0 {
        return true;
    }
    // Signal 0 only checks existence; EPERM: it exists, under another user.
    // SAFETY: kill with signal 0 sends nothing and touches no memory.
    let exists = unsafe { libc::kill(pid, 0) } == 0;
    exists || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(not(unix))]
fn alive(_pid: u32) -> bool {
    true // no portable check without new dependencies: rely on `exit` and end of input
}
