; Inno Setup 6 script: the per-user Windows installer of «Объектив».
; No administrator rights: installs into %LOCALAPPDATA%\Programs\Objektiv, shortcuts in the user's
; Start menu and on the desktop, an uninstaller registered under «Приложения» of this user.
; The school's data (%LOCALAPPDATA%\objektiv) is never touched by installing, updating or removing.
;
; Build (see installer\README.md): python installer\build.py
;   or by hand after PyInstaller:  iscc /DAppVersion=0.1.0 installer\objektiv.iss
; Needs Inno Setup 6.3 or newer. The file is UTF-8 (with a BOM for older editors).

#if VER < EncodeVer(6, 3, 0)
  #error Нужен Inno Setup 6.3 или новее
#endif

#ifndef AppVersion
  ; Keep equal to version in pyproject.toml (a test checks); build.py passes /DAppVersion anyway.
  #define AppVersion "0.1.0"
#endif
#ifndef BundleDir
  #define BundleDir SourcePath + "build\dist\objektiv"
#endif
#define AppName "Объектив"
#define AppExe "objektiv.exe"

[Setup]
AppId={{5F1C8E2A-7B3D-4C61-9A0E-3D2B6C8F41A7}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppName}
AppComments=План мероприятий, результаты оценочных процедур, анализ объективности
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
; Per user, without administrator rights; {autopf} is then %LOCALAPPDATA%\Programs
PrivilegesRequired=lowest
DefaultDirName={autopf}\Objektiv
DisableProgramGroupPage=yes
DisableDirPage=auto
UsePreviousAppDir=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
WizardStyle=modern
ShowLanguageDialog=no
SetupIconFile=..\resources\icons\objektiv.ico
OutputDir=build
OutputBaseFilename=objektiv-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
CloseApplications=yes
RestartApplications=no
Uninstallable=yes
UninstallDisplayName={#AppName} {#AppVersion}
UninstallDisplayIcon={app}\{#AppExe}

[Languages]
Name: "russian"; MessagesFile: "compiler:Languages\Russian.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[InstallDelete]
; An update replaces the whole program: no stale library from the previous version stays behind.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{userdocs}"; Comment: "Объективность оценочных процедур в школе"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{userdocs}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only the program folder; the school's data lives elsewhere and stays.
Type: dirifempty; Name: "{app}"
