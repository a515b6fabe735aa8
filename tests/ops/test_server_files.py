"""GIVEN the server deployment files WHEN checked against the code they deploy THEN units, env
template, nginx site, Containerfile and the server requirements agree with the cloud app."""
from __future__ import annotations

import ast
import configparser
import re
import shutil
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

from tests.ops.conftest import ROOT

SERVER = ROOT / "installer" / "server"
UNITS = sorted(SERVER.glob("*.service")) + sorted(SERVER.glob("*.timer"))
ENV_TEMPLATE = SERVER / "mykey-cloud.env.example"
NGINX = SERVER / "nginx-mykey-cloud.conf"
CONTAINERFILE = SERVER / "Containerfile"
REQUIREMENTS = SERVER / "requirements.txt"


def _unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(path.read_text(encoding="utf-8"))
    return parser


def _template() -> dict[str, str]:
    pairs = {}
    for line in ENV_TEMPLATE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, sep, value = line.partition("=")
            assert sep, f"not KEY=value: {line!r}"
            pairs[key.strip()] = value.strip()
    return pairs


def _env_names_read_by_cloud() -> set[str]:
    """Every environment variable name cloud_api reads (env.get("X"), env["X"], os.environ…)."""
    names: set[str] = set()
    pattern = re.compile(
        r"""(?:environ|env)(?:\.get\(|\[)\s*["']((?:MYKEY|DATABASE)_[A-Z0-9_]+)["']""")
    for path in (ROOT / "cloud_api").rglob("*.py"):
        names.update(pattern.findall(path.read_text(encoding="utf-8")))
    return names


def _requirements() -> dict[str, str]:
    pins = {}
    for line in REQUIREMENTS.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[re.sub(r"\[.*\]", "", name).lower()] = version
    return pins


def test_given_the_units_when_parsed_then_each_runs_an_existing_cli_command():
    from cloud_api.cli import COMMANDS

    services = [p for p in UNITS if p.suffix == ".service"]
    assert {p.name for p in services} >= {"mykey-cloud.service", "mykey-cloud-sweep.service",
                                          "mykey-cloud-backup.service"}
    for path in services:
        unit = _unit(path)
        command = unit["Service"]["ExecStart"]
        assert unit["Service"]["User"] == "mykey", path.name
        if "mykey-cloud " in command:
            assert command.split("mykey-cloud ", 1)[1].split()[0] in COMMANDS, path.name
        else:
            assert (ROOT / command.split("/opt/mykey-cloud/", 1)[1]).exists(), path.name


def test_given_the_main_unit_then_migrations_run_before_the_production_server():
    service = _unit(SERVER / "mykey-cloud.service")["Service"]
    assert "mykey-cloud init-db" in service["ExecStartPre"]
    assert re.search(r"mykey-cloud serve --host \$\{\w+\} --port \$\{\w+\} --workers \$\{\w+\}",
                     service["ExecStart"])
    assert service["Restart"] == "on-failure" and service["NoNewPrivileges"] == "yes"


def test_given_each_timer_then_its_service_exists_and_it_is_enabled_by_timers_target():
    for timer in (p for p in UNITS if p.suffix == ".timer"):
        assert timer.with_suffix(".service").exists(), timer.name
        unit = _unit(timer)
        assert unit["Install"]["WantedBy"] == "timers.target" and unit["Timer"]["OnCalendar"]


def test_given_the_units_when_they_use_variables_then_the_env_template_defines_them():
    used: set[str] = set()
    for path in UNITS:
        used.update(re.findall(r"(?<!\$)\$\{(\w+)\}", path.read_text(encoding="utf-8")))
    assert used and used <= set(_template())


def test_given_the_cloud_settings_then_every_variable_it_reads_is_in_the_env_template():
    read = _env_names_read_by_cloud()
    assert {"DATABASE_URL", "MYKEY_SECRET_KEY", "MYKEY_MERGE_KEY_HEX"} <= read
    assert read - set(_template()) == set()


def test_given_the_env_template_then_no_secret_has_a_value():
    template = _template()
    secrets = [k for k in template if re.search(r"SECRET|KEY_HEX|PASSWORD|TOKEN", k)]
    assert secrets and all(template[k] == "" for k in secrets)
    assert "CHANGE_ME" in template["DATABASE_URL"]


