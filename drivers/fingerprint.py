"""Hardware fingerprint of the terminal (端末識別情報, registered with the terminal on 画面10).

The specification asks for "the CPU serial, the motherboard serial, a value Windows derives from the
machine's hardware/software configuration and a value Windows creates at each installation, joined
and hashed with SHA-256 into 32 bytes". This module computes exactly that, and the nearest
equivalents on Linux and macOS (development machines, Linux counters).

Four sources, always in this order (the slot names are part of the format):

1. ``cpu_id`` -- Windows: WMI ``Win32_Processor.ProcessorId``; Linux: /proc/cpuinfo of the first
   processor (vendor_id, cpu family, model, stepping, model name; the ARM fields on ARM);
   macOS: ``sysctl -n machdep.cpu.brand_string``.
2. ``board_serial`` -- Windows: WMI ``Win32_BaseBoard.SerialNumber``; Linux:
   /sys/class/dmi/id/board_serial (root only); macOS: ioreg ``IOPlatformSerialNumber``.
3. ``machine_uuid`` -- Windows: ``HKLM\\SOFTWARE\\Microsoft\\Cryptography`` MachineGuid (64-bit
   registry view); Linux: /sys/class/dmi/id/product_uuid (root only); macOS: ioreg
   ``IOPlatformUUID``.
4. ``install_id`` -- Windows: ``HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion``
   ``ProductId + "|" + InstallDate``; Linux: /etc/machine-id (else /var/lib/dbus/machine-id);
   macOS: the mtime (whole seconds) of /var/db/.AppleSetupDone.

WMI is read with ``powershell.exe Get-CimInstance`` (no native dependency), the registry with the
stdlib ``winreg``, macOS with ``ioreg``/``sysctl``.

Byte layout of the hashed message (version 1)::

    b"MYKEY-FP1" 0x1F platform 0x1F cpu_id 0x1F board_serial 0x1F machine_uuid 0x1F install_id

where ``platform`` is ``windows`` / ``linux`` / ``macos`` and every value is Unicode-NFC normalised,
stripped of surrounding whitespace and encoded as UTF-8. A source that cannot be read, or that holds
a well-known filler ("To be filled by O.E.M.", "Default string", all zeros …), contributes the empty
string and is listed in ``sources_missing``; volatile data (CPU MHz, uptime) is never used, so the
digest is stable across runs and reboots. If no source at all can be read, the result would be the
same on every machine, so `FingerprintUnavailable` is raised instead.

Every source goes through an injectable `Sources` object (file reader, command runner, registry
reader, file mtime), so each platform's path is unit-tested with recorded outputs on any machine.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import subprocess
import sys
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from drivers.catalogue import Catalogue

log = logging.getLogger(__name__)

FORMAT_TAG = "MYKEY-FP1"
SEPARATOR = "\x1f"
SLOTS = ("cpu_id", "board_serial", "machine_uuid", "install_id")
COMMAND_TIMEOUT_S = 15.0

# User-visible text of this module (Japanese source language; translations key on the ids).
MESSAGES = {
    "no_source": "端末識別情報を取得できませんでした（CPU・マザーボード・OSの識別値がいずれも読めません）。"
                 "管理者権限で実行しているか確認してください。",
    "bad_platform": "未対応のプラットフォームです: {platform}",
}
CATALOGUE = Catalogue("drivers.fingerprint", MESSAGES)
message = CATALOGUE.message

_FILLERS = re.compile(
    r"^(|none|null|n/?a|unknown|default string|to be filled by o\.?e\.?m\.?|not (settable|specified|"
    r"applicable|available)|system serial number|base board serial number|[0-]+|[f-]+|\.+)$",
    re.IGNORECASE,
)

_NT_KEY = r"SOFTWARE\Microsoft\Windows NT\CurrentVersion"
_CRYPTO_KEY = r"SOFTWARE\Microsoft\Cryptography"


class FingerprintUnavailable(RuntimeError):
    """No identifying source could be read on this machine (message in Japanese)."""


@dataclass(frozen=True)
class Fingerprint:
    """The 32-byte terminal identification value and where it came from."""

    digest: bytes
    hex: str
    sources_used: list[str] = field(default_factory=list)
    sources_missing: list[str] = field(default_factory=list)
    platform: str = ""


@dataclass(frozen=True)
class Sources:
    """How the fingerprint reads the machine; each callable returns None when it cannot."""

    read_file: Callable[[str], str | None]
    run: Callable[[Sequence[str]], str | None]
    read_registry: Callable[[str, str], str | None]
    file_mtime: Callable[[str], float | None]


def _read_file(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return fh.read()
    except OSError:
        return None


def _run(argv: Sequence[str]) -> str | None:
    """stdout of a command, or None; on Windows without flashing a console window."""
    no_window = getattr(subprocess, "CREATE_NO_WINDOW", 0)     # the GUI app has no console
    try:
        done = subprocess.run(list(argv), capture_output=True, text=True, encoding="utf-8",
                              errors="replace", timeout=COMMAND_TIMEOUT_S, check=False,
                              creationflags=no_window)
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.info("fingerprint source command %s failed: %s", argv[0], exc)
        return None
    return done.stdout if done.returncode == 0 else None


def _read_registry(key: str, value: str) -> str | None:
    """HKLM value through `winreg`, in the 64-bit view (MachineGuid is absent from Wow6432Node)."""
    if sys.platform != "win32":
        return None
    try:
        import winreg

        access = winreg.KEY_READ | winreg.KEY_WOW64_64KEY
        with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, key, 0, access) as handle:
            data, _kind = winreg.QueryValueEx(handle, value)
    except OSError:
        return None
    return str(data)


def _file_mtime(path: str) -> float | None:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return None


def default_sources() -> Sources:
    """The real machine: files, subprocesses, the Windows registry, file timestamps."""
    return Sources(read_file=_read_file, run=_run, read_registry=_read_registry,
                   file_mtime=_file_mtime)


def clean(value: str | None) -> str:
    """NFC, stripped; filler values and unreadable sources become the empty string."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", value).strip()
    return "" if _FILLERS.match(text) else text


