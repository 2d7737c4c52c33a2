//! Beacon nodes as child processes on loopback, for the process tests: start, restart on the
//! same datadir, SIGKILL, the JSON API, and the log for a failure message.
use super::{free_port, rainbow};
use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// `GET path` on the node's API; `None` when it does not answer (yet).
pub fn get(port: u16, path: &str) -> Option<(u16, Value)> {
    let (status, body) = get_raw(port, path)?;
    Some((status, serde_json::from_str(&body).unwrap_or(Value::Null)))
}

pub fn get_raw(port: u16, path: &str) -> Option<(u16, String)> {
    request(port, "GET", path, "")
}

pub fn request(port: u16, method: &str, path: &str, body: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status: u16 = response.split_whitespace().nth(1)?.parse().ok()?;
    let body = response.split_once("\r\n\r\n")?.1;
    Some((status, body.to_string()))
}

pub struct Node {
    pub name: &'static str,
    pub child: Option<Child>,
    pub http: u16,
    pub p2p: u16,
    pub datadir: PathBuf,
    pub log: PathBuf,
}

impl Node {
    pub fn start(name: &'static str, dir: &Path, keys: Option<&str>, peers: &[u16]) -> Node {
        let mut node = Node {
            name,
            child: None,
            http: free_port(),
            p2p: free_port(),
            datadir: dir.join(name),
            log: dir.join(format!("{name}.log")),
        };
        node.spawn(dir, keys, peers);
        node
    }

    pub fn spawn(&mut self, dir: &Path, keys: Option<&str>, peers: &[u16]) {
        let log = std::fs::OpenOptions::new().create(true).append(true).open(&self.log).unwrap();
        let mut cmd = rainbow();
        cmd.args(["beacon", "--genesis"])
            .arg(dir.join("genesis.yaml"))
            .arg("--config")
            .arg(dir.join("config.yaml"))
            .arg("--datadir")
            .arg(&self.datadir)
            .args([
                "--port",
                &self.p2p.to_string(),
                "--http-port",
                &self.http.to_string(),
                "--metrics",
                "--admin-api",
            ])
            .env("RUST_BACKTRACE", "1")
            .stdout(Stdio::null())
            .stderr(log);
        if let Some(keys) = keys {
            cmd.args(["--keys", keys]);
        }
        if !peers.is_empty() {
            let peers: Vec<String> =
                peers.iter().map(|p| format!("/ip4/127.0.0.1/tcp/{p}")).collect();
            cmd.args(["--peers", &peers.join(",")]);
        }
        self.child = Some(cmd.spawn().unwrap());
    }

    pub fn status(&self) -> Option<Value> {
        get(self.http, "/rainbow/v0/status").map(|(_, v)| v["data"].clone())
    }

    pub fn slot_of(&self, field: &str) -> u64 {
        self.status().and_then(|s| s[field].as_u64()).unwrap_or(0)
    }

    /// Waits until `check` holds, or fails with the node's log tail.
    pub fn wait(&self, what: &str, timeout: Duration, check: impl Fn(&Node) -> bool) {
        let start = Instant::now();
        while start.elapsed() < timeout {
            if check(self) {
                return;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(30).collect();
        panic!(
            "{}: timed out waiting for {what}; status {:?}\n{}",
            self.name,
            self.status(),
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        );
    }

    pub fn sigkill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().unwrap(); // SIGKILL on Unix
            child.wait().unwrap();
        }
    }

    /// Resident memory of the process (VmRSS), in KiB.
    pub fn rss_kib(&self) -> Option<u64> {
        let pid = self.child.as_ref()?.id();
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Fails the test if the node's log shows a panic (see [`super::assert_no_panic_in_logs`]).
    pub fn assert_no_panic(&self) {
        let log = self.log_text();
        if let Some(line) = log.lines().position(|l| l.contains("panicked at")) {
            let context: Vec<&str> = log.lines().skip(line.saturating_sub(2)).take(20).collect();
            panic!("{} panicked:\n{}", self.name, context.join("\n"));
        }
    }

    pub fn root_at(&self, slot: u64) -> Option<String> {
        let (code, v) = get(self.http, &format!("/eth/v1/beacon/headers/{slot}"))?;
        (code == 200).then(|| v["data"]["root"].as_str().unwrap_or_default().to_string())
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.sigkill();
    }
}
