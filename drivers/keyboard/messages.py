"""User-visible text of the keyboard driver (Japanese source; an English table can follow).

Every message the keyboard wedge or the keystroke output can show the clerk lives here, keyed by
a stable id, so that a translation only has to provide another dictionary with the same keys
(`CATALOGUE.use(overlay)`, drivers.catalogue).
"""
from __future__ import annotations

from drivers.catalogue import Catalogue

MESSAGES: dict[str, str] = {
    # keystroke output (ID自動引渡し)
    "no_display": "画面（X11ディスプレイ）に接続できません。DISPLAY が設定されていないか、"
                  "X サーバが起動していません。（{detail}）",
    "wayland_only": "Wayland 環境では自動入力できません。X11 セッションで起動するか、"
                    "番号通知方式をご利用ください。",
    "no_xlib": "自動入力に必要な python-xlib がインストールされていません。",
    "no_xtest": "X サーバが XTEST 拡張に対応していないため自動入力できません。",
    "not_windows": "Windows 以外の環境では Windows 用の自動入力は使えません。",
    "unsupported_os": "この OS（{platform}）では ID 自動引渡しに対応していません。"
                      "番号通知方式をご利用ください。",
    "unknown_spec": "キー入力の出力方式「{spec}」は不明です。auto / x11 / win32 / clipboard の"
                    "いずれかを指定してください。",
    "bad_terminator": "入力後に送るキー「{terminator}」は不明です。enter / tab / none の"
                      "いずれかを指定してください。",
    "empty_text": "自動入力する文字列が空です。",
    "control_char": "自動入力する文字列に制御文字が含まれています（{position} 文字目）。",
    "untypable": "キーボード配列で入力できない文字が含まれています（{text}）。",
    "send_failed": "キー入力の送信に失敗しました（{detail}）。",
    "clipboard_failed": "クリップボードに文字列を設定できませんでした（{detail}）。",
    "no_previous_window": "連携システムの画面に切り替えられませんでした。連携システムの利用カード番号"
                          "入力欄にカーソルをあててから、もう一度お試しください。",
    "paste_timeout": "貼り付け先の画面が応答しませんでした。連携システムの入力欄に"
                     "カーソルがあるか確認してください。",
    # keyboard wedge (scanner / shopping-street point card input)
    "bad_gap": "キー間隔の上限（max_gap_s）は 0 より大きい値にしてください: {value}",
    "bad_min_length": "最小桁数（min_length）は 1 以上にしてください: {value}",
    "bad_end_keys": "読取り終了キー（end_keys）には改行またはタブを指定してください: {value!r}",
}


CATALOGUE = Catalogue("drivers.keyboard", MESSAGES)
# message(code, **params): the text, or the code itself (logged) when missing; see drivers.catalogue
message = CATALOGUE.message
