# selinux-browsers.boot: labeled networking (docs/labs/labeled-networking.md).
# A workstation runs two browsers: internal_browser_t may reach the company's
# intranet web server, external_browser_t the internet one. The IPsec policy
# for each network (association polmatch on the node's label, nodecon in
# examples/policy/browsers.conf) decides; each server also checks the peer's
# security association (association recvfrom) and prints the peer's context
# (getpeercon). Enforcing: the two other connections are denied with AVC lines.
#   mksim boot examples/selinux-browsers.boot
#   mksim boot examples/selinux-browsers.boot --set desk.security.mode=permissive   # see the lab
host intranet addr=10.0.0.2
    disk disk0 create=2M model=ramdisk
    security policy=policy/browsers.conf mode=enforcing
    process init uid=0 context=system_u:system_r:init_t
        spawn web
        wait web
    process web context=system_u:system_r:intranet_httpd_t
        spawn httpd
        wait httpd
host internet addr=198.51.100.7
    disk disk0 create=2M model=ramdisk
    security policy=policy/browsers.conf mode=enforcing
    process init uid=0 context=system_u:system_r:init_t
        spawn web
        wait web
    process web context=system_u:system_r:internet_httpd_t
        spawn httpd
        wait httpd
host desk addr=10.0.0.1
    disk disk0 create=2M model=ramdisk
    security policy=policy/browsers.conf mode=enforcing
    process init uid=0 context=system_u:system_r:init_t
        sleep 50ms
        spawn internal
        wait internal
        spawn external
        wait external
        # init may reach both networks: it tells both servers to stop.
        connect 10.0.0.2:80 as a
        send a "QUIT"
        connect 198.51.100.7:80 as b
        send b "QUIT"
    process internal uid=1000 context=system_u:system_r:internal_browser_t
        connect 10.0.0.2:80 as s
        send s "GET /intranet"
        recv s 100
        expect EACCES connect 198.51.100.7:80 as t
    process external uid=1000 context=system_u:system_r:external_browser_t
        connect 198.51.100.7:80 as s
        send s "GET /internet"
        recv s 100
        expect EACCES connect 10.0.0.2:80 as t
link desk intranet latency=1ms bandwidth=100Mbit
link desk internet latency=20ms bandwidth=10Mbit
