# signal-latency.boot: how long after an alarm is due does its handler run?
# `latency` (a built-in, reached through an executable file) arms an alarm,
# pauses, and measures from the due time to the handler's first instruction,
# while CPU-bound spinners compete for the CPU in the same priority queue.
# Vary the clock and the quantum:
#   mksim boot examples/signal-latency.boot --set clock.mode=periodic --set clock.hz=100
#   mksim boot examples/signal-latency.boot --set cpu.quantum=2ms --set sched.policy=rr
disk     disk0 create=2M block-size=1024 model=ramdisk
fs       root=disk0 cache=64
clock    mode=tickless hz=1000
cpu      quantum=10ms

process init uid=0
    mkdir /bin
    write /bin/latency "#!mksim latency 20 7ms"
    chmod 0755 /bin/latency
    repeat 2 spawn spinner
    spawn measurer
    wait measurer
    repeat 2 wait

process spinner
    spin 400ms

process measurer
    exec /bin/latency
