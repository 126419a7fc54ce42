# selinux-booleans.boot: a policy boolean at run time. user_t may write in
# /tmp only while user_write_tmp is on; init (root, allowed security:setbool)
# turns it on and off with setsebool, and each commit flushes every AVC.
disk     disk0 create=2M block-size=1024 model=ramdisk
fs       root=disk0 cache=64
clock    mode=tickless
security policy=policy/booleans.conf mode=enforcing

process init uid=0 context=system_u:system_r:init_t
    mkdir /tmp
    chmod 1777 /tmp
    setfilecon /tmp system_u:object_r:tmp_t
    getsebool
    spawn before
    wait before
    setsebool user_write_tmp on
    spawn after
    wait after
    setsebool user_write_tmp off
    getsebool user_write_tmp

process before uid=1000 gid=1000 context=user_u:user_r:user_t
    expect EACCES write /tmp/notes.txt "hello"

process after uid=1000 gid=1000 context=user_u:user_r:user_t
    write /tmp/notes.txt "hello"
    cat /tmp/notes.txt
