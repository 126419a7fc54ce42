# student.boot: a student's code from files, one of each kind (docs/extending.md).
# A program (programs/wc.ts) run by `#!mksim wc` through exec, and three policies:
# disk scheduling, buffer-cache replacement and CPU scheduling (policies/).
disk     disk0 create=8M sched=policies/disk-aging-sstf.ts
fs       root=disk0 cache=16 replacement=policies/cache-fifo.mjs
sched    policy=policies/cpu-shrinking-quantum.ts
program  wc programs/wc.ts

process init
    mkdir /bin
    write /bin/count "#!mksim wc /etc/motd"
    chmod 0755 /bin/count
    mkdir /etc
    write /etc/motd "a student's\nprogram and\nthree policies\n"
    spawn counter
    wait counter
    spawn hog1
    spawn hog2
    wait hog1
    wait hog2
    nprocs

process counter
    exec /bin/count

process hog1
    spin 20ms

process hog2
    spin 20ms
