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
    # web console (WEB): forms, login, reports
    "web_field_required": "{label}を入力してください。",
    "web_field_too_long": "{label}は{max_len}文字以内で入力してください。",
    "web_field_hyphen": "{label}はハイフンなしの半角数字で入力してください。",
    "web_field_digits": "{label}は半角数字で入力してください。",
    "web_field_exact_len": "{label}は{length}桁で入力してください。",
    "web_field_email": "{label}の形式が正しくありません。",
    "web_field_integer": "{label}は1から{maximum}までの半角数字で入力してください。",
    "web_field_date": "{label}はYYYY/MM/DDの形式で入力してください。",
    "web_field_choice": "{label}を選択してください。",
    "web_code_format": "全国地方公共団体コードは6桁の半角数字で入力してください。",
    "web_code_check_digit": "全国地方公共団体コードの検査数字（6桁目）が正しくありません。",
    "web_code_not_own": "全国地方公共団体コードがログイン中の自治体と一致しません。",
    "web_period_order": "集計対象期間・サービス期間の終了日は開始日以降の日付を入力してください。",
    "web_login_failed": "IDまたはパスワードが正しくありません。",
    "web_login_locked": "パスワードの誤りが続いたため、このIDはロックされています。管理者にお問い合わせください。",
    "web_login_required": "ログインしてください。",
    "web_session_expired": "30分間操作がなかったため、ログアウトしました。もう一度ログインしてください。",
    "web_logged_out": "ログアウトしました。",
    "web_csrf_failed": "画面の有効期限が切れたか、正しくない送信です。画面を開き直して、もう一度操作してください。",
    "web_forbidden": "この画面を利用する権限がありません。",
    "web_postal_format": "郵便番号はハイフンなしの7桁の半角数字で入力してください。",
    "web_postal_not_found": "郵便番号に該当する住所が見つかりません。",
    "web_targets_required": "ポイント利用先を1件以上選択してください。",
    "web_point_required": "ポイントを選択してください。",
    "web_point_registered": "自治体ポイントの登録が完了しました。",
    "web_event_registered": "特定支援イベントの登録が完了しました。",
    "web_grant_registered": "登録処理が完了しました。",
    "web_business_id_taken": "この付与事業IDは既に登録されています。",
    "web_transfers_unavailable": "地域経済応援ポイントの移行記録は、まだ本システムに存在しません（協力会社からの移行機能は未実装です）。このため表示できる移行件数・移行ポイント数はありません。",
    "web_staff_exists": "このログインIDは既に使われています。",
}


def message(code: str, **params: object) -> str:
    text = JA.get(code, JA["bad_request"])
    return text.format(**params) if params else text
