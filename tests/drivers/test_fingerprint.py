"""GIVEN recorded outputs of each platform's sources WHEN the fingerprint is computed THEN the
documented byte layout is hashed, missing sources are reported, and the value is stable."""
from __future__ import annotations

import hashlib
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.fingerprint import (
    Fingerprint,
    FingerprintUnavailable,
    Sources,
    compute_fingerprint,
    cpu_identification,
    ioreg_property,
)

NT = r"SOFTWARE\Microsoft\Windows NT\CurrentVersion"
CRYPTO = r"SOFTWARE\Microsoft\Cryptography"


@dataclass
class RecordedMachine:
    """Recorded answers of one machine; anything not recorded is unreadable (None)."""

    files: dict[str, str] = field(default_factory=dict)
    commands: dict[str, str] = field(default_factory=dict)   # key: " ".join(argv)
    registry: dict[tuple[str, str], str] = field(default_factory=dict)
    mtimes: dict[str, float] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)

    def run(self, argv: Sequence[str]) -> str | None:
        self.calls.append(" ".join(argv))
        return self.commands.get(" ".join(argv))

    def sources(self) -> Sources:
        return Sources(read_file=self.files.get, run=self.run,
                       read_registry=lambda k, v: self.registry.get((k, v)),
                       file_mtime=self.mtimes.get)


def _ps(cim_class: str, prop: str) -> str:
    script = f"(Get-CimInstance -ClassName {cim_class} | Select-Object -First 1).{prop}"
    return f"powershell.exe -NoProfile -NonInteractive -Command {script}"


def windows_machine(board: str = "/7XB7K13/CNWS20008J00BS/\r\n") -> RecordedMachine:
    return RecordedMachine(
        commands={_ps("Win32_Processor", "ProcessorId"): "BFEBFBFF000906EA\r\n",
                  _ps("Win32_BaseBoard", "SerialNumber"): board},
        registry={(CRYPTO, "MachineGuid"): "5b1d1a52-2c4e-4f0e-9d8b-0a6f3b1c7e21",
                  (NT, "ProductId"): "00330-80000-00000-AA123",
                  (NT, "InstallDate"): "1667890123"})


INTEL_CPUINFO = """processor\t: 0
vendor_id\t: GenuineIntel
cpu family\t: 6
model\t\t: 158
model name\t: Intel(R) Core(TM) i5-8500 CPU @ 3.00GHz
stepping\t: 10
cpu MHz\t\t: {mhz}
flags\t\t: fpu vme de pse

processor\t: 1
vendor_id\t: GenuineIntel
cpu MHz\t\t: 800.000
"""

ARM_CPUINFO = """processor\t: 0
BogoMIPS\t: 108.00
CPU implementer\t: 0x41
CPU architecture: 8
CPU variant\t: 0x0
CPU part\t: 0xd08
CPU revision\t: 3

Hardware\t: BCM2835
Serial\t\t: 10000000a3b4c5d6
"""


def linux_machine(mhz: str = "3000.000") -> RecordedMachine:
    return RecordedMachine(files={
        "/proc/cpuinfo": INTEL_CPUINFO.format(mhz=mhz),
        "/sys/class/dmi/id/board_serial": "L1HF8AB00XY\n",
        "/sys/class/dmi/id/product_uuid": "4c4c4544-0031-4810-8054-b7c04f4b3132\n",
        "/etc/machine-id": "3d1219c7c4c5404aaa1f6d2a48adfda4\n"})


IOREG = """+-o J314sAP  <class IOPlatformExpertDevice, id 0x100000202, registered, matched, active>
    {
      "IOPlatformSerialNumber" = "C02ZK0XYMD6T"
      "manufacturer" = <"Apple Inc.">
      "IOPlatformUUID" = "8A3C1E2B-5D4F-4A6B-9C8D-7E6F5A4B3C2D"
      "model" = <"MacBookPro18,1">
    }
"""


def expected(platform: str, *values: str) -> bytes:
    """The layout written independently from the module: tag, platform, four values, 0x1F."""
    return hashlib.sha256("\x1f".join(["MYKEY-FP1", platform, *values]).encode()).digest()


