"""The loopback ESC/POS printer emulator (`mykey-printer-emulator`); test and demo tooling.

    server.py   `PrinterEmulator`: a TCP server that answers status and prints to PNG files
    parser.py   the streaming ESC/POS parser
    paper.py    draws the parsed stream onto one paper per cut
"""
