@echo off
setlocal
rem orglife launcher: drop a branch workbook on this file (for WPS / LibreOffice users).
if "%~1"=="" goto usage
where orglife >nul 2>nul
if errorlevel 1 goto missing
orglife render "%~1" -o "%~dpn1_材料"
if errorlevel 1 goto failed
echo.
echo 材料已生成在："%~dpn1_材料"
pause
exit /b 0
:failed
echo.
echo 请按上面的提示修改填报表后，再把它拖到本文件上。
pause
exit /b 1
:usage
echo 请把填好的支部填报表（.xlsx 或 .xlsm）拖到“生成材料.cmd”的图标上。
pause
exit /b 2
:missing
echo 没有找到 orglife 命令：请先安装 Python 3.10 以上版本，再在本工具的文件夹里运行 pip install . 安装 orglife。
pause
exit /b 2
