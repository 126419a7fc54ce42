# crash.boot: the crash-consistency lab's workload (docs/labs/crash-consistency.md).
# A small file system, files made, written, synced, renamed and removed, so
# that a power cut between any two block writes can be judged by
# `mksim crashtest examples/crash.boot --robust both`.
disk     disk0 create=1M block-size=1024 model=hp97560 sched=look
fs       root=disk0 cache=32 robust=off
clock    mode=tickless

process init uid=0
    mkdir /home
    mkdir /home/alice
    write /home/alice/notes.txt "meeting at noon"
    write --bytes 12000 /home/alice/data.bin
    sync
    mkdir /tmp
    write /tmp/scratch "temporary"
    write --append /home/alice/notes.txt ", room 4"
    mv /tmp/scratch /home/alice/kept
    write --bytes 30000 /tmp/big
    sync
    rm /tmp/big
    mkdir /home/bob
    write /home/bob/todo "buy milk"
    ln /home/bob/todo /home/alice/bobs-todo
    write --bytes 9000 /home/bob/log
    rm /home/alice/data.bin
    sync
    write /home/bob/late "not synced"
    write --bytes 4000 /home/alice/late.bin
