#!/bin/sh
# GUI against CLI load time on one file, alternating runs:
#   bench/gui_vs_cli.sh CAUSEWAY FILE [RUNS]
# CLI: wall and CPU time of `causeway stats FILE`. GUI: `causeway FILE` on
# a fresh Xvfb display, from launch until the window's title names the file
# (the session has the model), with the process's CPU time then, and until
# it answers input (Alt+F opens the File menu: one more visible window).
# On a shared machine wall times move with the load; CPU times less so.
set -eu
bin=$1; file=$2; runs=${3:-5}
name=$(basename "$file")
tck=$(getconf CLK_TCK)
now() { date +%s.%N; }
# A display of its own, gone before the script returns: the next run's
# display must not start while this one still holds :97.
Xvfb :97 -screen 0 1600x1000x24 >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null; wait $xvfb 2>/dev/null' EXIT
until xdpyinfo -display :97 >/dev/null 2>&1; do
    kill -0 $xvfb 2>/dev/null || { echo "Xvfb :97 did not start" >&2; exit 1; }
    sleep 0.1
done
export DISPLAY=:97
echo "run cli_s cli_cpu_s gui_titled_s gui_cpu_s gui_input_s gui/cli(wall,input) gui/cli(cpu)"
for run in $(seq "$runs"); do
    t0=$(now); cpu=$(/usr/bin/time -f "%U %S" "$bin" stats "$file" 2>&1 >/dev/null | tail -1); t1=$(now)
    cli=$(echo "$t1 - $t0" | bc)
    clicpu=$(echo "$cpu" | awk '{print $1 + $2}')
    t0=$(now)
    "$bin" "$file" >/dev/null 2>&1 &
    gui=$!
    until xdotool search --onlyvisible --name "^$name" >/dev/null 2>&1; do sleep 0.02; done
    t1=$(now)
    guicpu=$(awk -v t="$tck" '{print ($14 + $15) / t}' /proc/$gui/stat)
    win=$(xdotool search --onlyvisible --name "^$name" | head -1)
    before=$(xdotool search --onlyvisible --class causeway 2>/dev/null | wc -l)
    xdotool windowfocus "$win" 2>/dev/null; xdotool key alt+f 2>/dev/null
    until [ "$(xdotool search --onlyvisible --class causeway 2>/dev/null | wc -l)" -gt "$before" ]; do sleep 0.02; done
    t2=$(now)
    kill $gui; wait $gui 2>/dev/null || true
    titled=$(echo "$t1 - $t0" | bc); input=$(echo "$t2 - $t0" | bc)
    echo "$run $cli $clicpu $titled $guicpu $input $(echo "scale=3; $input / $cli" | bc) $(echo "scale=3; $guicpu / $clicpu" | bc)"
done
