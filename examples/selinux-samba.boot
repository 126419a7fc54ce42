# selinux-samba.boot: SELinux's memory execution controls (docs/vm.md, docs/security.md).
# smbd, a "vulnerable" file server, serves requests from a spool file. One request is an
# exploit: its payload overflows a heap buffer and asks for an executable heap (mprotect
# heap rwx) to run its shellcode. smbd runs in smbd_t, which the policy
# (examples/policy/samba.conf) gives no process:execheap: enforcing denies the mprotect
# (an AVC line), the exploit fails and smbd goes on serving; permissive allows it and logs.
#
#   mksim boot examples/selinux-samba.boot                                   # enforcing: exploit fails
#   mksim boot examples/selinux-samba.boot --set security.mode=permissive   # logged, allowed
disk     disk0 create=4M block-size=1024 model=ramdisk
fs       root=disk0 cache=64
clock    mode=tickless
vm       frames=64 page-size=4096 replacement=clock
security policy=policy/samba.conf mode=enforcing

process init uid=0 context=system_u:system_r:init_t
    mkdir /usr
    mkdir /usr/sbin
    setfilecon /usr/sbin system_u:object_r:bin_t
    write /usr/sbin/smbd "#!mksim smbd /srv/spool"
    chmod 0755 /usr/sbin/smbd
    setfilecon /usr/sbin/smbd system_u:object_r:smbd_exec_t
    mkdir /srv
    setfilecon /srv system_u:object_r:samba_share_t
    write /srv/report.txt "quarterly report: all numbers up"
    setfilecon /srv/report.txt system_u:object_r:samba_share_t
    write /srv/notes.txt "meeting at noon"
    setfilecon /srv/notes.txt system_u:object_r:samba_share_t
    write /srv/spool "GET /srv/report.txt\nEXPLOIT\nGET /srv/notes.txt\n"
    setfilecon /srv/spool system_u:object_r:samba_share_t
    spawn server
    wait server

# init's child: execs the server and enters smbd_t (type_transition init_t smbd_exec_t:process smbd_t).
process server
    exec /usr/sbin/smbd
