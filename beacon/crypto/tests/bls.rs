//! BLS behaviour of the Ethereum POP ciphersuite, with the edge cases consensus-specs pins down.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use rainbow_crypto::*;

fn keypairs(n: u64) -> Vec<Keypair> {
    (0..n).map(|i| interop_keypair(i).unwrap()).collect()
}

#[test]
fn sign_then_verify_and_reject_other_message_or_key() {
    let kps = keypairs(2);
    let sig = kps[0].sk.sign(b"rainbow");
    assert!(sig.verify(&kps[0].pk, b"rainbow"));
    assert!(!sig.verify(&kps[0].pk, b"rainbow!"));
    assert!(!sig.verify(&kps[1].pk, b"rainbow"));
}

#[test]
fn infinity_public_key_is_rejected_everywhere() {
    assert_eq!(PublicKey::deserialize(&INFINITY_PUBLIC_KEY), Err(BlsError::PublicKeyIsInfinity));
    let bytes = PublicKeyBytes::from(INFINITY_PUBLIC_KEY);
    assert_eq!(bytes.decompress(), Err(BlsError::PublicKeyIsInfinity));
    let mut cache = PublicKeyCache::new();
    assert!(cache.get_or_decompress(&bytes).is_err());
    assert!(cache.is_empty(), "a key that failed validation is not cached");
}

#[test]
fn malformed_points_are_rejected_with_a_reason() {
    // x = 0x0123… with the compression flag: not a valid x coordinate for a subgroup point.
    let not_in_g1 = "8123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    assert!(PublicKey::deserialize(&hex::decode(not_in_g1).unwrap()).is_err());
    // Missing compression flag.
    assert_eq!(PublicKey::deserialize(&[0u8; 48]), Err(BlsError::BadEncoding));
    assert_eq!(
        PublicKey::deserialize(&[0u8; 47]),
        Err(BlsError::InvalidByteLength { expected: 48, got: 47 })
    );
    assert!(Signature::deserialize(&[0u8; 96]).is_err());
    assert!(Signature::deserialize(&[0u8; 95]).is_err());
    // The infinity signature is a valid encoding and verifies against nothing.
    let inf = Signature::deserialize(&INFINITY_SIGNATURE).unwrap();
    assert!(inf.is_infinity());
    assert!(!inf.verify(&keypairs(1)[0].pk, b"m"));
}

#[test]
fn the_default_point_is_the_infinity_signature() {
    let inf = Signature::infinity();
    assert_eq!(inf.serialize(), INFINITY_SIGNATURE);
    assert!(inf.is_infinity());
    assert_eq!(Signature::deserialize(&INFINITY_SIGNATURE).unwrap().serialize(), inf.serialize());
    assert!(!keypairs(1)[0].sk.sign(b"m").is_infinity());
}

#[test]
fn fast_aggregate_verify_and_its_eth_variant() {
    let kps = keypairs(3);
    let msg = [7u8; 32];
    let sigs: Vec<Signature> = kps.iter().map(|kp| kp.sk.sign(&msg)).collect();
    let agg = aggregate_signatures(&sigs.iter().collect::<Vec<_>>()).unwrap();
    let pks: Vec<&PublicKey> = kps.iter().map(|kp| &kp.pk).collect();
    assert!(agg.fast_aggregate_verify(&pks, &msg));
    assert!(!agg.fast_aggregate_verify(&pks[..2], &msg));
    assert!(!agg.fast_aggregate_verify(&[], &msg), "an empty key set verifies nothing");
    assert!(eth_fast_aggregate_verify(&pks, &msg, &agg));
    assert!(eth_fast_aggregate_verify(&[], &msg, &Signature::infinity()));
    assert!(!eth_fast_aggregate_verify(&[], &msg, &agg));
    assert!(!Signature::infinity().fast_aggregate_verify(&[], &msg));
    // A repeated key counts once per occurrence: the signature must be added as often.
    let twice = aggregate_signatures(&[&sigs[0], &sigs[0]]).unwrap();
    assert!(twice.fast_aggregate_verify(&[pks[0], pks[0]], &msg));
    assert!(!sigs[0].fast_aggregate_verify(&[pks[0], pks[0]], &msg));
}

#[test]
fn aggregate_verify_over_distinct_and_repeated_messages() {
    let kps = keypairs(3);
    let msgs: [&[u8]; 3] = [b"a", b"b", b"a"];
    let sigs: Vec<Signature> = kps.iter().zip(msgs).map(|(kp, m)| kp.sk.sign(m)).collect();
    let agg = aggregate_signatures(&sigs.iter().collect::<Vec<_>>()).unwrap();
    let pks: Vec<&PublicKey> = kps.iter().map(|kp| &kp.pk).collect();
    assert!(agg.aggregate_verify(&pks, &msgs));
    assert!(!agg.aggregate_verify(&pks, &[b"a", b"b", b"c"]));
    assert!(!agg.aggregate_verify(&pks[..2], &msgs), "lengths must match");
    assert!(!agg.aggregate_verify(&[], &[]), "an empty key set verifies nothing");
}

