#!/usr/bin/env python3
"""Independent generator of consensus-spec-tests style vectors for BLS and shuffling.

The expected outputs come from py_ecc (`G2ProofOfPossession`, the Ethereum ciphersuite
BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_) and from a transcription of the phase0
`compute_shuffled_index` pseudocode, not from this repository's Rust code, so the Rust
runner can be checked against an implementation that shares no code with it.

Layout written under --out DIR (one directory per case, as consensus-spec-tests does):

  DIR/tests/general/phase0/bls/<handler>/bls/<case>/data.yaml
      sign, verify, aggregate, fast_aggregate_verify, aggregate_verify,
      batch_verify, deserialization_G1, deserialization_G2
  DIR/tests/general/altair/bls/<handler>/bls/<case>/data.yaml
      eth_aggregate_pubkeys, eth_fast_aggregate_verify
  DIR/tests/<preset>/phase0/shuffling/core/shuffle/shuffle_0x<seed>_<count>/mapping.yaml
      preset minimal (SHUFFLE_ROUND_COUNT = 10) and mainnet (90)

Every data.yaml has `input:` and `output:`; `output: null` means the input is invalid
(the operation must fail). Byte strings are 0x-prefixed lowercase hex.

The output is deterministic: no randomness, keys sorted, a fixed YAML emitter.
"""

import argparse
import hashlib
import os
import shutil
import sys

from py_ecc.bls import G2ProofOfPossession as bls
from py_ecc.bls.g2_primitives import G1_to_pubkey, G2_to_signature, signature_to_G2, subgroup_check
from py_ecc.bls.hash import os2ip
from py_ecc.bls.hash_to_curve import hash_to_G2
from py_ecc.bls.point_compression import decompress_G1, decompress_G2
from py_ecc.optimized_bls12_381 import G1, add, curve_order, field_modulus, multiply, neg

P = field_modulus
R = curve_order

###############################################################################
# Helpers
###############################################################################


def h(b: bytes) -> bytes:
    return hashlib.sha256(b).digest()


def hx(b: bytes) -> str:
    return "0x" + b.hex()


def sk_hex(sk: int) -> str:
    return hx(sk.to_bytes(32, "big"))


def short_id(*parts: str) -> str:
    """A stable 8-byte tag for case names built from the case's inputs."""
    return h("_".join(parts).encode("utf-8"))[:8].hex()


def g1_deserializes(b: bytes) -> bool:
    """A 48-byte compressed G1 encoding that decodes to a point of G1 (infinity included)."""
    if len(b) != 48:
        return False
    try:
        pt = decompress_G1(os2ip(b))
    except (ValueError, AssertionError):
        return False
    return subgroup_check(pt)


def g2_deserializes(b: bytes) -> bool:
    """A 96-byte compressed G2 encoding that decodes to a point of G2 (infinity included)."""
    if len(b) != 96:
        return False
    try:
        pt = decompress_G2((os2ip(b[:48]), os2ip(b[48:])))
    except (ValueError, AssertionError):
        return False
    return subgroup_check(pt)


def sign_or_none(sk, msg):
    try:
        return bls.Sign(sk, msg)
    except Exception:
        return None


def aggregate_or_none(sigs):
    try:
        return bls.Aggregate(sigs)
    except Exception:
        return None


def eth_aggregate_pubkeys(pubkeys):
    """altair `eth_aggregate_pubkeys`: non-empty, every key passes KeyValidate, then sum."""
    if len(pubkeys) == 0:
        return None
    if not all(bls.KeyValidate(pk) for pk in pubkeys):
        return None
    return bls._AggregatePKs(pubkeys)


def eth_fast_aggregate_verify(pubkeys, message, signature):
    """altair `eth_fast_aggregate_verify`."""
    if len(pubkeys) == 0 and signature == G2_POINT_AT_INFINITY:
        return True
    return bls.FastAggregateVerify(pubkeys, message, signature)


def batch_verify(pubkeys, messages, signatures):
    """What a batch verifier must decide: every (pubkey, message, signature) set verifies."""
    if not (len(pubkeys) == len(messages) == len(signatures)) or len(pubkeys) == 0:
        return False
    return all(bls.Verify(pk, m, s) for pk, m, s in zip(pubkeys, messages, signatures))


def g1_x_encoding(x: int, flags: int = 0x80) -> bytes:
    b = bytearray(x.to_bytes(48, "big"))
    b[0] |= flags
    return bytes(b)


def find_g1_encoding(tag: bytes, want_on_curve: bool) -> bytes:
    """First x (derived from sha256(tag || i)) whose compressed encoding is on E(Fp) but not
    in G1 (want_on_curve) or not on the curve at all (not want_on_curve)."""
    i = 0
    while True:
        x = int.from_bytes(h(tag + i.to_bytes(4, "big")) + h(tag + b"/" + i.to_bytes(4, "big"))[:16], "big") % P
        enc = g1_x_encoding(x)
        try:
            pt = decompress_G1(os2ip(enc))
            on_curve = True
        except ValueError:
            on_curve = False
        if want_on_curve and on_curve and not subgroup_check(pt):
            return enc
        if not want_on_curve and not on_curve:
            return enc
        i += 1


