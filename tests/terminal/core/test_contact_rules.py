"""GIVEN what a clerk types on 画面10 and the point screens WHEN validated THEN each bad field gets
its Japanese message and good input comes out normalised."""
from __future__ import annotations

import pytest

from terminal_app.domain import rules
from terminal_app.domain.contact import Contact, ContactForm, contact_errors, validate_contact
from terminal_app.domain.errors import FieldErrors, UserFacingError


def good_form(**changes: str) -> ContactForm:
    form = ContactForm("高津図書館", "高津図書館1台目", "川崎太郎", "213", "0001",
                       "神奈川県川崎市高津区溝口1-1", "044-123-4567", "taro@example.jp",
                       "taro@example.jp", "000001")
    for name, value in changes.items():
        setattr(form, name, value)
    return form


def test_valid_form_gives_the_contact_with_full_width_digits_normalised() -> None:
    contact = validate_contact(good_form(postal_first="２１３", phone="０４４-１２３-４５６７"),
                               category="A", id_business_ids=["000001"])
    assert contact.postal_code == "2130001" and contact.phone == "044-123-4567"
    assert contact.to_json()["id_business_id"] == "000001"


def test_non_a_terminal_sends_no_business() -> None:
    contact = validate_contact(good_form(), category="I")
    assert "id_business_id" not in contact.to_json()


@pytest.mark.parametrize("field, value, expected", [
    ("place", "", "設置場所を入力してください。"),
    ("name", "  ", "端末名を入力してください。"),
    ("person", "あ" * 31, "担当者名は30文字以内で入力してください。"),
    ("place", "あ" * 51, "設置場所は50文字以内で入力してください。"),
    ("address", "あ" * 121, "住所は120文字以内で入力してください。"),
    ("postal_first", "21", "郵便番号は3桁と4桁の数字で入力してください。"),
    ("postal_second", "00a1", "郵便番号は3桁と4桁の数字で入力してください。"),
    ("phone", "044(123)4567", "電話番号は数字とハイフンで、数字15桁以内で入力してください。"),
    ("phone", "1234567890123456", "電話番号は数字とハイフンで、数字15桁以内で入力してください。"),
    ("email", "taro@", "メールアドレスの形式が正しくありません。"),
    ("email_confirm", "jiro@example.jp", "メールアドレスと確認用のメールアドレスが一致しません。"),
    ("id_business_id", "", "ID付与事業者名を選択してください。"),
    ("id_business_id", "999999", "選択されたID付与事業者はこの端末では選べません。"),
])
def test_each_rule_maps_to_its_field(field: str, value: str, expected: str) -> None:
    errors = contact_errors(good_form(**{field: value}), category="A",
                            id_business_ids=["000001"])
    key = "postal_code" if field.startswith("postal") else field
    assert errors == {key: expected}


def test_validate_raises_field_errors_with_the_first_message() -> None:
    with pytest.raises(FieldErrors) as info:
        validate_contact(good_form(place="", email="x"), category="I")
    assert set(info.value.errors) == {"place", "email"}
    assert str(info.value) == "設置場所を入力してください。"


def test_form_from_contact_splits_the_postal_code() -> None:
    form = ContactForm.from_contact(Contact("p", "n", "q", "2130001", "a", "1", "e@x.jp"))
    assert (form.postal_first, form.postal_second) == ("213", "0001")


@pytest.mark.parametrize("text, balance, ok", [
    ("500", 1730, 500), ("1,730", 1730, 1730), ("５００", None, 500),
    ("0", None, None), ("-5", None, None), ("1.5", None, None), ("", None, None),
    ("1731", 1730, None), ("10000001", None, None),
])
def test_amount(text: str, balance: int | None, ok: int | None) -> None:
    if ok is None:
        with pytest.raises(UserFacingError):
            rules.amount(text, balance)
    else:
        assert rules.amount(text, balance) == ok


def test_amount_over_balance_names_the_balance() -> None:
    with pytest.raises(UserFacingError, match="1,730ポイント"):
        rules.amount("2000", 1730)


@pytest.mark.parametrize("check, good, bad", [
    (rules.validity_days, ["1", "30", 7], ["0", "31", "x"]),
    (rules.voucher_no, ["987654321012", "9876-5432-1012"], ["98765432101", "98765432101a"]),
    (rules.customer_id, ["180000000011", "AB-12"], ["", "a" * 21, "番号"]),
    (rules.terminal_id, ["00052459"], ["0005245", "0005245a"]),
    (rules.auth_pin, ["1234"], ["123", "12345", "abcd"]),
    (rules.sign_password, ["ABC123", "abc123def"], ["ABC12", "A" * 17, "ABC-123"]),
    (rules.mykey_id, ["MY123456", "my123456"], ["MY12345", "MY12345!"]),
])
def test_simple_rules(check, good, bad) -> None:  # type: ignore[no-untyped-def]
    for value in good:
        check(value)
    for value in bad:
        with pytest.raises(UserFacingError):
            check(value)


def test_mykey_password_twice_and_equal() -> None:
    assert rules.mykey_password("abc123", "abc123") == "abc123"
    with pytest.raises(UserFacingError, match="一致しません"):
        rules.mykey_password("abc123", "abc124")
    with pytest.raises(UserFacingError, match="6〜16桁"):
        rules.mykey_password("abc", "abc")


def test_idempotency_key_generated_or_checked() -> None:
    generated = rules.idempotency_key(None)
    assert rules.IDEMPOTENCY_KEY.match(generated) and generated != rules.idempotency_key(None)
    assert rules.idempotency_key("spend-0001") == "spend-0001"
    with pytest.raises(UserFacingError):
        rules.idempotency_key("short")


def test_period() -> None:
    assert str(rules.period("2017-08-01", "2017-08-31")[1]) == "2017-08-31"
    with pytest.raises(UserFacingError, match="開始日"):
        rules.period("2017-09-01", "2017-08-31")
    with pytest.raises(UserFacingError, match="YYYY-MM-DD"):
        rules.period("2017/08/01", "2017-08-31")