#[test]
fn aggregation_refuses_empty_input() {
    assert_eq!(aggregate_signatures(&[]), Err(BlsError::EmptySignatureSet));
    assert_eq!(eth_aggregate_pubkeys(&[]), Err(BlsError::EmptyPublicKeySet));
    let kps = keypairs(2);
    let sum = eth_aggregate_pubkeys(&[&kps[0].pk, &kps[1].pk]).unwrap().decompress().unwrap();
    let msg = [1u8; 32];
    let agg = aggregate_signatures(&[&kps[0].sk.sign(&msg), &kps[1].sk.sign(&msg)]).unwrap();
    assert!(agg.verify(&sum, &msg));
}

#[test]
fn batch_verification_accepts_valid_and_catches_one_bad_set() {
    let kps = keypairs(4);
    let mut sets: Vec<SignatureSet> = kps
        .iter()
        .enumerate()
        .map(|(i, kp)| {
            let msg = [i as u8; 32];
            SignatureSet::single_pubkey(kp.sk.sign(&msg), kp.pk, msg)
        })
        .collect();
    let msg = [9u8; 32];
    let agg = aggregate_signatures(&[&kps[0].sk.sign(&msg), &kps[1].sk.sign(&msg)]).unwrap();
    sets.push(SignatureSet::multiple_pubkeys(agg, &[&kps[0].pk, &kps[1].pk], msg).unwrap());
    assert!(verify_signature_sets(&sets));
    assert!(sets.iter().all(SignatureSet::verify));

    let mut bad = sets.clone();
    bad[2].message = [0xff; 32];
    assert!(!verify_signature_sets(&bad));
    assert!(!verify_signature_sets(&[]), "an empty batch verifies nothing");
    assert!(SignatureSet::multiple_pubkeys(Signature::infinity(), &[], msg).is_err());
}

#[test]
fn compressed_bytes_round_trip_and_cache() {
    let kp = &keypairs(1)[0];
    let bytes = kp.pk.compress();
    assert_eq!(bytes.decompress().unwrap(), kp.pk);
    let parsed: PublicKeyBytes = bytes.to_string().parse().unwrap();
    assert_eq!(parsed, bytes);
    let mut cache = PublicKeyCache::new();
    assert_eq!(cache.get_or_decompress(&bytes).unwrap(), kp.pk);
    assert_eq!(cache.len(), 1);
    assert_eq!(cache.get(&bytes), Some(&kp.pk));
    let sig = kp.sk.sign(b"x").compress();
    assert_eq!(sig.decompress().unwrap(), kp.sk.sign(b"x"));
    assert!("0x1234".parse::<SignatureBytes>().is_err());
}

#[test]
fn secret_key_parsing_refuses_zero_and_out_of_range() {
    assert_eq!(SecretKey::deserialize(&[0u8; 32]), Err(BlsError::InvalidSecretKey));
    assert_eq!(SecretKey::deserialize(&[0xffu8; 32]), Err(BlsError::InvalidSecretKey));
    let sk = SecretKey::random();
    assert_eq!(SecretKey::deserialize(sk.serialize().as_ref()).unwrap(), sk);
    assert!(!format!("{sk:?}").contains(&hex::encode(sk.serialize().as_ref())));
}

#[test]
fn interop_keys_match_the_published_mock_keys() {
    let expected = [
        (
            "25295f0d1d592a90b333e26e85149708208e9f8e8bc18f6c77bd62f8ad7a6866",
            "a99a76ed7796f7be22d5b7e85deeb7c5677e88e511e0b337618f8c4eb61349b4bf2d153f649f7b53359fe8b94a38e44c",
        ),
        (
            "51d0b65185db6989ab0b560d6deed19c7ead0e24b9b6372cbecb1f26bdfad000",
            "b89bebc699769726a318c8e9971bd3171297c61aea4a6578a7a4f94b547dcba5bac16a89108b6b6a1fe3695d1a874a0b",
        ),
    ];
    for (i, (sk, pk)) in expected.iter().enumerate() {
        let kp = interop_keypair(i as u64).unwrap();
        assert_eq!(hex::encode(kp.sk.serialize().as_ref()), *sk, "secret key {i}");
        assert_eq!(hex::encode(kp.pk.serialize()), *pk, "public key {i}");
    }
}
