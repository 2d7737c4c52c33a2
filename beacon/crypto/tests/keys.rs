//! EIP-2333 derivation and EIP-2335 keystores against the EIPs' own test vectors.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use rainbow_crypto::keystore::{self, Kdf, Keystore, KeystoreError};
use rainbow_crypto::*;

/// Big-endian bytes of a decimal integer (the EIP-2333 vectors are written in decimal).
fn decimal_to_be32(decimal: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    for digit in decimal.bytes() {
        let mut carry = u32::from(digit - b'0');
        for byte in out.iter_mut().rev() {
            let v = u32::from(*byte) * 10 + carry;
            *byte = (v & 0xff) as u8;
            carry = v >> 8;
        }
        assert_eq!(carry, 0, "overflow");
    }
    out
}

#[test]
fn eip2333_test_case_0() {
    let seed = hex::decode("c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04").unwrap();
    let master = derive_master_sk(&seed).unwrap();
    assert_eq!(
        *master.serialize(),
        decimal_to_be32(
            "6083874454709270928345386274498605044986640685124978867557563392430687146096"
        )
    );
    let child = derive_child_sk(&master, 0);
    assert_eq!(
        *child.serialize(),
        decimal_to_be32(
            "20397789859736650942317412262472558107875392172444076792671091975210932703118"
        )
    );
}

#[test]
fn eip2333_test_case_1_and_paths() {
    let seed =
        hex::decode("3141592653589793238462643383279502884197169399375105820974944592").unwrap();
    let master = derive_master_sk(&seed).unwrap();
    assert_eq!(
        *master.serialize(),
        decimal_to_be32(
            "29757020647961307431480504535336562678282505419141012933316116377660817309383"
        )
    );
    let child = derive_child_sk(&master, 3141592653);
    assert_eq!(
        *child.serialize(),
        decimal_to_be32(
            "25457201688850691947727629385191704516744796114925897962676248250929345014287"
        )
    );
    assert_eq!(derive_path(&seed, "m/3141592653").unwrap(), child);
    assert_eq!(parse_path("m/12381/3600/0/0/0").unwrap(), vec![12381, 3600, 0, 0, 0]);
    assert!(parse_path("12381/3600").is_err());
    assert!(parse_path("m/4294967296").is_err());
    assert!(matches!(derive_master_sk(&[0u8; 31]), Err(KeyDerivationError::SeedTooShort(31))));
}

const PASSWORD: &str = "\u{1d531}\u{1d522}\u{1d530}\u{1d531}\u{1d52d}\u{1d51e}\u{1d530}\u{1d530}\u{1d534}\u{1d52c}\u{1d52f}\u{1d521}\u{1f511}";
const SECRET: &str = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f";
const SALT: &str = "d4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3";
const IV: &str = "264daa3f303d7259501c93d997d84fe6";

fn vector(
    kdf_function: &str,
    kdf_params: &str,
    checksum: &str,
    cipher: &str,
    path: &str,
    uuid: &str,
) -> String {
    format!(
        r#"{{"crypto":{{"kdf":{{"function":"{kdf_function}","params":{kdf_params},"message":""}},
        "checksum":{{"function":"sha256","params":{{}},"message":"{checksum}"}},
        "cipher":{{"function":"aes-128-ctr","params":{{"iv":"{IV}"}},"message":"{cipher}"}}}},
        "description":"EIP-2335 test vector",
        "pubkey":"9612d7a727c9d0a22e185a1c768478dfe919cada9266988cb32359c11f2b7b27f4ae4040902382ae2910c15e2b420d07",
        "path":"{path}","uuid":"{uuid}","version":4}}"#
    )
}

