//! Stop signals. Ctrl-C (SIGINT), SIGTERM (systemd, Kubernetes, CI cancellation, `timeout`) and
//! SIGHUP (a closed terminal or SSH session) all end a scan the same way: the crawl stops and
//! the report of what was scanned is written, marked `"interrupted": true`.

use tokio_util::sync::CancellationToken;

/// Cancel `cancel` on the first stop signal, saying so on stderr. The handlers are installed
/// before this returns; call it inside a tokio runtime.
pub fn cancel_on_stop_signals(cancel: CancellationToken) {
    let signals = StopSignals::install();
    tokio::spawn(async move {
        if let Some(name) = signals.first().await {
            cancel.cancel();
            // After a SIGHUP the terminal may be gone: a failed write must not panic the task.
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "\ninterrupted ({name}): finishing the report of what was scanned"
            );
        }
    });
}

#[cfg(unix)]
struct StopSignals(Option<[(tokio::signal::unix::Signal, &'static str); 3]>);

#[cfg(unix)]
impl StopSignals {
    fn install() -> StopSignals {
        use tokio::signal::unix::{SignalKind, signal};
        let handlers = (|| {
            Some([
                (signal(SignalKind::interrupt()).ok()?, "Ctrl-C"),
                (signal(SignalKind::terminate()).ok()?, "SIGTERM"),
                (signal(SignalKind::hangup()).ok()?, "SIGHUP"),
            ])
        })();
        if handlers.is_none() {
            tracing::warn!("stop signals cannot be handled: a stopped scan writes no report");
        }
        StopSignals(handlers)
    }

    /// The name of the first stop signal; `None` when no handler could be installed.
    async fn first(self) -> Option<&'static str> {
        let [(mut int, a), (mut term, b), (mut hup, c)] = self.0?;
        tokio::select! {
            Some(()) = int.recv() => Some(a),
            Some(()) = term.recv() => Some(b),
            Some(()) = hup.recv() => Some(c),
            else => None,
        }
    }
}

#[cfg(not(unix))]
struct StopSignals;

#[cfg(not(unix))]
impl StopSignals {
    fn install() -> StopSignals {
        StopSignals
    }

    async fn first(self) -> Option<&'static str> {
        tokio::signal::ctrl_c().await.ok().map(|()| "Ctrl-C")
    }
}
