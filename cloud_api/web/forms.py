"""Small helpers shared by the console views: form dicts, confirm-page rows, the DB session."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import request
from sqlalchemy.orm import Session

from cloud_api.context import cloud
from cloud_api.db import unit_of_work
from cloud_api.services.console.fields import ACCOUNT_TYPES

LABELS = {
    "point_name": "ポイント名", "validity_days": "有効期限", "municipality_name": "自治体名",
    "municipality_code": "全国地方公共団体コード", "department": "所属(ポイント担当)",
    "person": "担当者名", "postal_code": "郵便番号", "address": "住所", "phone": "電話番号",
    "email": "メールアドレス", "bank_name": "機関名", "bank_code": "機関コード",
    "bank_branch": "支店名", "bank_branch_code": "支店コード", "bank_account_type": "口座種別",
    "bank_account_number": "口座番号", "bank_account_holder": "口座名義人",
    "service_from": "サービス期間(開始)", "service_to": "サービス期間(終了)",
    "show_on_mypage": "マイページ表示有無",
}


def form_dict() -> dict[str, str]:
    """The posted form as single strings (the first value of each name)."""
    return {k: request.form.get(k, "") for k in request.form}


@contextmanager
def db() -> Iterator[Session]:
    with unit_of_work(cloud().sessions) as session:
        yield session


def display(name: str, value: str) -> str:
    """How a confirm page or the history shows one stored value."""
    if name == "validity_days" and value:
        return f"発行日を起点に{value}日間"
    if name == "bank_account_type":
        return ACCOUNT_TYPES.get(value, value)
    if name == "show_on_mypage":
        return {"1": "表示する", "0": "表示しない"}.get(value, value)
    return value


def confirm_rows(values: dict[str, str], names: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(LABELS.get(n, n), display(n, values.get(n, ""))) for n in names]
