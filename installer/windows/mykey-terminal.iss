; Inno Setup 6 script of the desktop app's Windows installer (per-machine).
; Build on Windows after the PyInstaller one-folder build (see installer/windows/build.ps1):
;   iscc installer\windows\mykey-terminal.iss
; Output: dist\installer\MyKeyTerminal-Setup-<version>.exe
; This file is UTF-8 with a BOM: Inno Setup 6 needs the BOM to read the Japanese names.

#define AppName "マイキープラットフォーム等活用ソフト"
#define AppVersion "0.1.0"
#define AppExe "MyKeyTerminal.exe"
#define BuildDir "..\..\dist\MyKeyTerminal"

[Setup]
AppId={{6F1C2B7E-3D4A-4E8B-9F21-5A7C0D9E1B34}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=MyKey Platform Project
DefaultDirName={autopf}\MyKeyTerminal
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist\installer
OutputBaseFilename=MyKeyTerminal-Setup-{#AppVersion}
SetupIconFile=..\..\resources\icons\mykey.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes
ShowLanguageDialog=no

[Languages]
Name: "japanese"; MessagesFile: "compiler:Languages\Japanese.isl"

[Files]
Source: "{#BuildDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Everything the app wrote next to itself (PyInstaller caches, logs); per-user settings and
; keys stay in %LOCALAPPDATA%\MyKey and the Windows Credential Manager (see docs/operations.md).
Type: filesandordirs; Name: "{app}"

[Code]
const
  SCARD_KEY = 'SYSTEM\CurrentControlSet\Services\SCardSvr';
  SERVICE_DISABLED = 4;

{ Start type of the Smart Card service (2 auto, 3 manual, 4 disabled), or -1 when it is missing. }
function SmartCardStartType(): Integer;
var
  StartType: Cardinal;
begin
  if RegQueryDWordValue(HKLM, SCARD_KEY, 'Start', StartType) then
    Result := StartType
  else
    Result := -1;
end;

{ The reader of マイナンバーカード needs the Smart Card service: warn, but do not block. }
function InitializeSetup(): Boolean;
var
  State: Integer;
begin
  Result := True;
  State := SmartCardStartType();
  if State = -1 then
    SuppressibleMsgBox('スマートカード サービス (SCardSvr) が見つかりません。' + #13#10 +
      'ICカードリーダーでマイナンバーカードを読み取れない可能性があります。' + #13#10 +
      'インストールは続行します。', mbError, MB_OK, IDOK)
  else if State = SERVICE_DISABLED then
    SuppressibleMsgBox('スマートカード サービス (SCardSvr) が無効になっています。' + #13#10 +
      'マイナンバーカードを読み取るには、管理者が「サービス」で' + #13#10 +
      'スタートアップの種類を「手動」または「自動」にしてください。', mbInformation, MB_OK, IDOK);
end;
