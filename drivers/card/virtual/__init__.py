"""Simulated My Number cards and the lab around them; test and demo tooling, not the driver.

    card_file.py     the virtual card file format (JSON with PEM keys, PIN counters, quirks)
    card.py          `VirtualCard`: answers the same APDUs as a real card
    reader.py        the in-process `virtual:` reader (`open_reader("virtual:card.json")`)
    vpcd.py          the same card behind vsmartcard's vpcd, for real PC/SC
    ca.py            the project's test JPKI CA, which issues and re-issues virtual cards
    cert_builder.py  the CA's X.509 building
    lab.py           an isolated pcscd + vpcd for real PC/SC tests
    cli.py           `mykey-virtual-card`
"""