def find_g2_encoding(tag: bytes, want_on_curve: bool) -> bytes:
    """As find_g1_encoding, on the twist E'(Fp2) / G2."""
    i = 0
    while True:
        seed = h(tag + i.to_bytes(4, "big"))
        x_im = int.from_bytes(seed + h(seed)[:16], "big") % P
        x_re = int.from_bytes(h(seed + b"re") + h(seed + b"re2")[:16], "big") % P
        enc = g1_x_encoding(x_im) + x_re.to_bytes(48, "big")
        try:
            pt = decompress_G2((os2ip(enc[:48]), os2ip(enc[48:])))
            on_curve = True
        except ValueError:
            on_curve = False
        if want_on_curve and on_curve and not subgroup_check(pt):
            return enc
        if not want_on_curve and not on_curve:
            return enc
        i += 1


###############################################################################
# Fixed inputs
###############################################################################

MESSAGES = [b"\x00" * 32, b"\x56" * 32, b"\xab" * 32]
SAMPLE_MESSAGE = b"\x12" * 32

# The three fixed secret keys the official generators use.
PRIVKEYS = [
    0x263DBD792F5B1BE47ED85F8938C0F29586AF0D3AC7B977F21C278FE1462040E3,
    0x47B8192D77BF871B62E87859D653922725724A5C031AFEABC60BCEF5FF665138,
    0x328388AFF0D4A5B7DC9205ABD374E7E98F3CD9F3418EDB4EAFDA5FB16473D216,
]
PUBKEYS = [bls.SkToPk(sk) for sk in PRIVKEYS]

ZERO_PUBKEY = b"\x00" * 48
G1_POINT_AT_INFINITY = b"\xc0" + b"\x00" * 47
ZERO_SIGNATURE = b"\x00" * 96
G2_POINT_AT_INFINITY = b"\xc0" + b"\x00" * 95

# Known answers copied from the official vectors (ethereum/bls12-381-tests v0.1.2
# batch_verify_valid_simple_signature_set and fast_aggregate_verify_valid_*): a check
# that py_ecc here computes the same thing as the generator the official vectors came from.
KNOWN_ANSWERS = {
    "pubkey0": "0xa491d1b0ecd9bb917989f0e74f0dea0422eac4a873e5e2644f368dffb9a6e20fd6e10c1b77654d067c0618f6e5a7f79a",
    "pubkey1": "0xb301803f8b5ac4a1133581fc676dfedc60d891dd5fa99028805e5ea5b08d3491af75d0707adab3b70c6a6a580217bf81",
    "pubkey2": "0xb53d21a4cfd562c469cc81514d4ce5a6b577d8403d32a394dc265dd190b47fa9f829fdd7963afdf972e5e77854051f6f",
    "sign(sk0, 0x00*32)": "0xb6ed936746e01f8ecf281f020953fbf1f01debd5657c4a383940b020b26507f6076334f91e2366c96e9ab279fb5158090352ea1c5b0c9274504f4f0e7053af24802e51e4568d164fe986834f41e55c8e850ce1f98458c0cfc9ab380b55285a55",
    "sign(sk1, 0x56*32)": "0xaf1390c3c47acdb37131a51216da683c509fce0e954328a59f93aebda7e4ff974ba208d9a4a2a2389f892a9d418d618418dd7f7a6bc7aa0da999a9d3a5b815bc085e14fd001f6a1948768a3f4afefc8b8240dda329f984cb345c6363272ba4fe",
    "aggregate(sign(sk0..2, 0xab*32))": "0x9712c3edd73a209c742b8250759db12549b3eaf43b5ca61376d9f30e2747dbcf842d8b2ac0901d2a093713e20284a7670fcf6954e9ab93de991bb9b313e664785a075fc285806fa5224c82bde146561b446ccfc706a64b8579513cfc4ff1d930",
}


def check_known_answers():
    got = {
        "pubkey0": hx(PUBKEYS[0]),
        "pubkey1": hx(PUBKEYS[1]),
        "pubkey2": hx(PUBKEYS[2]),
        "sign(sk0, 0x00*32)": hx(bls.Sign(PRIVKEYS[0], MESSAGES[0])),
        "sign(sk1, 0x56*32)": hx(bls.Sign(PRIVKEYS[1], MESSAGES[1])),
        "aggregate(sign(sk0..2, 0xab*32))": hx(bls.Aggregate([bls.Sign(sk, MESSAGES[2]) for sk in PRIVKEYS])),
    }
    for k, v in KNOWN_ANSWERS.items():
        if got[k] != v:
            raise SystemExit(f"known-answer mismatch for {k}: got {got[k]}, want {v}")


###############################################################################
# BLS cases (phase0 handlers)
###############################################################################


