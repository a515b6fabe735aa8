"""The PySide6 user interface of the utilization software: the only package that imports Qt.

Screens (one module per 画面N of the operations manual) live in `screens/`, reusable pieces in
`widgets/`; every slow action goes through `worker.py`; every text comes from `strings.py`.
"""
