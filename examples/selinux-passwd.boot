# selinux-passwd.boot: type enforcement and a domain transition (docs/labs/selinux.md).
# The shadow file is writable by everyone as far as the mode bits go (0666):
# only the policy (examples/policy/base.conf) keeps alice, in user_t, from
# writing it. /usr/bin/passwd is labelled passwd_exec_t, so exec'ing it moves
# alice's child into passwd_t (type_transition user_t passwd_exec_t:process
# passwd_t), the one domain allowed to write shadow_t files. Being that
# powerful, passwd decides itself whose entry the caller may change (alice's
# own: docs/security.md#passwd); examples/selinux-su.boot shows the refusals,
# su, an administrator and setuid.
#
#   mksim boot examples/selinux-passwd.boot                                   # enforcing: exit 0
#   mksim boot examples/selinux-passwd.boot --set security.mode=permissive   # logs the denial, allows it
disk     disk0 create=4M block-size=1024 model=ramdisk
fs       root=disk0 cache=64
clock    mode=tickless
security policy=policy/base.conf mode=enforcing

process init uid=0 context=system_u:system_r:init_t
    getcon
    mkdir /etc
    setfilecon /etc system_u:object_r:etc_t
    write /etc/passwd "root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000:Alice:/home/alice:/bin/sh"
    setfilecon /etc/passwd system_u:object_r:etc_t
    write /etc/shadow "root:$mksim$0:0:0:99999:7:::"
    chmod 0666 /etc/shadow
    setfilecon /etc/shadow system_u:object_r:shadow_t
    mkdir /usr
    mkdir /usr/bin
    setfilecon /usr/bin system_u:object_r:bin_t
    write /usr/bin/passwd "#!mksim passwd"
    chmod 0755 /usr/bin/passwd
    setfilecon /usr/bin/passwd system_u:object_r:passwd_exec_t
    mkdir /home
    mkdir /home/alice 0755
    chown 1000:1000 /home/alice
    setfilecon /home/alice system_u:object_r:home_t
    getfilecon /etc/shadow
    getfilecon /usr/bin/passwd
    spawn alice
    wait alice
    cat /etc/shadow
    getfilecon /etc/shadow

process alice uid=1000 gid=1000 context=user_u:user_r:user_t
    getcon
    write /home/alice/notes.txt "remember to change the password"
    getfilecon /home/alice/notes.txt
    # DAC allows this write (mode 0666); the policy does not: user_t may not write shadow_t.
    expect EACCES write /etc/shadow "alice:x:0:0:99999:7:::"
    # Nor may she label a file of her own shadow_t (relabelfrom and relabelto are init's).
    expect EACCES setfilecon /home/alice/notes.txt user_u:object_r:shadow_t
    cat /home/alice/notes.txt
    spawn pw
    wait pw

# alice's child: runs passwd, and enters passwd_t on the way.
process pw
    getcon
    exec /usr/bin/passwd