def case_sign():
    for sk in PRIVKEYS:
        for msg in MESSAGES:
            sig = bls.Sign(sk, msg)
            assert bls.Verify(bls.SkToPk(sk), msg, sig)
            yield f"sign_case_{short_id(sk_hex(sk), hx(msg))}", {
                "input": {"privkey": sk_hex(sk), "message": hx(msg)},
                "output": hx(sig),
            }
    sig = bls.Sign(1, SAMPLE_MESSAGE)
    yield "sign_case_one_privkey", {
        "input": {"privkey": sk_hex(1), "message": hx(SAMPLE_MESSAGE)},
        "output": hx(sig),
    }
    sig = bls.Sign(R - 1, SAMPLE_MESSAGE)
    yield "sign_case_curve_order_minus_one_privkey", {
        "input": {"privkey": sk_hex(R - 1), "message": hx(SAMPLE_MESSAGE)},
        "output": hx(sig),
    }
    # Invalid secret keys: 0 and anything >= the curve order.
    for name, sk in [("zero_privkey", 0), ("curve_order_privkey", R), ("max_privkey", 2**256 - 1)]:
        assert sign_or_none(sk, SAMPLE_MESSAGE) is None, f"py_ecc signed with invalid key {name}"
        yield f"sign_case_{name}", {
            "input": {"privkey": sk_hex(sk), "message": hx(SAMPLE_MESSAGE)},
            "output": None,
        }


def case_verify():
    for i, sk in enumerate(PRIVKEYS):
        pk = PUBKEYS[i]
        for msg in MESSAGES:
            sig = bls.Sign(sk, msg)
            assert bls.Verify(pk, msg, sig)
            yield f"verify_valid_case_{short_id(hx(pk), hx(msg))}", {
                "input": {"pubkey": hx(pk), "message": hx(msg), "signature": hx(sig)},
                "output": True,
            }
            wrong_pk = PUBKEYS[(i + 1) % len(PUBKEYS)]
            assert not bls.Verify(wrong_pk, msg, sig)
            yield f"verify_wrong_pubkey_case_{short_id(hx(wrong_pk), hx(msg))}", {
                "input": {"pubkey": hx(wrong_pk), "message": hx(msg), "signature": hx(sig)},
                "output": False,
            }
            tampered = sig[:-4] + b"\xff\xff\xff\xff"
            assert not bls.Verify(pk, msg, tampered)
            yield f"verify_tampered_signature_case_{short_id(hx(pk), hx(msg))}", {
                "input": {"pubkey": hx(pk), "message": hx(msg), "signature": hx(tampered)},
                "output": False,
            }
    # Wrong message.
    sig = bls.Sign(PRIVKEYS[0], MESSAGES[0])
    assert not bls.Verify(PUBKEYS[0], SAMPLE_MESSAGE, sig)
    yield "verify_wrong_message", {
        "input": {"pubkey": hx(PUBKEYS[0]), "message": hx(SAMPLE_MESSAGE), "signature": hx(sig)},
        "output": False,
    }
    # Point at infinity for pubkey and signature: the pubkey fails KeyValidate.
    assert not bls.Verify(G1_POINT_AT_INFINITY, SAMPLE_MESSAGE, G2_POINT_AT_INFINITY)
    yield "verify_infinity_pubkey_and_infinity_signature", {
        "input": {
            "pubkey": hx(G1_POINT_AT_INFINITY),
            "message": hx(SAMPLE_MESSAGE),
            "signature": hx(G2_POINT_AT_INFINITY),
        },
        "output": False,
    }
    # Valid pubkey, infinity signature.
    assert not bls.Verify(PUBKEYS[0], SAMPLE_MESSAGE, G2_POINT_AT_INFINITY)
    yield "verify_infinity_signature", {
        "input": {
            "pubkey": hx(PUBKEYS[0]),
            "message": hx(SAMPLE_MESSAGE),
            "signature": hx(G2_POINT_AT_INFINITY),
        },
        "output": False,
    }
    # Secret key 1: the pubkey is the G1 generator.
    pk1 = G1_to_pubkey(multiply(G1, 1))
    sig = bls.Sign(1, SAMPLE_MESSAGE)
    assert bls.Verify(pk1, SAMPLE_MESSAGE, sig)
    yield f"verifycase_one_privkey_{short_id(hx(pk1), hx(SAMPLE_MESSAGE))}", {
        "input": {"pubkey": hx(pk1), "message": hx(SAMPLE_MESSAGE), "signature": hx(sig)},
        "output": True,
    }
    # A pubkey on the curve but outside the G1 subgroup.
    bad_pk = find_g1_encoding(b"rainbow/not-in-G1", want_on_curve=True)
    assert not bls.Verify(bad_pk, SAMPLE_MESSAGE, bls.Sign(PRIVKEYS[0], SAMPLE_MESSAGE))
    yield "verify_pubkey_not_in_G1", {
        "input": {
            "pubkey": hx(bad_pk),
            "message": hx(SAMPLE_MESSAGE),
            "signature": hx(bls.Sign(PRIVKEYS[0], SAMPLE_MESSAGE)),
        },
        "output": False,
    }
    # A signature on the twist but outside the G2 subgroup.
    bad_sig = find_g2_encoding(b"rainbow/not-in-G2", want_on_curve=True)
    assert not bls.Verify(PUBKEYS[0], SAMPLE_MESSAGE, bad_sig)
    yield "verify_signature_not_in_G2", {
        "input": {"pubkey": hx(PUBKEYS[0]), "message": hx(SAMPLE_MESSAGE), "signature": hx(bad_sig)},
        "output": False,
    }


