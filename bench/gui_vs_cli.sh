#!/usr/bin/env bash
# GUI against CLI load time on one file, alternating runs:
#   bench/gui_vs_cli.sh CAUSEWAY FILE [RUNS]
# CLI: wall and CPU time of `causeway stats FILE`. GUI: `causeway FILE` on
# a fresh Xvfb display, from launch until the window's title names the file
# (the session has the model), with the process's CPU time then, and until
# it answers input (Alt+F opens the File menu: one more visible window).
# Nothing polls the X server while the GUI starts or loads: each `xdotool
# search` costs Xvfb about 20 ms of CPU, and polling every 20 ms took about
# half a core from the load being timed. The window is found from xev's
# MapNotify on the root window and its title followed with `xprop -spy`.
# Nor does the script start processes (or fork for $(...)) between the
# title and the menu: each `date`, `bc` or subshell took a few ms, and xev
# prints every event on several lines, so the menu seemed to open 60-110 ms
# after the GUI had painted it (the GUI's own probes showed it painted
# 3-27 ms after the key arrived). What remains between the title and the
# key is the script's: stopping xprop and starting xdotool.
# The two sides take turns going first (CLI then GUI, GUI then CLI, ...):
# most of a load's system time is the kernel zeroing fresh memory, and how
# fast that is depends on what the process before it freed and when, so a
# fixed order favoured one side. User and system CPU are shown apart.
# Both sides also start the same time after the process before them ended
# (GAP seconds, default 3): the GUI needs xev running for 0.3 s before it
# starts, the CLI did not wait at all, and a load's system time depends on
# how soon it follows the one before (for the 1 GB file 0.4 s in one
# placement, 0.5-1.3 s in others), so the two sides met memory in
# different states.
# On a shared machine wall times move with the load; CPU times less so.
set -eu
bin=$1; file=$2; runs=${3:-5}
gap=${GAP:-3}
name=$(basename "$file")
tck=$(getconf CLK_TCK)
usec() { local t=${1/./}; echo $((10#$t)); }
# The same into REPLY, without the subshell $(...) forks (a few ms each).
usecReply() { local t=${1/./}; REPLY=$((10#$t)); }
# Whether more than SECONDS (whole) have passed since START, without a process.
after() {
    local at
    usecReply "$EPOCHREALTIME"; at=$REPLY
    usecReply "$1"
    (( at - REPLY > $2 * 1000000 ))
}
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
# `causeway stats FILE`: sets cli (wall s), cliuser and clisys (CPU s).
run_cli() {
    local t0 t1 cpu
    sleep "$gap"
    t0=$EPOCHREALTIME; cpu=$(/usr/bin/time -f "%U %S" "$bin" stats "$file" 2>&1 >/dev/null | tail -1); t1=$EPOCHREALTIME
    cli=$(echo "$t1 - $t0" | bc)
    read -r cliuser clisys <<< "$cpu"
}
# `causeway FILE` on the display: sets titled and input (s from launch),
# guiuser and guisys (CPU s when titled).
run_gui() {
    # Everything mapped on the root window is reported by xev, started
    # before the GUI and idle until then: the main window's MapNotify gives
    # its id (polling with `xdotool search` until the window showed cost
    # Xvfb about 20 ms of CPU per search, taken from the GUI's first 0.3 s),
    # and later the File menu's MapNotify says the window answered input.
    menus=$(mktemp -u); mkfifo "$menus"
    stdbuf -oL xev -root -event substructure > "$menus" 2>/dev/null &
    xev=$!
    exec 4<"$menus"
    # xev has connected and selected the root's events (0.3 s), and the
    # same gap as the CLI's has passed since the process before.
    sleep "$(echo "if ($gap > 0.3) $gap else 0.3" | bc)"
    t0=$EPOCHREALTIME
    "$bin" "$file" >/dev/null 2>&1 &
    gui=$!
    # xev prints an event on several lines; a MapNotify's second line names
    # the mapped window: "    event 0x..., window 0x..., override NO".
    win=; mapped=
    while [ -z "$win" ]; do
        if ! IFS= read -r -t 60 line <&4; then
            echo "run $run: no window (the GUI ended or showed none within 60 s)" >&2
            kill $gui $xev 2>/dev/null; exit 1
        fi
        case $line in
            MapNotify*) mapped=1 ;;
            *"window 0x"*)
                if [ -n "$mapped" ]; then
                    win=${line##*window }; win=${win%%,*}
                fi
                mapped= ;;
            *) mapped= ;;
        esac
    done
    # ...then its title as events: xprop prints it now and at every change,
    # and ends when the window goes.
    fifo=$(mktemp -u); mkfifo "$fifo"
    xprop -spy -id "$win" _NET_WM_NAME > "$fifo" 2>/dev/null &
    spy=$!
    exec 3<"$fifo"
    titled_ok=
    while IFS= read -r -t 300 line <&3; do
        case $line in *"= \"$name"*) titled_ok=1; break ;; esac
    done
    t1=$EPOCHREALTIME
    kill $spy 2>/dev/null; wait $spy 2>/dev/null || true
    exec 3<&-; rm -f "$fifo"
    if [ -z "$titled_ok" ]; then
        echo "run $run: no window titled $name (the GUI ended or took over 300 s)" >&2
        kill $gui 2>/dev/null; exit 1
    fi
    # CPU ticks so far (fields 14 and 15), read without starting a process.
    local stat
    read -r -a stat < /proc/$gui/stat
    while IFS= read -r -t 0.001 line <&4; do :; done # what the load mapped
    # Without a window manager a key can reach the window before it has the
    # focus: Alt+F again after a second without a menu (times from the first).
    xdotool windowfocus "$win" key alt+f 2>/dev/null
    asked=$EPOCHREALTIME
    until IFS= read -r -t 1 line <&4 && case $line in MapNotify*) true ;; *) false ;; esac; do
        [ -n "$line" ] && case $line in [A-Z]*) ;; *) continue ;; esac # an event's later lines
        if after "$t1" 60; then
            echo "run $run: the window did not open its File menu within 60 s" >&2
            kill $gui $xev 2>/dev/null; exit 1
        fi
        if after "$asked" 1; then
            xdotool windowfocus "$win" key alt+f 2>/dev/null
            asked=$EPOCHREALTIME
        fi
    done
    t2=$EPOCHREALTIME
    guiuser=$(echo "scale=2; ${stat[13]} / $tck" | bc); guisys=$(echo "scale=2; ${stat[14]} / $tck" | bc)
    kill $gui $xev; wait $gui $xev 2>/dev/null || true
    exec 4<&-; rm -f "$menus"
    titled=$(echo "$t1 - $t0" | bc); input=$(echo "$t2 - $t0" | bc)
}
echo "run first cli_s cli_user+sys_s gui_titled_s gui_user+sys_s gui_input_s gui/cli(titled) gui/cli(input) gui/cli(cpu)"
for run in $(seq "$runs"); do
    # ABBA: runs 1 and 4 start with the CLI, 2 and 3 with the GUI, and so on.
    if (( (run % 4) < 2 )); then first=cli; run_cli; run_gui; else first=gui; run_gui; run_cli; fi
    clicpu=$(echo "$cliuser + $clisys" | bc); guicpu=$(echo "$guiuser + $guisys" | bc)
    echo "$run $first $cli $cliuser+$clisys $titled $guiuser+$guisys $input $(echo "scale=3; $titled / $cli" | bc) $(echo "scale=3; $input / $cli" | bc) $(echo "scale=3; $guicpu / $clicpu" | bc)"
done
