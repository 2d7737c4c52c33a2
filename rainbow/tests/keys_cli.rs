//! `rainbow keys` as a user runs it: the real binary, real files.
use std::path::Path;
use std::process::{Command, Output};

fn rainbow(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rainbow")).args(args).output().expect("run rainbow")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn interop_prints_one_json_object_per_line() {
    let out = rainbow(&["keys", "interop", "--count", "3"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<serde_json::Value> =
        stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["index"], 0);
    assert_eq!(
        lines[0]["secret_key"],
        "0x25295f0d1d592a90b333e26e85149708208e9f8e8bc18f6c77bd62f8ad7a6866"
    );
    assert_eq!(
        lines[0]["pubkey"],
        "0xa99a76ed7796f7be22d5b7e85deeb7c5677e88e511e0b337618f8c4eb61349b4bf2d153f649f7b53359fe8b94a38e44c"
    );
    assert_eq!(lines[2]["index"], 2);
    let shifted = rainbow(&["keys", "interop", "--count", "1", "--start", "2"]);
    assert_eq!(stdout(&shifted).trim(), serde_json::to_string(&lines[2]).unwrap());
}

#[test]
fn keystore_create_then_decrypt_and_refusals() {
    let dir = tempfile::tempdir().unwrap();
    let ks = dir.path().join("keystore.json");
    let pw = dir.path().join("password.txt");
    std::fs::write(&pw, "correct horse battery staple\n").unwrap();

    let created = rainbow(&[
        "keys",
        "keystore",
        "create",
        "--out",
        path(&ks),
        "--password-file",
        path(&pw),
        "--interop-index",
        "5",
        "--kdf",
        "pbkdf2",
        "--path",
        "m/12381/3600/5/0/0",
    ]);
    assert!(created.status.success(), "{}", stderr(&created));
    let report: serde_json::Value = serde_json::from_str(stdout(&created).trim()).unwrap();
    let interop = rainbow(&["keys", "interop", "--start", "5"]);
    let expected: serde_json::Value = serde_json::from_str(stdout(&interop).trim()).unwrap();
    assert_eq!(report["pubkey"], expected["pubkey"]);

    let decrypted = rainbow(&[
        "keys",
        "keystore",
        "decrypt",
        "--keystore",
        path(&ks),
        "--password-file",
        path(&pw),
    ]);
    assert!(decrypted.status.success(), "{}", stderr(&decrypted));
    assert_eq!(stdout(&decrypted).trim(), expected["secret_key"].as_str().unwrap());

    // Refuses to overwrite.
    let again =
        rainbow(&["keys", "keystore", "create", "--out", path(&ks), "--password-file", path(&pw)]);
    assert!(!again.status.success());
    assert!(stderr(&again).contains("--force"), "{}", stderr(&again));

    // Wrong password.
    let wrong = dir.path().join("wrong.txt");
    std::fs::write(&wrong, "battery staple").unwrap();
    let out = rainbow(&[
        "keys",
        "keystore",
        "decrypt",
        "--keystore",
        path(&ks),
        "--password-file",
        path(&wrong),
    ]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("wrong password"), "{}", stderr(&out));
    assert!(out.stdout.is_empty());

    // Unsupported KDF and a corrupted checksum.
    let json = std::fs::read_to_string(&ks).unwrap();
    let argon = dir.path().join("argon.json");
    std::fs::write(&argon, json.replace("\"pbkdf2\"", "\"argon2id\"")).unwrap();
    let out = rainbow(&[
        "keys",
        "keystore",
        "decrypt",
        "--keystore",
        path(&argon),
        "--password-file",
        path(&pw),
    ]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("unsupported key derivation function \"argon2id\""),
        "{}",
        stderr(&out)
    );

    let keystore: serde_json::Value = serde_json::from_str(&json).unwrap();
    let checksum = keystore["crypto"]["checksum"]["message"].as_str().unwrap().to_string();
    let bad = dir.path().join("bad-checksum.json");
    std::fs::write(&bad, json.replace(&checksum, "not-hex")).unwrap();
    let out = rainbow(&[
        "keys",
        "keystore",
        "decrypt",
        "--keystore",
        path(&bad),
        "--password-file",
        path(&pw),
    ]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("bad checksum"), "{}", stderr(&out));

    // Missing files say which file.
    let out = rainbow(&[
        "keys",
        "keystore",
        "decrypt",
        "--keystore",
        "/nonexistent/ks.json",
        "--password-file",
        path(&pw),
    ]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("/nonexistent/ks.json"), "{}", stderr(&out));
}

#[test]
fn random_keystore_with_scrypt_decrypts() {
    let dir = tempfile::tempdir().unwrap();
    let ks = dir.path().join("random.json");
    let pw = dir.path().join("pw");
    std::fs::write(&pw, "s3cret").unwrap();
    let created =
        rainbow(&["keys", "keystore", "create", "--out", path(&ks), "--password-file", path(&pw)]);
    assert!(created.status.success(), "{}", stderr(&created));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&ks).unwrap()).unwrap();
    assert_eq!(json["crypto"]["kdf"]["function"], "scrypt");
    assert_eq!(json["version"], 4);
    let decrypted = rainbow(&[
        "keys",
        "keystore",
        "decrypt",
        "--keystore",
        path(&ks),
        "--password-file",
        path(&pw),
    ]);
    assert!(decrypted.status.success(), "{}", stderr(&decrypted));
    assert_eq!(stdout(&decrypted).trim().len(), 66);
}

#[test]
fn closed_pipe_is_not_a_crash() {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_rainbow"))
        .args(["keys", "interop", "--count", "100000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 64];
    child.stdout.as_mut().unwrap().read_exact(&mut first).unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    assert!(!err.contains("panicked"), "{err}");
    assert!(status.success(), "exit {status:?}: {err}");
}
