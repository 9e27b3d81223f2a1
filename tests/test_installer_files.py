"""The Windows installer script and the CI workflow, read as text (neither can run here):
the file types Windows gets, and the workflow's triggers, pinned tools, Debian 12 build,
conditional signing and release."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = (ROOT / ".github" / "workflows" / "installers.yml").read_text(encoding="utf-8")


def _unquote(value: str) -> str:
    value = value.strip()
    return value[1:-1].replace('""', '"') if value.startswith('"') else value


def _registry() -> dict[tuple[str, str], str]:
    """(subkey, value name) -> value data of the Inno Setup script's [Registry] entries."""
    text = (ROOT / "packaging" / "windows" / "mlp-studio.iss").read_text(encoding="utf-8")
    section = text.split("[Registry]", 1)[1].split("\n[", 1)[0]
    entries = {}
    for line in section.splitlines():
        if line.startswith("Root:"):
            fields = dict(re.findall(r'(\w+): ("(?:[^"]|"")*"|[^;]*)', line))
            key = (_unquote(fields["Subkey"]), _unquote(fields["ValueName"]))
            entries[key] = _unquote(fields.get("ValueData", ""))
    return entries


def test_windows_installer_registers_the_project_type_without_taking_json():
    reg = _registry()
    progid = r"Software\Classes\MLPStudio.Project"
    assert reg[(progid + r"\shell\open\command", "")] == '"{app}\\{#AppExe}" "%1"'
    assert reg[(progid, "Content Type")] == "application/x-mlp-studio-project"
    assert (r"Software\Classes\.json\OpenWithProgids", "MLPStudio.Project") in reg
    assert (r"Software\Classes\.json", "") not in reg  # never the default program for JSON


def _job(name: str) -> str:
    """The text of one job of the workflow."""
    jobs = WORKFLOW.split("\njobs:\n", 1)[1]
    match = re.search(rf"^  {name}:\n(.*?)(?=^  \w[\w-]*:\n|\Z)", jobs, re.MULTILINE | re.DOTALL)
    assert match, name
    return match.group(1)


def test_workflow_runs_on_code_changes_and_tags_and_pins_its_tools():
    paths = re.findall(r"paths: \[(.*)\]", WORKFLOW)
    assert len(paths) == 2 and all('"mlp_studio/**"' in p and '"pyproject.toml"' in p for p in paths)
    assert 'tags: ["v*"]' in WORKFLOW
    assert re.search(r'PYINSTALLER: "pyinstaller==\d+\.\d+\.\d+"', WORKFLOW)
    assert re.search(r'PYTHON_VERSION: "3\.\d+\.\d+"', WORKFLOW)
    assert "runs-on: ubuntu-latest" not in WORKFLOW and "@main" not in WORKFLOW


def test_workflow_builds_the_deb_on_debian_12_and_macos_for_both_architectures():
    linux = _job("linux")
    assert "container: debian:12" in linux and "bash packaging/build_linux.sh" in linux
    assert re.search(r"runner: \[macos-15, macos-15-intel\]", _job("macos"))


def test_workflow_signs_only_with_secrets_and_releases_only_for_a_tag():
    for job, secret in (("windows", "WINDOWS_CERT_PFX"), ("macos", "MACOS_CERT_P12")):
        steps = _job(job).split("      - ")
        signing = [s for s in steps if "sign" in s.split("\n", 1)[0].lower()]
        assert signing and all(f"if: env.{secret} != ''" in s for s in signing), job
    release = _job("release")
    assert "if: startsWith(github.ref, 'refs/tags/v')" in release
    assert "needs: [linux, windows, macos]" in release and "gh release create" in release
