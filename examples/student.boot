# student.boot: a student's code from files, one of each kind (docs/extending.md).
# A program (programs/wc.ts) run by `#!mksim wc` through exec, and four policies:
# disk scheduling, buffer-cache replacement, CPU scheduling and page replacement (policies/).
disk     disk0 create=8M sched=policies/disk-aging-sstf.ts
disk     swap0 size=4M
fs       root=disk0 cache=16 replacement=policies/cache-fifo.mjs
sched    policy=policies/cpu-shrinking-quantum.ts
vm       frames=8 replacement=policies/page-clean-first.ts swap=swap0
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
    spawn pager
    wait pager
    nprocs

process counter
    exec /bin/count

process hog1
    spin 20ms

process hog2
    spin 20ms

# Writes 4 pages, then reads 8 more in 8 frames: clean-first evicts the 4 clean
# ones, so nothing is written to swap (fifo or clock would page out the 4 written).
process pager
    brk 64K
    ref --write 0 1 2 3
    ref 4 5 6 7 8 9 10 11 0 1 2 3
    vmstat