def test_given_a_windows_machine_when_fingerprinted_then_the_four_values_are_hashed_in_order():
    fp = compute_fingerprint("windows", windows_machine().sources())
    assert fp.digest == expected("windows", "BFEBFBFF000906EA", "/7XB7K13/CNWS20008J00BS/",
                                 "5b1d1a52-2c4e-4f0e-9d8b-0a6f3b1c7e21",
                                 "00330-80000-00000-AA123|1667890123")
    assert len(fp.digest) == 32 and fp.hex == fp.digest.hex() and len(fp.hex) == 64
    assert fp.sources_used == ["cpu_id", "board_serial", "machine_uuid", "install_id"]
    assert fp.sources_missing == [] and fp.platform == "windows"


def test_given_sys_platform_win32_when_named_then_it_is_the_windows_path():
    machine = windows_machine()
    assert compute_fingerprint("win32", machine.sources()).platform == "windows"
    assert all(call.startswith("powershell.exe -NoProfile") for call in machine.calls)


@pytest.mark.parametrize("filler", ["To be filled by O.E.M.", "Default string", "None", "  ",
                                    "0", "00000000-0000-0000-0000-000000000000"])
def test_given_an_oem_filler_board_serial_when_fingerprinted_then_it_counts_as_missing(filler):
    fp = compute_fingerprint("windows", windows_machine(board=filler + "\r\n").sources())
    assert fp.sources_missing == ["board_serial"]
    assert fp.digest == expected("windows", "BFEBFBFF000906EA", "",
                                 "5b1d1a52-2c4e-4f0e-9d8b-0a6f3b1c7e21",
                                 "00330-80000-00000-AA123|1667890123")


def test_given_powershell_is_unavailable_when_fingerprinted_then_wmi_values_are_missing():
    machine = windows_machine()
    machine.commands.clear()
    fp = compute_fingerprint("windows", machine.sources())
    assert fp.sources_used == ["machine_uuid", "install_id"]
    assert fp.sources_missing == ["cpu_id", "board_serial"]


def test_given_a_linux_machine_when_fingerprinted_then_cpu_dmi_and_machine_id_are_hashed():
    fp = compute_fingerprint("linux", linux_machine().sources())
    cpu = ("vendor_id=GenuineIntel/cpu family=6/model=158/stepping=10/"
           "model name=Intel(R) Core(TM) i5-8500 CPU @ 3.00GHz")
    assert fp.digest == expected("linux", cpu, "L1HF8AB00XY",
                                 "4c4c4544-0031-4810-8054-b7c04f4b3132",
                                 "3d1219c7c4c5404aaa1f6d2a48adfda4")
    assert fp.sources_missing == []


def test_given_the_cpu_clock_changes_when_fingerprinted_again_then_the_value_is_the_same():
    slow = compute_fingerprint("linux", linux_machine(mhz="800.012").sources())
    fast = compute_fingerprint("linux", linux_machine(mhz="4100.000").sources())
    assert slow == fast


def test_given_dmi_unreadable_as_a_user_when_fingerprinted_then_machine_id_falls_back():
    machine = linux_machine()
    for path in ("/sys/class/dmi/id/board_serial", "/sys/class/dmi/id/product_uuid",
                 "/etc/machine-id"):
        del machine.files[path]
    machine.files["/var/lib/dbus/machine-id"] = "aa11bb22cc33dd44ee55ff6677889900\n"
    fp = compute_fingerprint("linux", machine.sources())
    assert fp.sources_used == ["cpu_id", "install_id"]
    assert fp.sources_missing == ["board_serial", "machine_uuid"]


def test_given_an_arm_cpuinfo_when_identified_then_the_arm_fields_are_used():
    ident = cpu_identification(ARM_CPUINFO)
    assert ident == ("CPU implementer=0x41/CPU architecture=8/CPU variant=0x0/CPU part=0xd08/"
                     "CPU revision=3/Hardware=BCM2835/Serial=10000000a3b4c5d6")
    assert "BogoMIPS" not in ident


def test_given_a_mac_when_fingerprinted_then_ioreg_sysctl_and_setup_date_are_used():
    machine = RecordedMachine(
        commands={"ioreg -rd1 -c IOPlatformExpertDevice": IOREG,
                  "sysctl -n machdep.cpu.brand_string": "Apple M1 Pro\n"},
        mtimes={"/var/db/.AppleSetupDone": 1690000000.75})
    fp = compute_fingerprint("darwin", machine.sources())
    assert fp.digest == expected("macos", "Apple M1 Pro", "C02ZK0XYMD6T",
                                 "8A3C1E2B-5D4F-4A6B-9C8D-7E6F5A4B3C2D", "1690000000")
    assert fp.platform == "macos"


