# Build the Windows installer of the desktop app (マイキープラットフォーム等活用ソフト).
# Run in PowerShell on a Windows 10/11 x64 build machine, from the repository root:
#   powershell -ExecutionPolicy Bypass -File installer\windows\build.ps1
# Needs: Python 3.11 x64 (py launcher), Inno Setup 6 (iscc.exe on PATH or in its default folder).
# Produces dist\MyKeyTerminal\ (PyInstaller one-folder) and
# dist\installer\MyKeyTerminal-Setup-<version>.exe. Cannot run on Linux: PyInstaller does not
# cross-compile.
$ErrorActionPreference = "Stop"
Set-Location (Resolve-Path "$PSScriptRoot\..\..")

if (-not (Test-Path .venv-win)) { py -3.11 -m venv .venv-win }
$py = ".venv-win\Scripts\python.exe"
& $py -m pip install --upgrade pip
& $py -m pip install -e ".[build]"            # app dependencies + pinned PyInstaller

# The committed icons must match the SVG (installer/make_icons.py renders them).
& $py installer\make_icons.py --check
if ($LASTEXITCODE -ne 0) { throw "icons are stale: run installer\make_icons.py" }

& $py -m PyInstaller --noconfirm --clean installer\windows\mykey-terminal.spec
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed" }

$iscc = (Get-Command iscc.exe -ErrorAction SilentlyContinue).Source
if (-not $iscc) { $iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" }
& $iscc installer\windows\mykey-terminal.iss
if ($LASTEXITCODE -ne 0) { throw "Inno Setup failed" }
Get-ChildItem dist\installer\*.exe | ForEach-Object { Get-FileHash $_ -Algorithm SHA256 }
