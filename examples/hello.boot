# hello.boot: the smallest whole system. init starts a child, which works
# for a while and greets; init waits for it.
cpu      quantum=10ms ipc-cost=200ns

process init uid=0
    echo "mksim is up"
    spawn hello
    wait hello
    echo "hello exited; bye"

process hello uid=1000 gid=1000
    spin 2ms
    echo "hello, world"
