@echo off
setlocal
rem orglife launcher: drop the folder (or .zip) of returned workbooks on this file.
if "%~1"=="" goto usage
where orglife >nul 2>nul
if errorlevel 1 goto missing
set "CYCLE="
if exist "%~dp0周期设置.xlsx" set CYCLE=--cycle "%~dp0周期设置.xlsx"
orglife collect "%~1" %CYCLE% -o "%~dp0汇总结果"
if errorlevel 2 goto failed
if exist "%~dp0汇总结果\汇总表.xlsx" start "" "%~dp0汇总结果\汇总表.xlsx"
echo.
echo 汇总结果在："%~dp0汇总结果"
pause
exit /b 0
:failed
echo.
echo 汇总没有完成，请按上面的提示处理。
pause
exit /b 2
:usage
echo 请把放回收文件的文件夹（或 .zip）拖到“汇总.cmd”的图标上。
pause
exit /b 2
:missing
echo 没有找到 orglife 命令：请先安装 Python 3.10 以上版本，再在本工具的文件夹里运行 pip install . 安装 orglife。
pause
exit /b 2
