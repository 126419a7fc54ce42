# Goal 3: through /usr/bin/passwd (and only so) alice changes her password;
# the program runs in passwd_t; nothing is denied; the image stays consistent.
# (examples/assignments/selinux-passwd; run by `mksim grade spec.yaml`)
disk     disk0 image=disk.img create=4M block-size=1024 model=ramdisk
fs       root=disk0 cache=64
clock    mode=tickless
security policy=policy.conf mode=enforcing

process init uid=0 context=system_u:system_r:init_t
    mkdir /etc
    setfilecon /etc system_u:object_r:etc_t
    write /etc/passwd "root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000:Alice:/home/alice:/bin/sh"
    write /etc/shadow "root:$mksim$0:0:0:99999:7:::"
    chmod 0666 /etc/shadow
    setfilecon /etc/shadow system_u:object_r:shadow_t
    mkdir /usr
    mkdir /usr/bin
    setfilecon /usr/bin system_u:object_r:bin_t
    write /usr/bin/passwd "#!mksim passwd alice"
    chmod 0755 /usr/bin/passwd
    setfilecon /usr/bin/passwd system_u:object_r:passwd_exec_t
    mkdir /home
    mkdir /home/alice 0755
    chown 1000:1000 /home/alice
    setfilecon /home/alice system_u:object_r:home_t
    spawn alice
    wait alice
    cat /etc/shadow
    sync

process alice uid=1000 gid=1000 context=user_u:user_r:user_t
    spawn pw
    wait pw

process pw
    exec /usr/bin/passwd