def test_given_systemd_analyze_when_available_then_the_units_verify():
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed here")
    done = subprocess.run(["systemd-analyze", "verify", "--man=no", *map(str, UNITS)],
                          capture_output=True, text=True, check=False)
    assert "Failed to parse" not in done.stderr and "Unknown key" not in done.stderr, done.stderr


def test_given_the_nginx_site_then_it_terminates_tls_and_forwards_the_proxy_headers():
    conf = NGINX.read_text(encoding="utf-8")
    body = "\n".join(line.split("#", 1)[0] for line in conf.splitlines())
    assert body.count("{") == body.count("}")
    for line in filter(None, (line.strip() for line in body.splitlines())):
        assert line.endswith((";", "{", "}")), line
    for needle in ("listen 443 ssl", "ssl_protocols TLSv1.2 TLSv1.3", "return 301 https://",
                   "X-Forwarded-For $proxy_add_x_forwarded_for",
                   "X-Forwarded-Proto $scheme", "proxy_pass http://mykey_cloud",
                   "location = /api/v1/health", "Strict-Transport-Security"):
        assert needle in conf, needle


def test_given_the_app_body_limit_then_nginx_rejects_the_same_size(tmp_path):
    from cloud_api.app import create_app
    from cloud_api.config import Settings

    app = create_app(Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path}/c.db"))
    limit = int(app.config["MAX_CONTENT_LENGTH"])
    match = re.search(r"client_max_body_size (\d+)m;", NGINX.read_text(encoding="utf-8"))
    assert match and int(match.group(1)) * 1024 * 1024 == limit


def test_given_the_containerfile_then_it_builds_from_the_repo_and_starts_migrated():
    text = CONTAINERFILE.read_text(encoding="utf-8")
    assert re.search(r"^FROM \S*python:3\.11-slim", text, re.MULTILINE)
    copies = [line.split()[1:-1] for line in text.splitlines() if line.startswith("COPY ")]
    assert ["cloud_api"] in copies
    for source in (s for sources in copies for s in sources):
        assert (ROOT / source).exists(), source
    assert re.search(r"^USER mykey$", text, re.MULTILINE)
    assert "mykey-cloud init-db && exec mykey-cloud serve" in text
    assert "/api/v1/health" in text


def test_given_server_requirements_then_the_pins_equal_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pinned = {}
    for dep in project["project"]["dependencies"]:
        spec = dep.split(";", 1)[0].strip()
        if "==" in spec:
            name, _, version = spec.partition("==")
            pinned[re.sub(r"\[.*\]", "", name).lower()] = version
    requirements = _requirements()
    assert requirements and all(pinned.get(n) == v for n, v in requirements.items())
    assert "pyside6-essentials" not in requirements and "pyscard" not in requirements


def _third_party_imports() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "cloud_api").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    # drivers: first-party; the image copies drivers/catalogue.py (tests/test_message_catalogues.py)
    return found - set(sys.stdlib_module_names) - {"cloud_api", "drivers", "__future__"}


def _closure(names: set[str]) -> set[str]:
    """The distributions `names` install, following their (non-extra) requirements."""
    todo, seen = list(names), set()
    while todo:
        name = todo.pop().lower().replace("_", "-")
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        for req in requires:
            if "extra ==" not in req or 'extra == "binary"' in req:
                todo.append(re.split(r"[ ;<>=!~\[(]", req, maxsplit=1)[0])
    return seen


def test_given_the_cloud_imports_then_the_server_requirements_provide_them():
    provided = _closure(set(_requirements()))
    owners = metadata.packages_distributions()
    missing = {}
    for module in _third_party_imports():
        dists = {d.lower().replace("_", "-") for d in owners.get(module, [])}
        if not dists & provided:
            missing[module] = sorted(dists)
    assert missing == {}


def test_given_the_shell_scripts_then_bash_parses_them():
    for script in (SERVER / "backup.sh", SERVER / "restore.sh"):
        assert script.stat().st_mode & 0o111, f"{script.name} is not executable"
        subprocess.run(["bash", "-n", str(script)], check=True)


def test_given_the_operations_guide_then_it_covers_every_deployment_file():
    guide = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    for path in sorted(SERVER.iterdir()):
        assert path.name in guide, path.name
    for topic in ("/api/v1/health", "init-db", "pg_dump", "read replica", "partition"):
        assert topic in guide, topic
