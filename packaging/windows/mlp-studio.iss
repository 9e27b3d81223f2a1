; Inno Setup script: wraps the PyInstaller one-folder build (packaging\dist\mlp-studio) in
; packaging\dist\mlp-studio-VERSION-windows-x64-setup.exe. Build the folder first, then:
;   iscc /DAppVersion=0.1.0 packaging\windows\mlp-studio.iss
; Untested on the Linux development machine; CI runs it (.github/workflows/installers.yml).

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

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "..\dist\mlp-studio\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
