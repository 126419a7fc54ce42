# hello.boot: the smallest whole system. A disk with a fresh MINIX V3 file
# system, the file server, the clock, the process manager and two user
# processes: init makes /tmp, starts hello, and waits for it.
disk     disk0 create=4M block-size=1024 model=hp97560 sched=look
fs       root=disk0 cache=64
clock    mode=tickless
cpu      quantum=10ms ipc-cost=200ns

process init uid=0
    echo "mksim is up"
    mkdir /tmp
    chmod 1777 /tmp
    spawn hello
    wait hello
    cat /tmp/hello.txt
    echo "bye"

process hello uid=1000 gid=1000
    write /tmp/hello.txt "hello, world"
    sleep 5ms
    ls /tmp
    sync
