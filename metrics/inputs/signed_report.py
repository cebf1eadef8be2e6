"""A commune's signed report attached to its round report: a PDF or a Word file (.docx, or the
old .doc), told by its content (not its name), at most MAX_ATTACHMENT_BYTES, with a file name
safe to download under. Every refusal says in Vietnamese what is wrong and how to fix it."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from metrics.attachment_limit import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENT_MB
from metrics.fmt import fmt_int
from metrics.normalise import nfc, strip_marks

MAX_NAME_CHARS = 150
EXTENSIONS = {"pdf": ".pdf", "docx": ".docx", "doc": ".doc"}
MIME = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
}
KIND_WORDS = {"pdf": "PDF", "docx": "Word (.docx)", "doc": "Word 97–2003 (.doc)"}

_PDF_MAGIC = b"%PDF-"
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
# A Word 97–2003 file is an OLE compound file holding a stream named "WordDocument" (its name
# is written in UTF-16 in the file's directory); Excel and PowerPoint files of that age are
# compound files too, without it.
_WORD_STREAM = "WordDocument".encode("utf-16-le")
FIX = "Đính kèm bản báo cáo có chữ ký dạng PDF (bản quét) hoặc Word (.docx, .doc)."


class AttachmentRefused(Exception):
    """The file cannot be attached; the message says why in Vietnamese. Nothing was written."""


@dataclass(frozen=True)
class SignedReport:
    """A checked file: its kind, the name it came with (shown as text), its bytes."""

    file_name: str
    kind: str
    content: bytes

    @property
    def size(self) -> int:
        return len(self.content)


def size_text(size: int) -> str:
    """ "1,2 MB", "35 KB", "800 byte": a file's size the Vietnamese way."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}".replace(".", ",") + " MB"
    if size >= 1024:
        return f"{fmt_int(round(size / 1024))} KB"
    return f"{fmt_int(size)} byte"


def too_large(name: str, size: int) -> str | None:
    """Why a file of this size cannot be attached (asked before its bytes are read), or None."""
    if size > MAX_ATTACHMENT_BYTES:
        return (
            f"Tệp “{name}” nặng {size_text(size)}, quá giới hạn {MAX_ATTACHMENT_MB} MB của báo cáo "
            "đính kèm. Quét lại với độ phân giải thấp hơn (150–200 dpi, đen trắng) hoặc nén "
            "tệp PDF rồi đính kèm lại."
        )
    return None


def shown_name(name: str) -> str:
    """The file's own name without folders or control characters, as the page shows it."""
    base = re.split(r"[\\/]", nfc(name or ""))[-1]
    base = "".join(c for c in base if c.isprintable()).strip()
    return base[:MAX_NAME_CHARS] or "bao_cao"


def download_name(name: str, kind: str) -> str:
    """A name every system accepts for the downloaded file: ASCII letters, digits, "_", "-",
    the extension of its real kind ("Báo cáo Đăk Long (ký).PDF" → "Bao_cao_Dak_Long_ky.pdf")."""
    stem = shown_name(name)
    if "." in stem:
        stem = stem.rsplit(".", 1)[0]
    safe = re.sub(r"[^A-Za-z0-9-]+", "_", strip_marks(stem)).strip("_-")[:80]
    return (safe or "bao_cao") + EXTENSIONS[kind]


def content_kind(content: bytes) -> str | None:
    """pdf, docx or doc by what the bytes are; None for anything else."""
    if content.startswith(_PDF_MAGIC):
        return "pdf" if b"%%EOF" in content[-2048:] else None
    if content.startswith(_ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as z:
                names = set(z.namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        # The parts every Word document has; nothing is unpacked.
        return "docx" if {"word/document.xml", "[Content_Types].xml"} <= names else None
    if content.startswith(_OLE_MAGIC):
        return "doc" if _WORD_STREAM in content else None
    return None


def check_signed_report(name: str, content: bytes) -> SignedReport:
    """The file as it may be attached, or AttachmentRefused saying what is wrong."""
    shown = shown_name(name)
    if not content:
        raise AttachmentRefused(f"Tệp “{shown}” rỗng (0 byte). {FIX}")
    refusal = too_large(shown, len(content))
    if refusal:
        raise AttachmentRefused(refusal)
    kind = content_kind(content)
    ext = shown.rsplit(".", 1)[-1].lower() if "." in shown else ""
    if kind is None:
        if ext in EXTENSIONS:
            raise AttachmentRefused(
                f"Tệp “{shown}” mang đuôi .{ext} nhưng nội dung không phải "
                f"{KIND_WORDS[ext]} hợp lệ (tệp hỏng hoặc đổi tên từ loại khác). Mở tệp bằng "
                "Word hoặc trình đọc PDF để kiểm tra, lưu lại đúng định dạng rồi đính kèm lại."
            )
        raise AttachmentRefused(
            f"Tệp “{shown}” không phải PDF hay Word. {FIX} Ảnh chụp hãy ghép thành một tệp PDF."
        )
    if ext in EXTENSIONS and ext != kind:
        raise AttachmentRefused(
            f"Tệp “{shown}” mang đuôi .{ext} nhưng nội dung là {KIND_WORDS[kind]}. Đặt lại tên "
            f"tệp với đuôi {EXTENSIONS[kind]} rồi đính kèm lại."
        )
    return SignedReport(shown, kind, content)