def test_given_ioreg_output_when_a_property_is_absent_then_none():
    assert ioreg_property(IOREG, "IOPlatformUUID") == "8A3C1E2B-5D4F-4A6B-9C8D-7E6F5A4B3C2D"
    assert ioreg_property(IOREG, "board-id") is None
    assert ioreg_property(None, "IOPlatformUUID") is None


def test_given_no_readable_source_when_fingerprinted_then_a_japanese_error_not_a_constant():
    with pytest.raises(FingerprintUnavailable, match="端末識別情報を取得できませんでした"):
        compute_fingerprint("linux", RecordedMachine().sources())


def test_given_an_unknown_platform_when_fingerprinted_then_a_clear_error():
    with pytest.raises(FingerprintUnavailable, match="未対応のプラットフォーム"):
        compute_fingerprint("plan9", RecordedMachine().sources())


def test_given_two_machines_differing_in_one_value_when_fingerprinted_then_digests_differ():
    other = linux_machine()
    other.files["/etc/machine-id"] = "3d1219c7c4c5404aaa1f6d2a48adfda5\n"
    assert compute_fingerprint("linux", linux_machine().sources()).digest != \
        compute_fingerprint("linux", other.sources()).digest


def test_given_values_shifted_between_slots_when_fingerprinted_then_digests_differ():
    """The separator keeps ("ab", "") and ("a", "b") apart."""
    a, b = windows_machine(), windows_machine()
    a.registry[(NT, "ProductId")] = "00330-80000"
    b.registry[(NT, "ProductId")] = "00330"
    b.registry[(NT, "InstallDate")] = "-800001667890123"
    assert compute_fingerprint("windows", a.sources()) != compute_fingerprint("windows",
                                                                              b.sources())


@given(st.text(alphabet=st.sampled_from("アイウガギグパ漢字abc-0123"), min_size=1, max_size=12))
def test_given_nfd_or_padded_input_when_fingerprinted_then_same_as_nfc(value: str) -> None:
    plain, decomposed = windows_machine(), windows_machine()
    plain.registry[(CRYPTO, "MachineGuid")] = "g" + unicodedata.normalize("NFC", value)
    decomposed.registry[(CRYPTO, "MachineGuid")] = " g" + unicodedata.normalize("NFD", value)
    assert compute_fingerprint("windows", plain.sources()) == \
        compute_fingerprint("windows", decomposed.sources())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads this Linux machine")
def test_given_this_real_machine_when_fingerprinted_twice_then_it_is_stable() -> None:
    first: Fingerprint = compute_fingerprint()
    second = compute_fingerprint()
    assert first == second and len(first.digest) == 32
    assert "cpu_id" in first.sources_used and first.platform == "linux"
    assert set(first.sources_used) | set(first.sources_missing) == {
        "cpu_id", "board_serial", "machine_uuid", "install_id"}


def test_given_windows_when_a_source_command_runs_then_no_console_window_flashes(monkeypatch):
    import subprocess

    from drivers import fingerprint

    seen = {}

    def fake_run(argv, **kwargs):
        seen.update(kwargs)
        return subprocess.CompletedProcess(argv, 0, stdout="BFEBFBFF000906EA\r\n", stderr="")

    monkeypatch.setattr(subprocess, "CREATE_NO_WINDOW", 0x08000000, raising=False)
    monkeypatch.setattr(subprocess, "run", fake_run)
    assert fingerprint.default_sources().run(["powershell.exe", "-Command", "x"]) == \
        "BFEBFBFF000906EA\r\n"
    assert seen["creationflags"] == 0x08000000 and seen["timeout"] > 0


def test_given_a_failing_or_missing_command_when_run_then_none():
    from drivers.fingerprint import default_sources

    run = default_sources().run
    assert run([sys.executable, "-c", "import sys; sys.exit(3)"]) is None
    assert run(["mykey-no-such-command-xyz"]) is None
    assert run([sys.executable, "-c", "print('ok')"]) == "ok\n"
