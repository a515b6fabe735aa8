"""Message catalogue of the printer and barcode drivers (Japanese source strings).

Every string a clerk can see comes from here so that an English catalogue can follow
(`CATALOGUE.use(overlay)`); callers say `message(code, **fields)` (drivers.catalogue).
"""
from __future__ import annotations

from drivers.catalogue import Catalogue

MESSAGES: dict[str, str] = {
    # printer status (DLE EOT)
    "paper_out": "用紙がありません。ロール紙を補充してください。",
    "cover_open": "プリンターのカバーが開いています。カバーを閉じてください。",
    "offline": "プリンターがオフラインです。電源と接続を確認してください。",
    "printer_error": "プリンターでエラーが発生しました。プリンターの電源を入れ直してください。",
    "no_status": "プリンターから状態の応答がありません。接続を確認してください。",
    # transports
    "not_configured": "プリンターが設定されていません。設定画面でプリンターを指定してください。",
    "connect_failed": "プリンター（{target}）に接続できません。電源とケーブルを確認してください。",
    "send_failed": "プリンターへの送信に失敗しました。接続を確認してください。",
    "bad_target": "プリンターの指定「{target}」が正しくありません。"
                  "例: escpos-net:127.0.0.1:9100、usb:04b8:0202、serial:/dev/ttyUSB0、file:出力先",
    "unknown_kind": "プリンターの接続方式「{kind}」には対応していません。",
    "usb_unavailable": "USBプリンターを使うためのライブラリ（pyusb）がインストールされていません。",
    "usb_no_backend": "USBプリンターを使うためのドライバー（libusb-1.0）が見つかりません。",
    "usb_not_found": "USBプリンター（{vid}:{pid}）が見つかりません。接続を確認してください。",
    "serial_unavailable": "シリアルプリンターを使うためのライブラリ（pyserial）がありません。",
    "win32_unavailable": "Windowsのプリンター（{name}）はWindowsでのみ使用できます。",
    # profiles / fonts / data
    "profile_not_found": "プリンター設定「{name}」が見つかりません。",
    "profile_invalid": "プリンター設定「{name}」の内容が正しくありません（{detail}）。",
    "font_not_found": "日本語フォント（IPAゴシック）が見つかりません。"
                      "fonts-ipafont-gothic をインストールしてください。",
    "unprintable_char": "印字できない文字「{char}」が含まれています。",
    "bad_field": "印字内容「{field}」が正しくありません（{detail}）。",
    # barcodes
    "unknown_symbology": "バーコードの種類「{symbology}」には対応していません"
                         "（code128、nw7、ean13、code39 のいずれか）。",
    "empty_barcode": "バーコードにする番号が空です。",
    "ean13_digits": "JANコードは数字12桁（チェックデジットは自動計算）か13桁で指定してください。",
    "ean13_check": "JANコードのチェックデジットが正しくありません（正しくは {expected}）。",
    "nw7_chars": "NW-7 に使えない文字「{chars}」が含まれています（数字と - $ : / . + のみ）。",
    "nw7_startstop": "NW-7 のスタート/ストップ文字は A〜D のいずれかです。",
    "code39_chars": "Code 39 に使えない文字「{chars}」が含まれています（英大文字・数字・- . 空白 $ / + %）。",
    "code128_chars": "CODE128 に使えない文字「{chars}」が含まれています（半角英数字と記号のみ）。",
    "qr_too_long": "QRコードにするデータが長すぎます。",
    # receipts / vouchers (layout text)
    "receipt_title": "★★★レシート★★★",
    "voucher_title": "★★★ポイント券★★★",
    "label_used_points": "[今回の利用ポイント数]",
    "label_balance": "[ポイント残高]",
    "label_voucher_no": "[券番号]",
    "label_voucher_points": "[利用ポイント数]",
    "label_place": "[利用場所]",
    "label_street": "[合算先商店街名]",
    "points": "{points}ポイント",
    "thanks_1": "ご利用いただき",
    "thanks_2": "ありがとうございました。",
    "txn_no": "取引済番号: {txn_no}",
    "issued_at": "発行日時: {when}",
    "executed_at": "利用日時: {when}",
    "voucher_no_caption": "券番号",
    "voucher_reprint": "【再発行】",
    "voucher_point_name": "ポイント名: {name}",
    "voucher_points": "{points}ポイント",
    "voucher_validity": "有効期限: {until}まで（発行日より{days}日間）",
    "voucher_issue_place": "発行場所: {place}",
    "voucher_note": "※一部利用はできません。有効期限を過ぎると失効します。",
    "stamp_issue": "発行認印",
    "stamp_use": "利用店舗印",
    "label_service_id": "利用カード番号（サービスID）",
    "label_business": "{name}",
    "date_time": "{y}年{m}月{d}日 {hh:02d}:{mm:02d}:{ss:02d}",
    "date": "{y}年{m}月{d}日",
}


CATALOGUE = Catalogue("drivers.printer", MESSAGES)
# message(code, **params): the text, or the code itself (logged) when missing; see drivers.catalogue
message = CATALOGUE.message
