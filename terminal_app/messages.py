"""The terminal's Qt-free message catalogue: every user-visible text of the core, Japanese first.

Services raise `UserFacingError(code, **params)`; the text comes from here so that an English
catalogue can be added beside `JA` with the same keys (`CATALOGUE.use(overlay)`). Receipt labels
belong to drivers.printer, screen labels to terminal_app/ui.
"""
from __future__ import annotations

from drivers.catalogue import Catalogue

JA: dict[str, str] = {
    # configuration and credentials
    "config_invalid": "設定ファイル（{path}）の内容が正しくありません: {reason}",
    "config_value_invalid": "設定「{name}」の値が正しくありません: {value}",
    "keyring_unavailable": "資格情報を保存する仕組み（OSのキーリング）が利用できません。"
                           "Windows では資格情報マネージャー、Linux では Secret Service"
                           "（gnome-keyring 等）を有効にしてください。",
    "keyring_write_failed": "端末の資格情報をOSのキーリングに保存できませんでした。",
    "credential_corrupt": "保存されている端末の資格情報が壊れています。端末の再登録が必要です。",
    "fingerprint_unavailable": "端末識別情報を取得できませんでした。",
    "not_registered": "この端末はまだ登録されていません。端末IDと端末パスワードで登録してください。",
    "already_registered": "この端末は既に登録されています。",
    "terminal_password_required": "端末パスワードを入力してください。",
    "registration_unconfirmed": "登録の結果を確認できませんでした（通信が途切れました）。登録が完了している場合がありますので、通信を確認してから活用ソフトを起動し直してください。",
    # cloud
    "cloud_unreachable": "自治体ポイント管理クラウドに接続できません。ネットワークを確認してください。",
    "cloud_bad_response": "自治体ポイント管理クラウドから想定外の応答がありました（{status}）。",
    "outcome_unknown": "通信が途切れたため、処理結果を確認できていません。"
                       "「再確認」を押すと同じ要求を再送して結果を確認します（二重に処理されることはありません）。",
    "idempotency_key_reused_local": "冪等キー {key} は別の内容の要求に既に使われています。",
    "outbox_unknown_key": "再確認する要求が見つかりません（{key}）。",
    "outbox_failed": "端末内の送信待ちデータを保存できませんでした。",
    "local_schema_too_new": "端末内のデータファイル（{path}）は、この活用ソフトより新しいバージョンで"
                            "作られています（形式 {found}、このバージョンが扱えるのは形式 {known} まで）。"
                            "ファイルは変更していません。活用ソフトを最新のバージョンに更新してください。",
    "version_too_old_local": "この活用ソフトは古いバージョンです。バージョン {min_version} 以降に更新してください。",
    "permission_denied": "この端末の区分では、この操作はできません。",
    # input validation (画面9/10 and others)
    "required": "{label}を入力してください。",
    "too_long": "{label}は{limit}文字以内で入力してください。",
    "terminal_id_format": "端末IDは8桁の数字で入力してください。",
    "postal_format": "郵便番号は3桁と4桁の数字で入力してください。",
    "postal_not_found": "郵便番号 {postal} に該当する住所が見つかりません。",
    "phone_format": "電話番号は数字とハイフンで、数字15桁以内で入力してください。",
    "email_format": "メールアドレスの形式が正しくありません。",
    "email_mismatch": "メールアドレスと確認用のメールアドレスが一致しません。",
    "id_business_required": "ID付与事業者名を選択してください。",
    "id_business_unknown": "選択されたID付与事業者はこの端末では選べません。",
    "amount_format": "ポイント数は1以上の整数で入力してください。",
    "amount_over_balance": "ポイント数が残高（{balance}ポイント）を超えています。",
    "validity_days_format": "ポイント券の有効期限は1日から30日の範囲で入力してください。",
    "voucher_no_format": "ポイント券の券番号は12桁の数字で入力してください。",
    "customer_id_format": "利用カード番号は1〜20文字の半角英数字とハイフンで入力してください。",
    "shopping_id_format": "商店街ポイントカードの番号は1〜20文字の半角英数字とハイフンで入力してください。",
    "point_unknown": "選択したポイントはこの利用者の利用可能なポイントにありません。",
    "date_format": "日付は YYYY-MM-DD の形式で入力してください。",
    "date_range": "期間の開始日が終了日より後になっています。",
    "idempotency_key_format": "冪等キーは8〜64文字の半角英数字・ハイフン・アンダースコアで指定してください。",
    # card and PINs
    "pin_format": "利用者証明用電子証明書のパスワードは4桁の数字で入力してください。",
    "sign_password_format": "署名用電子証明書のパスワードは6〜16文字の半角英大文字と数字で入力してください。",
    "no_sign_certificate": "このマイナンバーカードには署名用電子証明書がありません。住所変更の自動通知は利用できません。",
    "progress_connect": "マイナンバーカードに接続しています…",
    "progress_certificate": "利用者証明用電子証明書を読み取っています…",
    "progress_pin": "暗証番号を確認しています…",
    "progress_sign_cert": "署名用電子証明書を読み取っています…",
    "progress_cloud": "マイキープラットフォームに照会しています…",
    "progress_done": "読み取りが完了しました。",
    "card_error": "マイナンバーカードを読み取れませんでした。",
    "reader_not_configured": "ICカードリーダーが設定されていません。",
    # MyKey ID (画面14-17)
    "mykey_id_format": "マイキーIDは8桁の半角英大文字と数字で入力してください。",
    "mykey_id_taken": "このマイキーIDは既に使用されています。別のマイキーIDを入力してください。",
    "mykey_password_format": "パスワードは6〜16桁の半角英数字で入力してください。",
    "mykey_password_mismatch": "パスワードと確認用のパスワードが一致しません。",
    "mykey_generation_exhausted": "マイキーIDの自動生成は3回までです。3回目の値が登録されます。",
    "base_municipality_required": "基本自治体ポイント口座を選択してください。",
    # merge, files, devices
    "merge_folder_missing": "合算ファイルの保存先フォルダ（{path}）がありません。設定を確認してください。",
    "merge_file_write_failed": "合算ファイルを保存できませんでした（{path}）。",
    "merge_file_invalid": "クラウドから受け取った合算ファイルが正しくありません。",
    "contact_file_invalid": "連絡先ファイル（{path}）を読み込めませんでした。",
    "file_write_failed": "ファイルを保存できませんでした（{path}）。",
    "printer_not_configured": "プリンターが設定されていません。",
    "keystrokes_unavailable": "ID自動引渡しのキー入力を送れません。",
    "device_error": "機器でエラーが発生しました。",
    # bugs
    "internal_error": "システムエラーが発生しました。（問い合わせ番号: {report_id}）",
    # grant business support (GRANT: 画面68-79)
    "grant_login_wrong_terminal": "この端末に登録されている端末ID（{terminal_id}）を入力してください。",
    "grant_not_grant_terminal": "この端末は付与事業用（エ）の端末ではありません。",
    "grant_no_business": "ポイント付与事業を選択してください。",
    "grant_unknown_business": "ポイント付与事業 {business_id} はこの自治体に登録されていません。",
    "grant_collation_format": "照合番号は14桁の数字で入力してください（生年月日6桁＋有効期限西暦4桁＋セキュリティコード4桁）。",
    "grant_mykey_required": "マイキーIDを読み取ってください（マイキーIDの入力は必須です）。",
    "grant_mykey_format": "マイキーIDは英大文字と数字の8文字です。",
    "grant_phone_format": "電話番号は数字とハイフンで15桁以内で入力してください。",
    "grant_email_format": "メールアドレスの形式が正しくありません。",
    "grant_birth_format": "生年月日は「1937年01月01日」または「1937-01-01」の形で入力してください。",
    "grant_field_too_long": "{label}は{limit}文字以内で入力してください。",
    "grant_duplicate": "マイキーID {mykey_id} は既にこの付与事業の名簿に登録されています。",
    "grant_not_on_roster": "この付与事業の名簿に登録されていません。",
    "grant_none_checked": "ポイントを付与する対象者をチェックしてください。",
    "grant_round_format": "付与回は1〜20文字の英数字・記号（-_）で入力してください。",
    "grant_excel_unreadable": "Excel ファイル（.xlsx）を読み込めません: {reason}",
    "grant_excel_no_rows": "取り込む対象者が1件もありません。",
    "grant_excel_columns": "1行目の見出しが取り込み入力用様式と違います（必要な列: {columns}）。",
    "grant_excel_bad_rows": "取り込みを中止しました（何も登録していません）。誤りのある行: {rows}",
    "grant_excel_row": "{row}行目: {problem}",
    "grant_excel_other_business": "付与事業ID {business_id} は選択中の付与事業と違います",
    "grant_excel_other_municipality": "全国地方公共団体コード {municipality_code} はこの自治体ではありません",
    "grant_excel_duplicate_row": "マイキーID {mykey_id} が{first}行目と重複しています",
    "grant_roster_pending_sync": "名簿を端末に登録しました。クラウドへの反映は次回の接続時に行います。",
    "grant_offline_card_read": "カードを読み取りました（{count}件目）。",
    "grant_no_roster": "この付与事業の名簿がまだ同期されていません。「付与事業対象者名簿を同期（取得）」を押してください。",
    "grant_date_format": "付与日は「2026-11-22」の形で、今日から1年前までの日付を入力してください。",
}


CATALOGUE = Catalogue("terminal_app", JA)
# message(code, **params): the text, or the code itself (logged) when missing; see drivers.catalogue
message = CATALOGUE.message
