"""A commune's signed report attached to its round report, with real files: a .docx written by
python-docx, a PDF LibreOffice made from it, a Windows .exe and a PNG renamed to .pdf/.docx, a
PDF over the size limit. Checked by content, refused with a Vietnamese message and the store
unchanged, kept with the report, downloadable by the commune and its province's reviewers only."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import docx
import pip
import polars as pl
import pytest
from PIL import Image
from test_rounds import DAK_LONG, GOOD, filled_form, fingerprint, open_round, run, store  # noqa: F401

from metrics.auth import Principal
from metrics.inputs.signed_report import (
    MAX_ATTACHMENT_BYTES,
    AttachmentRefused,
    check_signed_report,
    download_name,
)
from metrics.rounds import RoundRefused, attachment_download, attachment_line
from metrics.store import connect
from metrics.store import rounds as rs

EXE = Path(pip.__file__).parent / "_vendor" / "distlib" / "t64.exe"  # a real Windows program


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("dinh_kem")
    word = docx.Document()
    word.add_heading("UBND XÃ ĐĂK LONG", level=1)
    word.add_paragraph("Báo cáo kết quả xây dựng xã hội học tập năm 2025.")
    word.add_paragraph("Chủ tịch UBND xã (ký, đóng dấu)")
    signed_docx = folder / "Báo cáo Đăk Long (ký).docx"
    word.save(signed_docx)
    subprocess.run(
        ["libreoffice", "--headless", "--convert-to", "pdf", "--outdir", str(folder),
         str(signed_docx)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    signed_pdf = folder / "Báo cáo Đăk Long (ký).pdf"
    assert signed_pdf.read_bytes().startswith(b"%PDF-")
    png = folder / "anh_chup.png"
    Image.new("RGB", (40, 30), "white").save(png)
    renamed_png = folder / "bao_cao.pdf"
    shutil.copy(png, renamed_png)
    renamed_exe = folder / "bao_cao_ky.docx"
    shutil.copy(EXE, renamed_exe)
    assert renamed_exe.read_bytes()[:2] == b"MZ"
    # A real PDF grown past the limit (a scan at too high a resolution would be this size).
    big = folder / "ban_quet_600dpi.pdf"
    body = signed_pdf.read_bytes()
    big.write_bytes(body + b"%" + b"0" * (MAX_ATTACHMENT_BYTES + 1 - len(body)) + b"\n%%EOF\n")
    return {
        "docx": signed_docx,
        "pdf": signed_pdf,
        "png": png,
        "renamed_png": renamed_png,
        "renamed_exe": renamed_exe,
        "big": big,
    }


def test_a_file_is_told_by_its_content_not_its_name(files: dict[str, Path]) -> None:
    for key, kind in (("docx", "docx"), ("pdf", "pdf")):
        signed = check_signed_report(files[key].name, files[key].read_bytes())
        assert (signed.kind, signed.file_name) == (kind, files[key].name)
    assert download_name("Báo cáo Đăk Long (ký).PDF", "pdf") == "Bao_cao_Dak_Long_ky.pdf"
    assert download_name("../../<script>.docx", "docx") == "script.docx"
    refused = {
        "renamed_png": "Tệp “bao_cao.pdf” mang đuôi .pdf nhưng nội dung không phải PDF hợp lệ",
        "renamed_exe": "Tệp “bao_cao_ky.docx” mang đuôi .docx nhưng nội dung không phải Word (.docx)",
        "png": "Tệp “anh_chup.png” không phải PDF hay Word. Đính kèm bản báo cáo có chữ ký dạng PDF",
        "big": "nặng 10,0 MB, quá giới hạn 10 MB của báo cáo đính kèm",
    }
    for key, says in refused.items():
        with pytest.raises(AttachmentRefused) as exc:
            check_signed_report(files[key].name, files[key].read_bytes())
        assert says in str(exc.value), key
    # A Word file named .pdf: said what it is and how to rename it.
    with pytest.raises(AttachmentRefused, match=r"nội dung là Word \(.docx\). Đặt lại tên"):
        check_signed_report("bao_cao.pdf", files["docx"].read_bytes())


def attachment_of(path: Path, code: str = DAK_LONG):
    con = connect(path, read_only=True)
    try:
        place_id = f"X{code}"
        return rs.attachment(con, place_id, 2025), rs.attachment_content(con, place_id, 2025)
    finally:
        con.close()


def download(path: Path, who: Principal | None) -> tuple[str, str, bytes]:
    con = connect(path, read_only=True)
    try:
        return attachment_download(con, who, DAK_LONG, 2025)
    finally:
        con.close()


def test_attached_on_submission_and_downloaded_by_its_reviewers_only(
    capsys,
    store: Path,  # noqa: F811 (the fixture of test_rounds)
    tmp_path: Path,
    files: dict[str, Path],
) -> None:
    assert open_round(capsys)[0] == 0
    form = filled_form(capsys, tmp_path, DAK_LONG, GOOD)
    submit = ("rounds", "submit", str(form), "--unit", DAK_LONG, "--year", "2025", "--user",
              "xa.daklong")  # fmt: skip

    # Not a document, or too large: refused, saying why and how to fix it; nothing changes.
    before = fingerprint(store)
    for key, says in (
        ("renamed_exe", "mang đuôi .docx nhưng nội dung không phải Word (.docx) hợp lệ"),
        ("renamed_png", "mang đuôi .pdf nhưng nội dung không phải PDF hợp lệ"),
        ("big", "quá giới hạn 10 MB"),
    ):
        code, out, err = run(capsys, *submit, "--attachment", str(files[key]))
        assert (code, out, fingerprint(store)) == (1, "", before), err
        assert says in err and "Kho dữ liệu không thay đổi." in err, err
    code, _, err = run(capsys, *submit, "--attachment", str(tmp_path / "khong_co.pdf"))
    assert (code, fingerprint(store)) == (1, before)
    assert "Không tìm thấy tệp đính kèm" in err

    # A draft with the Word file, then submitted with the PDF, which replaces it.
    code, out, _ = run(capsys, *submit, "--draft", "--attachment", str(files["docx"]))
    assert (code, out.strip()) == (
        0,
        "Đã lưu nháp báo cáo năm 2025 của Xã Đăk Long (lần lưu 2, 11 ô thay đổi, "
        "kèm Báo cáo Đăk Long (ký).docx).",
    )
    meta, content = attachment_of(store)
    assert meta is not None and (meta["kind"], meta["attached_by"]) == ("docx", "xa.daklong")
    assert content == files["docx"].read_bytes()
    code, out, _ = run(capsys, *submit, "--attachment", str(files["pdf"]))
    assert code == 0 and out.strip().endswith("kèm Báo cáo Đăk Long (ký).pdf).")
    meta, content = attachment_of(store)
    pdf = files["pdf"].read_bytes()
    assert meta is not None and content == pdf
    assert (meta["file_name"], meta["kind"], meta["size_bytes"], meta["sha256"]) == (
        "Báo cáo Đăk Long (ký).pdf",
        "pdf",
        len(pdf),
        hashlib.sha256(pdf).hexdigest(),
    )
    line = attachment_line(meta)
    assert line is not None and line.startswith("Đã đính kèm: Báo cáo Đăk Long (ký).pdf — PDF, ")
    assert line.endswith(", bởi xa.daklong")
    con = connect(store, read_only=True)
    try:
        events = rs.events(con, f"X{DAK_LONG}", 2025)
    finally:
        con.close()
    attached = events.sort("seq").filter(pl.col("action") == "attach")["detail"].to_list()
    assert attached[0].startswith("Đính kèm Báo cáo Đăk Long (ký).docx (Word (.docx), ")
    assert attached[1].startswith(
        "Thay Báo cáo Đăk Long (ký).docx bằng Báo cáo Đăk Long (ký).pdf (PDF, "
    )

    # Submitted: the file can no longer be replaced.
    after = fingerprint(store)
    code, _, err = run(capsys, *submit, "--attachment", str(files["docx"]))
    assert (code, fingerprint(store)) == (1, after)
    assert "đang chờ duyệt" in err

    # The commune, its province's reviewers (and the country's), an admin download it.
    def person(name: str, role: str, unit: str | None) -> Principal:
        return Principal(name=name, display_name=name, role=role, unit=unit)  # type: ignore[arg-type]

    for who in (
        person("xa.daklong", "reporter", DAK_LONG),
        person("duyet.qn", "reviewer", "51"),
        person("duyet.tw", "reviewer", "VN"),
        person("quan.tri", "admin", None),
    ):
        assert download(store, who) == ("Bao_cao_Dak_Long_ky.pdf", "application/pdf", pdf), who
    # Nobody else: another commune, another province's reviewer, an editor, a viewer, a guest.
    for who in (
        person("xa.anphu", "reporter", "21034"),
        person("duyet.hn", "reviewer", "01"),
        person("bien.tap", "editor", "51"),
        person("lanh.dao", "viewer", "51"),
        None,
    ):
        with pytest.raises(RoundRefused, match="không được tải báo cáo đính kèm của Xã Đăk Long"):
            download(store, who)
    code, out, _ = run(capsys, "check", "--json")
    assert code == 0 and '"problems": []' in out
