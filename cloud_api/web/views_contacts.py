"""画面11 連絡先情報確認: filter the municipality's terminals, count them, download as CSV."""
from __future__ import annotations

from collections.abc import Iterator

from flask import Response, render_template, request, stream_with_context
from sqlalchemy.orm import Session

from cloud_api.context import cloud
from cloud_api.services.console import contacts
from cloud_api.services.reports.reader import read_connection
from cloud_api.web import security
from cloud_api.web.blueprint import bp
from cloud_api.web.downloads import attachment
from cloud_api.web.forms import db

FILTER_LABELS = [("terminal_id", "端末ID"), ("place", "設置場所"), ("person", "担当者名"),
                 ("address", "住所"), ("email", "メールアドレス"), ("business_name", "ID付与事業者名"),
                 ("name", "端末名"), ("postal_code", "郵便番号"), ("phone", "電話番号")]


@bp.get("/contacts")
@security.screen("contacts")
def contacts_page() -> str:
    identity = security.current()
    args = {k: request.args.get(k, "") for k in ("category", *dict(FILTER_LABELS))}
    flt = contacts.ContactFilter.from_form(args)
    shown = "show" in request.args
    with db() as session:
        total = contacts.count(session, identity.municipality_code or "", flt) if shown else 0
        rows = list(contacts.rows(session, identity.municipality_code or "", flt)) if shown else []
    return render_template("contacts.html", args=args, shown=shown, total=total, rows=rows,
                           filters=FILTER_LABELS, page_rows=contacts.PAGE_ROWS,
                           category_name=_category_name(flt.category))


@bp.get("/contacts.csv")
@security.screen("contacts")
def contacts_csv() -> Response:
    code = security.current().municipality_code or ""
    flt = contacts.ContactFilter.from_form(request.args.to_dict())
    engine = cloud().engine

    def body() -> Iterator[bytes]:
        with read_connection(engine) as conn:
            session = Session(bind=conn)
            yield "\ufeff".encode()
            for line in contacts.csv_lines(session, code, flt):
                yield line.encode("utf-8")

    return attachment(stream_with_context(body()), "連絡先情報.csv", "text/csv; charset=utf-8")


def _category_name(category: str) -> str:
    return {"A": "(ア) サービスIDの確認を行う端末", "I": "(イ) 自治体ポイントを使う端末",
            "U": "(ウ) ポイントの発行端末",
            "E": "(エ) いわゆる行政ポイントとしての自治体ポイント付与登録を行う端末"}.get(category, "すべて")
