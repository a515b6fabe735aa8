"""GIVEN merge linkage files written by the cloud WHEN the reference receiver reads them THEN
v1/v2 round-trip, the documented test vectors hold, and tampering, wrong keys and duplicates
are rejected without adding points."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from cloud_api.services import merge_file as mf
from terminal_app import merge_receive as rx

KEY = bytes.fromhex("000102030405060708090a0b0c0d0e0f")
SECRET = "shotengai-secret"
RECORD = mf.MergeRecord("123456789", 500, mf.transfer_key("20171231180237", "00052459",
                                                          "2017123100001"))
V1 = ("101112131415161718191a1b1c1d1e1fffc6df978e49a6c29c1b954886a25a5dd401a1ceb4280da465c1ee8c51"
      "219d18d10980dd916f1d5658bbe16b8978e7c5b1e95e6c0ec8da2a43d1f5510f600116b5a4f3e6bf66ef7f13b0"
      "95ca9e1155e0")
V2 = ("4d4b4d32202122232425262728292a2bf1c72190b3c64e318264bae441e3a64ef98644acb5671bdc5751f42097"
      "73dd6e7ab007b99114e935c47099f9af46cb30ec013bd3b7c8fca3756da2cbd7f737f71de5e95d2f1cfec8edaa"
      "4117b0559950dde6eaea9e54e54705d2dd30")


def _drop(folder: Path, record: mf.MergeRecord, version: str, key: bytes = KEY) -> Path:
    path = folder / mf.file_name(record, version)
    path.write_bytes(mf.encode(record, version, key, SECRET))
    return path


def test_documented_test_vectors_match_writer_and_receiver():
    assert RECORD.transfer_key == "201712311802370005245900001"
    assert mf.tamper_hash(RECORD, SECRET) == "9d85e671a880f857da48fb8c714db274"
    assert mf.encode_v1(RECORD, KEY, SECRET, iv=bytes(range(16, 32))).hex() == V1
    assert mf.encode_v2(RECORD, KEY, SECRET, nonce=bytes(range(32, 44))).hex() == V2
    for data, fmt in ((V1, "v1"), (V2, "v2")):
        line = rx.decrypt(bytes.fromhex(data), fmt, KEY)
        assert rx.parse(line, SECRET, "f", fmt).points == 500


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_round_trip_moves_file_to_done_and_totals_per_customer(tmp_path, version):
    _drop(tmp_path, RECORD, version)
    other = mf.MergeRecord("123456789", 70, "201712311803000005245900002")
    _drop(tmp_path, other, version)
    report = rx.receive_folder(tmp_path, KEY, SECRET)
    assert report.totals() == {"123456789": 570} and report.rejected == []
    assert sorted(p.name for p in (tmp_path / "done").iterdir()) == sorted(
        [mf.file_name(RECORD, version), mf.file_name(other, version)])


def test_same_transfer_key_twice_is_rejected_even_across_runs_and_formats(tmp_path):
    _drop(tmp_path, RECORD, "v2")
    assert rx.receive_folder(tmp_path, KEY, SECRET).totals() == {"123456789": 500}
    _drop(tmp_path, RECORD, "v1")
    _drop(tmp_path, RECORD, "v2")
    again = rx.receive_folder(tmp_path, KEY, SECRET)
    assert again.accepted == [] and {r["code"] for r in again.rejected} == {"duplicate"}
    assert len(list((tmp_path / "rejected").iterdir())) == 2


def test_v2_is_preferred_over_v1_of_the_same_transfer(tmp_path):
    _drop(tmp_path, RECORD, "v1")
    _drop(tmp_path, RECORD, "v2")
    report = rx.receive_folder(tmp_path, KEY, SECRET)
    assert [t.format for t in report.accepted] == ["v2"]
    assert report.rejected[0]["code"] == "duplicate"


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_wrong_key_is_rejected(tmp_path, version):
    _drop(tmp_path, RECORD, version, key=bytes(16))
    report = rx.receive_folder(tmp_path, KEY, SECRET)
    assert report.accepted == []
    assert report.rejected[0]["code"] in {"decrypt_failed", "hash_mismatch", "malformed"}


def test_tampered_v2_byte_is_rejected(tmp_path):
    path = _drop(tmp_path, RECORD, "v2")
    data = bytearray(path.read_bytes())
    data[20] ^= 0x01
    path.write_bytes(bytes(data))
    assert rx.receive_folder(tmp_path, KEY, SECRET).rejected[0]["code"] == "decrypt_failed"


def test_v1_with_forged_points_fails_the_md5_check(tmp_path):
    forged = mf.record_line(RECORD, SECRET).replace(b",500,", b",900,")
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    padder = padding.PKCS7(128).padder()
    enc = Cipher(algorithms.AES128(KEY), modes.CBC(bytes(16))).encryptor()
    body = enc.update(padder.update(forged) + padder.finalize()) + enc.finalize()
    (tmp_path / "MKM_x.mkm1").write_bytes(bytes(16) + body)
    assert rx.receive_folder(tmp_path, KEY, SECRET).rejected[0]["code"] == "hash_mismatch"


def test_wrong_secret_and_v2_only(tmp_path):
    _drop(tmp_path, RECORD, "v2")
    assert rx.receive_folder(tmp_path, KEY, "other").rejected[0]["code"] == "hash_mismatch"
    _drop(tmp_path, mf.MergeRecord("A-1", 5, "201712311802370005245900009"), "v1")
    assert rx.receive_folder(tmp_path, KEY, SECRET, v2_only=True).rejected[0]["code"] == \
        "v1_refused"


def test_cli_prints_json_and_exit_code(tmp_path, capsys):
    _drop(tmp_path, RECORD, "v2")
    assert rx.main([str(tmp_path), "--key-hex", KEY.hex(), "--secret", SECRET, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["totals"] == {"123456789": 500}
    assert rx.main([str(tmp_path), "--key-hex", "zz"]) == 2
    assert "共通鍵" in capsys.readouterr().err


def test_record_fields_are_validated():
    with pytest.raises(ValueError):
        mf.MergeRecord("bad,id", 1, RECORD.transfer_key)
    with pytest.raises(ValueError):
        mf.MergeRecord("A", 0, RECORD.transfer_key)


def test_a_file_that_cannot_be_read_does_not_lose_the_ones_received_before_it(tmp_path):
    """GIVEN a good linkage file and, after it in the run, something that cannot be read (here
    a folder named like a v2 file) WHEN the street receives THEN the good file's points are in
    the report (the run does not stop with the points received but never reported); the
    unreadable one is reported, left in place, and tried again the next run."""
    _drop(tmp_path, RECORD, "v2")
    (tmp_path / "zzzz.mkm2").mkdir()
    report = rx.receive_folder(tmp_path, KEY, SECRET)
    assert report.totals() == {"123456789": 500}
    assert [(r["file"], r["code"]) for r in report.rejected] == [("zzzz.mkm2", "unreadable")]
    assert (tmp_path / "zzzz.mkm2").is_dir()
    again = rx.receive_folder(tmp_path, KEY, SECRET)
    assert again.accepted == [] and [r["code"] for r in again.rejected] == ["unreadable"]
