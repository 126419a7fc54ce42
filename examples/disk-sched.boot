# disk-sched.boot: disk scheduling that can be seen. A raw reader keeps 8 reads
# of random 4 KiB blocks in flight with one driver (as MINIX's libbdev
# bdev_read_asyn does), so the driver's queue holds several requests and its
# policy decides their order. Compare the policies, a student's among them:
#   mksim boot examples/disk-sched.boot --set disk0.sched=fcfs   (sstf, look, clook)
#   mksim boot examples/disk-sched.boot --set disk0.sched=policies/disk-aging-sstf.ts
# docs/disk.md shows what each prints.
disk   disk0 create=512M model=hp97560 sched=fcfs
reader r0 disk=disk0 requests=400 depth=8
