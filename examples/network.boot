# Two hosts and a lossy link: a client fetches a page from a web server.
# Every frame is in the trace (ev "net": send, drop, deliver) with its host;
# lost frames are retransmitted by INET, so the page arrives whole, once, in order.
#   mksim boot examples/network.boot --trace net.jsonl
#   mksim trace net.jsonl --type net
host server addr=10.0.0.2
    disk disk0 create=4M model=ramdisk
    fs root=disk0
    process httpd uid=0
        listen 80 as srv
        accept srv as c
        recv c 100
        send c "HTTP/1.0 200 OK: hello from the server"
        close c
        close srv
host client addr=10.0.0.1
    process browser uid=1000
        # The server's INET answers a SYN for a port nobody listens on with a reset: give httpd time to listen.
        sleep 20ms
        connect 10.0.0.2:80 as s
        send s "GET / HTTP/1.0"
        recv s 100
        expect ok close s
link client server latency=2ms bandwidth=10Mbit loss=0.2