def case_aggregate():
    for msg in MESSAGES:
        sigs = [bls.Sign(sk, msg) for sk in PRIVKEYS]
        yield f"aggregate_{hx(msg)}", {
            "input": [hx(s) for s in sigs],
            "output": hx(bls.Aggregate(sigs)),
        }
    assert aggregate_or_none([]) is None
    yield "aggregate_na_signatures", {"input": [], "output": None}
    assert bls.Aggregate([G2_POINT_AT_INFINITY]) == G2_POINT_AT_INFINITY
    yield "aggregate_infinity_signature", {
        "input": [hx(G2_POINT_AT_INFINITY)],
        "output": hx(G2_POINT_AT_INFINITY),
    }
    sig = bls.Sign(PRIVKEYS[0], MESSAGES[0])
    assert bls.Aggregate([sig]) == sig
    yield "aggregate_single_signature", {"input": [hx(sig)], "output": hx(sig)}
    # A signature plus its negation sums to infinity.
    sig = bls.Sign(PRIVKEYS[1], SAMPLE_MESSAGE)
    neg_sig = bytes([sig[0] ^ 0x20]) + sig[1:]
    assert bls.Aggregate([sig, neg_sig]) == G2_POINT_AT_INFINITY
    yield "aggregate_signature_and_its_negation", {
        "input": [hx(sig), hx(neg_sig)],
        "output": hx(G2_POINT_AT_INFINITY),
    }
    # Invalid encodings among the inputs.
    sigs = [bls.Sign(sk, SAMPLE_MESSAGE) for sk in PRIVKEYS[:2]]
    assert aggregate_or_none(sigs + [ZERO_SIGNATURE]) is None
    yield "aggregate_zero_signature", {
        "input": [hx(s) for s in sigs + [ZERO_SIGNATURE]],
        "output": None,
    }
    bad = find_g2_encoding(b"rainbow/aggregate-not-on-curve", want_on_curve=False)
    assert aggregate_or_none(sigs + [bad]) is None
    yield "aggregate_signature_not_on_curve", {
        "input": [hx(s) for s in sigs + [bad]],
        "output": None,
    }


def case_fast_aggregate_verify():
    for i, msg in enumerate(MESSAGES):
        sks = PRIVKEYS[: i + 1]
        agg = bls.Aggregate([bls.Sign(sk, msg) for sk in sks])
        pks = [bls.SkToPk(sk) for sk in sks]
        pks_hex = [hx(pk) for pk in pks]
        assert bls.FastAggregateVerify(pks, msg, agg)
        yield f"fast_aggregate_verify_valid_{short_id(str(pks_hex), hx(msg))}", {
            "input": {"pubkeys": pks_hex, "message": hx(msg), "signature": hx(agg)},
            "output": True,
        }
        extra = pks + [PUBKEYS[-1]]
        extra_hex = [hx(pk) for pk in extra]
        assert not bls.FastAggregateVerify(extra, msg, agg)
        yield f"fast_aggregate_verify_extra_pubkey_{short_id(str(extra_hex), hx(msg))}", {
            "input": {"pubkeys": extra_hex, "message": hx(msg), "signature": hx(agg)},
            "output": False,
        }
        tampered = agg[:-4] + b"\xff\xff\xff\xff"
        assert not bls.FastAggregateVerify(pks, msg, tampered)
        yield f"fast_aggregate_verify_tampered_signature_{short_id(str(pks_hex), hx(msg))}", {
            "input": {"pubkeys": pks_hex, "message": hx(msg), "signature": hx(tampered)},
            "output": False,
        }
    msg = MESSAGES[-1]
    assert not bls.FastAggregateVerify([], msg, G2_POINT_AT_INFINITY)
    yield "fast_aggregate_verify_na_pubkeys_and_infinity_signature", {
        "input": {"pubkeys": [], "message": hx(msg), "signature": hx(G2_POINT_AT_INFINITY)},
        "output": False,
    }
    assert not bls.FastAggregateVerify([], msg, ZERO_SIGNATURE)
    yield "fast_aggregate_verify_na_pubkeys_and_na_signature", {
        "input": {"pubkeys": [], "message": hx(msg), "signature": hx(ZERO_SIGNATURE)},
        "output": False,
    }
    agg = bls.Aggregate([bls.Sign(sk, SAMPLE_MESSAGE) for sk in PRIVKEYS])
    with_inf = PUBKEYS + [G1_POINT_AT_INFINITY]
    assert not bls.FastAggregateVerify(with_inf, SAMPLE_MESSAGE, agg)
    yield "fast_aggregate_verify_infinity_pubkey", {
        "input": {"pubkeys": [hx(pk) for pk in with_inf], "message": hx(SAMPLE_MESSAGE), "signature": hx(agg)},
        "output": False,
    }
    # The same key twice is fine for FastAggregateVerify (proof of possession assumed).
    sig = bls.Sign(PRIVKEYS[0], SAMPLE_MESSAGE)
    agg = bls.Aggregate([sig, sig])
    dup = [PUBKEYS[0], PUBKEYS[0]]
    assert bls.FastAggregateVerify(dup, SAMPLE_MESSAGE, agg)
    yield "fast_aggregate_verify_duplicate_pubkey", {
        "input": {"pubkeys": [hx(pk) for pk in dup], "message": hx(SAMPLE_MESSAGE), "signature": hx(agg)},
        "output": True,
    }


