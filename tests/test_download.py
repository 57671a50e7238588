"""lmboot.data.download with file:// URLs (no network needed): verification, unpacking, nothing kept on error;
and the workflow's download rules feeding prepare."""

import hashlib
import io
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from lmboot.data.download import download
from lmboot.errors import InputError

ROOT = Path(__file__).resolve().parent.parent


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tar_of(path: Path, members: dict[str, str]) -> Path:
    with tarfile.open(path, "w:gz") as t:
        for name, text in members.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    return path


def test_a_file_is_fetched_and_verified(tmp_path):
    src = tmp_path / "corpus.tsv"
    src.write_text("eng\tspa\nhello\thola\n")
    result = download(src.as_uri(), sha256(src), tmp_path / "out/corpus.tsv")
    assert (tmp_path / "out/corpus.tsv").read_bytes() == src.read_bytes()
    assert result["verified"] and not result["extracted"] and result["sha256"] == sha256(src)


def test_a_wrong_checksum_keeps_nothing(tmp_path):
    src = tmp_path / "corpus.tsv"
    src.write_text("eng\tspa\nhello\thola\n")
    with pytest.raises(InputError, match=r"corpus.tsv: sha256 is [0-9a-f]{64}, the config expects 0{64}"):
        download(src.as_uri(), "0" * 64, tmp_path / "out/corpus.tsv")
    assert list((tmp_path / "out").iterdir()) == []  # no partial file, no temporary left behind


def test_an_archive_is_unpacked_into_a_directory(tmp_path):
    archive = tar_of(tmp_path / "data.tar.gz", {"release/en-es/train.jsonl": "{}\n", "release/README": "x\n"})
    result = download(archive.as_uri(), sha256(archive), tmp_path / "massive")
    assert result["extracted"]
    assert (tmp_path / "massive/release/en-es/train.jsonl").read_text() == "{}\n"


def test_a_zip_member_outside_the_archive_is_refused(tmp_path):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("../escaped.txt", "x")
    with pytest.raises(InputError, match="points outside the archive"):
        download(archive.as_uri(), None, tmp_path / "out")
    assert not (tmp_path / "escaped.txt").exists() and not (tmp_path / "out").exists()


@pytest.mark.parametrize("filters", [True, False])
def test_a_tar_member_outside_the_archive_or_a_link_is_refused(tmp_path, monkeypatch, filters):
    """Python before 3.11.4 (Debian 12's 3.11.2) has no tar extraction filters: the same members are refused."""
    if not filters:
        monkeypatch.delattr(tarfile, "data_filter", raising=False)
    good = tar_of(tmp_path / "good.tar.gz", {"release/a.txt": "a\n"})
    download(good.as_uri(), None, tmp_path / "good")
    assert (tmp_path / "good/release/a.txt").read_text() == "a\n"
    with pytest.raises(InputError, match="outside"):
        download(tar_of(tmp_path / "evil.tar.gz", {"../escaped.txt": "x"}).as_uri(), None, tmp_path / "out")
    link = tmp_path / "link.tar.gz"
    with tarfile.open(link, "w:gz") as t:
        info = tarfile.TarInfo("release/passwd")
        info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
        t.addfile(info)
    with pytest.raises(InputError):
        download(link.as_uri(), None, tmp_path / "out")
    assert not (tmp_path / "escaped.txt").exists() and not (tmp_path / "out").exists()


def test_an_unreachable_url_is_one_clear_error(tmp_path):
    with pytest.raises(InputError, match="missing.tsv: cannot fetch"):
        download((tmp_path / "missing.tsv").as_uri(), None, tmp_path / "out.tsv")


def test_the_workflow_downloads_before_prepare(tmp_path):
    from lmboot.demo.data import generate

    generate(tmp_path / "corpora", n_in_domain=300, n_general=300)
    archive = tar_of(
        tmp_path / "in_domain.tar.gz", {"data/in_domain.jsonl": (tmp_path / "corpora/in_domain.jsonl").read_text()}
    )
    general = tmp_path / "corpora/general.tsv"

    def run_prepare(general_sha):
        config = tmp_path / "download.yaml"
        config.write_text(f"""run: dl
languages: {{source: es, target: en}}
downloads:
  - {{url: "{archive.as_uri()}", sha256: {sha256(archive)}, to: downloads/in_domain}}
  - {{url: "{general.as_uri()}", sha256: "{general_sha}", to: downloads/general.tsv}}
in_domain: {{format: jsonl, path: downloads/in_domain/data/in_domain.jsonl, source_field: es, target_field: en}}
general: {{format: tsv, path: downloads/general.tsv, source_column: spa, target_column: eng}}
split: {{seed_size: 100, dev_size: 40, test_size: 60}}
""")
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "snakemake",
                "--snakefile",
                str(ROOT / "Snakefile"),
                "--directory",
                str(tmp_path / "work"),
                "--configfile",
                str(config),
                "--cores",
                "1",
                "data/dl/prepared/prepare.json",
            ],
            capture_output=True,
            text=True,
        )

    bad = run_prepare("f" * 64)
    assert bad.returncode != 0
    assert "the config expects " + "f" * 64 in (tmp_path / "work/logs/dl/download.1.log").read_text()
    assert not (tmp_path / "work/downloads/general.tsv").exists()
    good = run_prepare(sha256(general))
    assert good.returncode == 0, good.stderr[-3000:]
    assert (tmp_path / "work/data/dl/prepared/seed.tgt").read_text().count("\n") == 100
