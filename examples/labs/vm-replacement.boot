# The virtual-memory lab (docs/labs/virtual-memory.md), part 1: fault counts of one
# policy on two reference strings, run one after the other (the second starts
# with every frame free again). Change the policy and the frames with --set:
#   mksim boot examples/labs/vm-replacement.boot --set vm.replacement=lru --set vm.frames=4
vm frames=3 page-size=4096 replacement=fifo

process init uid=0
    spawn belady
    wait belady
    spawn textbook
    wait textbook

# Belady's string: FIFO faults more with 4 frames than with 3.
process belady
    brk 64K
    ref 1 2 3 4 1 2 5 1 2 3 4 5
    vmstat

# The textbook string (Silberschatz, Operating System Concepts, ch. 10).
process textbook
    brk 64K
    ref 7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1
    vmstat