def case_aggregate_verify():
    pks = list(PUBKEYS)
    msgs = list(MESSAGES)
    agg = bls.Aggregate([bls.Sign(sk, m) for sk, m in zip(PRIVKEYS, MESSAGES)])
    assert bls.AggregateVerify(pks, msgs, agg)
    yield "aggregate_verify_valid", {
        "input": {"pubkeys": [hx(p) for p in pks], "messages": [hx(m) for m in msgs], "signature": hx(agg)},
        "output": True,
    }
    tampered = agg[:4] + b"\xff\xff\xff\xff" + agg[8:]
    assert not bls.AggregateVerify(pks, msgs, tampered)
    yield "aggregate_verify_tampered_signature", {
        "input": {"pubkeys": [hx(p) for p in pks], "messages": [hx(m) for m in msgs], "signature": hx(tampered)},
        "output": False,
    }
    swapped = [msgs[1], msgs[0], msgs[2]]
    assert not bls.AggregateVerify(pks, swapped, agg)
    yield "aggregate_verify_swapped_messages", {
        "input": {"pubkeys": [hx(p) for p in pks], "messages": [hx(m) for m in swapped], "signature": hx(agg)},
        "output": False,
    }
    assert not bls.AggregateVerify(pks, msgs[:2], agg)
    yield "aggregate_verify_mismatched_lengths", {
        "input": {"pubkeys": [hx(p) for p in pks], "messages": [hx(m) for m in msgs[:2]], "signature": hx(agg)},
        "output": False,
    }
    assert not bls.AggregateVerify([], [], G2_POINT_AT_INFINITY)
    yield "aggregate_verify_na_pubkeys_and_infinity_signature", {
        "input": {"pubkeys": [], "messages": [], "signature": hx(G2_POINT_AT_INFINITY)},
        "output": False,
    }
    assert not bls.AggregateVerify([], [], ZERO_SIGNATURE)
    yield "aggregate_verify_na_pubkeys_and_na_signature", {
        "input": {"pubkeys": [], "messages": [], "signature": hx(ZERO_SIGNATURE)},
        "output": False,
    }
    with_inf = pks + [G1_POINT_AT_INFINITY]
    msgs_inf = msgs + [SAMPLE_MESSAGE]
    assert not bls.AggregateVerify(with_inf, msgs_inf, agg)
    yield "aggregate_verify_infinity_pubkey", {
        "input": {"pubkeys": [hx(p) for p in with_inf], "messages": [hx(m) for m in msgs_inf], "signature": hx(agg)},
        "output": False,
    }
    single = bls.Sign(PRIVKEYS[2], SAMPLE_MESSAGE)
    assert bls.AggregateVerify([PUBKEYS[2]], [SAMPLE_MESSAGE], single)
    yield "aggregate_verify_single_pair", {
        "input": {"pubkeys": [hx(PUBKEYS[2])], "messages": [hx(SAMPLE_MESSAGE)], "signature": hx(single)},
        "output": True,
    }


def case_batch_verify():
    def data(pks, msgs, sigs):
        out = batch_verify(pks, msgs, sigs)
        return {
            "input": {
                "pubkeys": [hx(p) for p in pks],
                "messages": [hx(m) for m in msgs],
                "signatures": [hx(s) for s in sigs],
            },
            "output": out,
        }

    sigs = [bls.Sign(sk, m) for sk, m in zip(PRIVKEYS, MESSAGES)]
    d = data(PUBKEYS, MESSAGES, sigs)
    assert d["output"] is True
    yield "batch_verify_valid_simple_signature_set", d
    d = data(PUBKEYS[:2], MESSAGES[:2], sigs[:2])
    assert d["output"] is True
    yield "batch_verify_valid_multiple_signature_set", d
    d = data(PUBKEYS[:1], MESSAGES[:1], sigs[:1])
    assert d["output"] is True
    yield "batch_verify_valid_single_signature_set", d
    # Same message signed by every key, each as its own set.
    same = [bls.Sign(sk, SAMPLE_MESSAGE) for sk in PRIVKEYS]
    d = data(PUBKEYS, [SAMPLE_MESSAGE] * 3, same)
    assert d["output"] is True
    yield "batch_verify_valid_same_message", d
    # Forged: shift the first two signatures by +X and -X. Their sum (and so a naive
    # non-randomized batch check) is unchanged, but neither set verifies.
    x_point = hash_to_G2(b"rainbow/batch-forgery", bls.DST, hashlib.sha256)
    s0 = G2_to_signature(add(signature_to_G2(sigs[0]), x_point))
    s1 = G2_to_signature(add(signature_to_G2(sigs[1]), neg(x_point)))
    assert bls.Aggregate([s0, s1, sigs[2]]) == bls.Aggregate(sigs)
    d = data(PUBKEYS, MESSAGES, [s0, s1, sigs[2]])
    assert d["output"] is False
    yield "batch_verify_invalid_forged_signature_set", d
    # Signatures in the wrong order.
    d = data(PUBKEYS, MESSAGES, [sigs[1], sigs[0], sigs[2]])
    assert d["output"] is False
    yield "batch_verify_invalid_swapped_signatures", d
    # An extra set with the infinity pubkey and the infinity signature.
    d = data(PUBKEYS + [G1_POINT_AT_INFINITY], MESSAGES + [SAMPLE_MESSAGE], sigs + [G2_POINT_AT_INFINITY])
    assert d["output"] is False
    yield "batch_verify_invalid_infinity_signature_set", d
    # One tampered signature among good ones.
    d = data(PUBKEYS, MESSAGES, sigs[:2] + [sigs[2][:-4] + b"\xff\xff\xff\xff"])
    assert d["output"] is False
    yield "batch_verify_invalid_tampered_signature", d
    # One wrong message among good ones.
    d = data(PUBKEYS, MESSAGES[:2] + [SAMPLE_MESSAGE], sigs)
    assert d["output"] is False
    yield "batch_verify_invalid_wrong_message", d


