"""Exporting the directory as HSDS 3.0 JSON."""

from __future__ import annotations

from caremap.directory import hsds
from caremap.directory.importing import models_by_table


def directory_rows() -> dict[str, list[dict]]:
    """Every directory row, by HSDS table, keyed by HSDS field (column) name."""
    rows = {}
    for table, model in models_by_table().items():
        columns = [f.column for f in model._meta.concrete_fields]
        attnames = [f.attname for f in model._meta.concrete_fields]
        rows[table] = [
            dict(zip(columns, values, strict=True))
            for values in model.objects.order_by("pk").values_list(*attnames)
        ]
    return rows


def export_services_json() -> list[dict]:
    """Every service as a full HSDS service object, ordered by id."""
    return hsds.service_documents(directory_rows())
