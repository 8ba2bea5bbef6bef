import datetime as dt

import pytest

from assistant.types import DocumentKind
from corpus.manifest import ManifestError, discover, infer_meta, load_manifest

REPO_MANIFEST = "corpus/documents/corpus.toml"


def test_default_manifest_describes_both_documents():
    entries = load_manifest(__import__("pathlib").Path(REPO_MANIFEST))
    report = entries["redbridge-lscb-annual-report-2016-17.txt"]
    assert report.id == "redbridge-lscb-annual-report-2016-17"
    assert report.kind is DocumentKind.ANNUAL_REPORT
    assert report.area == "Redbridge"
    wt = entries["working-together-to-safeguard-children-2023.pdf"]
    assert wt.kind is DocumentKind.STATUTORY_GUIDANCE
    assert wt.published == dt.date(2023, 12, 15)


def test_invalid_kind_names_the_choices(tmp_path):
    path = tmp_path / "corpus.toml"
    path.write_text('[[document]]\nid = "x"\nfile = "x.pdf"\ntitle = "X"\nkind = "leaflet"\n')
    with pytest.raises(ManifestError, match="thresholds-guidance"):
        load_manifest(path)


def test_duplicate_ids_and_bad_toml_are_reported(tmp_path):
    path = tmp_path / "corpus.toml"
    path.write_text('[[document]]\nid = "x"\nfile = "a.pdf"\ntitle = "A"\n[[document]]\nid = "x"\nfile = "b.pdf"\ntitle = "B"\n')
    with pytest.raises(ManifestError, match="used twice"):
        load_manifest(path)
    path.write_text("[[document]\n")
    with pytest.raises(ManifestError, match="not valid TOML"):
        load_manifest(path)


def test_unlisted_file_gets_inferred_metadata(tmp_path):
    meta = infer_meta(tmp_path / "Havering_Threshold-Guidance_2019.pdf", tmp_path)
    assert meta.id == "havering-threshold-guidance-2019"
    assert meta.kind is DocumentKind.THRESHOLDS_GUIDANCE
    assert meta.published == dt.date(2019, 1, 1)
    assert meta.in_manifest is False


def test_discover_skips_hidden_files_and_the_manifest(tmp_path):
    (tmp_path / "corpus.toml").write_text("")
    (tmp_path / ".hidden.pdf").write_text("x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("x")
    extra = tmp_path.parent / f"{tmp_path.name}-extra.md"
    extra.write_text("# x")
    assert [p.name for p in discover(tmp_path, [extra])] == ["a.txt", extra.name]
