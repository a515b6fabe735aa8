"""One module per screen of the operations manual (画面N); each is a QWidget built on `Screen`."""