###############################################################################
# Deserialization cases
###############################################################################


def case_deserialization_G1():
    def c(name, b):
        return name, {"input": {"pubkey": hx(b)}, "output": g1_deserializes(b)}

    cases = []
    for i, pk in enumerate(PUBKEYS):
        cases.append(c(f"deserialization_succeeds_correct_point_{i}", pk))
    cases.append(c("deserialization_succeeds_generator", G1_to_pubkey(G1)))
    # Flip the sign bit of a valid key: the encoding of -P, also in G1.
    cases.append(c("deserialization_succeeds_negated_point", bytes([PUBKEYS[0][0] ^ 0x20]) + PUBKEYS[0][1:]))
    cases.append(c("deserialization_succeeds_infinity_with_true_b_flag", G1_POINT_AT_INFINITY))
    cases.append(c("deserialization_fails_infinity_with_false_b_flag", b"\x80" + b"\x00" * 47))
    cases.append(c("deserialization_fails_infinity_with_true_b_flag", b"\xc0\x10" + b"\x00" * 46))
    cases.append(c("deserialization_fails_infinity_with_last_bit_set", b"\xc0" + b"\x00" * 46 + b"\x01"))
    cases.append(c("deserialization_fails_with_b_flag_and_a_flag_true", b"\xe0" + b"\x00" * 47))
    cases.append(c("deserialization_fails_with_b_flag_and_x_nonzero", bytes([PUBKEYS[1][0] | 0x40]) + PUBKEYS[1][1:]))
    cases.append(c("deserialization_fails_with_wrong_c_flag", bytes([PUBKEYS[1][0] & 0x7F]) + PUBKEYS[1][1:]))
    cases.append(c("deserialization_fails_zero_bytes", ZERO_PUBKEY))
    cases.append(c("deserialization_fails_x_equal_to_modulus", g1_x_encoding(P)))
    cases.append(c("deserialization_fails_x_greater_than_modulus", g1_x_encoding(P + 1)))
    cases.append(c("deserialization_fails_x_max", g1_x_encoding(2**381 - 1)))
    cases.append(c("deserialization_fails_not_in_curve", find_g1_encoding(b"rainbow/g1-not-on-curve", want_on_curve=False)))
    cases.append(c("deserialization_fails_not_in_G1", find_g1_encoding(b"rainbow/g1-not-in-subgroup", want_on_curve=True)))
    cases.append(c("deserialization_fails_too_few_bytes", PUBKEYS[0][:47]))
    cases.append(c("deserialization_fails_too_many_bytes", PUBKEYS[0] + b"\x00"))
    cases.append(c("deserialization_fails_empty", b""))
    cases.append(c("deserialization_fails_uncompressed_infinity", b"\x40" + b"\x00" * 47))
    yield from cases


