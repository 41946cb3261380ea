"""Which evidence files are accepted, and how a file is checked.

A file's name is easy to change, so the kind it claims (its extension) must
agree with what its first bytes say it is. Office documents are zip archives
and are told apart by what is inside them; text must be text."""

import zipfile
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

MAX_SIZE = 10 * 1024 * 1024

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"

# Extension -> the content type the file is sent back with.
ACCEPTED = {
    ".pdf": PDF,
    ".docx": DOCX,
    ".odt": ODT,
    ".xlsx": XLSX,
    ".ods": ODS,
    ".csv": "text/csv",
    ".txt": "text/plain",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}

ACCEPTED_LIST = _(
    "PDF, Word (.docx), OpenDocument text (.odt), spreadsheets (.xlsx, .ods, "
    ".csv), plain text (.txt) or images (.png, .jpg)"
)


def _head(upload, size=4096):
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def _zip_names(upload):
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            mimetype = (
                archive.read("mimetype").decode("ascii", "replace").strip()
                if "mimetype" in names
                else ""
            )
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return None, ""
    finally:
        upload.seek(0)
    return names, mimetype


def _is_text(head):
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # The 4 KB sample may end inside a character.
        if error.start < len(head) - 3:
            try:
                head.decode("cp1252")
            except UnicodeDecodeError:
                return False
    return True


def content_matches(extension, upload):
    head = _head(upload)
    if extension == ".pdf":
        return head.startswith(b"%PDF-")
    if extension == ".png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in (".jpg", ".jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if extension in (".csv", ".txt"):
        return _is_text(head)
    if not head.startswith(b"PK\x03\x04"):
        return False
    names, mimetype = _zip_names(upload)
    if names is None:
        return False
    if extension == ".docx":
        return "word/document.xml" in names
    if extension == ".xlsx":
        return "xl/workbook.xml" in names
    if extension == ".odt":
        return mimetype == ODT
    if extension == ".ods":
        return mimetype == ODS
    return False


def check(upload):
    """Raise ValidationError, with a message for the person uploading, unless
    `upload` is an accepted evidence file. Returns its content type."""
    if upload.size == 0:
        raise ValidationError(_("The chosen file is empty"), code="empty")
    if upload.size > MAX_SIZE:
        raise ValidationError(
            _("The file must be smaller than %(limit)s; this one is %(size)s")
            % {"limit": filesizeformat(MAX_SIZE), "size": filesizeformat(upload.size)},
            code="too_large",
        )
    extension = PurePath(upload.name or "").suffix.lower()
    if extension not in ACCEPTED:
        raise ValidationError(
            _("The file must be a %(kinds)s") % {"kinds": ACCEPTED_LIST},
            code="wrong_type",
        )
    if not content_matches(extension, upload):
        raise ValidationError(
            _(
                "The file is named as %(extension)s but its contents are not; "
                "save it again in that format, or choose another file"
            )
            % {"extension": extension},
            code="content_mismatch",
        )
    return ACCEPTED[extension]
