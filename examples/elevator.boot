# elevator.boot: scattered dirty blocks, then one sync. With elevator=on the
# file server's rw_scattered writes them in block order (one sweep of the
# head); compare:  mksim boot examples/elevator.boot --set fs.elevator=off
# and read `mksim trace stats` of both traces (disk seek time, cylinders).
disk     disk0 create=16M block-size=1024 model=hp97560 sched=fcfs
fs       root=disk0 cache=512 robust=off elevator=on
clock    mode=tickless

process init uid=0
    mkdir /data
    write --bytes 1000000 /data/a
    write --bytes 1000000 /data/b
    write --bytes 1000000 /data/c
    write --bytes 1000000 /data/d
    sync
    echo "four 1 MB files on disk; now 16 scattered updates"
    spawn updater
    wait updater

process updater
    open d /data/d O_RDWR
    open a /data/a O_RDWR
    open c /data/c O_RDWR
    open b /data/b O_RDWR
    lseek d 875000
    writefd d "update 1"
    lseek a 50000
    writefd a "update 2"
    lseek c 725000
    writefd c "update 3"
    lseek b 250000
    writefd b "update 4"
    lseek d 125000
    writefd d "update 5"
    lseek a 975000
    writefd a "update 6"
    lseek c 25000
    writefd c "update 7"
    lseek b 775000
    writefd b "update 8"
    lseek a 450000
    writefd a "update 9"
    lseek d 550000
    writefd d "update 10"
    lseek b 600000
    writefd b "update 11"
    lseek c 375000
    writefd c "update 12"
    lseek a 675000
    writefd a "update 13"
    lseek d 300000
    writefd d "update 14"
    lseek c 900000
    writefd c "update 15"
    lseek b 75000
    writefd b "update 16"
    close a
    close b
    close c
    close d
    sync
    echo "synced"
