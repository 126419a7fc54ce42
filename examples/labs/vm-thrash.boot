# The virtual-memory lab, part 2: thrashing. N workers (repeat N below) each sweep a
# working set of 24 pages eight times, with 1 ms of CPU work after each sweep, in
# 64 frames with swap on an hp97560. Up to two workers fit; from three on, every
# sweep pages out what the next worker needs (docs/labs/virtual-memory.md).
#   mksim boot examples/labs/vm-thrash.boot --set vm.replacement=lru
disk     swap0 size=16M model=hp97560
vm       frames=64 page-size=4096 replacement=clock swap=swap0

process init uid=0
    repeat 2 spawn worker
    repeat 2 wait

process worker
    brk 96K
    ref --write 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23
    spin 1ms
    ref --write 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23
    spin 1ms
    ref --write 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23
    spin 1ms
    ref --write 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23
    spin 1ms
    ref --write 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23
    spin 1ms
    ref --write 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23
    spin 1ms
    ref --write 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23
    spin 1ms
    ref --write 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23
    spin 1ms
    vmstat
