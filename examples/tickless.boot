# tickless.boot: an idle system with a few timers. In tickless mode the
# clock-event device is programmed only for the next timer; compare the
# interrupts with a classic periodic tick:
#   mksim boot examples/tickless.boot --trace a.jsonl
#   mksim boot examples/tickless.boot --set clock.mode=periodic --trace b.jsonl
#   mksim trace diff a.jsonl b.jsonl
clock    mode=tickless hz=1000
cpu      quantum=10ms

process init
    spawn napper
    spawn alarmist
    wait napper
    wait alarmist
    echo "both done"

process napper
    repeat 5 sleep 40ms
    echo "slept 5 x 40ms"

process alarmist
    trap SIGALRM echo "alarm"
    alarm 150ms
    pause
    alarm 30ms
    pause
