"""The manifest: path rules, the canonical form and digest (checked against the coreutils
pipeline docs/api.md gives), and the difference that names files."""

from __future__ import annotations

import hashlib
import shutil
import subprocess

import pytest

from service.interop import InteropError, manifest

FILES = {
    "model.safetensors": "a" * 64,
    "config.json": "B" * 64,
    "tokenizer/vocab.txt": "c" * 64,
    "Zeta.bin": "d" * 64,
    "é.json": "e" * 64,
}


def test_the_canonical_form_is_sha256sum_lines_in_byte_order_of_the_paths():
    files = manifest.files_map([{"path": p, "sha256": d} for p, d in FILES.items()])
    text = manifest.canonical(files).decode()
    assert text.splitlines() == [
        f"{'d' * 64}  Zeta.bin",
        f"{'b' * 64}  config.json",  # digests are lower-cased
        f"{'a' * 64}  model.safetensors",
        f"{'c' * 64}  tokenizer/vocab.txt",
        f"{'e' * 64}  é.json",  # UTF-8 bytes 0xC3... sort after ASCII
    ]
    assert text.endswith("\n")
    assert manifest.digest(files) == hashlib.sha256(text.encode()).hexdigest()


def test_the_order_of_the_listing_does_not_change_the_digest():
    listed = [{"path": p, "sha256": d} for p, d in FILES.items()]
    assert manifest.digest(manifest.files_map(listed)) == manifest.digest(
        manifest.files_map(list(reversed(listed)))
    )


@pytest.mark.skipif(not shutil.which("sha256sum"), reason="needs coreutils")
def test_the_documented_shell_pipeline_gives_the_same_digest(tmp_path):
    contents = {"config.json": b"{}", "model.safetensors": b"w" * 999, "sub dir/a b.txt": b"x"}
    for name, data in contents.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    files = {p: hashlib.sha256(d).hexdigest() for p, d in contents.items()}
    pipeline = "find . -type f -printf '%P\\0' | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum"
    shell = subprocess.run(
        ["bash", "-c", pipeline], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert shell.stdout.split()[0] == manifest.digest(files)


@pytest.mark.parametrize(
    "path",
    ["", "/etc/passwd", "a/../b", "./a", "a//b", "a/", "a\\b", "a\nb", "a\x00", "x" * 513],
)
def test_a_bad_path_is_refused_naming_the_entry(path):
    with pytest.raises(InteropError) as caught:
        manifest.files_map(
            [{"path": "ok.bin", "sha256": "0" * 64}, {"path": path, "sha256": "0" * 64}]
        )
    assert caught.value.errors[0]["field"] == "files.1.path"


def test_a_repeated_path_a_bad_digest_and_too_many_files_are_refused():
    with pytest.raises(InteropError) as caught:
        manifest.files_map(
            [{"path": "a", "sha256": "0" * 64}, {"path": "a", "sha256": "0" * 63 + "g"}]
        )
    fields = {e["field"] for e in caught.value.errors}
    assert fields == {"files.1.path", "files.1.sha256"}
    too_many = [{"path": f"f{n}", "sha256": "0" * 64} for n in range(manifest.MAX_FILES + 1)]
    with pytest.raises(InteropError, match="1 to 4096 files"):
        manifest.files_map(too_many)
    with pytest.raises(InteropError):
        manifest.files_map([])


def test_the_difference_names_changed_missing_and_extra_files():
    approved = {"a": "0" * 64, "b": "1" * 64, "c": "2" * 64}
    presented = {"a": "0" * 64, "b": "9" * 64, "d": "3" * 64}
    diff = manifest.difference(approved, presented)
    assert (diff["changed"], diff["missing"], diff["extra"]) == (["b"], ["c"], ["d"])
    text = manifest.described(diff)
    assert (
        "changed: b" in text and "missing: c" in text and "not in the approved manifest: d" in text
    )
