; Inno Setup script: wraps the PyInstaller one-folder build (packaging\dist\mlp-studio) in
; packaging\dist\mlp-studio-VERSION-windows-x64-setup.exe. Build the folder first, then:
;   iscc /DAppVersion=0.1.0 packaging\windows\mlp-studio.iss
; Untested on the Linux development machine; CI runs it (.github/workflows/installers.yml),
; and signs the programs and the installer when a certificate secret is set.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#define AppName "MLP Studio"
#define AppExe "mlp-studio.exe"

[Setup]
AppId={{6B1F7C52-3D1A-4E0B-9C7E-5A2D8F4B9E31}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=MLP Studio developers
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; per-user install without admin rights is offered (and /CURRENTUSER on the command line)
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog commandline
ArchitecturesAllowed=x64
ArchitecturesInstallIn64BitMode=x64
OutputDir=..\dist
OutputBaseFilename=mlp-studio-{#AppVersion}-windows-x64-setup
SetupIconFile=mlp-studio.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
LicenseFile=..\..\LICENSE
; the installer registers the project file type (below); Explorer is told to refresh
ChangesAssociations=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "..\dist\mlp-studio\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "..\..\LICENSE"; DestDir: "{app}"; DestName: "LICENSE.txt"; Flags: ignoreversion

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; MLP Studio projects (*.mlp.json). Windows matches the last extension only (.json), so the
; app offers itself in Explorer's "Open with" for JSON files without becoming their default;
; "MLPStudio.Project" says how to open them, with the project icon.
Root: HKA; Subkey: "Software\Classes\MLPStudio.Project"; ValueType: string; ValueName: ""; ValueData: "MLP Studio project"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\MLPStudio.Project"; ValueType: string; ValueName: "Content Type"; ValueData: "application/x-mlp-studio-project"
Root: HKA; Subkey: "Software\Classes\MLPStudio.Project\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKA; Subkey: "Software\Classes\MLPStudio.Project\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
Root: HKA; Subkey: "Software\Classes\.json\OpenWithProgids"; ValueType: string; ValueName: "MLPStudio.Project"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "{#AppName}"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".json"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
