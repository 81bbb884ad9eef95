"""Evidence uploads: named, sized and type-checked by content before they are kept (see services.files)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import filetype
from werkzeug.datastructures import FileStorage

# Extension -> the types its content may have. Office files are checked inside the zip or OLE container.
ALLOWED = {
    "pdf": {"application/pdf"},
    "png": {"image/png"},
    "jpg": {"image/jpeg"},
    "jpeg": {"image/jpeg"},
    "docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    "xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    "pptx": {"application/vnd.openxmlformats-officedocument.presentationml.presentation"},
    "doc": {"application/msword", "application/x-ole-storage"},
    "xls": {"application/vnd.ms-excel", "application/x-ole-storage"},
    "ppt": {"application/vnd.ms-powerpoint", "application/x-ole-storage"},
}
SERVED_AS = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
}
KINDS = "a PDF, Word, Excel, PowerPoint, PNG or JPEG file"


class EvidenceRefused(ValueError):
    """The upload is not acceptable; the message says why in plain English."""


@dataclass(frozen=True, slots=True)
class CheckedUpload:
    """An upload that passed every check, with the bytes to keep."""

    original_name: str
    content: bytes
    content_type: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)


def check_name(name: str | None) -> str:
    """Refuse empty names and names that try to reach other folders."""
    if not name:
        raise EvidenceRefused("Select a file to upload")
    if "/" in name or "\\" in name or name.startswith(".") or ".." in name or "\x00" in name:
        raise EvidenceRefused("The file name must not include folder names or start with a dot")
    if len(name) > 200:
        raise EvidenceRefused("The file name must be 200 characters or fewer")
    return name


def check(upload: FileStorage, limit: int) -> CheckedUpload:
    """Check an upload by name, size and content; return it with its SHA-256, or say why it is refused."""
    name = check_name(upload.filename)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED:
        raise EvidenceRefused(f"The selected file must be {KINDS}")
    content = upload.stream.read(limit + 1)
    if len(content) > limit:
        raise EvidenceRefused(f"The selected file must be smaller than {limit // (1024 * 1024)}MB")
    if not content:
        raise EvidenceRefused("The selected file is empty")
    kind = filetype.guess(content)
    detected = kind.mime if kind else None
    if detected not in ALLOWED[extension]:
        raise EvidenceRefused(f"The selected file's contents are not {KINDS} matching its .{extension} name")
    return CheckedUpload(name, content, SERVED_AS[extension], hashlib.sha256(content).hexdigest())
