"""Japanese message catalogue of the card driver (the source language; English can follow).

Every text a clerk or card holder may see comes from here, keyed by a stable identifier,
so that a translation only has to provide another dictionary with the same keys
(`CATALOGUE.use(overlay)`, drivers.catalogue).
"""
from __future__ import annotations

from drivers.catalogue import Catalogue

MESSAGES: dict[str, str] = {
    "reader_unavailable": "カードリーダーのサービスが利用できません（PC/SC サービスが停止しているか、"
                          "ドライバが入っていません）。",
    "no_reader": "カードリーダーが接続されていません。",
    "no_card": "カードがセットされていません。マイナンバーカードをリーダーに置いてください。",
    "card_removed": "読み取り中にカードが外されました。もう一度カードを置いてください。",
    "not_mynumber_card": "マイナンバーカードではありません（公的個人認証の情報がありません）。",
    "wrong_pin": "{what}が違います。あと{tries}回間違えるとロックされます。",
    "pin_blocked": "{what}がロックされています。お住まいの市区町村窓口で解除の手続きをしてください。",
    "protocol_error": "カードとの通信に失敗しました（応答 {sw:04X}）。カードを置き直してください。",
    "card_busy": "他のアプリケーションがカードを使用中です。",
    "bad_pin_format": "暗証番号は数字4桁で入力してください。",
    "bad_password_format": "署名用パスワードは英大文字と数字の6〜16文字で入力してください。",
    "bad_collation_format": "照合番号Bは数字14桁で入力してください。",
    "bad_credential_choice": "暗証番号か照合番号Bのどちらか一方を入力してください。",
    "bad_birth_date": "生年月日が正しくありません（明治以降の日付を入力してください）。",
    "bad_expiry_year": "カードの有効期限の年は西暦4桁で入力してください。",
    "bad_security_code": "セキュリティコードは数字4桁で入力してください。",
    "bad_reader_spec": "カードリーダーの指定が正しくありません: {spec}"
                       "（pcsc / pcsc:<リーダー名> / virtual:<カードファイル>）",
    "no_certificate": "カードに利用者証明用電子証明書がありません。",
    "bad_card_file": "仮想カードファイルを読み込めません: {detail}",
    "auth_pin": "利用者証明用暗証番号",
    "sign_password": "署名用パスワード",
    "text_pin": "券面事項入力補助用暗証番号",
    "collation_b": "照合番号B",
    "sex_male": "男",
    "sex_female": "女",
    "sex_other": "その他・不明",
}


CATALOGUE = Catalogue("drivers.card", MESSAGES)
# message(code, **params): the text, or the code itself (logged) when missing; see drivers.catalogue
message = CATALOGUE.message