def case_deserialization_G2():
    def c(name, b):
        return name, {"input": {"signature": hx(b)}, "output": g2_deserializes(b)}

    s = [bls.Sign(sk, m) for sk, m in zip(PRIVKEYS, MESSAGES)]
    zero48 = b"\x00" * 48
    cases = []
    for i, sig in enumerate(s):
        cases.append(c(f"deserialization_succeeds_correct_point_{i}", sig))
    cases.append(c("deserialization_succeeds_negated_point", bytes([s[0][0] ^ 0x20]) + s[0][1:]))
    cases.append(c("deserialization_succeeds_infinity_with_true_b_flag", G2_POINT_AT_INFINITY))
    cases.append(c("deserialization_fails_infinity_with_false_b_flag", b"\x80" + b"\x00" * 95))
    cases.append(c("deserialization_fails_infinity_with_true_b_flag", b"\xc0\x10" + b"\x00" * 94))
    cases.append(c("deserialization_fails_infinity_with_xre_nonzero", b"\xc0" + b"\x00" * 94 + b"\x01"))
    cases.append(c("deserialization_fails_with_b_flag_and_a_flag_true", b"\xe0" + b"\x00" * 95))
    cases.append(c("deserialization_fails_with_b_flag_and_x_nonzero", bytes([s[1][0] | 0x40]) + s[1][1:]))
    cases.append(c("deserialization_fails_with_wrong_c_flag", bytes([s[1][0] & 0x7F]) + s[1][1:]))
    cases.append(c("deserialization_fails_zero_bytes", ZERO_SIGNATURE))
    cases.append(c("deserialization_fails_flags_set_in_second_half", s[2][:48] + bytes([s[2][48] | 0x80]) + s[2][49:]))
    cases.append(c("deserialization_fails_xim_equal_to_modulus", g1_x_encoding(P) + zero48))
    cases.append(c("deserialization_fails_xim_greater_than_modulus", g1_x_encoding(P + 1) + zero48))
    cases.append(c("deserialization_fails_xre_equal_to_modulus", b"\x80" + b"\x00" * 47 + P.to_bytes(48, "big")))
    cases.append(c("deserialization_fails_xre_greater_than_modulus", b"\x80" + b"\x00" * 47 + (P + 1).to_bytes(48, "big")))
    cases.append(c("deserialization_fails_not_in_curve", find_g2_encoding(b"rainbow/g2-not-on-curve", want_on_curve=False)))
    cases.append(c("deserialization_fails_not_in_G2", find_g2_encoding(b"rainbow/g2-not-in-subgroup", want_on_curve=True)))
    cases.append(c("deserialization_fails_too_few_bytes", s[0][:95]))
    cases.append(c("deserialization_fails_too_many_bytes", s[0] + b"\x00"))
    cases.append(c("deserialization_fails_g1_sized_input", PUBKEYS[0]))
    yield from cases


###############################################################################
# BLS cases (altair handlers)
###############################################################################


def case_eth_aggregate_pubkeys():
    def c(name, pks):
        out = eth_aggregate_pubkeys(pks)
        return name, {"input": [hx(p) for p in pks], "output": hx(out) if out is not None else None}

    for i, pk in enumerate(PUBKEYS):
        yield c(f"eth_aggregate_pubkeys_valid_{i}", [pk])
    yield c("eth_aggregate_pubkeys_valid_pubkeys", PUBKEYS)
    yield c("eth_aggregate_pubkeys_duplicate_pubkey", [PUBKEYS[0], PUBKEYS[0]])
    yield c("eth_aggregate_pubkeys_empty_list", [])
    yield c("eth_aggregate_pubkeys_zero_pubkey", [ZERO_PUBKEY])
    yield c("eth_aggregate_pubkeys_infinity_pubkey", [G1_POINT_AT_INFINITY])
    yield c("eth_aggregate_pubkeys_x40_pubkey", [b"\x40" + b"\x00" * 47])
    yield c("eth_aggregate_pubkeys_valid_and_infinity_pubkey", PUBKEYS + [G1_POINT_AT_INFINITY])
    yield c("eth_aggregate_pubkeys_not_in_G1", [PUBKEYS[0], find_g1_encoding(b"rainbow/not-in-G1", want_on_curve=True)])
    # P + (-P) is the point at infinity: every input is valid, the sum is infinity.
    negp = bytes([PUBKEYS[0][0] ^ 0x20]) + PUBKEYS[0][1:]
    yield c("eth_aggregate_pubkeys_pubkey_and_its_negation", [PUBKEYS[0], negp])


def case_eth_fast_aggregate_verify():
    def c(name, pks, msg, sig):
        return name, {
            "input": {"pubkeys": [hx(p) for p in pks], "message": hx(msg), "signature": hx(sig)},
            "output": eth_fast_aggregate_verify(pks, msg, sig),
        }

    for i, msg in enumerate(MESSAGES):
        sks = PRIVKEYS[: i + 1]
        agg = bls.Aggregate([bls.Sign(sk, msg) for sk in sks])
        pks = [bls.SkToPk(sk) for sk in sks]
        yield c(f"eth_fast_aggregate_verify_valid_{i}", pks, msg, agg)
        yield c(f"eth_fast_aggregate_verify_extra_pubkey_{i}", pks + [PUBKEYS[-1]], msg, agg)
        yield c(f"eth_fast_aggregate_verify_tampered_signature_{i}", pks, msg, agg[:-4] + b"\xff\xff\xff\xff")
    yield c("eth_fast_aggregate_verify_na_pubkeys_and_infinity_signature", [], MESSAGES[-1], G2_POINT_AT_INFINITY)
    yield c("eth_fast_aggregate_verify_na_pubkeys_and_zero_signature", [], MESSAGES[-1], ZERO_SIGNATURE)
    agg = bls.Aggregate([bls.Sign(sk, SAMPLE_MESSAGE) for sk in PRIVKEYS])
    yield c("eth_fast_aggregate_verify_infinity_pubkey", PUBKEYS + [G1_POINT_AT_INFINITY], SAMPLE_MESSAGE, agg)