fn scrypt_vector() -> String {
    vector(
        "scrypt",
        &format!(r#"{{"dklen":32,"n":262144,"p":1,"r":8,"salt":"{SALT}"}}"#),
        "d2217fe5f3e9a1e34581ef8a78f7c9928e436d36dacc5e846690a5581e8ea484",
        "06ae90d55fe0a6e9c5c3bc5b170827b2e5cce3929ed3f116c2811e6366dfe20f",
        "m/12381/60/3141592653/589793238",
        "1d85ae20-35c5-4611-98e8-aa14a633906f",
    )
}

fn pbkdf2_vector() -> String {
    vector(
        "pbkdf2",
        &format!(r#"{{"dklen":32,"c":262144,"prf":"hmac-sha256","salt":"{SALT}"}}"#),
        "8a9f5d9912ed7e75ea794bc5a89bca5f193721d30868ade6f73043c6ea6febf1",
        "cee03fde2af33149775b7223e7845e4fb2c8ae1792e5f99fe9ecf474cc8c16ad",
        "m/12381/60/0/0",
        "64625def-3331-4eea-ab6f-782f3ed16a83",
    )
}

#[test]
fn password_processing_follows_the_eip() {
    assert_eq!(
        hex::encode(&*keystore::process_password(PASSWORD)),
        "7465737470617373776f7264f09f9491"
    );
    assert_eq!(&*keystore::process_password("pass\u{7f}wo\u{0}rd\u{85}\n"), b"password");
}

#[test]
fn eip2335_vectors_decrypt() {
    for json in [scrypt_vector(), pbkdf2_vector()] {
        let ks = Keystore::from_json_str(&json).unwrap();
        let sk = ks.decrypt(PASSWORD).unwrap();
        assert_eq!(hex::encode(sk.serialize().as_ref()), SECRET);
        assert_eq!(ks.decrypt("testpassword"), Err(KeystoreError::WrongPassword));
    }
}

#[test]
fn encryption_reproduces_the_eip_vectors() {
    let sk = SecretKey::deserialize(&hex::decode(SECRET).unwrap()).unwrap();
    let salt = hex::decode(SALT).unwrap();
    let iv: [u8; 16] = hex::decode(IV).unwrap().try_into().unwrap();
    for (kdf, json) in
        [(Kdf::scrypt_default(), scrypt_vector()), (Kdf::pbkdf2_default(), pbkdf2_vector())]
    {
        let expected = Keystore::from_json_str(&json).unwrap();
        let made = keystore::encrypt_with(
            &sk,
            PASSWORD,
            kdf,
            &salt,
            &iv,
            &expected.uuid,
            &expected.path,
            None,
        )
        .unwrap();
        assert_eq!(made.crypto.checksum.message, expected.crypto.checksum.message);
        assert_eq!(made.crypto.cipher.message, expected.crypto.cipher.message);
        assert_eq!(made.crypto.kdf, expected.crypto.kdf);
        assert_eq!(made.pubkey, expected.pubkey);
    }
}

#[test]
fn errors_name_what_is_wrong() {
    let unsupported_kdf =
        scrypt_vector().replace(r#""function":"scrypt""#, r#""function":"argon2""#);
    assert_eq!(
        Keystore::from_json_str(&unsupported_kdf).unwrap().decrypt(PASSWORD),
        Err(KeystoreError::UnsupportedKdf("argon2".into()))
    );
    let bad_checksum = scrypt_vector().replace("d2217fe5f3e9", "zz217fe5f3e9");
    assert!(matches!(
        Keystore::from_json_str(&bad_checksum).unwrap().decrypt(PASSWORD),
        Err(KeystoreError::BadChecksum(_))
    ));
    let huge_n = scrypt_vector().replace(r#""n":262144"#, r#""n":1073741824"#);
    assert!(matches!(
        Keystore::from_json_str(&huge_n).unwrap().decrypt(PASSWORD),
        Err(KeystoreError::InvalidParameter { field: "n", .. })
    ));
    let bad_cipher = pbkdf2_vector().replace("aes-128-ctr", "aes-256-gcm");
    assert_eq!(
        Keystore::from_json_str(&bad_cipher).unwrap().decrypt(PASSWORD),
        Err(KeystoreError::UnsupportedCipher("aes-256-gcm".into()))
    );
    assert!(matches!(Keystore::from_json_str("{not json"), Err(KeystoreError::InvalidJson(_))));
    let v3 = scrypt_vector().replace(r#""version":4"#, r#""version":3"#);
    assert_eq!(Keystore::from_json_str(&v3), Err(KeystoreError::UnsupportedVersion(3)));
}

#[test]
fn random_keystores_round_trip() {
    let sk = SecretKey::random();
    for kdf in [Kdf::Scrypt { log_n: 10, r: 8, p: 1 }, Kdf::Pbkdf2 { c: 1024 }] {
        let ks = keystore::encrypt(&sk, "correct horse", kdf, "m/12381/3600/0/0/0", None).unwrap();
        let reread = Keystore::from_json_str(&ks.to_json_string().unwrap()).unwrap();
        assert_eq!(reread.decrypt("correct horse").unwrap(), sk);
        assert_eq!(reread.decrypt("correct horse!"), Err(KeystoreError::WrongPassword));
    }
}
