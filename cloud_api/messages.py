"""The cloud's message catalogue: every user-visible error text, Japanese first.

Codes are stable (clients branch on them); texts are for people. An English catalogue can be added
beside JA with the same keys. Add new codes here, never inline a message in a view.
"""
from __future__ import annotations

JA: dict[str, str] = {
    # generic
    "bad_request": "リクエストの形式が正しくありません。",
    "validation_failed": "入力内容に誤りがあります。",
    "not_found": "指定されたデータが見つかりません。",
    "method_not_allowed": "この操作は許可されていません。",
    "internal_error": "システムエラーが発生しました。時間をおいて再度お試しください。（問い合わせ番号: {report_id}）",
    "unsupported_media_type": "JSON 形式で送信してください。",
    # terminal authentication
    "auth_required": "端末認証が必要です。",
    "auth_bad_signature": "端末認証に失敗しました（署名が一致しません）。",
    "auth_stale_timestamp": "端末の時刻がずれているため認証できません。端末の時刻設定を確認してください。",
    "auth_replayed": "同じ要求が再送されたため拒否しました。",
    "auth_wrong_fingerprint": "登録された端末と異なる端末からの要求です。",
    "auth_terminal_inactive": "この端末は利用できない状態です。自治体の担当者にお問い合わせください。",
    "terminal_bad_credentials": "端末IDまたは端末パスワードが正しくありません。",
    "terminal_locked": "パスワードの誤りが続いたため、この端末はロックされました。自治体の担当者にお問い合わせください。",
    "terminal_already_registered": "この端末IDは既に別の端末で登録されています。再登録には自治体の担当者によるリセットが必要です。",
    "forbidden_category": "この端末の区分では、この操作はできません。",
    "version_too_old": "この活用ソフトは古いバージョンです。バージョン {min_version} 以降に更新してください。",
    # idempotency
    "idempotency_key_required": "冪等キー（Idempotency-Key）が必要です。",
    "idempotency_key_invalid": "冪等キーの形式が正しくありません。",
    "idempotency_key_reused": "同じ冪等キーが別の内容の要求に使われました。",
    # cards and holders
    "card_not_registered": "このマイナンバーカードに対応するマイキーIDが登録されていません。",
    "card_certificate_invalid": "マイナンバーカードの電子証明書を確認できませんでした。",
    "card_certificate_revoked": "マイナンバーカードの電子証明書が失効しています。",
    "card_certificate_expired": "マイナンバーカードの電子証明書の有効期限が切れています。",
    "card_token_invalid": "カードの読取が無効または期限切れです。もう一度カードを読み取ってください。",
    "holder_revoked": "このマイキーIDは失効しています。",
    # ledger
    "amount_invalid": "ポイント数は1以上の整数で入力してください。",
    "insufficient_balance": "ポイント残高が不足しています。",
    "point_not_usable_here": "このポイントはこの端末では利用できません。",
    "point_outside_service_period": "このポイントはサービス期間外のため利用できません。",
    "voucher_validity_invalid": "ポイント券の有効期限は1日から30日の範囲で入力してください。",
    "voucher_not_found": "ポイント券が見つかりません。券番号を確認してください。",
    "voucher_already_redeemed": "このポイント券は既に消込済みです。",
    "voucher_expired": "このポイント券は有効期限が切れています。",
    "voucher_lapsed": "このポイント券は有効期限切れにより失効しています。",
    "txn_number_exhausted": "本日の取引済番号の上限に達しました。",
    "service_id_not_registered": "この利用者のサービスIDは登録されていません。",
}


def message(code: str, **params: object) -> str:
    text = JA.get(code, JA["bad_request"])
    return text.format(**params) if params else text