###############################################################################
# Shuffling (phase0 compute_shuffled_index, straight from the spec text)
###############################################################################

SHUFFLE_ROUND_COUNT = {"minimal": 10, "mainnet": 90}


def compute_shuffled_index(index: int, index_count: int, seed: bytes, round_count: int) -> int:
    assert index < index_count
    for current_round in range(round_count):
        round_byte = current_round.to_bytes(1, "little")
        pivot = int.from_bytes(h(seed + round_byte)[0:8], "little") % index_count
        flip = (pivot + index_count - index) % index_count
        position = max(index, flip)
        source = h(seed + round_byte + (position // 256).to_bytes(4, "little"))
        byte = source[(position % 256) // 8]
        bit = (byte >> (position % 8)) % 2
        index = flip if bit else index
    return index


SHUFFLE_SEEDS = [h(f"rainbow-staking/shuffling-seed/{i}".encode()) for i in range(4)]
SHUFFLE_COUNTS = [0, 1, 2, 3, 5, 10, 33, 100, 1000]


def case_shuffling(preset):
    rounds = SHUFFLE_ROUND_COUNT[preset]
    for seed in SHUFFLE_SEEDS:
        for count in SHUFFLE_COUNTS:
            mapping = [compute_shuffled_index(i, count, seed, rounds) for i in range(count)]
            assert sorted(mapping) == list(range(count)), "not a permutation"
            yield f"shuffle_0x{seed.hex()}_{count}", {"seed": hx(seed), "count": count, "mapping": mapping}


###############################################################################
# Output
###############################################################################


def yaml_scalar(v) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return "'" + v.replace("'", "''") + "'"
    raise TypeError(f"unsupported YAML scalar {type(v)}")


def yaml_lines(value, indent: int):
    """Lines for `value` placed under a key (block style, keys sorted)."""
    pad = " " * indent
    if isinstance(value, dict):
        out = []
        for k in sorted(value):
            out.extend(yaml_entry(k, value[k], indent))
        return out
    if isinstance(value, list):
        out = []
        for item in value:
            if isinstance(item, (dict, list)):
                raise TypeError("nested containers in lists are not needed here")
            out.append(f"{pad}- {yaml_scalar(item)}")
        return out
    raise TypeError("yaml_lines wants a container")


def yaml_entry(key: str, value, indent: int):
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            return [f"{pad}{key}: {{}}"]
        return [f"{pad}{key}:"] + yaml_lines(value, indent + 2)
    if isinstance(value, list):
        if not value:
            return [f"{pad}{key}: []"]
        return [f"{pad}{key}:"] + yaml_lines(value, indent + 2)
    return [f"{pad}{key}: {yaml_scalar(value)}"]


def dump_yaml(doc: dict) -> bytes:
    return ("\n".join(yaml_lines(doc, 0)) + "\n").encode("utf-8")


def write_case(case_dir: str, file_name: str, doc: dict):
    os.makedirs(case_dir, exist_ok=True)
    with open(os.path.join(case_dir, file_name), "wb") as f:
        f.write(dump_yaml(doc))


BLS_HANDLERS = [
    ("phase0", "sign", case_sign),
    ("phase0", "verify", case_verify),
    ("phase0", "aggregate", case_aggregate),
    ("phase0", "fast_aggregate_verify", case_fast_aggregate_verify),
    ("phase0", "aggregate_verify", case_aggregate_verify),
    ("phase0", "batch_verify", case_batch_verify),
    ("phase0", "deserialization_G1", case_deserialization_G1),
    ("phase0", "deserialization_G2", case_deserialization_G2),
    ("altair", "eth_aggregate_pubkeys", case_eth_aggregate_pubkeys),
    ("altair", "eth_fast_aggregate_verify", case_eth_fast_aggregate_verify),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="output root; files go under OUT/tests/...")
    ap.add_argument("--only", choices=["bls", "shuffling"], help="generate one part only")
    args = ap.parse_args()
    root = os.path.join(args.out, "tests")

    check_known_answers()

    if args.only in (None, "bls"):
        for fork in ("phase0", "altair"):
            shutil.rmtree(os.path.join(root, "general", fork, "bls"), ignore_errors=True)
        for fork, handler, fn in BLS_HANDLERS:
            names = set()
            for name, doc in fn():
                assert name not in names, f"duplicate case {handler}/{name}"
                names.add(name)
                assert set(doc) == {"input", "output"}
                write_case(os.path.join(root, "general", fork, "bls", handler, "bls", name), "data.yaml", doc)
            print(f"general/{fork}/bls/{handler}: {len(names)} cases", file=sys.stderr)

    if args.only in (None, "shuffling"):
        for preset in ("minimal", "mainnet"):
            shutil.rmtree(os.path.join(root, preset, "phase0", "shuffling"), ignore_errors=True)
            n = 0
            for name, doc in case_shuffling(preset):
                write_case(os.path.join(root, preset, "phase0", "shuffling", "core", "shuffle", name), "mapping.yaml", doc)
                n += 1
            print(f"{preset}/phase0/shuffling/core: {n} cases", file=sys.stderr)


if __name__ == "__main__":
    main()
