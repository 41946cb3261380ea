import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from caremap.selfaudits import actions, checklist

Q1 = (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
Q2 = (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))
Q3 = (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30))

AREAS = checklist.get(checklist.CURRENT).areas
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def start(organisation, by, period=Q1):
    return actions.start_audit(
        organisation, by=by, period_start=period[0], period_end=period[1]
    )


def answer_all(audit, by, rating="yes", **ratings):
    for area in AREAS:
        actions.save_answer(
            audit,
            area.key,
            by=by,
            rating=ratings.get(area.key.replace("-", "_"), rating),
            evidence=f"Notes on {area.key}",
        )


def completed(organisation, by, period=Q1, rating="yes", **ratings):
    audit = start(organisation, by, period)
    answer_all(audit, by, rating, **ratings)
    return actions.complete_audit(audit, by=by)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    return settings.MEDIA_ROOT
