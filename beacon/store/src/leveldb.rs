//! The LevelDB backend: `rusty-leveldb` (pure Rust). Its handle is single-threaded (`Rc`
//! inside), so one thread owns the database and serves requests sent over a channel; the store
//! handle is `Send + Sync` and cheap to share.
use crate::kv::{Batch, BatchOp, Column, Entries, KeyValueStore, StoreError};
use parking_lot::Mutex;
use rusty_leveldb::{LdbIterator, Options, WriteBatch, DB};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread::JoinHandle;

type Reply<T> = mpsc::SyncSender<Result<T, StoreError>>;

enum Request {
    Get(Vec<u8>, Reply<Option<Vec<u8>>>),
    Write(Batch, Reply<()>),
    Entries(u8, Reply<Entries>),
    Close(Reply<()>),
}

/// A LevelDB database in a directory.
#[derive(Debug)]
pub struct LevelDbStore {
    path: PathBuf,
    requests: Mutex<Option<mpsc::Sender<Request>>>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

fn backend(e: rusty_leveldb::Status) -> StoreError {
    StoreError::Backend(format!("{:?}: {}", e.code, e.err))
}

impl LevelDbStore {
    /// Opens (creating if missing) the database in `path`. Fails when another process holds it.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(path).map_err(|e| StoreError::Open {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        let (opened_tx, opened_rx) = mpsc::sync_channel::<Result<(), StoreError>>(1);
        let (tx, rx) = mpsc::channel::<Request>();
        let owned = path.to_path_buf();
        let thread = std::thread::Builder::new()
            .name("leveldb".into())
            .spawn(move || {
                let options = Options { create_if_missing: true, ..Options::default() };
                let mut db = match DB::open(&owned, options) {
                    Ok(db) => {
                        let _ = opened_tx.send(Ok(()));
                        db
                    }
                    Err(e) => {
                        let _ = opened_tx.send(Err(StoreError::Open {
                            path: owned.display().to_string(),
                            reason: e.err,
                        }));
                        return;
                    }
                };
                serve(&mut db, rx);
            })
            .map_err(|e| StoreError::Backend(format!("cannot start the store thread: {e}")))?;
        match opened_rx.recv() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                let _ = thread.join();
                return Err(e);
            }
            Err(_) => return Err(StoreError::Closed),
        }
        Ok(Self {
            path: path.to_path_buf(),
            requests: Mutex::new(Some(tx)),
            thread: Mutex::new(Some(thread)),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn call<T>(&self, make: impl FnOnce(Reply<T>) -> Request) -> Result<T, StoreError> {
        let (reply, receive) = mpsc::sync_channel(1);
        {
            let guard = self.requests.lock();
            let sender = guard.as_ref().ok_or(StoreError::Closed)?;
            sender.send(make(reply)).map_err(|_| StoreError::Closed)?;
        }
        receive.recv().map_err(|_| StoreError::Closed)?
    }

    /// Flushes and releases the database (also done on drop).
    pub fn close(&self) -> Result<(), StoreError> {
        let result = match self.call(Request::Close) {
            Err(StoreError::Closed) => Ok(()),
            other => other,
        };
        self.requests.lock().take();
        if let Some(thread) = self.thread.lock().take() {
            let _ = thread.join();
        }
        result
    }
}

impl Drop for LevelDbStore {
    fn drop(&mut self) {
        let _ = self.close();
    }
}

fn serve(db: &mut DB, requests: mpsc::Receiver<Request>) {
    while let Ok(request) = requests.recv() {
        match request {
            Request::Get(key, reply) => {
                let _ = reply.send(Ok(db.get(&key)));
            }
            Request::Write(batch, reply) => {
                let mut wb = WriteBatch::default();
                for op in &batch.ops {
                    match op {
                        BatchOp::Put { column, key, value } => wb.put(&column.key(key), value),
                        BatchOp::Delete { column, key } => wb.delete(&column.key(key)),
                    }
                }
                let _ = reply.send(db.write(wb, true).map_err(backend));
            }
            Request::Entries(prefix, reply) => {
                let _ = reply.send(entries(db, prefix));
            }
            Request::Close(reply) => {
                let _ = reply.send(db.close().map_err(backend));
                return;
            }
        }
    }
    let _ = db.close();
}

fn entries(db: &mut DB, prefix: u8) -> Result<Entries, StoreError> {
    let mut iter = db.new_iter().map_err(backend)?;
    iter.seek(&[prefix]);
    let mut out = Vec::new();
    let (mut key, mut value) = (Vec::new(), Vec::new());
    while iter.valid() {
        if !iter.current(&mut key, &mut value) || key.first() != Some(&prefix) {
            break;
        }
        out.push((key.get(1..).unwrap_or_default().to_vec(), value.clone()));
        if !iter.advance() {
            break;
        }
    }
    Ok(out)
}

impl KeyValueStore for LevelDbStore {
    fn get(&self, column: Column, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        let key = column.key(key);
        self.call(|reply| Request::Get(key, reply))
    }

    fn write(&self, batch: Batch) -> Result<(), StoreError> {
        self.call(|reply| Request::Write(batch, reply))
    }

    fn entries(&self, column: Column) -> Result<Entries, StoreError> {
        self.call(|reply| Request::Entries(column.prefix(), reply))
    }
}
