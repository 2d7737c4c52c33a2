//! A minimal blocking HTTP/1.1 client for the node's API (`http://host:port` only): enough for
//! the CLI's JSON GETs and POSTs without pulling an HTTP client stack into the binary.
use anyhow::{bail, Context};
use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Api {
    host: String,
    port: u16,
}

impl Api {
    /// `http://127.0.0.1:5052` (a trailing slash is fine).
    pub fn new(url: &str) -> anyhow::Result<Self> {
        let rest = url
            .strip_prefix("http://")
            .with_context(|| format!("--node {url:?}: only http:// URLs are supported"))?;
        let rest = rest.trim_end_matches('/');
        let (host, port) = match rest.rsplit_once(':') {
            Some((h, p)) => {
                (h.to_string(), p.parse().with_context(|| format!("--node {url:?}: bad port"))?)
            }
            None => (rest.to_string(), 80),
        };
        Ok(Self { host, port })
    }

    fn request(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> anyhow::Result<(u16, Value)> {
        let mut stream =
            TcpStream::connect((self.host.as_str(), self.port)).with_context(|| {
                format!(
                    "cannot reach the beacon node at http://{}:{} (is it running? see --node)",
                    self.host, self.port
                )
            })?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            self.host,
            body.len()
        )?;
        let mut response = Vec::new();
        stream.read_to_end(&mut response)?;
        let text = String::from_utf8_lossy(&response);
        let (head, body) = text.split_once("\r\n\r\n").context("malformed HTTP response")?;
        let status: u16 = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .context("malformed HTTP status")?;
        let body = if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
            dechunk(body)
        } else {
            body.to_string()
        };
        Ok((status, serde_json::from_str(&body).unwrap_or(Value::Null)))
    }

    /// `GET path` → the JSON body of a 2xx, or the node's error message.
    pub fn get(&self, path: &str) -> anyhow::Result<Value> {
        let (status, value) = self.request("GET", path, None)?;
        check(status, value)
    }

    /// `GET path`, `None` on 404.
    pub fn get_optional(&self, path: &str) -> anyhow::Result<Option<Value>> {
        let (status, value) = self.request("GET", path, None)?;
        if status == 404 {
            return Ok(None);
        }
        check(status, value).map(Some)
    }

    pub fn post(&self, path: &str, body: &Value) -> anyhow::Result<Value> {
        let (status, value) = self.request("POST", path, Some(body))?;
        check(status, value)
    }
}

fn check(status: u16, value: Value) -> anyhow::Result<Value> {
    if (200..300).contains(&status) {
        return Ok(value);
    }
    let message = value["message"].as_str().unwrap_or("no message").to_string();
    bail!("the node answered {status}: {message}")
}

fn dechunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, tail)) = rest.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else { break };
        let (Some(chunk), Some(after)) = (tail.get(..n), tail.get(n..)) else { break };
        if n == 0 {
            break;
        }
        out.push_str(chunk);
        rest = after.trim_start_matches("\r\n");
    }
    out
}
