//! A local folder of a built site, served on an ephemeral loopback port so that it is crawled
//! exactly like the live site will be. Only files inside the folder are served: a symbolic link
//! that leads out of it (`passwd.html -> /etc/passwd`) answers 404.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::serve::ListenerExt;
use tokio::sync::oneshot;
use tower_http::services::ServeDir;
use url::Url;

use crate::error::Error;

/// A running folder server; it stops when dropped.
pub struct FolderServer {
    pub url: Url,
    pub root: PathBuf,
    stop: Option<oneshot::Sender<()>>,
}

impl FolderServer {
    pub async fn start(root: &Path) -> Result<FolderServer, Error> {
        if !root.is_dir() {
            return Err(Error::Target {
                target: root.display().to_string(),
                message: "not a folder".into(),
            });
        }
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .map_err(|e| Error::io(root, e))?;
        let addr = listener.local_addr().map_err(|e| Error::io(root, e))?;
        // Without TCP_NODELAY small responses wait for delayed ACKs: a folder scan ran 6× slower.
        let listener = listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        let canonical = root.canonicalize().map_err(|e| Error::io(root, e))?;
        let inside = canonical.clone();
        let app = axum::Router::new()
            .fallback_service(ServeDir::new(&canonical))
            .layer(axum::middleware::from_fn(
                move |request: Request, next: Next| {
                    let root = inside.clone();
                    async move { only_inside(&root, request, next).await }
                },
            ));
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let server = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = stopped.await;
            });
            if let Err(e) = server.await {
                tracing::error!("folder server: {e}");
            }
        });
        let url = Url::parse(&format!("http://{addr}/")).map_err(|e| Error::Target {
            target: root.display().to_string(),
            message: e.to_string(),
        })?;
        Ok(FolderServer {
            url,
            root: root.to_path_buf(),
            stop: Some(stop),
        })
    }
}

/// Pass the request on when the file it names (and, for a folder, its `index.html`) lies inside
/// `root` once symbolic links are resolved; else 404.
async fn only_inside(root: &Path, request: Request, next: Next) -> Response {
    let decoded = percent_encoding::percent_decode_str(request.uri().path()).decode_utf8_lossy();
    let mut path = root.to_path_buf();
    for segment in decoded.split('/').filter(|s| !s.is_empty() && *s != ".") {
        if segment == ".." || segment.contains('\\') {
            return StatusCode::NOT_FOUND.into_response();
        }
        path.push(segment);
    }
    let index = path.join("index.html");
    for candidate in [&path, &index] {
        match tokio::fs::canonicalize(candidate).await {
            Ok(real) if !real.starts_with(root) => {
                tracing::warn!(
                    "{}: leads out of the served folder, not served",
                    candidate.display()
                );
                return StatusCode::NOT_FOUND.into_response();
            }
            // Missing files are ServeDir's 404; a folder without index.html is its business too.
            _ => {}
        }
    }
    next.run(request).await
}

impl Drop for FolderServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