# ---------------------------------------------------------------- Windows

def _powershell(src: Sources, cim_class: str, prop: str) -> str | None:
    script = f"(Get-CimInstance -ClassName {cim_class} | Select-Object -First 1).{prop}"
    return src.run(["powershell.exe", "-NoProfile", "-NonInteractive", "-Command", script])


def _windows_install_id(src: Sources) -> str | None:
    product_id = clean(src.read_registry(_NT_KEY, "ProductId"))
    install_date = clean(src.read_registry(_NT_KEY, "InstallDate"))
    if not product_id and not install_date:
        return None
    return f"{product_id}|{install_date}"


def _windows(src: Sources) -> dict[str, str | None]:
    return {
        "cpu_id": _powershell(src, "Win32_Processor", "ProcessorId"),
        "board_serial": _powershell(src, "Win32_BaseBoard", "SerialNumber"),
        "machine_uuid": src.read_registry(_CRYPTO_KEY, "MachineGuid"),
        "install_id": _windows_install_id(src),
    }


# ---------------------------------------------------------------- Linux

_CPU_KEYS = ("vendor_id", "cpu family", "model", "stepping", "model name",
             "CPU implementer", "CPU architecture", "CPU variant", "CPU part", "CPU revision",
             "Hardware", "Serial")


def cpu_identification(cpuinfo: str | None) -> str | None:
    """Stable identification of the first processor in /proc/cpuinfo (never the MHz)."""
    if not cpuinfo:
        return None
    fields: dict[str, str] = {}
    for line in cpuinfo.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() in _CPU_KEYS:
            fields.setdefault(key.strip(), value.strip())
    parts = [f"{k}={fields[k]}" for k in _CPU_KEYS if k in fields]
    return "/".join(parts) or None


def _linux(src: Sources) -> dict[str, str | None]:
    machine_id = src.read_file("/etc/machine-id")
    if not clean(machine_id):
        machine_id = src.read_file("/var/lib/dbus/machine-id")
    return {
        "cpu_id": cpu_identification(src.read_file("/proc/cpuinfo")),
        "board_serial": src.read_file("/sys/class/dmi/id/board_serial"),
        "machine_uuid": src.read_file("/sys/class/dmi/id/product_uuid"),
        "install_id": machine_id,
    }


# ---------------------------------------------------------------- macOS

def ioreg_property(output: str | None, name: str) -> str | None:
    """A quoted string property from `ioreg -rd1 -c IOPlatformExpertDevice` output."""
    if not output:
        return None
    match = re.search(rf'"{re.escape(name)}"\s*=\s*"([^"]*)"', output)
    return match.group(1) if match else None


def _macos(src: Sources) -> dict[str, str | None]:
    ioreg = src.run(["ioreg", "-rd1", "-c", "IOPlatformExpertDevice"])
    setup_done = src.file_mtime("/var/db/.AppleSetupDone")
    return {
        "cpu_id": src.run(["sysctl", "-n", "machdep.cpu.brand_string"]),
        "board_serial": ioreg_property(ioreg, "IOPlatformSerialNumber"),
        "machine_uuid": ioreg_property(ioreg, "IOPlatformUUID"),
        "install_id": None if setup_done is None else str(int(setup_done)),
    }


# ---------------------------------------------------------------- assembly

_READERS: dict[str, Callable[[Sources], dict[str, str | None]]] = {
    "windows": _windows, "linux": _linux, "macos": _macos,
}
_ALIASES = {"win32": "windows", "cygwin": "windows", "darwin": "macos", "linux2": "linux"}


def normalise_platform(name: str | None) -> str:
    """`sys.platform`-style or our own names → windows / linux / macos."""
    raw = (name or sys.platform).lower()
    plat = _ALIASES.get(raw, raw)
    if plat not in _READERS:
        raise FingerprintUnavailable(message("bad_platform", platform=raw))
    return plat


def message_bytes(plat: str, values: dict[str, str]) -> bytes:
    """The exact byte string that is hashed (see the module docstring)."""
    parts = [FORMAT_TAG, plat, *(values[slot] for slot in SLOTS)]
    return SEPARATOR.join(parts).encode("utf-8")


def compute_fingerprint(platform: str | None = None, sources: Sources | None = None) -> Fingerprint:
    """Read the four sources of `platform` (default: this machine) and hash them."""
    plat = normalise_platform(platform)
    raw = _READERS[plat](sources or default_sources())
    values = {slot: clean(raw.get(slot)) for slot in SLOTS}
    used = [slot for slot in SLOTS if values[slot]]
    missing = [slot for slot in SLOTS if not values[slot]]
    if not used:
        raise FingerprintUnavailable(message("no_source"))
    if missing:
        log.info("fingerprint on %s without %s", plat, ", ".join(missing))
    digest = hashlib.sha256(message_bytes(plat, values)).digest()
    return Fingerprint(digest=digest, hex=digest.hex(), sources_used=used,
                       sources_missing=missing, platform=plat)
